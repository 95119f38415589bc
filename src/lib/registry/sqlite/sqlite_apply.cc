#include <map>
#include <set>
#include <unordered_map>

#include "registry/registry_error.h"
#include "registry/sqlite/row_codec.h"
#include "registry/sqlite/sqlite_registry_impl.h"
#include "registry/validation.h"
#include "registry/validation_cache.h"

namespace sztp::registry::sqlite {
namespace {

using Reference = std::pair<std::string, std::string>;  // (kind name, object name)

/// A validated change in the form the tables take it.
struct PreparedChange {
  enum class Op { PutObject, RemoveObject, PutDevice, RemoveDevice };
  Op op = Op::PutObject;
  std::string kind;  ///< Object kind name (objects only).
  std::string key;   ///< Object name or serial number.
  std::string body;
  std::string deviceType;
  std::string owner;
  const std::optional<Bytes>* voucher = nullptr;  ///< Into the caller's Device.
  std::vector<Reference> refs;  ///< What this object or device names (deduplicated).
};

std::string kindName(ObjectKind kind) {
  return std::string(objectKindName(kind));
}

std::vector<Reference> profileRefs(const OnboardingProfile& profile) {
  std::set<Reference> refs;
  if (!profile.image.empty()) {
    refs.emplace(kindName(ObjectKind::Image), profile.image);
  }
  for (const auto* script : {&profile.preConfigurationScript, &profile.postConfigurationScript}) {
    if (!script->empty()) {
      refs.emplace(kindName(ObjectKind::Script), *script);
    }
  }
  if (!profile.configuration.empty()) {
    refs.emplace(kindName(ObjectKind::Configuration), profile.configuration);
  }
  return {refs.begin(), refs.end()};
}

ObjectKind profileKind(const Response& response) {
  return response.kind == Response::Kind::Onboarding ? ObjectKind::OnboardingProfile
                                                     : ObjectKind::RedirectProfile;
}

std::vector<Reference> deviceRefs(const Device& device) {
  std::set<Reference> refs;
  for (const auto& response : device.responses) {
    refs.emplace(kindName(profileKind(response)), response.profile);
  }
  return {refs.begin(), refs.end()};
}

Status validateChange(const Change& change, ValidationCache& cache) {
  if (const auto* put = std::get_if<PutObject>(&change)) {
    return validateObject(put->object);
  }
  if (const auto* putDevice = std::get_if<PutDevice>(&change)) {
    return validateDevice(putDevice->device, cache);
  }
  return {};
}

PreparedChange prepareChange(const Change& change) {
  PreparedChange out;
  if (const auto* put = std::get_if<PutObject>(&change)) {
    out.op = PreparedChange::Op::PutObject;
    out.kind = kindName(kindOf(put->object));
    out.key = nameOf(put->object);
    out.body = objectBody(put->object);
    if (const auto* profile = std::get_if<OnboardingProfile>(&put->object)) {
      out.refs = profileRefs(*profile);
    }
  } else if (const auto* remove = std::get_if<RemoveObject>(&change)) {
    out.op = PreparedChange::Op::RemoveObject;
    out.kind = kindName(remove->kind);
    out.key = remove->name;
  } else if (const auto* putDevice = std::get_if<PutDevice>(&change)) {
    out.op = PreparedChange::Op::PutDevice;
    out.key = putDevice->device.serialNumber;
    out.body = deviceBody(putDevice->device);
    out.deviceType = putDevice->device.deviceType;
    out.owner = putDevice->device.owner;
    out.voucher = &putDevice->device.ownershipVoucher;
    out.refs = deviceRefs(putDevice->device);
  } else {
    out.op = PreparedChange::Op::RemoveDevice;
    out.key = std::get<RemoveDevice>(change).serialNumber;
  }
  return out;
}

/// The writes of one batch inside the writer's transaction, then the
/// referential checks against the state they produced (registry.h).
class BatchWriter {
 public:
  explicit BatchWriter(Connection& db) : db_(db) {}

  Status write(const Change& original) {
    const PreparedChange change = prepareChange(original);
    switch (change.op) {
      case PreparedChange::Op::PutObject:
        return putObject(change, std::get<PutObject>(original));
      case PreparedChange::Op::RemoveObject:
        return removeObject(change);
      case PreparedChange::Op::PutDevice:
        return putDevice(change, std::get<PutDevice>(original));
      case PreparedChange::Op::RemoveDevice:
        return removeDevice(change);
    }
    return {};
  }

  Status checkReferences() {
    for (const auto& [serial, device] : putDevices_) {
      if (auto s = checkDevice(*device); !s) {
        return s;
      }
    }
    for (const auto& [name, profile] : putProfiles_) {
      if (auto s = checkProfile(*profile); !s) {
        return s;
      }
    }
    for (const auto& removed : removedObjects_) {
      if (auto s = checkUnused(removed); !s) {
        return s;
      }
    }
    return {};
  }

