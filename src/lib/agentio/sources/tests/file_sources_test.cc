// The file-based sources against a temporary "device root".
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

#include "agentio/sources/source_dhcp_lease.h"
#include "agentio/sources/source_removable_storage.h"
#include "agentio/sources/source_url.h"
#include "agentio/sources/source_well_known.h"
#include "dhcp/sztp_redirect_option.h"
#include "pki/demo_pki.h"
#include "testutil/temp_dir.h"

namespace sztp::agentio {
namespace {

using testutil::TempDir;

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

Bytes list(const std::vector<std::string>& uris) {
  return *dhcp::encodeServerList(uris);
}

void setMtime(const std::filesystem::path& path, std::int64_t seconds) {
  std::filesystem::last_write_time(
      path,
      std::chrono::file_clock::from_sys(std::chrono::sys_seconds(std::chrono::seconds(seconds))));
}

TEST(RemovableStorageSource, FindsPerSerialDataUnderEachRoot) {
  TempDir dir;
  dir.write("usb0/SN-0042/bootstrapping-data/conveyed-information.cms", "CI");
  dir.write("usb0/SN-0042/bootstrapping-data/owner-certificate.cms", "OC");
  dir.write("usb0/SN-0042/bootstrapping-data/ownership-voucher.vcj", "OV");
  dir.write("usb1/bootstrapping-data/conveyed-information.cms", "CI-generic");
  RemovableStorageSource source(
      {{(dir / "missing").string(), (dir / "usb0").string(), (dir / "usb1").string()}, "SN-0042"});
  EXPECT_EQ(source.kind(), agent::SourceKind::RemovableStorage);
  auto yields = source.discover();
  ASSERT_TRUE(yields.ok()) << yields.error().describe();
  ASSERT_EQ(yields->size(), 2u);
  ASSERT_TRUE((*yields)[0].data);
  EXPECT_EQ((*yields)[0].data->conveyedInformation, toBytes("CI"));
  EXPECT_EQ((*yields)[0].data->ownershipVoucher, toBytes("OV"));
  EXPECT_NE((*yields)[0].origin.find("usb0/SN-0042/bootstrapping-data/"), std::string::npos);
  EXPECT_EQ((*yields)[1].data->conveyedInformation, toBytes("CI-generic"));
  EXPECT_TRUE((*yields)[1].servers.empty());
}

TEST(RemovableStorageSource, DoesNotFollowSymlinksAndReportsHalfSigned) {
  TempDir dir;
  dir.write("secret", "not for the agent");
  std::filesystem::create_directories(dir / "usb/bootstrapping-data");
  std::filesystem::create_symlink(dir / "secret",
                                  dir / "usb/bootstrapping-data/conveyed-information.cms");
  RemovableStorageSource linked({{(dir / "usb").string()}, "SN-1"});
  auto none = linked.discover();
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());

