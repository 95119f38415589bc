// Both directions with the openssl CLI (issue 2): what the toolkit signs,
// `openssl cms -verify` accepts; what `openssl cms -sign -econtent_type` and
// `openssl crl2pkcs7` produce, `sztp verify` accepts.
#include "cli_fixture.h"
#include "common/base64.h"
#include "crypto/certificate.h"

namespace sztp::cli::test {
namespace {

using testutil::runCommand;

class OpensslInterop : public CliTest {
 protected:
  void SetUp() override {
    if (!testutil::haveProgram("openssl")) {
      GTEST_SKIP() << "openssl CLI not installed";
    }
  }
};

TEST_F(OpensslInterop, OpensslVerifiesWhatTheToolkitSigns) {
  makePki();
  makeBundle({"--expires-in", "7d"});
  auto voucher = runCommand({"openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in",
                             path("ov.vcj"), "-CAfile", path("pki/masa/ca.crt"), "-purpose", "any",
                             "-out", path("voucher.json")});
  ASSERT_EQ(voucher.exitCode, 0) << voucher.output;
  const auto json = parseJson(testutil::readText(dir / "voucher.json"));
  EXPECT_EQ(json["ietf-voucher:voucher"]["serial-number"], "SN-0001");
  EXPECT_EQ(json["ietf-voucher:voucher"]["assertion"], "verified");

  auto ci =
      runCommand({"openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", path("ci.cms"),
                  "-CAfile", path("pki/owner/ca.crt"), "-purpose", "any", "-out", path("ci.json")});
  ASSERT_EQ(ci.exitCode, 0) << ci.output;
  EXPECT_NE(testutil::readText(dir / "ci.json").find("DemoOS"), std::string::npos);

  auto bag = runCommand(
      {"openssl", "pkcs7", "-inform", "DER", "-in", path("oc.cms"), "-print_certs", "-noout"});
  ASSERT_EQ(bag.exitCode, 0) << bag.output;
  EXPECT_NE(bag.output.find("Owner Certificate"), std::string::npos) << bag.output;
}

TEST_F(OpensslInterop, ToolkitVerifiesWhatOpensslProduces) {
  makePki();
  auto ownerCa = crypto::Certificate::fromPem(testutil::readText(dir / "pki/owner/ca.crt"));
  ASSERT_TRUE(ownerCa);
  dir.write("voucher.json", R"({"ietf-voucher:voucher":{"created-on":"2020-01-01T00:00:00Z",)"
                            R"("assertion":"verified","serial-number":"SN-0002",)"
                            R"("pinned-domain-cert":")" +
                                base64Encode(ownerCa->toDer()) + R"("}})");
  dir.write("ci.json",
            std::string(R"({"ietf-sztp-conveyed-info:onboarding-information":)"
                        R"({"configuration-handling":"replace","configuration":"PGEvPg=="}})"));
  auto r = runCommand({"openssl", "cms", "-sign", "-binary", "-nodetach", "-econtent_type",
                       "1.2.840.113549.1.9.16.1.40", "-in", path("voucher.json"), "-signer",
                       path("pki/masa/masa.crt"), "-inkey", path("pki/masa/masa.key"), "-outform",
                       "DER", "-out", path("ov.vcj")});
  ASSERT_EQ(r.exitCode, 0) << r.output;
  r = runCommand({"openssl", "cms", "-sign", "-binary", "-nodetach", "-econtent_type",
                  "1.2.840.113549.1.9.16.1.43", "-in", path("ci.json"), "-signer",
                  path("pki/owner/owner.crt"), "-inkey", path("pki/owner/owner.key"), "-outform",
                  "DER", "-out", path("ci.cms")});
  ASSERT_EQ(r.exitCode, 0) << r.output;
  r = runCommand({"openssl", "crl2pkcs7", "-nocrl", "-certfile", path("pki/owner/owner.crt"),
                  "-outform", "DER", "-out", path("oc.cms")});
  ASSERT_EQ(r.exitCode, 0) << r.output;

  auto verified = sztp({"verify", "--conveyed-info", path("ci.cms"), "--owner-cert", path("oc.cms"),
                        "--voucher", path("ov.vcj"), "--voucher-trust-anchor",
                        path("pki/masa/ca.crt"), "--serial", "SN-0002"});
  ASSERT_EQ(verified.exitCode, 0) << verified.output;
  EXPECT_NE(verified.output.find("VALID signed onboarding-information (json)"), std::string::npos)
      << verified.output;

  // The same CI signed with -noattr is refused: signed attributes are required (A4).
  r = runCommand({"openssl", "cms", "-sign", "-binary", "-nodetach", "-noattr", "-econtent_type",
                  "1.2.840.113549.1.9.16.1.43", "-in", path("ci.json"), "-signer",
                  path("pki/owner/owner.crt"), "-inkey", path("pki/owner/owner.key"), "-outform",
                  "DER", "-out", path("ci-noattr.cms")});
  ASSERT_EQ(r.exitCode, 0) << r.output;
  auto refused = sztp({"verify", "--conveyed-info", path("ci-noattr.cms"), "--owner-cert",
                       path("oc.cms"), "--voucher", path("ov.vcj"), "--voucher-trust-anchor",
                       path("pki/masa/ca.crt"), "--serial", "SN-0002"});
  EXPECT_EQ(refused.exitCode, 1);
  EXPECT_NE(refused.output.find("cms-signed-attributes-missing"), std::string::npos)
      << refused.output;
}

}  // namespace
}  // namespace sztp::cli::test
