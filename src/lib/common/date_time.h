#pragma once

#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/result.h"

namespace sztp {

/// A yang:date-and-time value (RFC 3339 profile of RFC 6991). `text` keeps the
/// original spelling so that re-encoding a parsed document is byte-exact;
/// `time` is the instant, truncated to whole seconds.
struct DateTime {
  TimePoint time;
  std::string text;

  static DateTime at(TimePoint time);  ///< Formats as "YYYY-MM-DDTHH:MM:SSZ".
  bool operator==(const DateTime& other) const { return text == other.text; }
};

/// Strict parse of `YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM)`; 'T' and 'Z'
/// may be lower case as RFC 3339 §5.6 allows. Rejects out-of-range fields.
Result<DateTime> parseDateTime(std::string_view text);

std::string formatDateTime(TimePoint time);

}  // namespace sztp
