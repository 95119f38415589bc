#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "agent/agent_state.h"

namespace sztp::agent {

/// What `ztp status` knows besides the state file.
struct StatusExtras {
  std::string version;           ///< Agent version.
  std::optional<int> pid;        ///< The running agent's pid, nullopt when none runs.
  bool enabled = true;           ///< false after `ztp disable`.
  std::optional<TimePoint> now;  ///< For elapsed times; nullopt leaves them out.
};

/// The documented top-level "state" of `ztp status --json`:
///   disabled        provisioning is off (`ztp disable`), whatever happened before;
///   not-started     the agent has never run a cycle;
///   in-progress     discovering sources/servers or onboarding (also between
///                   retries of a cycle in which nothing failed yet);
///   awaiting-reboot a boot image was installed and the device is rebooting;
///   completed       bootstrap-complete was sent; the agent exits on start;
///   failed          the last cycle failed; "reason" holds its reason code and
///                   the agent retries after a backoff.
std::string_view statusState(const AgentState& state, bool enabled);

/// JSON object with "state", "reason" (failed only), "version", "pid",
/// "enabled", times (RFC 3339), "current-step", "attempts", "sources",
/// "discovered", "trust" (server TLS and signed-data validation, with the
/// checks when verbose), "boot-image" with download progress, "steps",
/// "reports" and "last-error".
std::string renderStatusJson(const AgentState& state, const StatusExtras& extras, bool verbose);

/// The same for people, one "Key: value" per line.
std::string renderStatusText(const AgentState& state, const StatusExtras& extras, bool verbose);

}  // namespace sztp::agent
