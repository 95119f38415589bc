#include "crypto/issuer.h"

#include "crypto/crypto_error.h"
#include "crypto/digest.h"
#include "crypto/openssl_handles.h"

namespace sztp::crypto {

using namespace detail;

namespace {

Status addExtension(X509* cert, X509V3_CTX* ctx, int nid, const std::string& value) {
  X509ExtensionPtr ext(X509V3_EXT_conf_nid(nullptr, ctx, nid, value.c_str()));
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1) {
    return opensslError(CryptoErrc::OperationFailed,
                        std::string("extension ") + OBJ_nid2sn(nid) + "=" + value);
  }
  return {};
}

std::string keyUsageText(unsigned bits) {
  static const std::pair<unsigned, const char*> kNames[] = {
      {kDigitalSignature, "digitalSignature"},
      {kNonRepudiation, "nonRepudiation"},
      {kKeyEncipherment, "keyEncipherment"},
      {kDataEncipherment, "dataEncipherment"},
      {kKeyAgreement, "keyAgreement"},
      {kKeyCertSign, "keyCertSign"},
      {kCrlSign, "cRLSign"},
  };
  std::string text = "critical";
  for (const auto& [bit, name] : kNames) {
    if ((bits & bit) != 0) {
      text += ",";
      text += name;
    }
  }
  return text;
}

Asn1IntegerPtr serialFrom(const std::optional<Bytes>& fixed) {
  Bytes octets = fixed ? *fixed : randomBytes(16);
  if (!fixed) {
    octets[0] &= 0x7f;  // Keep it positive, as RFC 5280 §4.1.2.2 requires.
    octets[0] |= 0x01;  // Non-zero leading octet, so the length stays 16.
  }
  BIGNUM* bn = BN_bin2bn(octets.data(), static_cast<int>(octets.size()), nullptr);
  Asn1IntegerPtr serial(BN_to_ASN1_INTEGER(bn, nullptr));
  BN_free(bn);
  return serial;
}

/// EdDSA signs the message itself (RFC 8032): OpenSSL wants no digest then.
const EVP_MD* signingDigest(EVP_PKEY* key) {
  return EVP_PKEY_is_a(key, "ED25519") || EVP_PKEY_is_a(key, "ED448") ? nullptr : EVP_sha256();
}

Result<Certificate> issue(const CertificateProfile& profile, EVP_PKEY* subjectKey,
                          const Certificate* issuer, const PrivateKey& issuerKey) {
  X509Ptr cert(X509_new());
  X509_set_version(cert.get(), 2);
  Asn1IntegerPtr serial = serialFrom(profile.serialNumber);
  X509_set_serialNumber(cert.get(), serial.get());

  X509NamePtr subject(X509_NAME_new());
  for (const auto& [field, value] : profile.subject) {
    if (X509_NAME_add_entry_by_txt(subject.get(), field.c_str(), MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char*>(value.c_str()), -1, -1,
                                   0) != 1) {
      return opensslError(CryptoErrc::OperationFailed, "subject attribute " + field);
    }
  }
  X509_set_subject_name(cert.get(), subject.get());
  X509_set_issuer_name(cert.get(),
                       issuer != nullptr ? X509_get_subject_name(issuer->native()) : subject.get());

  Asn1TimePtr notBefore = toAsn1Time(profile.notBefore);
  Asn1TimePtr notAfter(ASN1_TIME_new());
  if (profile.notAfter) {
    notAfter = toAsn1Time(*profile.notAfter);
  } else {
    ASN1_TIME_set_string(notAfter.get(), "99991231235959Z");
  }
  if (!notBefore || !notAfter) {
    return Error(CryptoErrc::OperationFailed, "validity period out of range");
  }
  X509_set1_notBefore(cert.get(), notBefore.get());
  X509_set1_notAfter(cert.get(), notAfter.get());
  if (X509_set_pubkey(cert.get(), subjectKey) != 1) {
    return opensslError(CryptoErrc::OperationFailed, "subject public key");
  }

  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer != nullptr ? issuer->native() : cert.get(), cert.get(), nullptr,
                 nullptr, 0);
  std::string basic = profile.isCa ? "critical,CA:TRUE" : "critical,CA:FALSE";
  if (profile.isCa && profile.pathLength) {
    basic += ",pathlen:" + std::to_string(*profile.pathLength);
  }
  std::vector<std::pair<int, std::string>> extensions{{NID_basic_constraints, basic},
                                                      {NID_subject_key_identifier, "hash"}};
  if (profile.authorityKeyId) {
    extensions.emplace_back(NID_authority_key_identifier,
                            issuer != nullptr ? "keyid:always" : "keyid");
  }
  if (profile.keyUsage) {
    extensions.emplace_back(NID_key_usage, keyUsageText(*profile.keyUsage));
  }
  if (!profile.extendedKeyUsage.empty()) {
    std::string eku;
    for (const auto& usage : profile.extendedKeyUsage) {
      eku += (eku.empty() ? "" : ",") + usage;
    }
    extensions.emplace_back(NID_ext_key_usage, eku);
  }
  std::string san;
  for (const auto& dns : profile.dnsNames) {
    san += (san.empty() ? "DNS:" : ",DNS:") + dns;
  }
  for (const auto& ip : profile.ipAddresses) {
    san += (san.empty() ? "IP:" : ",IP:") + ip;
  }
  if (!san.empty()) {
    extensions.emplace_back(NID_subject_alt_name, san);
  }
  for (const auto& [nid, value] : extensions) {
    auto added = addExtension(cert.get(), &ctx, nid, value);
    if (!added) {
      return std::move(added).error();
    }
  }
  if (X509_sign(cert.get(), issuerKey.native(), signingDigest(issuerKey.native())) <= 0) {
    return opensslError(CryptoErrc::OperationFailed, "signing the certificate");
  }
  X509* raw = cert.release();
  return Certificate(std::shared_ptr<X509>(raw, X509_free));
}

}  // namespace

