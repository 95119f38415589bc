#pragma once

// Fakes for every port of agent/ports.h, sharing one World: what has taken
// effect on the "device" (installed image, scripts run, configuration
// applied, reboots), the durable step records and the state file. A World
// outlives Driver instances, so a test can "kill" a driver (a fake throws
// Killed at the N-th operation) and start a new one over the same device.

#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "agent/ports.h"
#include "common/clock.h"
#include "common/io_error.h"
#include "crypto/digest.h"

namespace sztp::agent::test {

/// Thrown by a fake to simulate the agent process dying.
struct Killed {};

/// Counts port operations; at `killAt` the operation throws. Every operation
/// with an effect ticks twice: before (the effect does not happen) and after
/// (the effect happened and was recorded durably, but the agent never
/// learnt the outcome).
struct OpCounter {
  int count = 0;
  int killAt = -1;
  void tick() {
    if (++count == killAt) {
      throw Killed{};
    }
  }
};

struct World {
  OpCounter ops;
  FixedClock clock{TimePoint(std::chrono::sys_days(std::chrono::year(2026) / 6 / 1)) +
                   std::chrono::hours(12)};
  // Platform
  std::string bootId = "boot-1";
  std::optional<std::string> osName = std::string("VendorOS");
  std::optional<std::string> osVersion = std::string("1.0");
  std::uint64_t freeBytes = std::uint64_t{1} << 34;
  std::map<std::string, Bytes> files;
  std::vector<std::chrono::milliseconds> sleeps;
  // What the installer put in place, started by a reboot.
  std::optional<std::string> stagedVersion;
  bool rebootActivatesImage = true;
  // Effects, one entry per command that took effect, by kind ("install",
  // "pre-script", "config", "post-script", "reboot").
  std::vector<std::string> effects;
  std::map<std::string, StepResult> durable;  // StepRunner records.
  std::map<std::string, std::function<StepResult(const StepCommand&)>> behaviour;  // by kind
  std::vector<StepCommand> commands;
  // StateStore
  std::optional<std::string> stateDoc;
  int saves = 0;
  // Events
  std::vector<AgentEvent> events;

  int effectCount(const std::string& kind) const {
    int n = 0;
    for (const auto& e : effects) {
      n += e == kind;
    }
    return n;
  }
  bool hasEvent(std::string_view id) const {
    for (const auto& e : events) {
      if (e.id == id) {
        return true;
      }
    }
    return false;
  }
};

/// The kind of a command: the part of its step id after "sN/".
inline std::string stepKind(const std::string& stepId) {
  auto slash = stepId.find('/');
  std::string kind = slash == std::string::npos ? stepId : stepId.substr(slash + 1);
  while (!kind.empty() && kind.back() == '+') {
    kind.pop_back();
  }
  return kind;
}

class FakeStepRunner : public StepRunner {
 public:
  explicit FakeStepRunner(World& w) : w_(w) {}
  Result<StepResult> run(const StepCommand& command) override {
    w_.ops.tick();
    w_.commands.push_back(command);
    const std::string kind = stepKind(command.stepId);
    StepResult result;
    result.exitCode = 0;
    if (auto it = w_.behaviour.find(kind); it != w_.behaviour.end()) {
      result = it->second(command);
    }
    if (result.exitCode == 0 && !result.timedOut) {
      w_.effects.push_back(kind);
      if (kind == "reboot") {
        w_.bootId += "'";
        if (w_.stagedVersion && w_.rebootActivatesImage) {
          w_.osVersion = w_.stagedVersion;
        }
      }
    }
    w_.durable[command.stepId] = result;
    w_.ops.tick();
    return result;
  }
  Result<std::optional<StepResult>> recover(const std::string& stepId) override {
    w_.ops.tick();
    auto it = w_.durable.find(stepId);
    if (it == w_.durable.end()) {
      return std::optional<StepResult>();
    }
    return std::optional<StepResult>(it->second);
  }
  void clear() override {
    w_.ops.tick();
    w_.durable.clear();
  }

 private:
  World& w_;
};

class FakePlatform : public Platform {
 public:
  explicit FakePlatform(World& w) : w_(w) {}
  std::string bootId() override { return w_.bootId; }
  Result<std::uint64_t> freeBytes(const std::string&) override { return w_.freeBytes; }
  std::optional<std::string> osName() override { return w_.osName; }
  std::optional<std::string> osVersion() override { return w_.osVersion; }
  std::vector<model::SshHostKey> sshHostKeys() override {
    return {{"ssh-ed25519", Bytes(51, 0x42)}};
  }
  std::vector<Bytes> trustAnchorCerts() override { return {}; }
  Bytes randomBytes(std::size_t count) override {
    Bytes out(count);
    for (std::size_t i = 0; i < count; ++i) {
      out[i] = static_cast<std::uint8_t>(++seed_ * 37);
    }
    return out;
  }
  void sleepFor(std::chrono::milliseconds d) override {
    w_.sleeps.push_back(d);
    w_.clock.advance(std::chrono::duration_cast<std::chrono::seconds>(d));
  }
  Status writeFile(const std::string& path, ByteView content, bool) override {
    w_.ops.tick();
    w_.files[path] = Bytes(content.begin(), content.end());
    w_.ops.tick();
    return {};
  }

