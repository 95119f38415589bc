#include "agent/status.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "model/json_document.h"

namespace sztp::agent {
namespace {

model::Json status(const AgentState& s, bool enabled = true, bool verbose = false) {
  auto text = renderStatusJson(s, StatusExtras{"1.2.3", 42, enabled, std::nullopt}, verbose);
  return *model::parseJsonDocument(text, {});
}

TEST(Status, TopLevelStateAndReason) {
  AgentState s;
  EXPECT_EQ(status(s)["state"], "not-started");
  EXPECT_EQ(status(s, false)["state"], "disabled");
  s.cycles = 1;
  s.phase = Phase::Discovering;
  EXPECT_EQ(status(s)["state"], "in-progress");
  EXPECT_FALSE(status(s).contains("reason"));
  s.phase = Phase::Failed;
  s.lastError = LastError{"voucher-expired", "the ownership voucher has expired", "validation"};
  auto j = status(s);
  EXPECT_EQ(j["state"], "failed");
  EXPECT_EQ(j["reason"], "voucher-expired");
  EXPECT_EQ(j["trust"]["signed-data-validation"], "failed");
  EXPECT_EQ(j["version"], "1.2.3");
  EXPECT_EQ(j["pid"], 42);
  s.phase = Phase::AwaitingReboot;
  EXPECT_EQ(status(s)["state"], "awaiting-reboot");
  s.phase = Phase::Completed;
  EXPECT_EQ(status(s)["state"], "completed");
}

TEST(Status, ShowsDownloadProgressChecksAndSteps) {
  AgentState s;
  s.phase = Phase::Onboarding;
  s.cycles = 1;
  s.firstStart = TimePoint(std::chrono::seconds(1780000000));
  s.lastUpdate = TimePoint(std::chrono::seconds(1780000090));
  s.discovered.push_back({"dhcp", "dhcpv4 eth0", {"bs:443"}});
  OnboardingSession session;
  session.id = "s1";
  session.server = ServerRecord{"bs", 443, {}, false};
  session.serverTrusted = true;
  session.signedData = true;
  session.checks.push_back({"D23", "voucher-signature", trust::CheckRecord::Outcome::Passed, ""});
  session.bootImage.status = ImageStatus::Downloading;
  session.bootImage.uri = "https://x/img";
  session.bootImage.bytes = 50;
  session.bootImage.total = 200;
  session.preScript.status = StepStatus::Done;
  session.preScript.exitCode = 0;
  session.preScript.outputTail = "pre ok";
  s.session = session;
  auto j = status(s, true, true);
  EXPECT_EQ(j["state"], "in-progress");
  EXPECT_EQ(j["first-start"], "2026-05-28T20:26:40Z");
  EXPECT_EQ(j["run-time-seconds"], 90);
  EXPECT_EQ(j["session"]["boot-image"]["download"]["percent"], 25);
  EXPECT_EQ(j["trust"]["server-tls-trusted"], true);
  EXPECT_EQ(j["trust"]["signed-data-validation"], "passed");
  EXPECT_EQ(j["trust"]["checks"][0]["rule"], "D23");
  EXPECT_EQ(j["session"]["steps"]["pre-script"]["output-tail"], "pre ok");
  EXPECT_EQ(j["discovered"][0]["servers"][0], "bs:443");
  EXPECT_FALSE(status(s)["trust"].contains("checks"));  // Not verbose.
  const std::string text =
      renderStatusText(s, StatusExtras{"1.2.3", std::nullopt, true, std::nullopt}, true);
  EXPECT_NE(text.find("State: in-progress"), std::string::npos);
  EXPECT_NE(text.find("Boot image: downloading https://x/img 50/200 bytes"), std::string::npos);
  EXPECT_NE(text.find("Agent: not running"), std::string::npos);
}

TEST(Status, SeedCorpusStatesAreValid) {
  const std::filesystem::path dir = std::string(SZTP_SOURCE_DIR) + "/src/fuzz/corpus/agent_state";
  int count = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    auto state = parseState(text.str());
    EXPECT_TRUE(state) << entry.path() << ": " << state.error().describe();
    ++count;
  }
  EXPECT_GE(count, 4);
}

}  // namespace
}  // namespace sztp::agent
