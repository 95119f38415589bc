// Interoperability with the openssl CLI, both directions (issue 2, tests):
// what we sign `openssl cms -verify` accepts, and what `openssl cms -sign
// -econtent_type` and `openssl crl2pkcs7` produce, we accept.
#include <gtest/gtest.h>

#include "crypto/cms.h"
#include "crypto/crypto_error.h"
#include "fixtures.h"
#include "testutil/command.h"
#include "testutil/temp_dir.h"

namespace sztp::crypto {
namespace {

using testutil::readFile;
using testutil::runCommand;
using testutil::TempDir;

class OpensslCli : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!testutil::haveProgram("openssl")) {
      GTEST_SKIP() << "the openssl CLI is not installed";
    }
    dir.write("root.pem", chain.root.certificate.toPem());
    dir.write("intermediate.pem", chain.intermediate.certificate.toPem());
    dir.write("leaf.pem", chain.leaf.certificate.toPem());
    dir.write("leaf.key", chain.leaf.key.toPem());
    dir.write("content.json", asBytes(content));
  }
  std::string path(const char* name) const { return (dir / name).string(); }
  // The CLI judges validity at the real time; our test PKI is anchored at a
  // fixed instant, so tell it when to judge.
  std::string attime() const { return std::to_string(test::testNow().time_since_epoch().count()); }

  TempDir dir;
  test::Chain chain = test::makeChain();
  std::string content = R"({"ietf-sztp-conveyed-info:redirect-information":{}})";
};

TEST_F(OpensslCli, OpensslVerifiesWhatWeSign) {
  SignOptions options;
  options.extraCertificates = {chain.intermediate.certificate};
  auto der = signContent(asBytes(content), ContentType::ConveyedInfoJson, chain.leaf.certificate,
                         chain.leaf.key, options);
  ASSERT_TRUE(der);
  dir.write("signed.cms", *der);
  auto r = runCommand({"openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in",
                       path("signed.cms"), "-CAfile", path("root.pem"), "-purpose", "any",
                       "-attime", attime(), "-out", path("out.json")});
  ASSERT_EQ(r.exitCode, 0) << r.output;
  EXPECT_EQ(toString(readFile(dir / "out.json")), content);

  auto print = runCommand(
      {"openssl", "cms", "-cmsout", "-print", "-inform", "DER", "-in", path("signed.cms")});
  ASSERT_EQ(print.exitCode, 0) << print.output;
  const auto eContentType = print.output.find("eContentType:");
  ASSERT_NE(eContentType, std::string::npos) << print.output;
  const std::string line =
      print.output.substr(eContentType, print.output.find('\n', eContentType) - eContentType);
  EXPECT_NE(line.find("(1.2.840.113549.1.9.16.1.43)"), std::string::npos) << line;
  // RFC 5652 §5.1: SignedData version 3 for a non-id-data eContentType (A4).
  EXPECT_NE(print.output.find("version: 3"), std::string::npos) << print.output;
  EXPECT_NE(print.output.find("signedAttrs:"), std::string::npos);
}

TEST_F(OpensslCli, WeVerifyWhatOpensslSigns) {
  auto r = runCommand({"openssl", "cms", "-sign", "-binary", "-nodetach", "-econtent_type",
                       "1.2.840.113549.1.9.16.1.43", "-outform", "DER", "-in", path("content.json"),
                       "-signer", path("leaf.pem"), "-inkey", path("leaf.key"), "-certfile",
                       path("intermediate.pem"), "-out", path("cli.cms")});
  ASSERT_EQ(r.exitCode, 0) << r.output;
  const Bytes der = readFile(dir / "cli.cms");
  auto byOwner = verifySignedBy(der, chain.leaf.certificate);
  ASSERT_TRUE(byOwner) << byOwner.error().describe();
  EXPECT_EQ(toString(byOwner->content), content);
  EXPECT_EQ(byOwner->contentType, ContentType::ConveyedInfoJson);

  PathValidationOptions options;
  options.at = test::testNow();
  auto trusted = verifySignedByTrusted(der, {chain.root.certificate}, options);
  ASSERT_TRUE(trusted) << trusted.error().describe();
}

