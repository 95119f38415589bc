#include "fixture.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "testutil/command.h"

namespace sztp::agent::e2e {

namespace fs = std::filesystem;

std::string imageContent() {
  std::string text;
  while (text.size() < 64 * 1024) {
    text += "DemoOS 2.0 boot image block " + std::to_string(text.size()) + "\n";
  }
  text.resize(64 * 1024);
  return text;
}

const Lines kFullEffects = {"install 65536 bytes", "reboot", "pre-script", "apply-merge <config/>",
                            "post-script"};

void AgentTestBase::SetUpTestSuite() {
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

void AgentTestBase::TearDownTestSuite() {
  delete suite_;
  suite_ = nullptr;
}

void AgentTestBase::serve(Server& server, const Device& device, const Answer& answer,
                          const std::string& name) {
  ASSERT_TRUE(startServer(server, name)) << server.log();
  ASSERT_TRUE(server.apply(inventory(server, device, answer))) << server.log();
}

std::string AgentTestBase::inventory(const Server& server, const Device& device,
                                     const Answer& answer) const {
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
    std::string uris;
    for (const auto& uri : answer.downloadUris) {
      uris += (uris.empty() ? "" : ", ") + uri;
    }
    if (uris.empty()) {
      uris = "https://127.0.0.1:" + std::to_string(server.filesPort()) + "/os-2.img";
    }
    y += "    download-uris: [" + uris + "]\n";
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
       suiteFile(answer.voucher).string() + "\n    responses:\n";
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

std::string AgentTestBase::wellKnown(std::uint16_t port, const std::string& anchor) {
  return "  order: [well-known]\n  well-known:\n    - host: 127.0.0.1\n      port: " +
         std::to_string(port) + "\n      trust-anchor: " + anchor + "\n";
}

void AgentTestBase::expectNothingDone(Device& device, const std::string& reason) {
  const auto status = device.status();
  EXPECT_EQ(status.state, "failed") << status.json;
  EXPECT_EQ(status.reason, reason) << status.json;
  EXPECT_EQ(status.exitCode, 1) << status.json;
  EXPECT_TRUE(device.effects().empty()) << joined(device.effects());
  EXPECT_FALSE(fs::exists(device.root() / "installed.img"));
  EXPECT_TRUE(!fs::exists(device.root() / "config.d") || fs::is_empty(device.root() / "config.d"));
}

std::string AgentTestBase::agentLog(const Device& device) {
  const fs::path file = device.root() / "agent.log";
  return fs::exists(file) ? testutil::readText(file) : std::string();
}

void AgentTestBase::expectCompleted(Device& device, const Lines& effects) {
  const auto status = device.status();
  EXPECT_EQ(status.state, "completed") << status.json;
  EXPECT_EQ(status.exitCode, 0) << status.json;
  EXPECT_EQ(device.effects(), effects) << joined(device.effects()) << agentLog(device);
}

AgentTestBase::Refusal AgentTestBase::expectRefused(Device& device, Server& server,
                                                    const std::string& reason,
                                                    const std::vector<std::string>& args) {
  Refusal refusal;
  refusal.run = device.runAgent(args);
  EXPECT_EQ(refusal.run.exitCode, 1) << refusal.run.output;
  expectNothingDone(device, reason);
  refusal.log = server.stopAndReadDeviceLog("SN-1");
  return refusal;
}

}  // namespace sztp::agent::e2e
