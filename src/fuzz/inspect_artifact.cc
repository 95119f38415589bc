// Fuzz target: `sztp show` on arbitrary bytes. Every CMS, certificate, CRL,
// document and DHCP parser is reachable from here, so this is also the
// target for the CMS and X.509 parsers behind the OpenSSL boundary.
#include <cstddef>
#include <cstdint>

#include "inspect/describe.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto described = sztp::inspect::describeArtifact(sztp::ByteView(data, size));
  if (described) {
    (void)sztp::inspect::toJsonText(*described);
  }
  return 0;
}
