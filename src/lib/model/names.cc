// Enumeration and identity names of the SZTP modules, spelled exactly as the
// modules define them.
#include <array>

#include "model/bootstrap_rpc.h"
#include "model/conveyed_info.h"
#include "model/voucher.h"

namespace sztp::model {
namespace {

// Module order of ietf-sztp-bootstrap-server report-progress/progress-type;
// the ProgressType enumerators follow the same order (checklist §2).
constexpr std::array<std::string_view, kProgressTypeCount> kProgressTypeNames = {
    "bootstrap-initiated",  "parsing-initiated",
    "parsing-warning",      "parsing-error",
    "parsing-complete",     "boot-image-initiated",
    "boot-image-warning",   "boot-image-error",
    "boot-image-mismatch",  "boot-image-installed-rebooting",
    "boot-image-complete",  "pre-script-initiated",
    "pre-script-warning",   "pre-script-error",
    "pre-script-complete",  "config-initiated",
    "config-warning",       "config-error",
    "config-complete",      "post-script-initiated",
    "post-script-warning",  "post-script-error",
    "post-script-complete", "bootstrap-warning",
    "bootstrap-error",      "bootstrap-complete",
    "informational",
};

// ietf-voucher assertion, with the rfc8366bis value agent-proximity (checklist §5).
constexpr std::array<std::string_view, 4> kAssertionNames = {"verified", "logged", "proximity",
                                                             "agent-proximity"};

}  // namespace

std::string_view hashAlgorithmName(HashAlgorithm algorithm) {
  switch (algorithm) {
    case HashAlgorithm::Sha256:
      return "sha-256";
  }
  return "sha-256";
}

std::string_view configurationHandlingName(ConfigurationHandling handling) {
  return handling == ConfigurationHandling::Merge ? "merge" : "replace";
}

std::string_view reportingLevelName(ReportingLevel level) {
  return level == ReportingLevel::Minimal ? "minimal" : "verbose";
}

std::string_view assertionName(Assertion assertion) {
  const auto index = static_cast<std::size_t>(assertion);
  return index < kAssertionNames.size() ? kAssertionNames[index] : std::string_view("unknown");
}

std::optional<Assertion> assertionFromName(std::string_view name) {
  for (std::size_t i = 0; i < kAssertionNames.size(); ++i) {
    if (kAssertionNames[i] == name) {
      return static_cast<Assertion>(i);
    }
  }
  return std::nullopt;
}

std::string_view progressTypeName(ProgressType type) {
  const auto index = static_cast<std::size_t>(type);
  return index < kProgressTypeNames.size() ? kProgressTypeNames[index]
                                           : std::string_view("unknown");
}

std::optional<ProgressType> progressTypeFromName(std::string_view name) {
  for (std::size_t i = 0; i < kProgressTypeNames.size(); ++i) {
    if (kProgressTypeNames[i] == name) {
      return static_cast<ProgressType>(i);
    }
  }
  return std::nullopt;
}

bool isTerminating(ProgressType type) {
  // Checklist §2: every *-error, boot-image-installed-rebooting and bootstrap-complete.
  switch (type) {
    case ProgressType::ParsingError:
    case ProgressType::BootImageError:
    case ProgressType::PreScriptError:
    case ProgressType::ConfigError:
    case ProgressType::PostScriptError:
    case ProgressType::BootstrapError:
    case ProgressType::BootImageInstalledRebooting:
    case ProgressType::BootstrapComplete:
      return true;
    default:
      return false;
  }
}

}  // namespace sztp::model
