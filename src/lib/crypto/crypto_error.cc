#include "crypto/crypto_error.h"

#include <array>

namespace sztp::crypto {
namespace {

#define SZTP_REASON(e, code, text)              \
  ReasonInfo {                                  \
    static_cast<int>(CryptoErrc::e), code, text \
  }

constexpr std::array kReasons{
    SZTP_REASON(MalformedCertificate, "cert-malformed",
                "the certificate cannot be parsed; expected PEM or DER X.509"),
    SZTP_REASON(MalformedKey, "key-malformed",
                "the private key cannot be parsed; expected an unencrypted PEM/DER key or the "
                "right passphrase"),
    SZTP_REASON(KeyCertificateMismatch, "key-cert-mismatch",
                "the private key does not belong to the certificate; pair each certificate "
                "with its own key"),
    SZTP_REASON(MalformedCrl, "crl-malformed", "the CRL cannot be parsed; expected PEM or DER"),
    SZTP_REASON(MalformedCms, "cms-malformed",
                "the CMS structure cannot be parsed as DER ContentInfo; the artifact is "
                "truncated, altered, or not CMS"),
    SZTP_REASON(UnexpectedContentType, "cms-unexpected-content-type",
                "the CMS content type is not the one this artifact must have"),
    SZTP_REASON(SignedAttributesMissing, "cms-signed-attributes-missing",
                "the CMS signer has no signed attributes; RFC 5652 requires them for SZTP "
                "content types, so re-sign without -noattr"),
    SZTP_REASON(ContentTypeAttributeMismatch, "cms-content-type-attribute-mismatch",
                "the CMS content-type attribute differs from the encapsulated content type; "
                "the artifact was assembled incorrectly"),
    SZTP_REASON(SignerCount, "cms-signer-count",
                "the CMS SignedData must have exactly one signer here"),
    SZTP_REASON(SignerNotFound, "cms-signer-not-found",
                "no available certificate matches the CMS signer; the artifact was signed by "
                "a different certificate than expected"),
    SZTP_REASON(SignatureInvalid, "cms-signature-invalid",
                "the CMS signature does not verify; the content was altered or signed with "
                "another key"),
    SZTP_REASON(ContentMissing, "cms-content-missing",
                "the CMS SignedData carries no content (detached signatures are not allowed)"),
    SZTP_REASON(DecryptionFailed, "cms-decryption-failed",
                "the CMS EnvelopedData cannot be decrypted with this device's key; it was "
                "encrypted to another certificate or is corrupt"),
    SZTP_REASON(NoTrustAnchors, "no-trust-anchors",
                "no trust anchor is configured, so nothing can be trusted (fail closed); "
                "configure the trust anchors"),
    SZTP_REASON(ChainUntrusted, "chain-untrusted",
                "the certificate does not chain to a configured trust anchor"),
    SZTP_REASON(CertificateExpired, "cert-expired", "a certificate in the chain has expired"),
    SZTP_REASON(CertificateNotYetValid, "cert-not-yet-valid",
                "a certificate in the chain is not yet valid; check the device clock"),
    SZTP_REASON(CertificateRevoked, "cert-revoked", "a certificate in the chain is revoked"),
    SZTP_REASON(RevocationUnavailable, "revocation-unavailable",
                "revocation checks are required but no current CRL covers a certificate in "
                "the chain; staple fresh CRLs"),
    SZTP_REASON(ChainInvalid, "chain-invalid",
                "the certificate chain is invalid (signature, CA flag or path length)"),
    SZTP_REASON(OperationFailed, "crypto-operation-failed",
                "a cryptographic operation failed inside OpenSSL"),
    SZTP_REASON(MalformedSecretHash, "secret-hash-malformed",
                "a stored activation-code hash is malformed; set the device's activation code "
                "again"),
    SZTP_REASON(MalformedCertificationRequest, "certification-request-malformed",
                "the certificate signing request is not a DER PKCS#10 CertificationRequest "
                "(RFC 2986) with a readable public key"),
    SZTP_REASON(MalformedPublicKey, "public-key-malformed",
                "the public key is not a DER SubjectPublicKeyInfo"),
    SZTP_REASON(ProviderUnavailable, "crypto-provider-unavailable",
                "an OpenSSL provider cannot be loaded; install it (tpm2: Debian tpm2-openssl) "
                "and check that the TPM it uses is reachable (TPM2OPENSSL_TCTI)"),
    SZTP_REASON(KeyUnavailable, "key-unavailable",
                "the private key cannot be loaded from its key store URI; check the URI (file "
                "or TPM handle), the passphrase, and that the key's provider is loaded"),
};

#undef SZTP_REASON

}  // namespace

const ReasonCategory& cryptoCategory() noexcept {
  // Function-local so initialisation order across libraries cannot matter.
  static const ReasonCategory category("sztp.crypto", kReasons);
  return category;
}

}  // namespace sztp::crypto
