#pragma once

// Runs the real sztp-server binary for a test: a config, PKI and inventory in
// a temp dir, the process started with its stderr in a file, the bound ports
// read from its "SZTP-S0003 listening" lines.

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace sztp::server::testing {

class ServerProcess {
 public:
  ServerProcess() = default;
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  /// Starts `binary --config config`; true once every expected listener has
  /// logged its port (within `timeout`).
  bool start(const std::string& binary, const std::filesystem::path& config,
             const std::filesystem::path& logFile, const std::vector<std::string>& listeners,
             std::chrono::seconds timeout = std::chrono::seconds(20));
  std::uint16_t port(const std::string& listener) const;
  pid_t pid() const { return pid_; }
  /// Sends `signal` and, unless it is SIGHUP, waits for the exit; returns the
  /// exit status (128+signal when killed), -1 on timeout.
  int signal(int signal, std::chrono::seconds timeout = std::chrono::seconds(20));
  /// Waits until the log holds `text`.
  bool waitForLog(const std::string& text, std::chrono::seconds timeout) const;
  std::string log() const;

 private:
  pid_t pid_ = -1;
  std::filesystem::path logFile_;
  std::map<std::string, std::uint16_t> ports_;
};

}  // namespace sztp::server::testing
