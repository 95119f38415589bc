#pragma once

// Test helper: two network namespaces joined by a veth pair, for tests that
// need a real link (DHCP broadcast/multicast, mDNS over IPv6). Server end
// 10.77.0.1/24 + fd00:5a::1/64, client end 10.77.0.2/24 + its link-local
// address; no DAD, so addresses are usable at once. Needs root and `ip`;
// callers GTEST_SKIP otherwise. The namespaces (and so the veth) are deleted
// on destruction.

#include <fcntl.h>
#include <sched.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "agentio/sources/source_net.h"
#include "testutil/command.h"

namespace sztp::agentio::nettest {

inline std::optional<std::string> findTool(const std::string& name) {
  for (const char* dir : {"/usr/sbin", "/usr/bin", "/sbin", "/bin"}) {
    const auto p = std::filesystem::path(dir) / name;
    if (::access(p.c_str(), X_OK) == 0) {
      return p.string();
    }
  }
  return std::nullopt;
}

inline pid_t spawn(const std::vector<std::string>& args, const std::string& output = "") {
  return testutil::spawnLogged(args, output);
}

inline int run(const std::vector<std::string>& args) {
  const pid_t pid = spawn(args);
  int status = 0;
  if (pid < 0 || ::waitpid(pid, &status, 0) != pid) {
    return -1;
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Two namespaces, a veth between them, addresses on both ends. Names carry
// the pid so that parallel runs do not meet.
class VethPair {
 public:
  /// `tag` tells the tests of one process apart.
  VethPair(std::string ipTool, char tag) : ip_(std::move(ipTool)) {
    const std::string id = std::to_string(::getpid());
    server_ = std::string("sztp-") + tag + "s-" + id;
    client_ = std::string("sztp-") + tag + "c-" + id;
    serverIf_ = std::string("sz") + tag + "s" + id;  // at most 15 characters (IFNAMSIZ)
    clientIf_ = std::string("sz") + tag + "c" + id;
    ok_ = ip({"netns", "add", server_}) && (createdServer_ = true) &&
          ip({"netns", "add", client_}) && (createdClient_ = true);
    for (const auto& ns : {server_, client_}) {
      // No duplicate address detection: link-local addresses usable at once.
      ok_ = ok_ && ip({"netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.default.accept_dad=0",
                       "net.ipv6.conf.all.accept_dad=0"});
      ok_ = ok_ && ip({"-n", ns, "link", "set", "lo", "up"});
    }
    ok_ = ok_ && ip({"link", "add", serverIf_, "netns", server_, "type", "veth", "peer", "name",
                     clientIf_, "netns", client_});
    ok_ = ok_ && ip({"-n", server_, "addr", "add", "10.77.0.1/24", "dev", serverIf_});
    ok_ = ok_ && ip({"-n", server_, "addr", "add", "fd00:5a::1/64", "dev", serverIf_, "nodad"});
    ok_ = ok_ && ip({"-n", client_, "addr", "add", "10.77.0.2/24", "dev", clientIf_});
    ok_ = ok_ && ip({"-n", server_, "link", "set", serverIf_, "up"});
    ok_ = ok_ && ip({"-n", client_, "link", "set", clientIf_, "up"});
  }
  ~VethPair() {
    if (createdClient_) {
      ip({"netns", "del", client_});
    }
    if (createdServer_) {
      ip({"netns", "del", server_});  // takes the veth pair with it
    }
  }
  VethPair(const VethPair&) = delete;
  VethPair& operator=(const VethPair&) = delete;

  bool ok() const { return ok_; }
  const std::string& serverNs() const { return server_; }
  const std::string& clientNs() const { return client_; }
  const std::string& serverIf() const { return serverIf_; }
  const std::string& clientIf() const { return clientIf_; }

 private:
  bool ip(std::vector<std::string> args) {
    args.insert(args.begin(), ip_);
    return run(args) == 0;
  }
  std::string ip_;
  std::string server_, client_, serverIf_, clientIf_;
  bool ok_ = false;
  bool createdServer_ = false;
  bool createdClient_ = false;
};

// Runs `body` on a thread inside network namespace `ns`.
template <typename F>
bool inNamespace(const std::string& ns, F&& body) {
  bool entered = false;
  std::thread thread([&] {
    const int fd = ::open(("/var/run/netns/" + ns).c_str(), O_RDONLY | O_CLOEXEC);
    entered = fd >= 0 && ::setns(fd, CLONE_NEWNET) == 0;
    if (fd >= 0) {
      ::close(fd);
    }
    if (entered) {
      body();
    }
  });
  thread.join();
  return entered;
}

/// In the calling thread's namespace: waits (up to 5 s) until `ifname` has
/// an IPv4 and an IPv6 address (veth carrier, link-local address).
inline bool waitForAddresses(const std::string& ifname) {
  for (int i = 0; i < 100; ++i) {
    for (const auto& itf : upInterfaces(false)) {
      if (itf.name == ifname && itf.v4 && itf.v6) {
        return true;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

}  // namespace sztp::agentio::nettest
