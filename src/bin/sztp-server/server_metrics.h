#pragma once

#include <map>
#include <mutex>
#include <string>

#include "bootstrap/bootstrap_service.h"
#include "metrics/metrics_registry.h"
#include "net/http_server.h"
#include "registry/registry.h"

namespace sztp::server {

/// The server's Prometheus metrics (docs/metrics.md): requests by outcome,
/// latency, the onboarding funnel, progress reports, signing cache, and the
/// transport's connection counters. Also the ServiceObserver that logs every
/// device event.
class ServerMetrics {
 public:
  ServerMetrics();

  /// Called by the transport's audit sink for every request.
  void onRequest(const net::AuditEvent& event);
  void onProgress(model::ProgressType type);
  void onAnswer(const bootstrap::Answer& answer);

  /// The exposition, after refreshing the funnel gauge from the registry and
  /// the connection counters from the transport.
  std::string render(registry::Registry& registry, const net::HttpServer* server,
                     const std::vector<std::string>& listeners);

  /// The endpoint label of a request path: host-meta, operations,
  /// get-bootstrapping-data, report-progress, file, admin, metrics, health, other.
  static std::string endpointOf(const std::string& listener, std::string_view path);

 private:
  metrics::MetricsRegistry registry_;
  metrics::CounterFamily* requests_ = nullptr;
  metrics::CounterFamily* refusals_ = nullptr;
  metrics::HistogramFamily* duration_ = nullptr;
  metrics::GaugeFamily* devices_ = nullptr;
  metrics::CounterFamily* progress_ = nullptr;
  metrics::CounterFamily* answers_ = nullptr;
  metrics::GaugeFamily* connectionsActive_ = nullptr;
  metrics::CounterFamily* connectionsAccepted_ = nullptr;
  metrics::CounterFamily* connectionsRefused_ = nullptr;
  metrics::CounterFamily* handshakeFailures_ = nullptr;
  metrics::CounterFamily* timeouts_ = nullptr;
  std::mutex statsMutex_;
  std::map<std::string, net::ListenerStats> lastStats_;
};

}  // namespace sztp::server
