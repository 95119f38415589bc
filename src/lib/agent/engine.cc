#include "agent/engine.h"

#include <algorithm>
#include <cmath>

#include "crypto/cms.h"

namespace sztp::agent {

std::string_view sourceKindName(SourceKind kind) {
  switch (kind) {
    case SourceKind::RemovableStorage:
      return "removable-storage";
    case SourceKind::Dhcp:
      return "dhcp";
    case SourceKind::Dns:
      return "dns";
    case SourceKind::WellKnown:
      return "well-known";
    case SourceKind::Url:
      return "url";
  }
  return "unknown";
}

std::string serverLabel(const ServerRef& server) {
  const bool v6 = server.host.find(':') != std::string::npos;
  return (v6 ? "[" + server.host + "]" : server.host) + ":" + std::to_string(server.port);
}

Result<std::vector<crypto::Certificate>> certificatesOf(ByteView trustAnchorCms) {
  auto bag = crypto::parseCertificateBag(trustAnchorCms);
  if (!bag) {
    return std::move(bag).error();
  }
  return std::move(bag->certificates);
}

namespace {

WorkItem makeItem(ServerRef server, std::vector<crypto::Certificate> anchors, int depth,
                  SourceKind source, const std::string& origin, const DeviceIdentity& identity) {
  WorkItem item;
  // D58: a secret only travels where the server is authenticated.
  item.endpoint.sendBasicAuth = !anchors.empty() && identity.basicPassword.has_value();
  item.endpoint.trustAnchors = std::move(anchors);
  item.endpoint.server = std::move(server);
  item.depth = depth;
  item.source = source;
  item.origin = origin;
  return item;
}

}  // namespace

std::vector<WorkItem> sourceTargets(const SourceYield& yield, const DeviceIdentity& identity) {
  std::vector<WorkItem> items;
  for (const auto& server : yield.servers) {
    std::vector<crypto::Certificate> anchors = yield.serverTrustAnchors;
    // A configured well-known server's own anchor is local configuration
    // (D7); anything a network source carried is discarded (D39).
    if (yield.kind == SourceKind::WellKnown && server.trustAnchorCms) {
      if (auto certs = certificatesOf(*server.trustAnchorCms)) {
        anchors.insert(anchors.end(), certs->begin(), certs->end());
      }
    }
    ServerRef ref = server;
    ref.trustAnchorCms.reset();
    items.push_back(
        makeItem(std::move(ref), std::move(anchors), 0, yield.kind, yield.origin, identity));
  }
  return items;
}

std::vector<WorkItem> redirectTargets(const model::RedirectInformation& redirect, bool trusted,
                                      int depth, SourceKind source, const std::string& origin,
                                      const DeviceIdentity& identity) {
  std::vector<WorkItem> items;
  for (const auto& server : redirect.bootstrapServers) {
    std::vector<crypto::Certificate> anchors;
    if (trusted && server.trustAnchor) {
      // D37. An unparseable anchor leaves the server provisional (D38).
      if (auto certs = certificatesOf(*server.trustAnchor)) {
        anchors = std::move(certs).value();
      }
    }
    ServerRef ref{server.address, server.effectivePort(), std::nullopt};
    items.push_back(makeItem(std::move(ref), std::move(anchors), depth, source, origin, identity));
  }
  return items;
}

std::size_t nonceLength(const AgentSettings& settings) {
  return std::clamp<std::size_t>(settings.nonceLength, 16, 32);
}

model::GetBootstrappingDataInput makeRequest(const AgentSettings& settings,
                                             const DeviceIdentity& identity,
                                             bool serverAuthenticated,
                                             const std::optional<Bytes>& nonce) {
  model::GetBootstrappingDataInput input;
  input.nonce = nonce;
  if (!serverAuthenticated) {
    input.signedDataPreferred = true;  // D57: and nothing that identifies the device further.
    return input;
  }
  if (settings.sendHwModel) {
    input.hwModel = identity.hwModel;
  }
  if (settings.sendOsName) {
    input.osName = identity.osName;
  }
  if (settings.sendOsVersion) {
    input.osVersion = identity.osVersion;
  }
  return input;
}

trust::ValidationContext makeValidationContext(const AgentSettings& settings,
                                               const DeviceIdentity& identity, bool sourceTrusted,
                                               const std::optional<Bytes>& nonce,
                                               std::optional<TimePoint> now) {
  trust::ValidationContext context;
  context.voucherTrustAnchors = settings.voucherTrustAnchors;
  context.serialNumber = identity.serialNumber;
  context.idevid = identity.idevid;
  context.idevidKey = identity.key;
  context.nonce = nonce;
  context.now = settings.useClock ? now : std::nullopt;
  context.sourceTrusted = sourceTrusted;
  context.policy = settings.voucherPolicy;
  return context;
}

ImageDecision decideBootImage(const model::BootImage& image,
                              const std::optional<std::string>& runningName,
                              const std::optional<std::string>& runningVersion,
                              const std::optional<InstalledImage>& installed,
                              std::string_view currentBootId) {
  // Without os-name/os-version there is nothing to compare; installing would
  // repeat on every boot, so the criteria count as met.
  if (!image.osName && !image.osVersion) {
    return ImageDecision::NotNeeded;
  }
  const bool nameOk = !image.osName || image.osName == runningName;
  const bool versionOk = !image.osVersion || image.osVersion == runningVersion;
  if (nameOk && versionOk) {
    return ImageDecision::NotNeeded;
  }
  if (installed && installed->osName == image.osName && installed->osVersion == image.osVersion &&
      !installed->bootIdAtReboot.empty() && installed->bootIdAtReboot != currentBootId) {
    return ImageDecision::NotRunningAfterReboot;
  }
  return ImageDecision::Install;
}

ScriptVerdict classifyScript(const StepResult& result) {
  if (result.timedOut) {
    return ScriptVerdict::Timeout;
  }
  if (result.exitCode == 0) {
    return ScriptVerdict::Success;
  }
  if (result.exitCode == 1) {
    return ScriptVerdict::Warning;
  }
  return ScriptVerdict::Error;
}

bool shouldReport(model::ProgressType type, const OnboardingSession& session) {
  if (!session.server || !session.serverTrusted) {
    return false;  // D53
  }
  if (type == model::ProgressType::BootstrapInitiated ||
      type == model::ProgressType::BootstrapWarning || model::isTerminating(type)) {
    return true;  // D54 minimum
  }
  return session.reportingLevel == model::ReportingLevel::Verbose;
}

std::string reportMessage(std::string_view reason, std::string_view detail) {
  std::string message(reason);
  if (!detail.empty()) {
    message += ": ";
    message += detail;
  }
  return message;
}

std::string outputTail(std::string_view output, std::size_t max) {
  if (output.size() <= max) {
    return std::string(output);
  }
  std::string_view tail = output.substr(output.size() - max);
  if (auto newline = tail.find('\n'); newline != std::string_view::npos && newline < max / 2) {
    tail.remove_prefix(newline + 1);
  }
  return std::string(tail);
}

std::vector<std::string> expandArgv(const std::vector<std::string>& argv,
                                    std::string_view placeholder, std::string_view value) {
  std::vector<std::string> out;
  out.reserve(argv.size());
  for (std::string arg : argv) {
    for (auto pos = arg.find(placeholder); pos != std::string::npos;
         pos = arg.find(placeholder, pos + value.size())) {
      arg.replace(pos, placeholder.size(), value);
    }
    out.push_back(std::move(arg));
  }
  return out;
}

std::chrono::milliseconds backoffDelay(const RetryPolicy& policy, std::uint32_t failedCycles,
                                       double unitRandom) {
  const double initial = static_cast<double>(policy.initialBackoff.count());
  const double cap = static_cast<double>(policy.maxBackoff.count());
  const std::uint32_t exponent =
      failedCycles == 0 ? 0 : std::min<std::uint32_t>(failedCycles - 1, 40);
  double delay = std::min(initial * std::pow(2.0, exponent), cap);
  const double jitter = std::clamp(policy.jitterFraction, 0.0, 1.0);
  const double r = std::clamp(unitRandom, 0.0, 1.0);
  delay *= 1.0 - jitter + 2.0 * jitter * r;
  return std::chrono::milliseconds(static_cast<std::int64_t>(std::max(0.0, delay)));
}

std::string reasonOf(const Error& error) {
  return std::string(error.reason());
}

bool isUnusableAnswer(std::string_view reason) {
  // The client's stable codes (client_error.cc); the agent library does not
  // depend on the client, only on its reason codes.
  return reason == "server-answer-too-large" || reason == "server-answer-truncated" ||
         reason == "server-answer-malformed" || reason == "server-answer-media-type";
}

}  // namespace sztp::agent
