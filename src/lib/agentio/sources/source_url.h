#pragma once

#include <string>
#include <vector>

#include "agent/ports.h"

namespace sztp::agentio {

/// The explicit `--bootstrap-url https://host[:port]` for labs: one yield of
/// kind Url with that server, contacted provisionally (no anchors, D38).
class UrlSource : public agent::SourceProvider {
 public:
  /// Each URL must pass the X16 check (dhcp::parseBootstrapServerUri):
  /// https, host, optional port, no path. Invalid ones make discover() fail
  /// with dhcp-invalid-uri, naming the URL; use validate() at configuration time.
  explicit UrlSource(std::vector<std::string> urls);
  agent::SourceKind kind() const override { return agent::SourceKind::Url; }
  Result<std::vector<agent::SourceYield>> discover() override;
  /// The X16 check alone, for --check-config.
  static Status validate(const std::string& url);

 private:
  std::vector<std::string> urls_;
};

}  // namespace sztp::agentio
