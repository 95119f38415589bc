// What the bootstrap server (src/lib/bootstrap) actually answers, fed to
// libyang with the official modules: get-bootstrapping-data outputs of each
// kind, the conveyed information inside them, and every RESTCONF error body
// (issue 3, "every response validates against the official YANG modules").

#include "bootstrap/tests/service_fixture.h"
#include "conformance/conformance_fixture.h"
#include "crypto/certification_request.h"
#include "crypto/cms.h"
#include "crypto/public_key.h"
#include "model/restconf_error.h"

namespace sztp::conformance {
namespace {

using bootstrap::testing::kGbdPath;
using bootstrap::testing::kProgressPath;
using model::Encoding;

std::string_view mediaType(Encoding encoding) {
  return model::yangDataMediaType(encoding);
}

class ServerResponseConformance : public EncodingTest {
 protected:
  void SetUp() override {
    EncodingTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) {
      return;
    }
    ASSERT_TRUE(world_.build());
  }

  http::Request request(std::string_view path, std::string body) const {
    http::Request r;
    r.method = "POST";
    r.target = std::string(path);
    r.body = std::move(body);
    r.headers = {{"content-type", std::string(mediaType(GetParam()))},
                 {"accept", std::string(mediaType(GetParam()))}};
    return r;
  }

  std::string gbdInput(const model::GetBootstrappingDataInput& input) const {
    return model::encodeGetBootstrappingDataInput(input, GetParam());
  }

  /// The answer validates, and so does the conveyed information it carries
  /// (unsigned: wrapped; signed: the signed content).
  void expectValidAnswer(const http::Response& response) {
    ASSERT_EQ(response.status, 200) << response.body;
    EXPECT_TRUE(accepts(PayloadKind::GetBootstrappingDataOutput, GetParam(), response.body));
    auto output = model::parseGetBootstrappingDataOutput(response.body, GetParam());
    ASSERT_TRUE(output.ok());
    auto inner = crypto::unwrapContent(output->conveyedInformation);
    if (!inner) {
      auto signedData = crypto::parseSignedData(output->conveyedInformation);
      ASSERT_TRUE(signedData.ok()) << signedData.error().describe();
      ASSERT_TRUE(signedData->content.has_value());
      EXPECT_TRUE(
          accepts(PayloadKind::ConveyedInformation, GetParam(), toString(*signedData->content)));
      return;
    }
    EXPECT_TRUE(accepts(PayloadKind::ConveyedInformation, GetParam(), toString(inner->content)));
  }

  void expectValidError(const http::Response& response, int status) {
    EXPECT_EQ(response.status, status) << response.body;
    EXPECT_EQ(response.header("content-type"), mediaType(GetParam()));
    EXPECT_TRUE(accepts(PayloadKind::RestconfErrors, GetParam(), response.body));
  }

