#include "testutil/software_tpm.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <thread>
#include <tuple>

#include "testutil/command.h"

namespace sztp::testutil {
namespace {

using namespace std::chrono_literals;

sockaddr_in loopback(std::uint16_t port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(port);
  return address;
}

/// A loopback TCP port that was free a moment ago (bound to port 0, then closed).
std::uint16_t freePort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) {
    return 0;
  }
  sockaddr_in address = loopback(0);
  socklen_t length = sizeof address;
  const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
                  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0;
  ::close(fd);
  return ok ? ntohs(address.sin_port) : 0;
}

/// Whether `call` (::bind or ::connect) succeeds for a fresh TCP socket and
/// 127.0.0.1:port.
bool loopbackCall(int (*call)(int, const sockaddr*, socklen_t), std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) {
    return false;
  }
  const sockaddr_in address = loopback(port);
  const bool ok = call(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0;
  ::close(fd);
  return ok;
}

/// A port P with P+1 free as well: the swtpm TCTI reaches the control
/// channel at the TPM port + 1 (it sets the locality there).
std::uint16_t freePortPair() {
  for (int attempt = 0; attempt < 50; ++attempt) {
    const std::uint16_t port = freePort();
    if (port != 0 && port < 65535 && loopbackCall(::bind, static_cast<std::uint16_t>(port + 1))) {
      return port;
    }
  }
  return 0;
}

}  // namespace

SoftwareTpm& SoftwareTpm::shared(const std::function<void(SoftwareTpm&)>& prepare) {
  static SoftwareTpm tpm;
  static bool started = false;
  if (!started) {
    started = true;
    if (tpm.start() && prepare) {
      prepare(tpm);
    }
  }
  return tpm;
}

SoftwareTpm::~SoftwareTpm() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    ::waitpid(pid_, nullptr, 0);
  }
}

std::string SoftwareTpm::path(const std::string& name) const {
  return (*dir_ / name).string();
}

bool SoftwareTpm::run(const std::vector<std::string>& argv) {
  auto r = runCommand(argv, 60);
  if (r.exitCode != 0) {
    skipReason_ = argv[0] + " failed (" + std::to_string(r.exitCode) + "): " + r.output;
    return false;
  }
  return true;
}

bool SoftwareTpm::start() {
  for (const char* program : {"swtpm", "tpm2_createprimary", "tpm2_create", "tpm2_load",
                              "tpm2_evictcontrol", "tpm2_flushcontext"}) {
    if (!haveProgram(program)) {
      skipReason_ = std::string(program) +
                    " is not installed (Debian: swtpm, swtpm-tools, tpm2-tools, tpm2-openssl)";
      return false;
    }
  }
  dir_ = std::make_unique<TempDir>();
  std::filesystem::create_directories(*dir_ / "state");
  const std::uint16_t port = freePortPair();
  if (port == 0) {
    skipReason_ = "no free loopback port";
    return false;
  }
  const auto control = static_cast<std::uint16_t>(port + 1);
  const std::string state = "dir=" + path("state");
  const std::string server = "type=tcp,port=" + std::to_string(port) + ",bindaddr=127.0.0.1";
  const std::string ctrl = "type=tcp,port=" + std::to_string(control) + ",bindaddr=127.0.0.1";
  pid_ = ::fork();
  if (pid_ == 0) {
    ::execlp("swtpm", "swtpm", "socket", "--tpm2", "--tpmstate", state.c_str(), "--server",
             server.c_str(), "--ctrl", ctrl.c_str(), "--flags", "not-need-init,startup-clear",
             static_cast<char*>(nullptr));
    ::_exit(127);
  }
  if (pid_ < 0) {
    skipReason_ = "cannot fork swtpm";
    return false;
  }
  // The control port, not the TPM port: swtpm serves one TPM connection at a
  // time and a probe there would only be noise in its log.
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (!loopbackCall(::connect, control)) {
    const bool exited = ::waitpid(pid_, nullptr, WNOHANG) != 0;
    if (exited || std::chrono::steady_clock::now() > deadline) {
      if (!exited) {
        ::kill(pid_, SIGTERM);
        ::waitpid(pid_, nullptr, 0);
      }
      skipReason_ = "swtpm did not start listening on 127.0.0.1:" + std::to_string(port);
      pid_ = -1;
      return false;
    }
    std::this_thread::sleep_for(20ms);
  }
  const std::string tcti = "swtpm:host=127.0.0.1,port=" + std::to_string(port);
  ::setenv("TPM2TOOLS_TCTI", tcti.c_str(), 1);
  ::setenv("TPM2OPENSSL_TCTI", tcti.c_str(), 1);

  if (!run({"tpm2_createprimary", "-Q", "-C", "o", "-g", "sha256", "-G", "ecc", "-c",
            path("primary.ctx")})) {
    return false;
  }
  for (const auto& [algorithm, handle, name] :
       {std::tuple{"ecc256", kTpmEcHandle, "ec"}, std::tuple{"rsa2048", kTpmRsaHandle, "rsa"}}) {
    const std::string n = name;
    if (!run({"tpm2_create", "-Q", "-C", path("primary.ctx"), "-G", algorithm, "-u",
              path(n + ".pub"), "-r", path(n + ".priv")}) ||
        !run({"tpm2_flushcontext", "-t"}) ||
        !run({"tpm2_load", "-Q", "-C", path("primary.ctx"), "-u", path(n + ".pub"), "-r",
              path(n + ".priv"), "-c", path(n + ".ctx")}) ||
        !run({"tpm2_evictcontrol", "-Q", "-C", "o", "-c", path(n + ".ctx"), handle}) ||
        !run({"tpm2_flushcontext", "-t"})) {
      return false;
    }
  }
  return true;
}

}  // namespace sztp::testutil
