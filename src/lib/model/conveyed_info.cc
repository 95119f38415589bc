// ietf-sztp-conveyed-info yang-data conveyed-information (RFC 8572 §6.3).
#include "model/conveyed_info.h"

#include <set>

#include "common/hex.h"
#include "model/instance_writer.h"
#include "model/model_util.h"
#include "model/text_checks.h"

namespace sztp::model {
namespace {

constexpr const YangModule& kModule = kConveyedInfoModule;
constexpr std::string_view kRedirect = "redirect-information";
constexpr std::string_view kOnboarding = "onboarding-information";
constexpr std::string_view kTopNames[] = {kRedirect, kOnboarding};
constexpr std::string_view kHandlingNames[] = {"merge", "replace"};

Result<BootstrapServer> readBootstrapServer(Node& entry) {
  BootstrapServer server;
  SZTP_MODEL_TRY_ASSIGN(address, entry.leaf("address"));
  if (!*address) {
    return missingNode(entry, "address", "the list key 'address' is mandatory (A14)");
  }
  SZTP_MODEL_TRY_ASSIGN(text, readString(**address));
  if (auto problem = inetHostProblem(*text)) {
    return invalidValue(**address, *problem);
  }
  server.address = std::move(*text);
  entry.setKey("address", server.address);
  SZTP_MODEL_TRY_ASSIGN(port, entry.leaf("port"));
  if (*port) {
    SZTP_MODEL_TRY_ASSIGN(value, readUint16(**port));
    server.port = *value;
  }
  SZTP_MODEL_TRY_ASSIGN(anchor, optionalBinary(entry, "trust-anchor"));
  server.trustAnchor = std::move(*anchor);
  SZTP_MODEL_TRY(entry.finish());
  return server;
}

Result<RedirectInformation> readRedirect(Node& node) {
  RedirectInformation info;
  SZTP_MODEL_TRY_ASSIGN(entries, node.list("bootstrap-server"));
  std::set<std::string> keys;
  for (auto& entry : *entries) {
    SZTP_MODEL_TRY_ASSIGN(server, readBootstrapServer(entry));
    if (!keys.insert(asciiLower(server->address)).second) {
      return nodeError(CodecErrc::DuplicateNode, entry.path(),
                       "the list key 'address' repeats (A14)");
    }
    info.bootstrapServers.push_back(std::move(*server));
  }
  SZTP_MODEL_TRY(node.finish());
  if (info.bootstrapServers.empty()) {
    // min-elements 1; libyang leaves this unchecked in yang-data (checklist §4).
    return nodeError(CodecErrc::ConstraintViolation, node.path() + "/bootstrap-server",
                     "min-elements 1: at least one bootstrap server is required (A14)");
  }
  return info;
}

Result<ImageVerification> readImageVerification(Node& entry) {
  ImageVerification verification;
  SZTP_MODEL_TRY_ASSIGN(algorithm, entry.leaf("hash-algorithm"));
  if (!*algorithm) {
    return missingNode(entry, "hash-algorithm", "the list key 'hash-algorithm' is mandatory");
  }
  SZTP_MODEL_TRY_ASSIGN(identity, readIdentityref(**algorithm));
  if (identity->module != kModule.name || identity->name != "sha-256") {
    return invalidValue(**algorithm,
                        "'" + identity->module + ":" + identity->name +
                            "' is not a hash-algorithm identity; RFC 8572 defines only "
                            "ietf-sztp-conveyed-info:sha-256 (A15)");
  }
  verification.hashAlgorithm = HashAlgorithm::Sha256;
  entry.setKey("hash-algorithm", "ietf-sztp-conveyed-info:sha-256");
  SZTP_MODEL_TRY_ASSIGN(value, entry.leaf("hash-value"));
  if (!*value) {
    return missingNode(entry, "hash-value", "hash-value is mandatory (A15)");
  }
  SZTP_MODEL_TRY_ASSIGN(text, readString(**value));
  auto bytes = hexStringDecode(*text);
  if (!bytes) {
    return invalidValue(**value, "not a yang:hex-string (A15): " + bytes.error().detail());
  }
  verification.hashValue = std::move(*bytes);
  SZTP_MODEL_TRY(entry.finish());
  return verification;
}

Result<BootImage> readBootImage(Node& node) {
  BootImage image;
  SZTP_MODEL_TRY_ASSIGN(osName, optionalString(node, "os-name"));
  image.osName = std::move(*osName);
  SZTP_MODEL_TRY_ASSIGN(osVersion, optionalString(node, "os-version"));
  image.osVersion = std::move(*osVersion);
  SZTP_MODEL_TRY_ASSIGN(uris, node.leafList("download-uri"));
  for (const auto& uri : *uris) {
    SZTP_MODEL_TRY_ASSIGN(text, readString(uri));
    if (auto problem = inetUriProblem(*text)) {
      return invalidValue(uri, *problem);
    }
    image.downloadUris.push_back(std::move(*text));
  }
  SZTP_MODEL_TRY_ASSIGN(entries, node.list("image-verification"));
  bool seenSha256 = false;
  for (auto& entry : *entries) {
    SZTP_MODEL_TRY_ASSIGN(verification, readImageVerification(entry));
    if (seenSha256) {
      return nodeError(CodecErrc::DuplicateNode, entry.path(),
                       "the list key 'hash-algorithm' repeats");
    }
    seenSha256 = true;
    if (image.downloadUris.empty()) {
      return nodeError(CodecErrc::ConstraintViolation, entry.path(),
                       "must '../download-uri': an image to verify needs at least one "
                       "download-uri (A15)");
    }
    image.imageVerification.push_back(std::move(*verification));
  }
  SZTP_MODEL_TRY(node.finish());
  return image;
}

Result<OnboardingInformation> readOnboarding(Node& node) {
  OnboardingInformation info;
  SZTP_MODEL_TRY_ASSIGN(bootImage, node.container("boot-image"));
  if (*bootImage) {
    SZTP_MODEL_TRY_ASSIGN(image, readBootImage(**bootImage));
    info.bootImage = std::move(*image);
  }
  SZTP_MODEL_TRY_ASSIGN(handling, node.leaf("configuration-handling"));
  if (*handling) {
    SZTP_MODEL_TRY_ASSIGN(index, readEnumeration(**handling, kHandlingNames));
    info.configurationHandling =
        *index == 0 ? ConfigurationHandling::Merge : ConfigurationHandling::Replace;
  }
  SZTP_MODEL_TRY_ASSIGN(pre, optionalBinary(node, "pre-configuration-script"));
  info.preConfigurationScript = std::move(*pre);
  SZTP_MODEL_TRY_ASSIGN(configuration, optionalBinary(node, "configuration"));
  info.configuration = std::move(*configuration);
  SZTP_MODEL_TRY_ASSIGN(post, optionalBinary(node, "post-configuration-script"));
  info.postConfigurationScript = std::move(*post);
  SZTP_MODEL_TRY(node.finish());
  // boot-image is a non-presence container: without children it is no data.
  if (info.bootImage && *info.bootImage == BootImage{}) {
    info.bootImage.reset();
  }
  // A13: the mandatory choice information-type needs at least one data node
  // of its case; an empty non-presence container is not one (RFC 7950
  // §7.5.7, §7.9.4). libyang leaves this unchecked in yang-data (and crashes
  // on it in 2.1.30), so it is checked here.
  if (info == OnboardingInformation{}) {
    return nodeError(CodecErrc::ConstraintViolation, node.path(),
                     "onboarding-information is empty: the mandatory choice information-type "
                     "needs at least one node (RFC 7950 §7.9.4)");
  }
  // A16: each of configuration-handling and configuration requires the other.
  if (info.configurationHandling && !info.configuration) {
    return nodeError(CodecErrc::ConstraintViolation, node.path() + "/configuration-handling",
                     "must '../configuration': configuration-handling without configuration "
                     "(A16)");
  }
  if (info.configuration && !info.configurationHandling) {
    return nodeError(CodecErrc::ConstraintViolation, node.path() + "/configuration",
                     "must '../configuration-handling': configuration without "
                     "configuration-handling (A16)");
  }
  return info;
}

void writeOnboarding(OutNode& top, const OnboardingInformation& info) {
  if (info.bootImage) {
    const BootImage& image = *info.bootImage;
    OutNode& node = top.container("boot-image");
    if (image.osName) {
      node.leafString("os-name", *image.osName);
    }
    if (image.osVersion) {
      node.leafString("os-version", *image.osVersion);
    }
    for (const auto& uri : image.downloadUris) {
      node.leafListString("download-uri", uri);
    }
    for (const auto& verification : image.imageVerification) {
      OutNode& entry = node.listEntry("image-verification");
      entry.leafIdentity("hash-algorithm", kModule, hashAlgorithmName(verification.hashAlgorithm));
      entry.leafString("hash-value", hexStringEncode(verification.hashValue));
    }
  }
  if (info.configurationHandling) {
    top.leafString("configuration-handling",
                   configurationHandlingName(*info.configurationHandling));
  }
  if (info.preConfigurationScript) {
    top.leafBinary("pre-configuration-script", *info.preConfigurationScript);
  }
  if (info.configuration) {
    top.leafBinary("configuration", *info.configuration);
  }
  if (info.postConfigurationScript) {
    top.leafBinary("post-configuration-script", *info.postConfigurationScript);
  }
}

}  // namespace

Result<ConveyedInformation> parseConveyedInformation(std::string_view text, Encoding encoding,
                                                     const ParseLimits& limits) {
  SZTP_MODEL_TRY_ASSIGN(document, Document::parse(text, encoding, limits));
  SZTP_MODEL_TRY_ASSIGN(nodes, document->topLevel(kModule, kTopNames));
  // A13: the mandatory choice information-type holds exactly one case. Both
  // checks are ours: libyang does not enforce the choice in yang-data and
  // spins on a two-case instance (checklist §4 items 4 and 8).
  if (nodes->empty()) {
    return Error(CodecErrc::ConstraintViolation,
                 "/ietf-sztp-conveyed-info:conveyed-information: the mandatory choice "
                 "information-type has no case; expected " +
                     topPath(kModule, kRedirect) + " or " + topPath(kModule, kOnboarding) +
                     " (A13)");
  }
  if (nodes->size() > 1) {
    return Error(CodecErrc::ConstraintViolation,
                 "/ietf-sztp-conveyed-info:conveyed-information: the choice information-type "
                 "allows one case, but the document holds both " +
                     topPath(kModule, kRedirect) + " and " + topPath(kModule, kOnboarding) +
                     " (A13)");
  }
  Node& node = nodes->front();
  if (node.path() == topPath(kModule, kRedirect)) {
    SZTP_MODEL_TRY_ASSIGN(redirect, readRedirect(node));
    return ConveyedInformation(std::move(*redirect));
  }
  SZTP_MODEL_TRY_ASSIGN(onboarding, readOnboarding(node));
  return ConveyedInformation(std::move(*onboarding));
}

std::string encodeConveyedInformation(const ConveyedInformation& info, Encoding encoding) {
  if (const auto* redirect = std::get_if<RedirectInformation>(&info)) {
    OutNode top(kModule, std::string(kRedirect));
    for (const auto& server : redirect->bootstrapServers) {
      OutNode& entry = top.listEntry("bootstrap-server");
      entry.leafString("address", server.address);
      if (server.port) {
        entry.leafNumber("port", *server.port);
      }
      if (server.trustAnchor) {
        entry.leafBinary("trust-anchor", *server.trustAnchor);
      }
    }
    return top.encode(encoding);
  }
  OutNode top(kModule, std::string(kOnboarding));
  writeOnboarding(top, std::get<OnboardingInformation>(info));
  return top.encode(encoding);
}

}  // namespace sztp::model
