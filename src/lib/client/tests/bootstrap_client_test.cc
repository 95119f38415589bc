// HttpsBootstrapClient against a real HTTPS peer on loopback: the project's
// net::HttpServer with a handler that answers like an RFC 8572 server
// (bodies made by the model encoders), plus raw sockets for the failure cases.
#include "client/bootstrap_client.h"

#include <gtest/gtest.h>

#include <mutex>
#include <thread>

#include "client/client_error.h"
#include "client/tests/client_fixture.h"
#include "common/base64.h"
#include "model/restconf_error.h"
#include "net/tests/test_server.h"

namespace sztp::client {
namespace {

using namespace std::chrono_literals;
using testing::take;

constexpr std::string_view kGbdPath =
    "/restconf/operations/ietf-sztp-bootstrap-server:get-bootstrapping-data";
constexpr std::string_view kProgressPath =
    "/restconf/operations/ietf-sztp-bootstrap-server:report-progress";

model::GetBootstrappingDataOutput sampleOutput() {
  model::GetBootstrappingDataOutput output;
  output.reportingLevel = model::ReportingLevel::Verbose;
  output.conveyedInformation = {0x30, 0x03, 0x02, 0x01, 0x07};
  return output;
}

http::Response statusOnly(int status) {
  http::Response response;
  response.status = status;
  return response;
}

struct Seen {
  http::Request request;
  http::Peer peer;
};

class BootstrapClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    pki_ = net::testing::makeTestPki();
    anchor_ = take(crypto::Certificate::fromPem(pki_.caPem));
    startWith(net::testing::serverTls(pki_));
  }

  void startWith(net::TlsSettings tls) {
    server_.reset();
    auto listener = net::testing::testListener();
    listener.tls = std::move(tls);
    server_ = net::testing::startServer(
        listener, [this](const http::Request& request, const http::Peer& peer) {
          {
            const std::lock_guard lock(mutex_);
            seen_.push_back({request, peer});
          }
          return handler_(request, peer);
        });
    ASSERT_TRUE(server_);
    port_ = server_->boundPort("test");
  }

  /// Default behaviour: no host-meta (404), 200 to get-bootstrapping-data, 204 to progress.
  static http::Response standard(const http::Request& request, const http::Peer&) {
    http::Response response;
    if (request.path() == kGbdPath) {
      const auto encoding = request.header("content-type") == "application/yang-data+xml"
                                ? model::Encoding::Xml
                                : model::Encoding::Json;
      response.body = model::encodeGetBootstrappingDataOutput(sampleOutput(), encoding);
      response.setHeader("Content-Type", std::string(model::yangDataMediaType(encoding)));
    } else if (request.path() == kProgressPath) {
      response.status = 204;
    } else {
      response.status = 404;
    }
    return response;
  }

  agent::DeviceIdentity identity() const { return testing::deviceIdentity(pki_); }

  BootstrapClientSettings settings() const {
    BootstrapClientSettings s;
    s.transport.connectTimeout = 5s;
    s.transport.requestTimeout = 5s;
    s.transport.resolve = [](const std::string& host) -> Result<std::vector<std::string>> {
      if (host == "localhost" || host == "wrong.example") {
        return std::vector<std::string>{"127.0.0.1"};
      }
      return Error(ClientErrc::ResolveFailed, host);
    };
    return s;
  }

  agent::ServerEndpoint endpoint(std::string host = "localhost", bool trusted = true) const {
    agent::ServerEndpoint e;
    e.server.host = std::move(host);
    e.server.port = port_;
    if (trusted) {
      e.trustAnchors = {anchor_};
    }
    return e;
  }

  std::vector<Seen> seen() {
    const std::lock_guard lock(mutex_);
    return seen_;
  }

  net::testing::TestPki pki_;
  crypto::Certificate anchor_{nullptr};
  std::function<http::Response(const http::Request&, const http::Peer&)> handler_ = standard;
  std::unique_ptr<net::HttpServer> server_;
  std::uint16_t port_ = 0;
  std::mutex mutex_;
  std::vector<Seen> seen_;
};

