#include "agentio/instance_lock.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include "agentio/agentio_error.h"
#include "testutil/command.h"
#include "testutil/temp_dir.h"

namespace sztp::agentio {
namespace {

using testutil::TempDir;

TEST(InstanceLock, SecondHolderIsRefusedUntilTheFirstReleases) {
  TempDir dir;
  const std::string path = (dir / "agent.lock").string();
  auto first = InstanceLock::acquire(path);
  ASSERT_TRUE(first) << first.error().describe();
  auto second = InstanceLock::acquire(path);
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error(), make_error_code(AgentIoErrc::AgentAlreadyRunning));
  {
    InstanceLock moved = std::move(*first);  // Moving keeps the lock.
    EXPECT_FALSE(InstanceLock::acquire(path));
  }
  EXPECT_TRUE(InstanceLock::acquire(path));
}

TEST(InstanceLock, AnotherProcessIsExcluded) {
  if (!testutil::haveProgram("flock")) {
    GTEST_SKIP() << "util-linux flock not installed";
  }
  TempDir dir;
  const std::string path = (dir / "agent.lock").string();
  {
    auto lock = InstanceLock::acquire(path);
    ASSERT_TRUE(lock);
    // flock -n exits 1 when the lock is held.
    EXPECT_EQ(testutil::runCommand({"flock", "-n", path, "true"}).exitCode, 1);
  }
  EXPECT_EQ(testutil::runCommand({"flock", "-n", path, "true"}).exitCode, 0);
}

TEST(InstanceLock, UnopenablePathIsAnError) {
  TempDir dir;
  auto lock = InstanceLock::acquire((dir / "missing" / "agent.lock").string());
  ASSERT_FALSE(lock);
  EXPECT_NE(lock.error(), make_error_code(AgentIoErrc::AgentAlreadyRunning));
}

pid_t deadPid() {
  pid_t pid = -1;
  char program[] = "/bin/true";
  char* argv[] = {program, nullptr};
  char* envp[] = {nullptr};
  EXPECT_EQ(posix_spawn(&pid, program, nullptr, nullptr, argv, envp), 0);
  ::waitpid(pid, nullptr, 0);
  return pid;
}

TEST(PidFile, LiveProcessWithTheProgramNameIsFound) {
  TempDir dir;
  const std::string path = (dir / "agent.pid").string();
  ASSERT_TRUE(writePidFile(path, ::getpid()));
  EXPECT_EQ(testutil::readText(path), std::to_string(::getpid()) + "\n");
  auto live = readLivePid(path, "agentio_test");
  ASSERT_TRUE(live);
  ASSERT_TRUE(live->has_value());
  EXPECT_EQ(**live, ::getpid());
  // Alive, but not an agent: a reused pid must not be signalled.
  auto other = readLivePid(path, "sztp-agent");
  ASSERT_TRUE(other);
  EXPECT_FALSE(other->has_value());
}

TEST(PidFile, StaleMalformedAndAbsentFilesYieldNothing) {
  TempDir dir;
  const std::string path = (dir / "agent.pid").string();
  auto absent = readLivePid(path, "agentio_test");
  ASSERT_TRUE(absent);
  EXPECT_FALSE(absent->has_value());
  ASSERT_TRUE(writePidFile(path, deadPid()));
  auto stale = readLivePid(path, "");  // "" matches any command line.
  ASSERT_TRUE(stale);
  EXPECT_FALSE(stale->has_value());
  for (const char* junk : {"", "abc\n", "12x\n", "-5\n", "1\n", "99999999999999999999\n"}) {
    dir.write("agent.pid", junk);
    auto parsed = readLivePid(path, "");
    ASSERT_TRUE(parsed) << junk;
    EXPECT_FALSE(parsed->has_value()) << junk;
  }
  dir.write("agent.pid", std::string(100, '1'));
  auto large = readLivePid(path, "");
  ASSERT_TRUE(large);
  EXPECT_FALSE(large->has_value());
}

TEST(PidFile, RemoveIsIdempotent) {
  TempDir dir;
  const std::string path = (dir / "agent.pid").string();
  ASSERT_TRUE(writePidFile(path, ::getpid()));
  EXPECT_TRUE(removePidFile(path));
  EXPECT_FALSE(std::filesystem::exists(path));
  EXPECT_TRUE(removePidFile(path));
}

}  // namespace
}  // namespace sztp::agentio
