// Real peer: queries built by buildDnsQuery sent to dnsmasq over UDP, its
// answers parsed by parseDnsResponse (X6, X7, X8, X9).
#include <gtest/gtest.h>

#include "discovery/dns_messages.h"
#include "discovery/tests/dnsmasq_process.h"

namespace sztp::discovery {
namespace {

Bytes udpExchange(std::uint16_t port, const Bytes& query) {
  int s = ::socket(AF_INET, SOCK_DGRAM, 0);
  timeval tv{2, 0};
  ::setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::sendto(s, query.data(), query.size(), 0, reinterpret_cast<sockaddr*>(&a), sizeof a);
  Bytes buf(65535);
  const ssize_t n = ::recv(s, buf.data(), buf.size(), 0);
  ::close(s);
  buf.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
  return buf;
}

class DnsmasqTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto binary = testutil::findDnsmasq();
    if (!binary) {
      GTEST_SKIP() << "dnsmasq not installed";
    }
    server_ = std::make_unique<testutil::DnsmasqProcess>(
        *binary, std::vector<std::string>{
                     "--txt-record=SN-0042._sztp.example.com,txtvers=1,ci=conveyed,oc=owner,"
                     "ov=voucher,other=x",
                     "--srv-host=_sztp._tcp.example.com,bs2.example.com,443,20,0",
                     "--srv-host=_sztp._tcp.example.com,bs1.example.com,8443,10,60",
                     "--host-record=bs1.example.com,192.0.2.10",
                     "--local=/example.com/",
                 });
    ASSERT_TRUE(server_->ok()) << "dnsmasq did not start";
  }
  std::unique_ptr<testutil::DnsmasqProcess> server_;
};

TEST_F(DnsmasqTest, DeviceSpecificTxt) {
  const std::string name = sztpTxtName("SN-0042", "example.com");
  auto response =
      parseDnsResponse(udpExchange(server_->port(), *buildDnsQuery(0x4242, name, kDnsTypeTxt)),
                       0x4242, name, kDnsTypeTxt);
  ASSERT_TRUE(response.ok()) << response.error().describe();
  ASSERT_EQ(response->txt.size(), 1u);
  auto data = parseSztpTxt(response->txt[0]);
  EXPECT_EQ(data.conveyedInformation, toBytes("conveyed"));
  EXPECT_EQ(data.ownerCertificate, toBytes("owner"));
  EXPECT_EQ(data.ownershipVoucher, toBytes("voucher"));
}

TEST_F(DnsmasqTest, DeviceIndependentSrv) {
  const std::string name = sztpSrvName("example.com");
  auto response = parseDnsResponse(
      udpExchange(server_->port(), *buildDnsQuery(7, name, kDnsTypeSrv)), 7, name, kDnsTypeSrv);
  ASSERT_TRUE(response.ok()) << response.error().describe();
  auto ordered = orderSrvRecords(response->srv, [](std::uint32_t) { return 0u; });
  ASSERT_EQ(ordered.size(), 2u);
  EXPECT_EQ(ordered[0], (SrvRecord{10, 60, 8443, "bs1.example.com"}));
  EXPECT_EQ(ordered[1], (SrvRecord{20, 0, 443, "bs2.example.com"}));
}

TEST_F(DnsmasqTest, UnknownNameIsEmptyNotAnError) {
  const std::string name = sztpTxtName("SN-9999", "example.com");
  auto response = parseDnsResponse(
      udpExchange(server_->port(), *buildDnsQuery(9, name, kDnsTypeTxt)), 9, name, kDnsTypeTxt);
  ASSERT_TRUE(response.ok()) << response.error().describe();
  EXPECT_TRUE(response->txt.empty());
}

}  // namespace
}  // namespace sztp::discovery
