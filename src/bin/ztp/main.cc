// ztp: the operator's view of the SZTP agent on a device (docs/agent.md,
// "The ztp command"): status, enable, disable, run, erase. It reads the
// agent's state directory; only `erase` removes state, and only while no
// agent runs.

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "agent/agent_state.h"
#include "agent/status.h"
#include "agentio/file_state_store.h"
#include "agentio/instance_lock.h"
#include "agentio/layout.h"
#include "common/date_time.h"
#include "common/io_error.h"
#include "config_location.h"

namespace {

using namespace sztp;
namespace fs = std::filesystem;

/// Exit statuses (docs/agent.md): 0 success; for `status`, 0 completed,
/// 1 failed, 3 in progress / awaiting reboot / not started, 4 disabled.
enum Exit : int { ExitOk = 0, ExitError = 1, ExitUsage = 2, ExitBusy = 3, ExitDisabled = 4 };

std::optional<pid_t> runningAgent(const agentio::StateLayout& layout) {
  auto pid = agentio::readLivePid(layout.pidFile().string());
  return pid ? *pid : std::nullopt;
}

Status touchDurably(const fs::path& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0 || ::fsync(fd) != 0) {
    if (fd >= 0) {
      ::close(fd);
    }
    return Error(IoErrc::FileUnwritable, path.string());
  }
  ::close(fd);
  const int dir = ::open(path.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  return {};
}

int status(const agentio::StateLayout& layout, bool json, bool verbose) {
  agentio::FileStateStore store(layout.stateFile().string());
  auto text = store.load();
  if (!text) {
    std::cerr << "ztp: " << text.error().describe() << "\n";
    return ExitError;
  }
  agent::AgentState state;
  if (*text) {
    auto parsed = agent::parseState(**text);
    if (!parsed) {
      std::cerr << "ztp: " << layout.stateFile().string() << ": " << parsed.error().describe()
                << "\n";
      return ExitError;
    }
    state = std::move(*parsed);
  }
  agent::StatusExtras extras;
  extras.version = SZTP_VERSION;
  if (auto pid = runningAgent(layout)) {
    extras.pid = static_cast<int>(*pid);
  }
  extras.enabled = !fs::exists(layout.disabledFlag());
  extras.now = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  std::cout << (json ? agent::renderStatusJson(state, extras, verbose)
                     : agent::renderStatusText(state, extras, verbose));
  if (json) {
    std::cout << "\n";
  }
  const std::string_view name = agent::statusState(state, extras.enabled);
  if (name == "completed") {
    return ExitOk;
  }
  if (name == "failed") {
    return ExitError;
  }
  return name == "disabled" ? ExitDisabled : ExitBusy;
}

int enable(const agentio::StateLayout& layout) {
  std::error_code ec;
  fs::remove(layout.disabledFlag(), ec);
  if (ec) {
    std::cerr << "ztp: cannot remove " << layout.disabledFlag().string() << ": " << ec.message()
              << "\n";
    return ExitError;
  }
  std::cout << "SZTP enabled; it runs at the next boot, or now with `ztp run`.\n";
  return ExitOk;
}

/// D2: the flag goes off durably first, so that the agent, stopped or not,
/// does not start a new session; then a running session is ended.
int disable(const agentio::StateLayout& layout, std::chrono::seconds wait) {
  std::error_code ec;
  fs::create_directories(layout.directory, ec);
  if (auto ok = touchDurably(layout.disabledFlag()); !ok) {
    std::cerr << "ztp: " << ok.error().describe() << "\n";
    return ExitError;
  }
  if (auto pid = runningAgent(layout)) {
    ::kill(*pid, SIGTERM);
    const auto until = std::chrono::steady_clock::now() + wait;
    while (runningAgent(layout) && std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    if (runningAgent(layout)) {
      std::cerr << "ztp: SZTP disabled, but the agent (pid " << *pid
                << ") is still finishing its current step\n";
      return ExitBusy;
    }
    std::cout << "SZTP disabled; the running session (pid " << *pid << ") was stopped.\n";
    return ExitOk;
  }
  std::cout << "SZTP disabled.\n";
  return ExitOk;
}

int run(const agentio::StateLayout& layout, const std::string& agentPath,
        const std::string& configPath, const std::vector<std::string>& extra) {
  if (fs::exists(layout.disabledFlag())) {
    std::cerr << "ztp: SZTP is disabled; `ztp enable` first\n";
    return ExitDisabled;
  }
  if (auto pid = runningAgent(layout)) {
    ::kill(*pid, SIGUSR1);
    std::cout << "the agent (pid " << *pid << ") starts its next cycle now.\n";
    return ExitOk;
  }
  std::vector<std::string> args{agentPath, "--config", configPath};
  args.insert(args.end(), extra.begin(), extra.end());
  std::vector<char*> argv;
  for (auto& arg : args) {
    argv.push_back(arg.data());
  }
  argv.push_back(nullptr);
  ::execv(agentPath.c_str(), argv.data());
  std::cerr << "ztp: cannot run " << agentPath << ": " << std::strerror(errno) << "\n";
  return ExitError;
}

/// Forgets everything learnt so the device can be provisioned again; the
/// enable flag (an operator's decision) is kept.
int erase(const agentio::StateLayout& layout, const fs::path& workDirectory, bool yes) {
  auto lock = agentio::InstanceLock::acquire(layout.lockFile().string());
  if (!lock) {
    std::cerr << "ztp: the agent is running; `ztp disable` first\n";
    return ExitBusy;
  }
  if (!yes) {
    std::cerr << "ztp: erase forgets the provisioning state in " << layout.directory.string()
              << "; repeat with --yes\n";
    return ExitUsage;
  }
  std::error_code ec;
  fs::remove(layout.stateFile(), ec);
  fs::remove_all(layout.stepsDirectory(), ec);
  fs::remove_all(workDirectory, ec);
  if (ec) {
    std::cerr << "ztp: " << ec.message() << "\n";
    return ExitError;
  }
  std::cout << "provisioning state erased; the agent starts afresh at its next run.\n";
  return ExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "ztp: see and control Secure Zero Touch Provisioning (RFC 8572) on this device.\n"
      "  ztp status [--json] [--verbose]  where provisioning stands, and why it failed\n"
      "  ztp enable                        turn SZTP on (the default)\n"
      "  ztp disable                       turn SZTP off; stops a running session\n"
      "  ztp run                           start a session now (or wake a waiting agent)\n"
      "  ztp erase --yes                   forget the provisioning state\n"
      "Status exit codes: 0 completed, 1 failed, 3 not finished, 4 disabled.",
      "ztp"};
  std::string configPath = "/etc/sztp/sztp-agent.yaml";
  std::string stateDirectory;
  app.add_option("-c,--config", configPath, "The agent's configuration file")
      ->capture_default_str();
  app.add_option("--state-directory", stateDirectory,
                 "The agent's state directory (default: state-directory of the configuration)");
  app.set_version_flag("--version", SZTP_VERSION);
  app.require_subcommand(1);

  bool json = false;
  bool verbose = false;
  auto* statusCmd = app.add_subcommand(
      "status",
      "Run status: state (disabled, not-started, in-progress, awaiting-reboot, completed, "
      "failed), the reason code of a failure, version, start and run times, the current step, "
      "attempts, the sources and DHCP options seen, downloads with progress, the results of "
      "both trust checks (server TLS, signed data)");
  statusCmd->add_flag("--json", json, "Machine-readable JSON (top-level \"state\", \"reason\")");
  statusCmd->add_flag("-v,--verbose", verbose, "Also every check, attempt and report");
  app.add_subcommand("enable", "Turn SZTP on (removes the disabled flag)");
  int waitSeconds = 30;
  auto* disableCmd =
      app.add_subcommand("disable", "Turn SZTP off and stay off; a running session gets SIGTERM");
  disableCmd->add_option("--wait", waitSeconds, "Seconds to wait for the agent to stop")
      ->capture_default_str();
  std::string agentPath = "/usr/bin/sztp-agent";
  std::vector<std::string> extra;
  auto* runCmd = app.add_subcommand(
      "run",
      "Start a session now: wakes a running agent from its retry wait (SIGUSR1), or runs "
      "sztp-agent in the foreground");
  runCmd->add_option("--agent", agentPath, "The sztp-agent program")->capture_default_str();
  runCmd->add_option("args", extra, "Further sztp-agent options (after --), e.g. --debug");
  bool yes = false;
  auto* eraseCmd = app.add_subcommand(
      "erase", "Forget the provisioning state so the device can be provisioned again");
  eraseCmd->add_flag("--yes", yes, "Really erase");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version exit 0; any other parse error is a bad command line (2).
    const int code = app.exit(e);
    return code == 0 ? ExitOk : ExitUsage;
  }

  auto location = ztp::locate(configPath, stateDirectory);
  if (!location) {
    std::cerr << "ztp: " << location.error().describe() << "\n";
    return ExitUsage;
  }
  const agentio::StateLayout layout{location->stateDirectory};
  if (statusCmd->parsed()) {
    return status(layout, json, verbose);
  }
  if (app.got_subcommand("enable")) {
    return enable(layout);
  }
  if (disableCmd->parsed()) {
    return disable(layout, std::chrono::seconds(waitSeconds));
  }
  if (runCmd->parsed()) {
    return run(layout, agentPath, configPath, extra);
  }
  if (eraseCmd->parsed()) {
    return erase(layout, location->workDirectory, yes);
  }
  return ExitUsage;
}
