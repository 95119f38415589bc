#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace sztp::http {

/// Byte ranges (RFC 9110 §14). Pure: the file server asks decideRange() what
/// to send for a representation of a known size.

/// An inclusive range of octet positions, first <= last.
struct ByteRange {
  std::uint64_t first = 0;
  std::uint64_t last = 0;

  std::uint64_t length() const { return last - first + 1; }
  bool operator==(const ByteRange&) const = default;
};

/// One range-spec as written: "a-b" (first and last), "a-" (first only) or
/// "-n" (suffix: the last n octets; `first` unset, `last` holds n).
struct RangeSpec {
  std::optional<std::uint64_t> first;
  std::optional<std::uint64_t> last;

  bool isSuffix() const { return !first.has_value(); }
  bool operator==(const RangeSpec&) const = default;
};

/// A Range header value longer than this is refused unparsed.
inline constexpr std::size_t kMaxRangeHeaderBytes = 1024;
/// More range-specs than this in one header are refused (range amplification).
inline constexpr std::size_t kMaxRangeSpecs = 32;

/// Parses `bytes=<range-spec>[, <range-spec>]...` (the unit is case-insensitive;
/// empty list elements are allowed, RFC 9110 §5.6.1). Fails with
/// HttpErrc::MalformedRange on any other unit, a spec with last < first, a
/// number that does not fit 64 bits, or when the limits above are exceeded.
Result<std::vector<RangeSpec>> parseRangeHeader(std::string_view value);

enum class RangeKind {
  Full,           ///< Send the whole representation with 200.
  Partial,        ///< Send `range` with 206 and Content-Range.
  Unsatisfiable,  ///< Send 416 with Content-Range: bytes */size.
};

struct RangeDecision {
  RangeKind kind = RangeKind::Full;
  ByteRange range;  ///< Meaningful for Partial only.
};

/// What to answer to a GET with this Range header (nullopt = none) for a
/// representation of `size` octets. Decisions (docs/file-server.md "Ranges"):
/// - no header, a malformed one or another unit: Full (RFC 9110 §14.2 lets a
///   server ignore Range);
/// - more than one range-spec: Full as well. Multipart/byteranges answers are
///   not produced: download clients ask for one range at a time, and serving
///   many small overlapping ranges is an amplification vector;
/// - one range-spec: Partial, clamped to the end (a-b with b >= size sends
///   a..size-1), or Unsatisfiable when it starts at or past the end (or is a
///   zero-length suffix, or the representation is empty).
RangeDecision decideRange(std::optional<std::string_view> header, std::uint64_t size);

/// "bytes 0-499/1234", the Content-Range of a 206.
std::string contentRangeHeader(ByteRange range, std::uint64_t size);
/// "bytes */1234", the Content-Range of a 416.
std::string unsatisfiedContentRangeHeader(std::uint64_t size);

}  // namespace sztp::http
