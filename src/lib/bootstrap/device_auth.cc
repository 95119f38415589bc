#include "bootstrap/device_auth.h"

#include <algorithm>
#include <regex>

#include "bootstrap/bootstrap_error.h"
#include "common/base64.h"
#include "common/hex.h"
#include "crypto/crypto_error.h"
#include "crypto/digest.h"
#include "crypto/password_hash.h"
#include "crypto/path_validation.h"

namespace sztp::bootstrap {
namespace {

using registry::SerialRule;

std::string chainKey(const std::vector<Bytes>& chain) {
  Bytes joined;
  for (const auto& der : chain) {
    const auto size = static_cast<std::uint32_t>(der.size());
    for (int shift = 24; shift >= 0; shift -= 8) {
      joined.push_back(static_cast<std::uint8_t>(size >> shift));
    }
    joined.insert(joined.end(), der.begin(), der.end());
  }
  return toString(crypto::sha256(joined));
}

Error authError(BootstrapErrc code, std::string_view detail) {
  return Error(code, detail);
}

}  // namespace

Result<std::string> serialFromCertificate(const crypto::Certificate& certificate,
                                          const SerialRule& rule) {
  const bool useCn = rule.attribute == SerialRule::Attribute::CommonName;
  const auto value = useCn ? certificate.subjectCommonName() : certificate.subjectSerialNumber();
  const std::string_view attribute = useCn ? "CN" : "serialNumber";
  if (!value || value->empty()) {
    return authError(BootstrapErrc::SerialNotInCertificate,
                     "subject \"" + certificate.subject() + "\" has no " + std::string(attribute));
  }
  if (rule.pattern.empty()) {
    return *value;
  }
  // X.520 bounds both attributes at 64 characters; libstdc++ matches
  // recursively, so an oversized value must not reach the regex.
  if (value->size() > 256) {
    return authError(BootstrapErrc::SerialNotInCertificate,
                     std::string(attribute) + " is longer than 256 characters");
  }
  // The registry validated the pattern (length, compiles, one group); it is
  // the operator's, the attribute value is the device's.
  try {
    const std::regex pattern(rule.pattern, std::regex::ECMAScript);
    std::smatch match;
    if (!std::regex_search(*value, match, pattern) || match.size() < 2 || !match[1].matched ||
        match[1].length() == 0) {
      return authError(BootstrapErrc::SerialNotInCertificate,
                       std::string(attribute) + " \"" + *value + "\" does not match pattern \"" +
                           rule.pattern + "\"");
    }
    return match[1].str();
  } catch (const std::regex_error& e) {
    return authError(BootstrapErrc::SerialNotInCertificate,
                     "serial pattern \"" + rule.pattern + "\": " + e.what());
  }
}

Result<std::pair<std::string, std::string>> parseBasicAuthorization(std::string_view header) {
  constexpr std::string_view kScheme = "basic ";
  if (header.size() <= kScheme.size() ||
      http::lowercase(header.substr(0, kScheme.size())) != kScheme) {
    return authError(BootstrapErrc::MalformedAuthorization, "the scheme is not Basic");
  }
  std::string_view token = header.substr(kScheme.size());
  while (!token.empty() && token.front() == ' ') {
    token.remove_prefix(1);
  }
  while (!token.empty() && token.back() == ' ') {
    token.remove_suffix(1);
  }
  auto decoded = base64Decode(token);
  if (!decoded) {
    return authError(BootstrapErrc::MalformedAuthorization, "the credential is not base64");
  }
  const std::string text = toString(*decoded);
  const auto colon = text.find(':');
  if (colon == std::string::npos || colon == 0) {
    return authError(BootstrapErrc::MalformedAuthorization,
                     "the credential is not user-id:password");
  }
  return std::pair{text.substr(0, colon), text.substr(colon + 1)};
}

DeviceAuthenticator::DeviceAuthenticator(registry::Registry& registry, const Clock& clock)
    : registry_(registry), clock_(clock) {}

Result<std::shared_ptr<const DeviceAuthenticator::Snapshot>> DeviceAuthenticator::snapshot() {
  auto revision = registry_.revision();
  if (!revision) {
    return Error(BootstrapErrc::StorageFailure, revision.error().describe());
  }
  std::lock_guard lock(snapshotMutex_);
  if (snapshot_ && snapshot_->revision == *revision) {
    return snapshot_;
  }
  auto objects = registry_.listObjects(registry::ObjectKind::DeviceType);
  if (!objects) {
    return Error(BootstrapErrc::StorageFailure, objects.error().describe());
  }
  auto fresh = std::make_shared<Snapshot>();
  fresh->revision = *revision;
  for (auto& object : *objects) {
    TypeTrust trust{std::get<registry::DeviceType>(std::move(object)), {}};
    for (const auto& der : trust.type.idevidTrustAnchors) {
      // validateObject checked every anchor parses when it was stored.
      if (auto certificate = crypto::Certificate::fromDer(der)) {
        trust.anchors.push_back(std::move(*certificate));
      }
    }
    fresh->types.push_back(std::move(trust));
  }
  snapshot_ = std::move(fresh);
  chainCache_.clear();
  codeCache_.clear();
  return snapshot_;
}

Result<DeviceAuthenticator::ChainVerdict> DeviceAuthenticator::verifyChain(
    const Snapshot& snapshot, const std::vector<crypto::Certificate>& chain) {
  const TimePoint now = clock_.now();
  ChainVerdict verdict{{}, TimePoint::max(), std::nullopt};
  std::optional<Error> expired;
  std::optional<Error> untrusted;
  const std::vector<crypto::Certificate> intermediates(chain.begin() + 1, chain.end());
  for (const auto& trust : snapshot.types) {
    if (trust.anchors.empty()) {
      continue;
    }
    crypto::PathValidationOptions options;
    options.at = now;
    auto path = crypto::validatePath(chain.front(), intermediates, trust.anchors, options);
    if (path) {
      verdict.typeNames.push_back(trust.type.name);
      for (const auto& certificate : path->chain) {
        verdict.validUntil = std::min(verdict.validUntil, certificate.notAfter());
      }
      continue;
    }
    const auto& code = path.error().code();
    if (code == crypto::CryptoErrc::CertificateExpired ||
        code == crypto::CryptoErrc::CertificateNotYetValid) {
      expired = path.error();
    } else if (!untrusted) {
      untrusted = path.error();
    }
  }
  if (!verdict.typeNames.empty()) {
    return verdict;
  }
  const std::string who = "certificate \"" + chain.front().subject() + "\" issued by \"" +
                          chain.front().issuer() + "\"";
  if (expired) {
    return authError(BootstrapErrc::ClientCertificateExpired, who + ": " + expired->describe());
  }
  return authError(BootstrapErrc::ClientCertificateUntrusted,
                   who + (untrusted ? ": " + untrusted->describe()
                                    : ": no device type has "
                                      "IDevID trust anchors"));
}

Result<bool> DeviceAuthenticator::checkActivationCode(const registry::Device& device,
                                                      std::string_view code) {
  const std::string key = toString(crypto::sha256(
      asBytes(device.serialNumber + '\0' + std::string(code) + '\0' + device.activationCodeHash)));
  if (auto cached = codeCache_.get(key)) {
    return *cached;
  }
  auto ok = crypto::verifySecret(code, device.activationCodeHash);
  if (!ok) {
    return std::move(ok).error();
  }
  // Only successes are cached: caching failures would let a guesser fill the
  // cache and evict the devices that authenticated.
  if (*ok) {
    codeCache_.put(key, true);
  }
  return *ok;
}

AuthOutcome DeviceAuthenticator::authenticate(const http::Peer& peer,
                                              std::optional<std::string_view> authorization) {
  AuthOutcome outcome{Error(BootstrapErrc::NotAuthenticated), {}};
  if (peer.clientCertificates.empty() && !authorization) {
    outcome.result = authError(BootstrapErrc::NotAuthenticated, "no credentials");
    return outcome;
  }
  auto current = snapshot();
  if (!current) {
    outcome.result = std::move(current).error();
    return outcome;
  }
  const Snapshot& trust = **current;

  // Certificate: which device types does it belong to, and which serial?
  std::optional<crypto::Certificate> leaf;
  std::vector<std::string> certTypes;
  std::string certSerial;
  if (!peer.clientCertificates.empty()) {
    const std::string key = chainKey(peer.clientCertificates);
    auto cached = chainCache_.get(key);
    if (!cached || cached->validUntil < clock_.now()) {
      std::vector<crypto::Certificate> chain;
      for (const auto& der : peer.clientCertificates) {
        auto certificate = crypto::Certificate::fromDer(der);
        if (!certificate) {
          outcome.result = authError(BootstrapErrc::ClientCertificateUntrusted,
                                     "unparsable certificate: " + certificate.error().describe());
          return outcome;
        }
        chain.push_back(std::move(*certificate));
      }
      auto verdict = verifyChain(trust, chain);
      if (!verdict) {
        outcome.claimedSerial = chain.front().subjectSerialNumber().value_or("");
        outcome.result = std::move(verdict).error();
        return outcome;
      }
      verdict->leaf = chain.front();
      chainCache_.put(key, *verdict);
      cached = std::move(*verdict);
    }
    certTypes = cached->typeNames;
    leaf = cached->leaf;
    std::optional<Error> serialError;
    for (const auto& name : certTypes) {
      const auto type = std::find_if(trust.types.begin(), trust.types.end(),
                                     [&](const TypeTrust& t) { return t.type.name == name; });
      if (type == trust.types.end()) {
        continue;
      }
      auto serial = serialFromCertificate(*leaf, type->type.serialRule);
      if (serial) {
        certSerial = std::move(*serial);
        break;
      }
      serialError = std::move(serial).error();
    }
    if (certSerial.empty()) {
      outcome.result = serialError ? std::move(*serialError)
                                   : authError(BootstrapErrc::SerialNotInCertificate, "");
      return outcome;
    }
  }

  // HTTP Basic: user-id is the serial number, password the activation code.
  std::optional<std::pair<std::string, std::string>> basic;
  if (authorization) {
    auto parsed = parseBasicAuthorization(*authorization);
    if (!parsed) {
      outcome.claimedSerial = certSerial;
      outcome.result = std::move(parsed).error();
      return outcome;
    }
    basic = std::move(*parsed);
    if (!certSerial.empty() && basic->first != certSerial) {
      outcome.claimedSerial = certSerial;
      outcome.result =
          authError(BootstrapErrc::SerialMismatch, "certificate serial \"" + certSerial +
                                                       "\", Basic user \"" + basic->first + "\"");
      return outcome;
    }
  }
  const std::string serial = certSerial.empty() ? basic->first : certSerial;
  outcome.claimedSerial = serial;

  auto stored = registry_.getDevice(serial);
  if (!stored) {
    outcome.result = Error(BootstrapErrc::StorageFailure, stored.error().describe());
    return outcome;
  }
  if (!*stored) {
    outcome.result = authError(BootstrapErrc::UnknownDevice, "serial number \"" + serial + "\"");
    return outcome;
  }
  registry::Device& device = **stored;
  if (!device.enabled) {
    outcome.result = authError(BootstrapErrc::DeviceDisabled, "serial number \"" + serial + "\"");
    return outcome;
  }
  const auto type = std::find_if(trust.types.begin(), trust.types.end(), [&](const TypeTrust& t) {
    return t.type.name == device.deviceType;
  });
  if (type == trust.types.end()) {
    outcome.result =
        Error(BootstrapErrc::StorageFailure, "device type \"" + device.deviceType + "\" vanished");
    return outcome;
  }
  if (leaf && std::find(certTypes.begin(), certTypes.end(), device.deviceType) == certTypes.end()) {
    outcome.result =
        authError(BootstrapErrc::DeviceTypeMismatch,
                  "registered as \"" + device.deviceType +
                      "\", certificate issued for device type \"" + certTypes.front() + "\"");
    return outcome;
  }
  if (!leaf && type->type.requireClientCertificate) {
    outcome.result = authError(BootstrapErrc::ClientCertificateRequired,
                               "device type \"" + device.deviceType + "\"");
    return outcome;
  }
  if (basic) {
    if (!type->type.allowActivationCode || device.activationCodeHash.empty()) {
      outcome.result =
          authError(BootstrapErrc::ActivationCodeNotAllowed,
                    type->type.allowActivationCode
                        ? "the device has no activation code"
                        : "device type \"" + device.deviceType + "\" does not allow it");
      return outcome;
    }
    auto matches = checkActivationCode(device, basic->second);
    if (!matches || !*matches) {
      outcome.result =
          authError(BootstrapErrc::ActivationCodeWrong, matches ? "" : matches.error().describe());
      return outcome;
    }
  }
  std::string method =
      leaf ? (basic ? "certificate+activation-code" : "certificate") : "activation-code";
  outcome.result =
      AuthenticatedDevice{std::move(device), type->type, std::move(leaf), std::move(method)};
  return outcome;
}

}  // namespace sztp::bootstrap
