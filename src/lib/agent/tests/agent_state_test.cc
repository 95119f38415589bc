#include "agent/agent_state.h"

#include <gtest/gtest.h>

#include "agent/agent_error.h"
#include "common/codec_error.h"

namespace sztp::agent {
namespace {

AgentState sampleState() {
  AgentState s;
  s.phase = Phase::AwaitingReboot;
  s.sessionCounter = 3;
  s.cycles = 2;
  s.failedCycles = 1;
  s.firstStart = TimePoint(std::chrono::seconds(1780000000));
  s.cycleStart = TimePoint(std::chrono::seconds(1780000100));
  s.currentStep = "reboot";
  s.attempts.push_back({2, "dhcp", "dhcpv4 eth0", "", "yielded", "", ""});
  s.attempts.push_back(
      {2, "dhcp", "dhcpv4 eth0", "bs.example:443", "failed", "server-failed", "timeout"});
  s.discovered.push_back({"dhcp", "dhcpv4 eth0", {"bs.example:443"}});
  OnboardingSession session;
  session.id = "s3";
  session.origin = "dhcpv4 eth0";
  session.server = ServerRecord{"bs.example", 8443, {Bytes{1, 2, 3}}, true};
  session.serverTrusted = true;
  session.signedData = true;
  session.reportingLevel = model::ReportingLevel::Verbose;
  session.onboarding = "{\"x\":1}";
  session.checks.push_back({"D23", "voucher-signature", trust::CheckRecord::Outcome::Passed, ""});
  session.nonce = Bytes(16, 7);
  session.bootImage.status = ImageStatus::Rebooting;
  session.bootImage.osVersion = "2.0";
  session.bootImage.uri = "https://x/img";
  session.bootImage.bytes = 100;
  session.bootImage.total = 100;
  session.bootImage.bootIdAtReboot = "boot-1";
  session.preScript.status = StepStatus::Warning;
  session.preScript.exitCode = 1;
  session.preScript.outputTail = "warn\n";
  session.reportsSent = {"bootstrap-initiated"};
  session.warnings = {"pre-script-warning"};
  s.session = session;
  s.installedImage = InstalledImage{std::nullopt, "2.0", "boot-1"};
  s.reportsSent = 4;
  s.lastError = LastError{"server-failed", "timeout", "server"};
  return s;
}

TEST(AgentState, RoundTripsEveryField) {
  const AgentState s = sampleState();
  auto parsed = parseState(encodeState(s));
  ASSERT_TRUE(parsed) << parsed.error().describe();
  EXPECT_EQ(*parsed, s);
  auto empty = parseState(encodeState(AgentState{}));
  ASSERT_TRUE(empty);
  EXPECT_EQ(*empty, AgentState{});
}

TEST(AgentState, RefusesUnknownMembersAndWrongTypes) {
  std::string text = encodeState(sampleState());
  auto withExtra = text;
  withExtra.insert(withExtra.find("\"phase\""), "\"surprise\": 1, ");
  auto r = parseState(withExtra);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), make_error_code(CodecErrc::UnknownNode));
  EXPECT_NE(r.error().detail().find("surprise"), std::string::npos);

  auto badPhase = text;
  badPhase.replace(badPhase.find("awaiting-reboot"), 15, "sleeping-deeply");
  EXPECT_FALSE(parseState(badPhase));

  auto badType = text;
  badType.replace(badType.find("\"cycles\": 2"), 11, "\"cycles\": \"2\"");
  EXPECT_FALSE(parseState(badType));

  auto negative = text;
  negative.replace(negative.find("\"port\": 8443"), 12, "\"port\": 70000");
  EXPECT_FALSE(parseState(negative));
}

TEST(AgentState, RefusesTruncatedOversizedAndDeepInput) {
  const std::string text = encodeState(sampleState());
  for (std::size_t cut : {0ul, 1ul, text.size() / 2, text.size() - 2}) {
    EXPECT_FALSE(parseState(std::string_view(text).substr(0, cut))) << cut;
  }
  EXPECT_FALSE(parseState(std::string(kMaxStateBytes + 1, ' ')));
  EXPECT_FALSE(parseState(std::string(100, '[') + std::string(100, ']')));
  EXPECT_FALSE(parseState("{\"sztp-agent-state\": {\"version\": 2}}"));
  EXPECT_FALSE(parseState("[]"));
}

TEST(AgentError, CodesAreStable) {
  EXPECT_EQ(Error(make_error_code(AgentErrc::StepInterrupted)).reason(), "step-interrupted");
  EXPECT_EQ(Error(make_error_code(AgentErrc::BootImageNotRunningAfterReboot)).reason(),
            "boot-image-not-running-after-reboot");
  EXPECT_EQ(agentCategory().reasons().size(), static_cast<std::size_t>(AgentErrc::Disabled));
}

}  // namespace
}  // namespace sztp::agent
