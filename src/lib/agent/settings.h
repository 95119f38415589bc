#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "agent/ports.h"
#include "crypto/certificate.h"
#include "model/encoding.h"
#include "trust/signed_data_validator.h"

namespace sztp::agent {

/// Retries between cycles (issue 4 item 6): the n-th failed cycle waits
/// min(initial * 2^(n-1), max) * (1 ± jitter).
struct RetryPolicy {
  std::chrono::milliseconds initialBackoff{std::chrono::seconds(5)};
  std::chrono::milliseconds maxBackoff{std::chrono::minutes(10)};
  double jitterFraction = 0.2;  ///< 0..1
  std::uint32_t maxCycles = 0;  ///< 0 = forever.
};

/// Everything the agent's algorithm is configured with. The binaries fill it
/// from the YAML config; the defaults follow the checklist.
struct AgentSettings {
  /// False after `ztp disable`: a cycle does nothing and reports Disabled.
  bool enabled = true;
  /// Order in which source kinds are asked (D4, D5: local first).
  std::vector<SourceKind> sourceOrder = {SourceKind::RemovableStorage, SourceKind::Dhcp,
                                         SourceKind::Dns, SourceKind::WellKnown, SourceKind::Url};
  /// Deepest redirect nesting followed (D18: at most 10).
  int maxRedirectDepth = 10;

  /// Send a fresh nonce in get-bootstrapping-data (D28).
  bool sendNonce = false;
  std::size_t nonceLength = 32;  ///< Clamped to 16..32 (RFC 8572 §7.3).
  trust::VoucherPolicy voucherPolicy;
  /// Voucher trust anchors (D8); empty means no signed data can be trusted.
  std::vector<crypto::Certificate> voucherTrustAnchors;
  /// Whether the device clock is trusted (D24, D34). When false, validation
  /// runs with now = nullopt: validity periods are not checked, so set
  /// voucherPolicy.requireNonce and sendNonce.
  bool useClock = true;

  /// Commands. "{image}" in an argument is replaced by the staged image path,
  /// "{config}" by the staged configuration path.
  std::vector<std::string> installCommand;  ///< Empty: a boot image cannot be installed.
  std::vector<std::string> configMergeCommand;
  std::vector<std::string> configReplaceCommand;
  /// Where the configuration goes when no apply command is set: the file
  /// <configDirectory>/sztp-configuration.<xml|json|cfg>, written atomically.
  std::string configDirectory = "/etc/sztp/configuration";
  std::vector<std::string> rebootCommand = {"/sbin/reboot"};
  std::chrono::seconds scriptTimeout{300};
  std::chrono::seconds installTimeout{1800};
  std::chrono::seconds applyTimeout{300};
  std::chrono::seconds downloadTimeout{1800};
  std::chrono::seconds rebootTimeout{60};
  std::uint64_t maxImageBytes = 0;  ///< 0 = unlimited.
  /// Free space the work directory must have before a download; 0 means
  /// maxImageBytes (and no check when both are 0).
  std::uint64_t requiredFreeBytes = 0;
  /// The whole environment of scripts and commands (clean, D48); the driver
  /// adds SZTP_SESSION, SZTP_STEP and, for the configuration,
  /// SZTP_CONFIG_HANDLING.
  std::map<std::string, std::string> commandEnvironment = {
      {"PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}};
  /// Holds the staged image, scripts and configuration.
  std::string workDirectory = "/var/lib/sztp/work";
  /// The output tail put into a report message.
  std::size_t reportOutputTail = 512;

  RetryPolicy retry;
  model::Encoding reportEncoding = model::Encoding::Json;  ///< Informational (the client decides).
  bool sendHwModel = true;
  bool sendOsName = true;
  bool sendOsVersion = true;
};

}  // namespace sztp::agent
