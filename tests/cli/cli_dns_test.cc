// `sztp dns txt|srv` through the binary: the printed zone-file line, read
// back as a zone parser would (RFC 1035 §5.1) and then as a device does
// (parseSztpTxt), gives the files' bytes exactly.
#include <cctype>
#include <random>

#include "cli_fixture.h"
#include "discovery/dns_messages.h"

namespace sztp::cli::test {
namespace {

// The quoted character-strings after "IN TXT" of a zone-file line; \DDD and
// \X escapes decoded.
std::vector<Bytes> txtStrings(const std::string& line) {
  std::vector<Bytes> strings;
  std::size_t i = line.find(" IN TXT ");
  if (i == std::string::npos) {
    ADD_FAILURE() << "no TXT in " << line;
    return strings;
  }
  for (i += 8; i < line.size(); ++i) {
    if (line[i] != '"') {
      continue;
    }
    Bytes s;
    for (++i; i < line.size() && line[i] != '"'; ++i) {
      if (line[i] == '\\' && i + 3 < line.size() &&
          std::isdigit(static_cast<unsigned char>(line[i + 1])) != 0) {
        s.push_back(static_cast<std::uint8_t>(std::stoi(line.substr(i + 1, 3))));
        i += 3;
      } else if (line[i] == '\\') {
        s.push_back(static_cast<std::uint8_t>(line[++i]));
      } else {
        s.push_back(static_cast<std::uint8_t>(line[i]));
      }
    }
    strings.push_back(std::move(s));
  }
  return strings;
}

std::string firstLine(const std::string& output) {
  return output.substr(0, output.find('\n'));
}

TEST_F(CliTest, DnsTxtPrintsARecordDevicesReadBackExactly) {
  std::mt19937 rng(8572);
  Bytes ci(5000), ov(3000);
  for (auto* value : {&ci, &ov}) {
    for (auto& octet : *value) {
      octet = static_cast<std::uint8_t>(rng());
    }
  }
  // Key-like text where the 255-octet strings would split.
  const std::string keys = "ci=oc=ov=abcdefghi=";
  for (std::size_t at = 245; at + keys.size() < ov.size(); at += 255) {
    std::copy(keys.begin(), keys.end(), ov.begin() + static_cast<std::ptrdiff_t>(at));
  }
  const Bytes oc = toBytes("oc=not a key");
  dir.write("ci.cms", toString(ci));
  dir.write("oc.cms", toString(oc));
  dir.write("ov.vcj", toString(ov));
  auto r = sztp({"dns", "txt", "--serial", "SN-0001", "--domain", "example.net.", "--conveyed-info",
                 path("ci.cms"), "--owner-cert", path("oc.cms"), "--voucher", path("ov.vcj"),
                 "--ttl", "300"});
  ASSERT_EQ(r.exitCode, 0) << r.output;
  const std::string line = firstLine(r.output);
  EXPECT_EQ(line.rfind("SN-0001._sztp.example.net. 300 IN TXT \"ci=", 0), 0u) << line;
  for (char c : line) {
    EXPECT_TRUE(c >= 0x20 && c <= 0x7e) << "unescaped octet " << int(c);
  }
  const auto strings = txtStrings(line);
  for (const auto& s : strings) {
    EXPECT_LE(s.size(), 255u);
  }
  const auto data = discovery::parseSztpTxt(strings);
  EXPECT_EQ(data.conveyedInformation, ci);
  EXPECT_EQ(data.ownerCertificate, oc);
  EXPECT_EQ(data.ownershipVoucher, ov);
  // X10: over 512 octets only TCP carries it; the operator is told.
  EXPECT_NE(r.output.find("TCP"), std::string::npos) << r.output;
}

TEST_F(CliTest, DnsTxtRefusesHalfSignedAndOversizedData) {
  dir.write("ci.cms", std::string("x"));
  EXPECT_EQ(sztp({"dns", "txt", "--serial", "S", "--domain", "d.example", "--conveyed-info",
                  path("ci.cms"), "--owner-cert", path("ci.cms")})
                .exitCode,
            2);
  EXPECT_EQ(sztp({"dns", "txt", "--serial", "S", "--domain", "d.example", "--conveyed-info",
                  path("missing.cms")})
                .exitCode,
            2);
  // X10: one record holds 65535 octets at most.
  dir.write("big.cms", std::string(70000, 'b'));
  auto big = sztp(
      {"dns", "txt", "--serial", "S", "--domain", "d.example", "--conveyed-info", path("big.cms")});
  EXPECT_EQ(big.exitCode, 1) << big.output;
  EXPECT_NE(big.output.find("65535"), std::string::npos) << big.output;
}

TEST_F(CliTest, DnsSrvPrintsTheRecordAndItsTargetAddresses) {
  auto r = sztp({"dns", "srv", "--domain", "example.net", "--uri",
                 "https://bootstrap.example.net:8443", "--priority", "10", "--weight", "5",
                 "--address", "192.0.2.10", "--address", "2001:db8::10", "--ttl", "60"});
  ASSERT_EQ(r.exitCode, 0) << r.output;
  EXPECT_EQ(r.output,
            "_sztp._tcp.example.net. 60 IN SRV 10 5 8443 bootstrap.example.net.\n"
            "bootstrap.example.net. 60 IN A 192.0.2.10\n"
            "bootstrap.example.net. 60 IN AAAA 2001:db8::10\n");
  // Without addresses: port 443 and a note that the target needs A/AAAA.
  auto plain = sztp({"dns", "srv", "--domain", "example.net", "--uri", "https://b.example.net"});
  ASSERT_EQ(plain.exitCode, 0) << plain.output;
  EXPECT_NE(plain.output.find("IN SRV 0 0 443 b.example.net.\n"), std::string::npos);
  EXPECT_NE(plain.output.find("A and/or AAAA"), std::string::npos) << plain.output;
  // An address as target, a path, a bad --address: nothing printed.
  for (const std::vector<std::string>& bad :
       {std::vector<std::string>{"--uri", "https://192.0.2.1:8443"},
        std::vector<std::string>{"--uri", "https://b.example.net/restconf"},
        std::vector<std::string>{"--uri", "https://b.example.net", "--address", "nope"}}) {
    std::vector<std::string> args{"dns", "srv", "--domain", "example.net"};
    args.insert(args.end(), bad.begin(), bad.end());
    auto refused = sztp(args);
    EXPECT_EQ(refused.exitCode, 2) << refused.output;
    EXPECT_EQ(refused.output.find(" IN "), std::string::npos) << refused.output;
  }
}

}  // namespace
}  // namespace sztp::cli::test
