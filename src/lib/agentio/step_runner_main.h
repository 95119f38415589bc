#pragma once

namespace sztp::agentio {

/// The program sztp-step-runner (installed to libexec), started by
/// DetachedStepRunner in a new session so that it outlives the agent:
///
///   sztp-step-runner <step-dir> <lock-fd>
///
/// <lock-fd> is an inherited descriptor of <step-dir>/runner.lock on which the
/// agent took an exclusive flock before starting us; holding it for our whole
/// life is how a restarted agent tells "still running" from "gone" without
/// pid races. The runner reads <step-dir>/cmd.json, runs the command with
/// exactly its environment (D48: nothing inherited), stdin /dev/null, stdout
/// and stderr captured together through a pipe, in its own process group;
/// at the time limit it sends SIGTERM to the whole group, then SIGKILL after
/// the grace period. Output beyond maxOutput is dropped from the HEAD: the
/// last maxOutput bytes are kept, as errors come at the end. It then writes
/// <step-dir>/output and, last, <step-dir>/result.json (each atomically:
/// result.json is the commit point) and exits 0. A command that cannot be
/// started is a result too (exit code 127, the reason as output). If
/// result.json already exists it exits at once, so a command never runs twice.
/// Exit status 2: unusable arguments or cmd.json (reason on stderr and in
/// <step-dir>/runner.log); no result is written.
int runStepMain(int argc, char** argv);

}  // namespace sztp::agentio
