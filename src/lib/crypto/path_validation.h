#pragma once

#include <optional>
#include <vector>

#include "common/clock.h"
#include "common/result.h"
#include "crypto/certificate.h"
#include "crypto/crl.h"

namespace sztp::crypto {

/// How revocation is treated during path validation (D29).
enum class RevocationPolicy {
  /// Do not look at CRLs at all (voucher domain-cert-revocation-checks = false).
  Skip,
  /// Check against the CRLs that are supplied; a certificate without one passes
  /// (normal PKIX behaviour when the voucher leaves the leaf out).
  IfAvailable,
  /// Every certificate below the trust anchor must be covered by a current CRL
  /// from its issuer (domain-cert-revocation-checks = true). The anchor's own
  /// status is checked only when a CRL for it is available: a pinned
  /// intermediate's issuer is not in the path, so its status cannot be proven.
  Require,
};

struct PathValidationOptions {
  /// The time at which validity is judged; nullopt means the device has no
  /// trusted clock, so validity periods and CRL freshness are not checked (D34).
  std::optional<TimePoint> at;
  /// Accept a trust anchor that is not self-signed: an intermediate, or the
  /// leaf itself (D30; OpenSSL X509_V_FLAG_PARTIAL_CHAIN).
  bool allowPartialChain = false;
  RevocationPolicy revocation = RevocationPolicy::Skip;
  std::vector<Crl> crls;
  /// Longest path accepted, counting the leaf and the anchor.
  int maxDepth = 10;
};

/// A validated path, leaf first, trust anchor last.
struct ValidatedPath {
  std::vector<Certificate> chain;
};

/// RFC 5280 path validation of `leaf` to one of `anchors`, with `untrusted`
/// as candidate intermediates. No purpose/EKU is enforced: SZTP certificates
/// (owner, MASA) carry no agreed EKU. An empty `anchors` fails with
/// NoTrustAnchors (fail closed). Failures map to ChainUntrusted,
/// CertificateExpired, CertificateNotYetValid, CertificateRevoked,
/// RevocationUnavailable or ChainInvalid, with the subject of the certificate
/// at fault and OpenSSL's verify string in the detail.
Result<ValidatedPath> validatePath(const Certificate& leaf,
                                   const std::vector<Certificate>& untrusted,
                                   const std::vector<Certificate>& anchors,
                                   const PathValidationOptions& options);

}  // namespace sztp::crypto
