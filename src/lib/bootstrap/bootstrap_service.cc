#include "bootstrap/bootstrap_service.h"

#include <nlohmann/json.hpp>

#include "bootstrap/bootstrap_error.h"
#include "bootstrap/error_reply.h"
#include "bootstrap/media_types.h"
#include "bootstrap/response_selection.h"
#include "common/base64.h"
#include "common/hex.h"
#include "http/http_error.h"
#include "model/bootstrap_rpc.h"
#include "model/restconf_error.h"

namespace sztp::bootstrap {
namespace {

constexpr std::string_view kModulePrefix = "ietf-sztp-bootstrap-server:";
constexpr std::string_view kGetBootstrappingData = "get-bootstrapping-data";
constexpr std::string_view kReportProgress = "report-progress";
constexpr std::string_view kBootstrapNamespace =
    "urn:ietf:params:xml:ns:yang:ietf-sztp-bootstrap-server";

bool isGet(const http::Request& request) {
  return request.method == "GET" || request.method == "HEAD";
}

}  // namespace

/// A RESTCONF error reply (S10). Unauthenticated clients learn nothing but
/// "access-denied"; authenticated devices get the reason code as
/// error-app-tag, so that it reaches `ztp status`, and the operator sentence.
http::Response errorReply(const Error& error, model::Encoding encoding, bool authenticated) {
  const auto code = static_cast<BootstrapErrc>(error.code().value());
  const bool ours = error.code().category() == bootstrapCategory();
  const bool transport = error.code().category() == http::httpCategory();
  const int status = ours ? httpStatus(code)
                     : transport
                         ? http::statusFor(static_cast<http::HttpErrc>(error.code().value()))
                         : 500;
  model::RestconfError body;
  body.errorType = status >= 500 ? "application" : "protocol";
  body.errorTag = ours            ? std::string(errorTag(code))
                  : status == 405 ? "operation-not-supported"
                  : status == 400 ? "malformed-message"
                                  : "operation-failed";
  if (status == 401) {
    body.errorMessage = "authentication failed";
  } else if (authenticated) {
    body.errorAppTag = std::string(error.reason());
    // Server-side failures keep their detail (paths, key references) in the
    // operator's log only.
    body.errorMessage = status >= 500 ? std::string(error.code().message()) : error.message();
  }
  http::Response response;
  response.status = status;
  response.body = model::encodeRestconfErrors({{body}}, encoding);
  response.setHeader("Content-Type", std::string(model::yangDataMediaType(encoding)));
  if (status == 401) {
    response.setHeader("WWW-Authenticate", "Basic realm=\"sztp\"");
  }
  if (status == 405) {
    response.setHeader("Allow", std::string(error.detail()));
  }
  response.reason = std::string(error.reason());
  response.logDetail = error.detail();
  return response;
}

namespace {

/// The encoding the client accepts, or `preferred` when it accepts neither
/// (the 406 itself has to be written in something).
model::Encoding acceptedOr(const http::Request& request, model::Encoding preferred) {
  auto accepted = responseEncoding(request.header("accept"), preferred);
  return accepted ? *accepted : preferred;
}

std::string toBase64(const Bytes& bytes) {
  return base64Encode(bytes);
}

nlohmann::json inputJson(const model::GetBootstrappingDataInput& input) {
  nlohmann::json json = nlohmann::json::object();
  if (input.signedDataPreferred) {
    json["signed-data-preferred"] = true;
  }
  if (input.hwModel) {
    json["hw-model"] = *input.hwModel;
  }
  if (input.osName) {
    json["os-name"] = *input.osName;
  }
  if (input.osVersion) {
    json["os-version"] = *input.osVersion;
  }
  if (input.nonce) {
    json["nonce"] = toBase64(*input.nonce);
  }
  if (input.csrSupport) {
    json["csr-support"] = true;
  }
  if (input.csr) {
    json["csr"] = true;
  }
  return json;
}

}  // namespace

BootstrapService::BootstrapService(registry::Registry& registry, const Clock& clock,
                                   SigningKeyLoader loadKey, ServiceSettings settings,
                                   ServiceObserver* observer)
    : registry_(registry),
      clock_(clock),
      settings_(std::move(settings)),
      observer_(observer),
      authenticator_(registry, clock),
      answers_(registry, clock, loadKey, settings_.answers),
      issuer_(clock, std::move(loadKey), settings_.maxCsrBytes) {}

std::int64_t BootstrapService::nowMs() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(clock_.now().time_since_epoch())
      .count();
}

