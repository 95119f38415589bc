#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>

#include "agent/ports.h"
#include "client/transport_settings.h"
#include "model/encoding.h"

namespace sztp::client {

struct BootstrapClientSettings {
  /// Encoding of requests, and the one asked for in answers.
  model::Encoding encoding = model::Encoding::Json;
  TransportSettings transport;
  /// Largest answer body accepted (AnswerTooLarge beyond).
  std::size_t maxAnswerBytes = std::size_t{4} * 1024 * 1024;
  /// Learn the RESTCONF root from GET /.well-known/host-meta (RFC 8040 §3.1);
  /// when the server has none or it is unusable, `fallbackRestconfRoot` is
  /// used (checklist §2: servers and devices in the field hard-code /restconf).
  bool discoverRestconfRoot = true;
  std::string fallbackRestconfRoot = "/restconf";
};

/// RFC 8572 §7 over HTTPS (Boost.Beast, OpenSSL), synchronous: every call
/// resolves the host and tries each address until one completes the TLS
/// handshake (D36); authenticates the server to the endpoint's anchors and
/// host name (D13, D37) or, with no anchors, connects provisionally with
/// tlsTrusted = false (D38, D39); sends the IDevID and chain (D14, D15), and
/// HTTP Basic only when asked and the server is authenticated (D58). Every
/// step has a time limit and every answer a size cap. Not thread-safe: the
/// agent is one sequence of steps.
///
/// Errors (ClientErrc): resolve-failed, connect-failed, tls-handshake-failed,
/// server-certificate-untrusted, server-name-mismatch, timeout; http-status
/// with the status and the RESTCONF error-tag, error-app-tag and
/// error-message in the detail (basic-auth-refused-untrusted for a 401 when
/// Basic was withheld); answer-too-large, answer-truncated, answer-malformed,
/// media-type.
class HttpsBootstrapClient final : public agent::BootstrapClient {
 public:
  /// `identity`: the client certificate, its chain (D14, D15) and key — any
  /// EVP_PKEY, including a TPM provider key, which is used but never
  /// exported — and the serial number and Basic secret (D6). A key that does
  /// not match the certificate fails every call with invalid-request.
  HttpsBootstrapClient(agent::DeviceIdentity identity, BootstrapClientSettings settings = {});

  /// 200 with a get-bootstrapping-data output in the asked-for (or the other
  /// yang-data) encoding is success; anything else is an error.
  Result<agent::ServerAnswer> getBootstrappingData(
      const agent::ServerEndpoint& endpoint,
      const model::GetBootstrappingDataInput& input) override;
  /// Success means 204 No Content (D42, D52); other statuses, 200 included, fail.
  Status reportProgress(const agent::ServerEndpoint& endpoint,
                        const model::ReportProgressInput& input) override;

  /// The RESTCONF root in use for a server, once learned (cached per host and port).
  std::optional<std::string> restconfRootFor(const agent::ServerRef& server) const;

 private:
  struct Posted;
  Result<Posted> post(const agent::ServerEndpoint& endpoint, std::string_view operation,
                      std::string body);

  agent::DeviceIdentity identity_;
  BootstrapClientSettings settings_;
  std::map<std::string, std::string> roots_;  ///< "host:port" → {+restconf}
};

}  // namespace sztp::client
