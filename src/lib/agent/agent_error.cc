#include "agent/agent_error.h"

#include <array>

namespace sztp::agent {
namespace {

#define SZTP_REASON(e, code, text)             \
  ReasonInfo {                                 \
    static_cast<int>(AgentErrc::e), code, text \
  }

// docs/reason-codes.md "Device agent (agent)" lists the same rows.
constexpr std::array kReasons{
    SZTP_REASON(NoSourceBootstrapped, "no-source-bootstrapped",
                "no source yielded bootstrapping data that provisioned the device; check DHCP "
                "option 143/136, DNS, removable storage and the configured bootstrap servers"),
    SZTP_REASON(SourceFailed, "source-failed",
                "a bootstrapping source could not be read; the agent tried the next source"),
    SZTP_REASON(ServerFailed, "server-failed",
                "a bootstrap server could not be reached or gave no usable answer; check "
                "its address, its TLS certificate and the network path"),
    SZTP_REASON(RedirectDepthExceeded, "redirect-depth-exceeded",
                "redirect information nested deeper than the configured limit; the bootstrap "
                "servers redirect in a loop"),
    SZTP_REASON(ServerRefused, "server-refused",
                "the bootstrap server answered a progress report with something other than "
                "204 No Content"),
    SZTP_REASON(BootstrapInitiatedRejected, "bootstrap-initiated-rejected",
                "the bootstrap server did not accept bootstrap-initiated, so the onboarding "
                "information was not processed"),
    SZTP_REASON(BootImageNoVerification, "boot-image-no-verification",
                "the boot image has no image-verification hash, so it cannot be verified and "
                "is not installed; the owner must add a sha-256 hash"),
    SZTP_REASON(BootImageDownloadFailed, "boot-image-download-failed",
                "the boot image could not be downloaded from any download-uri, or it did not "
                "match its hash"),
    SZTP_REASON(InsufficientSpace, "insufficient-space",
                "there is not enough free space for the boot image; free space in the agent's "
                "work directory"),
    SZTP_REASON(BootImageInstallFailed, "boot-image-install-failed",
                "the installer command failed to install the boot image; see its output in "
                "the report message"),
    SZTP_REASON(BootImageNotRunningAfterReboot, "boot-image-not-running-after-reboot",
                "after the reboot the device does not run the boot image that was installed; "
                "check the boot loader and the installer"),
    SZTP_REASON(RebootFailed, "reboot-failed",
                "the reboot command failed, so the new boot image is not running"),
    SZTP_REASON(PreScriptError, "pre-script-error",
                "the pre-configuration script exited with a code other than 0 (success) or 1 "
                "(warning)"),
    SZTP_REASON(PreScriptWarning, "pre-script-warning",
                "the pre-configuration script exited with 1, a soft error; onboarding "
                "continued"),
    SZTP_REASON(PostScriptError, "post-script-error",
                "the post-configuration script exited with a code other than 0 (success) or 1 "
                "(warning)"),
    SZTP_REASON(PostScriptWarning, "post-script-warning",
                "the post-configuration script exited with 1, a soft error; onboarding "
                "continued"),
    SZTP_REASON(ScriptTimeout, "script-timeout",
                "a script or command did not finish within its time limit and was killed"),
    SZTP_REASON(ConfigApplyFailed, "config-apply-failed",
                "the configuration could not be committed; see the apply command's output"),
    SZTP_REASON(BootstrapCompleteRejected, "bootstrap-complete-rejected",
                "the bootstrap server did not accept bootstrap-complete"),
    SZTP_REASON(StepInterrupted, "step-interrupted",
                "the agent stopped while a step was running and the step's outcome was lost; "
                "the step is treated as failed"),
    SZTP_REASON(StateCorrupt, "state-corrupt",
                "the agent's state file is unreadable; the agent starts afresh (`ztp erase` "
                "removes it)"),
    SZTP_REASON(StateSaveFailed, "state-save-failed",
                "the agent's state could not be saved, so no further step was taken; check "
                "the state directory's file system"),
    SZTP_REASON(Disabled, "provisioning-disabled",
                "zero touch provisioning is disabled on this device (`ztp enable` turns it "
                "on)"),
};

#undef SZTP_REASON

}  // namespace

const ReasonCategory& agentCategory() noexcept {
  static const ReasonCategory category("sztp.agent", kReasons);
  return category;
}

}  // namespace sztp::agent
