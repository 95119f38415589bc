// The driver end to end over fakes, with real signed artifacts: every
// RFC 8572 §5 rule the issue lists, one behaviour per test.
#include "agent/driver.h"

#include <gtest/gtest.h>

#include "agent/tests/fixture.h"
#include "common/hex.h"

namespace sztp::agent::test {
namespace {

using model::ProgressType;
using Kind = RunOutcome::Kind;

std::string lastReason(const Driver& d) {
  return d.state().lastError ? d.state().lastError->reason : std::string();
}

bool startsWith(const std::optional<std::string>& s, std::string_view prefix) {
  return s && s->rfind(prefix, 0) == 0;
}

TEST(Driver, TrustedServerWithUnsignedOnboardingCompletes) {
  Fixture f;
  f.dhcpNaming({"bs.example"}, {f.pki.tlsCa.certificate});
  f.serve("bs.example", f.bundle(configOnly(), {.sign = false}));
  auto d = f.driver();
  EXPECT_EQ(d.run({}).kind, Kind::Completed);
  EXPECT_EQ(toString(f.world.files.at("/etc/cfg/sztp-configuration")), "<config>hello</config>");
  EXPECT_EQ(toString(f.world.files.at("/etc/cfg/sztp-configuration-handling")), "merge\n");
  EXPECT_EQ(f.client.reportNames(),
            (std::vector<std::string>{"bootstrap-initiated", "bootstrap-complete"}));
  EXPECT_EQ(f.client.reports.back().input.sshHostKeys.size(), 1u);  // D55
  ASSERT_EQ(f.client.requests.size(), 1u);
  EXPECT_FALSE(f.client.requests[0].second.signedDataPreferred);
  EXPECT_EQ(f.client.requests[0].second.hwModel, "model-x");
  EXPECT_TRUE(f.client.requests[0].first.sendBasicAuth);
  EXPECT_EQ(d.state().phase, Phase::Completed);
  EXPECT_FALSE(d.state().session->signedData);
  EXPECT_TRUE(f.world.hasEvent("SZTP-A0024"));

  // Started again: the state says completed, the agent does nothing (seed).
  auto again = f.driver();
  EXPECT_EQ(again.run({}).kind, Kind::Completed);
  EXPECT_EQ(f.client.requests.size(), 1u);
  EXPECT_TRUE(f.world.hasEvent("SZTP-A0031"));
}

TEST(Driver, UntrustedServerWithSignedDataGetsNoReportsAndNoSecrets) {
  Fixture f;
  f.dhcpNaming({"bs.example"});  // DHCP carries no anchors: provisional (D39).
  f.serve("bs.example", f.bundle(configOnly()));
  auto d = f.driver();
  EXPECT_EQ(d.run({}).kind, Kind::Completed);
  ASSERT_EQ(f.client.requests.size(), 1u);
  const auto& [endpoint, input] = f.client.requests[0];
  EXPECT_TRUE(input.signedDataPreferred);  // D57
  EXPECT_FALSE(input.hwModel);
  EXPECT_FALSE(input.osVersion);
  EXPECT_FALSE(endpoint.sendBasicAuth);   // D58
  EXPECT_TRUE(f.client.reports.empty());  // D53
  EXPECT_TRUE(d.state().session->signedData);
  EXPECT_FALSE(d.state().session->serverTrusted);
  EXPECT_FALSE(d.state().session->checks.empty());
  EXPECT_TRUE(f.world.files.contains("/etc/cfg/sztp-configuration"));
}

TEST(Driver, UnsignedOnboardingFromUntrustedServerIsRefused) {
  Fixture f;
  f.settings.retry.maxCycles = 1;
  f.dhcpNaming({"bs.example"});
  f.serve("bs.example", f.bundle(configOnly(), {.sign = false}));
  auto d = f.driver();
  EXPECT_EQ(d.run({}).kind, Kind::GaveUp);
  EXPECT_EQ(lastReason(d), "unsigned-onboarding-untrusted-source");  // D19
  EXPECT_TRUE(f.world.files.empty());
  EXPECT_TRUE(f.client.reports.empty());
  EXPECT_EQ(d.state().phase, Phase::Failed);
}

TEST(Driver, RemovableStorageSignedDataNeedsNoServer) {
  Fixture f;
  SourceYield yield;
  yield.kind = SourceKind::RemovableStorage;
  yield.origin = "/media/usb/SN-0001";
  yield.data = f.bundle(configOnly());
  f.sources.push_back(
      std::make_unique<FakeSource>(SourceKind::RemovableStorage, std::vector<SourceYield>{yield}));
  auto d = f.driver();
  EXPECT_EQ(d.run({}).kind, Kind::Completed);
  EXPECT_TRUE(f.client.requests.empty());
  EXPECT_TRUE(f.world.files.contains("/etc/cfg/sztp-configuration"));
}

TEST(Driver, SignedRedirectWithTrustAnchorAuthenticatesNextServer) {
  Fixture f;
  f.dhcpNaming({"a.example"});
  f.serve("a.example", f.bundle(redirectTo({{"b.example", 8443, f.trustAnchorCms()}})));  // D37
  f.serve("b.example", f.bundle(configOnly(), {.sign = false}));
  auto d = f.driver();
  EXPECT_EQ(d.run({}).kind, Kind::Completed);
  ASSERT_EQ(f.client.requests.size(), 2u);
  EXPECT_EQ(f.client.requests[1].first.server.port, 8443);
  ASSERT_EQ(f.client.requests[1].first.trustAnchors.size(), 1u);
  EXPECT_TRUE(f.client.requests[1].first.sendBasicAuth);
  EXPECT_FALSE(f.client.requests[1].second.signedDataPreferred);
  ASSERT_FALSE(f.client.reports.empty());
  for (const auto& r : f.client.reports) {
    EXPECT_EQ(r.host, "b.example");
  }
}

TEST(Driver, TrustedRedirectWithoutAnchorIsProvisional) {
  Fixture f;
  f.settings.retry.maxCycles = 1;
  f.dhcpNaming({"a.example"});
  f.serve("a.example", f.bundle(redirectTo({{"b.example", std::nullopt, std::nullopt}})));
  f.serve("b.example", f.bundle(configOnly(), {.sign = false}));
  auto d = f.driver();
  EXPECT_EQ(d.run({}).kind, Kind::GaveUp);
  ASSERT_EQ(f.client.requests.size(), 2u);
  EXPECT_TRUE(f.client.requests[1].first.trustAnchors.empty());  // D38
  EXPECT_TRUE(f.client.requests[1].second.signedDataPreferred);
  EXPECT_EQ(lastReason(d), "unsigned-onboarding-untrusted-source");
  EXPECT_TRUE(f.world.files.empty());
}

TEST(Driver, UntrustedRedirectDiscardsItsAnchors) {
  Fixture f;
  f.settings.retry.maxCycles = 1;
  f.dhcpNaming({"a.example"});
  f.serve("a.example",
          f.bundle(redirectTo({{"b.example", std::nullopt, f.trustAnchorCms()}}), {.sign = false}));
  auto d = f.driver();
  (void)d.run({});
  ASSERT_EQ(f.client.requests.size(), 2u);
  EXPECT_TRUE(f.client.requests[1].first.trustAnchors.empty());  // D39
}

TEST(Driver, RedirectLoopIsCapped) {
  Fixture f;
  f.settings.retry.maxCycles = 1;
  f.settings.maxRedirectDepth = 3;
  f.dhcpNaming({"a.example"});
  f.serve("a.example", f.bundle(redirectTo({{"a.example", std::nullopt, std::nullopt}})));
  auto d = f.driver();
  EXPECT_EQ(d.run({}).kind, Kind::GaveUp);
  EXPECT_EQ(f.client.requests.size(), 4u);  // depth 0..3 (D18)
  EXPECT_EQ(lastReason(d), "redirect-depth-exceeded");
  EXPECT_TRUE(f.world.hasEvent("SZTP-A0015"));
}

TEST(Driver, NextServerIsTriedAfterAFailure) {
  Fixture f;
  f.dhcpNaming({"down.example", "bs.example"}, {f.pki.tlsCa.certificate});
  f.serve("bs.example", f.bundle(configOnly()));
  auto d = f.driver();
  EXPECT_EQ(d.run({}).kind, Kind::Completed);
  ASSERT_EQ(d.state().attempts.size(), 3u);
  EXPECT_EQ(d.state().attempts[1].outcome, "failed");
  EXPECT_EQ(d.state().discovered.at(0).servers.size(), 2u);
}

struct BadBundle {
  const char* name;
  BundleOptions options;
  std::vector<std::string> reasons;
  bool sendNonce = false;
};

TEST(Driver, BadSignedDataAppliesNothingAndSaysWhy) {
  const TimePoint now = Fixture().world.clock.now();
  const std::vector<BadBundle> cases = {
      {"tampered",
       {.tamper = true},
       {"conveyed-info-signature-invalid", "conveyed-info-malformed"}},
      {"other-serial", {.voucherSerial = "SN-0002"}, {"voucher-serial-mismatch"}},
      {"expired", {.expiresOn = now - std::chrono::hours(1)}, {"voucher-expired"}},
      {"wrong-nonce", {.voucherNonce = Bytes(16, 0x99)}, {"voucher-nonce-mismatch"}, true},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    Fixture f;
    f.settings.retry.maxCycles = 1;
    f.settings.sendNonce = c.sendNonce;
    f.dhcpNaming({"bs.example"}, {f.pki.tlsCa.certificate});
    f.serve("bs.example", f.bundle(configOnly(), c.options));
    auto d = f.driver();
    EXPECT_EQ(d.run({}).kind, Kind::GaveUp);
    EXPECT_TRUE(f.world.files.empty());
    EXPECT_TRUE(f.world.effects.empty());
    const std::string reason = lastReason(d);
    EXPECT_NE(std::find(c.reasons.begin(), c.reasons.end(), reason), c.reasons.end()) << reason;
    // The matching error goes to the (trusted) server.
    ASSERT_EQ(f.client.reports.size(), 1u);
    EXPECT_EQ(f.client.reports[0].input.progressType, ProgressType::ParsingError);
    EXPECT_TRUE(startsWith(f.client.reports[0].input.message, reason));
    EXPECT_EQ(d.state().attempts.back().outcome, "refused");
  }
}

TEST(Driver, NonceSentAndMatchedVoucherAccepted) {
  Fixture f;
  f.settings.sendNonce = true;
  f.settings.voucherPolicy.requireNonce = true;
  f.dhcpNaming({"bs.example"});
  f.client.servers["bs.example"] = [&f](const ServerEndpoint&,
                                        const model::GetBootstrappingDataInput& input) {
    EXPECT_TRUE(input.nonce && input.nonce->size() == 32);  // D28
    auto data = f.bundle(configOnly(), {.voucherNonce = input.nonce});
    ServerAnswer answer;
    answer.output.conveyedInformation = data.conveyedInformation;
    answer.output.ownerCertificate = data.ownerCertificate;
    answer.output.ownershipVoucher = data.ownershipVoucher;
    return Result<ServerAnswer>(answer);
  };
  auto d = f.driver();
  EXPECT_EQ(d.run({}).kind, Kind::Completed);
  EXPECT_TRUE(d.state().session->nonce);
}

// ---------------------------------------------------------------- boot image

struct ImageFixture : Fixture {
  Bytes image = toBytes("VendorOS 2.0 image bits");
  ImageFixture() {
    dhcpNaming({"bs.example"}, {pki.tlsCa.certificate});
    serve("bs.example", bundle(fullOnboarding(image)));
    downloader.content["https://a.example/os.img"] = image;
    world.behaviour["install"] = [this](const StepCommand&) {
      world.stagedVersion = "2.0";
      return StepResult{0, false, "installed\n"};
    };
  }
};

TEST(DriverBootImage, SameVersionIsNotInstalled) {
  ImageFixture f;
  f.world.osVersion = "2.0";
  auto d = f.driver();
  EXPECT_EQ(d.run({}).kind, Kind::Completed);
  EXPECT_TRUE(f.downloader.requested.empty());
  EXPECT_EQ(f.world.effectCount("install"), 0);
  EXPECT_EQ(d.state().session->bootImage.status, ImageStatus::NotNeeded);
}

TEST(DriverBootImage, InstallRebootThenNextBootCompletes) {
  ImageFixture f;
  f.downloader.content.erase("https://a.example/os.img");
  f.downloader.content["https://b.example/os.img"] = f.image;  // D45 fallback
  {
    auto d = f.driver();
    EXPECT_EQ(d.run({}).kind, Kind::Rebooting);
    EXPECT_EQ(d.state().phase, Phase::AwaitingReboot);
    EXPECT_EQ(d.state().session->bootImage.bootIdAtReboot, "boot-1");
  }
  EXPECT_EQ(f.downloader.requested,
            (std::vector<std::string>{"https://a.example/os.img", "https://b.example/os.img"}));
  const Bytes hash = crypto::sha256(f.image);
  const std::string imagePath = "/work/boot-image-" + hexEncode(ByteView(hash.data(), 8));
  EXPECT_EQ(f.world.commands.at(0).argv,
            (std::vector<std::string>{"/usr/sbin/install-image", imagePath}));
  EXPECT_EQ(f.client.reportNames(),
            (std::vector<std::string>{"bootstrap-initiated", "boot-image-installed-rebooting"}));
  EXPECT_EQ(f.world.effects, (std::vector<std::string>{"install", "reboot"}));
  EXPECT_EQ(f.world.osVersion, "2.0");

  auto after = f.driver();  // The new boot.
  EXPECT_EQ(after.run({}).kind, Kind::Completed);
  EXPECT_TRUE(f.world.hasEvent("SZTP-A0023"));
  EXPECT_EQ(f.world.effectCount("install"), 1);
  EXPECT_EQ(f.world.effectCount("pre-script"), 1);
  EXPECT_EQ(f.world.effectCount("post-script"), 1);
  EXPECT_EQ(after.state().session->bootImage.status, ImageStatus::Complete);
  EXPECT_EQ(f.client.reportNames().back(), "bootstrap-complete");
}

TEST(DriverBootImage, ANextSessionContinuesTheSameImageFile) {
  // Both URIs fail in the first cycle; the second cycle's new session must
  // download to the same file, so the downloader resumes its .part.
  ImageFixture f;
  f.settings.retry.maxCycles = 2;
  f.downloader.failFirst = 2;
  auto d = f.driver();
  EXPECT_EQ(d.run({}).kind, Kind::Rebooting);
  EXPECT_EQ(d.state().session->id, "s2");
  ASSERT_EQ(f.downloader.destinations.size(), 3u);
  EXPECT_EQ(f.downloader.destinations[0], f.downloader.destinations[2]);
  EXPECT_EQ(f.world.effectCount("install"), 1);
}

TEST(DriverBootImage, StillOldVersionAfterRebootIsAnError) {
  ImageFixture f;
  f.world.rebootActivatesImage = false;
  f.settings.retry.maxCycles = 1;
  {
    auto d = f.driver();
    EXPECT_EQ(d.run({}).kind, Kind::Rebooting);
  }
  auto after = f.driver();
  EXPECT_EQ(after.run({}).kind, Kind::GaveUp);
  EXPECT_EQ(lastReason(after), "boot-image-not-running-after-reboot");
  EXPECT_EQ(f.world.effectCount("install"), 1);  // Not again, not forever.
  EXPECT_EQ(f.client.reports.back().input.progressType, ProgressType::BootImageError);
  EXPECT_TRUE(
      startsWith(f.client.reports.back().input.message, "boot-image-not-running-after-reboot"));
}

TEST(DriverBootImage, HashMismatchOnEveryUriIsAnError) {
  ImageFixture f;
  f.settings.retry.maxCycles = 1;
  f.downloader.content["https://a.example/os.img"] = toBytes("tampered");
  f.downloader.content["https://b.example/os.img"] = toBytes("tampered too");
  auto d = f.driver();
  EXPECT_EQ(d.run({}).kind, Kind::GaveUp);
  EXPECT_EQ(lastReason(d), "boot-image-download-failed");
  EXPECT_EQ(f.downloader.requested.size(), 2u);
  // Both mirrors' failures are named, not only the last one's.
  const std::string& message = d.state().lastError->message;
  EXPECT_NE(message.find("https://a.example/os.img: "), std::string::npos) << message;
  EXPECT_NE(message.find("https://b.example/os.img: "), std::string::npos) << message;
  EXPECT_TRUE(f.world.effects.empty());
  EXPECT_EQ(f.client.reports.back().input.progressType, ProgressType::BootImageError);
  EXPECT_FALSE(f.world.files.contains("/etc/cfg/sztp-configuration"));  // D41: stop.
}

TEST(DriverBootImage, InsufficientSpaceIsCheckedFirst) {
  ImageFixture f;
  f.settings.retry.maxCycles = 1;
  f.settings.maxImageBytes = 1 << 20;
  f.world.freeBytes = 1000;
  auto d = f.driver();
  EXPECT_EQ(d.run({}).kind, Kind::GaveUp);
  EXPECT_EQ(lastReason(d), "insufficient-space");
  EXPECT_TRUE(f.downloader.requested.empty());
}

TEST(DriverBootImage, InstallerFailureIsAnError) {
  ImageFixture f;
  f.settings.retry.maxCycles = 1;
  f.world.behaviour["install"] = [](const StepCommand&) { return StepResult{3, false, "no"}; };
  auto d = f.driver();
  EXPECT_EQ(d.run({}).kind, Kind::GaveUp);
  EXPECT_EQ(lastReason(d), "boot-image-install-failed");
  EXPECT_EQ(f.world.effectCount("reboot"), 0);
}

// ---------------------------------------------------------------- scripts, config

struct ScriptFixture : Fixture {
  ScriptFixture() {
    dhcpNaming({"bs.example"}, {pki.tlsCa.certificate});
    auto info = configOnly();
    info.preConfigurationScript = toBytes("#!/bin/sh\nexit 0\n");
    info.postConfigurationScript = toBytes("#!/bin/sh\nexit 0\n");
    serve("bs.example", bundle(info));
    settings.retry.maxCycles = 1;
  }
};

TEST(DriverScripts, ExitCodesFollowTheDocumentedConvention) {
  {
    ScriptFixture f;
    f.world.behaviour["pre-script"] = [](const StepCommand& c) {
      EXPECT_EQ(c.environment.at("SZTP_STEP"), "pre-script");
      EXPECT_FALSE(c.environment.contains("HOME"));  // Clean environment (D48).
      return StepResult{0, false, "ok\n"};
    };
    auto d = f.driver();
    EXPECT_EQ(d.run({}).kind, Kind::Completed);
    EXPECT_EQ(toString(f.world.files.at("/work/s1-pre-script")), "#!/bin/sh\nexit 0\n");
    EXPECT_EQ(d.state().session->preScript.status, StepStatus::Done);
  }
  {
    ScriptFixture f;  // 1 = warning: continue (D49), bootstrap-warning (D51).
    f.world.behaviour["pre-script"] = [](const StepCommand&) {
      return StepResult{1, false, "low disk\n"};
    };
    auto d = f.driver();
    EXPECT_EQ(d.run({}).kind, Kind::Completed);
    EXPECT_EQ(d.state().session->preScript.status, StepStatus::Warning);
    EXPECT_EQ(f.client.reportNames(),
              (std::vector<std::string>{"bootstrap-initiated", "bootstrap-warning",
                                        "bootstrap-complete"}));
    EXPECT_TRUE(f.world.files.contains("/etc/cfg/sztp-configuration"));
  }
  for (auto [result, reason] : {std::pair{StepResult{2, false, "boom\n"}, "pre-script-error"},
                                std::pair{StepResult{-1, true, "hang\n"}, "script-timeout"}}) {
    ScriptFixture f;
    f.world.behaviour["pre-script"] = [result](const StepCommand&) { return result; };
    auto d = f.driver();
    EXPECT_EQ(d.run({}).kind, Kind::GaveUp);
    EXPECT_EQ(lastReason(d), reason);
    EXPECT_FALSE(f.world.files.contains("/etc/cfg/sztp-configuration"));
    const auto& last = f.client.reports.back().input;
    EXPECT_EQ(last.progressType, ProgressType::PreScriptError);
    EXPECT_TRUE(startsWith(last.message, reason));
    EXPECT_NE(last.message->find(result.output.substr(0, 4)), std::string::npos);  // Output tail.
  }
  {
    ScriptFixture f;
    f.world.behaviour["post-script"] = [](const StepCommand&) { return StepResult{7, false, ""}; };
    auto d = f.driver();
    EXPECT_EQ(d.run({}).kind, Kind::GaveUp);
    EXPECT_EQ(lastReason(d), "post-script-error");
    EXPECT_EQ(f.client.reports.back().input.progressType, ProgressType::PostScriptError);
  }
}

TEST(DriverScripts, StopRequestedBetweenStepsResumesAtTheNextStep) {
  ScriptFixture f;
  int preRuns = 0;
  f.world.behaviour["pre-script"] = [&preRuns](const StepCommand&) {
    ++preRuns;
    return StepResult{0, false, ""};
  };
  // Asked at the start of run(), then before each of the four steps: the
  // third answer (before the configuration) is "stop".
  int asked = 0;
  auto d = f.driver();
  EXPECT_EQ(d.run([&asked] { return ++asked == 4; }).kind, Kind::Stopped);
  EXPECT_EQ(preRuns, 1);
  EXPECT_EQ(d.state().phase, Phase::Onboarding);
  EXPECT_EQ(d.state().session->preScript.status, StepStatus::Done);
  EXPECT_FALSE(f.world.files.contains("/etc/cfg/sztp-configuration"));

  auto again = f.driver();
  EXPECT_EQ(again.run({}).kind, Kind::Completed);
  EXPECT_EQ(preRuns, 1);
  EXPECT_TRUE(f.world.files.contains("/etc/cfg/sztp-configuration"));
}

TEST(DriverConfig, MergeAndReplaceRunTheirCommands) {
  for (auto handling :
       {model::ConfigurationHandling::Merge, model::ConfigurationHandling::Replace}) {
    Fixture f;
    f.settings.configMergeCommand = {"/bin/apply", "--merge", "{config}"};
    f.settings.configReplaceCommand = {"/bin/apply", "--replace", "{config}"};
    f.dhcpNaming({"bs.example"}, {f.pki.tlsCa.certificate});
    auto info = configOnly();
    info.configurationHandling = handling;
    f.serve("bs.example", f.bundle(info));
    auto d = f.driver();
    EXPECT_EQ(d.run({}).kind, Kind::Completed);
    ASSERT_EQ(f.world.commands.size(), 1u);
    const auto& c = f.world.commands[0];
    const bool merge = handling == model::ConfigurationHandling::Merge;
    EXPECT_EQ(c.argv, (std::vector<std::string>{"/bin/apply", merge ? "--merge" : "--replace",
                                                "/work/s1-configuration"}));
    EXPECT_EQ(c.environment.at("SZTP_CONFIG_HANDLING"), merge ? "merge" : "replace");
    EXPECT_EQ(toString(f.world.files.at("/work/s1-configuration")), "<config>hello</config>");
  }
  Fixture f;
  f.settings.retry.maxCycles = 1;
  f.settings.configMergeCommand = {"/bin/apply", "{config}"};
  f.world.behaviour["config"] = [](const StepCommand&) { return StepResult{4, false, "bad"}; };
  f.dhcpNaming({"bs.example"}, {f.pki.tlsCa.certificate});
  f.serve("bs.example", f.bundle(configOnly()));
  auto d = f.driver();
  EXPECT_EQ(d.run({}).kind, Kind::GaveUp);
  EXPECT_EQ(lastReason(d), "config-apply-failed");
  EXPECT_EQ(f.client.reports.back().input.progressType, ProgressType::ConfigError);
}

// ---------------------------------------------------------------- reports

TEST(DriverReports, VerboseSendsEveryStepMinimalOnlyTheEssentials) {
  for (auto level : {model::ReportingLevel::Minimal, model::ReportingLevel::Verbose}) {
    Fixture f;
    f.world.osVersion = "2.0";
    const Bytes image = toBytes("img");
    f.dhcpNaming({"bs.example"}, {f.pki.tlsCa.certificate});
    f.serve("bs.example", f.bundle(fullOnboarding(image)), level);
    auto d = f.driver();
    EXPECT_EQ(d.run({}).kind, Kind::Completed);
    if (level == model::ReportingLevel::Minimal) {
      EXPECT_EQ(f.client.reportNames(),
                (std::vector<std::string>{"bootstrap-initiated", "bootstrap-complete"}));
    } else {
      EXPECT_EQ(
          f.client.reportNames(),
          (std::vector<std::string>{"bootstrap-initiated", "parsing-initiated", "parsing-complete",
                                    "pre-script-initiated", "pre-script-complete",
                                    "config-initiated", "config-complete", "post-script-initiated",
                                    "post-script-complete", "bootstrap-complete"}));
    }
  }
}

TEST(DriverReports, RejectedBootstrapInitiatedStopsTheServer) {
  Fixture f;
  f.settings.retry.maxCycles = 1;
  f.client.refuse.insert(ProgressType::BootstrapInitiated);
  f.dhcpNaming({"bs.example"}, {f.pki.tlsCa.certificate});
  f.serve("bs.example", f.bundle(configOnly()));
  auto d = f.driver();
  EXPECT_EQ(d.run({}).kind, Kind::GaveUp);
  EXPECT_EQ(lastReason(d), "bootstrap-initiated-rejected");  // D42
  EXPECT_TRUE(f.world.files.empty());
}

TEST(DriverReports, RejectedBootstrapCompleteIsAnError) {
  Fixture f;
  f.settings.retry.maxCycles = 1;
  f.client.refuse.insert(ProgressType::BootstrapComplete);
  f.dhcpNaming({"bs.example"}, {f.pki.tlsCa.certificate});
  f.serve("bs.example", f.bundle(configOnly()));
  auto d = f.driver();
  EXPECT_EQ(d.run({}).kind, Kind::GaveUp);
  EXPECT_EQ(lastReason(d), "bootstrap-complete-rejected");  // D52
  EXPECT_EQ(f.client.reports.back().input.progressType, ProgressType::BootstrapError);
  EXPECT_TRUE(startsWith(f.client.reports.back().input.message, "bootstrap-complete-rejected"));
}

// ---------------------------------------------------------------- cycles

TEST(DriverCycles, BackoffGrowsAndIsBounded) {
  Fixture f;
  f.settings.retry.maxCycles = 6;
  f.settings.retry.jitterFraction = 0.0;
  f.dhcpNaming({}).fail = true;
  auto d = f.driver();
  auto out = d.run({});
  EXPECT_EQ(out.kind, Kind::GaveUp);
  EXPECT_EQ(out.cycles, 6u);
  EXPECT_EQ(out.reason, "source-failed");
  using std::chrono::milliseconds;
  EXPECT_EQ(f.world.sleeps,
            (std::vector<milliseconds>{milliseconds(1000), milliseconds(2000), milliseconds(4000),
                                       milliseconds(8000), milliseconds(8000)}));
  EXPECT_EQ(d.state().failedCycles, 6u);
  EXPECT_EQ(d.state().cycles, 6u);
}

TEST(DriverCycles, StopRequestedAndDisabled) {
  Fixture f;
  f.dhcpNaming({});
  int calls = 0;
  auto d = f.driver();
  EXPECT_EQ(d.run([&] { return ++calls > 2; }).kind, Kind::Stopped);
  f.settings.enabled = false;
  auto off = f.driver();
  EXPECT_EQ(off.run({}).kind, Kind::Disabled);
  // The phase is kept: "disabled" is the flag, and a completed provisioning
  // must survive disable + enable (e2e: agent_e2e_test).
  EXPECT_NE(off.state().phase, Phase::Disabled);
}

TEST(DriverCycles, CorruptStateStartsAfresh) {
  Fixture f;
  f.world.stateDoc = "{\"sztp-agent-state\": {\"version\": 1, \"phase\": \"compl";
  f.dhcpNaming({"bs.example"}, {f.pki.tlsCa.certificate});
  f.serve("bs.example", f.bundle(configOnly()));
  auto d = f.driver();
  EXPECT_EQ(d.run({}).kind, Kind::Completed);
  EXPECT_TRUE(f.world.hasEvent("SZTP-A0030"));
}

}  // namespace
}  // namespace sztp::agent::test
