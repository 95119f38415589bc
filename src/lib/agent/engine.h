#pragma once

// The decisions of RFC 8572 §5.2–5.6, as pure functions of the state, the
// settings and what a port returned. The driver (driver.h) calls them and
// carries out what they decide; nothing here does I/O, reads a clock or
// keeps global state, so every rule is testable on its own.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agent/agent_state.h"
#include "agent/ports.h"
#include "agent/settings.h"
#include "model/conveyed_info.h"

namespace sztp::agent {

std::string_view sourceKindName(SourceKind kind);  ///< "removable-storage", "dhcp", ...

/// One bootstrap server still to be contacted: an entry of the explicit work
/// list that replaces the recursion of §5.3/§5.5.
struct WorkItem {
  ServerEndpoint endpoint;  ///< Empty trustAnchors = provisional (D38, D39).
  int depth = 0;            ///< Redirect nesting: 0 for servers a source named.
  SourceKind source = SourceKind::Url;
  std::string origin;
};

/// "host:port", IPv6 literals in brackets.
std::string serverLabel(const ServerRef& server);

/// The certificates of a trust-anchor CMS (A14); an error when it is not a
/// certificate bag.
Result<std::vector<crypto::Certificate>> certificatesOf(ByteView trustAnchorCms);

/// The servers a source named (unsigned redirect information). Anchors come
/// only from the device's own configuration: the source's configured anchors
/// or, for configured well-known servers (D7), the server entry's own; a
/// discovered server's anchors are discarded (D39).
std::vector<WorkItem> sourceTargets(const SourceYield& yield, const DeviceIdentity& identity);

/// The servers of validated redirect information at `depth` (§5.5): trusted
/// data with a trust-anchor → authenticate to it (D37); trusted data without
/// → provisional (D38); untrusted data → anchors discarded, provisional
/// (D39). HTTP Basic only where the server will be authenticated (D58).
std::vector<WorkItem> redirectTargets(const model::RedirectInformation& redirect, bool trusted,
                                      int depth, SourceKind source, const std::string& origin,
                                      const DeviceIdentity& identity);

/// get-bootstrapping-data input (§7.3): untrusted servers get
/// signed-data-preferred and no identifying details (D57); the nonce, when
/// policy asks for one, goes to both (App. B).
model::GetBootstrappingDataInput makeRequest(const AgentSettings& settings,
                                             const DeviceIdentity& identity,
                                             bool serverAuthenticated,
                                             const std::optional<Bytes>& nonce);

/// Nonce length clamped to 16..32 octets (RFC 8572 §7.3, D28).
std::size_t nonceLength(const AgentSettings& settings);

/// The §5.4 validation context (D16–D34); `now` is nullopt when the
/// settings say the clock is not trusted (D24, D34).
trust::ValidationContext makeValidationContext(const AgentSettings& settings,
                                               const DeviceIdentity& identity, bool sourceTrusted,
                                               const std::optional<Bytes>& nonce,
                                               std::optional<TimePoint> now);

/// D44: what to do about boot-image criteria.
enum class ImageDecision {
  NotNeeded,              ///< No criteria, or the running image meets them.
  Install,                ///< Download, verify, install, reboot.
  NotRunningAfterReboot,  ///< We installed exactly this image, rebooted, and it does not run.
};
ImageDecision decideBootImage(const model::BootImage& image,
                              const std::optional<std::string>& runningName,
                              const std::optional<std::string>& runningVersion,
                              const std::optional<InstalledImage>& installed,
                              std::string_view currentBootId);

/// D49 (our documented convention, RFC 8572 defines none): exit 0 success,
/// exit 1 warning (soft error, continue), any other exit, a signal or the
/// time limit error (hard, stop).
enum class ScriptVerdict { Success, Warning, Error, Timeout };
ScriptVerdict classifyScript(const StepResult& result);

/// Whether a progress report of `type` is sent in `session` (D53, D54):
/// never without a TLS-authenticated server; always bootstrap-initiated,
/// bootstrap-warning and every terminating type; with reporting-level
/// verbose every other type too.
bool shouldReport(model::ProgressType type, const OnboardingSession& session);

/// "<reason>: <detail>" (every *-error message starts with its reason code).
std::string reportMessage(std::string_view reason, std::string_view detail);

/// The last `max` bytes of `output`, cut at a line start when one is near.
std::string outputTail(std::string_view output, std::size_t max);

/// `argv` with every occurrence of `placeholder` in each argument replaced.
std::vector<std::string> expandArgv(const std::vector<std::string>& argv,
                                    std::string_view placeholder, std::string_view value);

/// Bounded exponential backoff with jitter: `unitRandom` in [0,1).
std::chrono::milliseconds backoffDelay(const RetryPolicy& policy, std::uint32_t failedCycles,
                                       double unitRandom);

/// The reason code of an error (its stable code, or "unknown").
std::string reasonOf(const Error& error);

/// Whether `reason` says a server answered but the answer could not be used
/// (too large, truncated, malformed, the wrong media type) — as opposed to
/// the server not being reached or not authenticated. Such a server, when
/// TLS authenticated it, is told with a parsing-error report.
bool isUnusableAnswer(std::string_view reason);

}  // namespace sztp::agent
