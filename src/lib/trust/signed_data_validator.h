#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/bytes.h"
#include "common/clock.h"
#include "common/result.h"
#include "crypto/certificate.h"
#include "crypto/cms.h"
#include "crypto/private_key.h"
#include "model/conveyed_info.h"
#include "model/voucher.h"

namespace sztp::trust {

/// The bootstrapping data as received: each a DER CMS, possibly encrypted
/// (the get-bootstrapping-data output, a removable-storage bundle, DNS TXT).
struct BootstrappingData {
  Bytes conveyedInformation;
  std::optional<Bytes> ownerCertificate;
  std::optional<Bytes> ownershipVoucher;
};

/// Local policy for ownership vouchers (D25, D28, D34).
struct VoucherPolicy {
  /// Assertions accepted (D25). The default accepts every value RFC 8366 and
  /// rfc8366bis define; a device that wants sales-channel integration only
  /// sets {Verified}.
  std::vector<model::Assertion> acceptedAssertions = {
      model::Assertion::Verified, model::Assertion::Logged, model::Assertion::Proximity,
      model::Assertion::AgentProximity};
  /// Refuse vouchers without a nonce. A device without a trusted clock should
  /// set this: nonces are then its only freshness guarantee (D34).
  bool requireNonce = false;
};

/// What the device knows about itself and what it trusts.
struct ValidationContext {
  /// The voucher trust anchors (D8). Empty means nothing can be trusted.
  std::vector<crypto::Certificate> voucherTrustAnchors;
  /// The device serial number, as in its IDevID (D26, I4).
  std::string serialNumber;
  /// The IDevID certificate, for idevid-issuer (D27) and decryption (D16).
  std::optional<crypto::Certificate> idevid;
  /// The IDevID private key, for decryption (D16).
  std::optional<crypto::PrivateKey> idevidKey;
  /// The nonce sent in get-bootstrapping-data, if any (D28).
  std::optional<Bytes> nonce;
  /// Now, from a trusted clock; nullopt when the device has none (D24, D34):
  /// validity periods and CRL freshness are then not checked.
  std::optional<TimePoint> now;
  /// Whether the data came from a trusted source: a bootstrap server whose TLS
  /// certificate validated to a trust anchor (D13). Unsigned onboarding
  /// information is refused from anything else (D19).
  bool sourceTrusted = false;
  VoucherPolicy policy;
  crypto::CmsLimits limits;
};

/// One check performed, for `sztp verify`, `ztp status` and logs.
struct CheckRecord {
  enum class Outcome { Passed, Failed, Skipped };
  std::string rule;  ///< Checklist id, e.g. "D23".
  std::string name;  ///< Short name, e.g. "voucher-signature".
  Outcome outcome = Outcome::Passed;
  std::string detail;  ///< What was compared, or why it was skipped.
};

std::string_view outcomeName(CheckRecord::Outcome outcome);  ///< "passed"/"failed"/"skipped"

/// The result of a successful validation.
struct ValidatedData {
  model::ConveyedInformation information;
  /// The encoding the conveyed information arrived in.
  model::Encoding encoding = model::Encoding::Json;
  /// True when the data was signed and validated per §5.4: the trust state
  /// becomes TRUE (D17). False for unsigned data.
  bool signedData = false;
  /// The trust state after processing this data (D12, D17): signed and valid,
  /// or unsigned from a trusted source.
  bool trusted = false;
  bool wasEncrypted = false;
  std::optional<model::Voucher> voucher;
  std::optional<crypto::Certificate> ownerCertificate;
  /// The voucher signer and owner certificate paths, leaf first.
  std::vector<crypto::Certificate> voucherSignerPath;
  std::vector<crypto::Certificate> ownerCertificatePath;
};

/// RFC 8572 §5.3 (artifact handling) and §5.4 (signed data), exactly as a
/// device performs them, as one function with no I/O:
///   decrypt anything encrypted (D16) → if the conveyed information is signed,
///   require voucher and owner certificate (D22) → voucher signature to the
///   voucher trust anchors (D23) → created-on/expires-on (D24) → assertion
///   (D25) → serial number (D26) → idevid-issuer (D27) → nonce (D28) →
///   owner certificate path to the pinned-domain-cert with revocation as the
///   voucher asks (D29, D30) → owner key usage (D31) → conveyed information
///   signed by that owner certificate (D32) → parse it (A13).
/// The first failing check ends validation (D33); its TrustErrc names it.
/// Every check performed is appended to `log` when given, failures included.
Result<ValidatedData> validateBootstrappingData(const BootstrappingData& data,
                                                const ValidationContext& context,
                                                std::vector<CheckRecord>* log = nullptr);

/// D27: `idevidIssuer` matches `idevid` when it equals either the bare
/// keyIdentifier of the IDevID's AKI or the AKI's complete extnValue
/// (rfc8366bis; RFC 8366 was ambiguous, checklist §5).
bool idevidIssuerMatches(ByteView idevidIssuer, const crypto::Certificate& idevid);

}  // namespace sztp::trust
