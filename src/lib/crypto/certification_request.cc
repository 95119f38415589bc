#include "crypto/certification_request.h"

#include "crypto/crypto_error.h"
#include "crypto/openssl_handles.h"

namespace sztp::crypto {

using namespace detail;

namespace {

using X509ReqPtr = std::unique_ptr<X509_REQ, Deleter<X509_REQ, X509_REQ_free>>;

/// An unsigned request with `subject` and `key`'s public key.
Result<X509ReqPtr> unsignedRequest(const std::vector<std::pair<std::string, std::string>>& subject,
                                   EVP_PKEY* key) {
  X509ReqPtr request(X509_REQ_new());
  if (!request || X509_REQ_set_version(request.get(), X509_REQ_VERSION_1) != 1) {
    return opensslError(CryptoErrc::OperationFailed, "CertificationRequest");
  }
  X509NamePtr name(X509_NAME_new());
  for (const auto& [field, value] : subject) {
    if (X509_NAME_add_entry_by_txt(name.get(), field.c_str(), MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char*>(value.c_str()), -1, -1,
                                   0) != 1) {
      return opensslError(CryptoErrc::OperationFailed, "subject attribute " + field);
    }
  }
  if (X509_REQ_set_subject_name(request.get(), name.get()) != 1 ||
      X509_REQ_set_pubkey(request.get(), key) != 1) {
    return opensslError(CryptoErrc::OperationFailed, "CertificationRequest");
  }
  return request;
}

}  // namespace

Result<CertificationRequest> CertificationRequest::fromDer(ByteView der, std::size_t maxBytes) {
  if (der.size() > maxBytes) {
    return Error(
        CryptoErrc::MalformedCertificationRequest,
        std::to_string(der.size()) + " octets, more than the limit of " + std::to_string(maxBytes));
  }
  if (der.empty()) {
    return Error(CryptoErrc::MalformedCertificationRequest, "no octets");
  }
  const unsigned char* p = der.data();
  X509ReqPtr request(d2i_X509_REQ(nullptr, &p, static_cast<long>(der.size())));
  if (!request) {
    return opensslError(CryptoErrc::MalformedCertificationRequest,
                        "DER PKCS#10 CertificationRequest");
  }
  if (p != der.data() + der.size()) {
    return Error(CryptoErrc::MalformedCertificationRequest,
                 "trailing octets after the CertificationRequest");
  }
  if (X509_REQ_get_version(request.get()) != X509_REQ_VERSION_1) {
    return Error(CryptoErrc::MalformedCertificationRequest,
                 "version " + std::to_string(X509_REQ_get_version(request.get())) +
                     "; RFC 2986 defines version 0 only");
  }
  // X509_REQ_get_pubkey decodes the SubjectPublicKeyInfo and raises the
  // reference count; a key OpenSSL cannot read (unknown algorithm, point not
  // on the curve) fails here rather than later.
  EVP_PKEY* key = X509_REQ_get_pubkey(request.get());
  if (key == nullptr) {
    return opensslError(CryptoErrc::MalformedCertificationRequest, "subject public key");
  }
  PublicKey publicKey(std::shared_ptr<EVP_PKEY>(key, EVP_PKEY_free));
  X509_REQ* raw = request.release();
  return CertificationRequest(std::shared_ptr<X509_REQ>(raw, X509_REQ_free), std::move(publicKey));
}

Status CertificationRequest::verifySignature() const {
  // 1: verified; 0: a wrong signature; <0: it could not be checked at all
  // (unknown signature algorithm, parameters that do not fit the key).
  // Either way possession of the key is not shown.
  const int verdict = X509_REQ_verify(request_.get(), publicKey_.native());
  if (verdict != 1) {
    return opensslError(CryptoErrc::SignatureInvalid,
                        "the CertificationRequest signature (" + signatureAlgorithm() +
                            ") does not verify with its own " + publicKey_.description() + " key");
  }
  return {};
}

std::string CertificationRequest::subject() const {
  return nameToString(X509_REQ_get_subject_name(request_.get()));
}

std::string CertificationRequest::signatureAlgorithm() const {
  const int nid = X509_REQ_get_signature_nid(request_.get());
  const char* name = nid == NID_undef ? nullptr : OBJ_nid2sn(nid);
  return name != nullptr ? name : "unknown algorithm";
}

Bytes CertificationRequest::toDer() const {
  return detail::encodeDer(request_.get(), i2d_X509_REQ);
}

Result<Bytes> makeCertificationRequestInfo(
    const std::vector<std::pair<std::string, std::string>>& subject, const PublicKey& key) {
  auto request = unsignedRequest(subject, key.native());
  if (!request) {
    return std::move(request).error();
  }
  Bytes der = encodeDer(request->get(), i2d_re_X509_REQ_tbs);
  if (der.empty()) {
    return Error(CryptoErrc::OperationFailed, "encoding the CertificationRequestInfo");
  }
  return der;
}

Result<Bytes> makeCertificationRequest(
    const std::vector<std::pair<std::string, std::string>>& subject, const PrivateKey& key) {
  auto request = unsignedRequest(subject, key.native());
  if (!request) {
    return std::move(request).error();
  }
  const bool edwards =
      EVP_PKEY_is_a(key.native(), "ED25519") || EVP_PKEY_is_a(key.native(), "ED448");
  if (X509_REQ_sign(request->get(), key.native(), edwards ? nullptr : EVP_sha256()) <= 0) {
    return opensslError(CryptoErrc::OperationFailed, "signing the CertificationRequest");
  }
  Bytes der = encodeDer(request->get(), i2d_X509_REQ);
  if (der.empty()) {
    return Error(CryptoErrc::OperationFailed, "encoding the CertificationRequest");
  }
  return der;
}

}  // namespace sztp::crypto
