// `sztp admin` end to end: the real binary against the AdminService served by
// the real transport (src/lib/net) on 127.0.0.1, port 0, with a SQLite
// registry; the transport's audit sink writes the audit log as the server does.
#include <chrono>
#include <fstream>
#include <thread>

#include "admin_fixture.h"
#include "artifact/voucher_issuer.h"
#include "common/hex.h"
#include "crypto/cms.h"
#include "crypto/password_hash.h"
#include "net/http_server.h"
#include "testutil/command.h"

namespace sztp::admin::testing {
namespace {

using nlohmann::json;

class AdminCliTest : public AdminTest {
 protected:
  void SetUp() override {
    AdminTest::SetUp();
    net::ServerSettings settings;
    settings.ioThreads = 1;
    settings.handlerThreads = 2;
    net::ListenerSettings admin;
    admin.name = "admin";
    admin.maxBodyBytes = std::size_t{64} << 20;
    settings.listeners.push_back(admin);
    auto* registry = registry_.get();
    auto server = net::HttpServer::create(
        settings,
        {{"admin",
          [this](const http::Request& r, const http::Peer& p) { return service_->handle(r, p); }}},
        [registry](const net::AuditEvent& event) {
          registry::AuditRecord record;
          record.timeMs = 1'772'359'200'000;
          record.listener = event.listener;
          record.sourceAddress = event.peer->endpoint();
          record.identity = event.response.identity;
          record.method = event.request->method;
          record.path = std::string(event.request->path());
          record.status = event.response.status;
          record.reason = event.response.reason;
          record.durationUs = event.duration.count();
          (void)registry->appendAudit(record);
        });
    ASSERT_TRUE(server.ok()) << server.error().describe();
    server_ = std::move(*server);
    ASSERT_TRUE(server_->start().ok());
    url_ = "http://127.0.0.1:" + std::to_string(server_->boundPort("admin"));
    tokenFile_ = dir_.write("token", std::string(kToken) + "\n").string();
  }
  void TearDown() override {
    if (server_) {
      server_->stop(std::chrono::milliseconds(100));
    }
  }

  /// `sztp admin --server URL --token-file F <args>`.
  testutil::CommandResult admin(std::vector<std::string> args, int timeout = 60) {
    std::vector<std::string> argv = {
        testutil::binaryPath("sztp"), "admin", "--server", url_, "--token-file", tokenFile_};
    argv.insert(argv.end(), args.begin(), args.end());
    return testutil::runCommand(argv, timeout);
  }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  std::string write(const std::string& name, const std::string& content) {
    return dir_.write(name, content).string();
  }
  std::string writeBytes(const std::string& name, const Bytes& content) {
    return dir_.write(name, ByteView(content)).string();
  }
  Bytes voucher(const std::string& serial) {
    artifact::VoucherRequest request{serial, demoPki().ownerCa.certificate};
    auto issued = artifact::issueVoucher(
        request, artifact::Signer{demoPki().masa.certificate, demoPki().masa.key, {}},
        clock_.now());
    EXPECT_TRUE(issued.ok());
    return issued ? *issued : Bytes{};
  }

