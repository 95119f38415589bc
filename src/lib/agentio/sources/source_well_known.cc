#include "agentio/sources/source_well_known.h"

#include "agentio/sources/source_files.h"
#include "crypto/certificate.h"
#include "discovery/discovery_error.h"

namespace sztp::agentio {
namespace {
constexpr std::size_t kMaxAnchorFile = 1024 * 1024;
}

WellKnownSource::WellKnownSource(WellKnownConfig config) : config_(std::move(config)) {}

Result<std::vector<agent::SourceYield>> WellKnownSource::discover() {
  std::vector<agent::SourceYield> out;
  if (config_.servers.empty()) {
    return out;
  }
  agent::SourceYield yield;
  yield.kind = agent::SourceKind::WellKnown;
  yield.origin = "well-known servers";
  for (const auto& file : config_.anchorFiles) {
    auto content = readFileCapped(file, kMaxAnchorFile);
    if (!content) {
      return Error(discovery::DiscoveryErrc::SourceUnavailable,
                   "cannot read trust anchor file " + file);
    }
    if (content->size() > kMaxAnchorFile) {
      return Error(discovery::DiscoveryErrc::InputTooLarge, "trust anchor file " + file);
    }
    auto certs = crypto::Certificate::listFromAny(*content);
    if (!certs) {
      Error error = std::move(certs).error();
      error.addContext("trust anchor file " + file);
      return error;
    }
    yield.serverTrustAnchors.insert(yield.serverTrustAnchors.end(), certs->begin(), certs->end());
  }
  for (const auto& server : config_.servers) {
    yield.servers.push_back({server.host, server.port, std::nullopt});
  }
  out.push_back(std::move(yield));
  return out;
}

}  // namespace sztp::agentio