TEST_F(BootstrapClientTest, TrustedServerAnswersAndIsMarkedTrusted) {
  HttpsBootstrapClient client(identity(), settings());
  model::GetBootstrappingDataInput input;
  input.hwModel = "model-x";
  input.nonce = Bytes(16, 0x5a);
  auto answer = client.getBootstrappingData(endpoint(), input);
  ASSERT_TRUE(answer.ok()) << answer.error().describe();
  EXPECT_TRUE(answer->tlsTrusted);
  EXPECT_EQ(answer->address, "127.0.0.1:" + std::to_string(port_));
  EXPECT_EQ(answer->output, sampleOutput());

  const auto requests = seen();
  ASSERT_EQ(requests.size(), 2u);  // host-meta (404 → fallback), then the RPC
  EXPECT_EQ(requests[0].request.target, "/.well-known/host-meta");
  const auto& rpc = requests[1];
  EXPECT_EQ(rpc.request.method, "POST");
  EXPECT_EQ(rpc.request.target, kGbdPath);
  EXPECT_EQ(rpc.request.header("content-type"), "application/yang-data+json");
  EXPECT_EQ(rpc.request.header("accept"), "application/yang-data+json");
  EXPECT_FALSE(rpc.request.header("authorization"));
  auto parsed = model::parseGetBootstrappingDataInput(rpc.request.body, model::Encoding::Json);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(*parsed, input);
  // D14, D15: the IDevID and its intermediate were sent.
  ASSERT_EQ(rpc.peer.clientCertificates.size(), 2u);
  EXPECT_EQ(rpc.peer.clientCertificates[0], pki_.clientLeafDer);
  EXPECT_EQ(rpc.peer.clientCertificates[1], pki_.clientIntermediateDer);
  EXPECT_EQ(client.restconfRootFor(endpoint().server), "/restconf");
}

TEST_F(BootstrapClientTest, NoAnchorsIsProvisional) {
  HttpsBootstrapClient client(identity(), settings());
  auto answer = client.getBootstrappingData(endpoint("localhost", false), {});
  ASSERT_TRUE(answer.ok()) << answer.error().describe();
  EXPECT_FALSE(answer->tlsTrusted);  // D38, D39
}

TEST_F(BootstrapClientTest, WrongAnchorIsUntrusted) {
  const auto other = net::testing::makeTestPki();
  auto e = endpoint();
  e.trustAnchors = {take(crypto::Certificate::fromPem(other.caPem))};
  HttpsBootstrapClient client(identity(), settings());
  auto answer = client.getBootstrappingData(e, {});
  ASSERT_FALSE(answer.ok());
  EXPECT_EQ(answer.error(), ClientErrc::ServerCertificateUntrusted) << answer.error().describe();
  EXPECT_TRUE(seen().empty());
}

TEST_F(BootstrapClientTest, WrongHostNameIsRefused) {
  HttpsBootstrapClient client(identity(), settings());
  auto answer = client.getBootstrappingData(endpoint("wrong.example"), {});
  ASSERT_FALSE(answer.ok());
  EXPECT_EQ(answer.error(), ClientErrc::ServerNameMismatch) << answer.error().describe();
  // Provisionally the same server is fine: nothing is checked.
  auto provisional = client.getBootstrappingData(endpoint("wrong.example", false), {});
  EXPECT_TRUE(provisional.ok());
}

TEST_F(BootstrapClientTest, IpLiteralIsCheckedAgainstIpSan) {
  HttpsBootstrapClient client(identity(), settings());
  auto answer = client.getBootstrappingData(endpoint("127.0.0.1"), {});
  ASSERT_TRUE(answer.ok()) << answer.error().describe();
  EXPECT_TRUE(answer->tlsTrusted);
}

