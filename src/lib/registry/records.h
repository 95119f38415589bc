#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "model/bootstrap_rpc.h"

namespace sztp::registry {

/// One entry of a device's bootstrapping log: what it sent, what it was
/// answered and why, every progress report. `sztp admin device show SERIAL`
/// prints these in order.
struct DeviceEvent {
  enum class Kind {
    Request,   ///< get-bootstrapping-data received: inputs in `detailJson`.
    Response,  ///< Answer sent: response name, profile, signed/encrypted, why chosen.
    Rejected,  ///< Request refused: `reason` holds the reason code.
    Progress,  ///< report-progress: type, message, host keys and trust anchors.
  };
  std::int64_t id = 0;  ///< Assigned by the registry, increasing; 0 on append.
  std::string serialNumber;
  std::int64_t timeMs = 0;  ///< Unix ms, from the caller's clock.
  Kind kind = Kind::Request;
  std::string sourceAddress;
  std::optional<model::ProgressType> progressType;  ///< Kind::Progress only.
  std::string reason;      ///< Stable reason code, for Rejected (and error progress, if known).
  std::string message;     ///< Progress message, or a one-line summary.
  std::string detailJson;  ///< A JSON object with everything else; "{}" when nothing.
  bool operator==(const DeviceEvent&) const = default;
};

/// A device's LDevID state (RFC 9646, S19–S22), kept by the bootstrap server
/// beside the device (never part of the inventory: put and export leave it
/// alone; removing the device removes it).
struct LdevidState {
  std::string serialNumber;
  /// A csr-request was sent and no certificate issued since (S19).
  bool requestPending = false;
  /// The key that request asked for: a key-generation algorithm name
  /// ("ec-p256"), or "" for the IDevID's own key (S20).
  std::string requestedKeyAlgorithm;
  std::int64_t requestedMs = 0;  ///< Unix ms of the request; 0 = none.
  /// The LDevID last issued, DER; empty when none has been.
  Bytes certificate;
  std::int64_t issuedMs = 0;
  bool operator==(const LdevidState&) const = default;
};

/// One audited request on any listener (southbound, admin, file server).
struct AuditRecord {
  std::int64_t id = 0;  ///< Assigned by the registry; 0 on append.
  std::int64_t timeMs = 0;
  std::string listener;       ///< "bootstrap", "admin", "files".
  std::string sourceAddress;  ///< "192.0.2.7:51234" / "[2001:db8::7]:51234".
  std::string identity;       ///< Serial number, admin name, or "" when unauthenticated.
  std::string method;
  std::string path;
  int status = 0;
  std::string reason;  ///< Stable reason code of a refusal; "" on success.
  std::int64_t durationUs = 0;
  bool operator==(const AuditRecord&) const = default;
};

std::string_view deviceEventKindName(DeviceEvent::Kind kind);  ///< "request", ...
std::optional<DeviceEvent::Kind> deviceEventKindFromName(std::string_view name);

}  // namespace sztp::registry
