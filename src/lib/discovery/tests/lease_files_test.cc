// Lease files of each DHCP client, as the clients write them, parsed for the
// SZTP redirect option.
#include "discovery/lease_files.h"

#include <gtest/gtest.h>

#include "dhcp/sztp_redirect_option.h"
#include "discovery/dhcp_messages.h"

namespace sztp::discovery {
namespace {

Bytes serverList() {
  return *dhcp::encodeServerList({"https://sztp.example.com:8443", "https://192.0.2.10"});
}

// dhclient's form of an undeclared option: each octet "%x", colon separated.
std::string dhclientHex(ByteView bytes) {
  std::string out;
  char buf[4];
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    std::snprintf(buf, sizeof buf, "%x", bytes[i]);
    out += (i ? ":" : "") + std::string(buf);
  }
  return out;
}

std::string plainHex(ByteView bytes) {
  std::string out;
  char buf[4];
  for (auto b : bytes) {
    std::snprintf(buf, sizeof buf, "%02x", b);
    out += buf;
  }
  return out;
}

std::vector<std::string> uris(const Lease& lease) {
  std::vector<std::string> out;
  if (!lease.redirect) {
    return out;
  }
  auto decoded = dhcp::decodeServerList(*lease.redirect);
  if (!decoded) {
    return out;
  }
  for (const auto& s : decoded->servers) {
    out.push_back(s.uri);
  }
  return out;
}

const std::vector<std::string> kUris{"https://sztp.example.com:8443", "https://192.0.2.10"};

TEST(DhclientLeases, ReadsUnknownOptionHexAndNewestLast) {
  const std::string text =
      "default-duid \"\\000\\001\\000\\001,\\242\\033\\254RT\\000\\022\\064\\126\";\n"
      "lease {\n"
      "  interface \"eth0\";\n"
      "  fixed-address 192.0.2.50;\n"
      "  option subnet-mask 255.255.255.0;\n"
      "  option dhcp-lease-time 600;\n"
      "  option domain-name \"old.example\";\n"
      "  renew 2 2026/12/01 10:00:00;\n"
      "  rebind 2 2026/12/01 10:04:00;\n"
      "  expire 2 2026/12/01 10:05:00;\n"
      "}\n"
      "lease {\n"
      "  interface \"eth1\";\n"
      "  fixed-address 198.51.100.7;\n"
      "  option dhcp-lease-time 3600;\n"
      "  option unknown-143 " +
      dhclientHex(serverList()) +
      ";\n"
      "  option domain-name \"example.com\";\n"
      "  renew 3 2026/12/02 10:30:00;\n"
      "  expire 3 2026/12/02 11:00:00;\n"
      "}\n";
  auto leases = parseDhclientLeases(text);
  ASSERT_TRUE(leases.ok()) << leases.error().describe();
  ASSERT_EQ(leases->size(), 2u);
  EXPECT_EQ((*leases)[0].interfaceName, "eth0");
  EXPECT_FALSE((*leases)[0].redirect);
  EXPECT_EQ((*leases)[0].obtained, 1796119500 - 600);  // 2026-12-01 10:05:00 UTC minus lease time
  EXPECT_EQ((*leases)[1].interfaceName, "eth1");
  EXPECT_EQ((*leases)[1].family, IpFamily::V4);
  EXPECT_EQ(uris((*leases)[1]), kUris);
  EXPECT_EQ((*leases)[1].domainName, "example.com");
  EXPECT_EQ((*leases)[1].obtained, 1796209200 - 3600);
  EXPECT_GT(*(*leases)[1].obtained, *(*leases)[0].obtained);
}

TEST(DhclientLeases, ReadsDeclaredOptionAsQuotedStringAndEpochTimes) {
  // `option sztp-redirect code 143 = string;` in dhclient.conf: written as a
  // quoted string with octal escapes for the non-printable length octets.
  const std::string text =
      "lease {\n"
      "  interface \"ens3\";\n"
      "  option sztp-redirect \"\\000\\035https://sztp.example.com:8443\";\n"
      "  renew epoch 1796119200; # Tue Dec 01 10:00:00 2026\n"
      "}\n";
  auto leases = parseDhclientLeases(text);
  ASSERT_TRUE(leases.ok()) << leases.error().describe();
  ASSERT_EQ(leases->size(), 1u);
  EXPECT_EQ(uris((*leases)[0]), std::vector<std::string>{"https://sztp.example.com:8443"});
  EXPECT_EQ((*leases)[0].obtained, 1796119200);
}

TEST(DhclientLeases, ReadsLease6WithNestedBlocks) {
  const std::string text =
      "default-duid \"\\000\\003\\000\\001RT\\000\\022\\064\\126\";\n"
      "lease6 {\n"
      "  interface \"eth0\";\n"
      "  ia-na 1a:2b:3c:4d {\n"
      "    starts 1796119200;\n"
      "    renew 1800;\n"
      "    iaaddr 2001:db8::10 {\n"
      "      starts 1796119200;\n"
      "      preferred-life 3600;\n"
      "      max-life 7200;\n"
      "    }\n"
      "  }\n"
      "  option dhcp6.client-id 0:3:0:1:52:54:0:12:34:56;\n"
      "  option dhcp6.unknown-136 " +
      dhclientHex(serverList()) +
      ";\n"
      "  option dhcp6.domain-search \"lab.example.\";\n"
      "}\n";
  auto leases = parseDhclientLeases(text);
  ASSERT_TRUE(leases.ok()) << leases.error().describe();
  ASSERT_EQ(leases->size(), 1u);
  EXPECT_EQ((*leases)[0].family, IpFamily::V6);
  EXPECT_EQ(uris((*leases)[0]), kUris);
  EXPECT_EQ((*leases)[0].obtained, 1796119200);
  EXPECT_EQ((*leases)[0].domainName, "lab.example.");
}

// A lease captured from ISC dhclient 4.4.3 -6 (the network lab,
// tests/lab/lab_dhcpv6_lease_test.cc) after a stateful exchange with
// dnsmasq: option 136 declared as `dhcp6.sztp-redirect` (string), which
// dhclient writes as colon hex (its octets are not all printable), beside a
// status-code of a word and a string, and a binary default-duid.
TEST(DhclientLeases, ReadsRealDhclient6LeaseWithDeclaredOption) {
  const std::string text =
      "default-duid \"\\000\\001\\000\\0012\\244A\\037\\026\\277PSY\\230\";\n"
      "lease6 {\n"
      "  interface \"eth0\";\n"
      "  ia-na 50:53:59:98 {\n"
      "    starts 1796310177;\n"
      "    renew 300;\n"
      "    rebind 525;\n"
      "    iaaddr fd00:99::155 {\n"
      "      starts 1796310177;\n"
      "      preferred-life 600;\n"
      "      max-life 600;\n"
      "    }\n"
      "  }\n"
      "  option dhcp6.client-id 0:1:0:1:32:a4:41:1f:16:bf:50:53:59:98;\n"
      "  option dhcp6.server-id 0:3:0:1:46:e5:53:39:22:40;\n"
      "  option dhcp6.sztp-redirect "
      "0:16:68:74:74:70:73:3a:2f:2f:31:30:2e:39:39:2e:30:2e:31:3a:38:34:34:33:0:19:68:74:74:70:73:"
      "3a:2f:2f:5b:66:64:30:30:3a:39:39:3a:3a:31:5d:3a:38:34:34:33;\n"
      "  option dhcp6.status-code success \"success\";\n"
      "}\n";
  auto leases = parseDhclientLeases(text);
  ASSERT_TRUE(leases.ok()) << leases.error().describe();
  ASSERT_EQ(leases->size(), 1u);
  const Lease& lease = (*leases)[0];
  EXPECT_EQ(lease.family, IpFamily::V6);
  EXPECT_EQ(lease.interfaceName, "eth0");
  EXPECT_EQ(uris(lease),
            (std::vector<std::string>{"https://10.99.0.1:8443", "https://[fd00:99::1]:8443"}));
  EXPECT_EQ(lease.obtained, 1796310177);
  // Not under a name the operator did not configure.
  LeaseOptionNames other;
  other.dhclientV6 = {"dhcp6.unknown-136"};
  auto unnamed = parseDhclientLeases(text, other);
  ASSERT_TRUE(unnamed.ok());
  ASSERT_EQ(unnamed->size(), 1u);
  EXPECT_FALSE((*unnamed)[0].redirect.has_value());
}

TEST(DhclientLeases, RefusesUnterminatedAndOversized) {
  EXPECT_EQ(parseDhclientLeases("lease { interface \"eth0").error(), DiscoveryErrc::LeaseMalformed);
  EXPECT_EQ(parseDhclientLeases("lease { interface \"eth0\";").error(),
            DiscoveryErrc::LeaseMalformed);
  EXPECT_EQ(parseDhclientLeases(std::string(kMaxLeaseFileBytes + 1, ' ')).error(),
            DiscoveryErrc::InputTooLarge);
}

TEST(DhclientLeases, IgnoresGarbageHexRatherThanMisreading) {
  auto leases = parseDhclientLeases("lease { option unknown-143 0:zz:1; }");
  ASSERT_TRUE(leases.ok());
  ASSERT_EQ(leases->size(), 1u);
  EXPECT_FALSE((*leases)[0].redirect);
}

TEST(DhcpcdDump, ReadsDefinedOptionAndDomain) {
  // `dhcpcd -U eth0` with `define 143 binhex sztp_redirect` in dhcpcd.conf.
  const std::string text =
      "broadcast_address='192.0.2.255'\n"
      "dhcp_lease_time='86400'\n"
      "dhcp_message_type='5'\n"
      "domain_name='example.com'\n"
      "ip_address='192.0.2.77'\n"
      "sztp_redirect='" +
      plainHex(serverList()) +
      "'\n"
      "subnet_cidr='24'\n";
  auto lease = parseDhcpcdDump(text, "eth0", IpFamily::V4);
  ASSERT_TRUE(lease.ok()) << lease.error().describe();
  EXPECT_EQ(lease->client, LeaseClient::Dhcpcd);
  EXPECT_EQ(lease->interfaceName, "eth0");
  EXPECT_EQ(uris(*lease), kUris);
  EXPECT_EQ(lease->domainName, "example.com");
}

TEST(DhcpcdLeaseFile, ReadsRawDhcpAck) {
  // dhcpcd's /var/lib/dhcpcd/eth0.lease is the DHCPACK as received.
  DhcpInformRequest req;
  req.xid = 0x11223344;
  req.hardwareAddress = {0x52, 0x54, 0, 0x12, 0x34, 0x56};
  Bytes ack = *buildDhcpInform(req);
  ack[0] = 2;
  ack.resize(240);
  ack.insert(ack.end(), {53, 1, 5});
  const Bytes opt = dhcp::encodeDhcpv4Option(serverList());
  ack.insert(ack.end(), opt.begin(), opt.end());
  ack.push_back(255);
  auto lease = parseDhcpcdLeaseFile(ack, "eth0", IpFamily::V4);
  ASSERT_TRUE(lease.ok()) << lease.error().describe();
  EXPECT_EQ(uris(*lease), kUris);
  EXPECT_EQ(parseDhcpcdLeaseFile(Bytes(100, 0), "eth0", IpFamily::V4).error(),
            DiscoveryErrc::LeaseMalformed);
}

TEST(NetworkdLease, ReadsOptionKeyAndIgnoresOthers) {
  const std::string text =
      "# This is private data. Do not parse.\n"
      "ADDRESS=192.0.2.77\n"
      "NETMASK=255.255.255.0\n"
      "ROUTER=192.0.2.1\n"
      "SERVER_ADDRESS=192.0.2.1\n"
      "LIFETIME=86400\n"
      "DOMAINNAME=example.com\n"
      "CLIENTID=ff8e3f2c4c00020000ab11c9f1b7a6c9d2a2c1\n"
      "OPTION_224=0102\n"
      "OPTION_143=" +
      plainHex(serverList()) + "\n";
  auto lease = parseNetworkdLease(text, "eth0");
  ASSERT_TRUE(lease.ok()) << lease.error().describe();
  EXPECT_EQ(lease->client, LeaseClient::Networkd);
  EXPECT_EQ(uris(*lease), kUris);
  EXPECT_EQ(lease->domainName, "example.com");

  auto without = parseNetworkdLease("ADDRESS=192.0.2.77\nOPTION_224=0102\n", "eth0");
  ASSERT_TRUE(without.ok());
  EXPECT_FALSE(without->redirect);
  EXPECT_EQ(parseNetworkdLease("OPTION_143=xyz\n", "eth0").error(), DiscoveryErrc::LeaseMalformed);
}

TEST(NmcliDeviceShow, ReadsPerDeviceAndFamily) {
  const std::string text =
      "GENERAL.DEVICE:eth0\n"
      "DHCP4.OPTION[1]:broadcast_address = 192.0.2.255\n"
      "DHCP4.OPTION[2]:dhcp_lease_time = 3600\n"
      "DHCP4.OPTION[3]:domain_name = example.com\n"
      "DHCP4.OPTION[4]:expiry = 1796212800\n"
      "DHCP4.OPTION[5]:private_143 = " +
      dhclientHex(serverList()) +
      "\n"
      "GENERAL.DEVICE:eth1\n"
      "DHCP4.OPTION[1]:ip_address = 198.51.100.3\n"
      "DHCP6.OPTION[1]:dhcp6_client_id = 0:3:0:1:52:54:0:12:34:57\n"
      "DHCP6.OPTION[2]:option_136 = " +
      dhclientHex(serverList()) + "\n";
  auto leases = parseNmcliDeviceShow(text);
  ASSERT_TRUE(leases.ok()) << leases.error().describe();
  ASSERT_EQ(leases->size(), 3u);
  EXPECT_EQ((*leases)[0].interfaceName, "eth0");
  EXPECT_EQ(uris((*leases)[0]), kUris);
  EXPECT_EQ((*leases)[0].obtained, 1796212800 - 3600);
  EXPECT_EQ((*leases)[1].interfaceName, "eth1");
  EXPECT_FALSE((*leases)[1].redirect);
  EXPECT_EQ((*leases)[2].family, IpFamily::V6);
  EXPECT_EQ(uris((*leases)[2]), kUris);
}

TEST(HexOctets, AcceptsBothFormsOnly) {
  EXPECT_EQ(parseHexOctets("0:15:ff"), (Bytes{0, 0x15, 0xff}));
  EXPECT_EQ(parseHexOctets("0015ff"), (Bytes{0, 0x15, 0xff}));
  EXPECT_FALSE(parseHexOctets("0015f"));
  EXPECT_FALSE(parseHexOctets("0::15"));
  EXPECT_FALSE(parseHexOctets("123:4"));
  EXPECT_FALSE(parseHexOctets("https://x"));
  EXPECT_FALSE(parseHexOctets(""));
}

}  // namespace
}  // namespace sztp::discovery