TEST_F(BootstrapClientTest, IntermediateAnchorIsEnough) {
  const auto chain = testing::makeIntermediateChain();
  startWith(chain.tls);
  HttpsBootstrapClient client(identity(), settings());
  auto e = endpoint();
  e.trustAnchors = {chain.intermediate};  // not the root: X509_V_FLAG_PARTIAL_CHAIN
  auto answer = client.getBootstrappingData(e, {});
  ASSERT_TRUE(answer.ok()) << answer.error().describe();
  EXPECT_TRUE(answer->tlsTrusted);
  e.trustAnchors = {chain.root};
  EXPECT_TRUE(client.getBootstrappingData(e, {}).ok());
}

TEST_F(BootstrapClientTest, EveryAddressIsTried) {
  auto s = settings();
  // The server listens on 127.0.0.1 only: 127.0.0.2 and ::1 refuse (D36).
  s.transport.resolve = [](const std::string&) -> Result<std::vector<std::string>> {
    return std::vector<std::string>{"127.0.0.2", "::1", "127.0.0.1"};
  };
  HttpsBootstrapClient client(identity(), s);
  auto answer = client.getBootstrappingData(endpoint(), {});
  ASSERT_TRUE(answer.ok()) << answer.error().describe();
  EXPECT_EQ(answer->address, "127.0.0.1:" + std::to_string(port_));

  s.transport.resolve = [](const std::string&) -> Result<std::vector<std::string>> {
    return std::vector<std::string>{"127.0.0.2", "::1"};
  };
  HttpsBootstrapClient failing(identity(), s);
  auto none = failing.getBootstrappingData(endpoint(), {});
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error(), ClientErrc::ConnectFailed);
  EXPECT_NE(none.error().detail().find("127.0.0.2:"), std::string::npos) << none.error().detail();
  EXPECT_NE(none.error().detail().find("[::1]:"), std::string::npos) << none.error().detail();
}

TEST_F(BootstrapClientTest, KeyNotMatchingTheIdevidIsRefusedBeforeConnecting) {
  auto id = identity();
  id.key = take(crypto::PrivateKey::generate(crypto::KeyType::EcP256));
  HttpsBootstrapClient client(id, settings());
  auto answer = client.getBootstrappingData(endpoint(), {});
  ASSERT_FALSE(answer.ok());
  EXPECT_EQ(answer.error(), ClientErrc::InvalidRequest) << answer.error().describe();
  EXPECT_TRUE(seen().empty());
}

TEST_F(BootstrapClientTest, SystemResolverFindsLocalhost) {
  // No hook: getaddrinfo. Where "localhost" also gives ::1 (first), that
  // address refuses (the server is on 127.0.0.1 only) and the next answers.
  auto s = settings();
  s.transport.resolve = nullptr;
  HttpsBootstrapClient client(identity(), s);
  auto answer = client.getBootstrappingData(endpoint(), {});
  ASSERT_TRUE(answer.ok()) << answer.error().describe();
  EXPECT_EQ(answer->address, "127.0.0.1:" + std::to_string(port_));
  EXPECT_TRUE(answer->tlsTrusted);
}

TEST_F(BootstrapClientTest, ResolveFailureIsReported) {
  HttpsBootstrapClient client(identity(), settings());
  auto answer = client.getBootstrappingData(endpoint("unknown.example"), {});
  ASSERT_FALSE(answer.ok());
  EXPECT_EQ(answer.error(), ClientErrc::ResolveFailed);
}

TEST_F(BootstrapClientTest, SilentServerTimesOut) {
  testing::SilentListener silent;
  auto s = settings();
  s.transport.connectTimeout = 300ms;
  HttpsBootstrapClient client(identity(), s);
  auto e = endpoint("127.0.0.1", false);
  e.server.port = silent.port();
  const auto start = std::chrono::steady_clock::now();
  auto answer = client.getBootstrappingData(e, {});
  ASSERT_FALSE(answer.ok());
  EXPECT_EQ(answer.error(), ClientErrc::Timeout) << answer.error().describe();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
}

TEST_F(BootstrapClientTest, SlowHandlerTimesOut) {
  handler_ = [](const http::Request& request, const http::Peer& peer) {
    if (request.path() == kGbdPath) {
      std::this_thread::sleep_for(1500ms);
    }
    return standard(request, peer);
  };
  auto s = settings();
  s.transport.requestTimeout = 300ms;
  HttpsBootstrapClient client(identity(), s);
  auto answer = client.getBootstrappingData(endpoint(), {});
  ASSERT_FALSE(answer.ok());
  EXPECT_EQ(answer.error(), ClientErrc::Timeout) << answer.error().describe();
}