  bootstrap::testing::ServiceWorld world_;
};

TEST_P(ServerResponseConformance, SignedOnboardingAnswer) {
  model::GetBootstrappingDataInput input;
  input.osVersion = "2.0";
  expectValidAnswer(
      world_.handle(request(kGbdPath, gbdInput(input)), world_.peerWithCertificate("SN-1")));
}

TEST_P(ServerResponseConformance, SignedRedirectAnswer) {
  model::GetBootstrappingDataInput input;
  input.osVersion = "1.0";
  expectValidAnswer(
      world_.handle(request(kGbdPath, gbdInput(input)), world_.peerWithCertificate("SN-1")));
}

TEST_P(ServerResponseConformance, UnsignedAnswers) {
  auto device = *world_.registry_->getDevice("SN-1");
  for (auto& response : device->responses) {
    response.sign = false;
  }
  ASSERT_TRUE(world_.registry_->apply({registry::PutDevice{*device}}).ok());
  for (const char* version : {"1.0", "2.0"}) {
    model::GetBootstrappingDataInput input;
    input.osVersion = version;
    expectValidAnswer(
        world_.handle(request(kGbdPath, gbdInput(input)), world_.peerWithCertificate("SN-1")));
  }
}

TEST_P(ServerResponseConformance, ErrorBodies) {
  // 401: nobody.
  expectValidError(world_.handle(request(kGbdPath, ""), http::Peer{}), 401);
  // 400: malformed input.
  expectValidError(
      world_.handle(request(kProgressPath, GetParam() == Encoding::Json ? "{\"x\":1}" : "<x/>"),
                    world_.peerWithCertificate("SN-1")),
      400);
  // 404: no such resource.
  auto unknown = request("/restconf/data", "");
  expectValidError(world_.handle(unknown, world_.peerWithCertificate("SN-1")), 404);
  // 405: wrong method.
  auto get = request(kGbdPath, "");
  get.method = "GET";
  expectValidError(world_.handle(get, world_.peerWithCertificate("SN-1")), 405);
  // 415: a type we do not read (the error comes in JSON or XML as accepted).
  auto plain = request(kGbdPath, "hello");
  plain.headers[0].second = "text/plain";
  expectValidError(world_.handle(plain, world_.peerWithCertificate("SN-1")), 415);
}

// RFC 9646 (S19): the 400 answer to csr-support is an ietf-restconf:errors
// body whose error-info holds ietf-sztp-csr:csr-request; both validate, the
// errors body against ietf-restconf and the error-info against the
// csr-request structure (ietf-sztp-csr, ietf-ztp-types).
TEST_P(ServerResponseConformance, CsrRequestErrorBodies) {
  ASSERT_TRUE(world_.enableLdevid(world_.ldevidPolicy()));
  const Bytes p256 = crypto::algorithmIdentifierFor("ec-p256");
  // With key generation (SN-1), and with the IDevID key and a cert-req-info
  // (SN-2, whose device offers no key generation).
  auto device = *world_.registry_->getDevice("SN-2");
  device->responses.back().profile = "bare";
  ASSERT_TRUE(world_.registry_->apply({registry::PutDevice{*device}}).ok());
  for (const auto& [serial, algorithms] :
       {std::pair<std::string, std::optional<std::vector<Bytes>>>{"SN-1", std::vector<Bytes>{p256}},
        std::pair<std::string, std::optional<std::vector<Bytes>>>{"SN-2", std::nullopt}}) {
    SCOPED_TRACE(serial);
    const auto response =
        world_.handle(world_.gbd(world_.csrSupportBody(algorithms, GetParam()), GetParam()),
                      world_.peerWithCertificate(serial));
    expectValidError(response, 400);
    auto errors = model::parseRestconfErrors(response.body, GetParam());
    ASSERT_TRUE(errors.ok());
    const auto& info = errors->errors.front().errorInfo;
    ASSERT_TRUE(info) << response.body;
    EXPECT_TRUE(accepts(PayloadKind::CsrRequest, GetParam(), *info));
    auto request = model::parseCsrRequest(*info, GetParam());
    ASSERT_TRUE(request.ok());
    EXPECT_EQ(request->keyGenerationAlgorithm.has_value(), serial == "SN-1");
    EXPECT_EQ(request->certReqInfo.has_value(), serial == "SN-2");
  }
}

// The negative control: the csr-request structure really is checked.
TEST_P(ServerResponseConformance, CsrRequestWithoutItsAlgorithmIsRefused) {
  const std::string missing =
      GetParam() == Encoding::Json
          ? R"({"ietf-sztp-csr:csr-request":{"key-generation":{"selected-algorithm":{}},)"
            R"("csr-generation":{"selected-format":{"format-identifier":"ietf-ztp-types:p10-csr"}}}})"
          : R"(<csr-request xmlns="urn:ietf:params:xml:ns:yang:ietf-sztp-csr"><key-generation>)"
            R"(<selected-algorithm/></key-generation><csr-generation><selected-format>)"
            R"(<format-identifier xmlns:zt="urn:ietf:params:xml:ns:yang:ietf-ztp-types">)"
            R"(zt:p10-csr</format-identifier></selected-format></csr-generation></csr-request>)";
  EXPECT_TRUE(rejects(PayloadKind::CsrRequest, GetParam(), missing, "algorithm-identifier"));
}

// S21: the answer to the CSR validates, and so does the ietf-keystore
// fragment that delivers the LDevID.
TEST_P(ServerResponseConformance, OnboardingAnswerCarryingAnLdevid) {
  ASSERT_TRUE(world_.enableLdevid(world_.ldevidPolicy()));
  const Bytes p256 = crypto::algorithmIdentifierFor("ec-p256");
  const auto peer = world_.peerWithCertificate("SN-1");
  const auto asked = world_.handle(
      world_.gbd(world_.csrSupportBody(std::vector<Bytes>{p256}, GetParam()), GetParam()), peer);
  ASSERT_EQ(asked.status, 400) << asked.body;
  auto key = crypto::PrivateKey::generate(crypto::KeyType::EcP256);
  ASSERT_TRUE(key.ok());
  auto csr = crypto::makeCertificationRequest({{"serialNumber", "SN-1"}}, *key);
  ASSERT_TRUE(csr.ok());
  const auto response =
      world_.handle(world_.gbd(world_.csrBody(*csr, GetParam()), GetParam()), peer);
  expectValidAnswer(response);
  auto validated = world_.validateAsDevice(response, "SN-1", GetParam());
  ASSERT_TRUE(validated.ok()) << validated.error().describe();
  const auto& onboarding = std::get<model::OnboardingInformation>(validated->information);
  ASSERT_TRUE(onboarding.configuration);
  EXPECT_TRUE(accepts(PayloadKind::KeystoreData, GetParam(), toString(*onboarding.configuration)));
}

SZTP_INSTANTIATE_FOR_ENCODINGS(ServerResponseConformance);

}  // namespace
}  // namespace sztp::conformance
