#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "common/base64.h"
#include "model/restconf_error.h"
#include "service_fixture.h"

namespace sztp::bootstrap::testing {
namespace {

using model::Encoding;

std::vector<registry::DeviceEvent> events(registry::Registry& registry, const std::string& serial) {
  auto listed = registry.listEvents(serial, 0, 100);
  EXPECT_TRUE(listed.ok());
  return listed ? *listed : std::vector<registry::DeviceEvent>{};
}

model::RestconfError onlyError(const http::Response& response, Encoding encoding) {
  auto errors = model::parseRestconfErrors(response.body, encoding);
  EXPECT_TRUE(errors.ok()) << response.body;
  if (!errors || errors->errors.size() != 1) {
    return {};
  }
  return errors->errors.front();
}

TEST_F(ServiceTest, HostMetaNamesTheRestconfRootWithoutAuthentication) {
  http::Request request{"GET", "/.well-known/host-meta", {}, ""};
  auto response = service_->handle(request, http::Peer{});
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.header("content-type"), "application/xrd+xml");
  EXPECT_NE(response.body.find("<Link rel=\"restconf\" href=\"/restconf\"/>"), std::string::npos);
  request.headers = {{"accept", "application/json"}};
  response = service_->handle(request, http::Peer{});
  EXPECT_EQ(nlohmann::json::parse(response.body)["links"][0]["href"], "/restconf");
}

TEST_F(ServiceTest, OperationsListsBothRpcs) {
  http::Request request{"GET", "/restconf/operations", {}, ""};
  auto response = service_->handle(request, peerWithCertificate("SN-1"));
  ASSERT_EQ(response.status, 200) << response.body;
  const auto json = nlohmann::json::parse(response.body);
  EXPECT_TRUE(json["ietf-restconf:operations"].contains(
      "ietf-sztp-bootstrap-server:get-bootstrapping-data"));
  EXPECT_TRUE(
      json["ietf-restconf:operations"].contains("ietf-sztp-bootstrap-server:report-progress"));
  request.headers = {{"accept", "application/yang-data+xml"}};
  response = service_->handle(request, peerWithCertificate("SN-1"));
  EXPECT_NE(response.body.find("<report-progress xmlns="), std::string::npos) << response.body;
}

TEST_F(ServiceTest, SignedOnboardingPassesTheDevicesOwnValidation) {
  auto response = service_->handle(
      post(kGbdPath,
           R"({"ietf-sztp-bootstrap-server:input":{"os-name":"DemoOS","os-version":"2.0"}})"),
      peerWithCertificate("SN-1"));
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.header("content-type"), "application/yang-data+json");
  EXPECT_EQ(response.identity, "SN-1");
  auto output = model::parseGetBootstrappingDataOutput(response.body, Encoding::Json);
  ASSERT_TRUE(output.ok());
  EXPECT_EQ(output->reportingLevel, model::ReportingLevel::Verbose);  // S8

  auto validated = validateAsDevice(response, "SN-1", Encoding::Json);
  ASSERT_TRUE(validated.ok()) << validated.error().describe();
  EXPECT_TRUE(validated->signedData);
  const auto& onboarding = std::get<model::OnboardingInformation>(validated->information);
  ASSERT_TRUE(onboarding.bootImage);
  EXPECT_EQ(onboarding.bootImage->downloadUris,
            std::vector<std::string>{"https://files.example.net/images/demo-os-2.img"});
  EXPECT_EQ(onboarding.bootImage->imageVerification.at(0).hashValue,
            crypto::sha256(asBytes("the image")));
  EXPECT_EQ(onboarding.configuration, toBytes("<config/>"));
  EXPECT_EQ(onboarding.configurationHandling, model::ConfigurationHandling::Merge);
  EXPECT_TRUE(onboarding.preConfigurationScript);
  EXPECT_FALSE(onboarding.postConfigurationScript);

