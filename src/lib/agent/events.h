#pragma once

#include <map>
#include <span>
#include <string>
#include <string_view>

#include "agent/ports.h"

namespace sztp::agent {

/// Every event the agent logs, with a stable id ("SZTP-A0001"...). Ids are
/// never reused or renumbered; docs/agent.md lists them with `summary`.
enum class EventId {
  CycleStarted = 1,       ///< A01 a pass over all sources began
  SourceAsked,            ///< A02 a source kind is being asked
  SourceNothing,          ///< A03 the source had nothing
  SourceYielded,          ///< A04 the source yielded data or servers
  SourceFailed,           ///< A05 the source could not be read
  ServerContacting,       ///< A06 get-bootstrapping-data sent
  ServerTlsTrusted,       ///< A07 the server's TLS certificate validated (D13)
  ServerTlsProvisional,   ///< A08 provisional connection (D38, D39)
  ServerFailed,           ///< A09 the server gave no usable answer
  DataValidated,          ///< A10 bootstrapping data passed validation
  DataCheck,              ///< A11 one §5.4 check (debug)
  DataRejected,           ///< A12 bootstrapping data refused
  TrustStateChanged,      ///< A13 trust-state TRUE/FALSE (D12, D17)
  RedirectFollowed,       ///< A14 redirect information queued (§5.5)
  RedirectDepthExceeded,  ///< A15 redirect cap reached (D18)
  StepInitiated,          ///< A16 an onboarding step started
  StepComplete,           ///< A17 an onboarding step finished
  StepWarning,            ///< A18 soft error (D49, D51)
  StepError,              ///< A19 hard error; back to the enclosing loop (D41)
  ReportSent,             ///< A20 progress report accepted (204)
  ReportFailed,           ///< A21 progress report not accepted
  RebootRequested,        ///< A22 reboot command about to run
  ResumedAfterReboot,     ///< A23 a new boot after an image install
  Completed,              ///< A24 bootstrap-complete; the agent is done
  CycleFailed,            ///< A25 a cycle ended without bootstrapping the device
  Disabled,               ///< A26 provisioning disabled; nothing done
  BackoffSleep,           ///< A27 waiting before the next cycle
  StateResumed,           ///< A28 state loaded from an earlier run
  StepRecovered,          ///< A29 a started step's outcome recovered after restart
  StateCorrupt,           ///< A30 the state file was unreadable; starting afresh
  AlreadyCompleted,       ///< A31 state says completed; the agent exits
  DownloadProgress,       ///< A32 boot-image download progress (debug)
};

/// "SZTP-A0007".
std::string eventIdText(EventId id);
/// Short name, e.g. "server-tls-trusted", for docs.
std::string_view eventName(EventId id);
AgentEvent::Severity defaultSeverity(EventId id);
inline constexpr int kEventCount = 32;

/// Emits one event: `reason` (when not empty) goes first in the message and
/// into the "reason" field.
void emitEvent(EventSink& sink, EventId id, std::string_view message,
               std::map<std::string, std::string> fields = {}, std::string_view reason = {});

}  // namespace sztp::agent
