#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/bytes.h"
#include "common/clock.h"
#include "common/result.h"

struct x509_st;

namespace sztp::crypto {

/// KeyUsage bits as RFC 5280 §4.2.1.3 names them (values are OpenSSL's KU_*
/// masks), combined with `|` into the `unsigned` that keyUsage() returns.
inline constexpr unsigned kDigitalSignature = 0x0080;
inline constexpr unsigned kNonRepudiation = 0x0040;
inline constexpr unsigned kKeyEncipherment = 0x0020;
inline constexpr unsigned kDataEncipherment = 0x0010;
inline constexpr unsigned kKeyAgreement = 0x0008;
inline constexpr unsigned kKeyCertSign = 0x0004;
inline constexpr unsigned kCrlSign = 0x0002;

/// An immutable X.509 certificate. Copies share the parsed object.
class Certificate {
 public:
  static Result<Certificate> fromDer(ByteView der);
  /// The first certificate of a PEM text.
  static Result<Certificate> fromPem(std::string_view pem);
  /// Every certificate of a PEM text, in order; fails if there is none.
  static Result<std::vector<Certificate>> listFromPem(std::string_view pem);
  /// PEM (one or more certificates) or a single DER certificate.
  static Result<std::vector<Certificate>> listFromAny(ByteView data);

  Bytes toDer() const;
  std::string toPem() const;

  std::string subject() const;  ///< RFC 2253 form, e.g. "CN=Owner,O=Example".
  std::string issuer() const;
  /// The subject's serialNumber attribute (2.5.4.5), the IDevID serial number (I4).
  std::optional<std::string> subjectSerialNumber() const;
  std::optional<std::string> subjectCommonName() const;
  std::string serialNumberHex() const;  ///< The certificate serial, lower-case hex.
  TimePoint notBefore() const;
  TimePoint notAfter() const;
  std::optional<Bytes> subjectKeyIdentifier() const;
  /// The keyIdentifier field of the AuthorityKeyIdentifier extension.
  std::optional<Bytes> authorityKeyIdentifier() const;
  /// The complete DER extnValue of the AuthorityKeyIdentifier extension
  /// (SEQUENCE { [0] keyIdentifier ... }), the rfc8366bis idevid-issuer form.
  std::optional<Bytes> authorityKeyIdentifierExtension() const;
  /// KeyUsage bits, or nullopt when the extension is absent.
  std::optional<unsigned> keyUsage() const;
  bool isCa() const;
  bool isSelfSigned() const;
  std::vector<std::string> subjectAltNames() const;  ///< "DNS:x", "IP:1.2.3.4", ...
  std::string publicKeyDescription() const;          ///< "EC P-256", "RSA 2048", ...
  Bytes sha256Fingerprint() const;

  bool operator==(const Certificate& other) const;

  /// For the crypto library's own use; never null.
  x509_st* native() const { return cert_.get(); }
  explicit Certificate(std::shared_ptr<x509_st> cert) : cert_(std::move(cert)) {}

 private:
  std::shared_ptr<x509_st> cert_;
};

}  // namespace sztp::crypto