 private:
  Status putObject(const PreparedChange& change, const PutObject& original) {
    auto upsert = db_.prepare(
        "INSERT INTO objects (kind, name, body) VALUES (?1, ?2, ?3) "
        "ON CONFLICT (kind, name) DO UPDATE SET body = excluded.body");
    if (!upsert) {
      return std::move(upsert).error();
    }
    if (auto s = upsert->bind(1, change.kind).bind(2, change.key).bind(3, change.body).run(); !s) {
      return s;
    }
    removedObjects_.erase({change.kind, change.key});
    if (const auto* profile = std::get_if<OnboardingProfile>(&original.object)) {
      putProfiles_[change.key] = profile;
      if (auto s = replaceRefs("object_refs", "src_kind = ?1 AND src_name = ?2", change); !s) {
        return s;
      }
    }
    return {};
  }

  Status removeObject(const PreparedChange& change) {
    auto remove = db_.prepare("DELETE FROM objects WHERE kind = ?1 AND name = ?2");
    if (!remove) {
      return std::move(remove).error();
    }
    if (auto s = remove->bind(1, change.kind).bind(2, change.key).run(); !s) {
      return s;
    }
    if (db_.changes() == 0) {
      return Error(RegistryErrc::NotFound, change.kind + " " + change.key);
    }
    // Its own references go with it (object_refs cascades).
    if (change.kind == kindName(ObjectKind::OnboardingProfile)) {
      putProfiles_.erase(change.key);
    }
    removedObjects_.emplace(change.kind, change.key);
    return {};
  }

  Status putDevice(const PreparedChange& change, const PutDevice& original) {
    // A stored device keeps its stage and last-seen time: only the
    // operator's fields are replaced.
    auto upsert = db_.prepare(
        "INSERT INTO devices (serial, device_type, owner, stage, last_seen_ms, voucher, body) "
        "VALUES (?1, ?2, ?3, 'registered', 0, ?5, ?4) "
        "ON CONFLICT (serial) DO UPDATE SET device_type = excluded.device_type, "
        "owner = excluded.owner, voucher = excluded.voucher, body = excluded.body");
    if (!upsert) {
      return std::move(upsert).error();
    }
    upsert->bind(1, change.key).bind(2, change.deviceType).bind(3, change.owner);
    if (change.voucher->has_value()) {
      upsert->bind(5, ByteView(**change.voucher));
    } else {
      upsert->bindNull(5);
    }
    if (auto s = upsert->bind(4, change.body).run(); !s) {
      return s;
    }
    putDevices_[change.key] = &original.device;
    return replaceRefs("device_refs", "serial = ?1", change);
  }

  Status removeDevice(const PreparedChange& change) {
    // Events and device_refs cascade.
    auto remove = db_.prepare("DELETE FROM devices WHERE serial = ?1");
    if (!remove) {
      return std::move(remove).error();
    }
    if (auto s = remove->bind(1, change.key).run(); !s) {
      return s;
    }
    if (db_.changes() == 0) {
      return Error(RegistryErrc::NotFound, "device " + change.key);
    }
    putDevices_.erase(change.key);
    return {};
  }

  /// Replaces the rows of `table` that belong to the changed object or
  /// device with its current references.
  Status replaceRefs(const std::string& table, const std::string& owned,
                     const PreparedChange& change) {
    const bool isDevice = table == "device_refs";
    auto clear = db_.prepare("DELETE FROM " + table + " WHERE " + owned);
    if (!clear) {
      return std::move(clear).error();
    }
    if (isDevice) {
      clear->bind(1, change.key);
    } else {
      clear->bind(1, change.kind).bind(2, change.key);
    }
    if (auto s = clear->run(); !s) {
      return s;
    }
    auto insert = db_.prepare(isDevice ? "INSERT INTO device_refs (serial, dst_kind, dst_name) "
                                         "VALUES (?1, ?2, ?3)"
                                       : "INSERT INTO object_refs (src_kind, src_name, dst_kind, "
                                         "dst_name) VALUES (?4, ?1, ?2, ?3)");
    if (!insert) {
      return std::move(insert).error();
    }
    for (const auto& [kind, name] : change.refs) {
      insert->bind(1, change.key).bind(2, kind).bind(3, name);
      if (!isDevice) {
        insert->bind(4, change.kind);
      }
      if (auto s = insert->run(); !s) {
        return s;
      }
    }
    return {};
  }

  Result<bool> exists(ObjectKind kind, const std::string& name) {
    const Reference key{kindName(kind), name};
    if (const auto it = exists_.find(key); it != exists_.end()) {
      return it->second;
    }
    auto stmt = db_.prepare("SELECT 1 FROM objects WHERE kind = ?1 AND name = ?2");
    if (!stmt) {
      return std::move(stmt).error();
    }
    stmt->bind(1, key.first).bind(2, key.second);
    auto row = stmt->step();
    if (!row) {
      return row;
    }
    exists_.emplace(key, *row);
    return *row;
  }

