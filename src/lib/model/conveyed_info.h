#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/bytes.h"
#include "common/result.h"
#include "model/encoding.h"

namespace sztp::model {

/// ietf-sztp-conveyed-info@2019-04-30 (RFC 8572 §6.3), yang-data
/// `conveyed-information`.

struct BootstrapServer {
  std::string address;  ///< inet:host: IPv4, IPv6 (no brackets) or DNS name; list key.
  std::optional<std::uint16_t> port;  ///< Absent means the default 443 (D35).
  std::optional<Bytes> trustAnchor;   ///< DER CMS, degenerate SignedData (A14).

  std::uint16_t effectivePort() const { return port.value_or(443); }
  bool operator==(const BootstrapServer&) const = default;
};

struct RedirectInformation {
  std::vector<BootstrapServer> bootstrapServers;  ///< min-elements 1, keys unique, order kept.
  bool operator==(const RedirectInformation&) const = default;
};

/// Identities derived from ietf-sztp-conveyed-info:hash-algorithm. RFC 8572
/// defines only sha-256; anything else is rejected as invalid-value.
enum class HashAlgorithm { Sha256 };

struct ImageVerification {
  HashAlgorithm hashAlgorithm = HashAlgorithm::Sha256;  ///< List key.
  Bytes hashValue;  ///< yang:hex-string on the wire ("ba:ec:..."); mandatory.
  bool operator==(const ImageVerification&) const = default;
};

struct BootImage {
  std::optional<std::string> osName;
  std::optional<std::string> osVersion;
  std::vector<std::string> downloadUris;             ///< inet:uri, ordered-by user (D45).
  std::vector<ImageVerification> imageVerification;  ///< must '../download-uri' (A15).
  bool operator==(const BootImage&) const = default;
};

enum class ConfigurationHandling { Merge, Replace };

struct OnboardingInformation {
  std::optional<BootImage> bootImage;
  std::optional<ConfigurationHandling> configurationHandling;  ///< Iff configuration (A16).
  std::optional<Bytes> preConfigurationScript;
  std::optional<Bytes> configuration;
  std::optional<Bytes> postConfigurationScript;
  bool operator==(const OnboardingInformation&) const = default;
};

/// The mandatory choice `information-type` (A13): exactly one case.
using ConveyedInformation = std::variant<RedirectInformation, OnboardingInformation>;

/// Strict parse of a conveyed-information document:
///   JSON: {"ietf-sztp-conveyed-info:redirect-information": {...}} or
///         {"ietf-sztp-conveyed-info:onboarding-information": {...}}
///   XML:  <redirect-information xmlns="urn:ietf:params:xml:ns:yang:ietf-sztp-conveyed-info">
/// Enforces every type, must and choice rule of the module, including the ones
/// libyang leaves unchecked in yang-data (choice present, min-elements 1), and
/// rejects a document holding both cases. Errors name the node, e.g.
/// "/ietf-sztp-conveyed-info:redirect-information/bootstrap-server[address='a']/port".
Result<ConveyedInformation> parseConveyedInformation(std::string_view text, Encoding encoding,
                                                     const ParseLimits& limits = {});

/// Canonical encoding: members in schema order, defaults omitted unless set,
/// binary as padded base64, identityrefs module-qualified. Every output
/// validates against the official module (tests/conformance).
std::string encodeConveyedInformation(const ConveyedInformation& info, Encoding encoding);

std::string_view hashAlgorithmName(HashAlgorithm algorithm);                 ///< "sha-256"
std::string_view configurationHandlingName(ConfigurationHandling handling);  ///< "merge"/"replace"

}  // namespace sztp::model
