#pragma once

// Test helper: a real DNS server (dnsmasq) on 127.0.0.1 and a free UDP/TCP
// port, serving the records given as dnsmasq options. Header-only so the
// agentio source tests can use it too. Tests GTEST_SKIP when dnsmasq is not
// installed (scripts/install-deps.sh installs dnsmasq-base).

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace sztp::testutil {

inline std::optional<std::string> findDnsmasq() {
  for (const char* dir : {"/usr/sbin", "/usr/bin", "/sbin", "/bin", "/usr/local/sbin"}) {
    std::filesystem::path p = std::filesystem::path(dir) / "dnsmasq";
    if (::access(p.c_str(), X_OK) == 0) {
      return p.string();
    }
  }
  return std::nullopt;
}

/// A port free for both UDP and TCP on 127.0.0.1 at the time of asking.
inline std::uint16_t freeLoopbackPort() {
  for (int attempt = 0; attempt < 20; ++attempt) {
    int u = ::socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    ::bind(u, reinterpret_cast<sockaddr*>(&a), sizeof a);
    ::getsockname(u, reinterpret_cast<sockaddr*>(&a), &len);
    int t = ::socket(AF_INET, SOCK_STREAM, 0);
    const bool tcpFree = ::bind(t, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    ::close(t);
    ::close(u);
    if (tcpFree) {
      return ntohs(a.sin_port);
    }
  }
  return 0;
}

class DnsmasqProcess {
 public:
  /// Starts dnsmasq with `records` (e.g. "--txt-record=...") and waits until
  /// it answers. ok() is false when it could not be started.
  DnsmasqProcess(const std::string& binary, const std::vector<std::string>& records) {
    port_ = freeLoopbackPort();
    std::vector<std::string> args{binary,
                                  "--keep-in-foreground",
                                  "--conf-file=/dev/null",
                                  "--no-resolv",
                                  "--no-hosts",
                                  "--no-poll",
                                  "--bind-interfaces",
                                  "--listen-address=127.0.0.1",
                                  "--user=root",
                                  "--pid-file=",
                                  "--port=" + std::to_string(port_)};
    args.insert(args.end(), records.begin(), records.end());
    std::vector<char*> argv;
    for (auto& a : args) {
      argv.push_back(a.data());
    }
    argv.push_back(nullptr);
    if (::posix_spawn(&pid_, binary.c_str(), nullptr, nullptr, argv.data(), environ) != 0) {
      pid_ = -1;
      return;
    }
    // Ready when the TCP port accepts a connection.
    for (int i = 0; i < 100; ++i) {
      int s = ::socket(AF_INET, SOCK_STREAM, 0);
      sockaddr_in a{};
      a.sin_family = AF_INET;
      a.sin_port = htons(port_);
      a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      const bool up = ::connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
      ::close(s);
      if (up) {
        ready_ = true;
        return;
      }
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;  // exited: bad options or port taken
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  ~DnsmasqProcess() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
  }
  DnsmasqProcess(const DnsmasqProcess&) = delete;
  DnsmasqProcess& operator=(const DnsmasqProcess&) = delete;

  bool ok() const { return ready_; }
  std::uint16_t port() const { return port_; }

 private:
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
  bool ready_ = false;
};

}  // namespace sztp::testutil
