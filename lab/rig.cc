#include "lab/rig.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "model/bootstrap_rpc.h"
#include "registry/sqlite/sqlite_registry.h"
#include "testutil/temp_dir.h"

namespace sztp::agent::e2e {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// ---------------------------------------------------------------- Child

Child::~Child() {
  if (running()) {
    ::kill(pid_, SIGKILL);
    (void)wait(10s);
  }
}

bool Child::start(const std::vector<std::string>& argv, const fs::path& logFile) {
  logFile_ = logFile;
  status_.reset();
  pid_ = testutil::spawnLogged(argv, logFile.string());
  return pid_ > 0;
}

bool Child::running() {
  if (pid_ <= 0 || status_) {
    return false;
  }
  int status = 0;
  if (::waitpid(pid_, &status, WNOHANG) == pid_) {
    status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return false;
  }
  return true;
}

void Child::kill(int signal) {
  if (running()) {
    ::kill(pid_, signal);
  }
}

int Child::wait(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (running()) {
    if (std::chrono::steady_clock::now() >= deadline) {
      return -1;
    }
    std::this_thread::sleep_for(10ms);
  }
  return status_.value_or(-1);
}

bool Child::waitForLog(const std::string& text, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (log().find(text) != std::string::npos) {
      return true;
    }
    if (!running()) {
      return log().find(text) != std::string::npos;
    }
    std::this_thread::sleep_for(10ms);
  }
  return false;
}

