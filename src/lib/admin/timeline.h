#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "registry/inventory.h"
#include "registry/records.h"

namespace sztp::admin {

/// One bootstrapping-log event as an operator reads it.
struct TimelineEntry {
  registry::DeviceEvent event;
  std::string time;     ///< RFC 3339 UTC with milliseconds: "2025-03-01T10:00:00.250Z".
  std::string summary;  ///< One line: what happened.
  /// Further lines: inputs, why a response was chosen, SSH host keys and
  /// trust anchors received, notes.
  std::vector<std::string> details;
  bool problem = false;  ///< A refusal, an *-error or *-warning report.
};

/// A device and its bootstrapping log, oldest first: the operator's main
/// debugging view (`sztp admin device show SERIAL`, GET .../timeline).
struct Timeline {
  registry::Device device;
  std::vector<TimelineEntry> entries;
  std::uint64_t omitted = 0;  ///< Older events left out (the view keeps the newest).
};

/// Builds the view from stored records; never fails: a detail that does not
/// parse is shown as it is.
Timeline buildTimeline(const registry::Device& device,
                       const std::vector<registry::DeviceEvent>& events, std::uint64_t omitted);

/// Plain text: a device header, then one line per event
/// ("<time>  <kind>  <source>  <summary>") with indented detail lines.
std::string renderTimelineText(const Timeline& timeline);

/// {"device": {...}, "omitted": N, "entries": [{"event": {...}, "time": ...,
///  "summary": ..., "details": [...], "problem": bool}]}; the device without
/// secrets, plus "activation-code-set".
nlohmann::json timelineJson(const Timeline& timeline);

/// Unix milliseconds as RFC 3339 UTC with milliseconds.
std::string formatTimeMs(std::int64_t ms);

/// "SHA256:<unpadded base64>" of the key blob, as `ssh-keygen -l` prints it.
std::string sshFingerprint(const Bytes& keyBlob);

}  // namespace sztp::admin
