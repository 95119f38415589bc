#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <string>
#include <string_view>

#include "model/encoding.h"

// Internal, for the fuzz targets in src/fuzz/model_*.cc: every document a
// parser accepts must encode, in either encoding, to text that parses back to
// an equal value and re-encodes byte-identically. A violation is a real bug,
// so it aborts, which libFuzzer and the corpus replay test both report.

namespace sztp::model {

/// `normalize` drops what cannot survive a change of encoding (identity for
/// every model except RESTCONF errors, whose anydata is kept per encoding).
template <class Parse, class Encode, class Normalize>
void checkRoundTrips(const std::uint8_t* data, std::size_t size, Parse parse, Encode encode,
                     Normalize normalize) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  // Re-parsing our own output must not trip limits that the input passed:
  // JSON nests one level deeper than XML for lists and leaf-lists.
  ParseLimits generous;
  generous.maxBytes = std::numeric_limits<std::size_t>::max();
  generous.maxDepth = 1024;
  for (const Encoding in : {Encoding::Json, Encoding::Xml}) {
    auto parsed = parse(text, in, ParseLimits{});
    if (!parsed.ok()) {
      continue;
    }
    for (const Encoding out : {Encoding::Json, Encoding::Xml}) {
      auto expected = out == in ? *parsed : normalize(*parsed);
      const std::string encoded = encode(expected, out);
      auto again = parse(encoded, out, generous);
      if (!again.ok()) {
        std::fprintf(stderr, "re-parse of %s output failed: %s\n%s\n", encodingName(out).data(),
                     again.error().detail().c_str(), encoded.c_str());
        std::abort();
      }
      if (!(*again == expected)) {
        std::fprintf(stderr, "round trip through %s changed the value:\n%s\n",
                     encodingName(out).data(), encoded.c_str());
        std::abort();
      }
      if (encode(*again, out) != encoded) {
        std::fprintf(stderr, "%s encoding is not stable:\n%s\n", encodingName(out).data(),
                     encoded.c_str());
        std::abort();
      }
    }
  }
}

template <class Parse, class Encode>
void checkRoundTrips(const std::uint8_t* data, std::size_t size, Parse parse, Encode encode) {
  checkRoundTrips(data, size, parse, encode, [](const auto& value) { return value; });
}

}  // namespace sztp::model