std::string Child::log() const {
  std::ifstream in(logFile_);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// ---------------------------------------------------------------- Server

namespace {

void writeText(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

int occurrences(const std::string& text, const std::string& what) {
  int n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) {
    ++n;
  }
  return n;
}

}  // namespace

bool Server::start(const fs::path& directory, const fs::path& pki) {
  return start(directory, pki, ServerPlacement{});
}

bool Server::start(const fs::path& directory, const fs::path& pki,
                   const ServerPlacement& placement) {
  auto yamlList = [](const std::vector<std::string>& items) {
    std::string text = "[";
    for (const auto& item : items) {
      text += (text.size() > 1 ? ", \"" : "\"") + item + "\"";
    }
    return text + "]";
  };
  directory_ = directory;
  fs::create_directories(directory / "files");
  writeText(directory / "admin.token", "agent-e2e-admin-token-0123456789\n");
  ::chmod((directory / "admin.token").c_str(), 0600);
  writeText(directory / "inventory.yaml",
            "version: 1\ndevice-types:\n  - name: dpu\n"
            "    idevid-trust-anchors: " +
                (pki / "manufacturer/ca.crt").string() + "\n");
  // By default base-urls name no reachable host: every download URI a test
  // relies on is written into its inventory (the files port is only known
  // after the start).
  writeText(directory / "sztp-server.yaml",
            "registry: state/registry.db\n"
            "inventory: inventory.yaml\n"
            "handler-threads: 2\n"
            "io-threads: 1\n"
            "bootstrap:\n"
            "  listen: " +
                yamlList(placement.bootstrapListen) +
                "\n"
                "  tls: {certificate: " +
                (pki / "tls/server.crt").string() + ", key: " + (pki / "tls/server.key").string() +
                "}\n"
                "files:\n"
                "  listen: " +
                yamlList(placement.filesListen) +
                "\n"
                "  root: files\n"
                "  base-urls: " +
                yamlList(placement.filesBaseUrls) +
                "\n"
                "admin:\n"
                "  listen: [\"127.0.0.1:0\"]\n"
                "  token-files: [admin.token]\n");
  std::vector<std::string> argv = placement.prefix;
  for (const std::string& arg : {testutil::binaryPath("sztp-server"), std::string("--config"),
                                 (directory / "sztp-server.yaml").string(),
                                 std::string("--log-level"), std::string("debug")}) {
    argv.push_back(arg);
  }
  if (!child_.start(argv, directory / "server.log")) {
    return false;
  }
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (std::chrono::steady_clock::now() < deadline) {
    const std::string text = child_.log();
    for (const std::string name : {"bootstrap", "files", "admin"}) {
      const std::string marker = "SZTP-S0003 listening: " + name + " on port ";
      if (const auto at = text.find(marker); at != std::string::npos) {
        ports_[name] = static_cast<std::uint16_t>(std::atoi(text.c_str() + at + marker.size()));
      }
    }
    if (ports_.size() == 3) {
      applied_ = occurrences(text, "SZTP-S0040");
      return true;
    }
    if (!child_.running()) {
      return false;
    }
    std::this_thread::sleep_for(20ms);
  }
  return false;
}

bool Server::apply(const std::string& inventory) {
  writeText(directory_ / "inventory.yaml", inventory);
  child_.kill(SIGHUP);
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (std::chrono::steady_clock::now() < deadline) {
    const std::string text = child_.log();
    if (occurrences(text, "SZTP-S0040") > applied_) {
      applied_ = occurrences(text, "SZTP-S0040");
      return true;
    }
    if (occurrences(text, "SZTP-S0012") + occurrences(text, "SZTP-S0014") > 0 ||
        !child_.running()) {
      return false;  // The reload was refused.
    }
    std::this_thread::sleep_for(20ms);
  }
  return false;
}

std::vector<std::string> Server::stopAndReadDeviceLog(const std::string& serial) {
  child_.kill(SIGTERM);
  (void)child_.wait(20s);
  std::vector<std::string> lines;
  registry::SqliteOptions options;
  options.path = directory_ / "state/registry.db";
  auto registry = registry::openSqliteRegistry(options);
  if (!registry) {
    lines.push_back("cannot open the registry: " + registry.error().describe());
    return lines;
  }
  auto events = (*registry)->listEvents(serial, 0, 10000);
  if (!events) {
    lines.push_back("cannot read events: " + events.error().describe());
    return lines;
  }
  for (const auto& event : *events) {
    using Kind = registry::DeviceEvent::Kind;
    switch (event.kind) {
      case Kind::Request:
        lines.push_back("request " + event.detailJson);
        break;
      case Kind::Response:
        lines.push_back("response " + event.message + " " + event.detailJson);
        break;
      case Kind::Rejected:
        lines.push_back("rejected " + event.reason + " " + event.message);
        break;
      case Kind::Progress:
        lines.push_back(
            "progress " +
            std::string(event.progressType ? model::progressTypeName(*event.progressType) : "?") +
            (event.message.empty() ? "" : " " + event.message));
        break;
    }
  }
  return lines;
}

// ---------------------------------------------------------------- Device

Device::Device(fs::path root, const fs::path& pki, std::string serial)
    : root_(std::move(root)), pki_(pki), serial_(std::move(serial)) {
  fs::create_directories(root_ / "bin");
  fs::create_directories(root_ / "ssh");
  fs::copy_file(pki / ("manufacturer/idevid/" + serial_ + ".crt"), root_ / "idevid.pem",
                fs::copy_options::overwrite_existing);
  fs::copy_file(pki / ("manufacturer/idevid/" + serial_ + ".key"), root_ / "idevid.key",
                fs::copy_options::overwrite_existing);
  fs::copy_file(pki / "masa/ca.crt", root_ / "voucher-ca.pem",
                fs::copy_options::overwrite_existing);
  fs::copy_file(pki / "tls/ca.crt", root_ / "bootstrap-ca.pem",
                fs::copy_options::overwrite_existing);
  writeText(root_ / "os-release", "NAME=DemoOS\nVERSION_ID=\"1.0\"\n");
  writeText(root_ / "boot_id", "boot-0\n");
  writeText(root_ / "ssh/ssh_host_ed25519_key.pub",
            "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGb3Xc1Q7o8QJx9bAh1J2Zl4f6TQ0a8vQ2e2c8b1Xf1r "
            "root@device\n");
  const std::string r = root_.string();
  // The installer keeps the image and records it; it may run again with the
  // same image (the agent's contract), which the tests would see as a second line.
  writeText(root_ / "bin/install", "#!/bin/sh\ncp \"$1\" " + r +
                                       "/installed.img || exit 2\necho \"install $(wc -c < " + r +
                                       "/installed.img) bytes\" >> " + r + "/effects.log\n");
  // The simulated reboot: the device comes back with a new boot id, running
  // the installed image's version (the tests install DemoOS 2.0).
  writeText(root_ / "bin/reboot",
            "#!/bin/sh\necho reboot >> " + r + "/effects.log\necho \"boot-$(date +%s%N)\" > " + r +
                "/boot_id\nprintf 'NAME=DemoOS\\nVERSION_ID=\"2.0\"\\n' > " + r + "/os-release\n");
  writeText(root_ / "bin/apply",
            "#!/bin/sh\necho \"apply-$1 $(cat \"$2\")\" >> " + r + "/effects.log\n");
  for (const char* name : {"bin/install", "bin/reboot", "bin/apply"}) {
    ::chmod((root_ / name).c_str(), 0755);
  }
}

void Device::writeConfig(const Config& settings) {
  const std::string r = root_.string();
  writeText(config(),
            "# A device root: every path is inside it (relative to this file).\n"
            "state-directory: state\n"
            "step-runner: " +
                testutil::binaryPath("sztp-step-runner") +
                "\n"
                "identity:\n"
                "  certificate: idevid.pem\n"
                "  key: idevid.key\n"
                "  hw-model: e2e-dpu\n" +
                settings.identity +
                "trust:\n"
                "  voucher-trust-anchors: [voucher-ca.pem]\n" +
                settings.trust + "sources:\n" + settings.sources +
                "onboarding:\n"
                "  work-directory: work\n"
                "  installer: [" +
                r + "/bin/install, \"{image}\"]\n  reboot: [" + r +
                "/bin/reboot]\n  apply-merge: [" + r + "/bin/apply, merge, \"{config}\"]\n" +
                "  apply-replace: [" + r + "/bin/apply, replace, \"{config}\"]\n" +
                "  configuration-directory: config.d\n"
                "  os-release-file: os-release\n"
                "  boot-id-file: boot_id\n"
                "  ssh-host-key-directory: ssh\n"
                "  script-timeout: 30s\n" +
                settings.onboarding + "retry:\n" + settings.retry +
                "  connect-timeout: 5s\n"
                "  request-timeout: 10s\n"
                "logging:\n"
                "  level: debug\n" +
                settings.logging);
}

testutil::CommandResult Device::runAgent(const std::vector<std::string>& args, int timeoutSeconds) {
  std::vector<std::string> argv = agentPrefix_;
  argv.insert(argv.end(), {testutil::binaryPath("sztp-agent"), "--config", config().string()});
  argv.insert(argv.end(), args.begin(), args.end());
  return testutil::runCommand(argv, timeoutSeconds);
}

bool Device::startAgent(Child& child, const std::vector<std::string>& args) {
  std::vector<std::string> argv = agentPrefix_;
  argv.insert(argv.end(), {testutil::binaryPath("sztp-agent"), "--config", config().string()});
  argv.insert(argv.end(), args.begin(), args.end());
  return child.start(argv, root_ / "agent.log");
}

testutil::CommandResult Device::ztp(const std::vector<std::string>& args) {
  std::vector<std::string> argv{testutil::binaryPath("ztp"), "--config", config().string()};
  argv.insert(argv.end(), args.begin(), args.end());
  return testutil::runCommand(argv, 30);
}

Device::Status Device::status() {
  Status status;
  auto result = ztp({"status", "--json"});
  status.exitCode = result.exitCode;
  status.json = result.output;
  const auto json = nlohmann::json::parse(result.output, nullptr, false);
  if (json.is_object()) {
    status.state = json.value("state", "");
    if (json.contains("reason") && json["reason"].is_string()) {
      status.reason = json["reason"].get<std::string>();
    }
  }
  return status;
}

std::vector<std::string> Device::effects() const {
  std::vector<std::string> lines;
  std::ifstream in(effectsLog());
  for (std::string line; std::getline(in, line);) {
    lines.push_back(line);
  }
  return lines;
}

int count(const std::vector<std::string>& lines, const std::string& line) {
  int n = 0;
  for (const auto& l : lines) {
    n += l == line ? 1 : 0;
  }
  return n;
}

int countContaining(const std::vector<std::string>& lines, const std::string& text) {
  int n = 0;
  for (const auto& l : lines) {
    n += l.find(text) != std::string::npos ? 1 : 0;
  }
  return n;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string text;
  for (const auto& l : lines) {
    text += "  " + l + "\n";
  }
  return text;
}

}  // namespace sztp::agent::e2e
