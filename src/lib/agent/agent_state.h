#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/bytes.h"
#include "common/clock.h"
#include "common/result.h"
#include "model/bootstrap_rpc.h"
#include "trust/signed_data_validator.h"

namespace sztp::agent {

/// What the agent must remember across a crash or a reboot, and what
/// `ztp status` shows. Saved through StateStore before every side effect
/// (issue 4 item 5); a state file is untrusted input (parseState is strict).

/// The agent's phase. Idle: never run or between cycles; Discovering: asking
/// sources and servers; Onboarding: processing one server's onboarding
/// information (the session below); AwaitingReboot: a boot image was
/// installed and the reboot command issued; Completed: bootstrap-complete
/// done, the agent exits on start; Failed: the last cycle failed (retries
/// continue); Disabled: `ztp disable`.
enum class Phase { Idle, Discovering, Onboarding, AwaitingReboot, Completed, Failed, Disabled };

std::string_view phaseName(Phase phase);  ///< "idle", "awaiting-reboot", ...
std::optional<Phase> phaseFromName(std::string_view name);

/// One source or server asked in a cycle, with what came of it.
struct AttemptRecord {
  std::uint32_t cycle = 0;
  std::string source;  ///< "dhcp", "removable-storage", ... (sourceKindName).
  std::string origin;  ///< Where, e.g. "dhcpv4 eth0 (lease ...)".
  std::string server;  ///< "host:port" when a server was contacted.
  /// "nothing", "yielded", "failed", "redirected", "onboarded", "refused".
  std::string outcome;
  std::string reason;  ///< Reason code when failed/refused.
  std::string detail;
  bool operator==(const AttemptRecord&) const = default;
};

/// A DHCP (or other discovery) observation, for `ztp status`.
struct DiscoveryRecord {
  std::string source;
  std::string origin;
  std::vector<std::string> servers;  ///< "host:port" as found.
  bool operator==(const DiscoveryRecord&) const = default;
};

enum class ImageStatus {
  NotNeeded,  ///< No boot-image criteria, or the running image meets them.
  Pending,    ///< Criteria not met; nothing done yet.
  Downloading,
  Verified,    ///< Downloaded and matched its hash (D46).
  Installing,  ///< The installer step was started.
  Installed,
  Rebooting,  ///< The reboot step was started (bootIdAtReboot set).
  Complete,   ///< Running the image after the reboot.
  Failed,
};
std::string_view imageStatusName(ImageStatus status);

struct BootImageProgress {
  ImageStatus status = ImageStatus::NotNeeded;
  std::optional<std::string> osName;  ///< Wanted by the onboarding information.
  std::optional<std::string> osVersion;
  std::string uri;   ///< The download-uri being (or last) used.
  std::string path;  ///< Staged image file.
  std::uint64_t bytes = 0;
  std::optional<std::uint64_t> total;
  std::string bootIdAtReboot;
  bool operator==(const BootImageProgress&) const = default;
};

enum class StepStatus { Pending, Started, Done, Warning, Failed, Skipped };
std::string_view stepStatusName(StepStatus status);

/// A pre-script, configuration or post-script step.
struct StepProgress {
  StepStatus status = StepStatus::Pending;
  std::string stepId;  ///< StepRunner id while Started and after.
  std::optional<int> exitCode;
  bool timedOut = false;
  std::string outputTail;
  bool operator==(const StepProgress&) const = default;
};

/// One §5.4 check as recorded (trust::CheckRecord, comparable).
struct CheckEntry {
  std::string rule;
  std::string name;
  trust::CheckRecord::Outcome outcome = trust::CheckRecord::Outcome::Passed;
  std::string detail;
  bool operator==(const CheckEntry&) const = default;
};

/// The server a session's onboarding information came from, kept so that a
/// restarted agent reports to the same server with the same trust (D13).
struct ServerRecord {
  std::string host;
  std::uint16_t port = 443;
  std::vector<Bytes> trustAnchors;  ///< DER certificates; empty = provisional.
  bool sendBasicAuth = false;
  bool operator==(const ServerRecord&) const = default;
};

/// One onboarding-information session (§5.6).
struct OnboardingSession {
  std::string id;                      ///< "s<N>": prefixes step ids.
  std::string origin;                  ///< The source it came from.
  std::optional<ServerRecord> server;  ///< Absent for data from a source (no reports).
  bool serverTrusted = false;          ///< TLS authenticated: reports allowed (D53).
  bool signedData = false;             ///< Validated per §5.4 (D17).
  model::ReportingLevel reportingLevel = model::ReportingLevel::Minimal;
  /// The validated onboarding information, RFC 7951 JSON conveyed-information.
  std::string onboarding;
  std::vector<CheckEntry> checks;  ///< Of the §5.4 validation.
  std::optional<Bytes> nonce;
  BootImageProgress bootImage;
  StepProgress preScript;
  StepProgress config;
  StepProgress postScript;
  StepProgress reboot;
  StepProgress install;
  /// Progress types already sent (so a resumed session does not repeat them).
  std::vector<std::string> reportsSent;
  std::vector<std::string> warnings;  ///< Reason codes of soft errors (D51).
  /// Ended by step-interrupted. The next session with identical onboarding
  /// information keeps the steps this one completed instead of running them
  /// again (issue 4 item 5: no step takes effect twice).
  bool interrupted = false;
  bool operator==(const OnboardingSession&) const = default;
};

/// The image the agent installed, remembered across the reboot (D44).
struct InstalledImage {
  std::optional<std::string> osName;
  std::optional<std::string> osVersion;
  std::string bootIdAtReboot;
  bool operator==(const InstalledImage&) const = default;
};

struct LastError {
  std::string reason;  ///< Stable reason code.
  std::string message;
  std::string step;  ///< "boot-image", "pre-script", "source", ...
  bool operator==(const LastError&) const = default;
};

struct AgentState {
  Phase phase = Phase::Idle;
  std::uint32_t sessionCounter = 0;
  std::uint32_t cycles = 0;        ///< Cycles started.
  std::uint32_t failedCycles = 0;  ///< Consecutive cycles without success.
  std::optional<TimePoint> firstStart;
  std::optional<TimePoint> cycleStart;
  std::optional<TimePoint> lastUpdate;
  std::optional<TimePoint> completedAt;
  std::string currentStep;
  std::vector<AttemptRecord> attempts;  ///< Of the current/last cycle.
  std::vector<DiscoveryRecord> discovered;
  std::optional<OnboardingSession> session;
  std::optional<InstalledImage> installedImage;
  std::uint32_t reportsSent = 0;
  std::uint32_t reportsFailed = 0;
  std::optional<LastError> lastError;
  bool operator==(const AgentState&) const = default;
};

/// Stable JSON, {"sztp-agent-state": {"version": 1, ...}}.
std::string encodeState(const AgentState& state);

/// Limits of a state document.
inline constexpr std::size_t kMaxStateBytes = std::size_t{64} * 1024 * 1024;
inline constexpr std::size_t kMaxStateDepth = 8;
inline constexpr std::size_t kMaxStateListEntries = 1024;

/// Strict parse: every member typed, unknown members refused, lists capped.
/// Errors are CodecErrc (InputTooLarge, MalformedJson, UnknownNode,
/// InvalidValue, ...) naming the member.
Result<AgentState> parseState(std::string_view text);

}  // namespace sztp::agent