  const auto log = events(*registry_, "SN-1");
  ASSERT_EQ(log.size(), 1U);
  EXPECT_EQ(log[0].kind, registry::DeviceEvent::Kind::Response);
  const auto detail = nlohmann::json::parse(log[0].detailJson);
  EXPECT_EQ(detail["response"], "default");
  EXPECT_EQ(detail["input"]["os-version"], "2.0");
  EXPECT_NE(detail["why"].get<std::string>().find("os-version \"2.0\" not = 1.0"),
            std::string::npos)
      << detail.dump();
  auto device = registry_->getDevice("SN-1");
  EXPECT_EQ((*device)->stage, registry::DeviceStage::Contacted);
}

TEST_F(ServiceTest, XmlRequestsGetXmlAnswersWhoseConveyedInformationIsXml) {
  auto request = post(kGbdPath,
                      "<input xmlns=\"urn:ietf:params:xml:ns:yang:ietf-sztp-bootstrap-server\">"
                      "<os-version>2.0</os-version></input>",
                      "application/yang-data+xml");
  auto response = service_->handle(request, peerWithCertificate("SN-1"));
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.header("content-type"), "application/yang-data+xml");
  auto validated = validateAsDevice(response, "SN-1", Encoding::Xml);
  ASSERT_TRUE(validated.ok()) << validated.error().describe();
  EXPECT_EQ(validated->encoding, Encoding::Xml);
}

TEST_F(ServiceTest, AnEmptyBodyAndAnEmptyNonceAreAccepted) {
  auto response = service_->handle(post(kGbdPath, "", ""), peerWithCertificate("SN-1"));
  EXPECT_EQ(response.status, 200) << response.body;
  response = service_->handle(post(kGbdPath, R"({"ietf-sztp-bootstrap-server:input":{}})"),
                              peerWithCertificate("SN-1"));
  EXPECT_EQ(response.status, 200) << response.body;
}

TEST_F(ServiceTest, ConditionsChooseTheRedirectWithItsTrustAnchor) {
  auto response = service_->handle(
      post(kGbdPath, R"({"ietf-sztp-bootstrap-server:input":{"os-version":"1.0"}})"),
      peerWithCertificate("SN-1"));
  ASSERT_EQ(response.status, 200) << response.body;
  auto validated = validateAsDevice(response, "SN-1", Encoding::Json);
  ASSERT_TRUE(validated.ok()) << validated.error().describe();
  const auto& redirect = std::get<model::RedirectInformation>(validated->information);
  ASSERT_EQ(redirect.bootstrapServers.size(), 1U);
  EXPECT_EQ(redirect.bootstrapServers[0].address, "onboard.example.net");
  EXPECT_EQ(redirect.bootstrapServers[0].port, 8443);
  EXPECT_TRUE(redirect.bootstrapServers[0].trustAnchor);
  auto output = model::parseGetBootstrappingDataOutput(response.body, Encoding::Json);
  EXPECT_FALSE(output->reportingLevel);  // only with onboarding information
}

TEST_F(ServiceTest, SignedAnswersAreCachedUntilAnInputChanges) {
  const auto body = R"({"ietf-sztp-bootstrap-server:input":{"os-version":"2.0"}})";
  ASSERT_EQ(service_->handle(post(kGbdPath, body), peerWithCertificate("SN-1")).status, 200);
  ASSERT_EQ(service_->handle(post(kGbdPath, body), peerWithCertificate("SN-1")).status, 200);
  EXPECT_EQ(service_->answers().cacheMisses(), 1U);
  EXPECT_EQ(service_->answers().cacheHits(), 1U);
  EXPECT_EQ(keyLoads_, 1);

  registry::Configuration changed{"base", model::ConfigurationHandling::Replace,
                                  toBytes("<config>v2</config>")};
  ASSERT_TRUE(registry_->apply({registry::PutObject{changed}}).ok());
  auto response = service_->handle(post(kGbdPath, body), peerWithCertificate("SN-1"));
  ASSERT_EQ(response.status, 200);
  EXPECT_EQ(service_->answers().cacheMisses(), 2U);
  auto validated = validateAsDevice(response, "SN-1", Encoding::Json);
  ASSERT_TRUE(validated.ok()) << validated.error().describe();
  EXPECT_EQ(std::get<model::OnboardingInformation>(validated->information).configuration,
            toBytes("<config>v2</config>"));
}

