#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/result.h"
#include "crypto/certificate.h"
#include "crypto/private_key.h"

namespace sztp::pki {

/// A certificate with its private key.
struct Identity {
  crypto::Certificate certificate;
  crypto::PrivateKey key;
};

struct DemoPkiOptions {
  crypto::KeyType keyType = crypto::KeyType::EcP256;
  /// One IDevID is issued per serial number (subject serialNumber, I4).
  std::vector<std::string> serialNumbers = {"SZTP-DEMO-0001", "SZTP-DEMO-0002", "SZTP-DEMO-0003"};
  /// DNS names and IP addresses of the bootstrap server TLS certificate.
  std::vector<std::string> serverNames = {"localhost"};
  std::vector<std::string> serverAddresses = {"127.0.0.1", "::1"};
  std::string manufacturer = "Example Manufacturer";
  std::string owner = "Example Owner";
  std::chrono::days validity{3 * 365};
};

/// The parties of an SZTP deployment, for demos and tests (docs/pki.md):
/// - manufacturer CA → one IDevID per serial number (no expiry, I3);
/// - MASA CA (the voucher trust anchor devices ship with) → voucher signer;
/// - owner CA (the pinned-domain-cert of vouchers) → owner certificate;
/// - TLS CA (the bootstrap server trust anchor) → bootstrap server certificate.
struct DemoPki {
  Identity manufacturerCa;
  std::map<std::string, Identity> idevids;
  Identity masaCa;
  Identity masa;
  Identity ownerCa;
  Identity owner;
  Identity tlsCa;
  Identity server;
};

Result<DemoPki> createDemoPki(const DemoPkiOptions& options, TimePoint now);

/// An IDevID for `serialNumber` issued by `manufacturerCa`. Key usage
/// digitalSignature plus keyEncipherment (RSA) or keyAgreement (EC), so the
/// same key authenticates TLS and decrypts artifacts (I1, I2).
Result<Identity> issueIdevid(const Identity& manufacturerCa, const std::string& serialNumber,
                             const std::string& manufacturer, crypto::KeyType keyType,
                             TimePoint now);

/// An owner certificate (key usage digitalSignature only, A7) issued by `ownerCa`.
Result<Identity> issueOwnerCertificate(const Identity& ownerCa, const std::string& commonName,
                                       const std::string& organization, crypto::KeyType keyType,
                                       TimePoint now, std::chrono::days validity);

/// A self-signed CA with keyCertSign and cRLSign.
Result<Identity> createRootCa(const std::string& commonName, const std::string& organization,
                              crypto::KeyType keyType, TimePoint now, std::chrono::days validity);

/// An intermediate CA issued by `parent`.
Result<Identity> createIntermediateCa(const Identity& parent, const std::string& commonName,
                                      const std::string& organization, crypto::KeyType keyType,
                                      TimePoint now, std::chrono::days validity);

}  // namespace sztp::pki
