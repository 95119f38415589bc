#include <gtest/gtest.h>

#include "crypto/cms.h"
#include "crypto/crypto_error.h"
#include "fixtures.h"

namespace sztp::crypto {
namespace {

using test::testNow;

class Enveloped : public ::testing::TestWithParam<KeyType> {};

TEST_P(Enveloped, SignThenEncryptRoundTrip) {
  const auto type = GetParam();
  auto mfg = pki::createRootCa("Mfg", "Mfg", type, testNow(), std::chrono::days(30));
  auto device = pki::issueIdevid(*mfg, "SN-1", "Mfg", type, testNow());
  auto owner = test::makeChain(type, "Owner");
  const Bytes content = toBytes("<onboarding-information/>");
  auto signedDer =
      signContent(content, ContentType::ConveyedInfoXml, owner.leaf.certificate, owner.leaf.key);
  ASSERT_TRUE(signedDer);
  auto envelope = encryptTo(*signedDer, ContentType::SignedData, device->certificate);
  ASSERT_TRUE(envelope) << envelope.error().describe();

  auto summary = parseEnvelopedData(*envelope);
  ASSERT_TRUE(summary);
  EXPECT_EQ(summary->contentType, ContentType::SignedData);
  ASSERT_EQ(summary->recipients.size(), 1u);
  EXPECT_EQ(summary->recipients[0].kind,
            type == KeyType::Rsa2048 ? "key-transport" : "key-agreement");
  EXPECT_EQ(summary->recipients[0].serialHex, device->certificate.serialNumberHex());

  auto opened = decrypt(*envelope, device->certificate, device->key);
  ASSERT_TRUE(opened) << opened.error().describe();
  EXPECT_EQ(opened->contentType, ContentType::SignedData);
  EXPECT_EQ(opened->content, *signedDer);
  auto verified = verifySignedBy(opened->content, owner.leaf.certificate);
  ASSERT_TRUE(verified);
  EXPECT_EQ(verified->content, content);
}

TEST_P(Enveloped, AnotherDeviceCannotDecrypt) {
  const auto type = GetParam();
  auto mfg = pki::createRootCa("Mfg", "Mfg", type, testNow(), std::chrono::days(30));
  auto device = pki::issueIdevid(*mfg, "SN-1", "Mfg", type, testNow());
  auto other = pki::issueIdevid(*mfg, "SN-2", "Mfg", type, testNow());
  auto envelope = encryptTo(toBytes("secret"), ContentType::ConveyedInfoJson, device->certificate);
  ASSERT_TRUE(envelope);
  auto opened = decrypt(*envelope, other->certificate, other->key);
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().code(), CryptoErrc::DecryptionFailed);
}

INSTANTIATE_TEST_SUITE_P(KeyTypes, Enveloped,
                         ::testing::Values(KeyType::EcP256, KeyType::EcP384, KeyType::Rsa2048),
                         [](const auto& param) {
                           std::string name(keyTypeName(param.param));
                           std::erase(name, '-');
                           return name;
                         });

TEST(EnvelopedErrors, WrongTypesAreRefused) {
  auto c = test::makeChain();
  auto plain = wrapContent(toBytes("{}"), ContentType::ConveyedInfoJson);
  auto r = decrypt(*plain, c.leaf.certificate, c.leaf.key);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), CryptoErrc::UnexpectedContentType);
  EXPECT_FALSE(parseEnvelopedData(*plain));
  EXPECT_FALSE(encryptTo(toBytes("x"), ContentType::EnvelopedData, c.leaf.certificate));
}

}  // namespace
}  // namespace sztp::crypto