TEST_F(BootstrapClientTest, OversizedAnswerIsRefused) {
  handler_ = [](const http::Request& request, const http::Peer& peer) {
    auto response = standard(request, peer);
    if (request.path() == kGbdPath) {
      auto output = sampleOutput();
      output.conveyedInformation = Bytes(8000, 0x42);
      response.body = model::encodeGetBootstrappingDataOutput(output, model::Encoding::Json);
    }
    return response;
  };
  auto s = settings();
  s.maxAnswerBytes = 4096;
  HttpsBootstrapClient client(identity(), s);
  auto answer = client.getBootstrappingData(endpoint(), {});
  ASSERT_FALSE(answer.ok());
  EXPECT_EQ(answer.error(), ClientErrc::AnswerTooLarge) << answer.error().describe();
}

TEST_F(BootstrapClientTest, RestconfErrorIsInTheDetail) {
  handler_ = [](const http::Request& request, const http::Peer& peer) {
    if (request.path() != kGbdPath) {
      return standard(request, peer);
    }
    model::RestconfErrors errors;
    model::RestconfError error;
    error.errorType = "application";
    error.errorTag = "access-denied";
    error.errorAppTag = "device-disabled";
    error.errorMessage = "the device is disabled";
    errors.errors.push_back(error);
    http::Response response;
    response.status = 403;
    response.body = model::encodeRestconfErrors(errors, model::Encoding::Json);
    response.setHeader("Content-Type", "application/yang-data+json");
    return response;
  };
  HttpsBootstrapClient client(identity(), settings());
  auto answer = client.getBootstrappingData(endpoint(), {});
  ASSERT_FALSE(answer.ok());
  EXPECT_EQ(answer.error(), ClientErrc::HttpStatus);
  const auto& detail = answer.error().detail();
  EXPECT_NE(detail.find("HTTP 403"), std::string::npos) << detail;
  EXPECT_NE(detail.find("access-denied"), std::string::npos) << detail;
  EXPECT_NE(detail.find("device-disabled"), std::string::npos) << detail;
  EXPECT_NE(detail.find("the device is disabled"), std::string::npos) << detail;
}

TEST_F(BootstrapClientTest, WrongMediaTypeAndMalformedBody) {
  handler_ = [](const http::Request& request, const http::Peer& peer) {
    auto response = standard(request, peer);
    if (request.path() == kGbdPath) {
      response.headers.clear();
      response.setHeader("Content-Type", "text/html");
    }
    return response;
  };
  HttpsBootstrapClient client(identity(), settings());
  auto answer = client.getBootstrappingData(endpoint(), {});
  ASSERT_FALSE(answer.ok());
  EXPECT_EQ(answer.error(), ClientErrc::MediaType);

  handler_ = [](const http::Request& request, const http::Peer& peer) {
    auto response = standard(request, peer);
    if (request.path() == kGbdPath) {
      response.body = R"({"ietf-sztp-bootstrap-server:output":{"reporting-level":"loud"}})";
    }
    return response;
  };
  answer = client.getBootstrappingData(endpoint(), {});
  ASSERT_FALSE(answer.ok());
  EXPECT_EQ(answer.error(), ClientErrc::AnswerMalformed);
}

TEST_F(BootstrapClientTest, XmlEncoding) {
  auto s = settings();
  s.encoding = model::Encoding::Xml;
  HttpsBootstrapClient client(identity(), s);
  model::GetBootstrappingDataInput input;
  input.signedDataPreferred = true;
  auto answer = client.getBootstrappingData(endpoint(), input);
  ASSERT_TRUE(answer.ok()) << answer.error().describe();
  EXPECT_EQ(answer->output, sampleOutput());
  const auto rpc = seen().back().request;
  EXPECT_EQ(rpc.header("content-type"), "application/yang-data+xml");
  EXPECT_EQ(rpc.header("accept"), "application/yang-data+xml");
  auto parsed = model::parseGetBootstrappingDataInput(rpc.body, model::Encoding::Xml);
  ASSERT_TRUE(parsed.ok());
  EXPECT_TRUE(parsed->signedDataPreferred);
}

