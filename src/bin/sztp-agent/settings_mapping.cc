#include "settings_mapping.h"

#include "identity_loader.h"

namespace sztp::agentd {
namespace {

std::chrono::seconds seconds(std::chrono::milliseconds ms) {
  return std::max(std::chrono::seconds(1), std::chrono::duration_cast<std::chrono::seconds>(ms));
}

agent::SourceKind sourceKind(const std::string& name) {
  if (name == "removable-storage") {
    return agent::SourceKind::RemovableStorage;
  }
  if (name == "dhcp") {
    return agent::SourceKind::Dhcp;
  }
  if (name == "dns") {
    return agent::SourceKind::Dns;
  }
  if (name == "well-known") {
    return agent::SourceKind::WellKnown;
  }
  return agent::SourceKind::Url;
}

model::Assertion assertion(const std::string& name) {
  if (name == "logged") {
    return model::Assertion::Logged;
  }
  if (name == "proximity") {
    return model::Assertion::Proximity;
  }
  if (name == "agent-proximity") {
    return model::Assertion::AgentProximity;
  }
  return model::Assertion::Verified;
}

}  // namespace

Result<agent::AgentSettings> toSettings(const AgentConfig& config) {
  agent::AgentSettings s;
  s.sourceOrder.clear();
  for (const auto& name : config.sources.order) {
    s.sourceOrder.push_back(sourceKind(name));
  }
  s.maxRedirectDepth = static_cast<int>(config.trust.redirectDepth);
  s.sendNonce = config.trust.sendNonce;
  s.voucherPolicy.requireNonce = config.trust.requireNonce;
  s.voucherPolicy.acceptedAssertions.clear();
  for (const auto& name : config.trust.acceptedAssertions) {
    s.voucherPolicy.acceptedAssertions.push_back(assertion(name));
  }
  auto anchors = loadCertificates(config.trust.voucherTrustAnchors);
  if (!anchors) {
    return std::move(anchors).error().addContext("trust.voucher-trust-anchors");
  }
  s.voucherTrustAnchors = std::move(*anchors);
  s.useClock = config.trust.trustedClock;

  const auto& o = config.onboarding;
  s.installCommand = o.installer;
  s.configMergeCommand = o.applyMerge;
  s.configReplaceCommand = o.applyReplace;
  s.configDirectory = o.configurationDirectory.string();
  s.rebootCommand = o.reboot;
  s.scriptTimeout = seconds(o.scriptTimeout);
  s.installTimeout = seconds(o.installTimeout);
  s.applyTimeout = seconds(o.applyTimeout);
  s.downloadTimeout = seconds(o.downloadTimeout);
  s.maxImageBytes = o.maxImageBytes;
  s.workDirectory = o.workDirectory.string();
  s.reportEncoding = o.encoding == "xml" ? model::Encoding::Xml : model::Encoding::Json;

  const auto& r = config.retry;
  s.retry.initialBackoff = r.initialBackoff;
  s.retry.maxBackoff = r.maxBackoff;
  s.retry.jitterFraction = r.jitter;
  s.retry.maxCycles = static_cast<std::uint32_t>(r.maxCycles);
  return s;
}

}  // namespace sztp::agentd