  Status requireObject(const std::string& who, const std::string& field, ObjectKind kind,
                       const std::string& name) {
    auto found = exists(kind, name);
    if (!found) {
      return std::move(found).error();
    }
    if (!*found) {
      return Error(RegistryErrc::DanglingReference,
                   who + ": " + field + ": " + kindName(kind) + " '" + name + "' does not exist");
    }
    return {};
  }

  Status checkDevice(const Device& device) {
    const std::string who = "device " + device.serialNumber;
    if (auto s = requireObject(who, "device-type", ObjectKind::DeviceType, device.deviceType); !s) {
      return s;
    }
    if (!device.owner.empty()) {
      if (auto s = requireObject(who, "owner", ObjectKind::Owner, device.owner); !s) {
        return s;
      }
    }
    for (std::size_t i = 0; i < device.responses.size(); ++i) {
      const auto& response = device.responses[i];
      const std::string field = "responses[" + std::to_string(i) + "].profile";
      if (auto s = requireObject(who, field, profileKind(response), response.profile); !s) {
        return s;
      }
    }
    return {};
  }

  Status checkProfile(const OnboardingProfile& profile) {
    const std::string who = "onboarding-profile " + profile.name;
    const std::pair<const std::string*, std::pair<const char*, ObjectKind>> members[] = {
        {&profile.image, {"image", ObjectKind::Image}},
        {&profile.preConfigurationScript, {"pre-configuration-script", ObjectKind::Script}},
        {&profile.configuration, {"configuration", ObjectKind::Configuration}},
        {&profile.postConfigurationScript, {"post-configuration-script", ObjectKind::Script}},
    };
    for (const auto& [name, field] : members) {
      if (!name->empty()) {
        if (auto s = requireObject(who, field.first, field.second, *name); !s) {
          return s;
        }
      }
    }
    return {};
  }

  /// A removed object must not be named by anything left after the batch.
  Status checkUnused(const Reference& removed) {
    const auto& [kind, name] = removed;
    std::string sql;
    std::string user;
    if (kind == kindName(ObjectKind::DeviceType)) {
      sql = "SELECT serial FROM devices WHERE device_type = ?2 LIMIT 1";
      user = "device";
    } else if (kind == kindName(ObjectKind::Owner)) {
      sql = "SELECT serial FROM devices WHERE owner = ?2 LIMIT 1";
      user = "device";
    } else if (kind == kindName(ObjectKind::OnboardingProfile) ||
               kind == kindName(ObjectKind::RedirectProfile)) {
      sql = "SELECT serial FROM device_refs WHERE dst_kind = ?1 AND dst_name = ?2 LIMIT 1";
      user = "device";
    } else {
      sql = "SELECT src_name FROM object_refs WHERE dst_kind = ?1 AND dst_name = ?2 LIMIT 1";
      user = kindName(ObjectKind::OnboardingProfile);
    }
    auto stmt = db_.prepare(sql);
    if (!stmt) {
      return std::move(stmt).error();
    }
    stmt->bind(1, kind).bind(2, name);
    auto row = stmt->step();
    if (!row) {
      return std::move(row).error();
    }
    if (*row) {
      return Error(RegistryErrc::InUse,
                   kind + " " + name + " is used by " + user + " " + stmt->text(0));
    }
    return {};
  }

  Connection& db_;
  std::unordered_map<std::string, const Device*> putDevices_;
  std::map<std::string, const OnboardingProfile*> putProfiles_;
  std::set<Reference> removedObjects_;
  std::map<Reference, bool> exists_;
};

}  // namespace

Result<std::int64_t> SqliteRegistry::apply(const std::vector<Change>& changes) {
  // Validation (regexes, certificates) runs before the writer lock is taken;
  // serialising happens change by change inside the transaction, so a bulk
  // import never holds a second copy of every device in memory.
  ValidationCache cache;
  for (const auto& change : changes) {
    if (auto s = validateChange(change, cache); !s) {
      return std::move(s).error();
    }
  }

  std::lock_guard lock(writerMutex_);
  Connection& db = *writer_;
  if (changes.empty()) {
    return db.queryInteger("SELECT value FROM registry_meta WHERE key = 'revision'");
  }
  db.rollbackQuietly();
  auto result = [&]() -> Result<std::int64_t> {
    if (auto s = db.exec("BEGIN IMMEDIATE"); !s) {
      return std::move(s).error();
    }
    BatchWriter batch(db);
    for (const auto& change : changes) {
      if (auto s = batch.write(change); !s) {
        return std::move(s).error();
      }
    }
    if (auto s = batch.checkReferences(); !s) {
      return std::move(s).error();
    }
    if (auto s = db.exec("UPDATE registry_meta SET value = value + 1 WHERE key = 'revision'"); !s) {
      return std::move(s).error();
    }
    auto revision = db.queryInteger("SELECT value FROM registry_meta WHERE key = 'revision'");
    if (!revision) {
      return revision;
    }
    if (auto s = db.exec("COMMIT"); !s) {
      return std::move(s).error();
    }
    return revision;
  }();
  if (!result) {
    db.rollbackQuietly();
    return result;
  }
  checkpointIfLarge();
  return result;
}

}  // namespace sztp::registry::sqlite
