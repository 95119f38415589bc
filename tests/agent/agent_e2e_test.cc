// The device agent end to end (issue 4, "Tests"): the real sztp-agent, ztp and
// sztp-step-runner binaries against the real sztp-server on loopback. Each
// test builds a device root (configuration, state, os-release, boot id, SSH
// host key, IDevID from `sztp pki init`) whose installer, reboot and apply
// commands, and the scripts the server sends, append to effects.log, so every
// effect is counted; a reboot is simulated by its command (new boot id and
// os-release) and the test starting the agent again.

#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <fstream>
#include <thread>

#include "common/hex.h"
#include "crypto/digest.h"
#include "rig.h"
#include "testutil/command.h"
#include "testutil/temp_dir.h"

namespace sztp::agent::e2e {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using Lines = std::vector<std::string>;

/// The boot image the servers serve (64 KiB, so the download is more than one read).
std::string imageContent() {
  std::string text;
  while (text.size() < 64 * 1024) {
    text += "DemoOS 2.0 boot image block " + std::to_string(text.size()) + "\n";
  }
  text.resize(64 * 1024);
  return text;
}

/// What a server answers the device with (rendered into its inventory).
struct Answer {
  bool sign = true;
  std::optional<std::string> reportingLevel = "verbose";
  bool image = true;
  /// The image's sha256 as the server states it, instead of the file's.
  std::optional<std::string> imageSha256;
  std::string preScript = "echo pre-script >> {log}";
  std::string postScript = "echo post-script >> {log}";
  std::string configuration = "<config/>";
  std::string handling = "merge";
  std::string voucher = "SN-1.vcj";
  /// Signed redirect to this server (port) with the bootstrap TLS anchor.
  std::optional<std::uint16_t> redirectTo;
};

class AgentE2eTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    suite_ = new testutil::TempDir;
    const std::string sztp = testutil::binaryPath("sztp");
    const std::string pki = (suite_->path() / "pki").string();
    auto made = testutil::runCommand(
        {sztp, "pki", "init", "--dir", pki, "--serial", "SN-1", "--serial", "SN-2"});
    ASSERT_EQ(made.exitCode, 0) << made.output;
    auto voucher = [&](const std::string& file, std::vector<std::string> extra) {
      const bool pinned =
          std::find(extra.begin(), extra.end(), "--pinned-domain-cert") != extra.end();
      std::vector<std::string> argv{sztp,
                                    "voucher",
                                    "create",
                                    "--serial",
                                    "SN-1",
                                    "--pinned-domain-cert",
                                    pinned ? extra.back() : pki + "/owner/ca.crt",
                                    "--signer-cert",
                                    pki + "/masa/masa.crt",
                                    "--signer-key",
                                    pki + "/masa/masa.key",
                                    "-o",
                                    (suite_->path() / file).string()};
      argv.insert(argv.end(), extra.begin(), extra.end() - (pinned ? 2 : 0));
      auto result = testutil::runCommand(argv);
      ASSERT_EQ(result.exitCode, 0) << result.output;
    };
    voucher("SN-1.vcj", {"--expires-in", "30d"});
    // Pins the TLS CA: the owner certificate is outside the pinned domain.
    voucher("SN-1-other-domain.vcj",
            {"--expires-in", "30d", "--pinned-domain-cert", pki + "/tls/ca.crt"});
    voucher("SN-1-expired.vcj",
            {"--created-on", "2020-01-01T00:00:00Z", "--expires-on", "2020-02-01T00:00:00Z"});
  }
  static void TearDownTestSuite() {
    delete suite_;
    suite_ = nullptr;
  }

  static fs::path pki() { return suite_->path() / "pki"; }

  bool startServer(Server& server, const std::string& name) {
    return server.start(dir_ / name, pki());
  }

  Device makeDevice(const std::string& name = "device") {
    return Device(dir_ / name, pki(), "SN-1");
  }

  /// The inventory of `server` answering SN-1 with `answer`; scripts log to
  /// `device`'s effects.log.
  std::string inventory(const Server& server, const Device& device, const Answer& answer) {
    const std::string p = pki().string();
    const std::string log = device.effectsLog().string();
    auto script = [&](const std::string& body) {
      std::string text = "      #!/bin/sh\n";
      std::string expanded = body;
      for (auto at = expanded.find("{log}"); at != std::string::npos; at = expanded.find("{log}")) {
        expanded.replace(at, 5, log);
      }
      std::istringstream lines(expanded);
      for (std::string line; std::getline(lines, line);) {
        text += "      " + line + "\n";
      }
      return text;
    };
    std::string y =
        "version: 1\n"
        "device-types:\n"
        "  - name: dpu\n"
        "    idevid-trust-anchors: " +
        p +
        "/manufacturer/ca.crt\n"
        "owners:\n"
        "  - name: acme\n"
        "    certificate-chain: [" +
        p + "/owner/owner.crt]\n    signing-key: " + p + "/owner/owner.key\n";
    if (answer.image) {
      const fs::path file = server.directory() / "files/os-2.img";
      std::ofstream(file, std::ios::binary) << imageContent();
      y += "images:\n  - name: os-2\n    os-name: DemoOS\n    os-version: \"2.0\"\n";
      if (answer.imageSha256) {
        y += "    sha256: " + *answer.imageSha256 + "\n";
      } else {
        y += "    file: " + file.string() + "\n";
      }
      y += "    download-uris: [https://127.0.0.1:" + std::to_string(server.filesPort()) +
           "/os-2.img]\n";
    }
    y += "scripts:\n  - name: pre\n    text: |\n" + script(answer.preScript) +
         "  - name: post\n    text: |\n" + script(answer.postScript) +
         "configurations:\n  - name: cfg\n    handling: " + answer.handling + "\n    text: \"" +
         answer.configuration +
         "\"\n"
         "onboarding-profiles:\n  - name: full\n" +
         (answer.image ? "    image: os-2\n" : "") +
         "    pre-configuration-script: pre\n"
         "    configuration: cfg\n"
         "    post-configuration-script: post\n";
    if (answer.redirectTo) {
      y += "redirect-profiles:\n  - name: next\n    bootstrap-servers:\n"
           "      - address: 127.0.0.1\n        port: " +
           std::to_string(*answer.redirectTo) + "\n        trust-anchor-chain: " + p +
           "/tls/ca.crt\n";
    }
    y += "devices:\n  - serial-number: SN-1\n    device-type: dpu\n    owner: acme\n"
         "    ownership-voucher: " +
         (suite_->path() / answer.voucher).string() + "\n    responses:\n";
    if (answer.redirectTo) {
      y += std::string("      - kind: redirect\n        profile: next\n        sign: ") +
           (answer.sign ? "true" : "false") + "\n";
    } else {
      y += std::string("      - profile: full\n        sign: ") + (answer.sign ? "true" : "false") +
           "\n";
      if (answer.reportingLevel) {
        y += "        reporting-level: " + *answer.reportingLevel + "\n";
      }
    }
    return y;
  }

  static std::string wellKnown(const Server& server,
                               const std::string& anchor = "bootstrap-ca.pem") {
    return "  order: [well-known]\n  well-known:\n    - host: 127.0.0.1\n      port: " +
           std::to_string(server.bootstrapPort()) + "\n      trust-anchor: " + anchor + "\n";
  }

  /// Nothing was installed, applied or run, and `ztp status` says why.
  static void expectNothingDone(Device& device, const std::string& reason) {
    const auto status = device.status();
    EXPECT_EQ(status.state, "failed") << status.json;
    EXPECT_EQ(status.reason, reason) << status.json;
    EXPECT_EQ(status.exitCode, 1) << status.json;
    EXPECT_TRUE(device.effects().empty()) << joined(device.effects());
    EXPECT_FALSE(fs::exists(device.root() / "installed.img"));
    EXPECT_TRUE(!fs::exists(device.root() / "config.d") ||
                fs::is_empty(device.root() / "config.d"));
  }

  static inline testutil::TempDir* suite_ = nullptr;
  testutil::TempDir dir_;
};

