#include "log.h"

#include <syslog.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <map>

namespace sztp::server {

Log::~Log() {
  if (syslog_) {
    closelog();
  }
}

void Log::configure(std::string_view level, bool syslog, std::string_view facility,
                    std::string_view ident) {
  static const std::map<std::string_view, Level> kLevels{{"debug", Level::Debug},
                                                         {"info", Level::Info},
                                                         {"notice", Level::Notice},
                                                         {"warning", Level::Warning},
                                                         {"error", Level::Error}};
  static const std::map<std::string_view, int> kFacilities{
      {"daemon", LOG_DAEMON}, {"local0", LOG_LOCAL0}, {"local1", LOG_LOCAL1},
      {"local2", LOG_LOCAL2}, {"local3", LOG_LOCAL3}, {"local4", LOG_LOCAL4},
      {"local5", LOG_LOCAL5}, {"local6", LOG_LOCAL6}, {"local7", LOG_LOCAL7},
      {"user", LOG_USER},     {"auth", LOG_AUTH}};
  std::lock_guard lock(mutex_);
  if (const auto found = kLevels.find(level); found != kLevels.end()) {
    level_ = found->second;
  }
  journal_ = std::getenv("JOURNAL_STREAM") != nullptr;
  ident_ = std::string(ident);
  if (syslog_) {
    closelog();
  }
  syslog_ = syslog;
  if (syslog_) {
    const auto found = kFacilities.find(facility);
    // openlog keeps the pointer: ident_ lives as long as the Log.
    openlog(ident_.c_str(), LOG_PID | LOG_NDELAY,
            found == kFacilities.end() ? LOG_DAEMON : found->second);
  }
}

void Log::write(Level level, std::string_view eventId, std::string_view message) {
  if (!enabled(level)) {
    return;
  }
  static constexpr const char* kNames[] = {"",        "",       "",     "error",
                                           "warning", "notice", "info", "debug"};
  const int priority = static_cast<int>(level);
  std::string line;
  std::lock_guard lock(mutex_);
  if (journal_) {
    line = "<" + std::to_string(priority) + ">";
  } else {
    const auto now = std::chrono::system_clock::now();
    const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
    const auto millis =
        std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() %
        1000;
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char stamp[96];
    std::snprintf(stamp, sizeof stamp, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ ", utc.tm_year + 1900,
                  utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                  static_cast<int>(millis));
    line = stamp;
    line += kNames[priority];
    line += " ";
  }
  line += eventId;
  line += " ";
  line += message;
  line += "\n";
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
  if (syslog_) {
    ::syslog(priority, "%.*s %.*s", static_cast<int>(eventId.size()), eventId.data(),
             static_cast<int>(message.size()), message.data());
  }
}

}  // namespace sztp::server
