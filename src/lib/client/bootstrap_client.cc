#include "client/bootstrap_client.h"

#include "client/client_error.h"
#include "client/connection.h"
#include "client/wire.h"
#include "common/base64.h"
#include "model/bootstrap_rpc.h"
#include "model/restconf_error.h"

namespace sztp::client {
namespace {

namespace bhttp = detail::bhttp;
using detail::Connection;
using detail::StringAnswer;

constexpr std::string_view kOperations = "/operations/ietf-sztp-bootstrap-server:";
constexpr std::size_t kMaxHostMetaBytes = 64 * 1024;

std::optional<model::Encoding> encodingOf(std::string_view mediaType) {
  if (mediaType == "application/yang-data+json") {
    return model::Encoding::Json;
  }
  if (mediaType == "application/yang-data+xml") {
    return model::Encoding::Xml;
  }
  return std::nullopt;
}

std::string serverKey(const agent::ServerRef& server) {
  return formatHostPort(server.host, server.port);
}

bhttp::request<bhttp::string_body> makeRequest(bhttp::verb verb, const std::string& target,
                                               const agent::ServerRef& server,
                                               const std::string& userAgent) {
  bhttp::request<bhttp::string_body> request{verb, target, 11};
  HttpUri uri;
  uri.host = server.host;
  uri.port = server.port;
  request.set(bhttp::field::host, hostHeader(uri));
  request.set(bhttp::field::user_agent, userAgent);
  return request;
}

/// "HTTP 401; error-tag access-denied, error-app-tag x: message" from an
/// error answer, reading the RESTCONF errors document when there is one.
std::string describeHttpError(const StringAnswer& answer) {
  std::string detail = "HTTP " + std::to_string(answer.status);
  auto encoding = encodingOf(answer.contentType);
  if (!encoding) {
    encoding = model::sniffEncoding(answer.body);
  }
  if (!encoding || answer.body.empty()) {
    return detail;
  }
  model::ParseLimits limits;
  limits.maxBytes = 64 * 1024;
  auto errors = model::parseRestconfErrors(answer.body, *encoding, limits);
  if (!errors || errors->errors.empty()) {
    return detail;
  }
  const auto& first = errors->errors.front();
  detail += "; error-tag " + first.errorTag;
  if (first.errorAppTag) {
    detail += ", error-app-tag " + *first.errorAppTag;
  }
  if (first.errorMessage) {
    detail += ": " + *first.errorMessage;
  }
  if (errors->errors.size() > 1) {
    detail += " (and " + std::to_string(errors->errors.size() - 1) + " more errors)";
  }
  return detail;
}

}  // namespace

struct HttpsBootstrapClient::Posted {
  StringAnswer answer;
  bool trusted = false;
  std::string address;
  bool basicWithheld = false;
};

HttpsBootstrapClient::HttpsBootstrapClient(agent::DeviceIdentity identity,
                                           BootstrapClientSettings settings)
    : identity_(std::move(identity)), settings_(std::move(settings)) {}

std::optional<std::string> HttpsBootstrapClient::restconfRootFor(
    const agent::ServerRef& server) const {
  if (auto it = roots_.find(serverKey(server)); it != roots_.end()) {
    return it->second;
  }
  return std::nullopt;
}

Result<HttpsBootstrapClient::Posted> HttpsBootstrapClient::post(
    const agent::ServerEndpoint& endpoint, std::string_view operation, std::string body) {
  const auto& server = endpoint.server;
  detail::TlsSetup setup;
  setup.tls = true;
  setup.anchors = endpoint.trustAnchors;
  setup.identity = &identity_;
  auto connection = Connection::open(server.host, server.port, setup, settings_.transport);
  if (!connection) {
    return std::move(connection).error();
  }
  const auto timeout = settings_.transport.requestTimeout;

  // {+restconf} (RFC 8040 §3.1), learned once per server.
  const std::string key = serverKey(server);
  auto root = roots_.find(key);
  if (root == roots_.end()) {
    std::string learned = settings_.fallbackRestconfRoot;
    if (settings_.discoverRestconfRoot) {
      auto request = makeRequest(bhttp::verb::get, "/.well-known/host-meta", server,
                                 settings_.transport.userAgent);
      request.set(bhttp::field::accept, "application/xrd+xml");
      request.prepare_payload();
      const auto deadline = std::chrono::steady_clock::now() + timeout;
      if (auto sent = (*connection)->write(request, deadline); !sent) {
        return std::move(sent).error().addContext("host-meta");
      }
      auto answer = (*connection)->readString(kMaxHostMetaBytes, deadline);
      bool reconnect = true;
      if (!answer) {
        // A server that cannot answer host-meta in time will not answer the
        // RPC either; an oversized, cut or garbled answer only costs the
        // discovery (the fallback root is used).
        if (answer.error() == ClientErrc::Timeout) {
          return std::move(answer).error().addContext("host-meta");
        }
      } else {
        if (answer->status == 200) {
          if (auto parsed = parseHostMetaRestconfRoot(answer->body)) {
            learned = std::move(*parsed);
          }
        }
        reconnect = !answer->keepAlive;
      }
      if (reconnect) {
        connection = Connection::open(server.host, server.port, setup, settings_.transport);
        if (!connection) {
          return std::move(connection).error();
        }
      }
    }
    root = roots_.emplace(key, std::move(learned)).first;
  }

  const std::string mediaType(model::yangDataMediaType(settings_.encoding));
  auto request = makeRequest(bhttp::verb::post,
                             root->second + std::string(kOperations) + std::string(operation),
                             server, settings_.transport.userAgent);
  request.set(bhttp::field::content_type, mediaType);
  request.set(bhttp::field::accept, mediaType);
  Posted posted;
  posted.trusted = (*connection)->trusted();
  posted.address = (*connection)->address();
  if (endpoint.sendBasicAuth) {
    const auto& identity = identity_;
    if (!identity.basicPassword) {
      return Error(ClientErrc::InvalidRequest, "HTTP Basic asked for but no password configured");
    }
    if (posted.trusted) {
      const std::string credentials = identity.serialNumber + ":" + *identity.basicPassword;
      request.set(bhttp::field::authorization,
                  "Basic " + base64Encode(
                                 ByteView(reinterpret_cast<const std::uint8_t*>(credentials.data()),
                                          credentials.size())));
    } else {
      // D58: Basic reveals the secret to whoever answers; an unauthenticated
      // server gets only the client certificate.
      posted.basicWithheld = true;
    }
  }
  request.body() = std::move(body);
  request.prepare_payload();
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  if (auto sent = (*connection)->write(request, deadline); !sent) {
    return std::move(sent).error();
  }
  auto answer = (*connection)->readString(settings_.maxAnswerBytes, deadline);
  if (!answer) {
    return std::move(answer).error();
  }
  posted.answer = std::move(*answer);
  return posted;
}

namespace {

Error httpError(const StringAnswer& answer, bool basicWithheld, std::string_view operation) {
  std::string detail = std::string(operation) + ": " + describeHttpError(answer);
  if (answer.status == 401 && basicWithheld) {
    return Error(ClientErrc::BasicAuthRefusedUntrusted,
                 detail + " (HTTP Basic withheld: the server is not authenticated)");
  }
  return Error(ClientErrc::HttpStatus, detail);
}

}  // namespace

Result<agent::ServerAnswer> HttpsBootstrapClient::getBootstrappingData(
    const agent::ServerEndpoint& endpoint, const model::GetBootstrappingDataInput& input) {
  constexpr std::string_view kOperation = "get-bootstrapping-data";
  auto posted =
      post(endpoint, kOperation, model::encodeGetBootstrappingDataInput(input, settings_.encoding));
  if (!posted) {
    return std::move(posted).error();
  }
  const auto& answer = posted->answer;
  if (answer.status != 200) {
    return httpError(answer, posted->basicWithheld, kOperation);
  }
  const auto encoding = encodingOf(answer.contentType);
  if (!encoding) {
    return Error(ClientErrc::MediaType,
                 std::string(kOperation) + ": Content-Type \"" + answer.contentType + "\"");
  }
  model::ParseLimits limits;
  limits.maxBytes = settings_.maxAnswerBytes;
  auto output = model::parseGetBootstrappingDataOutput(answer.body, *encoding, limits);
  if (!output) {
    return Error(ClientErrc::AnswerMalformed,
                 std::string(kOperation) + ": " + output.error().describe());
  }
  agent::ServerAnswer result;
  result.tlsTrusted = posted->trusted;
  result.address = posted->address;
  result.output = std::move(*output);
  return result;
}

Status HttpsBootstrapClient::reportProgress(const agent::ServerEndpoint& endpoint,
                                            const model::ReportProgressInput& input) {
  constexpr std::string_view kOperation = "report-progress";
  auto posted =
      post(endpoint, kOperation, model::encodeReportProgressInput(input, settings_.encoding));
  if (!posted) {
    return std::move(posted).error();
  }
  if (posted->answer.status != 204) {
    return httpError(posted->answer, posted->basicWithheld, kOperation);
  }
  return {};
}

}  // namespace sztp::client