const Lines kFullEffects = {"install 65536 bytes", "reboot", "pre-script", "apply-merge <config/>",
                            "post-script"};

// ---------------------------------------------------------------- 1. trusted server

TEST_F(AgentE2eTest, TrustedWellKnownServerOnboardsWithImageRebootScriptsAndConfiguration) {
  Server server;
  ASSERT_TRUE(startServer(server, "server")) << server.log();
  Device device = makeDevice();
  Answer answer;
  answer.sign = false;  // A trusted server may send unsigned onboarding information (D19).
  ASSERT_TRUE(server.apply(inventory(server, device, answer))) << server.log();
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
  status = device.status();
  EXPECT_EQ(status.state, "completed") << status.json;
  EXPECT_EQ(status.exitCode, 0);
  EXPECT_EQ(device.effects(), kFullEffects) << joined(device.effects());

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
  Server server;
  ASSERT_TRUE(startServer(server, "server")) << server.log();
  Device device = makeDevice();
  ASSERT_TRUE(server.apply(inventory(server, device, Answer{}))) << server.log();
  device.writeConfig(withSources("  order: [url]\n"));

  auto first = device.runAgent({"--bootstrap-url", server.url()});
  ASSERT_EQ(first.exitCode, 0) << first.output;
  EXPECT_NE(first.output.find("SZTP-A0008"), std::string::npos) << first.output;  // provisional
  EXPECT_EQ(device.status().state, "awaiting-reboot");
  auto second = device.runAgent({"--bootstrap-url", server.url()});
  ASSERT_EQ(second.exitCode, 0) << second.output;
  const auto status = device.status();
  EXPECT_EQ(status.state, "completed") << status.json;
  EXPECT_EQ(device.effects(), kFullEffects) << joined(device.effects());

  const Lines log = server.stopAndReadDeviceLog("SN-1");
  // Both requests asked for signed data and got it; no report was sent (D53).
  EXPECT_EQ(countContaining(log, "\"signed-data-preferred\":true"), 2) << joined(log);
  EXPECT_EQ(countContaining(log, "progress "), 0) << joined(log);
}

