// Fuzz target for the DHCP client lease parsers (sztp_discovery): the input
// is read as a dhclient lease file, a dhcpcd dump, a networkd lease, nmcli
// output and a dhcpcd binary lease (v4 and v6). Beyond not crashing: a
// redirect found in a lease is a byte string the dhcp decoder must accept or
// refuse without crashing, and hex written back by parseHexOctets round-trips.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "dhcp/sztp_redirect_option.h"
#include "discovery/lease_files.h"

namespace {

namespace d = sztp::discovery;

void check(bool condition) {
  if (!condition) {
    std::abort();
  }
}

void useLease(const d::Lease& lease) {
  if (lease.redirect) {
    (void)sztp::dhcp::decodeServerList(*lease.redirect);
  }
}

}  // namespace

// NOLINTNEXTLINE(readability-identifier-naming): the libFuzzer entry point.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto leases = d::parseDhclientLeases(text)) {
    for (const auto& lease : *leases) {
      useLease(lease);
    }
  }
  if (auto lease = d::parseDhcpcdDump(text, "eth0", d::IpFamily::V4)) {
    useLease(*lease);
  }
  if (auto lease = d::parseNetworkdLease(text, "2")) {
    useLease(*lease);
  }
  if (auto leases = d::parseNmcliDeviceShow(text)) {
    for (const auto& lease : *leases) {
      useLease(lease);
    }
  }
  const sztp::ByteView bytes(data, size);
  if (auto lease = d::parseDhcpcdLeaseFile(bytes, "eth0", d::IpFamily::V4)) {
    useLease(*lease);
  }
  if (auto lease = d::parseDhcpcdLeaseFile(bytes, "eth0", d::IpFamily::V6)) {
    useLease(*lease);
  }
  if (auto hex = d::parseHexOctets(text)) {
    std::string again;
    static constexpr char kDigits[] = "0123456789abcdef";
    for (auto b : *hex) {
      again += kDigits[b >> 4];
      again += kDigits[b & 15];
    }
    auto back = d::parseHexOctets(again);
    check(back.has_value() && *back == *hex);
  }
  return 0;
}
