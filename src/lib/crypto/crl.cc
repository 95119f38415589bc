#include "crypto/crl.h"

#include <openssl/pem.h>

#include "crypto/crypto_error.h"
#include "crypto/openssl_handles.h"

namespace sztp::crypto {

using namespace detail;

namespace {
std::shared_ptr<X509_CRL> share(X509_CRL* crl) {
  return std::shared_ptr<X509_CRL>(crl, X509_CRL_free);
}
}  // namespace

Result<Crl> Crl::fromDer(ByteView der) {
  const unsigned char* p = der.data();
  X509_CRL* crl = d2i_X509_CRL(nullptr, &p, static_cast<long>(der.size()));
  if (crl == nullptr) {
    return opensslError(CryptoErrc::MalformedCrl, "DER CRL");
  }
  if (p != der.data() + der.size()) {
    X509_CRL_free(crl);
    return Error(CryptoErrc::MalformedCrl, "trailing octets after the DER CRL");
  }
  return Crl(share(crl));
}

Result<Crl> Crl::fromPem(std::string_view pem) {
  BioPtr bio = memoryBio(asBytes(pem));
  X509_CRL* crl = PEM_read_bio_X509_CRL(bio.get(), nullptr, nullptr, nullptr);
  if (crl == nullptr) {
    return opensslError(CryptoErrc::MalformedCrl, "PEM CRL");
  }
  return Crl(share(crl));
}

Result<std::vector<Crl>> Crl::listFromAny(ByteView data) {
  const std::string_view text(reinterpret_cast<const char*>(data.data()), data.size());
  std::vector<Crl> out;
  if (text.find("-----BEGIN") == std::string_view::npos) {
    auto one = fromDer(data);
    if (!one) {
      return std::move(one).error();
    }
    out.push_back(*one);
    return out;
  }
  BioPtr bio = memoryBio(data);
  while (X509_CRL* crl = PEM_read_bio_X509_CRL(bio.get(), nullptr, nullptr, nullptr)) {
    out.emplace_back(share(crl));
  }
  const unsigned long last = ERR_peek_last_error();
  if (last != 0 && ERR_GET_REASON(last) != PEM_R_NO_START_LINE) {
    return opensslError(CryptoErrc::MalformedCrl, "PEM CRL");
  }
  ERR_clear_error();
  if (out.empty()) {
    return Error(CryptoErrc::MalformedCrl, "no PEM X509 CRL block found");
  }
  return out;
}

Bytes Crl::toDer() const {
  return detail::encodeDer(crl_.get(), i2d_X509_CRL);
}

std::string Crl::toPem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509_CRL(bio.get(), crl_.get());
  return toString(bioContents(bio.get()));
}

std::string Crl::issuer() const {
  return nameToString(X509_CRL_get_issuer(crl_.get()));
}

TimePoint Crl::thisUpdate() const {
  return toTimePoint(X509_CRL_get0_lastUpdate(crl_.get()));
}

std::optional<TimePoint> Crl::nextUpdate() const {
  const ASN1_TIME* next = X509_CRL_get0_nextUpdate(crl_.get());
  if (next == nullptr) {
    return std::nullopt;
  }
  return toTimePoint(next);
}

std::vector<std::string> Crl::revokedSerialsHex() const {
  std::vector<std::string> out;
  STACK_OF(X509_REVOKED)* revoked = X509_CRL_get_REVOKED(crl_.get());
  for (int i = 0; i < sk_X509_REVOKED_num(revoked); ++i) {
    out.push_back(integerToHex(X509_REVOKED_get0_serialNumber(sk_X509_REVOKED_value(revoked, i))));
  }
  return out;
}

}  // namespace sztp::crypto
