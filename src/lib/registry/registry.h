#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/result.h"
#include "registry/inventory.h"
#include "registry/records.h"

namespace sztp::registry {

/// A change of the inventory; a batch of them is applied atomically.
struct PutObject {
  InventoryObject object;  ///< Inserted, or replaces the object of the same kind and name.
};
struct RemoveObject {
  ObjectKind kind = ObjectKind::DeviceType;
  std::string name;
};
struct PutDevice {
  Device device;  ///< Inserted or replaced; stage and lastSeenMs of a stored device are kept.
};
struct RemoveDevice {
  std::string serialNumber;  ///< Also removes the device's events (not its audit records).
};
using Change = std::variant<PutObject, RemoveObject, PutDevice, RemoveDevice>;

struct DeviceFilter {
  std::string deviceType;            ///< "" = any.
  std::string owner;                 ///< "" = any.
  std::optional<DeviceStage> stage;  ///< nullopt = any.
  std::string afterSerial;           ///< Keyset pagination: serials > this, in order.
  std::size_t limit = 100;           ///< At most this many (0 = no limit).
};

struct AuditFilter {
  std::int64_t afterId = 0;
  std::string identity;  ///< "" = any.
  std::size_t limit = 100;
};

/// The server's storage (issue 3, "Registry"). Every backend (SQLite now,
/// PostgreSQL later) passes the same conformance suite
/// (src/lib/registry/tests/registry_conformance.h).
///
/// Contract for every backend:
///  - Thread-safe: any method may be called from any thread concurrently.
///  - Durable on return: when a mutating call returns ok, the change survives
///    a crash or kill of the process (a 204 to report-progress is only sent
///    after appendEvent returned ok).
///  - Referential integrity: a device's deviceType must exist; its owner, when
///    not empty, must exist; a profile named by a response must exist with the
///    kind the response says; a profile's image/scripts/configuration must
///    exist. Removing an object still referenced fails with `in-use`. Checks
///    apply to the state after the whole batch, so a batch may add an owner
///    and the devices that reference it in any order.
///  - Objects are validated (validateObject/validateDevice) before storing;
///    an invalid one fails the batch with `invalid-object` naming the field.
///  - Time is never read: callers put timestamps in the records.
class Registry {
 public:
  virtual ~Registry() = default;

  /// Applies every change or none, in order (a later change sees the earlier
  /// ones). Removing an object or device that does not exist fails with
  /// `not-found`. Returns the new revision (the current one for an empty batch).
  virtual Result<std::int64_t> apply(const std::vector<Change>& changes) = 0;
  /// Increases by at least one with every successful apply() that changed
  /// something (events and audit records do not count). Caches key on it.
  virtual Result<std::int64_t> revision() = 0;

  virtual Result<std::optional<InventoryObject>> getObject(ObjectKind kind,
                                                           std::string_view name) = 0;
  /// Sorted by name.
  virtual Result<std::vector<InventoryObject>> listObjects(ObjectKind kind) = 0;

  virtual Result<std::optional<Device>> getDevice(std::string_view serialNumber) = 0;
  /// Sorted by serial number, octet by octet; at most `limit` (0 = no limit).
  virtual Result<std::vector<Device>> listDevices(const DeviceFilter& filter) = 0;
  /// Devices matching the filter's type, owner, stage and afterSerial; `limit`
  /// does not apply.
  virtual Result<std::uint64_t> countDevices(const DeviceFilter& filter) = 0;
  /// Number of devices in each stage (every stage present, zero included).
  virtual Result<std::map<DeviceStage, std::uint64_t>> countDevicesByStage() = 0;

  /// Appends to the device's bootstrapping log and updates the device's stage
  /// and lastSeenMs in the same transaction: every event (a progress report is
  /// a request too) sets lastSeenMs to its timeMs unless that is earlier than
  /// the stored value; a Response moves a Registered device to Contacted; a
  /// Progress event sets the stage its type implies (stageAfter). Fails with
  /// `not-found` for an unknown serial, `invalid-object` when progressType is
  /// set on anything but a Progress event or missing on one. Returns the
  /// event's id.
  virtual Result<std::int64_t> appendEvent(const DeviceEvent& event) = 0;
  /// The device's events with id > afterId, oldest first; at most `limit`
  /// (0 = no limit). An unknown serial has no events (not an error).
  virtual Result<std::vector<DeviceEvent>> listEvents(std::string_view serialNumber,
                                                      std::int64_t afterId, std::size_t limit) = 0;

  /// The device's LDevID state (RFC 9646), or nullopt when none was ever
  /// stored (no csr-request sent, no certificate issued) or the device is
  /// unknown.
  virtual Result<std::optional<LdevidState>> getLdevidState(std::string_view serialNumber) = 0;
  /// Appends `event` exactly as appendEvent does and replaces the device's
  /// LDevID state with `state`, in one transaction: both or neither, so the
  /// log never names a certificate the state does not hold. Fails like
  /// appendEvent, and with `invalid-object` when the two serial numbers
  /// differ. PutDevice keeps the state; RemoveDevice removes it.
  virtual Result<std::int64_t> appendEventWithLdevid(const DeviceEvent& event,
                                                     const LdevidState& state) = 0;

  virtual Result<std::int64_t> appendAudit(const AuditRecord& record) = 0;
  /// Stores several audit records, each durably on success. A backend may
  /// write them in one transaction (SQLite does); this default stores them
  /// one by one and stops at the first failure.
  virtual Status appendAudits(const std::vector<AuditRecord>& records) {
    for (const auto& record : records) {
      if (auto stored = appendAudit(record); !stored) {
        return std::move(stored).error();
      }
    }
    return {};
  }
  /// Records with id > afterId (and the identity, when set), oldest first; at
  /// most `limit` (0 = no limit).
  virtual Result<std::vector<AuditRecord>> listAudit(const AuditFilter& filter) = 0;
};

/// The stage a device is in after reporting `type` when it was in `current`:
/// every *-error → Failed; boot-image-installed-rebooting → Rebooting;
/// bootstrap-complete → Completed; informational leaves Completed, Failed and
/// Rebooting alone (it reports, it does not restart) and otherwise, like every
/// other type, → Bootstrapping (a device reporting again after a failure or a
/// reboot is trying again).
DeviceStage stageAfter(DeviceStage current, model::ProgressType type);

}  // namespace sztp::registry
