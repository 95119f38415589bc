#include "server_wiring.h"

#include <fstream>
#include <sstream>

#include "common/io_error.h"
#include "key_loader.h"
#include "registry/sqlite/sqlite_registry.h"

namespace sztp::server {
namespace {

Result<std::string> readText(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Error(IoErrc::FileUnreadable, path.string());
  }
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

Result<net::TlsSettings> tlsSettings(const TlsFiles& files,
                                     net::TlsSettings::ClientCert clientCert) {
  auto chain = readText(files.certificate);
  if (!chain) {
    return std::move(chain).error().addContext("tls.certificate");
  }
  auto key = readText(files.key);
  if (!key) {
    return std::move(key).error().addContext("tls.key");
  }
  net::TlsSettings tls;
  tls.certificateChainPem = std::move(*chain);
  tls.privateKeyPem = std::move(*key);
  tls.clientCert = clientCert;
  tls.minVersion = files.minVersion;
  tls.sessionTickets = files.sessionTickets;
  if (!files.cipherList.empty()) {
    tls.cipherList = files.cipherList;
  }
  if (!files.cipherSuites.empty()) {
    tls.cipherSuites = files.cipherSuites;
  }
  return tls;
}

std::string endpointText(const Endpoint& endpoint) {
  const bool v6 = endpoint.address.find(':') != std::string::npos;
  return (v6 ? "[" + endpoint.address + "]" : endpoint.address) + ":" +
         std::to_string(endpoint.port);
}

http::Response jsonError(int status, std::string_view reason, std::string_view message) {
  http::Response response;
  response.status = status;
  response.reason = std::string(reason);
  response.body = "{\"error\":{\"reason\":\"" + std::string(reason) + "\",\"message\":\"" +
                  std::string(message) + "\"}}";
  response.setHeader("Content-Type", "application/json");
  return response;
}

}  // namespace

ServerWiring::~ServerWiring() {
  stop();
}

Result<std::unique_ptr<ServerWiring>> ServerWiring::create(const ServerConfig& config, Log& log,
                                                           bool checkOnly) {
  std::unique_ptr<ServerWiring> wiring(new ServerWiring(config, log));
  std::error_code ec;
  std::filesystem::create_directories(config.registryPath.parent_path(), ec);
  registry::SqliteOptions sqlite;
  sqlite.path = config.registryPath;
  auto opened = registry::openSqliteRegistry(sqlite);
  if (!opened) {
    return std::move(opened).error().addContext("registry " + config.registryPath.string());
  }
  wiring->registry_ = std::move(*opened);
  if (auto applied = wiring->applyInventory(); !applied) {
    return std::move(applied).error();
  }

  bootstrap::ServiceSettings settings;
  settings.restconfRoot = config.bootstrap.restconfRoot;
  settings.inputLimits.maxBytes = config.bootstrap.maxBodyBytes;
  settings.answers.signedCacheEntries = config.signedCacheEntries;
  if (config.files.enabled) {
    settings.answers.fileServerBaseUrls = config.files.baseUrls;
    if (settings.answers.fileServerBaseUrls.empty() && !config.files.listen.empty()) {
      settings.answers.fileServerBaseUrls.push_back("https://" +
                                                    endpointText(config.files.listen.front()));
    }
  }
  wiring->service_ = std::make_unique<bootstrap::BootstrapService>(
      *wiring->registry_, wiring->clock_, fileKeyLoader(config.configFile.parent_path()), settings,
      wiring.get());

  if (auto issuers = wiring->checkLdevidIssuers(); !issuers) {
    return std::move(issuers).error();
  }

  net::ServerSettings server;
  server.ioThreads = config.ioThreads;
  server.handlerThreads = config.handlerThreads;
  server.serverHeader = std::string("sztp-server/") + SZTP_VERSION;
  server.clock = &wiring->clock_;
  std::map<std::string, http::Handler> handlers;
  ServerWiring* self = wiring.get();

  auto bootstrapTls = tlsSettings(config.bootstrap.tls, net::TlsSettings::ClientCert::Request);
  if (!bootstrapTls) {
    return std::move(bootstrapTls).error().addContext("bootstrap");
  }
  for (std::size_t i = 0; i < config.bootstrap.listen.size(); ++i) {
    net::ListenerSettings listener;
    listener.name = i == 0 ? "bootstrap" : "bootstrap-" + std::to_string(i);
    listener.address = config.bootstrap.listen[i].address;
    listener.port = config.bootstrap.listen[i].port;
    listener.tls = *bootstrapTls;
    listener.maxBodyBytes = config.bootstrap.maxBodyBytes;
    listener.maxConnections = config.bootstrap.maxConnections;
    listener.handshakeTimeout = config.bootstrap.timeouts.handshake;
    listener.headerTimeout = config.bootstrap.timeouts.header;
    listener.bodyTimeout = config.bootstrap.timeouts.body;
    listener.idleTimeout = config.bootstrap.timeouts.idle;
    listener.handlerTimeout = config.bootstrap.timeouts.handler;
    server.listeners.push_back(listener);
    handlers[listener.name] = [self](const http::Request& r, const http::Peer& p) {
      return self->service_->handle(r, p);
    };
    wiring->bootstrapListeners_.push_back(listener.name);
  }

  if (config.files.enabled) {
    auto filesTls = tlsSettings(config.files.tls.value_or(config.bootstrap.tls),
                                static_cast<net::TlsSettings::ClientCert>(
                                    static_cast<int>(config.files.clientCertificates)));
    if (!filesTls) {
      return std::move(filesTls).error().addContext("files");
    }
    auto files = makeFileHandler(config.files);
    if (!files) {
      return std::move(files).error().addContext("files");
    }
    wiring->files_ = std::move(*files);
    for (std::size_t i = 0; i < config.files.listen.size(); ++i) {
      net::ListenerSettings listener;
      listener.name = i == 0 ? "files" : "files-" + std::to_string(i);
      listener.address = config.files.listen[i].address;
      listener.port = config.files.listen[i].port;
      listener.tls = *filesTls;
      listener.maxConnections = config.files.maxConnections;
      server.listeners.push_back(listener);
      handlers[listener.name] = [self](const http::Request& r, const http::Peer& p) {
        return self->files_(r, p);
      };
      wiring->fileListeners_.push_back(listener.name);
    }
  }

  auto voucherAnchors =
      loadCertificateFiles(config.voucherTrustAnchorFiles, "voucher-trust-anchors");
  if (!voucherAnchors) {
    return std::move(voucherAnchors).error();
  }
  auto admin = makeAdminHandler(config.admin, std::move(*voucherAnchors), *wiring->registry_,
                                wiring->clock_, log);
  if (!admin) {
    return std::move(admin).error().addContext("admin");
  }
  wiring->adminApi_ = std::move(*admin);
  std::optional<net::TlsSettings> adminTls;
  if (config.admin.tls) {
    auto tls = tlsSettings(*config.admin.tls, config.admin.clientCaFiles.empty()
                                                  ? net::TlsSettings::ClientCert::None
                                                  : net::TlsSettings::ClientCert::Request);
    if (!tls) {
      return std::move(tls).error().addContext("admin");
    }
    adminTls = *tls;
  }
  for (std::size_t i = 0; i < config.admin.listen.size(); ++i) {
    net::ListenerSettings listener;
    listener.name = i == 0 ? "admin" : "admin-" + std::to_string(i);
    listener.address = config.admin.listen[i].address;
    listener.port = config.admin.listen[i].port;
    listener.tls = adminTls;
    listener.maxBodyBytes = std::size_t{256} << 20;  // bulk imports
    server.listeners.push_back(listener);
    handlers[listener.name] = [self](const http::Request& r, const http::Peer& p) {
      return self->adminHandle(r, p);
    };
    wiring->adminListeners_.push_back(listener.name);
  }
  for (const auto& l : server.listeners) {
    wiring->listenerNames_.push_back(l.name);
  }
  if (!config.admin.tls) {
    for (const auto& endpoint : config.admin.listen) {
      if (config.admin.allowInsecureRemote) {
        log.warning("SZTP-S0030", "admin API on " + endpointText(endpoint) +
                                      " is plain HTTP beyond loopback (allow-insecure-remote)");
      }
    }
  }

  auto created = net::HttpServer::create(
      server, handlers, [self](const net::AuditEvent& event) { self->audit(event); });
  if (!created) {
    return std::move(created).error();
  }
  wiring->server_ = std::move(*created);
  if (!checkOnly) {
    wiring->auditWriter_ = std::make_unique<AuditWriter>(*wiring->registry_, log);
  }
  return wiring;
}

Status ServerWiring::applyInventory() {
  if (!config_.inventory) {
    return {};
  }
  auto voucherAnchors =
      loadCertificateFiles(config_.voucherTrustAnchorFiles, "voucher-trust-anchors");
  if (!voucherAnchors) {
    return std::move(voucherAnchors).error();
  }
  auto outcome = applyInventoryFile(*config_.inventory, config_.inventoryPrune, *voucherAnchors,
                                    clock_.now(), *registry_);
  if (!outcome) {
    return std::move(outcome).error().addContext("inventory " + config_.inventory->string());
  }
  log_.notice("SZTP-S0040", "inventory " + config_.inventory->string() + ": " + *outcome);
  return {};
}

Status ServerWiring::checkLdevidIssuers() const {
  // Fail at start (and in --check-config), not at the first device that
  // offers csr-support, when an LDevID CA cannot issue.
  auto types = registry_->listObjects(registry::ObjectKind::DeviceType);
  if (!types) {
    return std::move(types).error();
  }
  for (const auto& object : *types) {
    const auto& type = std::get<registry::DeviceType>(object);
    if (!type.ldevid) {
      continue;
    }
    if (auto usable = service_->ldevidIssuer().checkIssuer(*type.ldevid); !usable) {
      return std::move(usable).error().addContext("device type \"" + type.name + "\" ldevid");
    }
  }
  return {};
}

Status ServerWiring::start() {
  if (auto started = server_->start(); !started) {
    return started;
  }
  for (const auto& name : listenerNames_) {
    log_.notice("SZTP-S0003",
                "listening: " + name + " on port " + std::to_string(server_->boundPort(name)));
  }
  return {};
}

void ServerWiring::reload(const ServerConfig& fresh) {
  auto tls = tlsSettings(fresh.bootstrap.tls, net::TlsSettings::ClientCert::Request);
  if (!tls) {
    log_.error("SZTP-S0012", "bootstrap TLS not reloaded: " + tls.error().describe());
  } else {
    for (const auto& name : bootstrapListeners_) {
      if (auto reloaded = server_->reloadTls(name, *tls); !reloaded) {
        log_.error("SZTP-S0012", name + " TLS not reloaded: " + reloaded.error().describe());
      }
    }
    log_.notice("SZTP-S0013", "bootstrap TLS certificate reloaded for new connections");
  }
  config_.inventory = fresh.inventory;
  config_.inventoryPrune = fresh.inventoryPrune;
  config_.voucherTrustAnchorFiles = fresh.voucherTrustAnchorFiles;
  if (auto applied = applyInventory(); !applied) {
    log_.error("SZTP-S0014", "inventory not re-applied: " + applied.error().describe());
  }
  if (auto issuers = checkLdevidIssuers(); !issuers) {
    log_.error("SZTP-S0015", "LDevID issuance will fail: " + issuers.error().describe());
  }
}

void ServerWiring::stop() {
  if (server_) {
    server_->stop(config_.shutdownGrace);
  }
  auditWriter_.reset();  // drains the queue
}

std::string ServerWiring::summary() const {
  std::string text;
  text += "registry: " + config_.registryPath.string() + "\n";
  if (auto revision = registry_->revision()) {
    text += "registry revision: " + std::to_string(*revision) + "\n";
  }
  if (auto stages = registry_->countDevicesByStage()) {
    std::uint64_t total = 0;
    for (const auto& [stage, count] : *stages) {
      total += count;
    }
    text += "devices: " + std::to_string(total) + "\n";
  }
  auto endpoints = [](const std::vector<Endpoint>& list) {
    std::string out;
    for (const auto& e : list) {
      out += (out.empty() ? "" : ", ") + endpointText(e);
    }
    return out;
  };
  text += "bootstrap (HTTPS, RFC 8572): " + endpoints(config_.bootstrap.listen) + " root " +
          config_.bootstrap.restconfRoot + "\n";
  if (config_.files.enabled) {
    text += "files (HTTPS): " + endpoints(config_.files.listen) + " from " +
            config_.files.root.string() + "\n";
  }
  text += std::string("admin (") + (config_.admin.tls ? "HTTPS" : "HTTP") +
          "): " + endpoints(config_.admin.listen) + "\n";
  return text;
}

http::Response ServerWiring::adminHandle(const http::Request& request, const http::Peer& peer) {
  const std::string_view path = request.path();
  if (path == "/healthz") {
    // Healthy = the registry answers. No authentication: it says nothing else.
    auto revision = registry_->revision();
    http::Response response;
    response.status = revision ? 200 : 503;
    response.body = revision ? "ok\n" : "registry unavailable\n";
    response.setHeader("Content-Type", "text/plain");
    return response;
  }
  if (path == "/metrics") {
    http::Response response;
    response.body = metrics_.render(*registry_, server_.get(), listenerNames_);
    response.setHeader("Content-Type", std::string(metrics::kExpositionContentType));
    return response;
  }
  if (!adminApi_) {
    return jsonError(404, "resource-unknown", "no such resource");
  }
  return adminApi_(request, peer);
}

void ServerWiring::audit(const net::AuditEvent& event) {
  metrics_.onRequest(event);
  const auto& response = event.response;
  if (!response.reason.empty() && response.status != 404) {
    log_.info("SZTP-S0100",
              event.listener + " " + event.peer->endpoint() + " " + event.request->method + " " +
                  std::string(event.request->path()) + " → " + std::to_string(response.status) +
                  " " + response.reason +
                  (response.logDetail.empty() ? "" : " (" + response.logDetail + ")"));
  }
  if (!auditWriter_) {
    return;
  }
  registry::AuditRecord record;
  record.timeMs = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
  record.listener = event.listener;
  record.sourceAddress = event.peer->endpoint();
  record.identity = response.identity;
  record.method = event.request->method;
  record.path = std::string(event.request->path());
  record.status = response.status;
  record.reason = response.reason;
  record.durationUs = event.duration.count();
  auditWriter_->submit(std::move(record));
}

void ServerWiring::onDeviceEvent(const registry::DeviceEvent& event) {
  if (event.progressType) {
    metrics_.onProgress(*event.progressType);
  }
  std::string line = "device " + event.serialNumber + " [" + event.sourceAddress + "] " +
                     std::string(registry::deviceEventKindName(event.kind));
  if (event.progressType) {
    line += " " + std::string(model::progressTypeName(*event.progressType));
  }
  if (!event.reason.empty()) {
    line += " " + event.reason;
  }
  if (!event.message.empty()) {
    line += ": " + event.message;
  }
  const bool bad = event.kind == registry::DeviceEvent::Kind::Rejected ||
                   (event.progressType && model::isTerminating(*event.progressType) &&
                    *event.progressType != model::ProgressType::BootstrapComplete &&
                    *event.progressType != model::ProgressType::BootImageInstalledRebooting);
  log_.write(bad ? Log::Level::Warning : Log::Level::Info, "SZTP-S0200", line);
}

void ServerWiring::onAnswer(const std::string& serial, const bootstrap::Answer& answer) {
  (void)serial;
  metrics_.onAnswer(answer);
}

}  // namespace sztp::server
