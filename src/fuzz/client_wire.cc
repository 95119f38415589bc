// Fuzz target: what the device's client parses from untrusted places (RFC 8572
// §5.6 download URIs and redirects, the host-meta XRD of RFC 6415, a 206
// answer's Content-Range). The first octet picks the parser.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "client/wire.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) {
    return 0;
  }
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  switch (data[0] % 3) {
    case 0:
      if (auto uri = sztp::client::parseHttpUri(text)) {
        // A parsed URI always yields a usable request line and Host header.
        if (uri->target.empty() || uri->target.front() != '/' || uri->host.empty()) {
          __builtin_trap();
        }
        (void)sztp::client::hostHeader(*uri);
      }
      break;
    case 1:
      if (auto root = sztp::client::parseHostMetaRestconfRoot(text)) {
        if (!root->empty() && root->front() != '/') {
          __builtin_trap();
        }
      }
      break;
    default:
      if (auto range = sztp::client::parseContentRange(text)) {
        if (!range->unsatisfied && range->range.last < range->range.first) {
          __builtin_trap();
        }
      }
      break;
  }
  return 0;
}
