#pragma once

#include <memory>
#include <string>
#include <vector>

#include "audit_writer.h"
#include "bootstrap/bootstrap_service.h"
#include "common/clock.h"
#include "components.h"
#include "log.h"
#include "net/http_server.h"
#include "registry/registry.h"
#include "server_config.h"
#include "server_metrics.h"

namespace sztp::server {

/// Everything a running sztp-server is made of, built from its configuration:
/// the registry, the bootstrap service, the admin and file handlers, metrics,
/// the audit writer and the transport. `create` loads and checks every file
/// (certificates, keys, inventory) so that --check-config and a real start
/// fail the same way.
class ServerWiring : public bootstrap::ServiceObserver {
 public:
  static Result<std::unique_ptr<ServerWiring>> create(const ServerConfig& config, Log& log,
                                                      bool checkOnly);
  ~ServerWiring() override;

  Status start();
  /// SIGHUP: new TLS certificates for new connections, inventory re-applied.
  /// Failures are logged and leave the running state as it was.
  void reload(const ServerConfig& fresh);
  void stop();
  /// What --check-config prints: listeners, registry, device counts.
  std::string summary() const;
  /// Every device type's LDevID CA loads and can issue now.
  Status checkLdevidIssuers() const;

  // bootstrap::ServiceObserver
  void onDeviceEvent(const registry::DeviceEvent& event) override;
  void onAnswer(const std::string& serial, const bootstrap::Answer& answer) override;

 private:
  ServerWiring(const ServerConfig& config, Log& log) : config_(config), log_(log) {}
  Status applyInventory();
  http::Response adminHandle(const http::Request& request, const http::Peer& peer);
  void audit(const net::AuditEvent& event);

  ServerConfig config_;
  Log& log_;
  SystemClock clock_;
  std::unique_ptr<registry::Registry> registry_;
  std::unique_ptr<bootstrap::BootstrapService> service_;
  http::Handler adminApi_;
  http::Handler files_;
  ServerMetrics metrics_;
  std::unique_ptr<AuditWriter> auditWriter_;
  std::unique_ptr<net::HttpServer> server_;
  std::vector<std::string> listenerNames_;
  std::vector<std::string> bootstrapListeners_;
  std::vector<std::string> fileListeners_;
  std::vector<std::string> adminListeners_;
};

}  // namespace sztp::server
