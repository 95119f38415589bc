#include "agent_config.h"

#include <yaml-cpp/yaml.h>

#include <charconv>

#include "common/codec_error.h"
#include "config/yaml_section.h"

namespace sztp::agentd {
namespace {

namespace fs = std::filesystem;
using config::Section;

fs::path resolve(const fs::path& base, const fs::path& p) {
  return p.empty() || p.is_absolute() ? p : base / p;
}

Status readArgv(Section& section, const std::string& key, std::vector<std::string>& out) {
  if (!section.has(key)) {
    return {};
  }
  if (!section.get(key).IsSequence()) {
    return section.error(section.get(key), key,
                         "must be a list: the program and its arguments, e.g. [/usr/sbin/foo, "
                         "\"{image}\"]");
  }
  return section.list(key, out);
}

Status readIdentity(Section& top, AgentConfig& config, const fs::path& base) {
  if (!top.has("identity")) {
    return Error(CodecErrc::InvalidValue,
                 "identity: is required (the IDevID certificate and key the device "
                 "authenticates with)");
  }
  Section s = top.child("identity");
  auto& id = config.identity;
  SZTP_TRY(s.path("certificate", id.certificate, base));
  SZTP_TRY(s.scalar("key-provider", id.keyProvider));
  SZTP_TRY(s.scalar("key", id.key));
  if (id.certificate.empty() || id.key.empty()) {
    return s.error(top.get("identity"), "", "needs both certificate and key");
  }
  if (id.keyProvider.empty()) {
    id.key = resolve(base, id.key).string();
  }
  std::string text;
  if (s.has("serial-number")) {
    SZTP_TRY(s.scalar("serial-number", text));
    id.serialNumber = text;
  }
  if (s.has("hw-model")) {
    SZTP_TRY(s.scalar("hw-model", text));
    id.hwModel = text;
  }
  SZTP_TRY(s.path("dmi-product-name-file", id.dmiProductNameFile, base));
  if (s.has("basic-auth-password-file")) {
    fs::path file;
    SZTP_TRY(s.path("basic-auth-password-file", file, base));
    id.basicPasswordFile = file;
  }
  return s.finish();
}

Status readTrust(Section& top, AgentConfig& config, const fs::path& base) {
  if (!top.has("trust")) {
    return {};
  }
  Section s = top.child("trust");
  auto& t = config.trust;
  SZTP_TRY(s.paths("voucher-trust-anchors", t.voucherTrustAnchors, base));
  SZTP_TRY(s.list("accepted-assertions", t.acceptedAssertions));
  for (const auto& a : t.acceptedAssertions) {
    if (a != "verified" && a != "logged" && a != "proximity" && a != "agent-proximity") {
      return s.error(s.get("accepted-assertions"), "accepted-assertions",
                     "\"" + a + "\" is not verified, logged, proximity or agent-proximity");
    }
  }
  SZTP_TRY(s.flag("send-nonce", t.sendNonce));
  SZTP_TRY(s.flag("require-nonce", t.requireNonce));
  SZTP_TRY(s.flag("trusted-clock", t.trustedClock));
  SZTP_TRY(s.count("redirect-depth", t.redirectDepth, 1, 10));
  if (t.requireNonce && !t.sendNonce) {
    return s.error(s.get("require-nonce"), "require-nonce",
                   "needs send-nonce: true (a voucher can only carry a nonce the device sent)");
  }
  return s.finish();
}

Status readWellKnown(Section& s, const std::string& key, std::vector<WellKnownServer>& out,
                     const fs::path& base) {
  if (!s.has(key)) {
    return {};
  }
  const YAML::Node list = s.get(key);
  if (!list.IsSequence()) {
    return s.error(list, key, "must be a list of {host, port, trust-anchor}");
  }
  for (std::size_t i = 0; i < list.size(); ++i) {
    Section entry(list[i], s.childPath(key) + "[" + std::to_string(i) + "]");
    WellKnownServer server;
    SZTP_TRY(entry.scalar("host", server.host));
    std::size_t port = 443;
    SZTP_TRY(entry.count("port", port, 1, 65535));
    server.port = static_cast<std::uint16_t>(port);
    SZTP_TRY(entry.path("trust-anchor", server.trustAnchor, base));
    if (server.host.empty() || server.trustAnchor.empty()) {
      return entry.error(list[i], "",
                         "needs host and trust-anchor (a well-known server is one the device "
                         "authenticates, D7)");
    }
    SZTP_TRY(entry.finish());
    out.push_back(std::move(server));
  }
  return {};
}

// The mDNS keys of sources.dns (X5).
Status readMdns(Section& d, SourcesConfig& src) {
  SZTP_TRY(d.flag("mdns", src.mdns));
  SZTP_TRY(d.duration("mdns-timeout", src.mdnsTimeout));
  if (src.mdnsTimeout.count() <= 0) {
    return d.error(d.get("mdns-timeout"), "mdns-timeout",
                   "must be more than 0 (answers are collected for this long)");
  }
  SZTP_TRY(d.list("mdns-interfaces", src.mdnsInterfaces));
  SZTP_TRY(d.flag("mdns-ipv4", src.mdnsV4));
  SZTP_TRY(d.flag("mdns-ipv6", src.mdnsV6));
  if (src.mdns && !src.mdnsV4 && !src.mdnsV6) {
    return d.error(d.get("mdns-ipv6"), "mdns-ipv6",
                   "mdns-ipv4 and mdns-ipv6 are both false; to turn mDNS off, set mdns: false");
  }
  return {};
}

Status readSources(Section& top, AgentConfig& config, const fs::path& base) {
  if (!top.has("sources")) {
    return {};
  }
  Section s = top.child("sources");
  auto& src = config.sources;
  SZTP_TRY(s.list("order", src.order));
  for (const auto& kind : src.order) {
    if (kind != "removable-storage" && kind != "dhcp" && kind != "dns" && kind != "well-known" &&
        kind != "url") {
      return s.error(s.get("order"), "order",
                     "\"" + kind + "\" is not removable-storage, dhcp, dns, well-known or url");
    }
  }
  SZTP_TRY(s.paths("removable-storage", src.removableStoragePaths, base));
  if (s.has("dhcp")) {
    Section d = s.child("dhcp");
    SZTP_TRY(d.paths("lease-directories", src.dhcpLeaseDirectories, base));
    SZTP_TRY(d.flag("inform", src.dhcpInform));
    SZTP_TRY(d.list("interfaces", src.dhcpInterfaces));
    SZTP_TRY(d.duration("inform-timeout", src.dhcpInformTimeout));
    SZTP_TRY(d.finish());
  }
  if (s.has("dns")) {
    Section d = s.child("dns");
    SZTP_TRY(d.list("domains", src.dnsDomains));
    SZTP_TRY(d.list("nameservers", src.dnsNameservers));
    std::size_t port = src.dnsPort;
    SZTP_TRY(d.count("port", port, 1, 65535));
    src.dnsPort = static_cast<std::uint16_t>(port);
    SZTP_TRY(d.path("resolv-conf", src.resolvConf, base));
    SZTP_TRY(readMdns(d, src));
    SZTP_TRY(d.finish());
  }
  SZTP_TRY(readWellKnown(s, "well-known", src.wellKnown, base));
  SZTP_TRY(s.list("bootstrap-urls", src.bootstrapUrls));
  return s.finish();
}

Status readSize(Section& s, const std::string& key, std::uint64_t& out) {
  std::string text;
  if (auto ok = s.scalar(key, text); !ok || text.empty()) {
    return ok;
  }
  std::uint64_t value = 0;
  const char* end = text.data() + text.size();
  auto [p, ec] = std::from_chars(text.data(), end, value);
  std::uint64_t unit = 1;
  const std::string_view suffix(p, static_cast<std::size_t>(end - p));
  if (suffix == "K") {
    unit = 1ULL << 10;
  } else if (suffix == "M") {
    unit = 1ULL << 20;
  } else if (suffix == "G") {
    unit = 1ULL << 30;
  } else if (!suffix.empty()) {
    ec = std::errc::invalid_argument;
  }
  if (ec != std::errc() || p == text.data() || value > (~0ULL) / unit) {
    return s.error(s.get(key), key, "must be a size such as 4096, 512M or 8G");
  }
  out = value * unit;
  return {};
}

Status readOnboarding(Section& top, AgentConfig& config, const fs::path& base) {
  if (!top.has("onboarding")) {
    return {};
  }
  Section s = top.child("onboarding");
  auto& o = config.onboarding;
  SZTP_TRY(s.path("work-directory", o.workDirectory, base));
  SZTP_TRY(readArgv(s, "installer", o.installer));
  SZTP_TRY(readArgv(s, "reboot", o.reboot));
  SZTP_TRY(readArgv(s, "apply-merge", o.applyMerge));
  SZTP_TRY(readArgv(s, "apply-replace", o.applyReplace));
  SZTP_TRY(s.path("configuration-directory", o.configurationDirectory, base));
  SZTP_TRY(s.duration("script-timeout", o.scriptTimeout));
  SZTP_TRY(s.duration("install-timeout", o.installTimeout));
  SZTP_TRY(s.duration("apply-timeout", o.applyTimeout));
  SZTP_TRY(s.duration("download-timeout", o.downloadTimeout));
  SZTP_TRY(readSize(s, "max-image-size", o.maxImageBytes));
  SZTP_TRY(s.paths("file-server-trust-anchors", o.fileServerTrustAnchors, base));
  std::string text;
  if (s.has("os-name")) {
    SZTP_TRY(s.scalar("os-name", text));
    o.osName = text;
  }
  if (s.has("os-version")) {
    SZTP_TRY(s.scalar("os-version", text));
    o.osVersion = text;
  }
  SZTP_TRY(s.path("os-release-file", o.osReleaseFile, base));
  SZTP_TRY(s.path("boot-id-file", o.bootIdFile, base));
  SZTP_TRY(s.path("ssh-host-key-directory", o.sshHostKeyDirectory, base));
  SZTP_TRY(s.paths("report-trust-anchors", o.reportTrustAnchors, base));
  SZTP_TRY(s.choice("encoding", o.encoding, {"json", "xml"}));
  return s.finish();
}

Status readRetry(Section& top, AgentConfig& config) {
  if (!top.has("retry")) {
    return {};
  }
  Section s = top.child("retry");
  auto& r = config.retry;
  SZTP_TRY(s.duration("initial-backoff", r.initialBackoff));
  SZTP_TRY(s.duration("max-backoff", r.maxBackoff));
  std::size_t percent = static_cast<std::size_t>(r.jitter * 100);
  SZTP_TRY(s.count("jitter-percent", percent, 0, 100));
  r.jitter = static_cast<double>(percent) / 100.0;
  SZTP_TRY(s.count("max-cycles", r.maxCycles, 0, 1'000'000));
  SZTP_TRY(s.duration("request-timeout", r.requestTimeout));
  SZTP_TRY(s.duration("connect-timeout", r.connectTimeout));
  if (r.maxBackoff < r.initialBackoff) {
    return s.error(s.get("max-backoff"), "max-backoff", "must not be less than initial-backoff");
  }
  return s.finish();
}

Status readLogging(Section& top, AgentConfig& config) {
  if (!top.has("logging")) {
    return {};
  }
  Section s = top.child("logging");
  auto& l = config.logging;
  SZTP_TRY(s.choice("level", l.level, {"debug", "info", "notice", "warning", "error"}));
  SZTP_TRY(s.scalar("syslog-server", l.syslogServer));
  if (!l.syslogServer.empty() && l.syslogServer.rfind("udp://", 0) != 0 &&
      l.syslogServer.rfind("tcp://", 0) != 0) {
    return s.error(s.get("syslog-server"), "syslog-server",
                   "must be udp://host:port or tcp://host:port");
  }
  SZTP_TRY(s.choice("syslog-facility", l.syslogFacility,
                    {"daemon", "user", "local0", "local1", "local2", "local3", "local4", "local5",
                     "local6", "local7"}));
  return s.finish();
}

Status readConfig(const YAML::Node& root, AgentConfig& config) {
  const fs::path base = config.configFile.parent_path();
  Section top(root, "");
  SZTP_TRY(top.path("state-directory", config.stateDirectory, base));
  SZTP_TRY(top.path("step-runner", config.stepRunner, base));
  SZTP_TRY(readIdentity(top, config, base));
  SZTP_TRY(readTrust(top, config, base));
  SZTP_TRY(readSources(top, config, base));
  SZTP_TRY(readOnboarding(top, config, base));
  SZTP_TRY(readRetry(top, config));
  SZTP_TRY(readLogging(top, config));
  if (config.onboarding.workDirectory.empty()) {
    config.onboarding.workDirectory = config.stateDirectory / "work";
  }
  return top.finish();
}

}  // namespace

Result<AgentConfig> parseAgentConfig(std::string_view yaml, const fs::path& path) {
  AgentConfig config;
  config.configFile = path;
  SZTP_TRY(config::readConfigFile(
      yaml, path, [&](const YAML::Node& root) { return readConfig(root, config); }));
  return config;
}

}  // namespace sztp::agentd
