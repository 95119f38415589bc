#include "server_metrics.h"

namespace sztp::server {
namespace {

template <class T>
T* must(Result<T*> family) {
  // Names and labels are constants of this file; a failure is a programming
  // error caught by the first test run, so it aborts here rather than
  // propagating through every caller.
  if (!family) {
    std::abort();
  }
  return *family;
}

}  // namespace

ServerMetrics::ServerMetrics() {
  requests_ = must(registry_.addCounter("sztp_requests_total",
                                        "HTTP requests answered, by listener, endpoint and status",
                                        {"listener", "endpoint", "status"}));
  refusals_ = must(registry_.addCounter("sztp_request_refusals_total",
                                        "Requests refused, by listener and stable reason code",
                                        {"listener", "reason"}));
  duration_ = must(registry_.addHistogram(
      "sztp_request_duration_seconds", "Time from a request's first octet to its answer written",
      {"listener", "endpoint"}, metrics::defaultLatencyBuckets()));
  devices_ = must(registry_.addGauge(
      "sztp_onboarding_devices", "Registered devices by onboarding stage (the funnel)", {"stage"}));
  progress_ = must(registry_.addCounter(
      "sztp_progress_reports_total", "report-progress calls stored, by progress-type", {"type"}));
  answers_ = must(registry_.addCounter(
      "sztp_answers_total", "get-bootstrapping-data answers, by signing and signing-cache use",
      {"signed", "encrypted", "cache"}));
  connectionsActive_ = must(
      registry_.addGauge("sztp_connections_active", "Open connections by listener", {"listener"}));
  connectionsAccepted_ = must(registry_.addCounter(
      "sztp_connections_accepted_total", "Connections accepted by listener", {"listener"}));
  connectionsRefused_ = must(
      registry_.addCounter("sztp_connections_refused_total",
                           "Connections closed at once because of max-connections", {"listener"}));
  handshakeFailures_ = must(registry_.addCounter("sztp_tls_handshake_failures_total",
                                                 "TLS handshakes that failed", {"listener"}));
  timeouts_ = must(registry_.addCounter("sztp_timeouts_total",
                                        "Connections closed by a timeout (slow or idle clients)",
                                        {"listener"}));
}

std::string ServerMetrics::endpointOf(const std::string& listener, std::string_view path) {
  if (listener.rfind("files", 0) == 0) {
    return "file";
  }
  if (listener.rfind("admin", 0) == 0) {
    if (path == "/metrics") {
      return "metrics";
    }
    if (path == "/healthz") {
      return "health";
    }
    return "admin";
  }
  if (path == "/.well-known/host-meta") {
    return "host-meta";
  }
  if (path.ends_with(":get-bootstrapping-data")) {
    return "get-bootstrapping-data";
  }
  if (path.ends_with(":report-progress")) {
    return "report-progress";
  }
  if (path.ends_with("/operations")) {
    return "operations";
  }
  return "other";
}

void ServerMetrics::onRequest(const net::AuditEvent& event) {
  const std::string endpoint = endpointOf(event.listener, event.request->path());
  const std::string status = std::to_string(event.response.status);
  requests_->labels({event.listener, endpoint, status}).inc();
  if (!event.response.reason.empty()) {
    refusals_->labels({event.listener, event.response.reason}).inc();
  }
  duration_->labels({event.listener, endpoint})
      .observe(std::chrono::duration<double>(event.duration).count());
}

void ServerMetrics::onProgress(model::ProgressType type) {
  progress_->labels({model::progressTypeName(type)}).inc();
}

void ServerMetrics::onAnswer(const bootstrap::Answer& answer) {
  answers_
      ->labels({answer.isSigned ? "true" : "false", answer.isEncrypted ? "true" : "false",
                answer.isSigned ? (answer.cacheHit ? "hit" : "miss") : "none"})
      .inc();
}

std::string ServerMetrics::render(registry::Registry& registry, const net::HttpServer* server,
                                  const std::vector<std::string>& listeners) {
  if (auto stages = registry.countDevicesByStage()) {
    for (const auto& [stage, count] : *stages) {
      devices_->labels({registry::deviceStageName(stage)}).set(static_cast<double>(count));
    }
  }
  if (server != nullptr) {
    std::lock_guard lock(statsMutex_);
    for (const auto& name : listeners) {
      const auto now = server->stats(name);
      auto& last = lastStats_[name];
      connectionsActive_->labels({name}).set(static_cast<double>(now.connectionsActive));
      connectionsAccepted_->labels({name}).inc(now.connectionsAccepted - last.connectionsAccepted);
      connectionsRefused_->labels({name}).inc(now.connectionsRefused - last.connectionsRefused);
      handshakeFailures_->labels({name}).inc(now.handshakeFailures - last.handshakeFailures);
      timeouts_->labels({name}).inc(now.timeouts - last.timeouts);
      last = now;
    }
  }
  return registry_.render();
}

}  // namespace sztp::server
