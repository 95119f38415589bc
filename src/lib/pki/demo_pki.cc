#include "pki/demo_pki.h"

#include "crypto/issuer.h"

namespace sztp::pki {

using crypto::CertificateProfile;
using namespace std::chrono_literals;

namespace {

// Backdated so that a device whose clock is a little behind still accepts
// what the demo issues.
constexpr auto kBackdate = 1h;

Result<Identity> issue(const CertificateProfile& profile, crypto::KeyType keyType,
                       const Identity* issuer) {
  auto key = crypto::PrivateKey::generate(keyType);
  if (!key) {
    return std::move(key).error();
  }
  auto cert = issuer != nullptr
                  ? crypto::issueCertificate(profile, *key, &issuer->certificate, issuer->key)
                  : crypto::issueCertificate(profile, *key, nullptr, *key);
  if (!cert) {
    return std::move(cert).error();
  }
  return Identity{*cert, *key};
}

bool isRsa(crypto::KeyType type) {
  return type == crypto::KeyType::Rsa2048 || type == crypto::KeyType::Rsa3072 ||
         type == crypto::KeyType::Rsa4096;
}

}  // namespace

Result<Identity> createRootCa(const std::string& commonName, const std::string& organization,
                              crypto::KeyType keyType, TimePoint now, std::chrono::days validity) {
  CertificateProfile profile;
  profile.subject = {{"O", organization}, {"CN", commonName}};
  profile.notBefore = now - kBackdate;
  profile.notAfter = now + validity;
  profile.isCa = true;
  profile.keyUsage = crypto::kKeyCertSign | crypto::kCrlSign | crypto::kDigitalSignature;
  return issue(profile, keyType, nullptr);
}

Result<Identity> createIntermediateCa(const Identity& parent, const std::string& commonName,
                                      const std::string& organization, crypto::KeyType keyType,
                                      TimePoint now, std::chrono::days validity) {
  CertificateProfile profile;
  profile.subject = {{"O", organization}, {"CN", commonName}};
  profile.notBefore = now - kBackdate;
  profile.notAfter = now + validity;
  profile.isCa = true;
  profile.pathLength = 0;
  profile.keyUsage = crypto::kKeyCertSign | crypto::kCrlSign | crypto::kDigitalSignature;
  return issue(profile, keyType, &parent);
}

Result<Identity> issueIdevid(const Identity& manufacturerCa, const std::string& serialNumber,
                             const std::string& manufacturer, crypto::KeyType keyType,
                             TimePoint now) {
  CertificateProfile profile;
  profile.subject = {
      {"O", manufacturer}, {"CN", "IDevID " + serialNumber}, {"serialNumber", serialNumber}};
  profile.notBefore = now - kBackdate;
  profile.notAfter = std::nullopt;
  profile.keyUsage = crypto::kDigitalSignature |
                     (isRsa(keyType) ? crypto::kKeyEncipherment : crypto::kKeyAgreement);
  profile.extendedKeyUsage = {"clientAuth"};
  return issue(profile, keyType, &manufacturerCa);
}

Result<Identity> issueOwnerCertificate(const Identity& ownerCa, const std::string& commonName,
                                       const std::string& organization, crypto::KeyType keyType,
                                       TimePoint now, std::chrono::days validity) {
  CertificateProfile profile;
  profile.subject = {{"O", organization}, {"CN", commonName}};
  profile.notBefore = now - kBackdate;
  profile.notAfter = now + validity;
  profile.keyUsage = crypto::kDigitalSignature;
  return issue(profile, keyType, &ownerCa);
}

Result<DemoPki> createDemoPki(const DemoPkiOptions& options, TimePoint now) {
  const auto type = options.keyType;
  const auto days = options.validity;
  // CAs outlive what they issue by a year, so leaf expiry is what an operator meets first.
  const auto caDays = days + std::chrono::days(365);

  // The manufacturer CA must long outlive the demo: its IDevIDs never expire (I3).
  auto manufacturerCa = createRootCa(options.manufacturer + " Root CA", options.manufacturer, type,
                                     now, std::chrono::days(20 * 365));
  if (!manufacturerCa) {
    return std::move(manufacturerCa).error();
  }
  auto masaCa =
      createRootCa(options.manufacturer + " MASA CA", options.manufacturer, type, now, caDays);
  if (!masaCa) {
    return std::move(masaCa).error();
  }
  CertificateProfile masaProfile;
  masaProfile.subject = {{"O", options.manufacturer}, {"CN", options.manufacturer + " MASA"}};
  masaProfile.notBefore = now - kBackdate;
  masaProfile.notAfter = now + days;
  masaProfile.keyUsage = crypto::kDigitalSignature;
  auto masa = issue(masaProfile, type, &*masaCa);
  if (!masa) {
    return std::move(masa).error();
  }
  auto ownerCa = createRootCa(options.owner + " Root CA", options.owner, type, now, caDays);
  if (!ownerCa) {
    return std::move(ownerCa).error();
  }
  auto owner = issueOwnerCertificate(*ownerCa, options.owner + " Owner Certificate", options.owner,
                                     type, now, days);
  if (!owner) {
    return std::move(owner).error();
  }
  auto tlsCa = createRootCa(options.owner + " TLS CA", options.owner, type, now, caDays);
  if (!tlsCa) {
    return std::move(tlsCa).error();
  }
  CertificateProfile serverProfile;
  serverProfile.subject = {
      {"O", options.owner},
      {"CN", options.serverNames.empty() ? "bootstrap-server" : options.serverNames.front()}};
  serverProfile.notBefore = now - kBackdate;
  serverProfile.notAfter = now + days;
  serverProfile.keyUsage =
      crypto::kDigitalSignature | (isRsa(type) ? crypto::kKeyEncipherment : 0u);
  serverProfile.extendedKeyUsage = {"serverAuth"};
  serverProfile.dnsNames = options.serverNames;
  serverProfile.ipAddresses = options.serverAddresses;
  auto server = issue(serverProfile, type, &*tlsCa);
  if (!server) {
    return std::move(server).error();
  }

  DemoPki pki{*manufacturerCa, {}, *masaCa, *masa, *ownerCa, *owner, *tlsCa, *server};
  for (const auto& serial : options.serialNumbers) {
    auto idevid = issueIdevid(*manufacturerCa, serial, options.manufacturer, type, now);
    if (!idevid) {
      return std::move(idevid).error();
    }
    pki.idevids.emplace(serial, *idevid);
  }
  return pki;
}

}  // namespace sztp::pki
