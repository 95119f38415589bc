// The agent's error paths that need a peer misbehaving on purpose (issue 4,
// "Bad input" and "Tests": "against a fake server for every error path"):
// the real sztp-agent and ztp binaries against FakeServer, which answers
// get-bootstrapping-data cut short, oversized, with a tampered signature or
// with a redirect to itself, and serves a boot image that breaks off half-way.
// Each checks what the device did (effects.log), what `ztp status --json`
// says, and what reached the server.

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "common/base64.h"
#include "common/bytes.h"
#include "fake_server.h"
#include "fixture.h"
#include "model/bootstrap_rpc.h"
#include "model/encoding.h"
#include "testutil/command.h"
#include "testutil/temp_dir.h"

namespace sztp::agent::e2e {
namespace {

namespace fs = std::filesystem;

/// What a trusted fake bootstrap server needs besides its answer: no
/// host-meta (the agent falls back to /restconf), 204 to every report.
FakeServer::Handler restconf(std::function<FakeReply()> getBootstrappingData) {
  return [answer = std::move(getBootstrappingData)](const FakeRequest& request) {
    if (request.target == kGetBootstrappingData) {
      return answer();
    }
    if (request.target == kReportProgress) {
      return httpResponse(204, "");
    }
    return httpResponse(404, "");
  };
}

/// A 200 yang-data+json answer with `header`, then `piece` again and again
/// until the peer hangs up.
std::function<FakeReply()> endless(const std::string& header, std::string piece) {
  return [header, piece = std::move(piece)] {
    FakeReply reply;
    reply.bytes =
        "HTTP/1.1 200 OK\r\nContent-Type: application/yang-data+json\r\n" + header + "\r\n\r\n";
    reply.stream = [piece](const auto& write) { return write(piece); };
    return reply;
  };
}

/// get-bootstrapping-data output carrying `cms` (and, when signed, the owner
/// certificate and voucher), as JSON.
std::string answerJson(const Bytes& cms, const std::optional<Bytes>& ownerCertificate = {},
                       const std::optional<Bytes>& voucher = {}) {
  model::GetBootstrappingDataOutput output;
  output.reportingLevel = model::ReportingLevel::Verbose;
  output.conveyedInformation = cms;
  output.ownerCertificate = ownerCertificate;
  output.ownershipVoucher = voucher;
  return model::encodeGetBootstrappingDataOutput(output, model::Encoding::Json);
}

/// The progress-type and message of a report-progress body, "?" when unreadable.
std::pair<std::string, std::string> progressOf(const FakeRequest& request) {
  const auto json = nlohmann::json::parse(request.body, nullptr, false);
  const auto input = json.is_object()
                         ? json.value("ietf-sztp-bootstrap-server:input", nlohmann::json::object())
                         : nlohmann::json::object();
  return {input.value("progress-type", "?"), input.value("message", "?")};
}

/// `server` received exactly one report: a parsing-error whose message
/// starts with `reason` (D43; issue 4 "Bad input").
void expectOneParsingError(const FakeServer& server, const std::string& reason) {
  const auto reports = server.requestsTo(kReportProgress);
  ASSERT_EQ(reports.size(), 1u);
  const auto [type, message] = progressOf(reports.front());
  EXPECT_EQ(type, "parsing-error") << reports.front().body;
  EXPECT_EQ(message.rfind(reason, 0), 0u) << message;
}

class AgentFaultsTest : public AgentTestBase {
 protected:
  std::unique_ptr<FakeServer> fake(FakeServer::Handler handler) {
    return std::make_unique<FakeServer>(pki() / "tls/server.crt", pki() / "tls/server.key",
                                        std::move(handler));
  }

  /// A device (root `name`) that asks only `server`, as a trusted
  /// well-known server, fails with `reason` having done nothing.
  void expectRefusedBy(const FakeServer& server, const std::string& name,
                       const std::string& reason) {
    Device device = makeDevice(name);
    device.writeConfig(withSources(wellKnown(server.port())));
    const auto run = device.runAgent();
    EXPECT_EQ(run.exitCode, 1) << run.output;
    expectNothingDone(device, reason);
  }

  /// Runs `sztp` with `args`; the test fails when it does.
  static void sztp(std::vector<std::string> args) {
    args.insert(args.begin(), testutil::binaryPath("sztp"));
    const auto made = testutil::runCommand(args);
    ASSERT_EQ(made.exitCode, 0) << made.output;
  }

  /// Conveyed information from `description` (YAML), signed by the owner
  /// unless `sign` is false.
  Bytes conveyedInformation(const std::string& description, bool sign) {
    const fs::path yaml = dir_.write("artifacts/description.yaml", description);
    const fs::path out = dir_ / "artifacts/conveyed-information.cms";
    std::vector<std::string> args{"conveyed-info", "create", "--description",
                                  yaml.string(),   "-o",     out.string()};
    if (sign) {
      args.insert(args.end(), {"--sign-cert", (pki() / "owner/owner.crt").string(), "--sign-key",
                               (pki() / "owner/owner.key").string()});
    } else {
      args.push_back("--unsigned");
    }
    sztp(args);
    return testutil::readFile(out);
  }

