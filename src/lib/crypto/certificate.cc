#include "crypto/certificate.h"

#include <openssl/pem.h>

#include "crypto/crypto_error.h"
#include "crypto/openssl_handles.h"

namespace sztp::crypto {

using namespace detail;

namespace {

std::shared_ptr<X509> share(X509* cert) {
  return std::shared_ptr<X509>(cert, X509_free);
}

std::optional<std::string> nameEntry(const X509_NAME* name, int nid) {
  const int index = X509_NAME_get_index_by_NID(name, nid, -1);
  if (index < 0) {
    return std::nullopt;
  }
  const ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, index));
  unsigned char* utf8 = nullptr;
  const int length = ASN1_STRING_to_UTF8(&utf8, data);
  if (length < 0) {
    return std::nullopt;
  }
  std::string value(reinterpret_cast<char*>(utf8), static_cast<std::size_t>(length));
  OPENSSL_free(utf8);
  return value;
}

Bytes octets(const ASN1_OCTET_STRING* s) {
  return Bytes(ASN1_STRING_get0_data(s), ASN1_STRING_get0_data(s) + ASN1_STRING_length(s));
}

}  // namespace

Result<Certificate> Certificate::fromDer(ByteView der) {
  const unsigned char* p = der.data();
  X509* cert = d2i_X509(nullptr, &p, static_cast<long>(der.size()));
  if (cert == nullptr) {
    return opensslError(CryptoErrc::MalformedCertificate, "DER certificate");
  }
  if (p != der.data() + der.size()) {
    X509_free(cert);
    return Error(CryptoErrc::MalformedCertificate, "trailing octets after the DER certificate");
  }
  return Certificate(share(cert));
}

Result<std::vector<Certificate>> Certificate::listFromPem(std::string_view pem) {
  BioPtr bio = memoryBio(asBytes(pem));
  std::vector<Certificate> out;
  while (X509* cert = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
    out.emplace_back(share(cert));
  }
  // Reading stops with a "no start line" error at the end of the text; any
  // other queued error means a PEM block was damaged.
  const unsigned long last = ERR_peek_last_error();
  if (last != 0 && ERR_GET_REASON(last) != PEM_R_NO_START_LINE) {
    return opensslError(CryptoErrc::MalformedCertificate, "PEM certificate");
  }
  ERR_clear_error();
  if (out.empty()) {
    return Error(CryptoErrc::MalformedCertificate, "no PEM CERTIFICATE block found");
  }
  return out;
}

Result<Certificate> Certificate::fromPem(std::string_view pem) {
  auto list = listFromPem(pem);
  if (!list) {
    return std::move(list).error();
  }
  return list->front();
}

Result<std::vector<Certificate>> Certificate::listFromAny(ByteView data) {
  const std::string_view text(reinterpret_cast<const char*>(data.data()), data.size());
  if (text.find("-----BEGIN") != std::string_view::npos) {
    return listFromPem(text);
  }
  auto one = fromDer(data);
  if (!one) {
    return std::move(one).error();
  }
  return std::vector<Certificate>{*one};
}

Bytes Certificate::toDer() const {
  return detail::encodeDer(cert_.get(), i2d_X509);
}

std::string Certificate::toPem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509(bio.get(), cert_.get());
  return toString(bioContents(bio.get()));
}

std::string Certificate::subject() const {
  return nameToString(X509_get_subject_name(cert_.get()));
}
std::string Certificate::issuer() const {
  return nameToString(X509_get_issuer_name(cert_.get()));
}

std::optional<std::string> Certificate::subjectSerialNumber() const {
  return nameEntry(X509_get_subject_name(cert_.get()), NID_serialNumber);
}

std::optional<std::string> Certificate::subjectCommonName() const {
  return nameEntry(X509_get_subject_name(cert_.get()), NID_commonName);
}

std::string Certificate::serialNumberHex() const {
  return integerToHex(X509_get0_serialNumber(cert_.get()));
}

TimePoint Certificate::notBefore() const {
  return toTimePoint(X509_get0_notBefore(cert_.get()));
}
TimePoint Certificate::notAfter() const {
  return toTimePoint(X509_get0_notAfter(cert_.get()));
}

std::optional<Bytes> Certificate::subjectKeyIdentifier() const {
  const ASN1_OCTET_STRING* ski = X509_get0_subject_key_id(cert_.get());
  if (ski == nullptr) {
    return std::nullopt;
  }
  return octets(ski);
}

