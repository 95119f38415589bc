// The toolkit end to end: pki init → voucher → owner certificate → conveyed
// information → verify, as the README's demo runs it.
#include <sys/stat.h>

#include "cli_fixture.h"

namespace sztp::cli::test {
namespace {

TEST_F(CliTest, PkiInitWritesEveryPartyWithPrivateKeysProtected) {
  makePki();
  for (const char* name :
       {"manufacturer/ca", "manufacturer/idevid/SN-0001", "manufacturer/idevid/SN-0002", "masa/ca",
        "masa/masa", "owner/ca", "owner/owner", "tls/ca", "tls/server"}) {
    struct stat st {};
    ASSERT_EQ(::stat(path(std::string("pki/") + name + ".crt").c_str(), &st), 0) << name;
    ASSERT_EQ(::stat(path(std::string("pki/") + name + ".key").c_str(), &st), 0) << name;
    EXPECT_EQ(st.st_mode & 0777, 0600u) << name << ".key must be private";
  }
  auto again = sztp({"pki", "init", "--dir", path("pki")});
  EXPECT_EQ(again.exitCode, 1) << "must not overwrite without --force: " << again.output;
  EXPECT_NE(again.output.find("file-exists"), std::string::npos);
}

TEST_F(CliTest, OpensslAcceptsTheDemoPki) {
  if (!testutil::haveProgram("openssl")) {
    GTEST_SKIP() << "openssl CLI not installed";
  }
  makePki();
  auto r = testutil::runCommand({"openssl", "verify", "-CAfile", path("pki/manufacturer/ca.crt"),
                                 path("pki/manufacturer/idevid/SN-0001.crt")});
  EXPECT_EQ(r.exitCode, 0) << r.output;
  r = testutil::runCommand({"openssl", "verify", "-CAfile", path("pki/tls/ca.crt"), "-purpose",
                            "sslserver", path("pki/tls/server.crt")});
  EXPECT_EQ(r.exitCode, 0) << r.output;
  r = testutil::runCommand({"openssl", "x509", "-noout", "-subject", "-nameopt", "RFC2253", "-in",
                            path("pki/manufacturer/idevid/SN-0001.crt")});
  EXPECT_NE(r.output.find("serialNumber=SN-0001"), std::string::npos) << r.output;
}

TEST_F(CliTest, BundleVerifiesAndPrintsEveryCheck) {
  makePki();
  makeBundle({"--expires-in", "30d"});
  auto r = sztp(verifyArgs());
  ASSERT_EQ(r.exitCode, 0) << r.output;
  for (const char* expected :
       {"[pass] D23  voucher-signature", "[pass] D26  voucher-serial-number",
        "[pass] D27  voucher-idevid-issuer", "[pass] D30  owner-certificate-path",
        "[pass] D32  conveyed-info-signature", "VALID signed onboarding-information",
        "\"ietf-sztp-conveyed-info:onboarding-information\"", "DemoOS"}) {
    EXPECT_NE(r.output.find(expected), std::string::npos) << expected << "\n" << r.output;
  }
  auto args = verifyArgs();
  args.push_back("--json");
  auto json = sztp(args);
  ASSERT_EQ(json.exitCode, 0) << json.output;
  auto report = parseJson(json.output);
  ASSERT_FALSE(report.is_discarded()) << json.output;
  EXPECT_EQ(report["valid"], true);
  EXPECT_EQ(report["serial-number"], "SN-0001");
  EXPECT_EQ(report["conveyed-information"]["ietf-sztp-conveyed-info:onboarding-information"]
                  ["boot-image"]["os-name"],
            "DemoOS");
}

TEST_F(CliTest, RejectionsExitOneWithTheReasonCode) {
  makePki();
  makeBundle();
  // The device SN-0002 is handed SN-0001's voucher.
  auto args = verifyArgs();
  args.back() = path("pki/manufacturer/idevid/SN-0002.crt");
  auto r = sztp(args);
  EXPECT_EQ(r.exitCode, 1) << r.output;
  EXPECT_NE(r.output.find("REJECTED voucher-serial-mismatch"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("[FAIL] D26"), std::string::npos) << r.output;

  args.push_back("--json");
  auto json = sztp(args);
  EXPECT_EQ(json.exitCode, 1);
  auto report = parseJson(json.output);
  EXPECT_EQ(report["valid"], false);
  EXPECT_EQ(report["reason"], "voucher-serial-mismatch");

  // An expired voucher, judged at a later time.
  args = verifyArgs();
  args.insert(args.end(), {"--now", "2099-01-01T00:00:00Z"});
  r = sztp(args);
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_NE(r.output.find("REJECTED"), std::string::npos) << r.output;
}

TEST_F(CliTest, TamperedConveyedInformationIsRejected) {
  makePki();
  makeBundle();
  auto bytes = testutil::readFile(dir / "ci.cms");
  const std::string needle = "DemoOS";
  auto at = std::search(bytes.begin(), bytes.end(), needle.begin(), needle.end());
  ASSERT_NE(at, bytes.end());
  *at = 'X';
  dir.write("ci.cms", bytes);
  auto r = sztp(verifyArgs());
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_NE(r.output.find("REJECTED conveyed-info-signature-invalid"), std::string::npos)
      << r.output;
}

TEST_F(CliTest, EncryptedBundleNeedsTheDeviceKey) {
  makePki();
  makeBundle({}, {"--encrypt-to", path("pki/manufacturer/idevid/SN-0001.crt")});
  auto without = sztp(verifyArgs());
  EXPECT_EQ(without.exitCode, 1);
  EXPECT_NE(without.output.find("encrypted-no-device-key"), std::string::npos) << without.output;
  auto args = verifyArgs();
  args.insert(args.end(), {"--idevid-key", path("pki/manufacturer/idevid/SN-0001.key")});
  auto with = sztp(args);
  EXPECT_EQ(with.exitCode, 0) << with.output;
  EXPECT_NE(with.output.find("was encrypted"), std::string::npos);
}

TEST_F(CliTest, NonceBearingVoucher) {
  makePki();
  const std::string nonce = "AAECAwQFBgcICQoLDA0ODw==";  // 16 octets
  makeBundle({"--nonce", nonce});
  auto args = verifyArgs();
  args.insert(args.end(), {"--nonce", nonce, "--require-nonce"});
  EXPECT_EQ(sztp(args).exitCode, 0);
  args = verifyArgs();
  args.insert(args.end(), {"--nonce", "BBECAwQFBgcICQoLDA0ODw=="});
  auto r = sztp(args);
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_NE(r.output.find("voucher-nonce-mismatch"), std::string::npos) << r.output;
}

TEST_F(CliTest, XmlAndUnsignedRedirect) {
  makePki();
  dir.write("redirect.yaml", std::string(R"(redirect-information:
  bootstrap-server:
    - address: sztp.example.net
      port: 8443
      trust-anchor: pki/tls/ca.crt
)"));
  auto r = sztp({"conveyed-info", "create", "--description", path("redirect.yaml"), "--unsigned",
                 "--format", "xml", "-o", path("redirect.cms")});
  ASSERT_EQ(r.exitCode, 0) << r.output;
  r = sztp({"verify", "--conveyed-info", path("redirect.cms"), "--voucher-trust-anchor",
            path("pki/masa/ca.crt"), "--serial", "SN-0001"});
  ASSERT_EQ(r.exitCode, 0) << r.output;
  EXPECT_NE(r.output.find("VALID unsigned redirect-information (xml)"), std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("FALSE (provisional)"), std::string::npos);

  r = sztp(
      {"conveyed-info", "create", "--description", path("redirect.yaml"), "-o", path("x.cms")});
  EXPECT_EQ(r.exitCode, 2) << "unsigned must be asked for explicitly: " << r.output;
}

TEST_F(CliTest, OwnerCertCreateIssuesAFreshCertificate) {
  makePki();
  auto r = sztp({"owner-cert", "create", "--ca-cert", path("pki/owner/ca.crt"), "--ca-key",
                 path("pki/owner/ca.key"), "--cert-out", path("fresh.crt"), "--key-out",
                 path("fresh.key"), "-o", path("fresh.cms")});
  ASSERT_EQ(r.exitCode, 0) << r.output;
  auto shown = sztp({"show", path("fresh.cms")});
  ASSERT_EQ(shown.exitCode, 0) << shown.output;
  auto json = parseJson(shown.output);
  EXPECT_EQ(json["artifact"], "certificate-bag");
  EXPECT_EQ(json["certificates"][0]["key-usage"], "digitalSignature");
}

}  // namespace
}  // namespace sztp::cli::test
