#include "trust/trust_error.h"

#include <array>

namespace sztp::trust {
namespace {

#define SZTP_REASON(e, code, text)             \
  ReasonInfo {                                 \
    static_cast<int>(TrustErrc::e), code, text \
  }

constexpr std::array kReasons{
    SZTP_REASON(EncryptedNoDeviceKey, "encrypted-no-device-key",
                "an artifact is encrypted to the device but no device private key is "
                "available; configure the IDevID key"),
    SZTP_REASON(DecryptionFailed, "artifact-decryption-failed",
                "an encrypted artifact cannot be decrypted with this device's key; the owner "
                "must encrypt it to this device's IDevID certificate"),
    SZTP_REASON(SignedDataIncomplete, "signed-data-incomplete",
                "signed conveyed information must come with both the ownership voucher and "
                "the owner certificate"),
    SZTP_REASON(VoucherTrustAnchorsMissing, "voucher-trust-anchors-missing",
                "no voucher trust anchor is configured, so no ownership voucher can be "
                "trusted; install the manufacturer's voucher (MASA) trust anchor"),
    SZTP_REASON(VoucherMalformed, "voucher-malformed",
                "the ownership voucher is not a well-formed signed voucher; ask the "
                "manufacturer for a new one"),
    SZTP_REASON(VoucherSignatureInvalid, "voucher-signature-invalid",
                "the ownership voucher's signature does not verify; it was altered or "
                "assembled incorrectly"),
    SZTP_REASON(VoucherSignerUntrusted, "voucher-signer-untrusted",
                "the ownership voucher is not signed by the manufacturer this device "
                "trusts; obtain the voucher from the device's manufacturer"),
    SZTP_REASON(VoucherSignerExpired, "voucher-signer-expired",
                "the certificate that signed the ownership voucher is expired or not yet "
                "valid; check the device clock or obtain a freshly signed voucher"),
    SZTP_REASON(VoucherNotYetValid, "voucher-not-yet-valid",
                "the ownership voucher's created-on is in the future; check the device "
                "clock"),
    SZTP_REASON(VoucherExpired, "voucher-expired",
                "the ownership voucher has expired; obtain a renewed voucher from the "
                "manufacturer"),
    SZTP_REASON(VoucherAssertionRejected, "voucher-assertion-rejected",
                "the ownership voucher's assertion is not accepted by this device's policy"),
    SZTP_REASON(VoucherSerialMismatch, "voucher-serial-mismatch",
                "the ownership voucher is for a different serial number; give the device "
                "its own voucher"),
    SZTP_REASON(VoucherIdevidIssuerMismatch, "voucher-idevid-issuer-mismatch",
                "the ownership voucher's idevid-issuer does not match the authority key "
                "identifier of this device's IDevID"),
    SZTP_REASON(VoucherIdevidIssuerUnverifiable, "voucher-idevid-issuer-unverifiable",
                "the ownership voucher pins the IDevID issuer, but no IDevID certificate "
                "was given to check it against"),
    SZTP_REASON(VoucherNonceMismatch, "voucher-nonce-mismatch",
                "the ownership voucher's nonce differs from the nonce this device sent; "
                "the voucher is stale or replayed"),
    SZTP_REASON(VoucherNonceMissing, "voucher-nonce-missing",
                "policy requires a nonce-bearing ownership voucher, and this voucher has "
                "no nonce"),
    SZTP_REASON(VoucherPinnedDomainCertMissing, "voucher-pinned-domain-cert-missing",
                "the ownership voucher has no pinned-domain-cert, which SZTP requires"),
    SZTP_REASON(VoucherPinnedDomainCertInvalid, "voucher-pinned-domain-cert-invalid",
                "the ownership voucher's pinned-domain-cert is not a valid certificate"),
    SZTP_REASON(OwnerCertificateMalformed, "owner-certificate-malformed",
                "the owner certificate artifact is not a certificate bag (degenerate CMS "
                "SignedData) holding the owner certificate"),
    SZTP_REASON(OwnerCertificateUntrusted, "owner-certificate-untrusted",
                "the owner certificate does not chain to the certificate pinned in the "
                "ownership voucher; include the intermediates, or use an owner "
                "certificate issued under the pinned certificate"),
    SZTP_REASON(OwnerCertificateExpired, "owner-certificate-expired",
                "the owner certificate or an intermediate is expired or not yet valid"),
    SZTP_REASON(OwnerCertificateRevoked, "owner-certificate-revoked",
                "the owner certificate or an intermediate has been revoked"),
    SZTP_REASON(OwnerCertificateRevocationUnavailable, "owner-certificate-revocation-unavailable",
                "the voucher requires revocation checks but the owner certificate artifact "
                "has no current CRL for every certificate; staple fresh CRLs"),
    SZTP_REASON(OwnerCertificateKeyUsage, "owner-certificate-key-usage",
                "the owner certificate's key usage does not include digitalSignature"),
    SZTP_REASON(ConveyedInfoMalformed, "conveyed-info-malformed",
                "the conveyed information is not well-formed"),
    SZTP_REASON(ConveyedInfoSignatureInvalid, "conveyed-info-signature-invalid",
                "the conveyed information is not signed by the owner certificate; it was "
                "altered or signed with another key"),
    SZTP_REASON(UnsignedOnboardingFromUntrustedSource, "unsigned-onboarding-untrusted-source",
                "onboarding information from an untrusted source must be signed; the owner "
                "must sign it and supply the voucher and owner certificate"),
};

#undef SZTP_REASON

}  // namespace

const ReasonCategory& trustCategory() noexcept {
  // Function-local so initialisation order across libraries cannot matter.
  static const ReasonCategory category("sztp.trust", kReasons);
  return category;
}

}  // namespace sztp::trust
