#pragma once

#include <system_error>

#include "common/error.h"

namespace sztp::trust {

/// Why signed (or unsigned) bootstrapping data was refused: the outcomes of
/// RFC 8572 §5.3/§5.4 as the device checks them. Each value is one check, so
/// that an operator reading `ztp status` or a progress report knows which
/// artifact to fix. The detail of the Error names the specifics (serial
/// numbers, subjects, times, the underlying crypto or codec reason).
enum class TrustErrc {
  /// An artifact is encrypted but no device private key was given (D16).
  EncryptedNoDeviceKey = 1,
  /// An encrypted artifact could not be decrypted with the device key (D16).
  DecryptionFailed,
  /// Signed conveyed information came without the voucher or the owner certificate (D22).
  SignedDataIncomplete,
  /// No voucher trust anchor is configured, so no voucher can be trusted (D8, fail closed).
  VoucherTrustAnchorsMissing,
  /// The voucher is not a well-formed CMS holding a voucher document.
  VoucherMalformed,
  /// The voucher's signature does not verify (D23).
  VoucherSignatureInvalid,
  /// The voucher's signer does not chain to a voucher trust anchor (D23).
  VoucherSignerUntrusted,
  /// The voucher signer's certificate is expired or not yet valid (D23).
  VoucherSignerExpired,
  /// The voucher's created-on is in the future (D24).
  VoucherNotYetValid,
  /// The voucher's expires-on has passed (D24).
  VoucherExpired,
  /// The voucher's assertion is not allowed by local policy (D25).
  VoucherAssertionRejected,
  /// The voucher is for another serial number (D26).
  VoucherSerialMismatch,
  /// The voucher's idevid-issuer does not match the IDevID's AKI (D27).
  VoucherIdevidIssuerMismatch,
  /// The voucher pins an idevid-issuer but no IDevID certificate was given to check it (D27).
  VoucherIdevidIssuerUnverifiable,
  /// The voucher's nonce differs from the one the device sent (D28).
  VoucherNonceMismatch,
  /// Policy requires a nonce-bearing voucher and this one has none (D28, D34).
  VoucherNonceMissing,
  /// The voucher has no pinned-domain-cert, which SZTP needs (D30).
  VoucherPinnedDomainCertMissing,
  /// The pinned-domain-cert is not a parseable certificate (D30).
  VoucherPinnedDomainCertInvalid,
  /// The owner certificate artifact is not a well-formed certificate bag (A6).
  OwnerCertificateMalformed,
  /// The owner certificate does not chain to the pinned-domain-cert (D30).
  OwnerCertificateUntrusted,
  /// A certificate between the owner certificate and the pinned-domain-cert is expired or not yet
  /// valid (D30).
  OwnerCertificateExpired,
  /// A certificate between the owner certificate and the pinned-domain-cert is revoked (D29).
  OwnerCertificateRevoked,
  /// The voucher demands revocation checks and no current CRL was stapled (D29).
  OwnerCertificateRevocationUnavailable,
  /// The owner certificate's key usage lacks digitalSignature (D31).
  OwnerCertificateKeyUsage,
  /// The conveyed information is not well-formed (CMS, content type or document) (A1–A5, A13).
  ConveyedInfoMalformed,
  /// The conveyed information is not signed by the owner certificate (D32).
  ConveyedInfoSignatureInvalid,
  /// Unsigned onboarding information from a source that is not trusted (D19).
  UnsignedOnboardingFromUntrustedSource,
};

const ReasonCategory& trustCategory() noexcept;

inline std::error_code make_error_code(TrustErrc e) noexcept {
  return {static_cast<int>(e), trustCategory()};
}

}  // namespace sztp::trust

template <>
struct std::is_error_code_enum<sztp::trust::TrustErrc> : std::true_type {};
