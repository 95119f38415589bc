#include "crypto/certificate.h"

#include <gtest/gtest.h>

#include "crypto/crypto_error.h"
#include "crypto/issuer.h"
#include "fixtures.h"

namespace sztp::crypto {
namespace {

using test::makeChain;
using test::testNow;

TEST(Certificate, PemAndDerRoundTrip) {
  auto chain = makeChain();
  const auto& cert = chain.leaf.certificate;
  auto fromPem = Certificate::fromPem(cert.toPem());
  ASSERT_TRUE(fromPem) << fromPem.error().describe();
  EXPECT_EQ(*fromPem, cert);
  auto fromDer = Certificate::fromDer(cert.toDer());
  ASSERT_TRUE(fromDer);
  EXPECT_EQ(*fromDer, cert);
  EXPECT_EQ(fromDer->toDer(), cert.toDer());
}

TEST(Certificate, ListsEveryPemBlockInOrder) {
  auto chain = makeChain();
  const std::string pem = chain.leaf.certificate.toPem() + chain.intermediate.certificate.toPem() +
                          chain.root.certificate.toPem();
  auto list = Certificate::listFromAny(asBytes(pem));
  ASSERT_TRUE(list);
  ASSERT_EQ(list->size(), 3u);
  EXPECT_EQ((*list)[0], chain.leaf.certificate);
  EXPECT_EQ((*list)[2], chain.root.certificate);
}

TEST(Certificate, RejectsGarbageAndTrailingOctets) {
  auto garbage = Certificate::fromDer(asBytes("not a certificate"));
  ASSERT_FALSE(garbage);
  EXPECT_EQ(garbage.error().code(), CryptoErrc::MalformedCertificate);

  Bytes der = makeChain().leaf.certificate.toDer();
  der.push_back(0);
  auto trailing = Certificate::fromDer(der);
  ASSERT_FALSE(trailing);
  EXPECT_NE(trailing.error().detail().find("trailing"), std::string::npos);

  EXPECT_FALSE(
      Certificate::fromPem("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"));
  EXPECT_FALSE(Certificate::listFromPem("no pem here"));
}

TEST(Certificate, ExposesIdevidFields) {
  auto ca = pki::createRootCa("Mfg", "Mfg", KeyType::EcP256, testNow(), std::chrono::days(30));
  auto idevid = pki::issueIdevid(*ca, "SN-42", "Mfg", KeyType::EcP256, testNow());
  ASSERT_TRUE(idevid);
  const auto& cert = idevid->certificate;
  EXPECT_EQ(cert.subjectSerialNumber(), "SN-42");
  EXPECT_EQ(cert.subjectCommonName(), "IDevID SN-42");
  EXPECT_EQ(cert.authorityKeyIdentifier(), ca->certificate.subjectKeyIdentifier());
  // The full extnValue is SEQUENCE { [0] keyIdentifier }: 30 16 80 14 <20 octets>.
  auto extension = cert.authorityKeyIdentifierExtension();
  ASSERT_TRUE(extension);
  ASSERT_EQ(extension->size(), 24u);
  EXPECT_EQ((*extension)[0], 0x30);
  EXPECT_EQ((*extension)[2], 0x80);
  EXPECT_TRUE(
      std::equal(extension->begin() + 4, extension->end(), cert.authorityKeyIdentifier()->begin()));
  ASSERT_TRUE(cert.keyUsage());
  EXPECT_TRUE(*cert.keyUsage() & kDigitalSignature);
  EXPECT_TRUE(*cert.keyUsage() & kKeyAgreement);
  EXPECT_FALSE(cert.isCa());
  EXPECT_TRUE(ca->certificate.isCa());
  EXPECT_TRUE(ca->certificate.isSelfSigned());
  EXPECT_FALSE(cert.isSelfSigned());
  EXPECT_EQ(cert.publicKeyDescription(), "EC P-256");
  // 802.1AR IDevIDs carry no expiry (I3).
  EXPECT_GT(cert.notAfter(), testNow() + std::chrono::days(365 * 7000));
}

TEST(Certificate, KeyUsageAbsentIsReportedAsAbsent) {
  auto key = PrivateKey::generate(KeyType::EcP256);
  CertificateProfile profile;
  profile.subject = {{"CN", "no-ku"}};
  profile.notBefore = testNow();
  profile.notAfter = testNow() + std::chrono::days(1);
  auto cert = issueCertificate(profile, *key, nullptr, *key);
  ASSERT_TRUE(cert);
  EXPECT_FALSE(cert->keyUsage().has_value());
}

TEST(Certificate, SubjectAltNamesAreListed) {
  pki::DemoPkiOptions options;
  options.serialNumbers = {};
  auto pki = pki::createDemoPki(options, testNow());
  ASSERT_TRUE(pki);
  const auto names = pki->server.certificate.subjectAltNames();
  EXPECT_NE(std::find(names.begin(), names.end(), "DNS:localhost"), names.end());
  EXPECT_NE(std::find(names.begin(), names.end(), "IP:127.0.0.1"), names.end());
  EXPECT_NE(std::find(names.begin(), names.end(), "IP:0:0:0:0:0:0:0:1"), names.end());
}

TEST(PrivateKey, PemRoundTripAndMatching) {
  for (auto type : {KeyType::EcP256, KeyType::EcP384, KeyType::Rsa2048}) {
    auto chain = makeChain(type);
    auto key = PrivateKey::fromPem(chain.leaf.key.toPem());
    ASSERT_TRUE(key) << keyTypeName(type);
    EXPECT_TRUE(key->matches(chain.leaf.certificate));
    EXPECT_FALSE(key->matches(chain.root.certificate));
    auto mismatch = checkKeyMatches(*key, chain.root.certificate);
    ASSERT_FALSE(mismatch);
    EXPECT_EQ(mismatch.error().code(), CryptoErrc::KeyCertificateMismatch);
  }
  auto bad = PrivateKey::fromPem("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code(), CryptoErrc::MalformedKey);
  EXPECT_EQ(keyTypeFromName("rsa-2048"), KeyType::Rsa2048);
  EXPECT_FALSE(keyTypeFromName("dsa"));
}

}  // namespace
}  // namespace sztp::crypto