TEST_F(BootstrapClientTest, HostMetaRootIsUsedAndCached) {
  handler_ = [](const http::Request& request, const http::Peer& peer) {
    if (request.path() == "/.well-known/host-meta") {
      http::Response response;
      response.body =
          "<XRD xmlns=\"http://docs.oasis-open.org/ns/xri/xrd-1.0\">"
          "<Link rel=\"restconf\" href=\"/top/restconf\"/></XRD>";
      response.setHeader("Content-Type", "application/xrd+xml");
      return response;
    }
    http::Request rewritten = request;
    if (request.target.rfind("/top", 0) == 0) {
      rewritten.target = request.target.substr(4);
    } else {
      return statusOnly(404);
    }
    return standard(rewritten, peer);
  };
  HttpsBootstrapClient client(identity(), settings());
  ASSERT_TRUE(client.getBootstrappingData(endpoint(), {}).ok());
  model::ReportProgressInput progress;
  progress.progressType = model::ProgressType::BootstrapInitiated;
  auto reported = client.reportProgress(endpoint(), progress);
  ASSERT_TRUE(reported.ok()) << reported.error().describe();
  EXPECT_EQ(client.restconfRootFor(endpoint().server), "/top/restconf");
  const auto requests = seen();
  ASSERT_EQ(requests.size(), 3u);  // host-meta once, then the two RPCs
  EXPECT_EQ(requests[2].request.target,
            "/top/restconf/operations/ietf-sztp-bootstrap-server:report-progress");
}

TEST_F(BootstrapClientTest, ProgressNeeds204) {
  HttpsBootstrapClient client(identity(), settings());
  model::ReportProgressInput progress;
  progress.progressType = model::ProgressType::BootstrapComplete;
  progress.message = "done";
  auto ok = client.reportProgress(endpoint(), progress);
  ASSERT_TRUE(ok.ok()) << ok.error().describe();
  auto body = model::parseReportProgressInput(seen().back().request.body, model::Encoding::Json);
  ASSERT_TRUE(body.ok());
  EXPECT_EQ(*body, progress);

  handler_ = [](const http::Request& request, const http::Peer& peer) {
    auto response = standard(request, peer);
    if (request.path() == kProgressPath) {
      response.status = 200;
    }
    return response;
  };
  auto wrong = client.reportProgress(endpoint(), progress);
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error(), ClientErrc::HttpStatus);
  EXPECT_NE(wrong.error().detail().find("HTTP 200"), std::string::npos);
}

TEST_F(BootstrapClientTest, BasicOnlyToTrustedServers) {
  handler_ = [](const http::Request& request, const http::Peer& peer) {
    if (request.path() == kGbdPath && !request.header("authorization")) {
      return statusOnly(401);
    }
    return standard(request, peer);
  };
  auto id = identity();
  id.basicPassword = "s3cret";
  HttpsBootstrapClient client(id, settings());
  auto e = endpoint();
  e.sendBasicAuth = true;
  auto answer = client.getBootstrappingData(e, {});
  ASSERT_TRUE(answer.ok()) << answer.error().describe();
  const std::string credentials = "SN-TEST-1:s3cret";
  EXPECT_EQ(
      seen().back().request.header("authorization"),
      "Basic " + base64Encode(ByteView(reinterpret_cast<const std::uint8_t*>(credentials.data()),
                                       credentials.size())));

  auto provisional = endpoint("localhost", false);
  provisional.sendBasicAuth = true;
  auto refused = client.getBootstrappingData(provisional, {});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error(), ClientErrc::BasicAuthRefusedUntrusted);  // D58
  EXPECT_FALSE(seen().back().request.header("authorization"));
}

}  // namespace
}  // namespace sztp::client