TEST_F(ServiceTest, EncryptedDeviceTypesGetArtifactsOnlyTheirIdevidOpens) {
  auto response = service_->handle(post(kGbdPath, ""), peerWithCertificate("SN-ENC"));
  ASSERT_EQ(response.status, 200) << response.body;
  auto validated = validateAsDevice(response, "SN-ENC", Encoding::Json);
  ASSERT_TRUE(validated.ok()) << validated.error().describe();
  EXPECT_TRUE(validated->wasEncrypted);
  auto output = model::parseGetBootstrappingDataOutput(response.body, Encoding::Json);
  auto type = crypto::peekContentType(output->ownershipVoucher.value());
  ASSERT_TRUE(type.ok());
  EXPECT_EQ(type->type, crypto::ContentType::EnvelopedData);
}

TEST_F(ServiceTest, UnsignedOnboardingIsRefusedToADeviceThatAskedForSignedData) {
  auto device = *registry_->getDevice("SN-1");
  device->responses[1].sign = false;
  ASSERT_TRUE(registry_->apply({registry::PutDevice{*device}}).ok());
  const auto untrusting =
      R"({"ietf-sztp-bootstrap-server:input":{"signed-data-preferred":[null]}})";
  auto response = service_->handle(post(kGbdPath, untrusting), peerWithCertificate("SN-1"));
  EXPECT_EQ(response.status, 403);
  EXPECT_EQ(response.reason, "signed-data-required");
  EXPECT_EQ(onlyError(response, Encoding::Json).errorAppTag, "signed-data-required");
  // A trusting device may have it unsigned (S6 allows it from a trusted server).
  response = service_->handle(post(kGbdPath, ""), peerWithCertificate("SN-1"));
  ASSERT_EQ(response.status, 200);
  auto output = model::parseGetBootstrappingDataOutput(response.body, Encoding::Json);
  EXPECT_FALSE(output->ownerCertificate);
  EXPECT_FALSE(output->ownershipVoucher);
  // An unsigned redirect is fine even for an untrusting device (S6).
  device->responses[0].sign = false;
  ASSERT_TRUE(registry_->apply({registry::PutDevice{*device}}).ok());
  response = service_->handle(
      post(
          kGbdPath,
          R"({"ietf-sztp-bootstrap-server:input":{"signed-data-preferred":[null],"os-version":"1.0"}})"),
      peerWithCertificate("SN-1"));
  EXPECT_EQ(response.status, 200) << response.body;
}

TEST_F(ServiceTest, ProgressReportsAre204AndLandInTheDevicesLog) {
  auto response = service_->handle(
      post(kProgressPath,
           R"({"ietf-sztp-bootstrap-server:input":{"progress-type":"bootstrap-initiated"}})"),
      peerWithCertificate("SN-1"));
  ASSERT_EQ(response.status, 204) << response.body;
  EXPECT_TRUE(response.body.empty());
  EXPECT_EQ((*registry_->getDevice("SN-1"))->stage, registry::DeviceStage::Bootstrapping);

  response = service_->handle(post(kProgressPath, R"({"ietf-sztp-bootstrap-server:input":{
        "progress-type":"bootstrap-complete","message":"all done",
        "ssh-host-keys":{"ssh-host-key":[{"algorithm":"ssh-ed25519","key-data":"AAAAC3NzaC1lZDI1NTE5AAAAIA=="}]}}})"),
                              peerWithCertificate("SN-1"));
  ASSERT_EQ(response.status, 204) << response.body;
  const auto log = events(*registry_, "SN-1");
  ASSERT_EQ(log.size(), 2U);
  EXPECT_EQ(log[1].progressType, model::ProgressType::BootstrapComplete);
  EXPECT_EQ(log[1].message, "all done");
  EXPECT_EQ(nlohmann::json::parse(log[1].detailJson)["ssh-host-keys"][0]["algorithm"],
            "ssh-ed25519");
  EXPECT_EQ((*registry_->getDevice("SN-1"))->stage, registry::DeviceStage::Completed);
}