  /// A complete signed answer for SN-1: onboarding information applying
  /// `configuration`, the owner certificate and the suite's voucher. With
  /// `tampered` (as long as `configuration`), the signed content then says
  /// `tampered` instead: the CMS and the JSON in it stay well-formed, only
  /// the signature no longer matches.
  std::string signedAnswer(const std::string& configuration, const std::string& tampered = {}) {
    Bytes cms = conveyedInformation(
        "onboarding-information:\n  configuration-handling: merge\n"
        "  configuration: {text: \"" +
            configuration + "\"}\n",
        true);
    if (!tampered.empty()) {
      // The configuration is binary: base64 inside the signed JSON.
      const std::string from = base64Encode(asBytes(configuration));
      const std::string to = base64Encode(asBytes(tampered));
      EXPECT_EQ(from.size(), to.size());
      std::string text(cms.begin(), cms.end());
      const auto at = text.find(from);
      EXPECT_NE(at, std::string::npos);
      if (at != std::string::npos) {
        text.replace(at, from.size(), to);
      }
      cms.assign(text.begin(), text.end());
    }
    const fs::path owner = dir_ / "artifacts/owner-certificate.cms";
    sztp({"owner-cert", "create", "--cert", (pki() / "owner/owner.crt").string(), "-o",
          owner.string()});
    return answerJson(cms, testutil::readFile(owner), testutil::readFile(suiteFile("SN-1.vcj")));
  }
};

// ---------------------------------------------------------------- answers cut short

TEST_F(AgentFaultsTest, TruncatedAnswerFromATrustedServerIsRefused) {
  const std::string valid =
      answerJson(conveyedInformation("onboarding-information:\n  configuration-handling: merge\n"
                                     "  configuration: {text: \"<config/>\"}\n",
                                     false));
  // Content-Length promises the whole answer; half arrives. Once with TLS's
  // close_notify (a server that ends early), once without (a cut network).
  for (const auto end : {FakeReply::End::Close, FakeReply::End::Abort}) {
    const bool clean = end == FakeReply::End::Close;
    SCOPED_TRACE(clean ? "close_notify" : "no close_notify");
    auto server = fake(restconf([&] {
      FakeReply reply = yangJson(valid);
      reply.bytes.resize(reply.bytes.size() - valid.size() / 2);
      reply.end = end;
      return reply;
    }));
    expectRefusedBy(*server, clean ? "clean" : "cut", "server-answer-truncated");
    EXPECT_EQ(server->requestsTo(kGetBootstrappingData).size(), 1u);
    // The server was authenticated: it hears why (issue 4 "Bad input").
    expectOneParsingError(*server, "server-answer-truncated");
  }
}

// ---------------------------------------------------------------- oversized answers

TEST_F(AgentFaultsTest, AnswerBeyondTheSizeLimitIsRefusedWithoutReadingIt) {
  // The agent accepts at most 4 MiB (BootstrapClientSettings::maxAnswerBytes).
  constexpr std::uint64_t kLimit = std::uint64_t{4} << 20;
  const std::string chunk(64 * 1024, 'x');
  // Announced with Content-Length: refused from the header.
  auto announced = fake(restconf(endless("Content-Length: " + std::to_string(kLimit + 1), chunk)));
  expectRefusedBy(*announced, "announced", "server-answer-too-large");
  // Chunked, without end: the agent must stop at the limit, not read on.
  auto unending =
      fake(restconf(endless("Transfer-Encoding: chunked", "10000\r\n" + chunk + "\r\n")));
  expectRefusedBy(*unending, "chunked", "server-answer-too-large");
  // What the server got out before the agent hung up: the limit plus what
  // the socket buffers held (autotuned up to tcp_rmem + tcp_wmem, tens of
  // MiB at most), not the endless stream; reading on would have ended in
  // server-timeout instead.
  EXPECT_GT(unending->streamed(), kLimit);
  EXPECT_LT(unending->streamed(), 16 * kLimit);
  for (const auto* server : {announced.get(), unending.get()}) {
    EXPECT_EQ(server->requestsTo(kGetBootstrappingData).size(), 1u);
    expectOneParsingError(*server, "server-answer-too-large");
  }
}

// ---------------------------------------------------------------- tampered signature

TEST_F(AgentFaultsTest, TamperedConveyedInformationFromATrustedServerIsRefusedAndReported) {
  // The control: the same answer untampered is used, so the refusal below
  // is the signature's doing and nothing else's.
  const std::string good = signedAnswer("<config>TAMPER-ME</config>");
  auto honest = fake(restconf([&] { return yangJson(good); }));
  Device control = makeDevice("control");
  control.writeConfig(withSources(wellKnown(honest->port())));
  const auto used = control.runAgent();
  ASSERT_EQ(used.exitCode, 0) << used.output;
  expectCompleted(control, {"apply-merge <config>TAMPER-ME</config>"});

  const std::string bad = signedAnswer("<config>TAMPER-ME</config>", "<config>TAMPER-US</config>");
  auto tampering = fake(restconf([&] { return yangJson(bad); }));
  expectRefusedBy(*tampering, "device", "conveyed-info-signature-invalid");
  // The server is trusted: the error reached it, and nothing else did (D43).
  expectOneParsingError(*tampering, "conveyed-info-signature-invalid");
}

// ---------------------------------------------------------------- redirect loop

TEST_F(AgentFaultsTest, UnsignedRedirectLoopFromAnUntrustedServerStopsAtTheDefaultDepth) {
  auto server = fake(restconf([] { return httpResponse(503, ""); }));
  // To itself, with the right anchor: unsigned from an untrusted server, the
  // anchor must be ignored (D37-D39), so every hop stays provisional.
  const fs::path anchor = pki() / "tls/ca.crt";
  const std::string redirect = answerJson(conveyedInformation(
      "redirect-information:\n  bootstrap-server:\n    - address: 127.0.0.1\n      port: " +
          std::to_string(server->port()) + "\n      trust-anchor: " + anchor.string() + "\n",
      false));
  server->setHandler(restconf([redirect] { return yangJson(redirect); }));
  Device device = makeDevice();
  device.writeConfig(withSources("  order: [url]\n"));  // The shipped redirect-depth: 10.
  const auto run = device.runAgent({"--bootstrap-url", server->url()});
  EXPECT_EQ(run.exitCode, 1) << run.output;
  expectNothingDone(device, "redirect-depth-exceeded");
  const auto asked = server->requestsTo(kGetBootstrappingData);
  // The first request and ten redirects (depth 1..10); the eleventh is refused (D18).
  EXPECT_EQ(asked.size(), 11u);
  for (const auto& request : asked) {
    EXPECT_NE(request.body.find("\"signed-data-preferred\""), std::string::npos) << request.body;
  }
  EXPECT_EQ(server->requestsTo(kReportProgress).size(), 0u);  // Untrusted: no reports (D53).
}

// ---------------------------------------------------------------- resumed download

TEST_F(AgentFaultsTest, DownloadCutHalfWayResumesFromThePartWithRange) {
  const std::string image = imageContent();
  constexpr std::size_t kCut = 20'000;
  // Two mirrors on one file server: the first breaks off after kCut octets,
  // the agent falls back to the second (D45) with the .part it kept.
  auto files = fake([&](const FakeRequest& request) {
    const auto range = request.header("range");
    if (!range) {
      FakeReply reply = httpResponse(200, image, {{"ETag", "\"v1\""}});
      reply.bytes.resize(reply.bytes.size() - (image.size() - kCut));
      reply.end = FakeReply::End::Abort;
      return reply;
    }
    const std::size_t from = std::stoul(range->substr(std::string("bytes=").size()));
    return httpResponse(206, image.substr(from),
                        {{"ETag", "\"v1\""},
                         {"Content-Range", "bytes " + std::to_string(from) + "-" +
                                               std::to_string(image.size() - 1) + "/" +
                                               std::to_string(image.size())}});
  });
  Device device = makeDevice();
  Answer answer;
  answer.sign = false;
  answer.downloadUris = {files->url() + "/mirror-a/os-2.img", files->url() + "/mirror-b/os-2.img"};
  Server server;
  ASSERT_NO_FATAL_FAILURE(serve(server, device, answer));
  device.writeConfig(withSources(wellKnown(server)));

  const auto first = device.runAgent();
  ASSERT_EQ(first.exitCode, 0) << first.output;
  EXPECT_EQ(device.status().state, "awaiting-reboot");
  const auto second = device.runAgent();  // After the simulated reboot.
  ASSERT_EQ(second.exitCode, 0) << second.output;
  expectCompleted(device, kFullEffects);
  EXPECT_EQ(testutil::readText(device.root() / "installed.img"), image);

  const auto requests = files->requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].target, "/mirror-a/os-2.img");
  EXPECT_FALSE(requests[0].header("range"));
  EXPECT_EQ(requests[1].target, "/mirror-b/os-2.img");
  EXPECT_EQ(requests[1].header("range"), "bytes=" + std::to_string(kCut) + "-");
  EXPECT_EQ(requests[1].header("if-range"), "\"v1\"");
  const Lines log = server.stopAndReadDeviceLog("SN-1");
  EXPECT_EQ(countContaining(log, "progress boot-image-installed-rebooting"), 1) << joined(log);
  EXPECT_EQ(countContaining(log, "progress bootstrap-complete"), 1) << joined(log);
}

}  // namespace
}  // namespace sztp::agent::e2e
