// Exit codes, --help, show, dhcp and reason-codes through the binary.
#include <filesystem>
#include <regex>

#include "cli_fixture.h"

namespace sztp::cli::test {
namespace {

TEST_F(CliTest, HelpIsEnoughOnItsOwn) {
  auto top = sztp({"--help"});
  EXPECT_EQ(top.exitCode, 0);
  for (const char* word : {"pki", "voucher", "owner-cert", "conveyed-info", "verify", "show",
                           "dhcp", "dns", "reason-codes", "Exit status"}) {
    EXPECT_NE(top.output.find(word), std::string::npos) << word;
  }
  auto verify = sztp({"verify", "--help"});
  EXPECT_EQ(verify.exitCode, 0);
  for (const char* option :
       {"--conveyed-info", "--owner-cert", "--voucher", "--voucher-trust-anchor", "--serial",
        "--idevid", "--nonce", "--now", "--json", "Example"}) {
    EXPECT_NE(verify.output.find(option), std::string::npos) << option;
  }
  EXPECT_EQ(sztp({"--version"}).exitCode, 0);
}

TEST_F(CliTest, UsageErrorsExitTwo) {
  makePki();
  // Missing the required trust anchor.
  EXPECT_EQ(sztp({"verify", "--conveyed-info", path("x"), "--serial", "S"}).exitCode, 2);
  // Neither --serial nor --idevid.
  EXPECT_EQ(sztp({"verify", "--conveyed-info", path("x"), "--voucher-trust-anchor",
                  path("pki/masa/ca.crt")})
                .exitCode,
            2);
  // An input that does not exist.
  auto missing = sztp({"verify", "--conveyed-info", path("nope.cms"), "--voucher-trust-anchor",
                       path("pki/masa/ca.crt"), "--serial", "S"});
  EXPECT_EQ(missing.exitCode, 2);
  EXPECT_NE(missing.output.find("file-unreadable"), std::string::npos) << missing.output;
  // A trust anchor that is not a certificate.
  dir.write("junk.pem", std::string("junk"));
  EXPECT_EQ(sztp({"verify", "--conveyed-info", path("junk.pem"), "--voucher-trust-anchor",
                  path("junk.pem"), "--serial", "S"})
                .exitCode,
            2);
  EXPECT_EQ(sztp({"no-such-command"}).exitCode, 2);
  EXPECT_EQ(sztp({"voucher", "create", "--serial", "S"}).exitCode, 2);
  EXPECT_EQ(sztp({"pki", "init", "--dir", path("p2"), "--key-type", "dsa"}).exitCode, 2);
}

TEST_F(CliTest, GarbageArtifactsAreAFailureNotAUsageError) {
  makePki();
  dir.write("garbage.cms", std::string("\x30\x82\xff\xff garbage", 12));
  auto r = sztp({"verify", "--conveyed-info", path("garbage.cms"), "--voucher-trust-anchor",
                 path("pki/masa/ca.crt"), "--serial", "SN-0001"});
  EXPECT_EQ(r.exitCode, 1) << r.output;
  EXPECT_NE(r.output.find("REJECTED conveyed-info-malformed"), std::string::npos) << r.output;
}

TEST_F(CliTest, ShowDecodesEveryArtifact) {
  makePki();
  makeBundle();
  const std::pair<const char*, const char*> expected[] = {
      {"ov.vcj", "ownership-voucher"},
      {"oc.cms", "certificate-bag"},
      {"ci.cms", "signed-conveyed-information"},
      {"pki/owner/ca.crt", "certificates"},
  };
  for (const auto& [file, artifact] : expected) {
    auto r = sztp({"show", path(file)});
    ASSERT_EQ(r.exitCode, 0) << file << r.output;
    auto json = parseJson(r.output);
    ASSERT_FALSE(json.is_discarded()) << r.output;
    EXPECT_EQ(json["artifact"], artifact) << file;
  }
  auto key = sztp({"show", path("pki/owner/owner.key")});
  EXPECT_EQ(key.exitCode, 1);
  EXPECT_EQ(key.output.find("PRIVATE KEY-----\nMI"), std::string::npos) << "never print keys";
}

TEST_F(CliTest, DhcpEncodeMatchesTheRfcExampleAndDecodesBack) {
  // Checklist §2: https://10.1.1.3:8080 (21 octets) as option 143 and 136.
  auto v4 = sztp({"dhcp", "encode", "https://10.1.1.3:8080"});
  ASSERT_EQ(v4.exitCode, 0) << v4.output;
  EXPECT_EQ(v4.output,
            "8f170015" + std::string("68747470733a2f2f31302e312e312e333a38303830") + "\n");
  auto v6 = sztp({"dhcp", "encode", "--v6", "https://10.1.1.3:8080"});
  EXPECT_EQ(v6.output.substr(0, 12), "008800170015");
  auto value = sztp({"dhcp", "encode", "--format", "value-colon", "https://a.example",
                     "https://[2001:db8::1]:8443"});
  EXPECT_EQ(value.output.substr(0, 6), "00:11:");

  auto decoded = sztp({"dhcp", "decode", "--hex", v4.output});
  ASSERT_EQ(decoded.exitCode, 0) << decoded.output;
  EXPECT_EQ(decoded.output, "https://10.1.1.3:8080\n");
  auto json = sztp({"dhcp", "decode", "--json", "--hex", v6.output});
  EXPECT_EQ(parseJson(json.output)["option"], "dhcpv6-136");

  EXPECT_EQ(sztp({"dhcp", "encode", "https://host/restconf"}).exitCode, 1);
  // Plain text, the common lab mistake.
  auto text = sztp({"dhcp", "decode", "--hex", "68747470733a2f2f782e6578616d706c65"});
  EXPECT_EQ(text.exitCode, 1);
  EXPECT_NE(text.output.find("plain text"), std::string::npos) << text.output;
}

TEST_F(CliTest, ReasonCodesAreListed) {
  auto r = sztp({"reason-codes", "--json"});
  ASSERT_EQ(r.exitCode, 0);
  auto json = parseJson(r.output);
  ASSERT_TRUE(json.is_array());
  bool found = false;
  for (const auto& entry : json) {
    found = found || entry["code"] == "voucher-serial-mismatch";
  }
  EXPECT_TRUE(found);
}

}  // namespace
}  // namespace sztp::cli::test

