// Bootstrapping log, timeline, audit and stats.
#include "admin/timeline.h"
#include "admin_fixture.h"
#include "crypto/cms.h"

namespace sztp::admin::testing {
namespace {

using nlohmann::json;
using registry::DeviceEvent;

class LogTest : public AdminTest {
 protected:
  void SetUp() override {
    AdminTest::SetUp();
    addBasics();
    ASSERT_EQ(call("POST", "/api/v1/devices", AdminWorld::device("SN-1")).status, 201);
  }

  std::int64_t append(DeviceEvent::Kind kind, std::int64_t timeMs, std::string message = {},
                      std::string detail = "{}") {
    DeviceEvent event;
    event.serialNumber = "SN-1";
    event.timeMs = timeMs;
    event.kind = kind;
    event.sourceAddress = "192.0.2.7";
    event.message = std::move(message);
    event.detailJson = std::move(detail);
    auto id = registry_->appendEvent(event);
    EXPECT_TRUE(id.ok()) << id.error().describe();
    return id ? *id : 0;
  }

  std::int64_t progress(model::ProgressType type, std::int64_t timeMs, std::string message = {},
                        std::string detail = "{}") {
    DeviceEvent event;
    event.serialNumber = "SN-1";
    event.timeMs = timeMs;
    event.kind = DeviceEvent::Kind::Progress;
    event.sourceAddress = "192.0.2.7";
    event.progressType = type;
    event.message = std::move(message);
    event.detailJson = std::move(detail);
    auto id = registry_->appendEvent(event);
    EXPECT_TRUE(id.ok()) << id.error().describe();
    return id ? *id : 0;
  }

  /// A whole onboarding as the bootstrap service records it.
  void onboard() {
    DeviceEvent rejected;
    rejected.serialNumber = "SN-1";
    rejected.timeMs = 1'772'359'200'000;  // 2026-03-01T10:00:00Z
    rejected.kind = DeviceEvent::Kind::Rejected;
    rejected.sourceAddress = "192.0.2.7";
    rejected.reason = "activation-code-wrong";
    rejected.message = "the activation code does not match the one registered for the device";
    rejected.detailJson = "{}";
    ASSERT_TRUE(registry_->appendEvent(rejected).ok());
    append(DeviceEvent::Kind::Response, 1'772'359'260'250,
           "answered with response 'default' (onboarding-information, signed)",
           json{{"input", {{"hw-model", "DPU-9"}, {"os-version", "1.2"}, {"nonce", "AAAA"}}},
                {"authenticated-by", "client-certificate"},
                {"tls", "TLSv1.3"},
                {"response", "default"},
                {"why",
                 "response 'old-os' did not match (os-version 1.2 != 1.0); 'default' has "
                 "no conditions"},
                {"profile", "full"},
                {"kind", "onboarding-information"},
                {"signed", true},
                {"encrypted", false},
                {"cache-hit", false},
                {"content-sha256", "ab12"}}
               .dump());
    progress(model::ProgressType::BootstrapInitiated, 1'772'359'261'000);
    progress(model::ProgressType::BootImageError, 1'772'359'262'000,
             "image-hash-mismatch: the downloaded image does not match its sha256");
    auto bag = crypto::makeCertificateBag({demoPki().tlsCa.certificate});
    ASSERT_TRUE(bag.ok());
    progress(model::ProgressType::BootstrapComplete, 1'772'359'300'000, "all done",
             json{{"ssh-host-keys",
                   {{{"algorithm", "ssh-ed25519"}, {"key-data", base64Encode(asBytes("key"))}}}},
                  {"trust-anchor-certs", {base64Encode(*bag)}}}
                 .dump());
  }
};

TEST_F(LogTest, EventsPageOldestFirst) {
  for (int i = 0; i < 7; ++i) {
    progress(model::ProgressType::Informational, 1000 + i, "step " + std::to_string(i));
  }
  auto first = parsed(call("GET", "/api/v1/devices/SN-1/events?limit=5"));
  ASSERT_EQ(first["items"].size(), 5u) << first.dump();
  EXPECT_EQ(first["items"][0]["message"], "step 0");
  EXPECT_EQ(first["items"][0]["progress-type"], "informational");
  EXPECT_TRUE(first["more"].get<bool>());
  auto rest = parsed(call("GET", "/api/v1/devices/SN-1/events?limit=5&after=" +
                                     std::to_string(first["next"].get<std::int64_t>())));
  ASSERT_EQ(rest["items"].size(), 2u);
  EXPECT_EQ(rest["items"][1]["message"], "step 6");
  EXPECT_FALSE(rest["more"].get<bool>());
  // Nothing newer: `next` stays where it was, for following the log.
  auto none = parsed(call("GET", "/api/v1/devices/SN-1/events?after=" +
                                     std::to_string(rest["next"].get<std::int64_t>())));
  EXPECT_EQ(none["items"].size(), 0u);
  EXPECT_EQ(none["next"], rest["next"]);

  EXPECT_EQ(call("GET", "/api/v1/devices/NOPE/events").status, 404);
  EXPECT_EQ(reason(call("GET", "/api/v1/devices/SN-1/events?after=-1")), "admin-parameter-invalid");
}

TEST_F(LogTest, TimelineTellsTheWholeStory) {
  onboard();
  http::Request request;
  request.method = "GET";
  request.target = "/api/v1/devices/SN-1/timeline";
  request.headers = {{"authorization", "Bearer " + std::string(kToken)}, {"accept", "text/plain"}};
  auto reply = service_->handle(request, peer());
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.header("content-type"), "text/plain; charset=utf-8");
  const std::string& text = reply.body;
  for (const char* expected : {
           "Device SN-1",
           "type dpu, owner acme, enabled",
           "stage completed, last seen 2026-03-01T10:01:",
           "response 1. default: onboarding full, signed, always",
           "2026-03-01T10:00:00.000Z  rejected  192.0.2.7        REFUSED activation-code-wrong: "
           "the activation code does not match",
           "answered with response 'default' (onboarding-information, signed)",
           "inputs: hw-model=DPU-9 os-version=1.2 nonce",
           "authenticated by client-certificate over TLSv1.3",
           "response: default -> profile full",
           "why: response 'old-os' did not match",
           "progress  192.0.2.7        boot-image-error: \"image-hash-mismatch:",
           "reason code: image-hash-mismatch",
           "bootstrap-complete: \"all done\"",
           "ssh host key: ssh-ed25519 SHA256:",
           "trust anchor #1: ",
       }) {
    EXPECT_NE(text.find(expected), std::string::npos) << "missing: " << expected << "\n" << text;
  }
  EXPECT_NE(text.find(demoPki().tlsCa.certificate.subject()), std::string::npos) << text;
  // Newest last.
  EXPECT_LT(text.find("rejected"), text.find("bootstrap-complete"));

