// RFC 9646 through the bootstrap service (checklist S19–S22): csr-support
// answered 400 with a csr-request, the CSR answered with onboarding
// information carrying the LDevID, every refusal with its own reason code,
// in JSON and XML, and a CSR made by the openssl CLI.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "common/base64.h"
#include "crypto/certification_request.h"
#include "crypto/cms.h"
#include "crypto/path_validation.h"
#include "crypto/public_key.h"
#include "model/restconf_error.h"
#include "service_fixture.h"
#include "testutil/command.h"

namespace sztp::bootstrap::testing {
namespace {

using model::Encoding;

std::vector<registry::DeviceEvent> events(registry::Registry& registry, const std::string& serial) {
  auto listed = registry.listEvents(serial, 0, 100);
  EXPECT_TRUE(listed.ok());
  return listed ? *listed : std::vector<registry::DeviceEvent>{};
}

crypto::PrivateKey newKey(crypto::KeyType type) {
  auto key = crypto::PrivateKey::generate(type);
  EXPECT_TRUE(key.ok());
  return *key;
}

Bytes csrFor(const crypto::PrivateKey& key, const std::string& serial = "SN-1") {
  auto der = crypto::makeCertificationRequest({{"serialNumber", serial}}, key);
  EXPECT_TRUE(der.ok()) << der.error().describe();
  return der ? *der : Bytes{};
}

/// The end-entity certificate of an end-entity-cert-cms: CMS keeps its
/// certificates in a SET, whose DER order is not the order they were added
/// in, so the LDevID is the one that is not a CA.
std::optional<crypto::Certificate> endEntity(const crypto::CertificateBag& bag) {
  for (const auto& certificate : bag.certificates) {
    if (!certificate.isCa()) {
      return certificate;
    }
  }
  return std::nullopt;
}

/// The base64 text between <tag> and </tag>, or of "tag": "..." in JSON.
std::string valueOf(const std::string& text, const std::string& tag) {
  auto at = text.find("<" + tag + ">");
  if (at != std::string::npos) {
    at += tag.size() + 2;
    return text.substr(at, text.find("</" + tag + ">", at) - at);
  }
  at = text.find("\"" + tag + "\"");
  if (at == std::string::npos) {
    return {};
  }
  at = text.find('"', text.find(':', at)) + 1;
  return text.substr(at, text.find('"', at) - at);
}

class LdevidServiceTest : public ServiceTest, public ::testing::WithParamInterface<Encoding> {
 protected:
  void SetUp() override {
    ServiceTest::SetUp();
    ASSERT_TRUE(enableLdevid(ldevidPolicy()));
  }
  Encoding encoding() const { return GetParam(); }

  http::Response send(const std::string& body, const std::string& serial = "SN-1") {
    return handle(gbd(body, encoding()), peerWithCertificate(serial));
  }

  /// The csr-request of a 400 answer, checked for S19's envelope.
  std::optional<model::CsrRequest> csrRequestOf(const http::Response& response) {
    EXPECT_EQ(response.status, 400) << response.body;
    EXPECT_EQ(response.reason, "csr-required");
    EXPECT_EQ(response.header("content-type"), model::yangDataMediaType(encoding()));
    auto errors = model::parseRestconfErrors(response.body, encoding());
    EXPECT_TRUE(errors.ok()) << response.body;
    if (!errors || errors->errors.size() != 1) {
      return std::nullopt;
    }
    const auto& error = errors->errors.front();
    EXPECT_EQ(error.errorType, "application");
    EXPECT_EQ(error.errorTag, "missing-attribute");
    EXPECT_EQ(error.errorAppTag, "csr-required");
    EXPECT_TRUE(error.errorInfo) << response.body;
    if (!error.errorInfo) {
      return std::nullopt;
    }
    auto request = model::parseCsrRequest(*error.errorInfo, encoding());
    EXPECT_TRUE(request.ok()) << (request ? "" : request.error().describe()) << "\n"
                              << *error.errorInfo;
    return request ? std::optional<model::CsrRequest>(*request) : std::nullopt;
  }

