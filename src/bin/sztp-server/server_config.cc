#include "server_config.h"

#include <arpa/inet.h>
#include <yaml-cpp/yaml.h>

#include <charconv>
#include <functional>
#include <map>
#include <set>

#include "common/codec_error.h"

namespace sztp::server {
namespace {

namespace fs = std::filesystem;

/// Walks one YAML mapping, refusing keys nobody asked for; errors carry the
/// dotted key path and the line (1-based) of the offending node.
class Section {
 public:
  Section(YAML::Node node, std::string path) : node_(std::move(node)), path_(std::move(path)) {}

  Error error(const YAML::Node& at, const std::string& key, const std::string& what) const {
    const std::string where = path_.empty() ? key : key.empty() ? path_ : path_ + "." + key;
    return Error(CodecErrc::InvalidValue,
                 where + " (line " + std::to_string(at.Mark().line + 1) + "): " + what);
  }

  bool has(const std::string& key) {
    seen_.insert(key);
    return node_.IsMap() && node_[key] && !node_[key].IsNull();
  }
  YAML::Node get(const std::string& key) { return node_[key]; }
  std::string childPath(const std::string& key) const {
    return path_.empty() ? key : path_ + "." + key;
  }

  Status scalar(const std::string& key, std::string& out) {
    if (!has(key)) {
      return {};
    }
    const YAML::Node value = node_[key];
    if (!value.IsScalar()) {
      return error(value, key, "must be a single value");
    }
    out = value.as<std::string>();
    return {};
  }
  Status path(const std::string& key, fs::path& out, const fs::path& base) {
    std::string text;
    if (auto ok = scalar(key, text); !ok) {
      return ok;
    }
    if (!text.empty()) {
      out = fs::path(text).is_absolute() ? fs::path(text) : base / text;
    }
    return {};
  }
  Status flag(const std::string& key, bool& out) {
    std::string text;
    if (auto ok = scalar(key, text); !ok || text.empty()) {
      return ok;
    }
    if (text == "true" || text == "yes" || text == "on") {
      out = true;
    } else if (text == "false" || text == "no" || text == "off") {
      out = false;
    } else {
      return error(node_[key], key, "must be true or false");
    }
    return {};
  }
  Status count(const std::string& key, std::size_t& out, std::size_t min, std::size_t max) {
    std::string text;
    if (auto ok = scalar(key, text); !ok || text.empty()) {
      return ok;
    }
    std::size_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || value < min || value > max) {
      return error(
          node_[key], key,
          "must be a whole number from " + std::to_string(min) + " to " + std::to_string(max));
    }
    out = value;
    return {};
  }
  Status duration(const std::string& key, std::chrono::milliseconds& out) {
    std::string text;
    if (auto ok = scalar(key, text); !ok || text.empty()) {
      return ok;
    }
    auto parsed = parseDurationMs(text);
    if (!parsed) {
      return error(node_[key], key, parsed.error().detail());
    }
    out = *parsed;
    return {};
  }
  Status list(const std::string& key, std::vector<std::string>& out) {
    if (!has(key)) {
      return {};
    }
    const YAML::Node value = node_[key];
    if (value.IsScalar()) {
      out = {value.as<std::string>()};
      return {};
    }
    if (!value.IsSequence()) {
      return error(value, key, "must be a list");
    }
    out.clear();
    for (const auto& item : value) {
      if (!item.IsScalar()) {
        return error(item, key, "every entry must be a single value");
      }
      out.push_back(item.as<std::string>());
    }
    return {};
  }
  Status endpoints(const std::string& key, std::vector<Endpoint>& out) {
    std::vector<std::string> texts;
    if (auto ok = list(key, texts); !ok || texts.empty()) {
      return ok;
    }
    out.clear();
    for (const auto& text : texts) {
      auto endpoint = parseEndpoint(text);
      if (!endpoint) {
        return error(node_[key], key, endpoint.error().detail());
      }
      out.push_back(*endpoint);
    }
    return {};
  }
  /// Marks `keys` as known and refuses any other, before values are read:
  /// a misspelt key is reported as such, not as the key it replaced missing.
  Status expectKeys(std::initializer_list<const char*> keys) {
    for (const char* key : keys) {
      seen_.insert(key);
    }
    return finish();
  }

  /// Refuses keys that no accessor asked for.
  Status finish() const {
    if (node_.IsNull()) {
      return {};
    }
    if (!node_.IsMap()) {
      return error(node_, "", "must be a mapping");
    }
    for (const auto& entry : node_) {
      const auto key = entry.first.as<std::string>();
      if (!seen_.contains(key)) {
        return error(entry.first, key, "unknown key");
      }
    }
    return {};
  }

 private:
  YAML::Node node_;
  std::string path_;
  std::set<std::string> seen_;
};

#define SZTP_TRY(expr)              \
  do {                              \
    if (auto _s = (expr); !_s) {    \
      return std::move(_s).error(); \
    }                               \
  } while (false)

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
    SZTP_TRY(section.endpoints("listen", b.listen));
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
    SZTP_TRY(section.endpoints("listen", f.listen));
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
    SZTP_TRY(section.endpoints("listen", a.listen));
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

Result<std::chrono::milliseconds> parseDurationMs(std::string_view text) {
  std::size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') {
    ++digits;
  }
  const std::string_view unit = text.substr(digits);
  std::int64_t value = 0;
  if (digits == 0 || digits > 9 ||
      std::from_chars(text.data(), text.data() + digits, value).ec != std::errc()) {
    return Error(CodecErrc::InvalidValue,
                 "\"" + std::string(text) + "\" is not a duration (e.g. 250ms, 10s, 2m, 1h)");
  }
  if (unit == "ms") {
    return std::chrono::milliseconds(value);
  }
  if (unit == "s") {
    return std::chrono::milliseconds(value * 1000);
  }
  if (unit == "m") {
    return std::chrono::milliseconds(value * 60'000);
  }
  if (unit == "h") {
    return std::chrono::milliseconds(value * 3'600'000);
  }
  return Error(CodecErrc::InvalidValue,
               "\"" + std::string(text) + "\": the unit must be ms, s, m or h");
}

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
  try {
    const YAML::Node root = YAML::Load(std::string(yaml));
    if (!root.IsMap()) {
      return Error(CodecErrc::InvalidValue, path.string() + ": the file must be a YAML mapping");
    }
    if (auto ok = readConfig(root, config); !ok) {
      return std::move(ok).error().addContext(path.string());
    }
  } catch (const YAML::Exception& e) {
    return Error(CodecErrc::InvalidValue, path.string() + ": " + e.what());
  }
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
