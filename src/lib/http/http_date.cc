#include "http/http_date.h"

#include <array>
#include <cstdio>

#include "http/http_error.h"

namespace sztp::http {
namespace {

constexpr std::array<std::string_view, 7> kDays{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr std::array<std::string_view, 7> kLongDays{"Sunday",   "Monday", "Tuesday", "Wednesday",
                                                    "Thursday", "Friday", "Saturday"};
constexpr std::array<std::string_view, 12> kMonths{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

/// A cursor over the text; every read checks bounds.
class Scanner {
 public:
  explicit Scanner(std::string_view text) : text_(text) {}

  bool literal(std::string_view expected) {
    if (text_.substr(pos_, expected.size()) != expected) {
      return false;
    }
    pos_ += expected.size();
    return true;
  }

  /// Exactly `count` digits.
  bool number(std::size_t count, int& out) {
    if (pos_ + count > text_.size()) {
      return false;
    }
    int value = 0;
    for (std::size_t i = 0; i < count; ++i) {
      const char c = text_[pos_ + i];
      if (c < '0' || c > '9') {
        return false;
      }
      value = value * 10 + (c - '0');
    }
    pos_ += count;
    out = value;
    return true;
  }

  template <std::size_t N>
  bool oneOf(const std::array<std::string_view, N>& names, int& index) {
    for (std::size_t i = 0; i < N; ++i) {
      if (literal(names[i])) {
        index = static_cast<int>(i);
        return true;
      }
    }
    return false;
  }

  bool time(int& hour, int& minute, int& second) {
    return number(2, hour) && literal(":") && number(2, minute) && literal(":") &&
           number(2, second);
  }

  bool atEnd() const { return pos_ == text_.size(); }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

struct Fields {
  int year = 0;
  int month = 0;  // 0-based
  int day = 0;
  int hour = 0;
  int minute = 0;
  int second = 0;
};

bool parseImfFixdate(std::string_view text, Fields& f) {
  Scanner s(text);
  int weekday = 0;
  return s.oneOf(kDays, weekday) && s.literal(", ") && s.number(2, f.day) && s.literal(" ") &&
         s.oneOf(kMonths, f.month) && s.literal(" ") && s.number(4, f.year) && s.literal(" ") &&
         s.time(f.hour, f.minute, f.second) && s.literal(" GMT") && s.atEnd();
}

bool parseRfc850(std::string_view text, Fields& f) {
  Scanner s(text);
  int weekday = 0;
  int year = 0;
  if (!(s.oneOf(kLongDays, weekday) && s.literal(", ") && s.number(2, f.day) && s.literal("-") &&
        s.oneOf(kMonths, f.month) && s.literal("-") && s.number(2, year) && s.literal(" ") &&
        s.time(f.hour, f.minute, f.second) && s.literal(" GMT") && s.atEnd())) {
    return false;
  }
  // RFC 9110 §5.6.7 asks for "the most recent year in the past that had the same
  // last two digits" relative to now; without a clock, a fixed 1970 pivot.
  f.year = year >= 70 ? 1900 + year : 2000 + year;
  return true;
}

bool parseAsctime(std::string_view text, Fields& f) {
  Scanner s(text);
  int weekday = 0;
  if (!(s.oneOf(kDays, weekday) && s.literal(" ") && s.oneOf(kMonths, f.month) && s.literal(" "))) {
    return false;
  }
  // day = 2DIGIT / ( SP DIGIT )
  if (s.literal(" ")) {
    if (!s.number(1, f.day)) {
      return false;
    }
  } else if (!s.number(2, f.day)) {
    return false;
  }
  return s.literal(" ") && s.time(f.hour, f.minute, f.second) && s.literal(" ") &&
         s.number(4, f.year) && s.atEnd();
}

}  // namespace

std::string formatHttpDate(TimePoint time) {
  using namespace std::chrono;
  const auto day = floor<days>(time);
  const year_month_day date(day);
  const weekday wd(day);
  const hh_mm_ss clock(time - day);
  char buffer[40];
  std::snprintf(
      buffer, sizeof buffer, "%s, %02u %s %04d %02d:%02d:%02d GMT", kDays[wd.c_encoding()].data(),
      static_cast<unsigned>(date.day()), kMonths[static_cast<unsigned>(date.month()) - 1].data(),
      static_cast<int>(date.year()), static_cast<int>(clock.hours().count()),
      static_cast<int>(clock.minutes().count()), static_cast<int>(clock.seconds().count()));
  return buffer;
}

Result<TimePoint> parseHttpDate(std::string_view text) {
  if (text.size() > 64) {
    return Error(HttpErrc::MalformedDate, "longer than 64 octets");
  }
  Fields f;
  if (!parseImfFixdate(text, f) && !parseRfc850(text, f) && !parseAsctime(text, f)) {
    return Error(HttpErrc::MalformedDate, "'" + std::string(text) + "'");
  }
  using namespace std::chrono;
  const year_month_day date{year(f.year), month(static_cast<unsigned>(f.month + 1)),
                            day(static_cast<unsigned>(f.day))};
  // Second 60 is a leap second; it is folded into the next minute like RFC 3339 dates.
  if (!date.ok() || f.hour > 23 || f.minute > 59 || f.second > 60) {
    return Error(HttpErrc::MalformedDate, "'" + std::string(text) + "' does not exist");
  }
  return time_point_cast<seconds>(sys_days(date) + hours(f.hour) + minutes(f.minute) +
                                  seconds(f.second));
}

}  // namespace sztp::http