std::optional<Bytes> Certificate::authorityKeyIdentifier() const {
  const ASN1_OCTET_STRING* aki = X509_get0_authority_key_id(cert_.get());
  if (aki == nullptr) {
    return std::nullopt;
  }
  return octets(aki);
}

std::optional<Bytes> Certificate::authorityKeyIdentifierExtension() const {
  const int index = X509_get_ext_by_NID(cert_.get(), NID_authority_key_identifier, -1);
  if (index < 0) {
    return std::nullopt;
  }
  const X509_EXTENSION* ext = X509_get_ext(cert_.get(), index);
  return octets(X509_EXTENSION_get_data(const_cast<X509_EXTENSION*>(ext)));
}

std::optional<unsigned> Certificate::keyUsage() const {
  const std::uint32_t usage = X509_get_key_usage(cert_.get());
  if (usage == UINT32_MAX) {
    return std::nullopt;
  }
  return static_cast<unsigned>(usage);
}

bool Certificate::isCa() const {
  return X509_check_ca(cert_.get()) != 0;
}

bool Certificate::isSelfSigned() const {
  return X509_self_signed(cert_.get(), 0) == 1;
}

std::vector<std::string> Certificate::subjectAltNames() const {
  std::vector<std::string> out;
  GeneralNamesPtr names(static_cast<GENERAL_NAMES*>(
      X509_get_ext_d2i(cert_.get(), NID_subject_alt_name, nullptr, nullptr)));
  if (!names) {
    return out;
  }
  for (int i = 0; i < sk_GENERAL_NAME_num(names.get()); ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(names.get(), i);
    if (name->type == GEN_DNS) {
      out.push_back("DNS:" + toString(ByteView(ASN1_STRING_get0_data(name->d.dNSName),
                                               ASN1_STRING_length(name->d.dNSName))));
    } else if (name->type == GEN_IPADD) {
      const ASN1_OCTET_STRING* ip = name->d.iPAddress;
      const auto* d = ASN1_STRING_get0_data(ip);
      const int len = ASN1_STRING_length(ip);
      std::string formatted;
      if (len == 4) {
        formatted = std::to_string(d[0]) + "." + std::to_string(d[1]) + "." + std::to_string(d[2]) +
                    "." + std::to_string(d[3]);
      } else {
        // Uncompressed RFC 4291 groups; enough for display.
        static constexpr char kHex[] = "0123456789abcdef";
        for (int k = 0; k + 1 < len; k += 2) {
          if (k > 0) {
            formatted += ':';
          }
          const unsigned v = static_cast<unsigned>(d[k] << 8 | d[k + 1]);
          bool started = false;
          for (int shift = 12; shift >= 0; shift -= 4) {
            const unsigned digit = (v >> shift) & 0xf;
            if (digit != 0 || started || shift == 0) {
              formatted += kHex[digit];
              started = true;
            }
          }
        }
      }
      out.push_back("IP:" + formatted);
    } else if (name->type == GEN_OTHERNAME) {
      out.push_back("othername:" + std::to_string(OBJ_obj2nid(name->d.otherName->type_id)));
    }
  }
  return out;
}

std::string Certificate::publicKeyDescription() const {
  EVP_PKEY* key = X509_get0_pubkey(cert_.get());
  if (key == nullptr) {
    return "unknown";
  }
  if (EVP_PKEY_is_a(key, "EC")) {
    char group[64] = {};
    std::size_t length = 0;
    EVP_PKEY_get_utf8_string_param(key, "group", group, sizeof group, &length);
    const std::string name(group);
    if (name == "prime256v1") {
      return "EC P-256";
    }
    if (name == "secp384r1") {
      return "EC P-384";
    }
    return "EC " + name;
  }
  if (EVP_PKEY_is_a(key, "RSA")) {
    return "RSA " + std::to_string(EVP_PKEY_get_bits(key));
  }
  return EVP_PKEY_get0_type_name(key) != nullptr ? EVP_PKEY_get0_type_name(key) : "unknown";
}

Bytes Certificate::sha256Fingerprint() const {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  X509_digest(cert_.get(), EVP_sha256(), digest, &length);
  return Bytes(digest, digest + length);
}

bool Certificate::operator==(const Certificate& other) const {
  return X509_cmp(cert_.get(), other.cert_.get()) == 0;
}

}  // namespace sztp::crypto