  // JSON form, the default.
  auto structured = parsed(call("GET", "/api/v1/devices/SN-1/timeline"));
  ASSERT_EQ(structured["entries"].size(), 5u) << structured.dump();
  EXPECT_EQ(structured["device"]["serial-number"], "SN-1");
  EXPECT_FALSE(structured["device"]["activation-code-set"].get<bool>());
  EXPECT_TRUE(structured["entries"][0]["problem"].get<bool>());
  EXPECT_EQ(structured["entries"][0]["time"], "2026-03-01T10:00:00.000Z");
  EXPECT_TRUE(structured["entries"][3]["problem"].get<bool>());
  EXPECT_FALSE(structured["entries"][4]["problem"].get<bool>());
}

TEST_F(LogTest, TimelineKeepsTheNewestEvents) {
  for (int i = 0; i < 12; ++i) {
    progress(model::ProgressType::Informational, 1000 + i, "step " + std::to_string(i));
  }
  auto view = parsed(call("GET", "/api/v1/devices/SN-1/timeline?limit=5"));
  ASSERT_EQ(view["entries"].size(), 5u);
  EXPECT_EQ(view["omitted"], 7);
  EXPECT_EQ(view["entries"][4]["event"]["message"], "step 11");
  EXPECT_EQ(call("GET", "/api/v1/devices/NOPE/timeline").status, 404);
}

TEST_F(LogTest, TimelineOfANewDeviceSaysSo) {
  const auto text = renderTimelineText(buildTimeline(*registry_->getDevice("SN-1").value(), {}, 0));
  EXPECT_NE(text.find("has not contacted the server"), std::string::npos) << text;
}

TEST_F(LogTest, TimelineShowsLdevidIssuance) {
  // RFC 9646: the csr-request, then the answer that carried the LDevID.
  registry::DeviceEvent asked;
  asked.serialNumber = "SN-1";
  asked.kind = registry::DeviceEvent::Kind::Response;
  asked.reason = "csr-required";
  asked.message = "asked for a certificate signing request (RFC 9646) with a new ec-p256 key";
  asked.detailJson = R"({"csr-request":{"key":"ec-p256","format":"ietf-ztp-types:p10-csr"}})";
  registry::DeviceEvent issued = asked;
  issued.reason.clear();
  issued.message = "answered with response 'default' carrying a new LDevID";
  issued.detailJson =
      R"({"ldevid":{"serial":"0a1b","sha256":"ab:cd","subject":"serialNumber=SN-1",)"
      R"("key":"EC P-256","not-after":"2027-03-01T10:00:00Z","certificate":"MIIB"}})";
  const auto text =
      renderTimelineText(buildTimeline(*registry_->getDevice("SN-1").value(), {asked, issued}, 0));
  for (const char* expected :
       {"csr-request: key ec-p256, format ietf-ztp-types:p10-csr",
        "LDevID issued: serial 0a1b, subject serialNumber=SN-1, EC P-256, valid until "
        "2027-03-01T10:00:00Z",
        "LDevID sha256 ab:cd (certificate in the JSON view)"}) {
    EXPECT_NE(text.find(expected), std::string::npos) << "missing: " << expected << "\n" << text;
  }
  EXPECT_EQ(text.find("MIIB"), std::string::npos) << "the certificate is for the JSON view";
}

TEST(Timeline, FormatsTimesAndFingerprints) {
  EXPECT_EQ(formatTimeMs(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(formatTimeMs(1'772'359'260'250), "2026-03-01T10:01:00.250Z");
  EXPECT_EQ(formatTimeMs(-1), "1969-12-31T23:59:59.999Z");
  // ssh-keygen -l prints SHA256 of the key blob, base64 without padding.
  EXPECT_EQ(sshFingerprint(toBytes("abc")), "SHA256:ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0");
}

TEST(Timeline, UnreadableDetailsAreShownNotDropped) {
  registry::Device device;
  device.serialNumber = "X";
  registry::DeviceEvent event;
  event.kind = DeviceEvent::Kind::Progress;
  event.progressType = model::ProgressType::BootstrapComplete;
  event.detailJson = R"({"trust-anchor-certs": ["!!", "AAAA"], "ssh-host-keys": [{}], "extra": 1})";
  const auto text = renderTimelineText(buildTimeline(device, {event}, 0));
  EXPECT_NE(text.find("trust anchor #1: not base64 data"), std::string::npos) << text;
  EXPECT_NE(text.find("trust anchor #2: 3 octets that do not parse"), std::string::npos) << text;
  EXPECT_NE(text.find("ssh host key: ? (key data unreadable)"), std::string::npos) << text;
  EXPECT_NE(text.find("extra: 1"), std::string::npos) << text;
  event.detailJson = "not json";
  EXPECT_NE(renderTimelineText(buildTimeline(device, {event}, 0)).find("detail: not json"),
            std::string::npos);
}

TEST_F(LogTest, AuditListsFiltersAndFollows) {
  for (int i = 0; i < 5; ++i) {
    registry::AuditRecord record;
    record.timeMs = 1'772'359'200'000 + i;
    record.listener = "admin";
    record.sourceAddress = "127.0.0.1:4000" + std::to_string(i);
    record.identity = i % 2 == 0 ? "token:ops" : "token:ci";
    record.method = "GET";
    record.path = "/api/v1/stats";
    record.status = i == 4 ? 401 : 200;
    record.reason = i == 4 ? "admin-token-rejected" : "";
    ASSERT_TRUE(registry_->appendAudit(record).ok());
  }
  auto all = parsed(call("GET", "/api/v1/audit"));
  ASSERT_EQ(all["items"].size(), 5u) << all.dump();
  EXPECT_EQ(all["items"][0]["time"], "2026-03-01T10:00:00.000Z");
  EXPECT_EQ(all["items"][4]["reason"], "admin-token-rejected");
  EXPECT_FALSE(all["more"].get<bool>());

  auto ci = parsed(call("GET", "/api/v1/audit?identity=token%3Aci"));
  EXPECT_EQ(ci["items"].size(), 2u);

  auto page = parsed(call("GET", "/api/v1/audit?limit=2"));
  EXPECT_EQ(page["items"].size(), 2u);
  EXPECT_TRUE(page["more"].get<bool>());
  auto next = parsed(call(
      "GET", "/api/v1/audit?limit=10&after=" + std::to_string(page["next"].get<std::int64_t>())));
  EXPECT_EQ(next["items"].size(), 3u);
}

TEST_F(LogTest, StatsCountDevicesByStageAndObjects) {
  ASSERT_EQ(call("POST", "/api/v1/devices", AdminWorld::device("SN-2")).status, 201);
  progress(model::ProgressType::BootImageError, 1000);
  auto reply = call("GET", "/api/v1/stats");
  ASSERT_EQ(reply.status, 200);
  auto stats = parsed(reply);
  EXPECT_EQ(stats["devices"]["total"], 2);
  EXPECT_EQ(stats["devices"]["by-stage"]["failed"], 1);
  EXPECT_EQ(stats["devices"]["by-stage"]["registered"], 1);
  EXPECT_EQ(stats["devices"]["by-stage"]["completed"], 0);
  EXPECT_EQ(stats["objects"]["owners"], 1);
  EXPECT_EQ(stats["objects"]["redirect-profiles"], 1);
  EXPECT_GT(stats["revision"].get<std::int64_t>(), 0);
  EXPECT_EQ(stats["time"], "2026-03-01T10:00:00.000Z");
}

}  // namespace
}  // namespace sztp::admin::testing