  /// The refusal's reason code, checked against its error body and the log.
  std::string refusal(const http::Response& response, int status,
                      const std::string& serial = "SN-1") {
    EXPECT_EQ(response.status, status) << response.body;
    auto errors = model::parseRestconfErrors(response.body, encoding());
    EXPECT_TRUE(errors.ok()) << response.body;
    if (errors && !errors->errors.empty()) {
      EXPECT_EQ(errors->errors.front().errorAppTag, response.reason);
    }
    const auto log = events(*registry_, serial);
    EXPECT_FALSE(log.empty());
    if (!log.empty()) {
      EXPECT_EQ(log.back().kind, registry::DeviceEvent::Kind::Rejected);
      EXPECT_EQ(log.back().reason, response.reason);
    }
    // Nothing was issued.
    auto state = registry_->getLdevidState(serial);
    EXPECT_TRUE(!state->has_value() || (*state)->certificate.empty());
    return response.reason;
  }

  /// The LDevID an onboarding answer carries, from its keystore fragment or
  /// its substituted placeholder, after the device's own validation.
  std::optional<crypto::Certificate> ldevidOf(const http::Response& response,
                                              const std::string& serial = "SN-1") {
    EXPECT_EQ(response.status, 200) << response.body;
    auto validated = validateAsDevice(response, serial, encoding());
    EXPECT_TRUE(validated.ok()) << (validated ? "" : validated.error().describe());
    if (!validated) {
      return std::nullopt;
    }
    const auto& onboarding = std::get<model::OnboardingInformation>(validated->information);
    EXPECT_TRUE(onboarding.configuration);
    if (!onboarding.configuration) {
      return std::nullopt;
    }
    const std::string configuration = toString(*onboarding.configuration);
    lastConfiguration_ = configuration;
    std::string cms = valueOf(configuration, "cert-data");
    if (cms.empty()) {
      cms = valueOf(configuration, "ldevid");  // the placeholder's element in "templated"
    }
    auto der = base64Decode(cms);
    EXPECT_TRUE(der.ok()) << configuration;
    if (!der) {
      return std::nullopt;
    }
    auto bag = crypto::parseCertificateBag(*der);
    EXPECT_TRUE(bag.ok()) << configuration;
    if (!bag || bag->certificates.empty()) {
      return std::nullopt;
    }
    EXPECT_EQ(bag->certificates.size(), 2U);  // the LDevID and its CA
    return endEntity(*bag);
  }

  /// The LDevID chains to the LDevID CA at the server's time.
  void expectChainsToTheLdevidCa(const crypto::Certificate& ldevid) {
    crypto::PathValidationOptions options;
    options.at = clock_.now();
    auto path = crypto::validatePath(ldevid, {}, {ldevidCa_->certificate}, options);
    EXPECT_TRUE(path.ok()) << path.error().describe();
  }

