#pragma once

#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/result.h"

namespace sztp::http {

/// HTTP dates (RFC 9110 §5.6.7): Last-Modified, If-Modified-Since, If-Range, Date.

/// IMF-fixdate, e.g. "Sun, 06 Nov 1994 08:49:37 GMT".
std::string formatHttpDate(TimePoint time);

/// Accepts the three forms a recipient MUST accept: IMF-fixdate, the obsolete
/// RFC 850 form ("Sunday, 06-Nov-94 08:49:37 GMT"; two-digit years 70-99 are
/// 19xx, 00-69 20xx) and asctime ("Sun Nov  6 08:49:37 1994"). The weekday
/// name must be a real one but is not checked against the date. Fails with
/// HttpErrc::MalformedDate; input longer than 64 octets is refused unread.
Result<TimePoint> parseHttpDate(std::string_view text);

}  // namespace sztp::http
