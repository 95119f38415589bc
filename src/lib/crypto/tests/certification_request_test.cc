// PKCS#10 requests as devices send them (RFC 9646 p10-csr, S21, S22), the
// key-generation algorithm identifiers (S20) and issuing for a public key.
#include "crypto/certification_request.h"

#include <gtest/gtest.h>

#include "crypto/crypto_error.h"
#include "crypto/issuer.h"
#include "fixtures.h"

namespace sztp::crypto {
namespace {

using Subject = std::vector<std::pair<std::string, std::string>>;

PrivateKey key(KeyType type = KeyType::EcP256) {
  auto generated = PrivateKey::generate(type);
  EXPECT_TRUE(generated.ok());
  return *generated;
}

Bytes csrFor(const PrivateKey& signer, const Subject& subject = {{"serialNumber", "SN-1"}}) {
  auto der = makeCertificationRequest(subject, signer);
  EXPECT_TRUE(der.ok()) << der.error().describe();
  return der ? *der : Bytes{};
}

TEST(CertificationRequest, ParsesAndProvesPossession) {
  const auto device = key();
  const Bytes der = csrFor(device);
  auto csr = CertificationRequest::fromDer(der);
  ASSERT_TRUE(csr.ok()) << csr.error().describe();
  EXPECT_TRUE(csr->verifySignature().ok());
  EXPECT_TRUE(csr->publicKey() == publicKeyOf(device));
  EXPECT_EQ(csr->subject(), "serialNumber=SN-1");
  EXPECT_EQ(csr->signatureAlgorithm(), "ecdsa-with-SHA256");
  EXPECT_EQ(csr->publicKey().algorithmName(), "ec-p256");
  EXPECT_EQ(csr->toDer(), der);
}

TEST(CertificationRequest, AnAlteredRequestDoesNotProvePossession) {
  Bytes der = csrFor(key());
  // The last octet belongs to the signature value.
  der.back() ^= 0x01;
  auto csr = CertificationRequest::fromDer(der);
  ASSERT_TRUE(csr.ok()) << csr.error().describe();
  EXPECT_EQ(csr->verifySignature().error(), CryptoErrc::SignatureInvalid);

  // The subject changed after signing: the signed part differs.
  Bytes body = csrFor(key(), {{"serialNumber", "SN-A"}});
  const std::string text(body.begin(), body.end());
  const auto at = text.find("SN-A");
  ASSERT_NE(at, std::string::npos);
  body[at + 3] = 'B';
  csr = CertificationRequest::fromDer(body);
  ASSERT_TRUE(csr.ok());
  EXPECT_EQ(csr->subject(), "serialNumber=SN-B");
  EXPECT_EQ(csr->verifySignature().error(), CryptoErrc::SignatureInvalid);
}

TEST(CertificationRequest, RefusesWhatIsNotOneRequest) {
  const Bytes der = csrFor(key());
  Bytes trailing = der;
  trailing.push_back(0);
  for (const Bytes& input : {Bytes{}, Bytes{0x30, 0x00}, Bytes(der.begin(), der.end() - 5),
                             trailing, toBytes("-----BEGIN CERTIFICATE REQUEST-----")}) {
    auto csr = CertificationRequest::fromDer(input);
    ASSERT_FALSE(csr.ok());
    EXPECT_EQ(csr.error(), CryptoErrc::MalformedCertificationRequest) << csr.error().describe();
  }
  auto capped = CertificationRequest::fromDer(der, der.size() - 1);
  ASSERT_FALSE(capped.ok());
  EXPECT_NE(capped.error().detail().find("limit"), std::string::npos);
  // A certificate is not a request.
  auto chain = test::makeChain();
  EXPECT_FALSE(CertificationRequest::fromDer(chain.leaf.certificate.toDer()).ok());
}

TEST(CertificationRequest, RequestInfoCarriesSubjectAndKey) {
  const auto device = key();
  auto info = makeCertificationRequestInfo({{"serialNumber", "SN-1"}}, publicKeyOf(device));
  ASSERT_TRUE(info.ok()) << info.error().describe();
  ASSERT_GT(info->size(), 2U);
  EXPECT_EQ(info->front(), 0x30);
  const Bytes spki = publicKeyOf(device).toDer();
  EXPECT_NE(std::search(info->begin(), info->end(), spki.begin(), spki.end()), info->end());
  // The same structure is what a request signs: a request built by the
  // device for the same subject and key embeds it.
  const Bytes csr = csrFor(device);
  EXPECT_NE(std::search(csr.begin(), csr.end(), info->begin(), info->end()), csr.end());
}

TEST(KeyAlgorithms, IdentifiersAreThoseOfTheKeysOwnSubjectPublicKeyInfo) {
  // An SPKI is SEQUENCE { AlgorithmIdentifier, BIT STRING }: the identifier
  // follows the two header octets (short lengths for EC keys).
  for (const auto& [type, name] :
       {std::pair{KeyType::EcP256, "ec-p256"}, std::pair{KeyType::EcP384, "ec-p384"}}) {
    const Bytes spki = publicKeyOf(key(type)).toDer();
    const Bytes identifier = algorithmIdentifierFor(name);
    ASSERT_FALSE(identifier.empty());
    EXPECT_TRUE(std::equal(identifier.begin(), identifier.end(), spki.begin() + 2)) << name;
    EXPECT_TRUE(algorithmIdentifierMatches(identifier, name));
  }
  const Bytes rsaSpki = publicKeyOf(key(KeyType::Rsa2048)).toDer();
  const Bytes rsa = algorithmIdentifierFor("rsa-2048");
  EXPECT_NE(std::search(rsaSpki.begin(), rsaSpki.end(), rsa.begin(), rsa.end()), rsaSpki.end());
  EXPECT_EQ(rsa, algorithmIdentifierFor("rsa-4096"));  // RSA identifiers carry no size
}

TEST(KeyAlgorithms, MatchingIsExact) {
  EXPECT_FALSE(algorithmIdentifierMatches(algorithmIdentifierFor("ec-p384"), "ec-p256"));
  EXPECT_FALSE(algorithmIdentifierMatches(algorithmIdentifierFor("ed25519"), "ed448"));
  EXPECT_FALSE(algorithmIdentifierMatches(Bytes{}, "ec-p256"));
  EXPECT_FALSE(algorithmIdentifierMatches(Bytes{0x30, 0x00}, "rsa-2048"));
  EXPECT_FALSE(algorithmIdentifierMatches(algorithmIdentifierFor("ec-p256"), "dsa"));
  // rsaEncryption without its NULL parameters.
  const Bytes bare{0x30, 0x0b, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01};
  EXPECT_TRUE(algorithmIdentifierMatches(bare, "rsa-3072"));
  EXPECT_TRUE(isKeyGenerationAlgorithm("ed25519"));
  EXPECT_FALSE(isKeyGenerationAlgorithm("rsa-1024"));
  EXPECT_TRUE(algorithmIdentifierFor("rsa-1024").empty());
}

TEST(KeyAlgorithms, KeysAreOfTheirAlgorithm) {
  const auto p256 = publicKeyOf(key(KeyType::EcP256));
  EXPECT_TRUE(keyIsOfAlgorithm(p256, "ec-p256"));
  EXPECT_FALSE(keyIsOfAlgorithm(p256, "ec-p384"));
  EXPECT_FALSE(keyIsOfAlgorithm(p256, "rsa-2048"));
  const auto rsa = publicKeyOf(key(KeyType::Rsa2048));
  EXPECT_EQ(rsa.algorithmName(), "rsa-2048");
  EXPECT_EQ(rsa.description(), "RSA 2048");
  EXPECT_TRUE(keyIsOfAlgorithm(rsa, "rsa-2048"));
  EXPECT_FALSE(keyIsOfAlgorithm(rsa, "rsa-3072"));  // the policy's size is the least accepted
  EXPECT_FALSE(keyIsOfAlgorithm(rsa, "ec-p256"));
}

TEST(PublicKey, RoundTripsAndCompares) {
  const auto device = key();
  auto parsed = PublicKey::fromDer(publicKeyOf(device).toDer());
  ASSERT_TRUE(parsed.ok());
  EXPECT_TRUE(*parsed == publicKeyOf(device));
  EXPECT_FALSE(*parsed == publicKeyOf(key()));
  EXPECT_EQ(PublicKey::fromDer(Bytes{0x30, 0x03, 0x02, 0x01, 0x01}).error(),
            CryptoErrc::MalformedPublicKey);
}

TEST(Issuer, IssuesForAPublicKeyAlone) {
  const auto chain = test::makeChain();
  const auto device = key();
  auto csr = CertificationRequest::fromDer(csrFor(device));
  ASSERT_TRUE(csr.ok());
  CertificateProfile profile;
  profile.subject = {{"serialNumber", "SN-1"}};
  profile.notBefore = test::testNow();
  profile.notAfter = test::testNow() + std::chrono::days(30);
  profile.keyUsage = kDigitalSignature;
  profile.extendedKeyUsage = {"clientAuth"};
  auto issued = issueCertificate(profile, csr->publicKey(), chain.intermediate.certificate,
                                 chain.intermediate.key);
  ASSERT_TRUE(issued.ok()) << issued.error().describe();
  EXPECT_TRUE(device.matches(*issued));
  EXPECT_EQ(issued->subjectSerialNumber(), "SN-1");
  EXPECT_EQ(issued->issuer(), chain.intermediate.certificate.subject());
  EXPECT_EQ(issued->keyUsage(), kDigitalSignature);
}

}  // namespace
}  // namespace sztp::crypto
