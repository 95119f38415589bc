#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"

namespace sztp::server {

// The sztp-server configuration file (YAML; every key is documented in
// docs/server.md and examples/server/sztp-server.yaml). Paths are relative to
// the directory of the configuration file. Unknown keys are refused, so a
// typo never silently falls back to a default.

struct Endpoint {
  std::string address;  ///< Literal IPv4 or IPv6 (no brackets).
  std::uint16_t port = 0;
};

struct Timeouts {
  std::chrono::milliseconds handshake{10'000};
  std::chrono::milliseconds header{10'000};
  std::chrono::milliseconds body{30'000};
  std::chrono::milliseconds idle{30'000};
  std::chrono::milliseconds handler{30'000};
};

struct TlsFiles {
  std::filesystem::path certificate;  ///< PEM chain, server certificate first.
  std::filesystem::path key;          ///< PEM private key.
  std::string minVersion = "1.2";
  bool sessionTickets = false;
  std::string cipherList;    ///< "" = the transport's modern default.
  std::string cipherSuites;  ///< "" = the transport's default.
};

struct BootstrapListener {
  std::vector<Endpoint> listen{{"::", 443}};
  TlsFiles tls;
  std::string restconfRoot = "/restconf";
  std::size_t maxBodyBytes = 1024 * 1024;
  std::size_t maxConnections = 4096;
  Timeouts timeouts;
};

struct FileServer {
  bool enabled = false;
  std::vector<Endpoint> listen{{"::", 8443}};
  std::optional<TlsFiles> tls;  ///< Absent: the bootstrap listener's certificate.
  std::filesystem::path root;
  enum class ClientCertificates {
    None,
    Request,
    Require
  } clientCertificates = ClientCertificates::None;
  /// Base URLs put in front of image file names in download URIs; several
  /// mirrors spread the load. Default: https://<first listen address>:<port>.
  std::vector<std::string> baseUrls;
  std::size_t maxConnections = 4096;
};

struct AdminListener {
  std::vector<Endpoint> listen{{"127.0.0.1", 8080}};
  std::optional<TlsFiles> tls;  ///< Absent: plain HTTP (allowed on loopback only).
  /// Files each holding one bearer token (a line); the server keeps digests.
  std::vector<std::filesystem::path> tokenFiles;
  /// PEM files of CAs whose client certificates may administer.
  std::vector<std::filesystem::path> clientCaFiles;
  /// Plain HTTP on a non-loopback address needs this explicit switch and is
  /// logged as a warning at every start.
  bool allowInsecureRemote = false;
};

struct Logging {
  std::string level = "info";  ///< debug, info, notice, warning, error.
  bool syslog = false;         ///< Also to syslog(3) (the local syslog daemon).
  std::string syslogFacility = "daemon";
  std::string syslogIdent = "sztp-server";
};

struct ServerConfig {
  std::filesystem::path configFile;
  std::filesystem::path registryPath = "/var/lib/sztp/registry.db";
  /// Applied at start and on every SIGHUP when set (idempotent).
  std::optional<std::filesystem::path> inventory;
  bool inventoryPrune = false;
  /// PEM files of the manufacturers' voucher-signing (MASA) trust anchors.
  /// When set, vouchers in the inventory file and in admin bulk imports must
  /// verify to one of them; unset, they are decoded and their serial numbers
  /// checked, and the device alone checks their signatures (D23).
  std::vector<std::filesystem::path> voucherTrustAnchorFiles;
  std::size_t ioThreads = 2;
  /// Most handlers wait on a durable registry commit (a report is answered
  /// 204 only once stored): many threads let many requests share one commit.
  /// 64 onboarded 28% faster than 8 at 200 concurrent devices, for 1.3 ms of
  /// CPU per onboarding instead of 1.7 (docs/performance.md, run F).
  std::size_t handlerThreads = 64;
  BootstrapListener bootstrap;
  FileServer files;
  AdminListener admin;
  Logging logging;
  std::size_t signedCacheEntries = 4096;
  std::chrono::milliseconds shutdownGrace{10'000};
};

/// Parses the YAML text of a configuration file at `path` (for relative
/// paths and messages). Errors name the key and line.
Result<ServerConfig> parseServerConfig(std::string_view yaml, const std::filesystem::path& path);

/// "0.0.0.0:443", "[::]:443", "127.0.0.1:0".
Result<Endpoint> parseEndpoint(std::string_view text);

}  // namespace sztp::server
