#pragma once

// The rig: the real sztp-server, sztp-agent, ztp and sztp-step-runner
// binaries of this build, started with posix_spawn (never fork: the callers
// have threads), each in its own directory. Used by the agent end-to-end
// tests (tests/agent), the lab (lab.h, deployment.h) and its demo.

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "testutil/command.h"

namespace sztp::agent::e2e {

/// A program running in the background, stdout and stderr appended to a file.
class Child {
 public:
  Child() = default;
  ~Child();
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  /// Starts `argv`; false when it cannot be spawned.
  bool start(const std::vector<std::string>& argv, const std::filesystem::path& logFile);
  bool running();
  pid_t pid() const { return pid_; }
  /// Sends `signal` (nothing when not running).
  void kill(int signal);
  /// Waits for the exit: the exit status, 128+signal when killed, -1 on timeout.
  int wait(std::chrono::milliseconds timeout);
  /// Whether the log holds `text` within `timeout` (false at once if the child ended).
  bool waitForLog(const std::string& text, std::chrono::milliseconds timeout);
  std::string log() const;

 private:
  pid_t pid_ = -1;
  std::optional<int> status_;
  std::filesystem::path logFile_;
};

/// Where a Server runs and listens (the defaults: here, loopback, any port).
struct ServerPlacement {
  /// Put before the program, e.g. {"ip", "netns", "exec", "<namespace>"}.
  std::vector<std::string> prefix;
  std::vector<std::string> bootstrapListen{"127.0.0.1:0"};
  std::vector<std::string> filesListen{"127.0.0.1:0"};
  /// The file server's base URLs: image download URIs after the inventory's
  /// own. The default names no reachable host.
  std::vector<std::string> filesBaseUrls{"https://files.invalid"};
};

/// One sztp-server: configuration, registry and files in `directory`.
class Server {
 public:
  /// Starts it with an inventory that holds only the device type, so that the
  /// bound ports are known before the real inventory (which names them) is
  /// applied with apply().
  bool start(const std::filesystem::path& directory, const std::filesystem::path& pki);
  bool start(const std::filesystem::path& directory, const std::filesystem::path& pki,
             const ServerPlacement& placement);
  /// Writes `inventory` and has the server re-read it (SIGHUP); true once applied.
  bool apply(const std::string& inventory);
  std::uint16_t bootstrapPort() const { return ports_.at("bootstrap"); }
  std::uint16_t filesPort() const { return ports_.at("files"); }
  std::string url() const { return "https://127.0.0.1:" + std::to_string(bootstrapPort()); }
  const std::filesystem::path& directory() const { return directory_; }
  std::string log() const { return child_.log(); }
  /// SIGTERM, then the device's bootstrapping log: one line per event, e.g.
  /// "response onboarding-information ... {detail}" or "progress bootstrap-complete msg".
  std::vector<std::string> stopAndReadDeviceLog(const std::string& serial);

 private:
  Child child_;
  std::filesystem::path directory_;
  std::map<std::string, std::uint16_t> ports_;
  int applied_ = 0;
};

/// A device: its root directory holds the agent's configuration, state, work
/// directory, os-release, boot id, SSH host key, IDevID and the simulated
/// installer, reboot and apply commands, which append to effects.log.
class Device {
 public:
  Device(std::filesystem::path root, const std::filesystem::path& pki, std::string serial);

  const std::filesystem::path& root() const { return root_; }
  std::filesystem::path config() const { return root_ / "agent.yaml"; }
  std::filesystem::path effectsLog() const { return root_ / "effects.log"; }
  /// What differs between the tests' configurations; each string is YAML
  /// lines indented for its section.
  struct Config {
    std::string sources;     ///< Under "sources:", e.g. "  order: [url]\n".
    std::string identity;    ///< Added under "identity:".
    std::string trust;       ///< Added under "trust:".
    std::string onboarding;  ///< Added under "onboarding:".
    std::string logging;     ///< Added under "logging:".
    std::string retry = "  max-cycles: 1\n  initial-backoff: 1s\n";
    Config& withIdentity(std::string text) {
      identity = std::move(text);
      return *this;
    }
    Config& withTrust(std::string text) {
      trust = std::move(text);
      return *this;
    }
    Config& withRetry(std::string text) {
      retry = std::move(text);
      return *this;
    }
  };
  /// agent.yaml: every path inside the root, plus `config`.
  void writeConfig(const Config& settings);
  /// sztp-agent --config ... plus `args`, run to its end.
  testutil::CommandResult runAgent(const std::vector<std::string>& args = {},
                                   int timeoutSeconds = 60);
  /// The same in the background.
  bool startAgent(Child& child, const std::vector<std::string>& args = {});
  /// Put before sztp-agent from now on, e.g. {"ip", "netns", "exec", "<namespace>"}.
  void setAgentPrefix(std::vector<std::string> prefix) { agentPrefix_ = std::move(prefix); }
  testutil::CommandResult ztp(const std::vector<std::string>& args);
  /// `ztp status --json`, parsed; the "state", "reason" and the whole text.
  struct Status {
    std::string state;
    std::string reason;
    std::string json;
    int exitCode = -1;
  };
  Status status();
  /// The lines of effects.log.
  std::vector<std::string> effects() const;

 private:
  std::filesystem::path root_;
  std::filesystem::path pki_;
  std::string serial_;
  std::vector<std::string> agentPrefix_;
};

inline Device::Config withSources(std::string sources) {
  Device::Config config;
  config.sources = std::move(sources);
  return config;
}

/// How many lines equal `line`.
int count(const std::vector<std::string>& lines, const std::string& line);
/// How many lines contain `text`.
int countContaining(const std::vector<std::string>& lines, const std::string& text);
std::string joined(const std::vector<std::string>& lines);

}  // namespace sztp::agent::e2e
