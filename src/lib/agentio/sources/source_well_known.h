#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "agent/ports.h"

namespace sztp::agentio {

struct WellKnownServer {
  std::string host;  ///< DNS name or IP literal (IPv6 without brackets).
  std::uint16_t port = 443;
};

struct WellKnownConfig {
  std::vector<WellKnownServer> servers;
  /// PEM (one or more certificates) or DER files with the anchors that
  /// authenticate these servers' TLS certificates (D7), kept where nothing
  /// else writes.
  std::vector<std::string> anchorFiles;
};

/// D7: the configured well-known bootstrap servers, as one yield of kind
/// WellKnown with `serverTrustAnchors` loaded from the anchor files. Fails
/// when an anchor file cannot be read or parsed (fail closed: servers listed
/// with anchors are never contacted without them). No servers: no yield.
class WellKnownSource : public agent::SourceProvider {
 public:
  explicit WellKnownSource(WellKnownConfig config);
  agent::SourceKind kind() const override { return agent::SourceKind::WellKnown; }
  Result<std::vector<agent::SourceYield>> discover() override;

 private:
  WellKnownConfig config_;
};

}  // namespace sztp::agentio