// ---------------------------------------------------------------- 3. redirect chain

TEST_F(AgentE2eTest, SignedRedirectFromAnUntrustedServerLeadsToATrustedOne) {
  Server b;
  ASSERT_TRUE(startServer(b, "server-b")) << b.log();
  Server a;
  ASSERT_TRUE(startServer(a, "server-a")) << a.log();
  Device device = makeDevice();
  Answer onboarding;
  onboarding.sign = false;  // B is authenticated by the redirect's anchor.
  onboarding.image = false;
  ASSERT_TRUE(b.apply(inventory(b, device, onboarding))) << b.log();
  Answer redirect;
  redirect.redirectTo = b.bootstrapPort();
  ASSERT_TRUE(a.apply(inventory(a, device, redirect))) << a.log();
  device.writeConfig(withSources("  order: [url]\n"));

  auto run = device.runAgent({"--bootstrap-url", a.url()});
  ASSERT_EQ(run.exitCode, 0) << run.output;
  EXPECT_NE(run.output.find("SZTP-A0014"), std::string::npos) << run.output;
  const auto status = device.status();
  EXPECT_EQ(status.state, "completed") << status.json;
  EXPECT_EQ(device.effects(), (Lines{"pre-script", "apply-merge <config/>", "post-script"}))
      << joined(device.effects());

  const Lines logA = a.stopAndReadDeviceLog("SN-1");
  EXPECT_EQ(countContaining(logA, "progress "), 0) << joined(logA);
  EXPECT_EQ(countContaining(logA, "\"signed-data-preferred\":true"), 1) << joined(logA);
  const Lines logB = b.stopAndReadDeviceLog("SN-1");
  EXPECT_EQ(countContaining(logB, "signed-data-preferred"), 0) << joined(logB);
  EXPECT_EQ(countContaining(logB, "progress bootstrap-complete"), 1) << joined(logB);
}

// ---------------------------------------------------------------- 4. bad input

TEST_F(AgentE2eTest, VoucherForAnotherSerialNumberIsRefusedAndReported) {
  Server server;
  ASSERT_TRUE(startServer(server, "server")) << server.log();
  Device device = makeDevice();
  ASSERT_TRUE(server.apply(inventory(server, device, Answer{}))) << server.log();
  // The server knows the device by its IDevID (SN-1) and sends SN-1's
  // voucher; this device calls itself SN-OTHER, so the voucher is not its own.
  device.writeConfig(withSources(wellKnown(server)).withIdentity("  serial-number: SN-OTHER\n"));
  auto run = device.runAgent();
  EXPECT_EQ(run.exitCode, 1) << run.output;
  expectNothingDone(device, "voucher-serial-mismatch");
  const Lines log = server.stopAndReadDeviceLog("SN-1");
  EXPECT_EQ(countContaining(log, "progress parsing-error voucher-serial-mismatch"), 1)
      << joined(log);
  EXPECT_EQ(countContaining(log, "progress bootstrap-initiated"), 0) << joined(log);
}

