// Fuzz target for decodePathSegments (sztp_http), which maps a client's
// request path onto the file server's tree. Beyond not crashing it checks the
// safety contract: no accepted segment is empty, ".", "..", or contains '/',
// '\', NUL or a control character, whatever the encoding of the input.
// A broken invariant abort()s so libFuzzer keeps the input.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "http/target_path.h"

// NOLINTNEXTLINE(readability-identifier-naming): the libFuzzer entry point.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto segments = sztp::http::decodePathSegments(text);
  if (!segments) {
    return 0;
  }
  for (const auto& segment : *segments) {
    if (segment.empty() || segment == "." || segment == "..") {
      std::abort();
    }
    for (const char c : segment) {
      const auto octet = static_cast<unsigned char>(c);
      if (c == '/' || c == '\\' || octet < 0x20 || octet == 0x7f) {
        std::abort();
      }
    }
  }
  return 0;
}
