#pragma once

#include <system_error>

#include "common/error.h"

namespace sztp::agent {

/// Why the device agent stopped a source, a server or an onboarding step
/// (RFC 8572 §5.2–5.6). The code is the first word of every *-error progress
/// report message, of the failure event and of `ztp status` "reason"; the
/// detail of the Error names the specifics (URI, exit code, HTTP status).
/// Validation failures of bootstrapping data keep their trust codes
/// (trust/trust_error.h); these are the agent's own.
enum class AgentErrc {
  /// No source yielded anything that bootstrapped the device in this cycle.
  NoSourceBootstrapped = 1,
  /// A source could not be read (lease file, DNS, removable storage).
  SourceFailed,
  /// A bootstrap server could not be contacted or its answer was unusable.
  ServerFailed,
  /// Redirect information nested deeper than the configured cap (D18).
  RedirectDepthExceeded,
  /// A progress report was answered with something other than 204 (D42, D52).
  ServerRefused,
  /// bootstrap-initiated was not accepted by the server (D42).
  BootstrapInitiatedRejected,
  /// The boot image has neither an image-verification hash nor a vendor mechanism (D46).
  BootImageNoVerification,
  /// Every download-uri failed, or the image failed its hash (D45, D46).
  BootImageDownloadFailed,
  /// The target file system lacks space for the boot image.
  InsufficientSpace,
  /// The installer command failed or timed out.
  BootImageInstallFailed,
  /// After the reboot the running image is still not the one installed (D44).
  BootImageNotRunningAfterReboot,
  /// The reboot command failed.
  RebootFailed,
  /// The pre-configuration script exited with a code other than 0 or 1 (D48, D49).
  PreScriptError,
  /// The pre-configuration script exited with 1: a soft error (D49).
  PreScriptWarning,
  /// The post-configuration script exited with a code other than 0 or 1 (D48, D49).
  PostScriptError,
  /// The post-configuration script exited with 1: a soft error (D49).
  PostScriptWarning,
  /// A script did not finish within its time limit (hard error, D49).
  ScriptTimeout,
  /// The configuration could not be committed (D50).
  ConfigApplyFailed,
  /// bootstrap-complete was not accepted by the server (D52).
  BootstrapCompleteRejected,
  /// A step was started before the agent stopped and its outcome is unknown.
  StepInterrupted,
  /// The state file is unreadable; the agent starts afresh.
  StateCorrupt,
  /// The state could not be saved, so no side effect may be performed.
  StateSaveFailed,
  /// Provisioning is disabled (`ztp disable`).
  Disabled,
};

const ReasonCategory& agentCategory() noexcept;

inline std::error_code make_error_code(AgentErrc e) noexcept {
  return {static_cast<int>(e), agentCategory()};
}

}  // namespace sztp::agent

template <>
struct std::is_error_code_enum<sztp::agent::AgentErrc> : std::true_type {};
