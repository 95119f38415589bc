// What the bootstrap server (src/lib/bootstrap) actually answers, fed to
// libyang with the official modules: get-bootstrapping-data outputs of each
// kind, the conveyed information inside them, and every RESTCONF error body
// (issue 3, "every response validates against the official YANG modules").

#include "bootstrap/tests/service_fixture.h"
#include "conformance/conformance_fixture.h"
#include "crypto/cms.h"

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

SZTP_INSTANTIATE_FOR_ENCODINGS(ServerResponseConformance);

}  // namespace
}  // namespace sztp::conformance