TEST_F(ServiceTest, MalformedInputIs400NamingTheNode) {
  auto response = service_->handle(
      post(kProgressPath, R"({"ietf-sztp-bootstrap-server:input":{"progress-type":"nope"}})"),
      peerWithCertificate("SN-1"));
  EXPECT_EQ(response.status, 400);
  const auto error = onlyError(response, Encoding::Json);
  EXPECT_EQ(error.errorTag, "malformed-message");
  EXPECT_EQ(error.errorAppTag, "input-malformed");
  EXPECT_NE(error.errorMessage.value_or("").find("progress-type"), std::string::npos)
      << error.errorMessage.value_or("");
  response = service_->handle(post(kGbdPath, "{not json"), peerWithCertificate("SN-1"));
  EXPECT_EQ(response.status, 400);
  const auto log = events(*registry_, "SN-1");
  ASSERT_EQ(log.size(), 2U);
  EXPECT_EQ(log[0].kind, registry::DeviceEvent::Kind::Rejected);
  EXPECT_EQ(log[0].reason, "input-malformed");
}

TEST_F(ServiceTest, MediaTypesAndMethodsAreNegotiated) {
  auto response =
      service_->handle(post(kGbdPath, "hello", "text/plain"), peerWithCertificate("SN-1"));
  EXPECT_EQ(response.status, 415);
  auto request = post(kGbdPath, "");
  request.headers.emplace_back("accept", "text/html");
  response = service_->handle(request, peerWithCertificate("SN-1"));
  EXPECT_EQ(response.status, 406);
  request = http::Request{"GET", std::string(kGbdPath), {}, ""};
  response = service_->handle(request, peerWithCertificate("SN-1"));
  EXPECT_EQ(response.status, 405);
  EXPECT_EQ(response.header("allow"), "POST");
  EXPECT_EQ(onlyError(response, Encoding::Json).errorTag, "operation-not-supported");
  request = http::Request{"GET", "/restconf/data", {}, ""};
  response = service_->handle(request, peerWithCertificate("SN-1"));
  EXPECT_EQ(response.status, 404);
}

// --- Authentication (S3, S4): every refusal is a bare 401 with its own reason.

struct Refusal {
  int status;
  std::string reason;
};

class AuthenticationTest : public ServiceTest {
 protected:
  Refusal refusal(const http::Peer& peer, std::optional<std::string> authorization = {}) {
    auto request = post(kGbdPath, "");
    if (authorization) {
      request.headers.emplace_back("authorization", *authorization);
    }
    auto response = service_->handle(request, peer);
    if (response.status == 401) {
      const auto error = onlyError(response, Encoding::Json);
      EXPECT_EQ(error.errorTag, "access-denied");
      EXPECT_FALSE(error.errorAppTag) << "an unauthenticated client learns no reason";
      EXPECT_EQ(response.header("www-authenticate"), "Basic realm=\"sztp\"");
    }
    return {response.status, response.reason};
  }
  static std::string basic(std::string_view credentials) {
    return "Basic " + base64Encode(asBytes(credentials));
  }
};

TEST_F(AuthenticationTest, NoCredentials) {
  const auto r = refusal(http::Peer{});
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.reason, "device-not-authenticated");
}

TEST_F(AuthenticationTest, ACertificateFromAnotherManufacturer) {
  auto rogueCa = pki::createRootCa("Rogue CA", "Rogue", crypto::KeyType::EcP256,
                                   testNow() - std::chrono::hours{1}, std::chrono::days{30});
  ASSERT_TRUE(rogueCa.ok());
  auto rogue = pki::issueIdevid(*rogueCa, "SN-1", "Rogue", crypto::KeyType::EcP256,
                                testNow() - std::chrono::hours{1});
  ASSERT_TRUE(rogue.ok());
  http::Peer peer = peerWithCertificate("SN-1");
  peer.clientCertificates = {rogue->certificate.toDer()};
  const auto r = refusal(peer);
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.reason, "client-cert-untrusted");
  // The claimed device's log says someone tried.
  const auto log = events(*registry_, "SN-1");
  ASSERT_EQ(log.size(), 1U);
  EXPECT_EQ(log[0].reason, "client-cert-untrusted");
}

