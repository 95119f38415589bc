// Fuzz target for the SZTP DHCP options (sztp_dhcp): the input is read as a
// bootstrap-server-list value, as DHCPv4 options/file/sname fields, as a
// DHCPv6 options area and as a single URI. Beyond not crashing, it checks the
// round trips: what decodes re-encodes and decodes to the same servers, what a
// join or find returns survives encode-then-join/find, and every accepted URI
// is accepted again on its own. A mismatch abort()s so libFuzzer keeps it.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "dhcp/sztp_redirect_option.h"

namespace {

using sztp::Bytes;
using sztp::ByteView;
namespace dhcp = sztp::dhcp;

void check(bool condition) {
  if (!condition) {
    std::abort();
  }
}

void checkServerListRoundTrip(ByteView value) {
  auto decoded = dhcp::decodeServerList(value);
  if (!decoded) {
    return;
  }
  check(!decoded->servers.empty());
  std::vector<std::string> uris;
  for (const auto& server : decoded->servers) {
    check(!server.host.empty() && server.port != 0);
    auto alone = dhcp::parseBootstrapServerUri(server.uri);
    check(alone.ok() && *alone == server);
    uris.push_back(server.uri);
  }
  // Every accepted URI must be encodable: a server never refuses what a client accepts.
  auto encoded = dhcp::encodeServerList(uris);
  check(encoded.ok() && encoded->size() <= value.size());
  auto again = dhcp::decodeServerList(*encoded);
  check(again.ok() && again->servers == decoded->servers && again->rejected.empty());
}

void checkDhcpv4(ByteView options, ByteView file, ByteView sname) {
  auto joined = dhcp::joinDhcpv4Option(dhcp::kDhcpv4OptionCode, options, file, sname);
  if (!joined) {
    return;
  }
  checkServerListRoundTrip(*joined);
  const Bytes wire = dhcp::encodeDhcpv4Option(*joined);
  auto rejoined = dhcp::joinDhcpv4Option(dhcp::kDhcpv4OptionCode, wire);
  check(rejoined.ok() && *rejoined == *joined);
}

void checkDhcpv6(ByteView area) {
  auto found = dhcp::findDhcpv6Option(dhcp::kDhcpv6OptionCode, area);
  if (!found) {
    return;
  }
  checkServerListRoundTrip(*found);
  auto wire = dhcp::encodeDhcpv6Option(*found);
  check(wire.ok());
  auto refound = dhcp::findDhcpv6Option(dhcp::kDhcpv6OptionCode, *wire);
  check(refound.ok() && *refound == *found);
}

void checkUri(ByteView input) {
  const std::string_view text(reinterpret_cast<const char*>(input.data()), input.size());
  auto parsed = dhcp::parseBootstrapServerUri(text);
  if (!parsed) {
    return;
  }
  check(parsed->uri == text);
  auto encoded = dhcp::encodeServerList({parsed->uri});
  check(encoded.ok());
  auto decoded = dhcp::decodeServerList(*encoded);
  check(decoded.ok() && decoded->servers.size() == 1 && decoded->servers[0] == *parsed);
}

}  // namespace

// NOLINTNEXTLINE(readability-identifier-naming): the libFuzzer entry point.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const ByteView input(data, size);
  checkServerListRoundTrip(input);
  checkDhcpv4(input, {}, {});
  checkDhcpv6(input);
  checkUri(input);
  // The first two octets say how long the options and file fields are; the
  // rest of the input after them is the sname field.
  if (size >= 2) {
    const ByteView rest = input.subspan(2);
    const std::size_t optionsSize = std::min<std::size_t>(data[0], rest.size());
    const std::size_t fileSize = std::min<std::size_t>(data[1], rest.size() - optionsSize);
    checkDhcpv4(rest.first(optionsSize), rest.subspan(optionsSize, fileSize),
                rest.subspan(optionsSize + fileSize));
  }
  return 0;
}
