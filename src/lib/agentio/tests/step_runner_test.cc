#include "agentio/step_runner.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "agentio/agentio_error.h"
#include "agentio/step_record.h"
#include "testutil/command.h"
#include "testutil/temp_dir.h"

namespace sztp::agentio {
namespace {

namespace fs = std::filesystem;
using agent::StepCommand;
using testutil::TempDir;
using SteadyClock = std::chrono::steady_clock;

StepCommand shell(std::string id, std::string script) {
  StepCommand command;
  command.stepId = std::move(id);
  command.argv = {"/bin/sh", "-c", std::move(script)};
  command.environment = {{"PATH", "/usr/sbin:/usr/bin:/sbin:/bin"}};
  command.timeout = std::chrono::seconds(30);
  return command;
}

class StepRunnerTest : public ::testing::Test {
 protected:
  std::string stepsDir() const { return (dir_ / "steps").string(); }
  DetachedStepRunner makeRunner() const {
    DetachedStepRunnerOptions options;
    options.killGrace = std::chrono::seconds(1);
    return DetachedStepRunner(stepsDir(), testutil::binaryPath("sztp-step-runner"), options);
  }
  TempDir dir_;
};

bool processGone(pid_t pid) {
  // An orphan may linger as a zombie if pid 1 does not reap: that is dead.
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  if (!stat) {
    return true;
  }
  std::string content((std::istreambuf_iterator<char>(stat)), {});
  const auto paren = content.rfind(')');
  return paren != std::string::npos && paren + 2 < content.size() && content[paren + 2] == 'Z';
}

TEST_F(StepRunnerTest, ExitCodesAndOutputAreRecorded) {
  auto runner = makeRunner();
  for (int code : {0, 1, 2}) {
    SCOPED_TRACE(code);
    auto result = runner.run(
        shell("s" + std::to_string(code), "echo out; echo err >&2; exit " + std::to_string(code)));
    ASSERT_TRUE(result) << result.error().describe();
    EXPECT_EQ(result->exitCode, code);
    EXPECT_FALSE(result->timedOut);
    EXPECT_EQ(result->output, "out\nerr\n");
  }
}

TEST_F(StepRunnerTest, StepIdWithSlashGetsASafeDirectory) {
  auto runner = makeRunner();
  ASSERT_TRUE(runner.run(shell("s3/pre-script", "true")));
  EXPECT_TRUE(fs::exists(fs::path(stepsDir()) / "s3%2Fpre-script" / "result.json"));
  auto recovered = runner.recover("s3/pre-script");
  ASSERT_TRUE(recovered && recovered->has_value());
  EXPECT_EQ((*recovered)->exitCode, 0);
}

TEST_F(StepRunnerTest, EnvironmentIsExactlyTheCommands) {
  ASSERT_EQ(::setenv("SZTP_PARENT_SECRET", "leaked", 1), 0);
  auto runner = makeRunner();
  StepCommand command;
  command.stepId = "env";
  command.argv = {"/usr/bin/env"};
  command.environment = {{"GIVEN", "yes"}, {"OTHER", "a b"}};
  auto result = runner.run(command);
  ::unsetenv("SZTP_PARENT_SECRET");
  ASSERT_TRUE(result) << result.error().describe();
  EXPECT_EQ(result->exitCode, 0);
  EXPECT_EQ(result->output, "GIVEN=yes\nOTHER=a b\n");
}

TEST_F(StepRunnerTest, StdinIsEmpty) {
  auto runner = makeRunner();
  auto result = runner.run(shell("stdin", "wc -c"));
  ASSERT_TRUE(result);
  EXPECT_EQ(result->output, "0\n");
}

TEST_F(StepRunnerTest, BareProgramNameIsFoundOnTheCommandsPath) {
  auto runner = makeRunner();
  StepCommand command;
  command.stepId = "bare";
  command.argv = {"sh", "-c", "exit 3"};  // No PATH given: the standard one.
  auto result = runner.run(command);
  ASSERT_TRUE(result) << result.error().describe();
  EXPECT_EQ(result->exitCode, 3);
}

TEST_F(StepRunnerTest, MissingProgramIsAResultNotARunnerFailure) {
  auto runner = makeRunner();
  StepCommand command;
  command.stepId = "missing";
  command.argv = {"/nonexistent/installer", "--now"};
  auto result = runner.run(command);
  ASSERT_TRUE(result) << result.error().describe();
  EXPECT_EQ(result->exitCode, 127);
  EXPECT_NE(result->output.find("cannot execute /nonexistent/installer"), std::string::npos);
}

TEST_F(StepRunnerTest, TimeoutKillsTheWholeProcessGroup) {
  auto runner = makeRunner();
  const std::string pidFile = (dir_ / "child.pid").string();
  auto command = shell("slow", "sleep 30 & echo $! > " + pidFile + "; echo started; sleep 30");
  command.timeout = std::chrono::seconds(1);
  const auto begin = SteadyClock::now();
  auto result = runner.run(command);
  const auto elapsed = SteadyClock::now() - begin;
  ASSERT_TRUE(result) << result.error().describe();
  EXPECT_TRUE(result->timedOut);
  EXPECT_EQ(result->exitCode, -1);
  EXPECT_EQ(result->output, "started\n");
  EXPECT_LT(elapsed, std::chrono::seconds(10));
  const pid_t child = std::atoi(testutil::readText(pidFile).c_str());
  ASSERT_GT(child, 1);
  // The background sleep was in the group: it is gone too.
  for (int i = 0; i < 50 && !processGone(child); ++i) {
    ::usleep(100 * 1000);
  }
  EXPECT_TRUE(processGone(child));
}

TEST_F(StepRunnerTest, CommandIgnoringSigtermIsKilledAfterTheGrace) {
  auto runner = makeRunner();
  const std::string pidFile = (dir_ / "child.pid").string();
  // The ignored SIGTERM is inherited by the background sleep too.
  auto command = shell("stubborn", "trap '' TERM; sleep 30 & echo $! > " + pidFile + "; wait");
  command.timeout = std::chrono::seconds(1);
  const auto begin = SteadyClock::now();
  auto result = runner.run(command);
  const auto elapsed = SteadyClock::now() - begin;
  ASSERT_TRUE(result) << result.error().describe();
  EXPECT_TRUE(result->timedOut);
  EXPECT_EQ(result->exitCode, -1);
  EXPECT_GE(elapsed, std::chrono::milliseconds(1900));  // Timeout + grace.
  EXPECT_LT(elapsed, std::chrono::seconds(10));
  std::ifstream record(fs::path(stepsDir()) / "stubborn" / "result.json");
  std::stringstream text;
  text << record.rdbuf();
  auto outcome = parseStepOutcome(text.str());
  ASSERT_TRUE(outcome);
  EXPECT_EQ(outcome->signal, SIGKILL);
  const pid_t child = std::atoi(testutil::readText(pidFile).c_str());
  ASSERT_GT(child, 1);
  for (int i = 0; i < 50 && !processGone(child); ++i) {
    ::usleep(100 * 1000);
  }
  EXPECT_TRUE(processGone(child));
}

TEST_F(StepRunnerTest, OutputKeepsTheTail) {
  auto runner = makeRunner();
  auto command =
      shell("chatty", "i=0; while [ $i -lt 1000 ]; do echo line$i; i=$((i+1)); done; exit 1");
  command.maxOutput = 100;
  auto result = runner.run(command);
  ASSERT_TRUE(result) << result.error().describe();
  EXPECT_EQ(result->exitCode, 1);
  ASSERT_EQ(result->output.size(), 100u);
  EXPECT_TRUE(result->output.ends_with("line998\nline999\n"));
  EXPECT_EQ(result->output.find("line0\n"), std::string::npos);
}

TEST_F(StepRunnerTest, LargeOutputDoesNotBlockTheCommand) {
  auto runner = makeRunner();
  auto command = shell("flood", "head -c 5000000 /dev/zero | tr '\\0' x; echo; echo done");
  command.maxOutput = 5;
  auto result = runner.run(command);
  ASSERT_TRUE(result) << result.error().describe();
  EXPECT_EQ(result->exitCode, 0);
  EXPECT_EQ(result->output, "done\n");
}

TEST_F(StepRunnerTest, AgentKilledMidStepRecoversWithoutRunningTwice) {
  const std::string marker = (dir_ / "ran").string();
  const auto command = shell("s5/post-script", "echo once >> " + marker + "; sleep 2; exit 4");
  pid_t runnerPid = -1;
  {
    // The "agent" starts the step and dies without waiting for it.
    auto agentBefore = makeRunner();
    auto started = agentBefore.start(command);
    ASSERT_TRUE(started) << started.error().describe();
    runnerPid = *started;
    // The runner is its own session: the agent's death or group kill misses it.
    EXPECT_EQ(::getsid(runnerPid), runnerPid);
  }
  // The restarted agent: the step is not started again while it runs...
  auto agentAfter = makeRunner();
  auto again = agentAfter.run(command);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error(), make_error_code(AgentIoErrc::StepAlreadyRunning));
  // ...and recover() waits for it and returns what it did.
  auto recovered = agentAfter.recover("s5/post-script");
  ASSERT_TRUE(recovered) << recovered.error().describe();
  ASSERT_TRUE(recovered->has_value());
  EXPECT_EQ((*recovered)->exitCode, 4);
  EXPECT_EQ(testutil::readText(marker), "once\n");
  // Asking again gives the same answer and still runs nothing.
  auto second = makeRunner().recover("s5/post-script");
  ASSERT_TRUE(second && second->has_value());
  EXPECT_EQ((*second)->exitCode, 4);
  EXPECT_EQ(testutil::readText(marker), "once\n");
  int status = 0;
  ASSERT_EQ(::waitpid(runnerPid, &status, 0), runnerPid);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

TEST_F(StepRunnerTest, StepThatNeverCompletedRecoversAsNothing) {
  auto runner = makeRunner();
  auto unknown = runner.recover("never-started");
  ASSERT_TRUE(unknown);
  EXPECT_FALSE(unknown->has_value());
  // Power lost mid-step: cmd.json and the lock file are there, nobody holds it.
  fs::create_directories(fs::path(stepsDir()) / "lost");
  dir_.write("steps/lost/cmd.json", "{}");
  dir_.write("steps/lost/runner.lock", "");
  dir_.write("steps/lost/runner.pid", "999999\n");
  auto lost = runner.recover("lost");
  ASSERT_TRUE(lost) << lost.error().describe();
  EXPECT_FALSE(lost->has_value());
  // Running it afresh works and replaces the leftovers.
  auto rerun = runner.run(shell("lost", "exit 0"));
  ASSERT_TRUE(rerun) << rerun.error().describe();
  EXPECT_EQ(rerun->exitCode, 0);
}

TEST_F(StepRunnerTest, CorruptResultIsAnError) {
  auto runner = makeRunner();
  ASSERT_TRUE(runner.run(shell("c", "true")));
  dir_.write("steps/c/result.json", R"({"version":1,"exitCode":"zero"})");
  auto recovered = runner.recover("c");
  ASSERT_FALSE(recovered);
  EXPECT_EQ(recovered.error(), make_error_code(AgentIoErrc::StepRecordInvalid));
}

TEST_F(StepRunnerTest, ClearForgetsEveryStep) {
  auto runner = makeRunner();
  ASSERT_TRUE(runner.run(shell("a", "true")));
  ASSERT_TRUE(runner.run(shell("b", "true")));
  runner.clear();
  for (const char* id : {"a", "b"}) {
    auto recovered = runner.recover(id);
    ASSERT_TRUE(recovered);
    EXPECT_FALSE(recovered->has_value());
  }
  EXPECT_TRUE(fs::exists(stepsDir()));
}

TEST_F(StepRunnerTest, InvalidStepsAndAMissingRunnerAreErrors) {
  auto runner = makeRunner();
  StepCommand noArgv;
  noArgv.stepId = "x";
  EXPECT_EQ(runner.run(noArgv).error(), make_error_code(AgentIoErrc::StepInvalid));
  EXPECT_EQ(runner.run(shell("", "true")).error(), make_error_code(AgentIoErrc::StepInvalid));
  DetachedStepRunner broken(stepsDir(), (dir_ / "no-such-runner").string());
  EXPECT_EQ(broken.run(shell("y", "true")).error(), make_error_code(AgentIoErrc::StepCannotStart));
}

TEST_F(StepRunnerTest, RunnerRefusesBadArguments) {
  const std::string runnerPath = testutil::binaryPath("sztp-step-runner");
  EXPECT_EQ(testutil::runCommand({runnerPath}).exitCode, 2);
  fs::create_directories(dir_ / "d");
  EXPECT_EQ(testutil::runCommand({runnerPath, (dir_ / "d").string(), "77"}).exitCode, 2);
  // A result already there: exits at once, runs nothing.
  dir_.write("d/result.json", "{}");
  EXPECT_EQ(testutil::runCommand({runnerPath, (dir_ / "d").string(), "0"}).exitCode, 0);
}

}  // namespace
}  // namespace sztp::agentio
