#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/bytes.h"
#include "common/result.h"
#include "crypto/public_key.h"

struct X509_req_st;

namespace sztp::crypto {

/// A PKCS#10 CertificationRequest (RFC 2986) as a device sends it in the
/// RFC 9646 `p10-csr` leaf: untrusted input, parsed with a size limit and
/// never asserted on. Copies share the parsed object.
class CertificationRequest {
 public:
  /// The largest request fromDer reads by default; a P-521 or RSA-4096 CSR
  /// with a few attributes is well under 4 KiB.
  static constexpr std::size_t kDefaultMaxBytes = std::size_t{16} * 1024;

  /// Exactly one DER CertificationRequest of at most `maxBytes` octets
  /// (checked before parsing), with no trailing octets, version 0 (v1) and a
  /// public key OpenSSL can read. Fails with MalformedCertificationRequest.
  /// The signature is not checked here: see verifySignature.
  static Result<CertificationRequest> fromDer(ByteView der,
                                              std::size_t maxBytes = kDefaultMaxBytes);

  /// Proof of possession (RFC 9646 §4.2.1, S22): the request's signature
  /// verifies with the public key it carries. Fails with SignatureInvalid.
  Status verifySignature() const;

  const PublicKey& publicKey() const { return publicKey_; }
  std::string subject() const;  ///< RFC 2253 form; "" for an empty name.
  /// The signature algorithm's short name ("ecdsa-with-SHA256").
  std::string signatureAlgorithm() const;
  Bytes toDer() const;

 private:
  CertificationRequest(std::shared_ptr<X509_req_st> request, PublicKey key)
      : request_(std::move(request)), publicKey_(std::move(key)) {}

  std::shared_ptr<X509_req_st> request_;
  PublicKey publicKey_;
};

/// A DER CertificationRequestInfo (RFC 2986 §4.1) with `subject` (OpenSSL
/// short names, like CertificateProfile) and `key`, no attributes: what a
/// server offers in a csr-request's `cert-req-info` for the device to sign
/// (ietf-ztp-types; D60).
Result<Bytes> makeCertificationRequestInfo(
    const std::vector<std::pair<std::string, std::string>>& subject, const PublicKey& key);

/// A DER CertificationRequest for `key`'s public key with `subject`, signed
/// with `key` (SHA-256; EdDSA without a digest): what a device sends as its
/// CSR (D60, D61), and what tests send for it.
Result<Bytes> makeCertificationRequest(
    const std::vector<std::pair<std::string, std::string>>& subject, const PrivateKey& key);

}  // namespace sztp::crypto
