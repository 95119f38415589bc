#include "common/date_time.h"

#include <cstdio>

#include "common/codec_error.h"

namespace sztp {
namespace {

bool digits(std::string_view text, std::size_t pos, std::size_t count, int& out) {
  if (pos + count > text.size()) {
    return false;
  }
  int value = 0;
  for (std::size_t i = pos; i < pos + count; ++i) {
    if (text[i] < '0' || text[i] > '9') {
      return false;
    }
    value = value * 10 + (text[i] - '0');
  }
  out = value;
  return true;
}

Error invalid(std::string_view text, std::string_view why) {
  return Error(CodecErrc::InvalidValue, "'" + std::string(text.substr(0, 64)) +
                                            "' is not a date-and-time: " + std::string(why));
}

}  // namespace

Result<DateTime> parseDateTime(std::string_view text) {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (text.size() < 20 || !digits(text, 0, 4, year) || text[4] != '-' ||
      !digits(text, 5, 2, month) || text[7] != '-' || !digits(text, 8, 2, day) ||
      (text[10] != 'T' && text[10] != 't') || !digits(text, 11, 2, hour) || text[13] != ':' ||
      !digits(text, 14, 2, minute) || text[16] != ':' || !digits(text, 17, 2, second)) {
    return invalid(text, "expected YYYY-MM-DDTHH:MM:SS followed by Z or an offset");
  }
  std::size_t pos = 19;
  if (text[pos] == '.') {
    ++pos;
    const std::size_t start = pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      ++pos;
    }
    if (pos == start) {
      return invalid(text, "a '.' must be followed by fraction digits");
    }
  }
  int offsetMinutes = 0;
  if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
    ++pos;
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    int offHour = 0, offMinute = 0;
    if (!digits(text, pos + 1, 2, offHour) || pos + 3 >= text.size() || text[pos + 3] != ':' ||
        !digits(text, pos + 4, 2, offMinute) || offHour > 23 || offMinute > 59) {
      return invalid(text, "the time-zone offset must be +HH:MM or -HH:MM");
    }
    offsetMinutes = (offHour * 60 + offMinute) * (text[pos] == '-' ? -1 : 1);
    pos += 6;
  } else {
    return invalid(text, "a time-zone ('Z' or an offset) is required");
  }
  if (pos != text.size()) {
    return invalid(text, "unexpected characters after the time-zone");
  }
  using namespace std::chrono;
  const year_month_day date{std::chrono::year(year),
                            std::chrono::month(static_cast<unsigned>(month)),
                            std::chrono::day(static_cast<unsigned>(day))};
  if (!date.ok()) {
    return invalid(text, "the date does not exist");
  }
  // Second 60 is a leap second (RFC 3339 §5.7); it is folded into the next minute.
  if (hour > 23 || minute > 59 || second > 60) {
    return invalid(text, "hour, minute or second out of range");
  }
  const auto instant =
      sys_days(date) + hours(hour) + minutes(minute) + seconds(second) - minutes(offsetMinutes);
  return DateTime{time_point_cast<seconds>(instant), std::string(text)};
}

std::string formatDateTime(TimePoint time) {
  using namespace std::chrono;
  const auto day = floor<days>(time);
  const year_month_day date(day);
  const hh_mm_ss clock(time - day);
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT%02d:%02d:%02dZ",
                static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                static_cast<unsigned>(date.day()), static_cast<int>(clock.hours().count()),
                static_cast<int>(clock.minutes().count()),
                static_cast<int>(clock.seconds().count()));
  return buffer;
}

DateTime DateTime::at(TimePoint time) {
  return DateTime{time, formatDateTime(time)};
}

}  // namespace sztp