TEST_F(AgentE2eTest, ExpiredVoucherIsRefusedAndReported) {
  Server server;
  ASSERT_TRUE(startServer(server, "server")) << server.log();
  Device device = makeDevice();
  Answer answer;
  answer.voucher = "SN-1-expired.vcj";
  ASSERT_TRUE(server.apply(inventory(server, device, answer))) << server.log();
  device.writeConfig(withSources(wellKnown(server)));
  auto run = device.runAgent();
  EXPECT_EQ(run.exitCode, 1) << run.output;
  expectNothingDone(device, "voucher-expired");
  const Lines log = server.stopAndReadDeviceLog("SN-1");
  EXPECT_EQ(countContaining(log, "progress parsing-error voucher-expired"), 1) << joined(log);
}

TEST_F(AgentE2eTest, OwnerCertificateOutsideThePinnedDomainIsRefusedAndReported) {
  Server server;
  ASSERT_TRUE(startServer(server, "server")) << server.log();
  Device device = makeDevice();
  Answer answer;
  answer.voucher = "SN-1-other-domain.vcj";
  ASSERT_TRUE(server.apply(inventory(server, device, answer))) << server.log();
  device.writeConfig(withSources(wellKnown(server)));
  auto run = device.runAgent();
  EXPECT_EQ(run.exitCode, 1) << run.output;
  expectNothingDone(device, "owner-certificate-untrusted");
  const Lines log = server.stopAndReadDeviceLog("SN-1");
  EXPECT_EQ(countContaining(log, "progress parsing-error owner-certificate-untrusted"), 1)
      << joined(log);
}

TEST_F(AgentE2eTest, VoucherWithoutTheNonceTheDeviceRequiresIsRefused) {
  Server server;
  ASSERT_TRUE(startServer(server, "server")) << server.log();
  Device device = makeDevice();
  ASSERT_TRUE(server.apply(inventory(server, device, Answer{}))) << server.log();
  // The server answers a nonce with the voucher it has (no MASA, S14).
  device.writeConfig(
      withSources("  order: [url]\n").withTrust("  send-nonce: true\n  require-nonce: true\n"));
  auto run = device.runAgent({"--bootstrap-url", server.url()});
  EXPECT_EQ(run.exitCode, 1) << run.output;
  expectNothingDone(device, "voucher-nonce-missing");
  const Lines log = server.stopAndReadDeviceLog("SN-1");
  EXPECT_EQ(countContaining(log, "\"nonce\":"), 1) << joined(log);
  EXPECT_EQ(countContaining(log, "progress "), 0) << joined(log);  // untrusted: no report
}

TEST_F(AgentE2eTest, ImageWithTheWrongHashIsNeitherInstalledNorFollowedByAnything) {
  Server server;
  ASSERT_TRUE(startServer(server, "server")) << server.log();
  Device device = makeDevice();
  Answer answer;
  answer.sign = false;
  answer.imageSha256 = hexEncode(crypto::sha256(asBytes("a tampered image")));
  ASSERT_TRUE(server.apply(inventory(server, device, answer))) << server.log();
  device.writeConfig(withSources(wellKnown(server)));
  auto run = device.runAgent();
  EXPECT_EQ(run.exitCode, 1) << run.output;
  EXPECT_NE(run.output.find("download-hash-mismatch"), std::string::npos) << run.output;
  expectNothingDone(device, "boot-image-download-failed");
  const Lines log = server.stopAndReadDeviceLog("SN-1");
  EXPECT_EQ(countContaining(log, "progress boot-image-error"), 1) << joined(log);
  EXPECT_EQ(countContaining(log, "download-hash-mismatch"), 1) << joined(log);
  EXPECT_EQ(countContaining(log, "progress pre-script"), 0) << joined(log);
  EXPECT_EQ(countContaining(log, "progress bootstrap-complete"), 0) << joined(log);
}

TEST_F(AgentE2eTest, WellKnownServerWhoseCertificateDoesNotValidateIsNotUsed) {
  Server server;
  ASSERT_TRUE(startServer(server, "server")) << server.log();
  Device device = makeDevice();
  Answer answer;
  answer.sign = false;
  ASSERT_TRUE(server.apply(inventory(server, device, answer))) << server.log();
  // The anchor configured for the server is another CA (the manufacturer's).
  fs::copy_file(pki() / "manufacturer/ca.crt", device.root() / "wrong-ca.pem");
  device.writeConfig(withSources(wellKnown(server, "wrong-ca.pem")));
  auto run = device.runAgent();
  EXPECT_EQ(run.exitCode, 1) << run.output;
  expectNothingDone(device, "server-certificate-untrusted");
  const Lines log = server.stopAndReadDeviceLog("SN-1");
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
  auto run = device.runAgent({"--bootstrap-url", server.url()});
  EXPECT_EQ(run.exitCode, 1) << run.output;
  expectNothingDone(device, "redirect-depth-exceeded");
  const Lines log = server.stopAndReadDeviceLog("SN-1");
  // The first request and three redirects (depth 1..3); the fourth level is refused.
  EXPECT_EQ(countContaining(log, "response "), 4) << joined(log);
}