  /// Audit records are written by the transport after each answer, so a
  /// command's own record may land just after it exits.
  void waitForAudit(std::size_t count) {
    registry::AuditFilter all;
    all.limit = 1000;
    for (int i = 0; i < 250 && registry_->listAudit(all).value().size() < count; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ASSERT_GE(registry_->listAudit(all).value().size(), count);
  }

  std::unique_ptr<net::HttpServer> server_;
  std::string url_;
  std::string tokenFile_;
};

#define EXPECT_OUTPUT(result, text) \
  EXPECT_NE((result).output.find(text), std::string::npos) << (result).output

TEST_F(AdminCliTest, CredentialsAndReachability) {
  auto noToken =
      testutil::runCommand({testutil::binaryPath("sztp"), "admin", "--server", url_, "stats"});
  EXPECT_EQ(noToken.exitCode, 1) << noToken.output;
  EXPECT_OUTPUT(noToken, "sztp: error: admin-not-authenticated:");

  const auto wrong = write("wrong-token", "nope\n");
  auto rejected = testutil::runCommand(
      {testutil::binaryPath("sztp"), "admin", "--server", url_, "--token-file", wrong, "stats"});
  EXPECT_EQ(rejected.exitCode, 1);
  EXPECT_OUTPUT(rejected, "admin-token-rejected");

  // The token from the environment, options after the subcommand.
  auto env =
      testutil::runCommand({"env", "SZTP_ADMIN_TOKEN=" + std::string(kToken),
                            testutil::binaryPath("sztp"), "admin", "stats", "--server", url_});
  EXPECT_EQ(env.exitCode, 0) << env.output;
  EXPECT_OUTPUT(env, "devices: 0");

  auto missing = testutil::runCommand({testutil::binaryPath("sztp"), "admin", "--server", url_,
                                       "--token-file", path("no-such-file"), "stats"});
  EXPECT_EQ(missing.exitCode, 2) << missing.output;
  EXPECT_OUTPUT(missing, "file-unreadable");

  auto down = testutil::runCommand({testutil::binaryPath("sztp"), "admin", "--server",
                                    "http://127.0.0.1:1", "--token-file", tokenFile_, "stats"});
  EXPECT_EQ(down.exitCode, 1);
  EXPECT_OUTPUT(down, "admin-server-unreachable");

  EXPECT_EQ(admin({"device"}).exitCode, 2);
  EXPECT_EQ(admin({"device", "show"}).exitCode, 2);
  EXPECT_EQ(admin({"no-such"}).exitCode, 2);
}

TEST_F(AdminCliTest, ConfiguringTheServerStepByStep) {
  // The seed's "Configuring Bootstrap server" list, one CLI command each.
  // 1. A device type with the manufacturer's IDevID CA (JSON form).
  write("dpu.json", AdminWorld::deviceType().dump());
  auto type = admin({"device-type", "put", path("dpu.json")});
  ASSERT_EQ(type.exitCode, 0) << type.output;
  EXPECT_OUTPUT(type, "stored device-type dpu");

  // 2. The owner certificate (YAML inventory form, the PEM file beside it;
  //    the relative key path is made absolute here).
  write("owner/acme.pem", demoPki().owner.certificate.toPem());
  write("owner/acme.yaml",
        "name: acme\ncertificate-chain: [acme.pem]\nsigning-key: keys/acme.key\n");
  auto owner = admin({"owner", "put", path("owner/acme.yaml")});
  ASSERT_EQ(owner.exitCode, 0) << owner.output;
  EXPECT_OUTPUT(owner, "+ owner acme");
  auto stored = registry_->getObject(registry::ObjectKind::Owner, "acme").value();
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(std::get<registry::Owner>(*stored).signingKeyRef, path("owner/keys/acme.key"));

  // 3. Configuration and scripts; 4. the image, hashed here, not uploaded.
  write("base.xml", "<config/>");
  ASSERT_EQ(admin({"configuration", "put",
                   write("base.yaml", "name: base\nhandling: replace\nfile: base.xml\n")})
                .exitCode,
            0);
  write("pre.json", AdminWorld::script("pre").dump());
  ASSERT_EQ(admin({"script", "put", path("pre.json")}).exitCode, 0);
  write("images/os-2.img", std::string(100'000, 'x'));
  auto image = admin({"image", "put",
                      write("os.yaml",
                            "name: os-2\nos-name: DemoOS\nos-version: \"2.0\"\n"
                            "file: images/os-2.img\n")});
  ASSERT_EQ(image.exitCode, 0) << image.output;
  auto imageJson = parsed(call("GET", "/api/v1/images/os-2"));
  EXPECT_EQ(imageJson["size"], 100000);
  EXPECT_EQ(imageJson["sha256"], hexEncode(crypto::sha256(asBytes(std::string(100'000, 'x')))));

  // 5. The profile combining them (YAML; kind guessed), and a redirect (JSON).
  auto profile = admin({"profile", "put",
                        write("full.yaml",
                              "name: full\nimage: os-2\n"
                              "pre-configuration-script: pre\n"
                              "configuration: base\n")});
  ASSERT_EQ(profile.exitCode, 0) << profile.output;
  write("lab.json", AdminWorld::redirectProfile("lab").dump());
  ASSERT_EQ(admin({"profile", "put", path("lab.json")}).exitCode, 0);
  auto profiles = admin({"profile", "list"});
  EXPECT_OUTPUT(profiles, "onboarding");
  EXPECT_OUTPUT(profiles, "onboard.example.net:8443");

  // 6. The device, its serial number taken from its voucher.
  const auto vcj = writeBytes("SN-77.vcj", voucher("SN-77"));
  write("code.txt", "open sesame\n");
  auto added = admin({"device", "add", "--voucher", vcj, "--device-type", "dpu", "--owner", "acme",
                      "--onboarding-profile", "full", "--activation-code-file", path("code.txt")});
  ASSERT_EQ(added.exitCode, 0) << added.output;
  EXPECT_OUTPUT(added, "added device SN-77 (type dpu, owner acme)");
  auto device = registry_->getDevice("SN-77").value();
  ASSERT_TRUE(device.has_value());
  EXPECT_TRUE(device->ownershipVoucher.has_value());
  EXPECT_TRUE(*crypto::verifySecret("open sesame", device->activationCodeHash));

  auto again = admin({"device", "add", "--serial", "SN-77", "--device-type", "dpu"});
  EXPECT_EQ(again.exitCode, 1);
  EXPECT_OUTPUT(again, "admin-already-exists");
  auto mismatch =
      admin({"device", "add", "--voucher", vcj, "--serial", "SN-78", "--device-type", "dpu"});
  EXPECT_EQ(mismatch.exitCode, 2);

  auto list = admin({"device", "list"});
  ASSERT_EQ(list.exitCode, 0) << list.output;
  EXPECT_OUTPUT(list, "SERIAL");
  EXPECT_OUTPUT(list, "SN-77");
  EXPECT_OUTPUT(list, "1 device");
  auto listJson = admin({"--json", "device", "list", "--stage", "registered"});
  const auto listed = json::parse(listJson.output, nullptr, false);
  ASSERT_FALSE(listed.is_discarded()) << listJson.output;
  EXPECT_EQ(listed["items"][0]["serial-number"], "SN-77") << listJson.output;

  ASSERT_EQ(admin({"device", "disable", "SN-77"}).exitCode, 0);
  EXPECT_FALSE(registry_->getDevice("SN-77").value()->enabled);
  EXPECT_OUTPUT(admin({"device", "show", "SN-77"}), "DISABLED");
  ASSERT_EQ(admin({"device", "enable", "SN-77"}).exitCode, 0);
  auto kept = registry_->getDevice("SN-77").value();
  EXPECT_TRUE(kept->enabled);
  EXPECT_TRUE(*crypto::verifySecret("open sesame", kept->activationCodeHash))
      << "enable keeps the activation code";

  write("code2.txt", "new code");
  ASSERT_EQ(
      admin({"device", "set-activation-code", "SN-77", "--code-file", path("code2.txt")}).exitCode,
      0);
  EXPECT_TRUE(
      *crypto::verifySecret("new code", registry_->getDevice("SN-77").value()->activationCodeHash));
  ASSERT_EQ(admin({"device", "set-activation-code", "SN-77", "--clear"}).exitCode, 0);
  EXPECT_EQ(registry_->getDevice("SN-77").value()->activationCodeHash, "");

  // Removing what a device still uses is refused with the registry's reason.
  auto inUse = admin({"profile", "remove", "full"});
  EXPECT_EQ(inUse.exitCode, 1);
  EXPECT_OUTPUT(inUse, "sztp: error: in-use:");
  auto unknown = admin({"owner", "show", "nobody"});
  EXPECT_EQ(unknown.exitCode, 1);
  EXPECT_OUTPUT(unknown, "not-found");
  EXPECT_OUTPUT(admin({"owner", "show", "acme"}), "\"signing-key-ref\"");
  EXPECT_OUTPUT(admin({"image", "list"}), "DemoOS");
  EXPECT_OUTPUT(admin({"device-type", "list"}), "allowed");
  EXPECT_OUTPUT(admin({"script", "list"}), "17 octets");
  EXPECT_OUTPUT(admin({"configuration", "list"}), "replace");

  ASSERT_EQ(admin({"device", "remove", "SN-77"}).exitCode, 0);
  ASSERT_EQ(admin({"profile", "remove", "full"}).exitCode, 0);
  EXPECT_EQ(admin({"device", "show", "SN-77"}).exitCode, 1);
}

TEST_F(AdminCliTest, DeviceShowPrintsTheTimeline) {
  addBasics();
  ASSERT_EQ(call("POST", "/api/v1/devices", AdminWorld::device("SN-1")).status, 201);
  registry::DeviceEvent event;
  event.serialNumber = "SN-1";
  event.timeMs = 1'772'359'200'000;
  event.kind = registry::DeviceEvent::Kind::Rejected;
  event.sourceAddress = "192.0.2.7";
  event.reason = "client-cert-untrusted";
  event.message = "the client certificate does not chain to the IDevID trust anchors";
  event.detailJson = "{}";
  ASSERT_TRUE(registry_->appendEvent(event).ok());
  event.kind = registry::DeviceEvent::Kind::Progress;
  event.reason.clear();
  event.progressType = model::ProgressType::BootstrapComplete;
  event.message = "done";
  event.timeMs += 60'000;
  auto bag = crypto::makeCertificateBag({demoPki().tlsCa.certificate});
  ASSERT_TRUE(bag.ok());
  event.detailJson = json{{"ssh-host-keys", {{{"algorithm", "ssh-ed25519"}, {"key-data", "AAAA"}}}},
                          {"trust-anchor-certs", {base64Encode(*bag)}}}
                         .dump();
  ASSERT_TRUE(registry_->appendEvent(event).ok());

  auto show = admin({"device", "show", "SN-1"});
  ASSERT_EQ(show.exitCode, 0) << show.output;
  EXPECT_OUTPUT(show, "Device SN-1");
  EXPECT_OUTPUT(show,
                "2026-03-01T10:00:00.000Z  rejected  192.0.2.7        REFUSED "
                "client-cert-untrusted:");
  EXPECT_OUTPUT(show,
                "2026-03-01T10:01:00.000Z  progress  192.0.2.7        bootstrap-complete: "
                "\"done\"");
  EXPECT_OUTPUT(show, "ssh host key: ssh-ed25519 SHA256:");
  EXPECT_OUTPUT(show, "trust anchor #1: CN=");
  auto one = admin({"device", "show", "SN-1", "--events", "1"});
  EXPECT_OUTPUT(one, "(1 older events not shown)");
  auto asJson = admin({"--json", "device", "show", "SN-1"});
  EXPECT_OUTPUT(asJson, "\"entries\"");
}

TEST_F(AdminCliTest, InventoryExportApplyAndBulkImport) {
  addBasics();
  ASSERT_EQ(call("POST", "/api/v1/devices", AdminWorld::device("SN-1")).status, 201);
  auto exported = admin({"inventory", "export", "-o", path("inventory.yaml")});
  ASSERT_EQ(exported.exitCode, 0) << exported.output;
  EXPECT_NE(testutil::readText(path("inventory.yaml")).find("SN-1"), std::string::npos);

  auto same = admin({"inventory", "apply", path("inventory.yaml")});
  ASSERT_EQ(same.exitCode, 0) << same.output;
  EXPECT_OUTPUT(same, "no changes");

  ASSERT_EQ(call("POST", "/api/v1/scripts", AdminWorld::script("stray")).status, 201);
  auto dry = admin({"inventory", "apply", path("inventory.yaml"), "--prune", "--dry-run"});
  ASSERT_EQ(dry.exitCode, 0) << dry.output;
  EXPECT_OUTPUT(dry, "- script stray");
  EXPECT_OUTPUT(dry, "dry run: nothing was applied");
  EXPECT_EQ(call("GET", "/api/v1/scripts/stray").status, 200);
  auto pruned = admin({"inventory", "apply", path("inventory.yaml"), "--prune"});
  ASSERT_EQ(pruned.exitCode, 0) << pruned.output;
  EXPECT_OUTPUT(pruned, "applied (registry revision");
  EXPECT_EQ(call("GET", "/api/v1/scripts/stray").status, 404);

  // A mistake is reported with its line, before anything reaches the server.
  write("bad.yaml", "version: 1\nscripts:\n  - name: x\n    file: missing.sh\n");
  auto bad = admin({"inventory", "apply", path("bad.yaml")});
  EXPECT_EQ(bad.exitCode, 1);
  EXPECT_OUTPUT(bad, "inventory-file-unreadable");
  // `put` of one YAML object counts lines in that file.
  write("bad-script.yaml", "name: y\nfile: missing.sh\n");
  auto badPut = admin({"script", "put", path("bad-script.yaml")});
  EXPECT_EQ(badPut.exitCode, 1);
  EXPECT_OUTPUT(badPut, "line 2");

  // Bulk: a count mismatch applies nothing.
  write("devices.csv",
        "serial-number,device-type,owner,onboarding-profile\n"
        "SN-10,dpu,acme,full\nSN-11,dpu,acme,full\n");
  auto wrong = admin({"import", "devices", path("devices.csv"), "--expected-count", "3"});
  EXPECT_EQ(wrong.exitCode, 1) << wrong.output;
  EXPECT_OUTPUT(wrong, "inventory-count-mismatch");
  EXPECT_FALSE(registry_->getDevice("SN-10").value().has_value());
  auto right = admin({"import", "devices", path("devices.csv"), "--expected-count", "2"});
  ASSERT_EQ(right.exitCode, 0) << right.output;
  EXPECT_OUTPUT(right, "2 added");
  EXPECT_TRUE(registry_->getDevice("SN-11").value().has_value());

  // A folder of vouchers; serial numbers from the vouchers.
  writeBytes("vouchers/a.vcj", voucher("SN-V1"));
  writeBytes("vouchers/b.vcj", voucher("SN-V2"));
  write("vouchers/readme.txt", "not a voucher");
  auto folder = admin({"import", "devices", path("vouchers"), "--device-type", "dpu", "--owner",
                       "acme", "--onboarding-profile", "full", "--expected-count", "2"});
  ASSERT_EQ(folder.exitCode, 0) << folder.output;
  EXPECT_TRUE(registry_->getDevice("SN-V2").value()->ownershipVoucher.has_value());

  // A CSV naming voucher files sends them along.
  writeBytes("csv/v/c1.vcj", voucher("SN-C1"));
  write("csv/list.csv",
        "serial-number,device-type,owner,ownership-voucher,onboarding-profile\n"
        "SN-C1,dpu,acme,v/c1.vcj,full\n");
  auto withVouchers = admin({"import", "devices", path("csv/list.csv"), "--dry-run"});
  ASSERT_EQ(withVouchers.exitCode, 0) << withVouchers.output;
  EXPECT_OUTPUT(withVouchers, "dry run");
  EXPECT_EQ(admin({"import", "devices", path("devices.txt")}).exitCode, 2);
}

TEST_F(AdminCliTest, AuditAndStats) {
  ASSERT_EQ(admin({"stats"}).exitCode, 0);
  ASSERT_EQ(admin({"device", "show", "NOPE"}).exitCode, 1);
  waitForAudit(2);
  auto audit = admin({"audit"});
  ASSERT_EQ(audit.exitCode, 0) << audit.output;
  EXPECT_OUTPUT(audit, "admin  127.0.0.1:");
  EXPECT_OUTPUT(audit, "token:ops  GET /api/v1/stats  200");
  EXPECT_OUTPUT(audit, "GET /api/v1/devices/NOPE/timeline  404 not-found");

  waitForAudit(3);
  auto limited = admin({"--json", "audit", "--limit", "1"});
  ASSERT_EQ(limited.exitCode, 0);
  auto last = json::parse(limited.output, nullptr, false);
  ASSERT_FALSE(last.is_discarded()) << limited.output;
  EXPECT_EQ(last["path"], "/api/v1/audit") << "the newest record comes last";

  // --follow prints records as they arrive, until stopped.
  auto follow = admin({"audit", "--follow", "--interval", "1", "--identity", "token:ops"}, 4);
  EXPECT_EQ(follow.exitCode, -1) << "runs until killed";
  EXPECT_OUTPUT(follow, "GET /api/v1/audit");

  auto stats = admin({"stats"});
  EXPECT_OUTPUT(stats, "registry revision");
  EXPECT_OUTPUT(stats, "  completed");
  auto statsJson = admin({"--json", "stats"});
  EXPECT_OUTPUT(statsJson, "\"by-stage\"");
}

}  // namespace
}  // namespace sztp::admin::testing
