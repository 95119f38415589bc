#pragma once

#include <functional>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>

#include "bootstrap/answer_builder.h"
#include "bootstrap/device_auth.h"
#include "bootstrap/ldevid.h"
#include "common/clock.h"
#include "http/message.h"
#include "model/encoding.h"
#include "registry/registry.h"

namespace sztp::bootstrap {

struct ServiceSettings {
  /// The RESTCONF API root ({+restconf}) advertised by host-meta (S12).
  std::string restconfRoot = "/restconf";
  /// Limits on RPC input bodies; report-progress may carry trust-anchor
  /// certificates and host keys, get-bootstrapping-data a CSR.
  model::ParseLimits inputLimits{std::size_t{1} << 20, 32};
  /// The largest RFC 9646 CSR read (S21): checked before the CSR is parsed.
  /// A device's PKCS#10 request is well under 4 KiB even with an RSA-4096 key.
  std::size_t maxCsrBytes = std::size_t{16} * 1024;
  AnswerSettings answers;
};

/// Told about what happened, for logs and metrics; every method is called on
/// the request's thread after the registry write.
class ServiceObserver {
 public:
  virtual ~ServiceObserver() = default;
  /// Every event appended to a device's bootstrapping log.
  virtual void onDeviceEvent(const registry::DeviceEvent& event) { (void)event; }
  /// A get-bootstrapping-data answered with 200.
  virtual void onAnswer(const std::string& serial, const Answer& answer) {
    (void)serial;
    (void)answer;
  }
};

/// The southbound RESTCONF API of RFC 8572 §7 as an http::Handler, with no
/// sockets: host-meta, the operations listing and the two RPCs, with device
/// authentication, media-type negotiation and RESTCONF error bodies.
///
///   GET  /.well-known/host-meta                              (no authentication)
///   GET  {+restconf}/operations                              (S12)
///   POST {+restconf}/operations/ietf-sztp-bootstrap-server:get-bootstrapping-data  → 200
///   POST {+restconf}/operations/ietf-sztp-bootstrap-server:report-progress         → 204
///
/// With RFC 9646 (S19–S22): a device whose type has an LDevID policy and
/// that offers csr-support is answered 400 with a csr-request; the CSR it
/// then sends is verified and answered with onboarding information carrying
/// its LDevID (docs/server.md, "LDevID (RFC 9646)").
///
/// Everything under {+restconf} requires an authenticated, registered,
/// enabled device; anything else gets 401 with a bare access-denied error
/// (S3). A report-progress is answered 204 only after the registry stored it
/// durably. Thread-safe.
class BootstrapService {
 public:
  BootstrapService(registry::Registry& registry, const Clock& clock, SigningKeyLoader loadKey,
                   ServiceSettings settings, ServiceObserver* observer = nullptr);

  http::Response handle(const http::Request& request, const http::Peer& peer);

  const AnswerBuilder& answers() const { return answers_; }
  const LdevidIssuer& ldevidIssuer() const { return issuer_; }

 private:
  http::Response hostMeta(const http::Request& request) const;
  http::Response operations(const http::Request& request, const AuthenticatedDevice& device);
  http::Response getBootstrappingData(const http::Request& request, const http::Peer& peer,
                                      const AuthenticatedDevice& device);
  http::Response reportProgress(const http::Request& request, const http::Peer& peer,
                                const AuthenticatedDevice& device);
  /// Appends to the device's log (with `ldevid`, also storing the device's
  /// LDevID state in the same transaction); false if the registry failed.
  bool record(registry::DeviceEvent event, const registry::LdevidState* ldevid = nullptr);
  /// A refusal: recorded as a Rejected event (built on `event`, which names
  /// the device and peer), answered with the error.
  http::Response refuse(registry::DeviceEvent event, const Error& error, model::Encoding encoding,
                        const nlohmann::json& detail);

  /// What the RFC 9646 part of a get-bootstrapping-data decided.
  struct LdevidStep {
    std::optional<http::Response> reply;              ///< Answered already.
    std::optional<LdevidIssuer::Issued> issued;       ///< Carry this LDevID.
    std::optional<registry::LdevidState> stateAfter;  ///< Store with the answer.
  };
  /// S19/S20: csr-support → 400 with a csr-request, or (no policy, nothing
  /// acceptable offered) a note in `detail` and a normal answer.
  LdevidStep answerCsrSupport(const AuthenticatedDevice& device, const registry::Response& response,
                              const model::CsrSupport& support, model::Encoding encoding,
                              registry::DeviceEvent event, nlohmann::json& detail);
  /// S21/S22: a CSR → the LDevID to carry, or a refusal.
  LdevidStep answerCsr(const AuthenticatedDevice& device, const registry::Response& response,
                       const model::CsrMessage& csr, model::Encoding encoding,
                       const registry::DeviceEvent& event, nlohmann::json& detail);
  std::int64_t nowMs() const;

  registry::Registry& registry_;
  const Clock& clock_;
  ServiceSettings settings_;
  ServiceObserver* observer_;
  DeviceAuthenticator authenticator_;
  AnswerBuilder answers_;
  LdevidIssuer issuer_;
};

}  // namespace sztp::bootstrap