  std::string lastConfiguration_;
};

TEST_P(LdevidServiceTest, FullExchangeWithANewKey) {
  // S19/S20: the device offers P-256 and RSA; the policy prefers P-384, then P-256.
  const Bytes p256 = crypto::algorithmIdentifierFor("ec-p256");
  const Bytes rsa = crypto::algorithmIdentifierFor("rsa-2048");
  auto request = csrRequestOf(send(csrSupportBody(std::vector<Bytes>{rsa, p256}, encoding())));
  ASSERT_TRUE(request);
  EXPECT_EQ(request->keyGenerationAlgorithm, p256);  // one of the device's own
  EXPECT_EQ(request->format, "ietf-ztp-types:p10-csr");
  EXPECT_FALSE(request->certReqInfo);
  auto log = events(*registry_, "SN-1");
  ASSERT_EQ(log.size(), 1U);
  EXPECT_EQ(log[0].kind, registry::DeviceEvent::Kind::Response);
  EXPECT_EQ(log[0].reason, "csr-required");
  EXPECT_NE(log[0].message.find("new ec-p256 key"), std::string::npos) << log[0].message;
  auto pending = registry_->getLdevidState("SN-1");
  ASSERT_TRUE(pending.ok() && pending->has_value());
  EXPECT_TRUE((*pending)->requestPending);
  EXPECT_EQ((*pending)->requestedKeyAlgorithm, "ec-p256");

  // S21/S22: the device makes a new P-256 key and sends its CSR.
  const auto key = newKey(crypto::KeyType::EcP256);
  const auto response = send(csrBody(csrFor(key), encoding()));
  auto ldevid = ldevidOf(response);
  ASSERT_TRUE(ldevid);
  EXPECT_TRUE(key.matches(*ldevid));
  expectChainsToTheLdevidCa(*ldevid);
  EXPECT_EQ(ldevid->subjectSerialNumber(), "SN-1");
  EXPECT_EQ(ldevid->keyUsage(), crypto::kDigitalSignature);
  EXPECT_FALSE(ldevid->isCa());
  EXPECT_EQ(ldevid->notAfter(), clock_.now() + std::chrono::days(90));
  // Delivered as an ietf-keystore fragment with the new public key.
  EXPECT_NE(lastConfiguration_.find("keystore"), std::string::npos) << lastConfiguration_;
  EXPECT_EQ(valueOf(lastConfiguration_, "public-key"),
            base64Encode(crypto::publicKeyOf(key).toDer()));

  // Recorded: the certificate in the registry, serial and fingerprint in the log.
  auto state = registry_->getLdevidState("SN-1");
  ASSERT_TRUE(state.ok() && state->has_value());
  EXPECT_FALSE((*state)->requestPending);
  EXPECT_EQ((*state)->certificate, ldevid->toDer());
  log = events(*registry_, "SN-1");
  ASSERT_EQ(log.size(), 2U);
  EXPECT_EQ(log[1].kind, registry::DeviceEvent::Kind::Response);
  const auto detail = nlohmann::json::parse(log[1].detailJson);
  EXPECT_EQ(detail["ldevid"]["serial"], ldevid->serialNumberHex());
  EXPECT_EQ(detail["ldevid"]["certificate"], base64Encode(ldevid->toDer()));
  EXPECT_NE(log[1].message.find("LDevID, serial " + ldevid->serialNumberHex()), std::string::npos)
      << log[1].message;

  // No renewal: csr-support again is answered normally, and the log says why.
  const auto again = send(csrSupportBody(std::vector<Bytes>{p256}, encoding()));
  EXPECT_EQ(again.status, 200) << again.body;
  log = events(*registry_, "SN-1");
  EXPECT_NE(log.back().detailJson.find("already issued"), std::string::npos)
      << log.back().detailJson;
}

TEST_P(LdevidServiceTest, WithoutKeyGenerationTheIdevidKeyAndAPlaceholder) {
  auto device = *registry_->getDevice("SN-1");
  device->responses.back().profile = "templated";
  ASSERT_TRUE(registry_->apply({registry::PutDevice{*device}}).ok());

  auto request = csrRequestOf(send(csrSupportBody(std::nullopt, encoding())));
  ASSERT_TRUE(request);
  EXPECT_FALSE(request->keyGenerationAlgorithm);  // S20: only when offered
  ASSERT_TRUE(request->certReqInfo);              // what the device signs (D60)
  const auto& idevid = pki_->idevids.at("SN-1");
  const Bytes spki = crypto::publicKeyOf(idevid.key).toDer();
  EXPECT_NE(std::search(request->certReqInfo->begin(), request->certReqInfo->end(), spki.begin(),
                        spki.end()),
            request->certReqInfo->end());

  auto ldevid = ldevidOf(send(csrBody(csrFor(idevid.key), encoding())));
  ASSERT_TRUE(ldevid);
  EXPECT_TRUE(idevid.key.matches(*ldevid));
  expectChainsToTheLdevidCa(*ldevid);
  // The operator's configuration, with the placeholder replaced.
  EXPECT_EQ(lastConfiguration_.find("{{ldevid-certificate}}"), std::string::npos);
  EXPECT_TRUE(lastConfiguration_.starts_with("<config><ldevid>M")) << lastConfiguration_;
}

TEST_P(LdevidServiceTest, CsrSupportIsIgnoredWhenNothingFits) {
  struct Case {
    const char* name;
    std::function<void()> arrange;
    std::string body;
    std::string note;
  };
  const Bytes ed448 = crypto::algorithmIdentifierFor("ed448");
  auto strict = ldevidPolicy();
  strict.allowIdevidKey = false;
  const std::vector<Case> cases{
      {"only CMC", [] {}, csrSupportBody(std::nullopt, encoding(), {"ietf-ztp-types:cmc-csr"}),
       "generates no CSR format this server reads"},
      {"no acceptable key", [&] { ASSERT_TRUE(enableLdevid(strict)); },
       csrSupportBody(std::vector<Bytes>{ed448}, encoding()), "generates keys for ed448 only"},
      {"no policy",
       [&] {
         auto type = std::get<registry::DeviceType>(
             **registry_->getObject(registry::ObjectKind::DeviceType, "dpu"));
         type.ldevid.reset();
         ASSERT_TRUE(registry_->apply({registry::PutObject{type}}).ok());
       },
       csrSupportBody(std::nullopt, encoding()), "has no ldevid policy"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    c.arrange();
    const auto response = send(c.body);
    EXPECT_EQ(response.status, 200) << response.body;
    const auto log = events(*registry_, "SN-1");
    ASSERT_FALSE(log.empty());
    EXPECT_EQ(log.back().kind, registry::DeviceEvent::Kind::Response);
    EXPECT_NE(log.back().detailJson.find("csr-support ignored: "), std::string::npos);
    EXPECT_NE(log.back().detailJson.find(c.note), std::string::npos) << log.back().detailJson;
  }
  // A redirect answer has no place for a certificate.
  ASSERT_TRUE(enableLdevid(ldevidPolicy()));
  model::GetBootstrappingDataInput input;
  input.osVersion = "1.0";
  input.csrSupport = model::CsrSupport{std::nullopt, {"ietf-ztp-types:p10-csr"}};
  const auto redirect = send(model::encodeGetBootstrappingDataInput(input, encoding()));
  EXPECT_EQ(redirect.status, 200) << redirect.body;
  EXPECT_NE(events(*registry_, "SN-1").back().detailJson.find("redirect information"),
            std::string::npos);
}

// ---- Each refusal alone ------------------------------------------------------

TEST_P(LdevidServiceTest, ABadSignatureIsNoProofOfPossession) {
  ASSERT_TRUE(csrRequestOf(send(csrSupportBody(std::nullopt, encoding()))));
  Bytes der = csrFor(pki_->idevids.at("SN-1").key);
  der.back() ^= 0x01;
  EXPECT_EQ(refusal(send(csrBody(der, encoding())), 400), "csr-signature-invalid");
}

TEST_P(LdevidServiceTest, AnotherKeyThanTheIdevidIsNoProofOfOrigin) {
  ASSERT_TRUE(csrRequestOf(send(csrSupportBody(std::nullopt, encoding()))));
  const auto stranger = newKey(crypto::KeyType::EcP256);
  EXPECT_EQ(refusal(send(csrBody(csrFor(stranger), encoding())), 400), "csr-key-mismatch");
  EXPECT_NE(events(*registry_, "SN-1").back().message.find("the csr-request asked for the IDevID"),
            std::string::npos);
  // Without any csr-request outstanding, only the IDevID key is accepted.
  auto device = *registry_->getDevice("SN-2");
  device->responses.back().profile = "bare";
  ASSERT_TRUE(registry_->apply({registry::PutDevice{*device}}).ok());
  EXPECT_EQ(refusal(send(csrBody(csrFor(stranger, "SN-2"), encoding()), "SN-2"), 400, "SN-2"),
            "csr-key-mismatch");
  EXPECT_NE(events(*registry_, "SN-2").back().message.find("no csr-request is outstanding"),
            std::string::npos)
      << events(*registry_, "SN-2").back().message;
  // An unsolicited CSR with the IDevID key is fine (the policy allows that key).
  EXPECT_TRUE(ldevidOf(
      send(csrBody(csrFor(pki_->idevids.at("SN-2").key, "SN-2"), encoding()), "SN-2"), "SN-2"));
}

TEST_P(LdevidServiceTest, TheIdevidKeyIsNotANewKey) {
  const Bytes p256 = crypto::algorithmIdentifierFor("ec-p256");
  ASSERT_TRUE(csrRequestOf(send(csrSupportBody(std::vector<Bytes>{p256}, encoding()))));
  EXPECT_EQ(refusal(send(csrBody(csrFor(pki_->idevids.at("SN-1").key), encoding())), 400),
            "csr-key-not-new");
}

TEST_P(LdevidServiceTest, AKeyOfAnotherAlgorithm) {
  const Bytes p256 = crypto::algorithmIdentifierFor("ec-p256");
  ASSERT_TRUE(csrRequestOf(send(csrSupportBody(std::vector<Bytes>{p256}, encoding()))));
  const auto p384 = newKey(crypto::KeyType::EcP384);
  EXPECT_EQ(refusal(send(csrBody(csrFor(p384), encoding())), 400), "csr-algorithm-wrong");
}

TEST_P(LdevidServiceTest, CmcAndCmpAreNotRead) {
  EXPECT_EQ(
      refusal(send(csrBody(Bytes{0x30, 0x00}, encoding(), model::CsrMessage::Format::Cmc)), 400),
      "csr-format-unsupported");
  EXPECT_EQ(
      refusal(send(csrBody(Bytes{0x30, 0x00}, encoding(), model::CsrMessage::Format::Cmp)), 400),
      "csr-format-unsupported");
}

TEST_P(LdevidServiceTest, AnOversizedCsrIsNotParsed) {
  const auto response = send(csrBody(Bytes(20000, 0x30), encoding()));
  EXPECT_EQ(refusal(response, 413), "csr-too-large");
  EXPECT_EQ(model::parseRestconfErrors(response.body, encoding())->errors.front().errorTag,
            "too-big");
}

TEST_P(LdevidServiceTest, AMalformedCsr) {
  for (const Bytes& garbage : {Bytes{0x01, 0x02, 0x03}, Bytes{0x30, 0x03, 0x02, 0x01, 0x00},
                               pki_->idevids.at("SN-1").certificate.toDer()}) {
    EXPECT_EQ(refusal(send(csrBody(garbage, encoding())), 400), "csr-malformed");
  }
}

TEST_P(LdevidServiceTest, NoPolicy) {
  auto type = std::get<registry::DeviceType>(
      **registry_->getObject(registry::ObjectKind::DeviceType, "dpu"));
  type.ldevid.reset();
  ASSERT_TRUE(registry_->apply({registry::PutObject{type}}).ok());
  EXPECT_EQ(refusal(send(csrBody(csrFor(pki_->idevids.at("SN-1").key), encoding())), 403),
            "ldevid-not-configured");
}

TEST_P(LdevidServiceTest, AnActivationCodeProvesNoOrigin) {
  auto device = *registry_->getDevice("SN-2");
  device->responses.back().profile = "bare";
  ASSERT_TRUE(registry_->apply({registry::PutDevice{*device}}).ok());
  auto request =
      gbd(csrBody(csrFor(newKey(crypto::KeyType::EcP256), "SN-2"), encoding()), encoding());
  request.headers.emplace_back("authorization", "Basic " + base64Encode(asBytes("SN-2:code-2")));
  http::Peer none;
  none.address = "192.0.2.9";
  EXPECT_EQ(refusal(handle(request, none), 403, "SN-2"), "csr-origin-unverifiable");
  // And its csr-support is ignored rather than answered with a csr-request.
  request = gbd(csrSupportBody(std::nullopt, encoding()), encoding());
  request.headers.emplace_back("authorization", "Basic " + base64Encode(asBytes("SN-2:code-2")));
  EXPECT_EQ(handle(request, none).status, 200);
}

TEST_P(LdevidServiceTest, AConfigurationWithoutThePlaceholder) {
  auto device = *registry_->getDevice("SN-1");
  device->responses.back().profile = "full";  // configuration "base": <config/>
  ASSERT_TRUE(registry_->apply({registry::PutDevice{*device}}).ok());
  EXPECT_EQ(refusal(send(csrBody(csrFor(pki_->idevids.at("SN-1").key), encoding())), 500),
            "ldevid-not-deliverable");
}

TEST_P(LdevidServiceTest, AnUnusableCaKey) {
  auto policy = ldevidPolicy();
  policy.caKeyRef = "test:missing";
  ASSERT_TRUE(enableLdevid(policy));
  // Found before the device is asked to make a key.
  EXPECT_EQ(refusal(send(csrSupportBody(std::nullopt, encoding())), 500), "ldevid-issuance-failed");
  EXPECT_EQ(refusal(send(csrBody(csrFor(pki_->idevids.at("SN-1").key), encoding())), 500),
            "ldevid-issuance-failed");
}

INSTANTIATE_TEST_SUITE_P(Encodings, LdevidServiceTest,
                         ::testing::Values(Encoding::Json, Encoding::Xml),
                         [](const ::testing::TestParamInfo<Encoding>& param) {
                           return param.param == Encoding::Json ? std::string("Json")
                                                                : std::string("Xml");
                         });

// ---- A real counterpart ------------------------------------------------------

/// A CSR made by `openssl req` is accepted, and `openssl verify` accepts the
/// LDevID issued for it as a TLS client certificate under the LDevID CA.
TEST_F(ServiceTest, OpensslMadeCsrAndVerify) {
  if (!testutil::haveProgram("openssl")) {
    GTEST_SKIP() << "the openssl CLI is not installed";
  }
  ASSERT_TRUE(enableLdevid(ldevidPolicy()));
  const Bytes p256 = crypto::algorithmIdentifierFor("ec-p256");
  auto asked = handle(gbd(csrSupportBody(std::vector<Bytes>{p256}, Encoding::Json), Encoding::Json),
                      peerWithCertificate("SN-1"));
  ASSERT_EQ(asked.status, 400) << asked.body;

  const auto keyPath = (dir_ / "device.key").string();
  const auto csrPath = (dir_ / "device.csr").string();
  auto made = testutil::runCommand(
      {"openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
       "-keyout", keyPath, "-subj", "/serialNumber=SN-1", "-outform", "DER", "-out", csrPath});
  ASSERT_EQ(made.exitCode, 0) << made.output;
  auto response = handle(gbd(csrBody(testutil::readFile(csrPath), Encoding::Json), Encoding::Json),
                         peerWithCertificate("SN-1"));
  ASSERT_EQ(response.status, 200) << response.body;
  auto validated = validateAsDevice(response, "SN-1", Encoding::Json);
  ASSERT_TRUE(validated.ok()) << validated.error().describe();
  const std::string configuration =
      toString(*std::get<model::OnboardingInformation>(validated->information).configuration);
  auto bag = crypto::parseCertificateBag(*base64Decode(valueOf(configuration, "cert-data")));
  ASSERT_TRUE(bag.ok());
  const auto ldevid = endEntity(*bag);
  ASSERT_TRUE(ldevid);
  dir_.write("ldevid.pem", ldevid->toPem());
  dir_.write("ldevid-ca.pem", ldevidCa_->certificate.toPem());

  const std::string at = std::to_string(
      std::chrono::duration_cast<std::chrono::seconds>(clock_.now().time_since_epoch()).count());
  auto verified = testutil::runCommand({"openssl", "verify", "-CAfile",
                                        (dir_ / "ldevid-ca.pem").string(), "-purpose", "sslclient",
                                        "-attime", at, (dir_ / "ldevid.pem").string()});
  EXPECT_EQ(verified.exitCode, 0) << verified.output;
  EXPECT_NE(verified.output.find(": OK"), std::string::npos) << verified.output;
  // The certificate is for the key openssl made.
  auto pub = testutil::runCommand({"openssl", "pkey", "-in", keyPath, "-pubout"});
  auto certPub = testutil::runCommand(
      {"openssl", "x509", "-in", (dir_ / "ldevid.pem").string(), "-noout", "-pubkey"});
  ASSERT_EQ(pub.exitCode, 0) << pub.output;
  EXPECT_EQ(pub.output, certPub.output);
  auto text = testutil::runCommand(
      {"openssl", "x509", "-in", (dir_ / "ldevid.pem").string(), "-noout", "-text"});
  EXPECT_NE(text.output.find("TLS Web Client Authentication"), std::string::npos) << text.output;
  EXPECT_NE(text.output.find("Digital Signature"), std::string::npos);
  EXPECT_NE(text.output.find("serialNumber = SN-1"), std::string::npos) << text.output;
}

}  // namespace
}  // namespace sztp::bootstrap::testing
