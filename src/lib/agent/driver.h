#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "agent/agent_state.h"
#include "agent/engine.h"
#include "agent/ports.h"
#include "agent/settings.h"
#include "common/clock.h"

namespace sztp::agent {

/// The implementations the driver works through (ports.h). References must
/// outlive the Driver; `sources` are asked in settings.sourceOrder, and for
/// one kind in the order given here.
struct Ports {
  std::vector<SourceProvider*> sources;
  BootstrapClient& client;
  Downloader& downloader;
  StepRunner& steps;
  Platform& platform;
  StateStore& store;
  EventSink& events;
  const Clock& clock;
};

struct CycleOutcome {
  enum class Kind {
    Completed,            ///< bootstrap-complete done (now or in an earlier run).
    Rebooting,            ///< A boot image was installed and the reboot command ran.
    NothingBootstrapped,  ///< Every source and server tried; none provisioned the device.
    Failed,               ///< A resumed session failed; the next cycle starts afresh.
    Disabled,             ///< settings.enabled is false.
    /// run()'s stopRequested() held between two onboarding steps; the state is
    /// saved and the session resumes at the next step on the next start.
    Stopped,
  };
  Kind kind = Kind::NothingBootstrapped;
  std::string reason;  ///< Reason code for NothingBootstrapped/Failed (the last error seen).
  std::string detail;
};

struct RunOutcome {
  enum class Kind { Completed, Rebooting, Disabled, Stopped, GaveUp, Error };
  Kind kind = Kind::Stopped;
  std::uint32_t cycles = 0;  ///< Cycles run by this call.
  std::string reason;        ///< Reason code for GaveUp/Error.
};

/// Carries out RFC 8572 §5.2–5.6 through the ports. The state is saved
/// through StateStore before every side effect (reports, downloads,
/// commands, reboot); on the first cycle the driver loads the state and
/// resumes: a completed state does nothing, an onboarding session continues
/// where it stopped (a step recorded as started is recovered through
/// StepRunner::recover, never run again; an unknown outcome fails the step
/// with step-interrupted), a pending reboot is confirmed by the boot id.
///
/// Exceptions thrown by a port propagate unchanged (the driver holds no
/// resources that need unwinding); a real port reports failures as errors.
class Driver {
 public:
  Driver(const AgentSettings& settings, Ports ports, DeviceIdentity identity);

  /// One pass over all sources. An error only when the state cannot be saved
  /// (state-save-failed): nothing further was done.
  Result<CycleOutcome> runCycle();

  /// Cycles until completed, rebooting, disabled, `stopRequested()` or
  /// settings.retry.maxCycles, with bounded exponential backoff and jitter
  /// between failed cycles (Platform::sleepFor). `stopRequested()` is also
  /// asked between onboarding steps (a step already started runs to its end).
  RunOutcome run(const std::function<bool()>& stopRequested);

  /// The state as last saved (loaded on the first cycle).
  const AgentState& state() const { return state_; }

 private:
  enum class SessionEnd { Completed, Rebooting, Failed, Stopped };
  struct Work;

  void ensureLoaded();
  Status save();
  Result<std::optional<CycleOutcome>> resume();
  Result<CycleOutcome> discover();
  Result<std::optional<SessionEnd>> processSource(SourceProvider& provider, Work& work);
  Result<std::optional<SessionEnd>> processServer(const WorkItem& item, Work& work);
  Result<std::optional<SessionEnd>> processData(const trust::BootstrappingData& data,
                                                const WorkItem* item, SourceKind source,
                                                const std::string& origin,
                                                std::optional<model::ReportingLevel> level,
                                                bool tlsTrusted, const std::optional<Bytes>& nonce,
                                                Work& work);
  /// A parsing-error report to the server of `item`, which TLS authenticated
  /// (D43), carrying the reason code; state saved first.
  Status reportRejection(const WorkItem& item, const std::string& reason,
                         const std::string& message);
  Result<SessionEnd> runSession();
  Result<std::optional<SessionEnd>> bootImageStep(const model::OnboardingInformation& info);
  Result<std::optional<SessionEnd>> downloadImage(const model::BootImage& image);
  Result<SessionEnd> reboot();
  Result<std::optional<SessionEnd>> scriptStep(StepProgress& step, const Bytes& script, bool post);
  Result<std::optional<SessionEnd>> configStep(const model::OnboardingInformation& info);
  Result<SessionEnd> completeStep();
  /// Runs a command, or recovers its outcome when it was started before.
  Result<StepResult> runOrRecover(StepProgress& step, StepCommand command);
  Status report(model::ProgressType type, const std::string& message, bool withHostKeys = false);
  Result<SessionEnd> failSession(model::ProgressType type, std::string_view reason,
                                 const std::string& detail, std::string_view step);
  void recordAttempt(SourceKind source, const std::string& origin, const std::string& server,
                     std::string outcome, std::string reason = {}, std::string detail = {});
  void setError(std::string_view reason, const std::string& message, std::string_view step);
  std::optional<ServerEndpoint> sessionEndpoint() const;

  const AgentSettings& settings_;
  Ports ports_;
  DeviceIdentity identity_;
  AgentState state_;
  bool loaded_ = false;
  std::function<bool()> stopRequested_;  ///< run()'s, for the checks between steps.
};

}  // namespace sztp::agent