TEST_F(OpensslCli, NoattrSignaturesFromTheCliAreRefused) {
  // OpenSSL itself accepts -noattr with a non-id-data type; we must not (A4).
  auto r = runCommand({"openssl", "cms", "-sign", "-binary", "-nodetach", "-noattr",
                       "-econtent_type", "1.2.840.113549.1.9.16.1.43", "-outform", "DER", "-in",
                       path("content.json"), "-signer", path("leaf.pem"), "-inkey",
                       path("leaf.key"), "-out", path("noattr.cms")});
  ASSERT_EQ(r.exitCode, 0) << r.output;
  auto verified = verifySignedBy(readFile(dir / "noattr.cms"), chain.leaf.certificate);
  ASSERT_FALSE(verified);
  EXPECT_EQ(verified.error().code(), CryptoErrc::SignedAttributesMissing);
}

TEST_F(OpensslCli, Crl2Pkcs7BagsAreAcceptedAndOursReadBack) {
  auto r = runCommand({"openssl", "crl2pkcs7", "-nocrl", "-certfile", path("leaf.pem"), "-certfile",
                       path("intermediate.pem"), "-outform", "DER", "-out", path("bag.p7")});
  ASSERT_EQ(r.exitCode, 0) << r.output;
  auto bag = parseCertificateBag(readFile(dir / "bag.p7"));
  ASSERT_TRUE(bag) << bag.error().describe();
  ASSERT_EQ(bag->certificates.size(), 2u);

  auto ours = makeCertificateBag({chain.leaf.certificate, chain.intermediate.certificate});
  ASSERT_TRUE(ours);
  dir.write("ours.p7", *ours);
  auto print = runCommand(
      {"openssl", "pkcs7", "-inform", "DER", "-in", path("ours.p7"), "-print_certs", "-noout"});
  ASSERT_EQ(print.exitCode, 0) << print.output;
  EXPECT_NE(print.output.find("Test Leaf"), std::string::npos) << print.output;
  EXPECT_NE(print.output.find("Test Intermediate"), std::string::npos);
}

TEST_F(OpensslCli, EnvelopesInteroperateBothWays) {
  auto mfg =
      pki::createRootCa("Mfg", "Mfg", KeyType::EcP256, test::testNow(), std::chrono::days(30));
  auto device = pki::issueIdevid(*mfg, "SN-7", "Mfg", KeyType::EcP256, test::testNow());
  dir.write("device.pem", device->certificate.toPem());
  dir.write("device.key", device->key.toPem());

  auto ours = encryptTo(asBytes(content), ContentType::ConveyedInfoJson, device->certificate);
  ASSERT_TRUE(ours);
  dir.write("ours.env", *ours);
  auto r = runCommand({"openssl", "cms", "-decrypt", "-binary", "-inform", "DER", "-in",
                       path("ours.env"), "-recip", path("device.pem"), "-inkey", path("device.key"),
                       "-out", path("plain.json")});
  ASSERT_EQ(r.exitCode, 0) << r.output;
  EXPECT_EQ(toString(readFile(dir / "plain.json")), content);

  r = runCommand({"openssl", "cms", "-encrypt", "-binary", "-aes256", "-outform", "DER", "-in",
                  path("content.json"), "-out", path("cli.env"), path("device.pem")});
  ASSERT_EQ(r.exitCode, 0) << r.output;
  auto opened = decrypt(readFile(dir / "cli.env"), device->certificate, device->key);
  ASSERT_TRUE(opened) << opened.error().describe();
  EXPECT_EQ(toString(opened->content), content);
}

}  // namespace
}  // namespace sztp::crypto
