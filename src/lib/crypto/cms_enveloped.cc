// EnvelopedData to a device identity certificate (A3, A5, S15) and its
// decryption (D16).
#include "crypto/cms_internal.h"
#include "crypto/crypto_error.h"
#include "crypto/providers.h"

namespace sztp::crypto {

using namespace detail;

namespace {

void fillId(RecipientSummary& summary, ASN1_OCTET_STRING* keyId, X509_NAME* issuer,
            ASN1_INTEGER* serial) {
  auto text = identifierText(keyId, issuer, serial);
  summary.issuer = std::move(text.issuer);
  summary.serialHex = std::move(text.serialHex);
  summary.subjectKeyId = std::move(text.subjectKeyId);
}

}  // namespace

Result<Bytes> encryptTo(ByteView inner, ContentType innerType, const Certificate& recipient) {
  if (innerType == ContentType::EnvelopedData || innerType == ContentType::Other) {
    return Error(CryptoErrc::UnexpectedContentType, "cannot encrypt content of this type");
  }
  X509StackPtr recipients = toStack(std::vector<Certificate>{recipient});
  CmsPtr cms(CMS_encrypt(recipients.get(), nullptr, EVP_aes_256_cbc(), CMS_PARTIAL | CMS_BINARY));
  if (!cms) {
    return opensslError(
        CryptoErrc::OperationFailed,
        "CMS_encrypt to " + recipient.subject() + " (" + recipient.publicKeyDescription() + ")");
  }
  Asn1ObjectPtr oid(OBJ_txt2obj(std::string(contentTypeOid(innerType)).c_str(), 1));
  if (CMS_set1_eContentType(cms.get(), oid.get()) != 1) {
    return opensslError(CryptoErrc::OperationFailed, "setting the encrypted content type");
  }
  BioPtr data = memoryBio(inner);
  if (CMS_final(cms.get(), data.get(), nullptr, CMS_BINARY) != 1) {
    return opensslError(CryptoErrc::OperationFailed, "CMS_final");
  }
  return toDer(cms.get());
}

Result<DecryptedContent> decrypt(ByteView der, const Certificate& certificate,
                                 const PrivateKey& key, const CmsLimits& limits) {
  auto cms = loadCms(der, limits);
  if (!cms) {
    return std::move(cms).error();
  }
  const auto outer = describeType(CMS_get0_type(cms->get()));
  if (outer.type != ContentType::EnvelopedData) {
    return Error(CryptoErrc::UnexpectedContentType, "expected EnvelopedData, got " + outer.oid);
  }
  // A key held by another provider (the tpm2 provider: D9, D16) is used
  // only by operations fetched with its property query: CMS takes the query
  // for the key-agreement (ECDH) or key-transport (RSA) context from the
  // ContentInfo, which d2i into an existing CMS_ContentInfo keeps. The
  // content was parsed once above under the limits; this parses the same
  // bytes again into a ContentInfo bound to the query.
  if (const std::string propq(propertyQueryFor(key)); !propq.empty()) {
    CMS_ContentInfo* bound = CMS_ContentInfo_new_ex(nullptr, propq.c_str());
    const unsigned char* p = der.data();
    // On failure d2i frees `bound` and sets it to null.
    if (bound == nullptr ||
        d2i_CMS_ContentInfo(&bound, &p, static_cast<long>(der.size())) == nullptr) {
      CMS_ContentInfo_free(bound);
      return opensslError(CryptoErrc::OperationFailed, "binding the EnvelopedData to the key");
    }
    *cms = CmsPtr(bound);
  }
  BioPtr out(BIO_new(BIO_s_mem()));
  if (CMS_decrypt(cms->get(), key.native(), certificate.native(), nullptr, out.get(), CMS_BINARY) !=
      1) {
    return opensslError(CryptoErrc::DecryptionFailed, "recipient " + certificate.subject());
  }
  const auto inner = describeType(CMS_get0_eContentType(cms->get()));
  return DecryptedContent{inner.type, inner.oid, bioContents(out.get())};
}

Result<EnvelopedSummary> parseEnvelopedData(ByteView der, const CmsLimits& limits) {
  auto cms = loadCms(der, limits);
  if (!cms) {
    return std::move(cms).error();
  }
  const auto outer = describeType(CMS_get0_type(cms->get()));
  if (outer.type != ContentType::EnvelopedData) {
    return Error(CryptoErrc::UnexpectedContentType, "expected EnvelopedData, got " + outer.oid);
  }
  EnvelopedSummary summary;
  const auto inner = describeType(CMS_get0_eContentType(cms->get()));
  summary.contentType = inner.type;
  summary.contentTypeOid = inner.oid;
  STACK_OF(CMS_RecipientInfo)* infos = CMS_get0_RecipientInfos(cms->get());
  for (int i = 0; i < sk_CMS_RecipientInfo_num(infos); ++i) {
    CMS_RecipientInfo* ri = sk_CMS_RecipientInfo_value(infos, i);
    ASN1_OCTET_STRING* keyId = nullptr;
    X509_NAME* issuer = nullptr;
    ASN1_INTEGER* serial = nullptr;
    switch (CMS_RecipientInfo_type(ri)) {
      case CMS_RECIPINFO_TRANS: {
        RecipientSummary r{"key-transport", {}, {}, {}};
        if (CMS_RecipientInfo_ktri_get0_signer_id(ri, &keyId, &issuer, &serial) == 1) {
          fillId(r, keyId, issuer, serial);
        }
        summary.recipients.push_back(std::move(r));
        break;
      }
      case CMS_RECIPINFO_AGREE: {
        STACK_OF(CMS_RecipientEncryptedKey)* keys = CMS_RecipientInfo_kari_get0_reks(ri);
        for (int k = 0; k < sk_CMS_RecipientEncryptedKey_num(keys); ++k) {
          RecipientSummary r{"key-agreement", {}, {}, {}};
          CMS_RecipientEncryptedKey* rek = sk_CMS_RecipientEncryptedKey_value(keys, k);
          if (CMS_RecipientEncryptedKey_get0_id(rek, &keyId, nullptr, nullptr, &issuer, &serial) ==
              1) {
            fillId(r, keyId, issuer, serial);
          }
          summary.recipients.push_back(std::move(r));
        }
        break;
      }
      default:
        summary.recipients.push_back(RecipientSummary{"other", {}, {}, {}});
    }
  }
  ERR_clear_error();
  return summary;
}

}  // namespace sztp::crypto
