#include "testutil/software_tpm.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iterator>
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
  for (auto it = helpers_.rbegin(); it != helpers_.rend(); ++it) {
    ::kill(*it, SIGTERM);
    ::waitpid(*it, nullptr, 0);
  }
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    ::waitpid(pid_, nullptr, 0);
  }
}

std::string SoftwareTpm::path(const std::string& name) const {
  return (*dir_ / name).string();
}

bool SoftwareTpm::run(const std::vector<std::string>& argv) {
  std::vector<std::string> full = prefix_.empty() ? std::vector<std::string>{} : commandPrefix();
  full.insert(full.end(), argv.begin(), argv.end());
  auto r = runCommand(full, 60);
  if (r.exitCode != 0) {
    skipReason_ = argv[0] + " failed (" + std::to_string(r.exitCode) + "): " + r.output;
    return false;
  }
  return true;
}

std::vector<std::string> SoftwareTpm::commandPrefix() const {
  std::vector<std::string> prefix = prefix_;
  prefix.insert(prefix.end(), {"env", "TPM2TOOLS_TCTI=" + tcti_, "TPM2OPENSSL_TCTI=" + tcti_});
  if (!bus_.empty()) {
    prefix.push_back("DBUS_SESSION_BUS_ADDRESS=" + bus_);
  }
  return prefix;
}

pid_t SoftwareTpm::spawn(const std::vector<std::string>& argv, const std::string& log) {
  std::vector<std::string> full = prefix_;
  full.insert(full.end(), argv.begin(), argv.end());
  return spawnLogged(full, log);
}

bool SoftwareTpm::startResourceManager() {
  for (const char* program : {"dbus-daemon", "tpm2-abrmd"}) {
    if (!haveProgram(program)) {
      skipReason_ = std::string(program) +
                    " is not installed (Debian: dbus-daemon, tpm2-abrmd, libtss2-tcti-tabrmd0)";
      return false;
    }
  }
  const std::string bus = "unix:path=" + path("bus");
  const pid_t dbus =
      spawn({"dbus-daemon", "--session", "--nofork", "--address=" + bus}, path("dbus.log"));
  if (dbus > 0) {
    helpers_.push_back(dbus);
  }
  std::vector<std::string> abrmd{"env", "DBUS_SESSION_BUS_ADDRESS=" + bus, "tpm2-abrmd",
                                 "--session", "--tcti=" + tcti_};
  if (::geteuid() == 0) {
    abrmd.emplace_back("--allow-root");
  }
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (dbus > 0 && !std::filesystem::exists(path("bus")) &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(10ms);
  }
  const pid_t manager = spawn(abrmd, path("abrmd.log"));
  if (manager > 0) {
    helpers_.push_back(manager);
  }
  bus_ = bus;
  tcti_ = "tabrmd:bus_type=session";
  // Ready once a client gets through it to the TPM.
  std::vector<std::string> probe = commandPrefix();
  probe.insert(probe.end(), {"tpm2_getcap", "properties-fixed"});
  while (manager > 0 && runCommand(probe, 5).exitCode != 0) {
    if (::waitpid(manager, nullptr, WNOHANG) != 0 || std::chrono::steady_clock::now() > deadline) {
      break;
    }
    std::this_thread::sleep_for(20ms);
  }
  if (manager <= 0 || runCommand(probe, 5).exitCode != 0) {
    std::ifstream log(path("abrmd.log"));
    skipReason_ =
        "tpm2-abrmd did not serve the TPM: " + std::string(std::istreambuf_iterator<char>(log), {});
    return false;
  }
  exportTcti();
  return true;
}

void SoftwareTpm::exportTcti() const {
  if (!prefix_.empty()) {
    return;
  }
  ::setenv("TPM2TOOLS_TCTI", tcti_.c_str(), 1);
  ::setenv("TPM2OPENSSL_TCTI", tcti_.c_str(), 1);
  if (!bus_.empty()) {
    ::setenv("DBUS_SESSION_BUS_ADDRESS", bus_.c_str(), 1);
  }
}

bool SoftwareTpm::waitUntilListening(std::uint16_t control) {
  // The control port, not the TPM port: swtpm serves one TPM connection at a
  // time and a probe there would only be noise in its log. Behind a prefix
  // (another namespace) the probe runs there too.
  std::vector<std::string> probe = prefix_;
  probe.insert(probe.end(), {"swtpm_ioctl", "--tcp", "127.0.0.1:" + std::to_string(control), "-c"});
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (prefix_.empty() ? !loopbackCall(::connect, control) : runCommand(probe, 5).exitCode != 0) {
    const bool exited = ::waitpid(pid_, nullptr, WNOHANG) != 0;
    if (exited || std::chrono::steady_clock::now() > deadline) {
      if (!exited) {
        ::kill(pid_, SIGTERM);
        ::waitpid(pid_, nullptr, 0);
      }
      skipReason_ = "swtpm did not start listening on 127.0.0.1:" + std::to_string(control - 1);
      pid_ = -1;
      return false;
    }
    std::this_thread::sleep_for(20ms);
  }
  return true;
}

bool SoftwareTpm::start() {
  return start(Placement{});
}

bool SoftwareTpm::start(const Placement& where) {
  std::vector<std::string> programs{"swtpm",     "tpm2_createprimary", "tpm2_create",
                                    "tpm2_load", "tpm2_evictcontrol",  "tpm2_flushcontext"};
  if (!where.prefix.empty()) {
    programs.emplace_back("swtpm_ioctl");
  }
  for (const auto& program : programs) {
    if (!haveProgram(program)) {
      skipReason_ =
          program + " is not installed (Debian: swtpm, swtpm-tools, tpm2-tools, tpm2-openssl)";
      return false;
    }
  }
  prefix_ = where.prefix;
  dir_ = std::make_unique<TempDir>();
  std::filesystem::create_directories(*dir_ / "state");
  const std::uint16_t port = where.port != 0 ? where.port : freePortPair();
  if (port == 0) {
    skipReason_ = "no free loopback port";
    return false;
  }
  const auto control = static_cast<std::uint16_t>(port + 1);
  pid_ = spawn({"swtpm", "socket", "--tpm2", "--tpmstate", "dir=" + path("state"), "--server",
                "type=tcp,port=" + std::to_string(port) + ",bindaddr=127.0.0.1", "--ctrl",
                "type=tcp,port=" + std::to_string(control) + ",bindaddr=127.0.0.1", "--flags",
                "not-need-init,startup-clear"},
               "");
  if (pid_ < 0) {
    skipReason_ = "cannot start swtpm";
    return false;
  }
  if (!waitUntilListening(control)) {
    return false;
  }
  tcti_ = "swtpm:host=127.0.0.1,port=" + std::to_string(port);
  exportTcti();

  if (!run({"tpm2_createprimary", "-Q", "-C", "o", "-g", "sha256", "-G", "ecc", "-c",
            path("primary.ctx")})) {
    return false;
  }
  for (const auto& [wanted, algorithm, handle, name] :
       {std::tuple{where.ecKey, "ecc256", kTpmEcHandle, "ec"},
        std::tuple{where.rsaKey, "rsa2048", kTpmRsaHandle, "rsa"}}) {
    if (!wanted) {
      continue;
    }
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
  return !where.resourceManager || startResourceManager();
}

}  // namespace sztp::testutil