  dir.write("half/bootstrapping-data/conveyed-information.cms", "CI");
  dir.write("half/bootstrapping-data/ownership-voucher.cms", "OV");
  RemovableStorageSource half({{(dir / "half").string()}, "SN-1"});
  auto error = half.discover();
  ASSERT_FALSE(error.ok());
  EXPECT_EQ(error.error().reason(), "discovery-storage-incomplete");
}

TEST(DhcpLeaseSource, AllClientsNewestFirst) {
  TempDir root;
  const Bytes oldList = list({"https://old.example.com"});
  const Bytes newList = list({"https://sztp.example.com:8443", "https://192.0.2.10"});
  const Bytes v6List = list({"https://[2001:db8::5]:8443"});
  // dhclient: two leases on eth0, the later one newer.
  root.write("var/lib/dhcp/dhclient.eth0.leases",
             "lease {\n  interface \"eth0\";\n  option dhcp-lease-time 600;\n"
             "  option unknown-143 " +
                 dhclientHex(oldList) +
                 ";\n"
                 "  expire 2 2026/12/01 10:05:00;\n}\n"
                 "lease {\n  interface \"eth0\";\n  option dhcp-lease-time 600;\n"
                 "  option unknown-143 " +
                 dhclientHex(oldList) +
                 ";\n"
                 "  expire 2 2026/12/01 12:05:00;\n}\n");
  // networkd: no time in the file; the file's mtime decides (newest of all).
  const auto networkd = root.write("run/systemd/netif/leases/999999",
                                   "ADDRESS=192.0.2.7\nOPTION_143=" + plainHex(newList) + "\n");
  setMtime(networkd, 1796130000);
  // dhcpcd binary lease6: a Reply with 136, older than everything.
  Bytes reply{7, 0, 0, 1, 0, 2, 0, 4, 0, 1, 2, 3};
  reply.insert(reply.end(), {0, 136, 0, static_cast<std::uint8_t>(v6List.size())});
  reply.insert(reply.end(), v6List.begin(), v6List.end());
  const auto dhcpcd = root.write("var/lib/dhcpcd/eth1.lease6", ByteView(reply));
  setMtime(dhcpcd, 1700000000);
  // A broken file is skipped and reported.
  root.write("var/lib/dhcp/dhclient.eth2.leases", "lease { interface \"eth2\";");
  // A lease without the option: seen, but no yield.
  root.write("var/lib/NetworkManager/internal-5c1f-eth3.lease", "ADDRESS=10.0.0.9\n");

  DhcpLeaseConfig config;
  config.root = root.path().string();
  DhcpLeaseSource source(config);
  auto yields = source.discover();
  ASSERT_TRUE(yields.ok());
  ASSERT_EQ(yields->size(), 3u);
  EXPECT_EQ((*yields)[0].servers.size(), 2u);
  EXPECT_EQ((*yields)[0].servers[0], (agent::ServerRef{"sztp.example.com", 8443, std::nullopt}));
  EXPECT_NE((*yields)[0].origin.find("systemd-networkd lease"), std::string::npos);
  EXPECT_EQ((*yields)[1].servers[0].host, "old.example.com");  // once, though in two leases
  EXPECT_EQ((*yields)[1].origin.substr(0, 12), "dhcpv4 eth0 ");
  EXPECT_EQ((*yields)[2].origin.substr(0, 12), "dhcpv6 eth1 ");
  EXPECT_EQ((*yields)[2].servers[0], (agent::ServerRef{"2001:db8::5", 8443, std::nullopt}));
  EXPECT_EQ(source.problems().size(), 1u);
  EXPECT_EQ(source.seen().size(), 5u);

  config.interfaces = {"eth1"};
  DhcpLeaseSource only(config);
  auto filtered = only.discover();
  ASSERT_TRUE(filtered.ok());
  ASSERT_EQ(filtered->size(), 1u);
  EXPECT_EQ((*filtered)[0].origin.substr(0, 12), "dhcpv6 eth1 ");
}

TEST(DhcpLeaseSource, EmptyRootIsNothingNotAnError) {
  TempDir root;
  DhcpLeaseConfig config;
  config.root = root.path().string();
  auto yields = DhcpLeaseSource(config).discover();
  ASSERT_TRUE(yields.ok());
  EXPECT_TRUE(yields->empty());
}

TEST(UrlSource, ChecksX16) {
  UrlSource good({"https://[2001:db8::1]:8443", "https://bs.example.com"});
  auto yields = good.discover();
  ASSERT_TRUE(yields.ok());
  ASSERT_EQ(yields->size(), 2u);
  EXPECT_EQ((*yields)[0].servers[0], (agent::ServerRef{"2001:db8::1", 8443, std::nullopt}));
  EXPECT_EQ((*yields)[1].servers[0].port, 443);
  EXPECT_TRUE((*yields)[0].serverTrustAnchors.empty());
  EXPECT_FALSE(UrlSource({"https://bs.example.com/restconf"}).discover().ok());
  EXPECT_FALSE(UrlSource::validate("http://bs.example.com").ok());
}

TEST(WellKnownSource, LoadsAnchorsFailsClosed) {
  TempDir dir;
  auto ca = pki::createRootCa(
      "Well-known TLS CA", "Example", crypto::KeyType::EcP256,
      std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()),
      std::chrono::days(30));
  ASSERT_TRUE(ca.ok());
  const auto pem = dir.write("anchors.pem", ca->certificate.toPem());
  WellKnownSource source({{{"bs.example.com", 443}, {"192.0.2.1", 8443}}, {pem.string()}});
  auto yields = source.discover();
  ASSERT_TRUE(yields.ok()) << yields.error().describe();
  ASSERT_EQ(yields->size(), 1u);
  EXPECT_EQ((*yields)[0].kind, agent::SourceKind::WellKnown);
  EXPECT_EQ((*yields)[0].servers.size(), 2u);
  ASSERT_EQ((*yields)[0].serverTrustAnchors.size(), 1u);
  EXPECT_EQ((*yields)[0].serverTrustAnchors[0].subject(), ca->certificate.subject());

  EXPECT_FALSE(WellKnownSource({{{"bs.example.com", 443}}, {(dir / "missing.pem").string()}})
                   .discover()
                   .ok());
  const auto junk = dir.write("junk.pem", "not a certificate");
  EXPECT_FALSE(WellKnownSource({{{"bs.example.com", 443}}, {junk.string()}}).discover().ok());
  auto none = WellKnownSource({{}, {junk.string()}}).discover();
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

}  // namespace
}  // namespace sztp::agentio
