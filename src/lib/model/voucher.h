#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/bytes.h"
#include "common/date_time.h"
#include "common/result.h"
#include "model/encoding.h"

namespace sztp::model {

/// The ownership voucher, ietf-voucher@2018-05-09 (RFC 8366) yang-data
/// `voucher-artifact`, parsed leniently enough to accept the rfc8366bis
/// additions (checklist §5): in bis only serial-number is mandatory, so
/// createdOn, assertion and pinnedDomainCert are optional here and the SZTP
/// policy (trust/) decides what it requires.

enum class Assertion { Verified, Logged, Proximity, AgentProximity /* rfc8366bis */ };

struct Voucher {
  std::optional<DateTime> createdOn;
  std::optional<DateTime> expiresOn;
  std::optional<Assertion> assertion;
  std::string serialNumber;               ///< Mandatory in both revisions.
  std::optional<Bytes> idevidIssuer;      ///< AKI: full extnValue DER or bare keyIdentifier (D27).
  std::optional<Bytes> pinnedDomainCert;  ///< DER X.509 (D30).
  std::optional<bool> domainCertRevocationChecks;  ///< JSON boolean, never a string (D29).
  std::optional<Bytes> nonce;                      ///< 8..32 octets (RFC 8366 length).
  std::optional<DateTime> lastRenewalDate;         ///< Requires expiresOn.

  // rfc8366bis additions; parsed and shown, not used by SZTP validation.
  std::optional<Bytes> pinnedDomainPubk;
  std::optional<Bytes> pinnedDomainPubkSha256;
  std::optional<std::string> estDomain;
  std::optional<std::string> additionalConfigurationUrl;
  std::vector<std::string> extensions;  ///< Union of uint64 and string; kept as text.
  /// The bis leaf `manufacturer-private` (ietf-voucher@2025-12-18); the
  /// field keeps its earlier name.
  std::optional<Bytes> manufacturerProprietary;

  bool operator==(const Voucher&) const = default;
};

/// Strict parse of {"ietf-voucher:voucher": {...}} (JSON) or
/// <voucher xmlns="urn:ietf:params:xml:ns:yang:ietf-voucher"> (XML).
/// Enforces the RFC 8366 rules that bis keeps: serial-number mandatory,
/// nonce length 8..32, last-renewal-date requires expires-on. Enforces the
/// RFC 8366 `expires-on`/`nonce` exclusion too (a voucher with both is
/// refused: bis dropped the rule, but no SZTP MASA should produce one).
/// rfc8366bis extension payloads ("extension:<name>" members) are refused as
/// unknown nodes: the struct has no place to keep them.
Result<Voucher> parseVoucher(std::string_view text, Encoding encoding,
                             const ParseLimits& limits = {});

/// Canonical encoding. A voucher with createdOn, assertion and
/// pinnedDomainCert set and no bis leaves validates against
/// ietf-voucher@2018-05-09.
std::string encodeVoucher(const Voucher& voucher, Encoding encoding);

std::string_view assertionName(Assertion assertion);  ///< "verified", "agent-proximity", ...
std::optional<Assertion> assertionFromName(std::string_view name);

}  // namespace sztp::model
