#include "crypto/openssl_handles.h"

#include <openssl/asn1.h>

#include <cctype>
#include <chrono>
#include <ctime>

#include "common/display_text.h"
#include "crypto/crypto_error.h"
#include "crypto/openssl_errors.h"

namespace sztp::crypto {

std::string drainOpensslErrors() {
  std::string text;
  unsigned long code = 0;
  while ((code = ERR_get_error()) != 0) {
    char buffer[256];
    ERR_error_string_n(code, buffer, sizeof buffer);
    if (!text.empty()) {
      text += "; ";
    }
    text += buffer;
  }
  return text;
}

}  // namespace sztp::crypto

namespace sztp::crypto::detail {

Error opensslError(std::error_code code, std::string_view what) {
  std::string detail(what);
  const std::string queue = drainOpensslErrors();
  if (!queue.empty()) {
    detail += detail.empty() ? "" : ": ";
    detail += queue;
  }
  return Error(code, std::move(detail));
}

BioPtr memoryBio(ByteView data) {
  return BioPtr(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
}

Bytes bioContents(BIO* bio) {
  char* data = nullptr;
  const long length = BIO_get_mem_data(bio, &data);
  if (length <= 0 || data == nullptr) {
    return {};
  }
  return Bytes(data, data + length);
}

TimePoint toTimePoint(const ASN1_TIME* time) {
  std::tm tm{};
  if (time == nullptr || ASN1_TIME_to_tm(time, &tm) != 1) {
    return TimePoint{};
  }
  using namespace std::chrono;
  const year_month_day date{year(tm.tm_year + 1900), month(static_cast<unsigned>(tm.tm_mon + 1)),
                            day(static_cast<unsigned>(tm.tm_mday))};
  return sys_days(date) + hours(tm.tm_hour) + minutes(tm.tm_min) + seconds(tm.tm_sec);
}

Asn1TimePtr toAsn1Time(TimePoint time) {
  const auto seconds = time.time_since_epoch().count();
  // ASN1_TIME_adj takes time_t; values beyond 9999-12-31 are refused by OpenSSL.
  return Asn1TimePtr(ASN1_TIME_adj(nullptr, static_cast<time_t>(seconds), 0, 0));
}

std::string nameToString(const X509_NAME* name) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
  // Names come from untrusted certificates and may hold any octets (T61String,
  // controls): make them safe for logs and JSON, keeping valid UTF-8.
  return displayText(toString(bioContents(bio.get())));
}

std::string integerToHex(const ASN1_INTEGER* value) {
  BIGNUM* bn = ASN1_INTEGER_to_BN(value, nullptr);
  char* hex = bn != nullptr ? BN_bn2hex(bn) : nullptr;
  std::string out(hex != nullptr ? hex : "");
  OPENSSL_free(hex);
  BN_free(bn);
  for (auto& c : out) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

}  // namespace sztp::crypto::detail
