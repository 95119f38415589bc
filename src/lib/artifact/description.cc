#include "artifact/description.h"

#include <yaml-cpp/yaml.h>

#include <set>

#include "artifact/artifact_error.h"
#include "artifact/conveyed_info_artifact.h"
#include "common/hex.h"
#include "crypto/certificate.h"

namespace sztp::artifact {

namespace {

Error invalid(const std::string& path, const std::string& what) {
  return Error(ArtifactErrc::InvalidDescription, (path.empty() ? "/" : path) + ": " + what);
}

Status onlyKeys(const YAML::Node& node, const std::string& path,
                std::initializer_list<std::string_view> allowed) {
  if (!node.IsMap()) {
    return invalid(path, "must be a mapping");
  }
  for (const auto& entry : node) {
    const std::string key = entry.first.as<std::string>();
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      std::string list;
      for (auto a : allowed) {
        list += (list.empty() ? "" : ", ") + std::string(a);
      }
      return invalid(path + "/" + key, "unknown key (expected one of: " + list + ")");
    }
  }
  return {};
}

Result<std::string> scalar(const YAML::Node& node, const std::string& path) {
  if (!node.IsScalar()) {
    return invalid(path, "must be a single value");
  }
  return node.as<std::string>();
}

// A binary leaf: a file path, {file: path} or {text: inline}.
Result<Bytes> content(const YAML::Node& node, const std::string& path,
                      const DescriptionFiles& files) {
  if (node.IsScalar()) {
    auto bytes = files.read(node.as<std::string>());
    if (!bytes) {
      return std::move(bytes).error().addContext(path);
    }
    return bytes;
  }
  auto keys = onlyKeys(node, path, {"file", "text"});
  if (!keys) {
    return std::move(keys).error();
  }
  if (node["text"] && !node["file"]) {
    return toBytes(node["text"].as<std::string>());
  }
  if (node["file"] && !node["text"]) {
    return content(node["file"], path + "/file", files);
  }
  return invalid(path, "give either 'file' or 'text'");
}

Result<model::BootImage> bootImage(const YAML::Node& node, const std::string& path,
                                   const DescriptionFiles& files) {
  auto keys = onlyKeys(node, path,
                       {"os-name", "os-version", "download-uri", "image", "image-verification"});
  if (!keys) {
    return std::move(keys).error();
  }
  model::BootImage image;
  for (const auto* key : {"os-name", "os-version"}) {
    if (node[key]) {
      auto value = scalar(node[key], path + "/" + key);
      if (!value) {
        return std::move(value).error();
      }
      (std::string_view(key) == "os-name" ? image.osName : image.osVersion) = *value;
    }
  }
  if (const auto uris = node["download-uri"]) {
    if (uris.IsScalar()) {
      image.downloadUris.push_back(uris.as<std::string>());
    } else if (uris.IsSequence()) {
      for (const auto& uri : uris) {
        image.downloadUris.push_back(uri.as<std::string>());
      }
    } else {
      return invalid(path + "/download-uri", "must be a URI or a list of URIs");
    }
  }
  if (const auto file = node["image"]) {
    auto name = scalar(file, path + "/image");
    if (!name) {
      return std::move(name).error();
    }
    auto digest = files.sha256(*name);
    if (!digest) {
      return std::move(digest).error().addContext(path + "/image");
    }
    image.imageVerification.push_back({model::HashAlgorithm::Sha256, *digest});
  }
  if (const auto list = node["image-verification"]) {
    if (node["image"]) {
      return invalid(path, "give 'image' (hash computed) or 'image-verification', not both");
    }
    if (!list.IsSequence()) {
      return invalid(path + "/image-verification", "must be a list");
    }
    for (const auto& entry : list) {
      const std::string entryPath = path + "/image-verification";
      auto entryKeys = onlyKeys(entry, entryPath, {"hash-algorithm", "hash-value"});
      if (!entryKeys) {
        return std::move(entryKeys).error();
      }
      const auto algorithm = entry["hash-algorithm"] ? entry["hash-algorithm"].as<std::string>()
                                                     : std::string("sha-256");
      if (algorithm != "sha-256" && algorithm != "ietf-sztp-conveyed-info:sha-256") {
        return invalid(entryPath + "/hash-algorithm", "only sha-256 is defined (RFC 8572)");
      }
      if (!entry["hash-value"]) {
        return invalid(entryPath + "/hash-value", "is required");
      }
      auto value = hexDecodeLenient(entry["hash-value"].as<std::string>());
      if (!value || value->size() != 32) {
        return invalid(entryPath + "/hash-value", "must be 32 octets of hex");
      }
      image.imageVerification.push_back({model::HashAlgorithm::Sha256, *value});
    }
  }
  if (!image.imageVerification.empty() && image.downloadUris.empty()) {
    return invalid(path, "an image hash needs at least one download-uri (A15)");
  }
  return image;
}

Result<model::OnboardingInformation> onboarding(const YAML::Node& node, const std::string& path,
                                                const DescriptionFiles& files) {
  auto keys = onlyKeys(node, path,
                       {"boot-image", "configuration-handling", "pre-configuration-script",
                        "configuration", "post-configuration-script"});
  if (!keys) {
    return std::move(keys).error();
  }
  model::OnboardingInformation info;
  if (node["boot-image"]) {
    auto image = bootImage(node["boot-image"], path + "/boot-image", files);
    if (!image) {
      return std::move(image).error();
    }
    info.bootImage = std::move(*image);
  }
  if (node["configuration-handling"]) {
    const auto handling = node["configuration-handling"].as<std::string>();
    if (handling == "merge") {
      info.configurationHandling = model::ConfigurationHandling::Merge;
    } else if (handling == "replace") {
      info.configurationHandling = model::ConfigurationHandling::Replace;
    } else {
      return invalid(path + "/configuration-handling", "must be merge or replace");
    }
  }
  const std::pair<const char*, std::optional<Bytes>*> blobs[] = {
      {"pre-configuration-script", &info.preConfigurationScript},
      {"configuration", &info.configuration},
      {"post-configuration-script", &info.postConfigurationScript},
  };
  for (const auto& [key, target] : blobs) {
    if (node[key]) {
      auto bytes = content(node[key], path + "/" + key, files);
      if (!bytes) {
        return std::move(bytes).error();
      }
      *target = std::move(*bytes);
    }
  }
  if (info.configuration.has_value() != info.configurationHandling.has_value()) {
    return invalid(path, "configuration and configuration-handling go together (A16)");
  }
  if (info == model::OnboardingInformation{} ||
      (info.bootImage && *info.bootImage == model::BootImage{} && !info.configuration &&
       !info.preConfigurationScript && !info.postConfigurationScript)) {
    return invalid(path, "is empty: give a boot-image, scripts or a configuration");
  }
  return info;
}

Result<model::RedirectInformation> redirect(const YAML::Node& node, const std::string& path,
                                            const DescriptionFiles& files) {
  auto keys = onlyKeys(node, path, {"bootstrap-server"});
  if (!keys) {
    return std::move(keys).error();
  }
  const auto servers = node["bootstrap-server"];
  if (!servers || !servers.IsSequence() || servers.size() == 0) {
    return invalid(path + "/bootstrap-server", "must be a list of at least one server (A14)");
  }
  model::RedirectInformation info;
  std::set<std::string> seen;
  for (const auto& entry : servers) {
    const std::string entryPath = path + "/bootstrap-server";
    auto entryKeys = onlyKeys(entry, entryPath, {"address", "port", "trust-anchor"});
    if (!entryKeys) {
      return std::move(entryKeys).error();
    }
    if (!entry["address"]) {
      return invalid(entryPath + "/address", "is required");
    }
    model::BootstrapServer server;
    server.address = entry["address"].as<std::string>();
    if (!seen.insert(server.address).second) {
      return invalid(entryPath, "address '" + server.address + "' is listed twice");
    }
    const std::string serverPath = entryPath + "[address='" + server.address + "']";
    if (entry["port"]) {
      const long port = entry["port"].as<long>();
      if (port < 0 || port > 65535) {
        return invalid(serverPath + "/port", "must be 0..65535");
      }
      server.port = static_cast<std::uint16_t>(port);
    }
    if (entry["trust-anchor"]) {
      auto pem = content(entry["trust-anchor"], serverPath + "/trust-anchor", files);
      if (!pem) {
        return std::move(pem).error();
      }
      auto chain = crypto::Certificate::listFromAny(*pem);
      if (!chain) {
        return std::move(chain).error().addContext(serverPath + "/trust-anchor");
      }
      auto bag = makeTrustAnchorArtifact(*chain);
      if (!bag) {
        return std::move(bag).error().addContext(serverPath + "/trust-anchor");
      }
      server.trustAnchor = std::move(*bag);
    }
    info.bootstrapServers.push_back(std::move(server));
  }
  return info;
}

}  // namespace

Result<model::ConveyedInformation> conveyedInformationFromDescription(
    std::string_view text, const DescriptionFiles& files) {
  try {
    const YAML::Node root = YAML::Load(std::string(text));
    auto keys = onlyKeys(root, "", {"redirect-information", "onboarding-information"});
    if (!keys) {
      return std::move(keys).error();
    }
    if (root.size() != 1) {
      return invalid("", "give exactly one of redirect-information or onboarding-information");
    }
    if (root["redirect-information"]) {
      auto info = redirect(root["redirect-information"], "/redirect-information", files);
      if (!info) {
        return std::move(info).error();
      }
      return model::ConveyedInformation(std::move(*info));
    }
    auto info = onboarding(root["onboarding-information"], "/onboarding-information", files);
    if (!info) {
      return std::move(info).error();
    }
    return model::ConveyedInformation(std::move(*info));
  } catch (const YAML::Exception& e) {
    // yaml-cpp reports syntax and conversion errors only by exception.
    return Error(ArtifactErrc::InvalidDescription, e.what());
  }
}

}  // namespace sztp::artifact
