#pragma once

#include <optional>
#include <string>

#include "artifact/signer.h"
#include "common/bytes.h"
#include "common/clock.h"
#include "common/result.h"
#include "model/voucher.h"

namespace sztp::artifact {

/// Which encoding of the IDevID's AuthorityKeyIdentifier goes into
/// `idevid-issuer` (D27). RFC 8366 is ambiguous; rfc8366bis settles on the
/// complete extnValue, which our devices accept along with the bare keyIdentifier.
enum class IdevidIssuerForm { Extension, KeyIdentifier };

/// What the manufacturer (MASA) asserts in an ownership voucher.
struct VoucherRequest {
  std::string serialNumber;
  crypto::Certificate pinnedDomainCert;  ///< Usually the owner's CA (D30).
  model::Assertion assertion = model::Assertion::Verified;
  std::optional<TimePoint> createdOn{};  ///< Defaults to `now`.
  std::optional<TimePoint> expiresOn{};
  std::optional<Bytes> nonce{};  ///< 8..32 octets; excludes expiresOn (RFC 8366).
  /// The device's IDevID, to pin its issuer (D27); the MASA must do so when
  /// serial numbers are not unique (A11).
  std::optional<crypto::Certificate> idevid{};
  IdevidIssuerForm idevidIssuerForm = IdevidIssuerForm::Extension;
  std::optional<bool> domainCertRevocationChecks{};
  std::optional<TimePoint> lastRenewalDate{};
};

/// The voucher document for `request`, checked against RFC 8366 rules:
/// expires-on not after the pinned certificate's notAfter (A11), nonce length
/// and its exclusion with expires-on, last-renewal-date only with expires-on.
Result<model::Voucher> makeVoucher(const VoucherRequest& request, TimePoint now);

/// The ownership voucher artifact: the voucher as RFC 7951 JSON, signed by
/// the MASA as CMS SignedData with eContentType id-ct-animaJSONVoucher (A8).
Result<Bytes> issueVoucher(const VoucherRequest& request, const Signer& masa, TimePoint now);

}  // namespace sztp::artifact