bool BootstrapService::record(registry::DeviceEvent event, const registry::LdevidState* ldevid) {
  event.timeMs = nowMs();
  if (event.detailJson.empty()) {
    event.detailJson = "{}";
  }
  auto id = ldevid != nullptr ? registry_.appendEventWithLdevid(event, *ldevid)
                              : registry_.appendEvent(event);
  if (!id) {
    return false;
  }
  event.id = *id;
  if (observer_ != nullptr) {
    observer_->onDeviceEvent(event);
  }
  return true;
}

http::Response BootstrapService::hostMeta(const http::Request& request) const {
  http::Response response;
  if (!isGet(request)) {
    response.status = 405;
    response.setHeader("Allow", "GET, HEAD");
    response.reason = "method-not-allowed";
    return response;
  }
  // RFC 6415: XRD by default, JRD when the client asks for JSON (S12).
  const auto accept = request.header("accept");
  if (accept && accept->find("json") != std::string_view::npos &&
      accept->find("xrd+xml") == std::string_view::npos) {
    nlohmann::json jrd = {{"links", {{{"rel", "restconf"}, {"href", settings_.restconfRoot}}}}};
    response.body = jrd.dump();
    response.setHeader("Content-Type", "application/json");
    return response;
  }
  response.body =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<XRD xmlns=\"http://docs.oasis-open.org/ns/xri/xrd-1.0\">\n"
      "  <Link rel=\"restconf\" href=\"" +
      settings_.restconfRoot + "\"/>\n</XRD>\n";
  response.setHeader("Content-Type", "application/xrd+xml");
  return response;
}

http::Response BootstrapService::operations(const http::Request& request,
                                            const AuthenticatedDevice& device) {
  auto encoding = responseEncoding(request.header("accept"), model::Encoding::Json);
  if (!encoding) {
    return errorReply(encoding.error(), model::Encoding::Json, true);
  }
  http::Response response;
  response.identity = device.device.serialNumber;
  if (*encoding == model::Encoding::Json) {
    nlohmann::json listing;
    auto& operations = listing["ietf-restconf:operations"];
    operations[std::string(kModulePrefix) + std::string(kGetBootstrappingData)] = {nullptr};
    operations[std::string(kModulePrefix) + std::string(kReportProgress)] = {nullptr};
    response.body = listing.dump();
  } else {
    response.body =
        "<operations xmlns=\"urn:ietf:params:xml:ns:yang:ietf-restconf\">"
        "<get-bootstrapping-data xmlns=\"" +
        std::string(kBootstrapNamespace) +
        "\"/>"
        "<report-progress xmlns=\"" +
        std::string(kBootstrapNamespace) + "\"/></operations>";
  }
  response.setHeader("Content-Type", std::string(model::yangDataMediaType(*encoding)));
  return response;
}

