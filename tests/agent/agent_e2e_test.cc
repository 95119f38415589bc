// The device agent end to end (issue 4, "Tests"): the real sztp-agent, ztp and
// sztp-step-runner binaries against the real sztp-server on loopback. Each
// test builds a device root (configuration, state, os-release, boot id, SSH
// host key, IDevID from `sztp pki init`) whose installer, reboot and apply
// commands, and the scripts the server sends, append to effects.log, so every
// effect is counted; a reboot is simulated by its command (new boot id and
// os-release) and the test starting the agent again.

#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>
#include <thread>

#include "common/hex.h"
#include "crypto/digest.h"
#include "fixture.h"
#include "lab/rig.h"
#include "testutil/command.h"
#include "testutil/temp_dir.h"

namespace sztp::agent::e2e {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

class AgentE2eTest : public AgentTestBase {};

// ---------------------------------------------------------------- 1. trusted server

TEST_F(AgentE2eTest, TrustedWellKnownServerOnboardsWithImageRebootScriptsAndConfiguration) {
  Device device = makeDevice();
  Answer answer;
  answer.sign = false;  // A trusted server may send unsigned onboarding information (D19).
  Server server;
  ASSERT_NO_FATAL_FAILURE(serve(server, device, answer));
  device.writeConfig(withSources(wellKnown(server)));
  ASSERT_EQ(imageContent().size(), 65536u);

  auto first = device.runAgent();
  ASSERT_EQ(first.exitCode, 0) << first.output;
  EXPECT_NE(first.output.find("SZTP-A0022"), std::string::npos) << first.output;
  auto status = device.status();
  EXPECT_EQ(status.state, "awaiting-reboot") << status.json;
  EXPECT_EQ(status.exitCode, 3);
  EXPECT_EQ(device.effects(), (Lines{"install 65536 bytes", "reboot"}));
  EXPECT_EQ(testutil::readText(device.root() / "installed.img"), imageContent());

  // The simulated reboot changed the boot id and the running version; the
  // agent starts again as it would at boot.
  auto second = device.runAgent();
  ASSERT_EQ(second.exitCode, 0) << second.output;
  EXPECT_NE(second.output.find("SZTP-A0023"), std::string::npos) << second.output;
  expectCompleted(device, kFullEffects);

  // Completed: every later start exits at once and does nothing.
  auto third = device.runAgent();
  EXPECT_EQ(third.exitCode, 0) << third.output;
  EXPECT_NE(third.output.find("SZTP-A0031"), std::string::npos) << third.output;
  EXPECT_EQ(device.effects(), kFullEffects);

  // Disabled and enabled again, it is still completed: nothing runs again.
  EXPECT_EQ(device.ztp({"disable"}).exitCode, 0);
  auto disabled = device.runAgent();
  EXPECT_EQ(disabled.exitCode, 0) << disabled.output;
  EXPECT_NE(disabled.output.find("SZTP-A0026"), std::string::npos) << disabled.output;
  EXPECT_EQ(device.status().state, "disabled");
  EXPECT_EQ(device.ztp({"enable"}).exitCode, 0);
  EXPECT_EQ(device.status().state, "completed");
  auto enabled = device.runAgent();
  EXPECT_EQ(enabled.exitCode, 0) << enabled.output;
  EXPECT_NE(enabled.output.find("SZTP-A0031"), std::string::npos) << enabled.output;
  EXPECT_EQ(device.effects(), kFullEffects);

  const Lines log = server.stopAndReadDeviceLog("SN-1");
  Lines progress;
  for (const auto& line : log) {
    if (line.rfind("progress ", 0) == 0) {
      progress.push_back(line);
    }
  }
  ASSERT_FALSE(progress.empty()) << joined(log);
  EXPECT_EQ(progress.front(), "progress bootstrap-initiated") << joined(log);
  EXPECT_EQ(progress.back().rfind("progress bootstrap-complete", 0), 0u) << joined(log);
  EXPECT_EQ(countContaining(progress, "progress bootstrap-initiated"), 2) << joined(log);
  for (const char* once : {"progress boot-image-installed-rebooting",
                           "progress pre-script-complete", "progress config-complete",
                           "progress post-script-complete", "progress bootstrap-complete"}) {
    EXPECT_EQ(countContaining(progress, once), 1) << once << "\n" << joined(log);
  }
  EXPECT_EQ(countContaining(log, "error"), 0) << joined(log);
}

// ---------------------------------------------------------------- 2. untrusted server, signed

TEST_F(AgentE2eTest, UntrustedBootstrapUrlWithSignedDataOnboardsWithoutProgressReports) {
  Device device = makeDevice();
  Server server;
  ASSERT_NO_FATAL_FAILURE(serve(server, device, Answer{}));
  device.writeConfig(withSources("  order: [url]\n"));

  auto first = device.runAgent({"--bootstrap-url", server.url()});
  ASSERT_EQ(first.exitCode, 0) << first.output;
  EXPECT_NE(first.output.find("SZTP-A0008"), std::string::npos) << first.output;  // provisional
  EXPECT_EQ(device.status().state, "awaiting-reboot");
  auto second = device.runAgent({"--bootstrap-url", server.url()});
  ASSERT_EQ(second.exitCode, 0) << second.output;
  expectCompleted(device, kFullEffects);

  const Lines log = server.stopAndReadDeviceLog("SN-1");
  // Both requests asked for signed data and got it; no report was sent (D53).
  EXPECT_EQ(countContaining(log, "\"signed-data-preferred\":true"), 2) << joined(log);
  EXPECT_EQ(countContaining(log, "progress "), 0) << joined(log);
}

// ---------------------------------------------------------------- 3. redirect chain

TEST_F(AgentE2eTest, SignedRedirectFromAnUntrustedServerLeadsToATrustedOne) {
  Device device = makeDevice();
  Answer onboarding;
  onboarding.sign = false;  // B is authenticated by the redirect's anchor.
  onboarding.image = false;
  Server b;
  ASSERT_NO_FATAL_FAILURE(serve(b, device, onboarding, "server-b"));
  Answer redirect;
  redirect.redirectTo = b.bootstrapPort();
  Server a;
  ASSERT_NO_FATAL_FAILURE(serve(a, device, redirect, "server-a"));
  device.writeConfig(withSources("  order: [url]\n"));

  auto run = device.runAgent({"--bootstrap-url", a.url()});
  ASSERT_EQ(run.exitCode, 0) << run.output;
  EXPECT_NE(run.output.find("SZTP-A0014"), std::string::npos) << run.output;
  expectCompleted(device, (Lines{"pre-script", "apply-merge <config/>", "post-script"}));

  const Lines logA = a.stopAndReadDeviceLog("SN-1");
  EXPECT_EQ(countContaining(logA, "progress "), 0) << joined(logA);
  EXPECT_EQ(countContaining(logA, "\"signed-data-preferred\":true"), 1) << joined(logA);
  const Lines logB = b.stopAndReadDeviceLog("SN-1");
  EXPECT_EQ(countContaining(logB, "signed-data-preferred"), 0) << joined(logB);
  EXPECT_EQ(countContaining(logB, "progress bootstrap-complete"), 1) << joined(logB);
}

// ---------------------------------------------------------------- 4. bad input

TEST_F(AgentE2eTest, VoucherForAnotherSerialNumberIsRefusedAndReported) {
  Device device = makeDevice();
  Server server;
  ASSERT_NO_FATAL_FAILURE(serve(server, device, Answer{}));
  // The server knows the device by its IDevID (SN-1) and sends SN-1's
  // voucher; this device calls itself SN-OTHER, so the voucher is not its own.
  device.writeConfig(withSources(wellKnown(server)).withIdentity("  serial-number: SN-OTHER\n"));
  const Lines log = expectRefused(device, server, "voucher-serial-mismatch").log;
  EXPECT_EQ(countContaining(log, "progress parsing-error voucher-serial-mismatch"), 1)
      << joined(log);
  EXPECT_EQ(countContaining(log, "progress bootstrap-initiated"), 0) << joined(log);
}

TEST_F(AgentE2eTest, ExpiredVoucherIsRefusedAndReported) {
  Device device = makeDevice();
  Answer answer;
  answer.voucher = "SN-1-expired.vcj";
  Server server;
  ASSERT_NO_FATAL_FAILURE(serve(server, device, answer));
  device.writeConfig(withSources(wellKnown(server)));
  const Lines log = expectRefused(device, server, "voucher-expired").log;
  EXPECT_EQ(countContaining(log, "progress parsing-error voucher-expired"), 1) << joined(log);
}

TEST_F(AgentE2eTest, OwnerCertificateOutsideThePinnedDomainIsRefusedAndReported) {
  Device device = makeDevice();
  Answer answer;
  answer.voucher = "SN-1-other-domain.vcj";
  Server server;
  ASSERT_NO_FATAL_FAILURE(serve(server, device, answer));
  device.writeConfig(withSources(wellKnown(server)));
  const Lines log = expectRefused(device, server, "owner-certificate-untrusted").log;
  EXPECT_EQ(countContaining(log, "progress parsing-error owner-certificate-untrusted"), 1)
      << joined(log);
}

TEST_F(AgentE2eTest, VoucherWithoutTheNonceTheDeviceRequiresIsRefused) {
  Device device = makeDevice();
  Server server;
  ASSERT_NO_FATAL_FAILURE(serve(server, device, Answer{}));
  // The server answers a nonce with the voucher it has (no MASA, S14).
  device.writeConfig(
      withSources("  order: [url]\n").withTrust("  send-nonce: true\n  require-nonce: true\n"));
  const Lines log =
      expectRefused(device, server, "voucher-nonce-missing", {"--bootstrap-url", server.url()}).log;
  EXPECT_EQ(countContaining(log, "\"nonce\":"), 1) << joined(log);
  EXPECT_EQ(countContaining(log, "progress "), 0) << joined(log);  // untrusted: no report
}

TEST_F(AgentE2eTest, ImageWithTheWrongHashIsNeitherInstalledNorFollowedByAnything) {
  Device device = makeDevice();
  Answer answer;
  answer.sign = false;
  answer.imageSha256 = hexEncode(crypto::sha256(asBytes("a tampered image")));
  Server server;
  ASSERT_NO_FATAL_FAILURE(serve(server, device, answer));
  device.writeConfig(withSources(wellKnown(server)));
  const auto refused = expectRefused(device, server, "boot-image-download-failed");
  EXPECT_NE(refused.run.output.find("download-hash-mismatch"), std::string::npos)
      << refused.run.output;
  const Lines& log = refused.log;
  EXPECT_EQ(countContaining(log, "progress boot-image-error"), 1) << joined(log);
  EXPECT_EQ(countContaining(log, "download-hash-mismatch"), 1) << joined(log);
  EXPECT_EQ(countContaining(log, "progress pre-script"), 0) << joined(log);
  EXPECT_EQ(countContaining(log, "progress bootstrap-complete"), 0) << joined(log);
}

TEST_F(AgentE2eTest, WellKnownServerWhoseCertificateDoesNotValidateIsNotUsed) {
  Device device = makeDevice();
  Answer answer;
  answer.sign = false;
  Server server;
  ASSERT_NO_FATAL_FAILURE(serve(server, device, answer));
  // The anchor configured for the server is another CA (the manufacturer's).
  fs::copy_file(pki() / "manufacturer/ca.crt", device.root() / "wrong-ca.pem");
  device.writeConfig(withSources(wellKnown(server, "wrong-ca.pem")));
  const Lines log = expectRefused(device, server, "server-certificate-untrusted").log;
  EXPECT_EQ(countContaining(log, "response "), 0) << joined(log);
}

TEST_F(AgentE2eTest, RedirectLoopStopsAtTheConfiguredDepth) {
  Server server;
  ASSERT_TRUE(startServer(server, "server")) << server.log();
  Device device = makeDevice();
  Answer answer;
  answer.redirectTo = server.bootstrapPort();  // to itself, authenticated
  ASSERT_TRUE(server.apply(inventory(server, device, answer))) << server.log();
  device.writeConfig(withSources("  order: [url]\n").withTrust("  redirect-depth: 3\n"));
  const Lines log =
      expectRefused(device, server, "redirect-depth-exceeded", {"--bootstrap-url", server.url()})
          .log;
  // The first request and three redirects (depth 1..3); the fourth level is refused.
  EXPECT_EQ(countContaining(log, "response "), 4) << joined(log);
}

TEST_F(AgentE2eTest, UnsignedOnboardingIsNeverUsedFromAnUntrustedServer) {
  Device device = makeDevice();
  Answer answer;
  answer.sign = false;
  Server server;
  ASSERT_NO_FATAL_FAILURE(serve(server, device, answer));
  device.writeConfig(withSources("  order: [url]\n"));
  auto run = device.runAgent({"--bootstrap-url", server.url()});
  EXPECT_EQ(run.exitCode, 1) << run.output;
  // Our server refuses to send it (S6: 403 signed-data-required) ...
  const auto status = device.status();
  EXPECT_EQ(status.state, "failed") << status.json;
  EXPECT_EQ(status.reason, "server-http-error") << status.json;
  EXPECT_NE(status.json.find("signed-data-required"), std::string::npos) << status.json;
  EXPECT_TRUE(device.effects().empty()) << joined(device.effects());
  EXPECT_FALSE(fs::exists(device.root() / "installed.img"));
  const Lines log = server.stopAndReadDeviceLog("SN-1");
  EXPECT_EQ(countContaining(log, "progress "), 0) << joined(log);

  // ... and when it comes anyway (here from removable storage, which is never
  // trusted, X1), the device refuses it (D19).
  Device usb = makeDevice("usb-device");
  const fs::path data = usb.root() / "media/SN-1/bootstrapping-data";
  fs::create_directories(data);
  std::ofstream(usb.root() / "onboarding.yaml")
      << "onboarding-information:\n  configuration-handling: merge\n"
         "  configuration: {text: \"<config/>\"}\n"
         "  pre-configuration-script: {text: \"#!/bin/sh\\necho pre-script >> "
      << usb.effectsLog().string() << "\\n\"}\n";
  auto made =
      testutil::runCommand({testutil::binaryPath("sztp"), "conveyed-info", "create",
                            "--description", (usb.root() / "onboarding.yaml").string(),
                            "--unsigned", "-o", (data / "conveyed-information.cms").string()});
  ASSERT_EQ(made.exitCode, 0) << made.output;
  usb.writeConfig(withSources("  order: [removable-storage]\n  removable-storage: [media]\n"));
  auto refused = usb.runAgent();
  EXPECT_EQ(refused.exitCode, 1) << refused.output;
  expectNothingDone(usb, "unsigned-onboarding-untrusted-source");
}

// ---------------------------------------------------------------- 5. crash safety

/// Starts the agent again and again until `marker` is in effects.log, then
/// SIGKILLs it at once; false if the agent finished the whole onboarding first.
bool killWhenSeen(Device& device, const std::string& marker, const std::vector<std::string>& args) {
  for (int start = 0; start < 4; ++start) {
    Child agent;
    if (!device.startAgent(agent, args)) {
      return false;
    }
    while (agent.running()) {
      if (countContaining(device.effects(), marker) > 0) {
        agent.kill(SIGKILL);
        return agent.wait(10s) == 128 + SIGKILL;
      }
      std::this_thread::sleep_for(2ms);
    }
    if (countContaining(device.effects(), marker) > 0) {
      return true;  // It got there and ended by itself (e.g. after the reboot command).
    }
    if (device.status().state == "completed") {
      return false;
    }
  }
  return false;
}

TEST_F(AgentE2eTest, KilledAtEveryKindOfStepItCompletesAndNothingHappensTwice) {
  Device device = makeDevice();
  Answer answer;
  // Scripts that take a while, so the agent is killed while they run; each
  // marks its start and its end.
  answer.preScript = "echo pre-begin >> {log}\nsleep 1\necho pre-end >> {log}";
  answer.postScript = "echo post-begin >> {log}\nsleep 1\necho post-end >> {log}";
  Server server;
  ASSERT_NO_FATAL_FAILURE(serve(server, device, answer));
  device.writeConfig(withSources("  order: [url]\n"));
  const std::vector<std::string> args{"--bootstrap-url", server.url()};

  for (const char* marker : {"install", "reboot", "pre-begin", "apply-merge", "post-begin"}) {
    ASSERT_TRUE(killWhenSeen(device, marker, args)) << marker << "\n"
                                                    << joined(device.effects()) << agentLog(device);
  }
  auto last = device.runAgent(args);
  EXPECT_EQ(last.exitCode, 0) << last.output;
  expectCompleted(device, (Lines{"install 65536 bytes", "reboot", "pre-begin", "pre-end",
                                 "apply-merge <config/>", "post-begin", "post-end"}));
}

/// Starts the agent until its log shows `marker` after what it held before,
/// then SIGKILLs it; false if no start reached the marker.
bool killAtLogLine(Device& device, const std::string& marker,
                   const std::vector<std::string>& args) {
  const fs::path logFile = device.root() / "agent.log";
  for (int start = 0; start < 3; ++start) {
    const std::size_t seen = fs::exists(logFile) ? testutil::readText(logFile).size() : 0;
    Child agent;
    if (!device.startAgent(agent, args)) {
      return false;
    }
    while (true) {
      const bool running = agent.running();
      if (testutil::readText(logFile).find(marker, seen) != std::string::npos) {
        agent.kill(SIGKILL);
        (void)agent.wait(10s);
        return true;
      }
      if (!running) {
        break;
      }
      std::this_thread::sleep_for(1ms);
    }
  }
  return false;
}

TEST_F(AgentE2eTest, KilledBetweenAnyTwoEventsItCompletesAndNothingHappensTwice) {
  Device device = makeDevice();
  Answer answer;
  answer.sign = false;
  Server server;
  ASSERT_NO_FATAL_FAILURE(serve(server, device, answer));
  device.writeConfig(withSources(wellKnown(server)));
  // Each kill lands shortly after the event is logged: between the state
  // saves that surround reports, the download, the commands and the reboot.
  for (const char* marker :
       {"SZTP-A0010", "bootstrap-initiated accepted", "SZTP-A0016 downloading",
        "boot image downloaded", "SZTP-A0016 installing", "SZTP-A0022", "SZTP-A0023",
        "pre-script started", "pre-script succeeded", "configuration applied",
        "post-script succeeded", "bootstrap-complete accepted"}) {
    ASSERT_TRUE(killAtLogLine(device, marker, {})) << marker << "\n"
                                                   << joined(device.effects()) << agentLog(device);
  }
  for (int start = 0; start < 3 && device.status().state != "completed"; ++start) {
    auto run = device.runAgent();
    EXPECT_EQ(run.exitCode, 0) << run.output;
  }
  expectCompleted(device, kFullEffects);
}

TEST_F(AgentE2eTest, SigtermStopsBetweenStepsAndTheNextStartResumes) {
  Device device = makeDevice();
  Answer answer;
  answer.sign = false;
  answer.image = false;
  answer.preScript = "echo pre-begin >> {log}\nsleep 1\necho pre-end >> {log}";
  Server server;
  ASSERT_NO_FATAL_FAILURE(serve(server, device, answer));
  device.writeConfig(withSources(wellKnown(server)));
  Child agent;
  ASSERT_TRUE(device.startAgent(agent));
  while (agent.running() && countContaining(device.effects(), "pre-begin") == 0) {
    std::this_thread::sleep_for(2ms);
  }
  // The script that runs finishes (its runner outlives the agent's wait);
  // the agent stops before the next step.
  agent.kill(SIGTERM);
  EXPECT_EQ(agent.wait(30s), 4) << agent.log();
  EXPECT_NE(agent.log().find("SZTP-A0902"), std::string::npos) << agent.log();
  EXPECT_EQ(device.effects(), (Lines{"pre-begin", "pre-end"})) << joined(device.effects());
  EXPECT_EQ(device.status().state, "in-progress");

  auto run = device.runAgent();
  EXPECT_EQ(run.exitCode, 0) << run.output;
  expectCompleted(device, (Lines{"pre-begin", "pre-end", "apply-merge <config/>", "post-script"}));
  const Lines log = server.stopAndReadDeviceLog("SN-1");
  EXPECT_EQ(countContaining(log, "progress pre-script-complete"), 1) << joined(log);
  EXPECT_EQ(countContaining(log, "progress bootstrap-complete"), 1) << joined(log);
}

// ---------------------------------------------------------------- 6. ztp

TEST_F(AgentE2eTest, ZtpDisableEnableRunEraseAndStatus) {
  Device device = makeDevice();
  // A server that is not there: every cycle fails, then a long wait.
  device.writeConfig(withSources("  order: [url]\n  bootstrap-urls: [https://127.0.0.1:1]\n")
                         .withRetry("  max-cycles: 0\n  initial-backoff: 120s\n"
                                    "  max-backoff: 120s\n  jitter-percent: 0\n"));
  auto status = device.status();
  EXPECT_EQ(status.state, "not-started") << status.json;
  EXPECT_EQ(status.exitCode, 3);

  Child agent;
  ASSERT_TRUE(device.startAgent(agent));
  ASSERT_TRUE(agent.waitForLog("SZTP-A0027", 20s)) << agent.log();
  status = device.status();
  EXPECT_EQ(status.state, "failed") << status.json;
  EXPECT_FALSE(status.reason.empty()) << status.json;
  auto text = device.ztp({"status"});
  EXPECT_EQ(text.exitCode, 1) << text.output;
  EXPECT_NE(text.output.find("State: failed (" + status.reason + ")"), std::string::npos)
      << text.output;
  EXPECT_NE(text.output.find("Agent: running"), std::string::npos) << text.output;
  auto verbose = device.ztp({"status", "--verbose"});
  EXPECT_EQ(verbose.exitCode, 1) << verbose.output;
  EXPECT_GT(verbose.output.size(), text.output.size()) << verbose.output;

  // ztp run wakes the waiting agent: a second cycle starts now, not in 120 s.
  auto run = device.ztp({"run"});
  EXPECT_EQ(run.exitCode, 0) << run.output;
  EXPECT_TRUE(agent.waitForLog("bootstrapping cycle 2 started", 20s)) << agent.log();
  ASSERT_TRUE(agent.waitForLog("SZTP-A0027 waiting", 20s)) << agent.log();

  // A second agent on the same state directory refuses to start (3).
  auto second = device.runAgent();
  EXPECT_EQ(second.exitCode, 3) << second.output;

  // Erase is refused while the agent runs.
  auto erase = device.ztp({"erase", "--yes"});
  EXPECT_EQ(erase.exitCode, 3) << erase.output;
  EXPECT_TRUE(fs::exists(device.root() / "state/state.json"));

  // Disable: the flag, and the waiting agent stops.
  auto disable = device.ztp({"disable", "--wait", "20"});
  EXPECT_EQ(disable.exitCode, 0) << disable.output;
  EXPECT_EQ(agent.wait(20s), 4) << agent.log();
  status = device.status();
  EXPECT_EQ(status.state, "disabled") << status.json;
  EXPECT_EQ(status.exitCode, 4);
  // Started again (next boot), it exits at once.
  const auto before = std::chrono::steady_clock::now();
  auto again = device.runAgent();
  EXPECT_EQ(again.exitCode, 0) << again.output;
  EXPECT_NE(again.output.find("SZTP-A0026"), std::string::npos) << again.output;
  EXPECT_LT(std::chrono::steady_clock::now() - before, 10s);
  auto refused = device.ztp({"run"});
  EXPECT_EQ(refused.exitCode, 4) << refused.output;

  auto enable = device.ztp({"enable"});
  EXPECT_EQ(enable.exitCode, 0) << enable.output;
  status = device.status();  // What it was before it was disabled.
  EXPECT_EQ(status.state, "failed") << status.json;

  auto unconfirmed = device.ztp({"erase"});
  EXPECT_EQ(unconfirmed.exitCode, 2) << unconfirmed.output;
  erase = device.ztp({"erase", "--yes"});
  EXPECT_EQ(erase.exitCode, 0) << erase.output;
  status = device.status();
  EXPECT_EQ(status.state, "not-started") << status.json;

  // ztp run with no agent running runs one in the foreground.
  auto foreground =
      device.ztp({"run", "--agent", testutil::binaryPath("sztp-agent"), "--", "--once"});
  EXPECT_EQ(foreground.exitCode, 1) << foreground.output;
  EXPECT_NE(foreground.output.find("bootstrapping cycle 1 started"), std::string::npos)
      << foreground.output;
  EXPECT_EQ(device.status().state, "failed");
}

// ---------------------------------------------------------------- configuration

TEST_F(AgentE2eTest, CheckConfigAcceptsTheExampleAndNamesAnUnknownKey) {
  Device device = makeDevice();
  // The shipped example, with its paths moved into the device root.
  std::string text =
      testutil::readText(fs::path(SZTP_SOURCE_DIR) / "examples/agent/sztp-agent.yaml");
  auto replace = [&](const std::string& from, const std::string& to) {
    const auto at = text.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    text.replace(at, from.size(), to);
  };
  const std::string r = device.root().string();
  replace("state-directory: /var/lib/sztp-agent", "state-directory: " + r + "/state");
  replace("step-runner: /usr/libexec/sztp/sztp-step-runner",
          "step-runner: " + testutil::binaryPath("sztp-step-runner"));
  replace("/etc/sztp/idevid/idevid-chain.pem", r + "/idevid.pem");
  replace("key: /etc/sztp/idevid/idevid.key", "key: " + r + "/idevid.key");
  replace("/usr/share/sztp/trust/voucher-ca.pem", r + "/voucher-ca.pem");
  const fs::path config = device.root() / "example.yaml";
  std::ofstream(config) << text;
  auto ok = testutil::runCommand(
      {testutil::binaryPath("sztp-agent"), "--config", config.string(), "--check-config"});
  EXPECT_EQ(ok.exitCode, 0) << ok.output;
  EXPECT_NE(ok.output.find("serial-number      SN-1"), std::string::npos) << ok.output;

  replace("  script-timeout: 10m", "  script-timeout: 10m\n  instaler: [/bin/true]");
  std::ofstream(config, std::ios::trunc) << text;
  auto bad = testutil::runCommand(
      {testutil::binaryPath("sztp-agent"), "--config", config.string(), "--check-config"});
  EXPECT_EQ(bad.exitCode, 2) << bad.output;
  EXPECT_NE(bad.output.find("onboarding.instaler"), std::string::npos) << bad.output;
  EXPECT_NE(bad.output.find("line"), std::string::npos) << bad.output;

  // A missing file, an unknown option, no subcommand: all bad command lines (2).
  auto missing = testutil::runCommand(
      {testutil::binaryPath("sztp-agent"), "--config", (device.root() / "absent.yaml").string()});
  EXPECT_EQ(missing.exitCode, 2) << missing.output;
  EXPECT_NE(missing.output.find("cannot read"), std::string::npos) << missing.output;
  EXPECT_EQ(testutil::runCommand({testutil::binaryPath("sztp-agent"), "--bogus"}).exitCode, 2);
  EXPECT_EQ(testutil::runCommand({testutil::binaryPath("sztp-agent"), "--version"}).exitCode, 0);
  EXPECT_EQ(testutil::runCommand({testutil::binaryPath("ztp"), "--bogus"}).exitCode, 2);
  EXPECT_EQ(testutil::runCommand({testutil::binaryPath("ztp")}).exitCode, 2);
  EXPECT_EQ(testutil::runCommand({testutil::binaryPath("ztp"), "--help"}).exitCode, 0);
}

}  // namespace
}  // namespace sztp::agent::e2e
