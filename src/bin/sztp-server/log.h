#pragma once

#include <mutex>
#include <string>
#include <string_view>

namespace sztp::server {

/// The server's log: one line per event on stderr (the journal under
/// systemd, which reads the "<N>" priority prefix when JOURNAL_STREAM is set)
/// and, when enabled, syslog(3). Every line starts with a stable event id
/// (docs/server.md lists them) so operators can grep and alert on it.
class Log {
 public:
  enum class Level { Debug = 7, Info = 6, Notice = 5, Warning = 4, Error = 3 };

  Log() = default;
  Log(const Log&) = delete;
  Log& operator=(const Log&) = delete;
  ~Log();

  void configure(std::string_view level, bool syslog, std::string_view facility,
                 std::string_view ident);

  void write(Level level, std::string_view eventId, std::string_view message);
  void debug(std::string_view id, std::string_view message) { write(Level::Debug, id, message); }
  void info(std::string_view id, std::string_view message) { write(Level::Info, id, message); }
  void notice(std::string_view id, std::string_view message) { write(Level::Notice, id, message); }
  void warning(std::string_view id, std::string_view message) {
    write(Level::Warning, id, message);
  }
  void error(std::string_view id, std::string_view message) { write(Level::Error, id, message); }
  bool enabled(Level level) const { return static_cast<int>(level) <= static_cast<int>(level_); }

 private:
  std::mutex mutex_;
  Level level_ = Level::Info;
  bool journal_ = false;
  bool syslog_ = false;
  std::string ident_ = "sztp-server";
};

}  // namespace sztp::server
