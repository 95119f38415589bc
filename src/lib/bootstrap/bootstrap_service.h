#pragma once

#include <functional>
#include <string>

#include "bootstrap/answer_builder.h"
#include "bootstrap/device_auth.h"
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

 private:
  http::Response hostMeta(const http::Request& request) const;
  http::Response operations(const http::Request& request, const AuthenticatedDevice& device);
  http::Response getBootstrappingData(const http::Request& request, const http::Peer& peer,
                                      const AuthenticatedDevice& device);
  http::Response reportProgress(const http::Request& request, const http::Peer& peer,
                                const AuthenticatedDevice& device);
  /// Appends to the device's log; false if the registry failed.
  bool record(registry::DeviceEvent event);
  std::int64_t nowMs() const;

  registry::Registry& registry_;
  const Clock& clock_;
  ServiceSettings settings_;
  ServiceObserver* observer_;
  DeviceAuthenticator authenticator_;
  AnswerBuilder answers_;
};

}  // namespace sztp::bootstrap