http::Response BootstrapService::handle(const http::Request& request, const http::Peer& peer) {
  const std::string_view path = request.path();
  if (path == "/.well-known/host-meta") {
    return hostMeta(request);
  }
  // Authentication comes before routing: an unauthenticated client learns
  // nothing about which paths exist (S3).
  auto outcome = authenticator_.authenticate(peer, request.header("authorization"));
  if (!outcome.result) {
    const Error& error = outcome.result.error();
    auto reply = errorReply(error, model::Encoding::Json, false);
    if (auto accepted = responseEncoding(request.header("accept"), model::Encoding::Json)) {
      reply = errorReply(error, *accepted, false);
    }
    reply.logDetail = "claimed serial \"" + outcome.claimedSerial + "\": " + error.detail();
    // A registered device's refusals belong in its log; an unknown one has
    // only the audit record.
    if (!outcome.claimedSerial.empty() && error != BootstrapErrc::UnknownDevice &&
        error != BootstrapErrc::StorageFailure) {
      registry::DeviceEvent event;
      event.serialNumber = outcome.claimedSerial;
      event.kind = registry::DeviceEvent::Kind::Rejected;
      event.sourceAddress = peer.address;
      event.reason = std::string(error.reason());
      event.message = error.message();
      (void)record(std::move(event));  // not-found for an unregistered claim is expected
    }
    return reply;
  }
  const AuthenticatedDevice& device = *outcome.result;

  // Errors found before the RPC reads its body are still answered in the
  // encoding the client accepts (S10, S11).
  const auto bodyEncoding = encodingOfMediaType(request.header("content-type").value_or(""));
  const model::Encoding errorEncoding =
      acceptedOr(request, bodyEncoding.value_or(model::Encoding::Json));
  const std::string operationsPath = settings_.restconfRoot + "/operations";
  http::Response response;
  if (path == operationsPath || path == operationsPath + "/") {
    response = isGet(request) ? operations(request, device)
                              : errorReply(Error(http::HttpErrc::MethodNotAllowed, "GET, HEAD"),
                                           errorEncoding, true);
  } else if (path == operationsPath + "/" + std::string(kModulePrefix) +
                         std::string(kGetBootstrappingData) ||
             path ==
                 operationsPath + "/" + std::string(kModulePrefix) + std::string(kReportProgress)) {
    if (request.method != "POST") {
      response = errorReply(Error(http::HttpErrc::MethodNotAllowed, "POST"), errorEncoding, true);
    } else if (path.ends_with(kGetBootstrappingData)) {
      response = getBootstrappingData(request, peer, device);
    } else {
      response = reportProgress(request, peer, device);
    }
  } else {
    response =
        errorReply(Error(BootstrapErrc::UnknownResource, std::string(path)), errorEncoding, true);
  }
  response.identity = device.device.serialNumber;
  return response;
}

http::Response BootstrapService::refuse(registry::DeviceEvent event, const Error& error,
                                        model::Encoding encoding, const nlohmann::json& detail) {
  event.kind = registry::DeviceEvent::Kind::Rejected;
  event.reason = std::string(error.reason());
  event.message = error.message();
  event.detailJson = detail.dump();
  auto reply = errorReply(error, encoding, true);
  if (!record(std::move(event))) {
    return errorReply(Error(BootstrapErrc::StorageFailure), encoding, true);
  }
  return reply;
}

http::Response BootstrapService::getBootstrappingData(const http::Request& request,
                                                      const http::Peer& peer,
                                                      const AuthenticatedDevice& device) {
  registry::DeviceEvent event;
  event.serialNumber = device.device.serialNumber;
  event.sourceAddress = peer.address;

  auto inEncoding = requestEncoding(request.header("content-type"), request.body);
  if (!inEncoding) {
    return refuse(event, inEncoding.error(), acceptedOr(request, model::Encoding::Json),
                  nlohmann::json::object());
  }
  auto outEncoding = responseEncoding(request.header("accept"), *inEncoding);
  if (!outEncoding) {
    return refuse(event, outEncoding.error(), *inEncoding, nlohmann::json::object());
  }
  auto input =
      model::parseGetBootstrappingDataInput(request.body, *inEncoding, settings_.inputLimits);
  if (!input) {
    return refuse(event, Error(BootstrapErrc::MalformedInput, input.error().describe()),
                  *outEncoding, nlohmann::json::object());
  }
  nlohmann::json detail = {
      {"input", inputJson(*input)}, {"authenticated-by", device.method}, {"tls", peer.tlsVersion}};

  RequestFacts facts;
  facts.hwModel = input->hwModel;
  facts.osName = input->osName;
  facts.osVersion = input->osVersion;
  facts.sourceAddress = peer.address;
  if (device.idevid) {
    facts.idevidIssuer = device.idevid->issuer();
  }
  std::string why;
  const auto choice = selectResponse(device.device.responses, facts, &why);
  if (!choice) {
    detail["why"] = why;
    return refuse(event, Error(BootstrapErrc::NoMatchingResponse, why), *outEncoding, detail);
  }
  detail["response"] = choice->response->name;
  detail["why"] = choice->explanation;

  // RFC 9646 (S19–S22): csr-support may be answered with a csr-request, a
  // CSR with the LDevID it asks for.
  LdevidStep ldevid;
  if (input->csrSupport) {
    ldevid = answerCsrSupport(device, *choice->response, *input->csrSupport, *outEncoding, event,
                              detail);
  } else if (input->csr) {
    ldevid = answerCsr(device, *choice->response, *input->csr, *outEncoding, event, detail);
  }
  if (ldevid.reply) {
    return std::move(*ldevid.reply);
  }

  auto answer = answers_.build(device, *choice->response, *input, *outEncoding,
                               ldevid.issued ? &ldevid.issued->delivery : nullptr);
  if (!answer) {
    return refuse(event, answer.error(), *outEncoding, detail);
  }
  detail["kind"] = choice->response->kind == registry::Response::Kind::Onboarding
                       ? "onboarding-information"
                       : "redirect-information";
  detail["profile"] = choice->response->profile;
  detail["signed"] = answer->isSigned;
  detail["encrypted"] = answer->isEncrypted;
  detail["cache-hit"] = answer->cacheHit;
  detail["content-sha256"] = answer->contentDigest;
  if (!answer->notes.empty()) {
    auto& notes = detail["notes"];
    for (const auto& note : answer->notes) {
      notes.push_back(note);
    }
  }
  event.kind = registry::DeviceEvent::Kind::Response;
  event.message = "answered with response '" + choice->response->name + "' (" +
                  std::string(detail["kind"].get<std::string>()) +
                  (answer->isSigned ? ", signed" : ", unsigned") +
                  (answer->isEncrypted ? ", encrypted" : "") + ")";
  if (ldevid.issued) {
    const auto& certificate = ldevid.issued->certificate;
    event.message += " carrying a new LDevID, serial " + certificate.serialNumberHex() +
                     ", sha256 " + hexStringEncode(certificate.sha256Fingerprint());
  }
  event.detailJson = detail.dump();
  // With an LDevID, the log entry and the stored certificate are written
  // together: the log never names a certificate the registry does not hold.
  if (!record(event, ldevid.stateAfter ? &*ldevid.stateAfter : nullptr)) {
    return errorReply(Error(BootstrapErrc::StorageFailure), *outEncoding, true);
  }
  if (observer_ != nullptr) {
    observer_->onAnswer(device.device.serialNumber, *answer);
  }
  http::Response response;
  response.body = model::encodeGetBootstrappingDataOutput(answer->output, *outEncoding);
  response.setHeader("Content-Type", std::string(model::yangDataMediaType(*outEncoding)));
  return response;
}

