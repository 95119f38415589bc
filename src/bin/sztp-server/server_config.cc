#include "server_config.h"

#include <arpa/inet.h>
#include <yaml-cpp/yaml.h>

#include <charconv>
#include <functional>
#include <map>
#include <set>

#include "common/codec_error.h"
#include "config/yaml_section.h"

namespace sztp::server {
namespace {

namespace fs = std::filesystem;

using config::Section;

Status readEndpoints(Section& section, const std::string& key, std::vector<Endpoint>& out) {
  std::vector<std::string> texts;
  if (auto ok = section.list(key, texts); !ok || texts.empty()) {
    return ok;
  }
  out.clear();
  for (const auto& text : texts) {
    auto endpoint = parseEndpoint(text);
    if (!endpoint) {
      return section.error(section.get(key), key, endpoint.error().detail());
    }
    out.push_back(*endpoint);
  }
  return {};
}

Status readTls(Section& parent, const std::string& key, TlsFiles& tls, const fs::path& base) {
  Section section(parent.get(key), parent.childPath(key));
  SZTP_TRY(section.path("certificate", tls.certificate, base));
  SZTP_TRY(section.path("key", tls.key, base));
  SZTP_TRY(section.scalar("min-version", tls.minVersion));
  if (tls.minVersion != "1.2" && tls.minVersion != "1.3") {
    return section.error(parent.get(key)["min-version"], "min-version", "must be 1.2 or 1.3");
  }
  SZTP_TRY(section.flag("session-tickets", tls.sessionTickets));
  SZTP_TRY(section.scalar("cipher-list", tls.cipherList));
  SZTP_TRY(section.scalar("cipher-suites", tls.cipherSuites));
  if (tls.certificate.empty() || tls.key.empty()) {
    return section.error(parent.get(key), "", "needs both certificate and key");
  }
  return section.finish();
}

Status readTimeouts(Section& parent, Timeouts& timeouts) {
  if (!parent.has("timeouts")) {
    return {};
  }
  Section section(parent.get("timeouts"), parent.childPath("timeouts"));
  SZTP_TRY(section.duration("handshake", timeouts.handshake));
  SZTP_TRY(section.duration("header", timeouts.header));
  SZTP_TRY(section.duration("body", timeouts.body));
  SZTP_TRY(section.duration("idle", timeouts.idle));
  SZTP_TRY(section.duration("handler", timeouts.handler));
  return section.finish();
}

Status readConfig(const YAML::Node& root, ServerConfig& config) {
  const fs::path base = config.configFile.parent_path();
  Section top(root, "");
  SZTP_TRY(top.path("registry", config.registryPath, base));
  if (top.has("inventory")) {
    fs::path inventory;
    SZTP_TRY(top.path("inventory", inventory, base));
    config.inventory = inventory;
  }
  SZTP_TRY(top.flag("inventory-prune", config.inventoryPrune));
  {
    std::vector<std::string> files;
    SZTP_TRY(top.list("voucher-trust-anchors", files));
    for (const auto& f : files) {
      config.voucherTrustAnchorFiles.push_back(fs::path(f).is_absolute() ? fs::path(f) : base / f);
    }
  }
  SZTP_TRY(top.count("io-threads", config.ioThreads, 1, 256));
  SZTP_TRY(top.count("handler-threads", config.handlerThreads, 1, 1024));
  SZTP_TRY(top.count("signed-cache-entries", config.signedCacheEntries, 0, 10'000'000));
  SZTP_TRY(top.duration("shutdown-grace", config.shutdownGrace));

  if (!top.has("bootstrap")) {
    return top.error(root, "bootstrap", "is required (the RFC 8572 listener)");
  }
  {
    Section section(top.get("bootstrap"), "bootstrap");
    auto& b = config.bootstrap;
    SZTP_TRY(section.expectKeys(
        {"listen", "tls", "restconf-root", "max-body-bytes", "max-connections", "timeouts"}));
    SZTP_TRY(readEndpoints(section, "listen", b.listen));
    if (!section.has("tls")) {
      return section.error(top.get("bootstrap"), "tls",
                           "is required: RFC 8572 bootstrap servers speak HTTPS only (S5)");
    }
    SZTP_TRY(readTls(section, "tls", b.tls, base));
    SZTP_TRY(section.scalar("restconf-root", b.restconfRoot));
    if (b.restconfRoot.empty() || b.restconfRoot.front() != '/' || b.restconfRoot.back() == '/') {
      return section.error(top.get("bootstrap")["restconf-root"], "restconf-root",
                           "must start with / and not end with one, e.g. /restconf");
    }
    SZTP_TRY(section.count("max-body-bytes", b.maxBodyBytes, 1024, std::size_t{1} << 30));
    SZTP_TRY(section.count("max-connections", b.maxConnections, 1, 1'000'000));
    SZTP_TRY(readTimeouts(section, b.timeouts));
    SZTP_TRY(section.finish());
  }
  if (top.has("files")) {
    Section section(top.get("files"), "files");
    auto& f = config.files;
    f.enabled = true;
    SZTP_TRY(section.flag("enabled", f.enabled));
    SZTP_TRY(readEndpoints(section, "listen", f.listen));
    if (section.has("tls")) {
      TlsFiles tls;
      SZTP_TRY(readTls(section, "tls", tls, base));
      f.tls = tls;
    }
    SZTP_TRY(section.path("root", f.root, base));
    if (f.enabled && f.root.empty()) {
      return section.error(top.get("files"), "root", "is required when the file server is on");
    }
    std::string clientCerts = "none";
    SZTP_TRY(section.scalar("client-certificates", clientCerts));
    if (clientCerts == "none") {
      f.clientCertificates = FileServer::ClientCertificates::None;
    } else if (clientCerts == "request") {
      f.clientCertificates = FileServer::ClientCertificates::Request;
    } else if (clientCerts == "require") {
      f.clientCertificates = FileServer::ClientCertificates::Require;
    } else {
      return section.error(top.get("files")["client-certificates"], "client-certificates",
                           "must be none, request or require");
    }
    SZTP_TRY(section.list("base-urls", f.baseUrls));
    for (const auto& url : f.baseUrls) {
      if (url.rfind("https://", 0) != 0 && url.rfind("http://", 0) != 0) {
        return section.error(top.get("files")["base-urls"], "base-urls",
                             "\"" + url + "\" is not an http(s) URL");
      }
    }
    SZTP_TRY(section.count("max-connections", f.maxConnections, 1, 1'000'000));
    SZTP_TRY(section.finish());
  }
  if (top.has("admin")) {
    Section section(top.get("admin"), "admin");
    auto& a = config.admin;
    SZTP_TRY(readEndpoints(section, "listen", a.listen));
    if (section.has("tls")) {
      TlsFiles tls;
      SZTP_TRY(readTls(section, "tls", tls, base));
      a.tls = tls;
    }
    std::vector<std::string> texts;
    SZTP_TRY(section.list("token-files", texts));
    for (const auto& t : texts) {
      a.tokenFiles.push_back(fs::path(t).is_absolute() ? fs::path(t) : base / t);
    }
    texts.clear();
    SZTP_TRY(section.list("client-ca-files", texts));
    for (const auto& t : texts) {
      a.clientCaFiles.push_back(fs::path(t).is_absolute() ? fs::path(t) : base / t);
    }
    SZTP_TRY(section.flag("allow-insecure-remote", a.allowInsecureRemote));
    SZTP_TRY(section.finish());
  }
  if (top.has("logging")) {
    Section section(top.get("logging"), "logging");
    auto& l = config.logging;
    SZTP_TRY(section.scalar("level", l.level));
    static const std::set<std::string> kLevels{"debug", "info", "notice", "warning", "error"};
    if (!kLevels.contains(l.level)) {
      return section.error(top.get("logging")["level"], "level",
                           "must be debug, info, notice, warning or error");
    }
    SZTP_TRY(section.flag("syslog", l.syslog));
    SZTP_TRY(section.scalar("syslog-facility", l.syslogFacility));
    SZTP_TRY(section.scalar("syslog-ident", l.syslogIdent));
    SZTP_TRY(section.finish());
  }
  return top.finish();
}

bool isLoopback(const std::string& address) {
  return address == "::1" || address.rfind("127.", 0) == 0 || address == "localhost";
}

}  // namespace

Result<Endpoint> parseEndpoint(std::string_view text) {
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) {
    return Error(CodecErrc::InvalidValue,
                 "\"" + std::string(text) + "\" is not address:port (e.g. 0.0.0.0:443, [::]:443)");
  }
  std::string address(text.substr(0, colon));
  if (address.size() >= 2 && address.front() == '[' && address.back() == ']') {
    address = address.substr(1, address.size() - 2);
  }
  unsigned char buffer[16];
  if (inet_pton(AF_INET, address.c_str(), buffer) != 1 &&
      inet_pton(AF_INET6, address.c_str(), buffer) != 1) {
    return Error(CodecErrc::InvalidValue,
                 "\"" + address + "\" is not a literal IPv4 or IPv6 address");
  }
  unsigned port = 0;
  const auto portText = text.substr(colon + 1);
  const auto [end, ec] = std::from_chars(portText.data(), portText.data() + portText.size(), port);
  if (ec != std::errc() || end != portText.data() + portText.size() || port > 65535) {
    return Error(CodecErrc::InvalidValue, "\"" + std::string(portText) + "\" is not a port");
  }
  return Endpoint{address, static_cast<std::uint16_t>(port)};
}

Result<ServerConfig> parseServerConfig(std::string_view yaml, const fs::path& path) {
  ServerConfig config;
  config.configFile = path;
  SZTP_TRY(config::readConfigFile(
      yaml, path, [&](const YAML::Node& root) { return readConfig(root, config); }));
  for (const auto& endpoint : config.admin.listen) {
    if (!config.admin.tls && !isLoopback(endpoint.address) && !config.admin.allowInsecureRemote) {
      return Error(CodecErrc::InvalidValue,
                   path.string() + ": admin.listen " + endpoint.address +
                       " is not loopback and admin has no tls; add admin.tls or set "
                       "admin.allow-insecure-remote: true");
    }
  }
  return config;
}

}  // namespace sztp::server