namespace sztp::cli::test {
namespace {

// docs/cli.md must mention every option each command's --help offers.
TEST_F(CliTest, EveryOptionIsDocumented) {
  const std::string doc =
      testutil::readText(std::filesystem::path(SZTP_SOURCE_DIR) / "docs" / "cli.md");
  const std::vector<std::vector<std::string>> commands = {{"pki", "init"},
                                                          {"voucher", "create"},
                                                          {"owner-cert", "create"},
                                                          {"conveyed-info", "create"},
                                                          {"verify"},
                                                          {"show"},
                                                          {"dhcp", "encode"},
                                                          {"dhcp", "decode"},
                                                          {"dhcp", "config"},
                                                          {"dns", "txt"},
                                                          {"dns", "srv"},
                                                          {"reason-codes"}};
  const std::regex option("--[a-z][a-z0-9-]+");
  for (auto args : commands) {
    args.push_back("--help");
    auto help = sztp(args);
    ASSERT_EQ(help.exitCode, 0) << help.output;
    for (auto it = std::sregex_iterator(help.output.begin(), help.output.end(), option);
         it != std::sregex_iterator(); ++it) {
      EXPECT_NE(doc.find(it->str()), std::string::npos)
          << it->str() << " of `sztp " << args[0] << "` is not in docs/cli.md";
    }
  }
}

}  // namespace
}  // namespace sztp::cli::test
