#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/bytes.h"
#include "common/clock.h"
#include "common/result.h"

struct X509_crl_st;

namespace sztp::crypto {

/// An immutable X.509 CRL. Copies share the parsed object.
class Crl {
 public:
  static Result<Crl> fromDer(ByteView der);
  static Result<Crl> fromPem(std::string_view pem);
  /// PEM (one or more CRLs) or a single DER CRL.
  static Result<std::vector<Crl>> listFromAny(ByteView data);

  Bytes toDer() const;
  std::string toPem() const;
  std::string issuer() const;
  TimePoint thisUpdate() const;
  std::optional<TimePoint> nextUpdate() const;
  std::vector<std::string> revokedSerialsHex() const;

  X509_crl_st* native() const { return crl_.get(); }
  explicit Crl(std::shared_ptr<X509_crl_st> crl) : crl_(std::move(crl)) {}

 private:
  std::shared_ptr<X509_crl_st> crl_;
};

}  // namespace sztp::crypto
