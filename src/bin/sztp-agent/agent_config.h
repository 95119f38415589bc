#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"

namespace sztp::agentd {

// The sztp-agent configuration file (YAML). Every key is documented in
// docs/agent.md and examples/agent/sztp-agent.yaml. Relative paths are taken
// relative to the configuration file's folder. Unknown keys are refused.

struct IdentityConfig {
  /// PEM: the IDevID certificate first, then the intermediates sent with it (D15).
  std::filesystem::path certificate;
  /// A PEM private key file, or an OpenSSL store URI when `key-provider` is
  /// set (e.g. "handle:0x81000001" with the tpm2 provider, D9).
  std::string key;
  /// OpenSSL provider to load for the key ("tpm2"); "" = keys in files.
  std::string keyProvider;
  /// Overrides the serial number read from the IDevID (I4). Normally unset.
  std::optional<std::string> serialNumber;
  /// hw-model sent to the server (I6); unset = the DMI product name.
  std::optional<std::string> hwModel;
  std::filesystem::path dmiProductNameFile = "/sys/class/dmi/id/product_name";
  /// A file holding the HTTP Basic password (D6); only sent to trusted servers (D58).
  std::optional<std::filesystem::path> basicPasswordFile;
};

struct TrustConfig {
  /// PEM files of the ownership-voucher trust anchors (D8). None = every
  /// signed bundle is refused (fail closed).
  std::vector<std::filesystem::path> voucherTrustAnchors;
  std::vector<std::string> acceptedAssertions{"verified", "logged", "proximity",
                                              "agent-proximity"};  ///< D25
  bool sendNonce = false;          ///< Ask servers for nonce-bearing vouchers (D28).
  bool requireNonce = false;       ///< Refuse vouchers without the nonce sent (D34).
  bool trustedClock = true;        ///< false: skip validity-period checks (D24, D34).
  std::size_t redirectDepth = 10;  ///< D18: at most 10.
};

struct WellKnownServer {
  std::string host;
  std::uint16_t port = 443;
  /// PEM file with the anchor(s) that authenticate this server (D7).
  std::filesystem::path trustAnchor;
};

struct SourcesConfig {
  std::vector<std::string> order{"removable-storage", "dhcp", "dns", "well-known", "url"};
  std::vector<std::filesystem::path> removableStoragePaths{"/media/sztp", "/run/media/sztp"};
  std::vector<std::filesystem::path> dhcpLeaseDirectories;  ///< empty = the four clients' defaults
  bool dhcpInform = true;                   ///< Also ask each interface (DHCPINFORM/Info-Request).
  std::vector<std::string> dhcpInterfaces;  ///< empty = every interface that is up
  std::chrono::milliseconds dhcpInformTimeout{3000};
  std::vector<std::string> dnsDomains;      ///< empty = resolv.conf search/domain
  std::vector<std::string> dnsNameservers;  ///< IP literals; empty = resolv.conf nameserver
  std::uint16_t dnsPort = 53;
  std::filesystem::path resolvConf = "/etc/resolv.conf";
  /// mDNS (X5, RFC 6762): asked before unicast DNS; defaults as agentio::DnsConfig.
  bool mdns = true;
  std::chrono::milliseconds mdnsTimeout{1000};  ///< per query; more than 0
  std::vector<std::string> mdnsInterfaces;      ///< empty = every multicast interface that is up
  bool mdnsV4 = true;                           ///< query 224.0.0.251
  bool mdnsV6 = true;                           ///< query ff02::fb
  std::vector<WellKnownServer> wellKnown;
  std::vector<std::string> bootstrapUrls;  ///< https://host[:port] (labs; also --bootstrap-url)
};

struct OnboardingConfig {
  std::filesystem::path workDirectory;  ///< default <state-directory>/work
  std::vector<std::string> installer;   ///< argv, "{image}" replaced by the image path
  std::vector<std::string> reboot{"/bin/systemctl", "reboot"};
  std::vector<std::string> applyMerge;    ///< argv, "{config}" replaced; empty = write file
  std::vector<std::string> applyReplace;  ///< argv, "{config}" replaced; empty = write file
  std::filesystem::path configurationDirectory = "/etc/sztp/config.d";
  std::chrono::milliseconds scriptTimeout{600'000};
  std::chrono::milliseconds installTimeout{1'800'000};
  std::chrono::milliseconds applyTimeout{300'000};
  std::chrono::milliseconds downloadTimeout{1'800'000};
  std::uint64_t maxImageBytes = 16ULL << 30;
  /// Anchors for https file servers; none = the server is not authenticated
  /// (D45 allows it: the image hash is what is trusted).
  std::vector<std::filesystem::path> fileServerTrustAnchors;
  std::optional<std::string> osName;     ///< default: os-release NAME
  std::optional<std::string> osVersion;  ///< default: os-release VERSION_ID
  std::filesystem::path osReleaseFile = "/etc/os-release";
  /// Changes at every boot; tells a finished reboot from an agent restart.
  std::filesystem::path bootIdFile = "/proc/sys/kernel/random/boot_id";
  std::filesystem::path sshHostKeyDirectory = "/etc/ssh";
  std::vector<std::filesystem::path> reportTrustAnchors;  ///< PEM, sent with bootstrap-complete
  std::string encoding = "json";                          ///< json or xml
};

struct RetryConfig {
  std::chrono::milliseconds initialBackoff{5000};
  std::chrono::milliseconds maxBackoff{600'000};
  double jitter = 0.2;
  std::size_t maxCycles = 0;  ///< 0 = keep trying (D4)
  std::chrono::milliseconds requestTimeout{30'000};
  std::chrono::milliseconds connectTimeout{10'000};
};

struct LoggingConfig {
  std::string level = "info";
  /// "udp://host:port" or "tcp://host:port" (RFC 5424); "" = none.
  std::string syslogServer;
  std::string syslogFacility = "daemon";
};

struct AgentConfig {
  std::filesystem::path configFile;
  std::filesystem::path stateDirectory = "/var/lib/sztp-agent";
  std::filesystem::path stepRunner = "/usr/libexec/sztp/sztp-step-runner";
  IdentityConfig identity;
  TrustConfig trust;
  SourcesConfig sources;
  OnboardingConfig onboarding;
  RetryConfig retry;
  LoggingConfig logging;
};

/// Parses the YAML text of the file at `path` (for relative paths and
/// messages). Errors name the key and line.
Result<AgentConfig> parseAgentConfig(std::string_view yaml, const std::filesystem::path& path);

}  // namespace sztp::agentd
