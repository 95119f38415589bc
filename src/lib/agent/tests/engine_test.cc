#include "agent/engine.h"

#include <gtest/gtest.h>

#include "agent/events.h"
#include "agent/tests/fixture.h"

namespace sztp::agent {
namespace {

using namespace std::chrono_literals;

TEST(Engine, BootImageDecision) {
  model::BootImage image{"VendorOS", "2.0", {"https://x/i"}, {}};
  EXPECT_EQ(decideBootImage(image, "VendorOS", "2.0", std::nullopt, "b1"),
            ImageDecision::NotNeeded);
  EXPECT_EQ(decideBootImage(image, "VendorOS", "1.0", std::nullopt, "b1"), ImageDecision::Install);
  EXPECT_EQ(decideBootImage(image, "OtherOS", "2.0", std::nullopt, "b1"), ImageDecision::Install);
  const InstalledImage installed{"VendorOS", "2.0", "b1"};
  // Same boot: the reboot has not happened yet.
  EXPECT_EQ(decideBootImage(image, "VendorOS", "1.0", installed, "b1"), ImageDecision::Install);
  EXPECT_EQ(decideBootImage(image, "VendorOS", "1.0", installed, "b2"),
            ImageDecision::NotRunningAfterReboot);
  // Another image than the one installed: install it.
  model::BootImage newer{"VendorOS", "3.0", {"https://x/i"}, {}};
  EXPECT_EQ(decideBootImage(newer, "VendorOS", "1.0", installed, "b2"), ImageDecision::Install);
  // No criteria: nothing to compare, never install in a loop.
  EXPECT_EQ(decideBootImage(model::BootImage{}, "VendorOS", "1.0", std::nullopt, "b1"),
            ImageDecision::NotNeeded);
}

TEST(Engine, ScriptConvention) {
  EXPECT_EQ(classifyScript({0, false, ""}), ScriptVerdict::Success);
  EXPECT_EQ(classifyScript({1, false, ""}), ScriptVerdict::Warning);
  EXPECT_EQ(classifyScript({2, false, ""}), ScriptVerdict::Error);
  EXPECT_EQ(classifyScript({-1, false, ""}), ScriptVerdict::Error);  // Signal.
  EXPECT_EQ(classifyScript({0, true, ""}), ScriptVerdict::Timeout);
}

TEST(Engine, ReportsFollowTrustAndLevel) {
  OnboardingSession s;
  EXPECT_FALSE(shouldReport(model::ProgressType::BootstrapInitiated, s));  // No server.
  s.server = ServerRecord{"h", 443, {}, false};
  EXPECT_FALSE(shouldReport(model::ProgressType::BootstrapComplete, s));  // Untrusted (D53).
  s.serverTrusted = true;
  EXPECT_TRUE(shouldReport(model::ProgressType::BootstrapInitiated, s));
  EXPECT_TRUE(shouldReport(model::ProgressType::PreScriptError, s));
  EXPECT_TRUE(shouldReport(model::ProgressType::BootImageInstalledRebooting, s));
  EXPECT_FALSE(shouldReport(model::ProgressType::PreScriptInitiated, s));
  s.reportingLevel = model::ReportingLevel::Verbose;
  EXPECT_TRUE(shouldReport(model::ProgressType::PreScriptInitiated, s));
}

TEST(Engine, RequestForUntrustedServerCarriesOnlySignedDataPreferred) {
  AgentSettings settings;
  DeviceIdentity id = test::Fixture().identity();
  id.hwModel = "m";
  id.osVersion = "1";
  auto untrusted = makeRequest(settings, id, false, Bytes(16, 1));
  EXPECT_TRUE(untrusted.signedDataPreferred);
  EXPECT_FALSE(untrusted.hwModel);
  EXPECT_TRUE(untrusted.nonce);
  auto trusted = makeRequest(settings, id, true, std::nullopt);
  EXPECT_FALSE(trusted.signedDataPreferred);
  EXPECT_EQ(trusted.hwModel, "m");
  settings.nonceLength = 99;
  EXPECT_EQ(nonceLength(settings), 32u);
  settings.nonceLength = 1;
  EXPECT_EQ(nonceLength(settings), 16u);
}

TEST(Engine, BackoffIsExponentialBoundedAndJittered) {
  RetryPolicy p{1000ms, 10000ms, 0.5, 0};
  EXPECT_EQ(backoffDelay(p, 1, 0.5), 1000ms);
  EXPECT_EQ(backoffDelay(p, 2, 0.5), 2000ms);
  EXPECT_EQ(backoffDelay(p, 4, 0.5), 8000ms);
  EXPECT_EQ(backoffDelay(p, 50, 0.5), 10000ms);
  EXPECT_EQ(backoffDelay(p, 1, 0.0), 500ms);
  EXPECT_EQ(backoffDelay(p, 1, 0.999).count(), 1499);
}

TEST(Engine, TextHelpers) {
  EXPECT_EQ(expandArgv({"inst", "--image={image}", "{image}{image}"}, "{image}", "/x"),
            (std::vector<std::string>{"inst", "--image=/x", "/x/x"}));
  EXPECT_EQ(outputTail("short", 10), "short");
  EXPECT_EQ(outputTail("line1\nline2\nline3", 8), "line3");
  EXPECT_EQ(reportMessage("pre-script-error", "exit code 2"), "pre-script-error: exit code 2");
  EXPECT_EQ(serverLabel({"2001:db8::1", 443, std::nullopt}), "[2001:db8::1]:443");
}

TEST(Events, IdsAreStableAndReasonComesFirst) {
  EXPECT_EQ(eventIdText(EventId::CycleStarted), "SZTP-A0001");
  EXPECT_EQ(eventIdText(EventId::DownloadProgress), "SZTP-A0032");
  EXPECT_EQ(static_cast<int>(EventId::DownloadProgress), kEventCount);
  struct Sink : EventSink {
    AgentEvent last;
    void emit(const AgentEvent& e) override { last = e; }
  } sink;
  emitEvent(sink, EventId::StepError, "exit code 2", {{"step", "pre-script"}}, "pre-script-error");
  EXPECT_EQ(sink.last.id, "SZTP-A0019");
  EXPECT_EQ(sink.last.message, "pre-script-error: exit code 2");
  EXPECT_EQ(sink.last.fields.at("reason"), "pre-script-error");
  EXPECT_EQ(sink.last.severity, AgentEvent::Severity::Error);
}

}  // namespace
}  // namespace sztp::agent
