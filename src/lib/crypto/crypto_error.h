#pragma once

#include <system_error>

#include "common/error.h"

namespace sztp::crypto {

/// Errors from the OpenSSL boundary. The detail carries the specific cause:
/// OpenSSL's verify string, the subject of the certificate at fault, or the
/// library's error queue.
enum class CryptoErrc {
  /// Not a parseable X.509 certificate (PEM or DER).
  MalformedCertificate = 1,
  /// Not a parseable private key, or an encrypted key without the passphrase.
  MalformedKey,
  /// The private key does not belong to the certificate it is used with.
  KeyCertificateMismatch,
  /// Not a parseable CRL.
  MalformedCrl,
  /// Not a parseable DER CMS ContentInfo, or trailing octets after it.
  MalformedCms,
  /// The CMS (or its encapsulated content) has a content type other than expected here.
  UnexpectedContentType,
  /// A SignerInfo has no signed attributes although eContentType is not id-data (A4).
  SignedAttributesMissing,
  /// The content-type signed attribute differs from eContentType (A4; RFC 5652 §11.1).
  ContentTypeAttributeMismatch,
  /// The SignedData does not have exactly the number of signers required here.
  SignerCount,
  /// None of the candidate certificates matches the signer identifier.
  SignerNotFound,
  /// The signature or message digest does not verify: the data was altered or signed by another
  /// key.
  SignatureInvalid,
  /// The SignedData carries no encapsulated content.
  ContentMissing,
  /// EnvelopedData could not be decrypted with the given key (not a recipient, or corrupt).
  DecryptionFailed,
  /// Path validation was asked for with no trust anchor configured (fail closed).
  NoTrustAnchors,
  /// No path from the certificate to a trust anchor.
  ChainUntrusted,
  /// A certificate of the path is past its notAfter.
  CertificateExpired,
  /// A certificate of the path is before its notBefore.
  CertificateNotYetValid,
  /// A certificate of the path is listed on a CRL.
  CertificateRevoked,
  /// Revocation status was required but no current CRL was available for a certificate.
  RevocationUnavailable,
  /// The path is invalid for another reason (bad signature, CA constraints, path length).
  ChainInvalid,
  /// An OpenSSL operation failed for a reason that is not the input's fault.
  OperationFailed,
  /// A stored secret hash (activation code) is not in the expected form.
  MalformedSecretHash,
  /// Not a parseable DER PKCS#10 CertificationRequest (RFC 2986), trailing
  /// octets after it, or a public key OpenSSL cannot read (S22).
  MalformedCertificationRequest,
  /// A public key (SubjectPublicKeyInfo) that does not parse.
  MalformedPublicKey,
  /// An OpenSSL provider (e.g. "tpm2") could not be loaded: not installed, or
  /// its initialisation failed (for tpm2: the TPM named by TPM2OPENSSL_TCTI
  /// is unreachable).
  ProviderUnavailable,
  /// No private key could be loaded from a key store URI (a file, or a
  /// provider reference such as "handle:0x81000001"): it does not exist, its
  /// provider is not loaded, or the passphrase/authorisation is wrong.
  KeyUnavailable,
};

const ReasonCategory& cryptoCategory() noexcept;

inline std::error_code make_error_code(CryptoErrc e) noexcept {
  return {static_cast<int>(e), cryptoCategory()};
}

}  // namespace sztp::crypto

template <>
struct std::is_error_code_enum<sztp::crypto::CryptoErrc> : std::true_type {};
