// DnsSource against a real DNS server (dnsmasq) on loopback: UDP, TCP after
// truncation (X10), TXT before SRV (X4), resolv.conf.
#include <gtest/gtest.h>

#include "agentio/sources/source_dns.h"
#include "discovery/dns_messages.h"
#include "discovery/tests/dnsmasq_process.h"
#include "testutil/temp_dir.h"

namespace sztp::agentio {
namespace {

TEST(ResolvConf, SearchDomainAndServers) {
  auto conf = parseResolvConf(
      "# generated\nnameserver 192.0.2.53\nnameserver 2001:db8::53 ; v6\n"
      "domain old.example\nsearch lab.example example.com\noptions ndots:2\n");
  EXPECT_EQ(conf.nameservers, (std::vector<std::string>{"192.0.2.53", "2001:db8::53"}));
  EXPECT_EQ(conf.search, (std::vector<std::string>{"lab.example", "example.com"}));
  EXPECT_EQ(parseResolvConf("search a.example\ndomain b.example\n").search,
            std::vector<std::string>{"b.example"});
}

class DnsSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto binary = testutil::findDnsmasq();
    if (!binary) {
      GTEST_SKIP() << "dnsmasq not installed";
    }
    // A TXT value too long for one UDP answer without EDNS: forces TC and TCP.
    std::string longValue;
    for (int i = 0; i < 12; ++i) {
      longValue += "," + std::string(200, static_cast<char>('a' + i));
    }
    server_ = std::make_unique<testutil::DnsmasqProcess>(
        *binary,
        std::vector<std::string>{
            "--txt-record=SN-0042._sztp.example.com,ci=conveyed,oc=owner,ov=voucher",
            "--txt-record=SN-BIG._sztp.example.com,ci=" + std::string(200, 'Z') + longValue,
            "--srv-host=_sztp._tcp.example.com,bs2.example.com,443,20,0",
            "--srv-host=_sztp._tcp.example.com,bs1.example.com,8443,10,60",
            "--local=/example.com/",
            "--local=/empty.example/",
            "--edns-packet-max=512",
        });
    ASSERT_TRUE(server_->ok()) << "dnsmasq did not start";
  }

  DnsConfig config(const std::string& serial) {
    DnsConfig c;
    c.serialNumber = serial;
    c.domains = {"example.com"};
    c.nameservers = {"127.0.0.1"};
    c.port = server_->port();
    c.timeout = std::chrono::milliseconds(1500);
    c.random = [](std::uint32_t n) { return n / 2; };
    c.mdns = false;  // unicast only here; mDNS: mdns_source_test.cc
    return c;
  }
  std::unique_ptr<testutil::DnsmasqProcess> server_;
};

TEST_F(DnsSourceTest, TxtThenSrv) {
  auto yields = DnsSource(config("SN-0042")).discover();
  ASSERT_TRUE(yields.ok()) << yields.error().describe();
  ASSERT_EQ(yields->size(), 2u);
  ASSERT_TRUE((*yields)[0].data);
  EXPECT_EQ((*yields)[0].data->conveyedInformation, toBytes("conveyed"));
  EXPECT_EQ((*yields)[0].data->ownerCertificate, toBytes("owner"));
  EXPECT_EQ((*yields)[0].data->ownershipVoucher, toBytes("voucher"));
  EXPECT_EQ((*yields)[0].origin, "dns TXT SN-0042._sztp.example.com");
  EXPECT_EQ((*yields)[1].servers,
            (std::vector<agent::ServerRef>{{"bs1.example.com", 8443, std::nullopt},
                                           {"bs2.example.com", 443, std::nullopt}}));
}

TEST_F(DnsSourceTest, TruncatedAnswerIsRetriedOverTcp) {
  // Over UDP the answer is truncated (TC), so only TCP can deliver it.
  const std::string name = "SN-BIG._sztp.example.com";
  const Bytes query = *discovery::buildDnsQuery(77, name, discovery::kDnsTypeTxt);
  int s = ::socket(AF_INET, SOCK_DGRAM, 0);
  timeval tv{2, 0};
  ::setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(server_->port());
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::sendto(s, query.data(), query.size(), 0, reinterpret_cast<sockaddr*>(&a), sizeof a);
  Bytes udp(65535);
  const ssize_t n = ::recv(s, udp.data(), udp.size(), 0);
  ::close(s);
  ASSERT_GT(n, 0);
  udp.resize(static_cast<std::size_t>(n));
  auto viaUdp = discovery::parseDnsResponse(udp, 77, name, discovery::kDnsTypeTxt);
  ASSERT_TRUE(viaUdp.ok()) << viaUdp.error().describe();
  ASSERT_TRUE(viaUdp->truncated);

  auto yields = DnsSource(config("SN-BIG")).discover();
  ASSERT_TRUE(yields.ok()) << yields.error().describe();
  ASSERT_GE(yields->size(), 1u);
  ASSERT_TRUE((*yields)[0].data);
  // 200 'Z' then 12 continuation strings of 200 octets (our TXT continuation rule).
  EXPECT_EQ((*yields)[0].data->conveyedInformation.size(), 200u + 12u * 200u);
}

TEST_F(DnsSourceTest, NothingPublishedIsEmpty) {
  DnsConfig c = config("SN-0042");
  c.domains = {"empty.example"};
  auto yields = DnsSource(c).discover();
  ASSERT_TRUE(yields.ok()) << yields.error().describe();
  EXPECT_TRUE(yields->empty());
}

TEST_F(DnsSourceTest, DomainsAndServersFromResolvConf) {
  testutil::TempDir dir;
  const auto resolv = dir.write("resolv.conf", "nameserver 127.0.0.1\nsearch example.com\n");
  DnsConfig c = config("SN-0042");
  c.domains.clear();
  c.nameservers.clear();
  c.resolvConf = resolv.string();
  auto yields = DnsSource(c).discover();
  ASSERT_TRUE(yields.ok()) << yields.error().describe();
  EXPECT_EQ(yields->size(), 2u);
}

TEST(DnsSourceNoServer, FailsWithoutNameServerOrAnswer) {
  DnsConfig c;
  c.serialNumber = "SN-1";
  c.domains = {"example.com"};
  c.resolvConf = "/nonexistent/resolv.conf";
  c.mdns = false;
  EXPECT_EQ(DnsSource(c).discover().error().reason(), "discovery-source-unavailable");
  // A port nobody listens on: ICMP refused / timeout, reported as an error.
  c.nameservers = {"127.0.0.1"};
  c.port = testutil::freeLoopbackPort();
  c.timeout = std::chrono::milliseconds(200);
  c.attempts = 1;
  auto result = DnsSource(c).discover();
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().reason(), "discovery-timeout");
}

}  // namespace
}  // namespace sztp::agentio
