// DHCPINFORM / Information-Request as built, and replies as parsed.
#include "discovery/dhcp_messages.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "dhcp/sztp_redirect_option.h"

namespace sztp::discovery {
namespace {

const Bytes kMac{0x52, 0x54, 0x00, 0x12, 0x34, 0x56};

Bytes serverList() {
  return *dhcp::encodeServerList({"https://sztp.example.com:8443"});
}

DhcpInformRequest informRequest() {
  DhcpInformRequest req;
  req.xid = 0xdeadbeef;
  req.clientAddress = {192, 0, 2, 77};
  req.hardwareAddress = kMac;
  return req;
}

// Options of a DHCPv4 message as code -> value (no overload handling: tests only).
std::map<int, Bytes> v4Options(const Bytes& m) {
  std::map<int, Bytes> out;
  for (std::size_t i = 240; i < m.size() && m[i] != 255;) {
    if (m[i] == 0) {
      ++i;
      continue;
    }
    out[m[i]] = Bytes(m.begin() + i + 2, m.begin() + i + 2 + m[i + 1]);
    i += 2 + m[i + 1];
  }
  return out;
}

// A DHCPACK as a server answers the INFORM: same xid, yiaddr 0 (RFC 2131 §4.3.5).
Bytes ackFor(const Bytes& inform, const Bytes& extraOptions) {
  Bytes ack(inform.begin(), inform.begin() + 240);
  ack[0] = 2;
  ack.insert(ack.end(), {53, 1, 5, 54, 4, 192, 0, 2, 1});
  ack.insert(ack.end(), extraOptions.begin(), extraOptions.end());
  ack.push_back(255);
  return ack;
}

TEST(DhcpInform, HasTheFieldsRfc2131Requires) {
  auto m = buildDhcpInform(informRequest());
  ASSERT_TRUE(m.ok());
  ASSERT_GE(m->size(), 300u);
  EXPECT_EQ((*m)[0], 1);  // BOOTREQUEST
  EXPECT_EQ((*m)[1], 1);  // Ethernet
  EXPECT_EQ((*m)[2], 6);
  EXPECT_EQ((Bytes(m->begin() + 4, m->begin() + 8)), (Bytes{0xde, 0xad, 0xbe, 0xef}));
  EXPECT_EQ((Bytes(m->begin() + 12, m->begin() + 16)), (Bytes{192, 0, 2, 77}));  // ciaddr
  EXPECT_EQ((Bytes(m->begin() + 16, m->begin() + 28)), Bytes(12, 0));  // yiaddr siaddr giaddr
  EXPECT_EQ((Bytes(m->begin() + 28, m->begin() + 34)), kMac);          // chaddr
  EXPECT_EQ((Bytes(m->begin() + 236, m->begin() + 240)), (Bytes{99, 130, 83, 99}));
  auto options = v4Options(*m);
  EXPECT_EQ(options[53], Bytes{8});  // DHCPINFORM
  const Bytes& prl = options[55];
  EXPECT_NE(std::find(prl.begin(), prl.end(), 143), prl.end());  // X12
  EXPECT_EQ(options.count(50), 0u);                              // no requested address
  EXPECT_EQ(options.count(54), 0u);                              // no server identifier
  EXPECT_EQ(options[61], (Bytes{1, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56}));

  DhcpInformRequest bad = informRequest();
  bad.hardwareAddress.assign(17, 1);
  EXPECT_EQ(buildDhcpInform(bad).error(), DiscoveryErrc::DhcpMessageMalformed);
}

TEST(DhcpInform, ParsesAckWithSplitOption) {
  const Bytes inform = *buildDhcpInform(informRequest());
  // A list over 255 octets arrives split in several instances (RFC 3396, X13).
  std::vector<std::string> many;
  for (int i = 0; i < 12; ++i) {
    many.push_back("https://bootstrap-server-" + std::to_string(i) + ".example.com:8443");
  }
  const Bytes list = *dhcp::encodeServerList(many);
  ASSERT_GT(list.size(), 255u);
  Bytes extra = dhcp::encodeDhcpv4Option(list);
  const Bytes domain{15, 11, 'e', 'x', 'a', 'm', 'p', 'l', 'e', '.', 'c', 'o', 'm'};
  extra.insert(extra.end(), domain.begin(), domain.end());
  auto reply = parseDhcpInformReply(ackFor(inform, extra), 0xdeadbeef);
  ASSERT_TRUE(reply.ok()) << reply.error().describe();
  ASSERT_TRUE(reply->redirect);
  EXPECT_EQ(*reply->redirect, list);
  EXPECT_EQ(reply->domainName, "example.com");
}

TEST(DhcpInform, RefusesOtherTransactionsAndMalformed) {
  const Bytes inform = *buildDhcpInform(informRequest());
  const Bytes ack = ackFor(inform, dhcp::encodeDhcpv4Option(serverList()));
  EXPECT_EQ(parseDhcpInformReply(ack, 0x01020304).error(), DiscoveryErrc::DhcpReplyMismatch);
  EXPECT_EQ(parseDhcpInformReply(inform, 0xdeadbeef).error(), DiscoveryErrc::DhcpReplyMismatch);
  Bytes nak = ack;
  nak[242] = 6;  // DHCPNAK
  EXPECT_EQ(parseDhcpInformReply(nak, 0xdeadbeef).error(), DiscoveryErrc::DhcpReplyMismatch);
  Bytes noCookie = ack;
  noCookie[236] = 0;
  EXPECT_EQ(parseDhcpInformReply(noCookie, 0xdeadbeef).error(),
            DiscoveryErrc::DhcpMessageMalformed);
  Bytes truncated(ack.begin(), ack.end() - 10);
  truncated.back() = 200;  // an option length past the end
  EXPECT_EQ(parseDhcpv4Message(Bytes(ack.begin(), ack.begin() + 100)).error(),
            DiscoveryErrc::DhcpMessageMalformed);
  Bytes overrun(ack.begin(), ack.begin() + 240);
  overrun.insert(overrun.end(), {143, 50, 0, 5});
  EXPECT_EQ(parseDhcpv4Message(overrun).error(), DiscoveryErrc::DhcpMessageMalformed);
}

TEST(DhcpInform, AckWithoutOptionHasNoRedirect) {
  const Bytes inform = *buildDhcpInform(informRequest());
  auto reply = parseDhcpInformReply(ackFor(inform, {}), 0xdeadbeef);
  ASSERT_TRUE(reply.ok());
  EXPECT_FALSE(reply->redirect);
}

TEST(Duid, LlAndLlt) {
  EXPECT_EQ(makeDuidLl(kMac), (Bytes{0, 3, 0, 1, 0x52, 0x54, 0, 0x12, 0x34, 0x56}));
  EXPECT_EQ(makeDuidLlt(kMac, 0x01020304),
            (Bytes{0, 1, 0, 1, 1, 2, 3, 4, 0x52, 0x54, 0, 0x12, 0x34, 0x56}));
}

Dhcpv6InformationRequest v6Request() {
  Dhcpv6InformationRequest req;
  req.transactionId = 0xabcdef;
  req.clientDuid = makeDuidLl(kMac);
  req.elapsedHundredths = 150;
  return req;
}

// Options of a DHCPv6 message as code -> value.
std::multimap<int, Bytes> v6Options(const Bytes& m) {
  std::multimap<int, Bytes> out;
  for (std::size_t i = 4; i + 4 <= m.size();) {
    const int code = (m[i] << 8) | m[i + 1];
    const std::size_t len = (m[i + 2] << 8) | m[i + 3];
    out.emplace(code, Bytes(m.begin() + i + 4, m.begin() + i + 4 + len));
    i += 4 + len;
  }
  return out;
}

TEST(InformationRequest, HasTheOptionsRfc8415Requires) {
  auto m = buildDhcpv6InformationRequest(v6Request());
  ASSERT_TRUE(m.ok());
  EXPECT_EQ((*m)[0], 11);
  EXPECT_EQ((Bytes(m->begin() + 1, m->begin() + 4)), (Bytes{0xab, 0xcd, 0xef}));
  auto options = v6Options(*m);
  EXPECT_EQ(options.find(1)->second, makeDuidLl(kMac));
  const Bytes& oro = options.find(6)->second;
  bool has136 = false;
  for (std::size_t i = 0; i + 1 < oro.size(); i += 2) {
    has136 |= ((oro[i] << 8) | oro[i + 1]) == 136;
  }
  EXPECT_TRUE(has136);  // X14
  EXPECT_EQ(options.find(8)->second, (Bytes{0, 150}));
  EXPECT_EQ(options.count(3), 0u);  // no IA_NA in an Information-Request (§18.2.6)

  Dhcpv6InformationRequest bad = v6Request();
  bad.clientDuid.clear();
  EXPECT_EQ(buildDhcpv6InformationRequest(bad).error(), DiscoveryErrc::DhcpMessageMalformed);
}

Bytes v6Reply(std::uint32_t xid, const Bytes& clientDuid, bool withServerId, const Bytes& extra) {
  Bytes m{7, static_cast<std::uint8_t>(xid >> 16), static_cast<std::uint8_t>(xid >> 8),
          static_cast<std::uint8_t>(xid)};
  auto opt = [&](int code, const Bytes& value) {
    m.insert(m.end(), {static_cast<std::uint8_t>(code >> 8), static_cast<std::uint8_t>(code),
                       static_cast<std::uint8_t>(value.size() >> 8),
                       static_cast<std::uint8_t>(value.size())});
    m.insert(m.end(), value.begin(), value.end());
  };
  if (withServerId) {
    opt(2, {0, 1, 0, 1, 0x2c, 0xa2, 0x1b, 0xac, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff});
  }
  opt(1, clientDuid);
  m.insert(m.end(), extra.begin(), extra.end());
  return m;
}

TEST(InformationRequest, ParsesMatchingReplyOnly) {
  const Bytes duid = makeDuidLl(kMac);
  const Bytes option = *dhcp::encodeDhcpv6Option(serverList());
  auto reply = parseDhcpv6Reply(v6Reply(0xabcdef, duid, true, option), 0xabcdef, duid);
  ASSERT_TRUE(reply.ok()) << reply.error().describe();
  ASSERT_TRUE(reply->redirect);
  EXPECT_EQ(*reply->redirect, serverList());

  EXPECT_EQ(parseDhcpv6Reply(v6Reply(0xabcdee, duid, true, option), 0xabcdef, duid).error(),
            DiscoveryErrc::DhcpReplyMismatch);
  EXPECT_EQ(parseDhcpv6Reply(v6Reply(0xabcdef, duid, false, option), 0xabcdef, duid).error(),
            DiscoveryErrc::DhcpReplyMismatch);
  EXPECT_EQ(parseDhcpv6Reply(v6Reply(0xabcdef, makeDuidLl(Bytes{1, 2, 3, 4, 5, 6}), true, option),
                             0xabcdef, duid)
                .error(),
            DiscoveryErrc::DhcpReplyMismatch);
  // X15: two instances of the singleton option 136 make the message unusable.
  Bytes twice = option;
  twice.insert(twice.end(), option.begin(), option.end());
  EXPECT_EQ(parseDhcpv6Reply(v6Reply(0xabcdef, duid, true, twice), 0xabcdef, duid).error(),
            DiscoveryErrc::DhcpMessageMalformed);
  Bytes overrun = v6Reply(0xabcdef, duid, true, {0, 136, 0, 50, 0});
  EXPECT_EQ(parseDhcpv6Message(overrun).error(), DiscoveryErrc::DhcpMessageMalformed);
  EXPECT_EQ(parseDhcpv6Message(Bytes{7, 0}).error(), DiscoveryErrc::DhcpMessageMalformed);
}

}  // namespace
}  // namespace sztp::discovery