TEST_F(AgentE2eTest, UnsignedOnboardingIsNeverUsedFromAnUntrustedServer) {
  Server server;
  ASSERT_TRUE(startServer(server, "server")) << server.log();
  Device device = makeDevice();
  Answer answer;
  answer.sign = false;
  ASSERT_TRUE(server.apply(inventory(server, device, answer))) << server.log();
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
  Server server;
  ASSERT_TRUE(startServer(server, "server")) << server.log();
  Device device = makeDevice();
  Answer answer;
  // Scripts that take a while, so the agent is killed while they run; each
  // marks its start and its end.
  answer.preScript = "echo pre-begin >> {log}\nsleep 1\necho pre-end >> {log}";
  answer.postScript = "echo post-begin >> {log}\nsleep 1\necho post-end >> {log}";
  ASSERT_TRUE(server.apply(inventory(server, device, answer))) << server.log();
  device.writeConfig(withSources("  order: [url]\n"));
  const std::vector<std::string> args{"--bootstrap-url", server.url()};

  for (const char* marker : {"install", "reboot", "pre-begin", "apply-merge", "post-begin"}) {
    ASSERT_TRUE(killWhenSeen(device, marker, args))
        << marker << "\n"
        << joined(device.effects()) << testutil::readText(device.root() / "agent.log");
  }
  auto last = device.runAgent(args);
  EXPECT_EQ(last.exitCode, 0) << last.output;
  const auto status = device.status();
  EXPECT_EQ(status.state, "completed") << status.json;
  EXPECT_EQ(device.effects(), (Lines{"install 65536 bytes", "reboot", "pre-begin", "pre-end",
                                     "apply-merge <config/>", "post-begin", "post-end"}))
      << joined(device.effects()) << testutil::readText(device.root() / "agent.log");
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
  Server server;
  ASSERT_TRUE(startServer(server, "server")) << server.log();
  Device device = makeDevice();
  Answer answer;
  answer.sign = false;
  ASSERT_TRUE(server.apply(inventory(server, device, answer))) << server.log();
  device.writeConfig(withSources(wellKnown(server)));
  // Each kill lands shortly after the event is logged: between the state
  // saves that surround reports, the download, the commands and the reboot.
  for (const char* marker :
       {"SZTP-A0010", "bootstrap-initiated accepted", "SZTP-A0016 downloading",
        "boot image downloaded", "SZTP-A0016 installing", "SZTP-A0022", "SZTP-A0023",
        "pre-script started", "pre-script succeeded", "configuration applied",
        "post-script succeeded", "bootstrap-complete accepted"}) {
    ASSERT_TRUE(killAtLogLine(device, marker, {}))
        << marker << "\n"
        << joined(device.effects()) << testutil::readText(device.root() / "agent.log");
  }
  for (int start = 0; start < 3 && device.status().state != "completed"; ++start) {
    auto run = device.runAgent();
    EXPECT_EQ(run.exitCode, 0) << run.output;
  }
  const auto status = device.status();
  EXPECT_EQ(status.state, "completed") << status.json;
  EXPECT_EQ(device.effects(), kFullEffects)
      << joined(device.effects()) << testutil::readText(device.root() / "agent.log");
}

TEST_F(AgentE2eTest, SigtermStopsBetweenStepsAndTheNextStartResumes) {
  Server server;
  ASSERT_TRUE(startServer(server, "server")) << server.log();
  Device device = makeDevice();
  Answer answer;
  answer.sign = false;
  answer.image = false;
  answer.preScript = "echo pre-begin >> {log}\nsleep 1\necho pre-end >> {log}";
  ASSERT_TRUE(server.apply(inventory(server, device, answer))) << server.log();
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
  EXPECT_EQ(device.status().state, "completed");
  EXPECT_EQ(device.effects(),
            (Lines{"pre-begin", "pre-end", "apply-merge <config/>", "post-script"}))
      << joined(device.effects()) << agent.log();
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
