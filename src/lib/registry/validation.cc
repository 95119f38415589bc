#include "registry/validation.h"

#include <set>

#include "crypto/certificate.h"
#include "crypto/password_hash.h"
#include "crypto/public_key.h"
#include "model/text_checks.h"
#include "registry/regex_check.h"
#include "registry/registry_error.h"
#include "registry/subnet.h"
#include "registry/validation_cache.h"

namespace sztp::registry {
namespace {

// Longest free text stored (descriptions, file paths, URIs, condition values,
// key references): generous for operators, small enough that a row stays small.
constexpr std::size_t kMaxTextLength = 4096;

Status invalid(std::string_view field, std::string_view problem) {
  return Error(RegistryErrc::InvalidObject, std::string(field) + ": " + std::string(problem));
}

/// Free text: valid UTF-8 (stored bodies are JSON, which needs it) without
/// control characters, bounded.
Status checkText(std::string_view field, std::string_view text) {
  if (text.size() > kMaxTextLength) {
    return invalid(field, "longer than " + std::to_string(kMaxTextLength) + " octets");
  }
  if (const auto problem = model::yangStringProblem(text)) {
    return invalid(field, *problem);
  }
  for (const char c : text) {
    if (c == '\n' || c == '\r' || c == '\t') {
      return invalid(field, "contains a line break or tab");
    }
  }
  return {};
}

Status checkName(std::string_view field, std::string_view name) {
  if (auto status = validateName(name); !status) {
    return invalid(field, status.error().detail());
  }
  return {};
}

/// An optional reference: empty, or a valid name.
Status checkReference(std::string_view field, std::string_view name) {
  return name.empty() ? Status{} : checkName(field, name);
}

Status checkCertificates(std::string_view field, const std::vector<Bytes>& certificates) {
  for (std::size_t i = 0; i < certificates.size(); ++i) {
    auto parsed = crypto::Certificate::fromDer(certificates[i]);
    if (!parsed) {
      return invalid(std::string(field) + "[" + std::to_string(i) + "]",
                     "not an X.509 DER certificate (" + std::string(parsed.error().reason()) + ")");
    }
  }
  return {};
}

// The longest LDevID validity accepted: ten years. An LDevID is renewed in
// the device's life; a longer one is far more likely a typo than a policy.
constexpr std::uint32_t kMaxLdevidValidityDays = 3650;

/// RFC 9646 LDevID policy (S19–S22).
Status validateLdevid(const LdevidPolicy& policy) {
  if (policy.caCertificateChain.empty()) {
    return invalid("ldevid.ca-certificate", "needs the issuing CA certificate");
  }
  if (auto s = checkCertificates("ldevid.ca-certificate", policy.caCertificateChain); !s) {
    return s;
  }
  auto ca = crypto::Certificate::fromDer(policy.caCertificateChain.front());
  if (ca && !ca->isCa()) {
    return invalid("ldevid.ca-certificate",
                   "the first certificate (" + ca->subject() + ") is not a CA certificate");
  }
  if (ca && ca->keyUsage() && (*ca->keyUsage() & crypto::kKeyCertSign) == 0) {
    return invalid("ldevid.ca-certificate",
                   "the first certificate (" + ca->subject() + ") has no keyCertSign key usage");
  }
  if (policy.caKeyRef.empty()) {
    return invalid("ldevid.ca-key", "is empty; name the CA's private key");
  }
  if (auto s = checkText("ldevid.ca-key", policy.caKeyRef); !s) {
    return s;
  }
  if (policy.validityDays < 1 || policy.validityDays > kMaxLdevidValidityDays) {
    return invalid("ldevid.validity-days",
                   "must be 1.." + std::to_string(kMaxLdevidValidityDays) + " days");
  }
  std::set<std::string_view> algorithms;
  for (std::size_t i = 0; i < policy.keyGeneration.size(); ++i) {
    const std::string field = "ldevid.key-generation[" + std::to_string(i) + "]";
    const std::string& name = policy.keyGeneration[i];
    if (!crypto::isKeyGenerationAlgorithm(name)) {
      std::string known;
      for (const auto candidate : crypto::keyGenerationAlgorithms()) {
        known += known.empty() ? "" : ", ";
        known += candidate;
      }
      return invalid(field, "'" + name + "' is not one of: " + known);
    }
    if (!algorithms.insert(name).second) {
      return invalid(field, "repeats '" + name + "'");
    }
  }
  if (policy.keyGeneration.empty() && !policy.allowIdevidKey) {
    return invalid("ldevid.allow-idevid-key",
                   "with no key-generation algorithm the IDevID key is the only key a CSR can "
                   "use; allow it or list key-generation algorithms");
  }
  if (policy.csrFormat != "p10-csr") {
    // RFC 9646 also defines cmc-csr and cmp-csr; this server reads PKCS#10
    // only and answers the others with csr-format-unsupported.
    return invalid("ldevid.csr-format",
                   "'" + policy.csrFormat + "' is not supported; only p10-csr is");
  }
  return {};
}

Status validate(const DeviceType& type) {
  if (auto s = checkText("description", type.description); !s) {
    return s;
  }
  if (auto s = checkCertificates("idevid-trust-anchors", type.idevidTrustAnchors); !s) {
    return s;
  }
  if (!type.serialRule.pattern.empty()) {
    if (const auto problem = regexProblem(type.serialRule.pattern, true)) {
      return invalid("serial-rule.pattern", *problem);
    }
  }
  if (type.encryptArtifacts && !type.requireClientCertificate) {
    // Artifacts are encrypted to the IDevID certificate (S15), which a device
    // authenticating with its activation code alone never presents.
    return invalid("encrypt-artifacts", "needs require-client-certificate");
  }
  if (type.ldevid) {
    return validateLdevid(*type.ldevid);
  }
  return {};
}

Status validate(const Owner& owner) {
  if (auto s = checkText("description", owner.description); !s) {
    return s;
  }
  if (owner.certificateChain.empty()) {
    return invalid("certificate-chain", "needs at least the owner certificate");
  }
  if (auto s = checkCertificates("certificate-chain", owner.certificateChain); !s) {
    return s;
  }
  if (owner.signingKeyRef.empty()) {
    return invalid("signing-key-ref", "is empty; name the owner's signing key");
  }
  return checkText("signing-key-ref", owner.signingKeyRef);
}

/// `file` is served from below the file server's directory: relative, with no
/// ".." component, so that no image entry can name a file outside it.
Status checkRelativePath(std::string_view field, std::string_view path) {
  if (auto s = checkText(field, path); !s) {
    return s;
  }
  if (path.front() == '/') {
    return invalid(field, "must be relative to the file server directory");
  }
  std::size_t start = 0;
  while (start <= path.size()) {
    const auto end = std::min(path.find('/', start), path.size());
    const auto part = path.substr(start, end - start);
    if (part == ".." || part == "." || part.empty()) {
      return invalid(field, "must not contain empty, '.' or '..' components");
    }
    start = end + 1;
  }
  return {};
}

Status validate(const Image& image) {
  if (auto s = checkText("os-name", image.osName); !s) {
    return s;
  }
  if (auto s = checkText("os-version", image.osVersion); !s) {
    return s;
  }
  if (image.sha256.size() != 32) {
    // The device verifies the image with it (A15, D45); without it nothing would.
    return invalid("sha256", "must be 32 octets (64 hex digits)");
  }
  if (image.file.empty() && image.downloadUris.empty()) {
    return invalid("file", "an image needs a file or at least one download URI");
  }
  if (!image.file.empty()) {
    if (auto s = checkRelativePath("file", image.file); !s) {
      return s;
    }
  }
  for (std::size_t i = 0; i < image.downloadUris.size(); ++i) {
    const std::string field = "download-uris[" + std::to_string(i) + "]";
    if (auto s = checkText(field, image.downloadUris[i]); !s) {
      return s;
    }
    if (const auto problem = model::inetUriProblem(image.downloadUris[i])) {
      return invalid(field, *problem);
    }
  }
  return {};
}

Status validate(const OnboardingProfile& profile) {
  if (auto s = checkReference("image", profile.image); !s) {
    return s;
  }
  if (auto s = checkReference("pre-configuration-script", profile.preConfigurationScript); !s) {
    return s;
  }
  if (auto s = checkReference("configuration", profile.configuration); !s) {
    return s;
  }
  return checkReference("post-configuration-script", profile.postConfigurationScript);
}

Status validate(const RedirectProfile& profile) {
  if (profile.bootstrapServers.empty()) {
    return invalid("bootstrap-servers", "needs at least one bootstrap server (A14)");
  }
  std::set<std::string_view> addresses;
  for (std::size_t i = 0; i < profile.bootstrapServers.size(); ++i) {
    const auto& server = profile.bootstrapServers[i];
    const std::string field = "bootstrap-servers[" + std::to_string(i) + "]";
    if (const auto problem = model::inetHostProblem(server.address)) {
      return invalid(field + ".address", *problem);
    }
    if (!addresses.insert(server.address).second) {
      // `address` is the list key of bootstrap-server (A14).
      return invalid(field + ".address", "repeats an earlier server's address");
    }
    if (server.port && *server.port == 0) {
      return invalid(field + ".port", "must be 1..65535");
    }
    if (auto s = checkCertificates(field + ".trust-anchor-chain", server.trustAnchorChain); !s) {
      return s;
    }
    if (!server.trustAnchorChain.empty()) {
      // The trust anchor the device receives must include a self-signed root (A14).
      auto root = crypto::Certificate::fromDer(server.trustAnchorChain.back());
      if (root && !root->isSelfSigned()) {
        return invalid(field + ".trust-anchor-chain",
                       "must end with the self-signed root certificate (A14)");
      }
    }
  }
  return {};
}

Status validate(const Script&) {
  return {};
}
Status validate(const Configuration&) {
  return {};
}

Status validateCondition(std::string_view field, const Condition& condition,
                         ValidationCache& cache) {
  if (auto s = checkText(std::string(field) + ".value", condition.value); !s) {
    return s;
  }
  switch (condition.match) {
    case Condition::Match::Exact:
    case Condition::Match::Wildcard:
      return {};
    case Condition::Match::Regex:
      if (cache.acceptedRegexes.count(condition.value) != 0) {
        return {};
      }
      if (const auto problem = regexProblem(condition.value, false)) {
        return invalid(std::string(field) + ".value", *problem);
      }
      cache.acceptedRegexes.insert(condition.value);
      return {};
    case Condition::Match::Subnet:
      if (condition.field != Condition::Field::SourceAddress) {
        return invalid(std::string(field) + ".match", "subnet applies to source-address only");
      }
      if (const auto problem = subnetProblem(condition.value)) {
        return invalid(std::string(field) + ".value", *problem);
      }
      return {};
  }
  return invalid(std::string(field) + ".match", "unknown match");
}

Status validateResponse(std::string_view field, const Response& response, ValidationCache& cache) {
  if (auto s = checkName(std::string(field) + ".name", response.name); !s) {
    return s;
  }
  if (auto s = checkName(std::string(field) + ".profile", response.profile); !s) {
    return s;
  }
  for (std::size_t i = 0; i < response.conditions.size(); ++i) {
    const std::string conditionField =
        std::string(field) + ".conditions[" + std::to_string(i) + "]";
    if (auto s = validateCondition(conditionField, response.conditions[i], cache); !s) {
      return s;
    }
  }
  if (response.reportingLevel && response.kind != Response::Kind::Onboarding) {
    // reporting-level exists only next to onboarding information (S8).
    return invalid(std::string(field) + ".reporting-level", "applies to onboarding responses only");
  }
  return {};
}

}  // namespace

Status validateName(std::string_view name) {
  if (name.empty() || name.size() > 128) {
    return Error(RegistryErrc::InvalidObject, "a name has 1 to 128 characters");
  }
  for (const char c : name) {
    const bool allowed = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                         (c >= '0' && c <= '9') || c == '.' || c == '_' || c == ':' || c == '@' ||
                         c == '-';
    if (!allowed) {
      return Error(RegistryErrc::InvalidObject,
                   "name '" + std::string(name) + "' has a character outside [A-Za-z0-9._:@-]");
    }
  }
  return {};
}

Status validateSerial(std::string_view serial) {
  if (serial.empty() || serial.size() > 256) {
    return Error(RegistryErrc::InvalidObject, "a serial number has 1 to 256 characters");
  }
  for (const char c : serial) {
    // Printable ASCII; '/' is refused because serial numbers are path
    // segments of the admin API (/devices/SERIAL).
    if (c < 0x20 || c > 0x7e || c == '/') {
      return Error(RegistryErrc::InvalidObject,
                   "serial number '" + std::string(serial) +
                       "' has a character that is not printable ASCII, or '/'");
    }
  }
  return {};
}

Status validateObject(const InventoryObject& object) {
  auto status = std::visit(
      [](const auto& value) -> Status {
        if (auto s = checkName("name", value.name); !s) {
          return s;
        }
        return validate(value);
      },
      object);
  if (!status) {
    return Error(status.error().code(), std::string(objectKindName(kindOf(object))) + " " +
                                            nameOf(object) + ": " + status.error().detail());
  }
  return {};
}

Status validateDevice(const Device& device) {
  ValidationCache cache;
  return validateDevice(device, cache);
}

Status validateDevice(const Device& device, ValidationCache& cache) {
  if (auto s = validateSerial(device.serialNumber); !s) {
    return s;
  }
  auto status = [&]() -> Status {
    if (auto s = checkName("device-type", device.deviceType); !s) {
      return s;
    }
    if (auto s = checkReference("owner", device.owner); !s) {
      return s;
    }
    if (!device.activationCodeHash.empty() && !crypto::isSecretHash(device.activationCodeHash)) {
      // Only hashes are stored (crypto/password_hash.h); a plain code here
      // would be a secret at rest and would never verify.
      return invalid("activation-code-hash",
                     "not of the form pbkdf2-sha256$<iterations>$<salt>$<hash>");
    }
    if (device.ownershipVoucher && device.ownershipVoucher->empty()) {
      return invalid("ownership-voucher", "is empty");
    }
    std::set<std::string_view> names;
    bool signs = false;
    for (std::size_t i = 0; i < device.responses.size(); ++i) {
      const std::string field = "responses[" + std::to_string(i) + "]";
      if (auto s = validateResponse(field, device.responses[i], cache); !s) {
        return s;
      }
      if (!names.insert(device.responses[i].name).second) {
        return invalid(field + ".name", "repeats an earlier response's name");
      }
      signs = signs || device.responses[i].sign;
    }
    if (signs && device.owner.empty()) {
      // Signed conveyed information is signed with the owner's key (S7).
      return invalid("owner", "a device with a signed response needs an owner");
    }
    return {};
  }();
  if (!status) {
    return Error(status.error().code(),
                 "device " + device.serialNumber + ": " + status.error().detail());
  }
  return {};
}

}  // namespace sztp::registry