http::Response BootstrapService::reportProgress(const http::Request& request,
                                                const http::Peer& peer,
                                                const AuthenticatedDevice& device) {
  auto inEncoding = requestEncoding(request.header("content-type"), request.body);
  if (!inEncoding) {
    return errorReply(inEncoding.error(), acceptedOr(request, model::Encoding::Json), true);
  }
  auto outEncoding = responseEncoding(request.header("accept"), *inEncoding);
  if (!outEncoding) {
    return errorReply(outEncoding.error(), *inEncoding, true);
  }
  auto input = model::parseReportProgressInput(request.body, *inEncoding, settings_.inputLimits);
  if (!input) {
    auto reply = errorReply(Error(BootstrapErrc::MalformedInput, input.error().describe()),
                            *outEncoding, true);
    registry::DeviceEvent event;
    event.serialNumber = device.device.serialNumber;
    event.kind = registry::DeviceEvent::Kind::Rejected;
    event.sourceAddress = peer.address;
    event.reason = reply.reason;
    event.message = "report-progress refused: " + input.error().describe();
    (void)record(std::move(event));
    return reply;
  }
  registry::DeviceEvent event;
  event.serialNumber = device.device.serialNumber;
  event.kind = registry::DeviceEvent::Kind::Progress;
  event.sourceAddress = peer.address;
  event.progressType = input->progressType;
  event.message = input->message.value_or("");
  nlohmann::json detail = nlohmann::json::object();
  if (!input->sshHostKeys.empty()) {
    auto& keys = detail["ssh-host-keys"];
    for (const auto& key : input->sshHostKeys) {
      keys.push_back({{"algorithm", key.algorithm}, {"key-data", toBase64(key.keyData)}});
    }
  }
  if (!input->trustAnchorCerts.empty()) {
    auto& anchors = detail["trust-anchor-certs"];
    for (const auto& anchor : input->trustAnchorCerts) {
      anchors.push_back(toBase64(anchor));
    }
  }
  event.detailJson = detail.dump();
  // 204 only once the report is durable: a device that saw 204 never sends
  // it again (issue 3, "Bad input").
  if (!record(std::move(event))) {
    return errorReply(Error(BootstrapErrc::StorageFailure), *outEncoding, true);
  }
  http::Response response;
  response.status = 204;
  return response;
}

}  // namespace sztp::bootstrap