 private:
  World& w_;
  unsigned seed_ = 0;
};

class FakeStore : public StateStore {
 public:
  explicit FakeStore(World& w) : w_(w) {}
  Result<std::optional<std::string>> load() override { return w_.stateDoc; }
  Status save(std::string_view document) override {
    w_.ops.tick();
    w_.stateDoc = std::string(document);
    ++w_.saves;
    return {};
  }

 private:
  World& w_;
};

class FakeSink : public EventSink {
 public:
  explicit FakeSink(World& w) : w_(w) {}
  void emit(const AgentEvent& event) override { w_.events.push_back(event); }

 private:
  World& w_;
};

/// Downloads from a map of URI → content; checks the hash like the real one.
class FakeDownloader : public Downloader {
 public:
  FakeDownloader(World& w) : w_(w) {}
  std::map<std::string, Bytes> content;
  std::vector<std::string> requested;
  std::vector<std::string> destinations;
  int failFirst = 0;  ///< Downloads that fail (connection lost) before any succeeds.
  Result<DownloadResult> download(const DownloadRequest& request) override {
    w_.ops.tick();
    requested.push_back(request.uri);
    destinations.push_back(request.destinationPath);
    if (failFirst > 0) {
      --failFirst;
      return Error(make_error_code(IoErrc::FileUnreadable), "connection lost");
    }
    auto it = content.find(request.uri);
    if (it == content.end()) {
      return Error(make_error_code(IoErrc::FileUnreadable), request.uri);
    }
    const Bytes hash = crypto::sha256(it->second);
    bool match = request.sha256.empty();
    for (const auto& h : request.sha256) {
      match = match || h == hash;
    }
    if (!match) {
      return Error(make_error_code(IoErrc::FileUnreadable), "sha-256 mismatch");
    }
    if (request.progress) {
      request.progress(it->second.size(), it->second.size());
    }
    w_.files[request.destinationPath] = it->second;
    DownloadResult result{it->second.size(), hash, false};
    w_.ops.tick();
    return result;
  }

 private:
  World& w_;
};

struct SentReport {
  std::string host;
  model::ReportProgressInput input;
};

/// A bootstrap server per host: a function from the request to the answer.
class FakeClient : public BootstrapClient {
 public:
  explicit FakeClient(World& w) : w_(w) {}
  using Handler = std::function<Result<ServerAnswer>(const ServerEndpoint&,
                                                     const model::GetBootstrappingDataInput&)>;
  std::map<std::string, Handler> servers;
  std::vector<std::pair<ServerEndpoint, model::GetBootstrappingDataInput>> requests;
  std::vector<SentReport> reports;
  std::set<model::ProgressType> refuse;  ///< Answered with a non-204.

  Result<ServerAnswer> getBootstrappingData(
      const ServerEndpoint& endpoint, const model::GetBootstrappingDataInput& input) override {
    w_.ops.tick();
    requests.emplace_back(endpoint, input);
    auto it = servers.find(endpoint.server.host);
    if (it == servers.end()) {
      return Error(make_error_code(IoErrc::FileUnreadable), "no route to " + endpoint.server.host);
    }
    return it->second(endpoint, input);
  }
  Status reportProgress(const ServerEndpoint& endpoint,
                        const model::ReportProgressInput& input) override {
    w_.ops.tick();
    if (refuse.contains(input.progressType)) {
      return Error(make_error_code(IoErrc::FileUnreadable), "HTTP 500");
    }
    reports.push_back({endpoint.server.host, input});
    w_.ops.tick();
    return {};
  }
  std::vector<std::string> reportNames() const {
    std::vector<std::string> names;
    for (const auto& r : reports) {
      names.emplace_back(model::progressTypeName(r.input.progressType));
    }
    return names;
  }

 private:
  World& w_;
};

class FakeSource : public SourceProvider {
 public:
  FakeSource(SourceKind kind, std::vector<SourceYield> yields)
      : kind_(kind), yields_(std::move(yields)) {}
  SourceKind kind() const override { return kind_; }
  Result<std::vector<SourceYield>> discover() override {
    if (fail) {
      return Error(make_error_code(IoErrc::FileUnreadable), "lease file unreadable");
    }
    return yields_;
  }
  bool fail = false;

 private:
  SourceKind kind_;
  std::vector<SourceYield> yields_;
};

}  // namespace sztp::agent::test
