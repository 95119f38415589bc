// Fuzz target for the DHCP reply parsers (sztp_discovery): the input is read
// as a DHCPv4 message and as a DHCPv6 message, raw and as the reply to a
// request with the transaction id taken from the message itself. Checks:
// what parseDhcpInformReply accepts is a DHCPACK with that xid, what
// parseDhcpv6Reply accepts is a Reply carrying a server id, and a found
// redirect never exceeds the input.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "discovery/dhcp_messages.h"

namespace {

namespace d = sztp::discovery;

void check(bool condition) {
  if (!condition) {
    std::abort();
  }
}

}  // namespace

// NOLINTNEXTLINE(readability-identifier-naming): the libFuzzer entry point.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const sztp::ByteView input(data, size);
  if (auto v4 = d::parseDhcpv4Message(input)) {
    if (v4->redirect) {
      check(v4->redirect->size() <= size);
    }
    if (auto ack = d::parseDhcpInformReply(input, v4->xid)) {
      check(ack->xid == v4->xid && ack->messageType == 5 && ack->op == 2);
    }
  }
  if (auto v6 = d::parseDhcpv6Message(input)) {
    if (v6->redirect) {
      check(v6->redirect->size() <= size);
    }
    const sztp::Bytes duid = v6->clientId.value_or(sztp::Bytes{0, 3, 0, 1, 1, 2, 3, 4, 5, 6});
    if (auto reply = d::parseDhcpv6Reply(input, v6->transactionId, duid)) {
      check(reply->messageType == 7 && reply->serverId.has_value());
    }
  }
  return 0;
}
