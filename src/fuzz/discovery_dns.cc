// Fuzz target for the DNS message parser (sztp_discovery): the input is read
// as the response to a TXT and to an SRV query (unicast DNS and mDNS), with the id and question
// taken from the input itself so that the record sections get explored.
// Checks: names stay within 255 octets, TXT strings within 255 octets each,
// and SRV ordering keeps every usable record exactly once.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "discovery/dns_messages.h"

namespace {

namespace d = sztp::discovery;

void check(bool condition) {
  if (!condition) {
    std::abort();
  }
}

// The question name of the message, undecoded, so a parse is attempted
// against the question the message claims to answer.
std::string questionName(const std::uint8_t* data, std::size_t size) {
  std::string name;
  std::size_t pos = 12;
  while (pos < size && data[pos] != 0 && data[pos] < 64 && pos + 1 + data[pos] <= size) {
    if (!name.empty()) {
      name += '.';
    }
    name.append(reinterpret_cast<const char*>(data + pos + 1), data[pos]);
    pos += 1 + data[pos];
  }
  return name;
}

}  // namespace

// NOLINTNEXTLINE(readability-identifier-naming): the libFuzzer entry point.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const sztp::ByteView input(data, size);
  const std::uint16_t id = size >= 2 ? static_cast<std::uint16_t>((data[0] << 8) | data[1]) : 0;
  const std::string name = questionName(data, size);
  if (auto txt = d::parseDnsResponse(input, id, name, d::kDnsTypeTxt)) {
    for (const auto& record : txt->txt) {
      for (const auto& s : record) {
        check(s.size() <= 255);
      }
      (void)d::parseSztpTxt(record);
    }
  }
  if (auto srv = d::parseDnsResponse(input, id, name, d::kDnsTypeSrv)) {
    std::size_t usable = 0;
    for (const auto& r : srv->srv) {
      check(r.target.size() <= 255);
      // RFC 2782: a target of "." says the service is not available here.
      usable += (r.target.empty() || r.target == ".") ? 0 : 1;
    }
    std::uint32_t state = 1;
    auto ordered = d::orderSrvRecords(srv->srv, [&](std::uint32_t n) {
      state = state * 1103515245u + 12345u;
      return n == 0 ? 0 : state % n;
    });
    check(ordered.size() == usable);
    for (std::size_t i = 1; i < ordered.size(); ++i) {
      check(ordered[i - 1].priority <= ordered[i].priority);
    }
  }
  // The mDNS variant (cache-flush bits, no question) over the same input.
  for (const std::uint16_t type : {d::kDnsTypeTxt, d::kDnsTypeSrv}) {
    if (auto mdns = d::parseMdnsResponse(input, id, name, type)) {
      check(mdns->rcode == 0);
      for (const auto& record : mdns->txt) {
        for (const auto& s : record) {
          check(s.size() <= 255);
        }
      }
      for (const auto& a : mdns->addresses) {
        check(a.address.size() == 4 || a.address.size() == 16);
      }
    }
  }
  return 0;
}
