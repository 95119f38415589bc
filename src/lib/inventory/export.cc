#include "inventory/export.h"

#include <yaml-cpp/yaml.h>

#include "common/base64.h"
#include "common/hex.h"
#include "crypto/certificate.h"
#include "inventory/inventory_error.h"
#include "registry/enum_names.h"

namespace sztp::inventory {
namespace {

namespace names = registry::names;
using registry::ObjectKind;

constexpr std::size_t kPageSize = 1000;
constexpr std::size_t kBase64LineLength = 76;

template <std::size_t N, class E>
std::string nameOf(const std::array<std::string_view, N>& table, E value) {
  return std::string(names::nameAt(table, static_cast<std::size_t>(value)));
}

void quoted(YAML::Emitter& out, std::string_view key, const std::string& value) {
  out << YAML::Key << std::string(key) << YAML::Value << YAML::DoubleQuoted << value;
}

void quotedIfSet(YAML::Emitter& out, std::string_view key, const std::string& value) {
  if (!value.empty()) {
    quoted(out, key, value);
  }
}

void plain(YAML::Emitter& out, std::string_view key, const std::string& value) {
  out << YAML::Key << std::string(key) << YAML::Value << value;
}

void flag(YAML::Emitter& out, std::string_view key, bool value) {
  out << YAML::Key << std::string(key) << YAML::Value << value;
}

void certificates(YAML::Emitter& out, std::string_view key, const std::vector<Bytes>& ders) {
  if (ders.empty()) {
    return;
  }
  out << YAML::Key << std::string(key) << YAML::Value << YAML::BeginSeq;
  for (const auto& der : ders) {
    auto certificate = crypto::Certificate::fromDer(der);
    // Stored certificates were validated on the way in; should one not parse
    // it is kept exactly, as base64 PEM framing of its octets.
    std::string pem = certificate ? certificate->toPem()
                                  : "-----BEGIN CERTIFICATE-----\n" + base64Encode(der) +
                                        "\n-----END CERTIFICATE-----\n";
    out << YAML::Literal << pem;
  }
  out << YAML::EndSeq;
}

std::string wrappedBase64(ByteView data) {
  const std::string text = base64Encode(data);
  std::string out;
  for (std::size_t i = 0; i < text.size(); i += kBase64LineLength) {
    out += text.substr(i, kBase64LineLength) + "\n";
  }
  return out;
}

// Text that a YAML literal block gives back exactly: printable ASCII lines
// (tabs allowed) without trailing blanks, ending with exactly one newline,
// the first line not starting with a blank (it would set the indentation).
bool literalSafe(ByteView data) {
  if (data.empty() || data.back() != '\n' || (data.size() >= 2 && data[data.size() - 2] == '\n')) {
    return false;
  }
  if (data.front() == ' ' || data.front() == '\t' || data.front() == '\n') {
    return false;
  }
  for (std::size_t i = 0; i < data.size(); ++i) {
    const std::uint8_t c = data[i];
    if (c == '\n') {
      if (i > 0 && (data[i - 1] == ' ' || data[i - 1] == '\t')) {
        return false;
      }
      continue;
    }
    if (c != '\t' && (c < 0x20 || c > 0x7e)) {
      return false;
    }
  }
  return true;
}

void content(YAML::Emitter& out, const Bytes& data) {
  if (literalSafe(data)) {
    out << YAML::Key << "text" << YAML::Value << YAML::Literal << toString(data);
  } else if (data.empty()) {
    quoted(out, "text", "");
  } else {
    out << YAML::Key << "base64" << YAML::Value << YAML::Literal << wrappedBase64(data);
  }
}

void emit(YAML::Emitter& out, const registry::DeviceType& type) {
  quoted(out, "name", type.name);
  quotedIfSet(out, "description", type.description);
  certificates(out, "idevid-trust-anchors", type.idevidTrustAnchors);
  if (!(type.serialRule == registry::SerialRule{})) {
    out << YAML::Key << "serial-rule" << YAML::Value << YAML::BeginMap;
    plain(out, "attribute", nameOf(names::kSerialAttributes, type.serialRule.attribute));
    quotedIfSet(out, "pattern", type.serialRule.pattern);
    out << YAML::EndMap;
  }
  flag(out, "allow-activation-code", type.allowActivationCode);
  flag(out, "require-client-certificate", type.requireClientCertificate);
  flag(out, "encrypt-artifacts", type.encryptArtifacts);
  if (type.ldevid) {
    const registry::LdevidPolicy& policy = *type.ldevid;
    out << YAML::Key << "ldevid" << YAML::Value << YAML::BeginMap;
    certificates(out, "ca-certificate", policy.caCertificateChain);
    quoted(out, "ca-key", policy.caKeyRef);
    out << YAML::Key << "validity-days" << YAML::Value << policy.validityDays;
    if (!policy.keyGeneration.empty()) {
      out << YAML::Key << "key-generation" << YAML::Value << YAML::Flow << YAML::BeginSeq;
      for (const auto& algorithm : policy.keyGeneration) {
        out << algorithm;
      }
      out << YAML::EndSeq;
    }
    flag(out, "allow-idevid-key", policy.allowIdevidKey);
    plain(out, "csr-format", policy.csrFormat);
    out << YAML::EndMap;
  }
}

void emit(YAML::Emitter& out, const registry::Owner& owner) {
  quoted(out, "name", owner.name);
  quotedIfSet(out, "description", owner.description);
  certificates(out, "certificate-chain", owner.certificateChain);
  quoted(out, "signing-key", owner.signingKeyRef);
}

void emit(YAML::Emitter& out, const registry::Image& image) {
  quoted(out, "name", image.name);
  quotedIfSet(out, "os-name", image.osName);
  quotedIfSet(out, "os-version", image.osVersion);
  quotedIfSet(out, "served-as", image.file);
  if (!image.downloadUris.empty()) {
    out << YAML::Key << "download-uris" << YAML::Value << YAML::BeginSeq;
    for (const auto& uri : image.downloadUris) {
      out << YAML::DoubleQuoted << uri;
    }
    out << YAML::EndSeq;
  }
  plain(out, "sha256", hexEncode(image.sha256));
  out << YAML::Key << "size" << YAML::Value << image.size;
}

void emit(YAML::Emitter& out, const registry::Script& script) {
  quoted(out, "name", script.name);
  content(out, script.content);
}

void emit(YAML::Emitter& out, const registry::Configuration& configuration) {
  quoted(out, "name", configuration.name);
  plain(out, "handling", nameOf(names::kHandlings, configuration.handling));
  content(out, configuration.content);
}

void emit(YAML::Emitter& out, const registry::OnboardingProfile& profile) {
  quoted(out, "name", profile.name);
  quotedIfSet(out, "image", profile.image);
  quotedIfSet(out, "pre-configuration-script", profile.preConfigurationScript);
  quotedIfSet(out, "configuration", profile.configuration);
  quotedIfSet(out, "post-configuration-script", profile.postConfigurationScript);
}

void emit(YAML::Emitter& out, const registry::RedirectProfile& profile) {
  quoted(out, "name", profile.name);
  out << YAML::Key << "bootstrap-servers" << YAML::Value << YAML::BeginSeq;
  for (const auto& server : profile.bootstrapServers) {
    out << YAML::BeginMap;
    quoted(out, "address", server.address);
    if (server.port) {
      out << YAML::Key << "port" << YAML::Value << *server.port;
    }
    certificates(out, "trust-anchor-chain", server.trustAnchorChain);
    out << YAML::EndMap;
  }
  out << YAML::EndSeq;
}

void emit(YAML::Emitter& out, const registry::Response& response) {
  quoted(out, "name", response.name);
  plain(out, "kind", nameOf(names::kResponseKinds, response.kind));
  quoted(out, "profile", response.profile);
  flag(out, "sign", response.sign);
  if (response.reportingLevel) {
    plain(out, "reporting-level", nameOf(names::kReportingLevels, *response.reportingLevel));
  }
  if (!response.conditions.empty()) {
    out << YAML::Key << "conditions" << YAML::Value << YAML::BeginSeq;
    for (const auto& condition : response.conditions) {
      out << YAML::BeginMap;
      plain(out, "field", nameOf(names::kConditionFields, condition.field));
      plain(out, "match", nameOf(names::kConditionMatches, condition.match));
      quoted(out, "value", condition.value);
      out << YAML::EndMap;
    }
    out << YAML::EndSeq;
  }
}

void emit(YAML::Emitter& out, const registry::Device& device) {
  quoted(out, "serial-number", device.serialNumber);
  quoted(out, "device-type", device.deviceType);
  quotedIfSet(out, "owner", device.owner);
  if (device.ownershipVoucher) {
    out << YAML::Key << "ownership-voucher" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "base64" << YAML::Value << YAML::Literal
        << wrappedBase64(*device.ownershipVoucher);
    out << YAML::EndMap;
  }
  quotedIfSet(out, "activation-code-hash", device.activationCodeHash);
  flag(out, "enabled", device.enabled);
  if (!device.responses.empty()) {
    out << YAML::Key << "responses" << YAML::Value << YAML::BeginSeq;
    for (const auto& response : device.responses) {
      out << YAML::BeginMap;
      emit(out, response);
      out << YAML::EndMap;
    }
    out << YAML::EndSeq;
  }
}

constexpr std::pair<ObjectKind, std::string_view> kSections[] = {
    {ObjectKind::DeviceType, "device-types"},
    {ObjectKind::Owner, "owners"},
    {ObjectKind::Image, "images"},
    {ObjectKind::Script, "scripts"},
    {ObjectKind::Configuration, "configurations"},
    {ObjectKind::OnboardingProfile, "onboarding-profiles"},
    {ObjectKind::RedirectProfile, "redirect-profiles"},
};

}  // namespace

Result<std::string> exportInventory(registry::Registry& registry) {
  YAML::Emitter out;
  out.SetBoolFormat(YAML::TrueFalseBool);
  out << YAML::BeginMap;
  out << YAML::Key << "version" << YAML::Value << 1;
  for (const auto& [kind, section] : kSections) {
    auto objects = registry.listObjects(kind);
    if (!objects) {
      return std::move(objects).error();
    }
    if (objects->empty()) {
      continue;
    }
    out << YAML::Key << std::string(section) << YAML::Value << YAML::BeginSeq;
    for (const auto& object : *objects) {
      out << YAML::BeginMap;
      std::visit([&](const auto& value) { emit(out, value); }, object);
      out << YAML::EndMap;
    }
    out << YAML::EndSeq;
  }
  registry::DeviceFilter filter;
  filter.limit = kPageSize;
  bool opened = false;
  while (true) {
    auto page = registry.listDevices(filter);
    if (!page) {
      return std::move(page).error();
    }
    if (!page->empty() && !opened) {
      out << YAML::Key << "devices" << YAML::Value << YAML::BeginSeq;
      opened = true;
    }
    for (const auto& device : *page) {
      out << YAML::BeginMap;
      emit(out, device);
      out << YAML::EndMap;
    }
    if (page->size() < kPageSize) {
      break;
    }
    filter.afterSerial = page->back().serialNumber;
  }
  if (opened) {
    out << YAML::EndSeq;
  }
  out << YAML::EndMap;
  if (!out.good()) {
    return Error(InventoryErrc::Invalid, "YAML emitter: " + out.GetLastError());
  }
  return std::string(out.c_str()) + "\n";
}

}  // namespace sztp::inventory
