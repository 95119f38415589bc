#include "registry/registry_error.h"

#include <array>

namespace sztp::registry {
namespace {

#define SZTP_REASON(e, code, text)                \
  ReasonInfo {                                    \
    static_cast<int>(RegistryErrc::e), code, text \
  }

constexpr std::array kReasons{
    SZTP_REASON(NotFound, "not-found",
                "the named device or inventory object does not exist; check the name or "
                "serial number, or add it first"),
    SZTP_REASON(InUse, "in-use",
                "the object is still referenced by a device, response or profile; change or "
                "remove those first, or do it in the same batch"),
    SZTP_REASON(DanglingReference, "dangling-reference",
                "a reference names an object that does not exist or is of another kind; add "
                "the object in the same batch or fix the name"),
    SZTP_REASON(InvalidObject, "invalid-object",
                "an inventory object or device has a missing or malformed field; the detail "
                "names it"),
    SZTP_REASON(StorageFailure, "storage-failure",
                "the registry database failed (disk full, permissions, locking or I/O); see "
                "the detail and the server's storage"),
    SZTP_REASON(SchemaTooNew, "schema-too-new",
                "the registry database was written by a newer sztp-server; run that version "
                "or restore a backup made before the upgrade"),
    SZTP_REASON(StorageCorrupt, "storage-corrupt",
                "the registry file is not an sztp registry database or is damaged; check the "
                "configured path or restore a backup"),
};

#undef SZTP_REASON

}  // namespace

const ReasonCategory& registryCategory() noexcept {
  // Function-local so initialisation order across libraries cannot matter.
  static const ReasonCategory category("sztp.registry", kReasons);
  return category;
}

}  // namespace sztp::registry
