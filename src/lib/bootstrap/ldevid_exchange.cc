// The RFC 9646 part of get-bootstrapping-data (checklist S19–S22):
// csr-support answered with a csr-request, a CSR answered with the LDevID.
// The checks and the issuing are in ldevid.cc; this file decides and logs.
#include <nlohmann/json.hpp>

#include "bootstrap/bootstrap_error.h"
#include "bootstrap/bootstrap_service.h"
#include "bootstrap/error_reply.h"
#include "common/base64.h"
#include "common/date_time.h"
#include "common/hex.h"
#include "model/restconf_error.h"

namespace sztp::bootstrap {
namespace {

/// S19: 400 with an ietf-restconf:errors body, error-tag missing-attribute
/// and the csr-request as error-info (ietf-sztp-csr, csr-support case). The
/// reply cannot be signed, which is why devices send csr-support only to a
/// server they trust (D59).
http::Response csrRequestReply(const model::CsrRequest& request, model::Encoding encoding,
                               const std::string& summary) {
  const Error reason(BootstrapErrc::CsrRequired);
  model::RestconfError body;
  body.errorType = "application";  // as in the RFC 9646 §3.2 example
  body.errorTag = std::string(errorTag(BootstrapErrc::CsrRequired));
  body.errorAppTag = std::string(reason.reason());
  body.errorMessage = std::string(reason.code().message());
  body.errorInfo = model::encodeCsrRequest(request, encoding);
  http::Response response;
  response.status = httpStatus(BootstrapErrc::CsrRequired);
  response.body = model::encodeRestconfErrors({{body}}, encoding);
  response.setHeader("Content-Type", std::string(model::yangDataMediaType(encoding)));
  response.reason = std::string(reason.reason());
  response.logDetail = summary;
  return response;
}

nlohmann::json csrRequestJson(const CsrRequestPlan& plan) {
  return {{"key", plan.keyAlgorithm.empty() ? "idevid" : plan.keyAlgorithm},
          {"format", plan.request.format},
          {"cert-req-info", plan.request.certReqInfo.has_value()}};
}

/// What the device's log keeps about an issued LDevID: enough to identify
/// it, and the certificate itself so the operator can retrieve it with
/// `sztp admin device show SERIAL --json`.
nlohmann::json ldevidJson(const crypto::Certificate& certificate) {
  return {{"serial", certificate.serialNumberHex()},
          {"sha256", hexStringEncode(certificate.sha256Fingerprint())},
          {"subject", certificate.subject()},
          {"issuer", certificate.issuer()},
          {"not-before", formatDateTime(certificate.notBefore())},
          {"not-after", formatDateTime(certificate.notAfter())},
          {"key", certificate.publicKeyDescription()},
          {"certificate", base64Encode(certificate.toDer())}};
}

void addNote(nlohmann::json& detail, std::string note) {
  detail["notes"].push_back(std::move(note));
}

}  // namespace

BootstrapService::LdevidStep BootstrapService::answerCsrSupport(const AuthenticatedDevice& device,
                                                                const registry::Response& response,
                                                                const model::CsrSupport& support,
                                                                model::Encoding encoding,
                                                                registry::DeviceEvent event,
                                                                nlohmann::json& detail) {
  LdevidStep step;
  const std::string ignored = "csr-support ignored: ";
  if (!device.type.ldevid) {
    addNote(detail, ignored + "device type \"" + device.type.name +
                        "\" has no ldevid policy, so this server issues no LDevID to it");
    return step;
  }
  if (!device.idevid) {
    // S22: without the IDevID on the TLS connection nothing ties a CSR to
    // the device.
    addNote(detail, ignored + "the device authenticated by " + device.method +
                        " without an IDevID certificate, so the origin of a CSR could not be "
                        "verified (S22)");
    return step;
  }
  auto state = registry_.getLdevidState(device.device.serialNumber);
  if (!state) {
    step.reply = refuse(event, Error(BootstrapErrc::StorageFailure, state.error().describe()),
                        encoding, detail);
    return step;
  }
  if (*state && !(*state)->certificate.empty()) {
    auto issued = crypto::Certificate::fromDer((*state)->certificate);
    addNote(detail, ignored + "an LDevID was already issued to this device" +
                        (issued ? " (serial " + issued->serialNumberHex() + ", valid until " +
                                      formatDateTime(issued->notAfter()) + ")"
                                : std::string()) +
                        "; this server does not renew LDevIDs");
    return step;
  }
  auto undeliverable = answers_.ldevidUndeliverable(response);
  if (!undeliverable) {
    step.reply = refuse(event, undeliverable.error(), encoding, detail);
    return step;
  }
  if (*undeliverable) {
    addNote(detail, ignored + "the LDevID could not be delivered: " + **undeliverable);
    return step;
  }
  const CsrDecision decision =
      planCsrRequest(*device.type.ldevid, *device.idevid, device.device.serialNumber, support);
  if (!decision.plan) {
    addNote(detail, ignored + decision.whyNot);
    return step;
  }
  // Fail now, not after the device made a key, when the CA cannot issue.
  if (auto usable = issuer_.checkIssuer(*device.type.ldevid); !usable) {
    step.reply = refuse(event, usable.error(), encoding, detail);
    return step;
  }
  const CsrRequestPlan& plan = *decision.plan;
  registry::LdevidState pending;
  if (*state) {
    pending = **state;
  }
  pending.serialNumber = device.device.serialNumber;
  pending.requestPending = true;
  pending.requestedKeyAlgorithm = plan.keyAlgorithm;
  pending.requestedMs = nowMs();
  detail["csr-request"] = csrRequestJson(plan);
  event.kind = registry::DeviceEvent::Kind::Response;
  event.reason = std::string(Error(BootstrapErrc::CsrRequired).reason());
  event.message = plan.summary;
  event.detailJson = detail.dump();
  // The request and what it asked for are stored together: the CSR that
  // follows is checked against it (S22).
  if (!record(event, &pending)) {
    step.reply = errorReply(Error(BootstrapErrc::StorageFailure), encoding, true);
    return step;
  }
  step.reply = csrRequestReply(plan.request, encoding, plan.summary);
  return step;
}

BootstrapService::LdevidStep BootstrapService::answerCsr(const AuthenticatedDevice& device,
                                                         const registry::Response& response,
                                                         const model::CsrMessage& csr,
                                                         model::Encoding encoding,
                                                         const registry::DeviceEvent& event,
                                                         nlohmann::json& detail) {
  LdevidStep step;
  if (!device.type.ldevid) {
    step.reply = refuse(event,
                        Error(BootstrapErrc::LdevidNotConfigured,
                              "device type \"" + device.type.name + "\" has no ldevid policy"),
                        encoding, detail);
    return step;
  }
  auto undeliverable = answers_.ldevidUndeliverable(response);
  if (!undeliverable) {
    step.reply = refuse(event, undeliverable.error(), encoding, detail);
    return step;
  }
  if (*undeliverable) {
    step.reply = refuse(event, Error(BootstrapErrc::LdevidNotDeliverable, **undeliverable),
                        encoding, detail);
    return step;
  }
  auto state = registry_.getLdevidState(device.device.serialNumber);
  if (!state) {
    step.reply = refuse(event, Error(BootstrapErrc::StorageFailure, state.error().describe()),
                        encoding, detail);
    return step;
  }
  auto issued = issuer_.issue(device, *device.type.ldevid, csr, *state);
  if (!issued) {
    step.reply = refuse(event, issued.error(), encoding, detail);
    return step;
  }
  registry::LdevidState after;
  if (*state) {
    after = **state;
  }
  after.serialNumber = device.device.serialNumber;
  after.requestPending = false;
  after.certificate = issued->certificate.toDer();
  after.issuedMs = nowMs();
  detail["ldevid"] = ldevidJson(issued->certificate);
  step.stateAfter = std::move(after);
  step.issued = std::move(*issued);
  return step;
}

}  // namespace sztp::bootstrap