TEST_F(AuthenticationTest, AnIdevidOutsideItsValidity) {
  clock_.set(testNow() - std::chrono::days{400});  // before the CA existed
  EXPECT_EQ(refusal(peerWithCertificate("SN-1")).reason, "client-cert-expired");
}

TEST_F(AuthenticationTest, AnUnregisteredSerial) {
  const auto r = refusal(peerWithCertificate("SN-3"));
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.reason, "device-unknown");
}

TEST_F(AuthenticationTest, ADisabledDevice) {
  auto device = *registry_->getDevice("SN-1");
  device->enabled = false;
  ASSERT_TRUE(registry_->apply({registry::PutDevice{*device}}).ok());
  EXPECT_EQ(refusal(peerWithCertificate("SN-1")).reason, "device-disabled");
}

TEST_F(AuthenticationTest, ACertificateOfAnotherDeviceType) {
  auto otherCa = pki::createRootCa("Other CA", "Other", crypto::KeyType::EcP256,
                                   testNow() - std::chrono::hours{1}, std::chrono::days{30});
  ASSERT_TRUE(otherCa.ok());
  auto idevid = pki::issueIdevid(*otherCa, "SN-1", "Other", crypto::KeyType::EcP256,
                                 testNow() - std::chrono::hours{1});
  registry::DeviceType other;
  other.name = "other";
  other.idevidTrustAnchors = {otherCa->certificate.toDer()};
  ASSERT_TRUE(registry_->apply({registry::PutObject{other}}).ok());
  http::Peer peer = peerWithCertificate("SN-1");
  peer.clientCertificates = {idevid->certificate.toDer()};
  EXPECT_EQ(refusal(peer).reason, "device-type-mismatch");
}

TEST_F(AuthenticationTest, ActivationCodes) {
  http::Peer none;
  none.address = "192.0.2.9";
  auto request = post(kGbdPath, "");
  request.headers.emplace_back("authorization", basic("SN-2:code-2"));
  auto response = service_->handle(request, none);
  EXPECT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(refusal(none, basic("SN-2:wrong")).reason, "activation-code-wrong");
  EXPECT_EQ(refusal(none, basic("SN-1:anything")).reason, "activation-code-not-allowed");
  EXPECT_EQ(refusal(none, "Bearer abc").reason, "authorization-malformed");
  EXPECT_EQ(refusal(none, basic("no-colon")).reason, "authorization-malformed");
  // Both credentials must name the same device.
  EXPECT_EQ(refusal(peerWithCertificate("SN-1"), basic("SN-2:code-2")).reason, "serial-mismatch");
  // Both, agreeing, is fine.
  request = post(kGbdPath, "");
  request.headers.emplace_back("authorization", basic("SN-2:code-2"));
  EXPECT_EQ(service_->handle(request, peerWithCertificate("SN-2")).status, 200);
}

TEST_F(AuthenticationTest, ADeviceTypeThatRequiresACertificate) {
  auto device = *registry_->getDevice("SN-ENC");
  device->activationCodeHash = crypto::hashSecret("enc", 1000);
  ASSERT_TRUE(registry_->apply({registry::PutDevice{*device}}).ok());
  EXPECT_EQ(refusal(http::Peer{}, basic("SN-ENC:enc")).reason, "client-cert-required");
}

TEST_F(AuthenticationTest, SerialRulesReadCnAndPatterns) {
  auto cisco = pki::issueIdevid(pki_->manufacturerCa, "x", "Example Manufacturer",
                                crypto::KeyType::EcP256, testNow() - std::chrono::hours{1});
  ASSERT_TRUE(cisco.ok());
  registry::SerialRule rule;
  rule.attribute = registry::SerialRule::Attribute::SubjectSerialNumber;
  rule.pattern = "^(x)$";
  auto serial = serialFromCertificate(cisco->certificate, rule);
  ASSERT_TRUE(serial.ok()) << serial.error().describe();
  EXPECT_EQ(*serial, "x");
  rule.pattern = "SN:(\\S+)";
  EXPECT_EQ(serialFromCertificate(cisco->certificate, rule).error().reason(), "serial-not-in-cert");
}

}  // namespace
}  // namespace sztp::bootstrap::testing
