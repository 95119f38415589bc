#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "common/result.h"
#include "crypto/certificate.h"
#include "crypto/crl.h"
#include "crypto/private_key.h"
#include "crypto/public_key.h"

namespace sztp::crypto {

/// What to put in a new certificate. Subject attributes use OpenSSL short
/// names: "C", "O", "OU", "CN", "serialNumber" (2.5.4.5, the IDevID serial, I4).
struct CertificateProfile {
  std::vector<std::pair<std::string, std::string>> subject;
  TimePoint notBefore;
  /// nullopt means "no well-defined expiration": 99991231235959Z, as
  /// 802.1AR suggests for IDevIDs (I3).
  std::optional<TimePoint> notAfter;
  bool isCa = false;
  std::optional<int> pathLength;
  /// KeyUsage bits (crypto::KeyUsage); nullopt omits the extension.
  std::optional<unsigned> keyUsage;
  /// Extended key usages by short name ("serverAuth", "clientAuth") or dotted OID.
  std::vector<std::string> extendedKeyUsage;
  std::vector<std::string> dnsNames;
  std::vector<std::string> ipAddresses;
  /// Fixed serial number for reproducible test certificates; random 16 octets otherwise.
  std::optional<Bytes> serialNumber;
  /// Write the AuthorityKeyIdentifier extension (omit only to build bad test certificates).
  bool authorityKeyId = true;
};

/// Issues a certificate for `subjectKey`'s public key, signed by `issuerKey`.
/// With `issuer` == nullptr the certificate is self-signed (issuerKey must
/// then be subjectKey). SubjectKeyIdentifier is always written; SHA-256
/// signatures.
Result<Certificate> issueCertificate(const CertificateProfile& profile,
                                     const PrivateKey& subjectKey, const Certificate* issuer,
                                     const PrivateKey& issuerKey);

/// Issues a certificate for a public key whose private key is elsewhere (a
/// device's CSR, S21), signed by `issuerKey` of `issuer`.
Result<Certificate> issueCertificate(const CertificateProfile& profile, const PublicKey& subjectKey,
                                     const Certificate& issuer, const PrivateKey& issuerKey);

struct RevokedEntry {
  Certificate certificate;
  TimePoint revokedAt;
};

/// A v2 CRL signed by `issuerKey`, with AKI and a CRL number.
Result<Crl> issueCrl(const Certificate& issuer, const PrivateKey& issuerKey,
                     const std::vector<RevokedEntry>& revoked, TimePoint thisUpdate,
                     TimePoint nextUpdate, long crlNumber = 1);

}  // namespace sztp::crypto
