// Issue 4 item 5: killed at any point and started again, the agent finishes
// and no step takes effect twice. The fakes throw Killed at the N-th port
// operation, for every N until a run needs no kill at all.
#include <gtest/gtest.h>

#include "agent/tests/fixture.h"

namespace sztp::agent::test {
namespace {

struct CrashFixture : Fixture {
  Bytes image = toBytes("VendorOS 2.0 image bits");
  CrashFixture() {
    settings.configMergeCommand = {"/bin/apply", "{config}"};
    settings.retry.maxCycles = 10;
    dhcpNaming({"bs.example"}, {pki.tlsCa.certificate});
    serve("bs.example", bundle(fullOnboarding(image)), model::ReportingLevel::Verbose);
    downloader.content["https://b.example/os.img"] = image;
    world.behaviour["install"] = [this](const StepCommand&) {
      world.stagedVersion = "2.0";
      return StepResult{0, false, "installed\n"};
    };
  }
};

TEST(CrashSafety, KilledAtEveryOperationFinishesWithoutRepeatingAStep) {
  int killsTried = 0;
  for (int n = 1;; ++n) {
    SCOPED_TRACE("killed at operation " + std::to_string(n));
    CrashFixture f;
    f.world.ops.killAt = n;
    bool killed = false;
    bool completed = false;
    for (int start = 0; start < 12 && !completed; ++start) {
      try {
        auto d = f.driver();
        const auto out = d.run({});
        ASSERT_TRUE(out.kind == RunOutcome::Kind::Completed ||
                    out.kind == RunOutcome::Kind::Rebooting)
            << static_cast<int>(out.kind) << " " << out.reason;
        completed = out.kind == RunOutcome::Kind::Completed;
      } catch (const Killed&) {
        killed = true;
        f.world.ops.killAt = -1;  // Started again; this run is not killed.
      }
    }
    ASSERT_TRUE(completed);
    for (const char* kind : {"install", "reboot", "pre-script", "config", "post-script"}) {
      EXPECT_EQ(f.world.effectCount(kind), 1) << kind;
    }
    EXPECT_EQ(f.world.osVersion, "2.0");
    auto final = parseState(*f.world.stateDoc);
    ASSERT_TRUE(final);
    EXPECT_EQ(final->phase, Phase::Completed);
    if (!killed) {
      break;  // n is past the last operation of a whole run.
    }
    ++killsTried;
  }
  EXPECT_GT(killsTried, 40);
}

}  // namespace
}  // namespace sztp::agent::test