Result<Certificate> issueCertificate(const CertificateProfile& profile,
                                     const PrivateKey& subjectKey, const Certificate* issuer,
                                     const PrivateKey& issuerKey) {
  return issue(profile, subjectKey.native(), issuer, issuerKey);
}

Result<Certificate> issueCertificate(const CertificateProfile& profile, const PublicKey& subjectKey,
                                     const Certificate& issuer, const PrivateKey& issuerKey) {
  return issue(profile, subjectKey.native(), &issuer, issuerKey);
}

Result<Crl> issueCrl(const Certificate& issuer, const PrivateKey& issuerKey,
                     const std::vector<RevokedEntry>& revoked, TimePoint thisUpdate,
                     TimePoint nextUpdate, long crlNumber) {
  X509CrlPtr crl(X509_CRL_new());
  X509_CRL_set_version(crl.get(), 1);
  X509_CRL_set_issuer_name(crl.get(), X509_get_subject_name(issuer.native()));
  Asn1TimePtr last = toAsn1Time(thisUpdate);
  Asn1TimePtr next = toAsn1Time(nextUpdate);
  X509_CRL_set1_lastUpdate(crl.get(), last.get());
  X509_CRL_set1_nextUpdate(crl.get(), next.get());
  for (const auto& entry : revoked) {
    X509RevokedPtr item(X509_REVOKED_new());
    X509_REVOKED_set_serialNumber(item.get(), X509_get_serialNumber(entry.certificate.native()));
    Asn1TimePtr when = toAsn1Time(entry.revokedAt);
    X509_REVOKED_set_revocationDate(item.get(), when.get());
    X509_CRL_add0_revoked(crl.get(), item.release());
  }
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer.native(), nullptr, nullptr, crl.get(), 0);
  X509ExtensionPtr aki(X509V3_EXT_conf_nid(nullptr, &ctx, NID_authority_key_identifier, "keyid"));
  Asn1IntegerPtr number(ASN1_INTEGER_new());
  ASN1_INTEGER_set(number.get(), crlNumber);
  if (!aki || X509_CRL_add_ext(crl.get(), aki.get(), -1) != 1 ||
      X509_CRL_add1_ext_i2d(crl.get(), NID_crl_number, number.get(), 0, 0) != 1) {
    return opensslError(CryptoErrc::OperationFailed, "CRL extensions");
  }
  X509_CRL_sort(crl.get());
  if (X509_CRL_sign(crl.get(), issuerKey.native(), EVP_sha256()) <= 0) {
    return opensslError(CryptoErrc::OperationFailed, "signing the CRL");
  }
  X509_CRL* raw = crl.release();
  return Crl(std::shared_ptr<X509_CRL>(raw, X509_CRL_free));
}

}  // namespace sztp::crypto
