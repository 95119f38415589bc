// SignedData: parse, verify (A4, D23, D32), sign, and certificate bags (A6).
#include <openssl/cmserr.h>

#include "crypto/cms_internal.h"
#include "crypto/crypto_error.h"

namespace sztp::crypto {

using namespace detail;

namespace {

std::vector<Certificate> certificatesOf(CMS_ContentInfo* cms) {
  std::vector<Certificate> out;
  X509StackPtr certs(CMS_get1_certs(cms));
  for (int i = 0; certs && i < sk_X509_num(certs.get()); ++i) {
    X509* cert = sk_X509_value(certs.get(), i);
    X509_up_ref(cert);
    out.emplace_back(std::shared_ptr<X509>(cert, X509_free));
  }
  return out;
}

std::vector<Crl> crlsOf(CMS_ContentInfo* cms) {
  std::vector<Crl> out;
  CrlStackPtr crls(CMS_get1_crls(cms));
  for (int i = 0; crls && i < sk_X509_CRL_num(crls.get()); ++i) {
    X509_CRL* crl = sk_X509_CRL_value(crls.get(), i);
    X509_CRL_up_ref(crl);
    out.emplace_back(std::shared_ptr<X509_CRL>(crl, X509_CRL_free));
  }
  return out;
}

std::optional<TimePoint> signingTimeOf(CMS_SignerInfo* si) {
  const int index = CMS_signed_get_attr_by_NID(si, NID_pkcs9_signingTime, -1);
  if (index < 0) {
    return std::nullopt;
  }
  X509_ATTRIBUTE* attribute = CMS_signed_get_attr(si, index);
  const ASN1_TYPE* value = X509_ATTRIBUTE_get0_type(attribute, 0);
  if (value == nullptr ||
      (value->type != V_ASN1_UTCTIME && value->type != V_ASN1_GENERALIZEDTIME)) {
    return std::nullopt;
  }
  return toTimePoint(value->value.utctime);
}

SignerSummary summarize(CMS_SignerInfo* si) {
  SignerSummary summary;
  ASN1_OCTET_STRING* keyId = nullptr;
  X509_NAME* issuer = nullptr;
  ASN1_INTEGER* serial = nullptr;
  if (CMS_SignerInfo_get0_signer_id(si, &keyId, &issuer, &serial) == 1) {
    auto text = identifierText(keyId, issuer, serial);
    summary.issuer = std::move(text.issuer);
    summary.serialHex = std::move(text.serialHex);
    summary.subjectKeyId = std::move(text.subjectKeyId);
  }
  X509_ALGOR* digest = nullptr;
  X509_ALGOR* signature = nullptr;
  CMS_SignerInfo_get0_algs(si, nullptr, nullptr, &digest, &signature);
  if (digest != nullptr) {
    const ASN1_OBJECT* oid = nullptr;
    X509_ALGOR_get0(&oid, nullptr, nullptr, digest);
    summary.digestAlgorithm = OBJ_nid2sn(OBJ_obj2nid(oid));
  }
  if (signature != nullptr) {
    const ASN1_OBJECT* oid = nullptr;
    X509_ALGOR_get0(&oid, nullptr, nullptr, signature);
    summary.signatureAlgorithm = OBJ_nid2sn(OBJ_obj2nid(oid));
  }
  summary.hasSignedAttributes = CMS_signed_get_attr_count(si) > 0;
  if (summary.hasSignedAttributes) {
    const auto* type = static_cast<const ASN1_OBJECT*>(
        CMS_signed_get0_data_by_OBJ(si, OBJ_nid2obj(NID_pkcs9_contentType), -3, V_ASN1_OBJECT));
    if (type != nullptr) {
      summary.contentTypeAttributeOid = objectToOid(type);
    }
    summary.signingTime = signingTimeOf(si);
  }
  ERR_clear_error();
  return summary;
}

// The structural rules every SZTP SignedData must meet before any signature
// is checked: type, one signer, signed attributes with a matching
// content-type attribute (A4, RFC 5652 §5.3 and §11.1), content present.
Result<CMS_SignerInfo*> checkSignedStructure(CMS_ContentInfo* cms) {
  const auto outer = describeType(CMS_get0_type(cms));
  if (outer.type != ContentType::SignedData) {
    return Error(CryptoErrc::UnexpectedContentType, "expected SignedData, got " + outer.oid);
  }
  STACK_OF(CMS_SignerInfo)* signers = CMS_get0_SignerInfos(cms);
  const int count = sk_CMS_SignerInfo_num(signers);
  if (count != 1) {
    return Error(CryptoErrc::SignerCount,
                 "found " + std::to_string(std::max(count, 0)) + " signers, need exactly 1");
  }
  CMS_SignerInfo* si = sk_CMS_SignerInfo_value(signers, 0);
  if (CMS_signed_get_attr_count(si) <= 0) {
    return Error(CryptoErrc::SignedAttributesMissing);
  }
  const int typeAttributes = [&] {
    int n = 0;
    for (int i = -1; (i = CMS_signed_get_attr_by_NID(si, NID_pkcs9_contentType, i)) >= 0;) {
      ++n;
    }
    return n;
  }();
  const auto* attributeType = static_cast<const ASN1_OBJECT*>(
      CMS_signed_get0_data_by_OBJ(si, OBJ_nid2obj(NID_pkcs9_contentType), -3, V_ASN1_OBJECT));
  ERR_clear_error();
  if (typeAttributes == 0) {
    return Error(CryptoErrc::SignedAttributesMissing,
                 "the signed attributes hold no content-type attribute");
  }
  if (typeAttributes != 1 || attributeType == nullptr) {
    return Error(CryptoErrc::ContentTypeAttributeMismatch,
                 "the signed attributes hold " + std::to_string(typeAttributes) +
                     " content-type attributes; RFC 5652 §11.1 allows exactly one");
  }
  const ASN1_OBJECT* eContentType = CMS_get0_eContentType(cms);
  if (OBJ_cmp(attributeType, eContentType) != 0) {
    return Error(CryptoErrc::ContentTypeAttributeMismatch,
                 "content-type attribute " + objectToOid(attributeType) + " vs eContentType " +
                     objectToOid(eContentType));
  }
  ASN1_OCTET_STRING** content = CMS_get0_content(cms);
  if (content == nullptr || *content == nullptr) {
    ERR_clear_error();
    return Error(CryptoErrc::ContentMissing);
  }
  return si;
}

// Runs CMS_verify without signer-path checks (done separately by
// validatePath) and returns the verified content.
Result<Bytes> verifySignature(CMS_ContentInfo* cms, STACK_OF(X509) * candidates,
                              unsigned int extraFlags) {
  BioPtr out(BIO_new(BIO_s_mem()));
  const unsigned int flags = CMS_BINARY | CMS_NO_SIGNER_CERT_VERIFY | extraFlags;
  if (CMS_verify(cms, candidates, nullptr, nullptr, out.get(), flags) != 1) {
    const unsigned long last = ERR_peek_last_error();
    if (ERR_GET_LIB(last) == ERR_LIB_CMS &&
        ERR_GET_REASON(last) == CMS_R_SIGNER_CERTIFICATE_NOT_FOUND) {
      return opensslError(CryptoErrc::SignerNotFound, "");
    }
    return opensslError(CryptoErrc::SignatureInvalid, "");
  }
  return bioContents(out.get());
}

VerifiedContent makeVerified(CMS_ContentInfo* cms, Bytes content, Certificate signer) {
  const auto type = describeType(CMS_get0_eContentType(cms));
  return VerifiedContent{type.type,           type.oid,   std::move(content), std::move(signer), {},
                         certificatesOf(cms), crlsOf(cms)};
}

SignedData summarizeSignedData(CMS_ContentInfo* cms) {
  SignedData data;
  const auto inner = describeType(CMS_get0_eContentType(cms));
  data.contentType = inner.type;
  data.contentTypeOid = inner.oid;
  ASN1_OCTET_STRING** content = CMS_get0_content(cms);
  if (content != nullptr && *content != nullptr) {
    const auto* d = ASN1_STRING_get0_data(*content);
    data.content = Bytes(d, d + ASN1_STRING_length(*content));
  }
  data.certificates = certificatesOf(cms);
  data.crls = crlsOf(cms);
  STACK_OF(CMS_SignerInfo)* signers = CMS_get0_SignerInfos(cms);
  for (int i = 0; i < sk_CMS_SignerInfo_num(signers); ++i) {
    data.signers.push_back(summarize(sk_CMS_SignerInfo_value(signers, i)));
  }
  ERR_clear_error();
  return data;
}

}  // namespace

struct SignedMessage::Impl {
  CmsPtr cms;
  SignedData summary;
};

Result<SignedMessage> SignedMessage::parse(ByteView der, const CmsLimits& limits) {
  auto cms = loadCms(der, limits);
  if (!cms) {
    return std::move(cms).error();
  }
  const auto outer = describeType(CMS_get0_type(cms->get()));
  if (outer.type != ContentType::SignedData) {
    return Error(CryptoErrc::UnexpectedContentType, "expected SignedData, got " + outer.oid);
  }
  auto impl = std::make_shared<Impl>();
  impl->summary = summarizeSignedData(cms->get());
  impl->cms = std::move(*cms);
  return SignedMessage(std::move(impl));
}

const SignedData& SignedMessage::summary() const {
  return impl_->summary;
}

Result<VerifiedContent> SignedMessage::verifyBy(const Certificate& signer) const {
  CMS_ContentInfo* cms = impl_->cms.get();
  auto structure = checkSignedStructure(cms);
  if (!structure) {
    return std::move(structure).error();
  }
  // CMS_verify remembers the signer certificate it found; forget it so that
  // only `signer` can match this time.
  CMS_SignerInfo_set1_signer_cert(*structure, nullptr);
  X509StackPtr candidates = toStack(std::vector<Certificate>{signer});
  // CMS_NOINTERN: only `signer` may match the signer identifier, never a
  // certificate the artifact brought along (D32).
  auto content = verifySignature(cms, candidates.get(), CMS_NOINTERN);
  if (!content) {
    return std::move(content).error();
  }
  return makeVerified(cms, std::move(*content), signer);
}

Result<SignedData> parseSignedData(ByteView der, const CmsLimits& limits) {
  auto message = SignedMessage::parse(der, limits);
  if (!message) {
    return std::move(message).error();
  }
  return message->summary();
}

Result<VerifiedContent> verifySignedBy(ByteView der, const Certificate& signer,
                                       const CmsLimits& limits) {
  auto message = SignedMessage::parse(der, limits);
  if (!message) {
    return std::move(message).error();
  }
  return message->verifyBy(signer);
}

Result<VerifiedContent> verifySignedByTrusted(ByteView der, const std::vector<Certificate>& anchors,
                                              const PathValidationOptions& options,
                                              const CmsLimits& limits) {
  if (anchors.empty()) {
    return Error(CryptoErrc::NoTrustAnchors, "verifying a signed artifact");
  }
  auto cms = loadCms(der, limits);
  if (!cms) {
    return std::move(cms).error();
  }
  auto structure = checkSignedStructure(cms->get());
  if (!structure) {
    return std::move(structure).error();
  }
  X509StackPtr candidates = toStack(anchors);
  auto content = verifySignature(cms->get(), candidates.get(), 0);
  if (!content) {
    return std::move(content).error();
  }
  X509* signerCert = nullptr;
  CMS_SignerInfo_get0_algs(*structure, nullptr, &signerCert, nullptr, nullptr);
  if (signerCert == nullptr) {
    return Error(CryptoErrc::SignerNotFound);
  }
  X509_up_ref(signerCert);
  Certificate signer(std::shared_ptr<X509>(signerCert, X509_free));
  auto verified = makeVerified(cms->get(), std::move(*content), signer);
  // CRLs the signer stapled into the CMS (A9) join the caller's.
  PathValidationOptions withCrls = options;
  withCrls.crls.insert(withCrls.crls.end(), verified.crls.begin(), verified.crls.end());
  auto path = validatePath(signer, verified.certificates, anchors, withCrls);
  if (!path) {
    return std::move(path).error().addContext("signer " + signer.subject());
  }
  verified.path = std::move(path->chain);
  return verified;
}

Result<Bytes> signContent(ByteView content, ContentType type, const Certificate& signer,
                          const PrivateKey& key, const SignOptions& options) {
  if (type == ContentType::SignedData || type == ContentType::EnvelopedData ||
      type == ContentType::Other) {
    return Error(CryptoErrc::UnexpectedContentType, "cannot sign content of this type");
  }
  auto match = checkKeyMatches(key, signer);
  if (!match) {
    return std::move(match).error();
  }
  X509StackPtr extra = toStack(options.extraCertificates);
  CmsPtr cms(CMS_sign(nullptr, nullptr, extra.get(), nullptr, CMS_PARTIAL | CMS_BINARY));
  if (!cms) {
    return opensslError(CryptoErrc::OperationFailed, "CMS_sign");
  }
  Asn1ObjectPtr oid(OBJ_txt2obj(std::string(contentTypeOid(type)).c_str(), 1));
  if (CMS_set1_eContentType(cms.get(), oid.get()) != 1) {
    return opensslError(CryptoErrc::OperationFailed, "setting eContentType");
  }
  unsigned int signerFlags = CMS_PARTIAL | CMS_NOSMIMECAP | CMS_BINARY;
  if (!options.includeSignerCertificate) {
    signerFlags |= CMS_NOCERTS;
  }
  CMS_SignerInfo* si =
      CMS_add1_signer(cms.get(), signer.native(), key.native(), EVP_sha256(), signerFlags);
  if (si == nullptr) {
    return opensslError(CryptoErrc::OperationFailed, "adding the signer");
  }
  if (options.signingTime) {
    Asn1TimePtr when = toAsn1Time(*options.signingTime);
    if (!when ||
        CMS_signed_add1_attr_by_NID(si, NID_pkcs9_signingTime, when->type, when.get(), -1) != 1) {
      return opensslError(CryptoErrc::OperationFailed, "adding signingTime");
    }
  }
  for (const auto& crl : options.crls) {
    CMS_add1_crl(cms.get(), crl.native());
  }
  BioPtr data = memoryBio(content);
  if (CMS_final(cms.get(), data.get(), nullptr, CMS_BINARY) != 1) {
    return opensslError(CryptoErrc::OperationFailed, "CMS_final");
  }
  return toDer(cms.get());
}

Result<Bytes> makeCertificateBag(const std::vector<Certificate>& certificates,
                                 const std::vector<Crl>& crls) {
  if (certificates.empty()) {
    return Error(CryptoErrc::MalformedCms, "a certificate bag needs at least one certificate");
  }
  X509StackPtr certs = toStack(certificates);
  CmsPtr cms(CMS_sign(nullptr, nullptr, certs.get(), nullptr, CMS_PARTIAL));
  if (!cms) {
    return opensslError(CryptoErrc::OperationFailed, "CMS_sign (certificates only)");
  }
  // Degenerate SignedData: id-data with no eContent, like `openssl crl2pkcs7`.
  CMS_set_detached(cms.get(), 1);
  for (const auto& crl : crls) {
    CMS_add1_crl(cms.get(), crl.native());
  }
  return toDer(cms.get());
}

Result<CertificateBag> parseCertificateBag(ByteView der, const CmsLimits& limits) {
  auto cms = loadCms(der, limits);
  if (!cms) {
    return std::move(cms).error();
  }
  const auto outer = describeType(CMS_get0_type(cms->get()));
  if (outer.type != ContentType::SignedData) {
    return Error(CryptoErrc::UnexpectedContentType,
                 "expected a degenerate SignedData, got " + outer.oid);
  }
  const int signers = sk_CMS_SignerInfo_num(CMS_get0_SignerInfos(cms->get()));
  if (signers > 0) {
    return Error(CryptoErrc::SignerCount,
                 "a certificate bag has no signers, this one has " + std::to_string(signers));
  }
  CertificateBag bag{certificatesOf(cms->get()), crlsOf(cms->get())};
  if (bag.certificates.empty()) {
    return Error(CryptoErrc::MalformedCms, "the certificate bag holds no certificate");
  }
  return bag;
}

}  // namespace sztp::crypto
