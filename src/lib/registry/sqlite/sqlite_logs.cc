#include <algorithm>
#include <span>

#include "registry/registry_error.h"
#include "registry/sqlite/sqlite_registry_impl.h"
#include "registry/validation.h"

namespace sztp::registry::sqlite {
namespace {

// Appends committed together at most; bounds the latency one caller adds to
// the others waiting on the same commit.
constexpr std::size_t kMaxAppendBatch = 512;

std::int64_t sqlLimit(std::size_t limit) {
  return limit == 0 ? -1 : static_cast<std::int64_t>(limit);
}

Status checkEvent(const DeviceEvent& event) {
  if (auto s = validateSerial(event.serialNumber); !s) {
    return s;
  }
  if ((event.kind == DeviceEvent::Kind::Progress) != event.progressType.has_value()) {
    return Error(RegistryErrc::InvalidObject,
                 "event of device " + event.serialNumber +
                     ": progress-type is set for progress events and only for them");
  }
  return {};
}

/// The device's state after `event` (registry.h, appendEvent).
std::pair<DeviceStage, std::int64_t> afterEvent(DeviceStage stage, std::int64_t lastSeenMs,
                                                const DeviceEvent& event) {
  // Every event is a request from the device (a progress report too), so
  // each one moves last-seen forward; never backward, as concurrent
  // requests may be appended out of time order.
  const std::int64_t seen = std::max(lastSeenMs, event.timeMs);
  switch (event.kind) {
    case DeviceEvent::Kind::Response:
      return {stage == DeviceStage::Registered ? DeviceStage::Contacted : stage, seen};
    case DeviceEvent::Kind::Progress:
      return {stageAfter(stage, *event.progressType), seen};
    case DeviceEvent::Kind::Request:
    case DeviceEvent::Kind::Rejected:
      break;
  }
  return {stage, seen};
}

}  // namespace

Result<std::int64_t> SqliteRegistry::appendEvent(const DeviceEvent& event) {
  if (auto s = checkEvent(event); !s) {
    return std::move(s).error();
  }
  PendingAppend pending;
  pending.event = &event;
  return submit(pending);
}

Result<std::int64_t> SqliteRegistry::appendAudit(const AuditRecord& record) {
  PendingAppend pending;
  pending.audit = &record;
  return submit(pending);
}

Status SqliteRegistry::appendAudits(const std::vector<AuditRecord>& records) {
  std::vector<PendingAppend> pendings(records.size());
  for (std::size_t i = 0; i < records.size(); ++i) {
    pendings[i].audit = &records[i];
  }
  submitAll(pendings);
  for (const auto& pending : pendings) {
    if (!pending.result) {
      return pending.result.error();
    }
  }
  return {};
}

Result<std::int64_t> SqliteRegistry::submit(PendingAppend& pending) {
  submitAll({&pending, 1});
  return pending.result;
}

void SqliteRegistry::submitAll(std::span<PendingAppend> pendings) {
  // Group commit: the first caller to find no commit in progress becomes the
  // leader and writes everything queued in one transaction; the others wait
  // for the commit that holds their records. Each caller returns only after
  // the commits holding all of its records, so durability on return holds
  // for every one of them.
  std::unique_lock lock(appendMutex_);
  for (auto& pending : pendings) {
    appendQueue_.push_back(&pending);
  }
  const auto allDone = [&] {
    return std::all_of(pendings.begin(), pendings.end(), [](const auto& p) { return p.done; });
  };
  while (!allDone()) {
    if (appendLeader_) {
      appendDone_.wait(lock);
      continue;
    }
    appendLeader_ = true;
    std::vector<PendingAppend*> batch;
    while (!appendQueue_.empty() && batch.size() < kMaxAppendBatch) {
      batch.push_back(appendQueue_.front());
      appendQueue_.pop_front();
    }
    lock.unlock();
    writeAppends(batch);
    lock.lock();
    for (auto* entry : batch) {
      entry->done = true;
    }
    appendLeader_ = false;
    appendDone_.notify_all();
  }
}

void SqliteRegistry::writeAppends(const std::vector<PendingAppend*>& batch) {
  std::lock_guard lock(writerMutex_);
  Connection& db = *writer_;
  db.rollbackQuietly();
  const auto fail = [&](const Error& error) {
    db.rollbackQuietly();
    for (auto* entry : batch) {
      entry->result = error;
    }
  };
  if (auto s = db.exec("BEGIN IMMEDIATE"); !s) {
    fail(s.error());
    return;
  }
  for (auto* entry : batch) {
    entry->result = entry->event != nullptr ? appendEventLocked(*entry->event)
                                            : appendAuditLocked(*entry->audit);
    // An unknown device fails that caller alone (it wrote nothing); any other
    // failure leaves the transaction in doubt and fails the whole batch.
    if (!entry->result && entry->result.error() != RegistryErrc::NotFound) {
      fail(entry->result.error());
      return;
    }
  }
  if (auto s = db.exec("COMMIT"); !s) {
    fail(s.error());
    return;
  }
  checkpointIfLarge();
}

Result<std::int64_t> SqliteRegistry::appendEventLocked(const DeviceEvent& event) {
  Connection& db = *writer_;
  std::string stageText;
  std::int64_t lastSeenMs = 0;
  {
    auto device = db.prepare("SELECT stage, last_seen_ms FROM devices WHERE serial = ?1");
    if (!device) {
      return std::move(device).error();
    }
    device->bind(1, event.serialNumber);
    auto row = device->step();
    if (!row) {
      return std::move(row).error();
    }
    if (!*row) {
      return Error(RegistryErrc::NotFound, "device " + event.serialNumber);
    }
    stageText = device->text(0);
    lastSeenMs = device->integer(1);
  }
  const auto stage = deviceStageFromName(stageText);
  if (!stage) {
    return Error(RegistryErrc::StorageCorrupt,
                 "device " + event.serialNumber + ": unknown stage '" + stageText + "'");
  }
  auto insert = db.prepare(
      "INSERT INTO events (serial, time_ms, kind, source_address, progress_type, reason, "
      "message, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  if (!insert) {
    return std::move(insert).error();
  }
  insert->bind(1, event.serialNumber)
      .bind(2, event.timeMs)
      .bind(3, deviceEventKindName(event.kind));
  insert->bind(4, event.sourceAddress);
  if (event.progressType) {
    insert->bind(5, model::progressTypeName(*event.progressType));
  } else {
    insert->bindNull(5);
  }
  insert->bind(6, event.reason).bind(7, event.message).bind(8, event.detailJson);
  if (auto s = insert->run(); !s) {
    return std::move(s).error();
  }
  const std::int64_t id = db.lastInsertId();

  const auto [newStage, newSeen] = afterEvent(*stage, lastSeenMs, event);
  if (newStage != *stage || newSeen != lastSeenMs) {
    auto update = db.prepare("UPDATE devices SET stage = ?2, last_seen_ms = ?3 WHERE serial = ?1");
    if (!update) {
      return std::move(update).error();
    }
    update->bind(1, event.serialNumber).bind(2, deviceStageName(newStage)).bind(3, newSeen);
    if (auto s = update->run(); !s) {
      return std::move(s).error();
    }
  }
  return id;
}

Result<std::int64_t> SqliteRegistry::appendAuditLocked(const AuditRecord& record) {
  Connection& db = *writer_;
  auto insert = db.prepare(
      "INSERT INTO audit (time_ms, listener, source_address, identity, method, path, status, "
      "reason, duration_us) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
  if (!insert) {
    return std::move(insert).error();
  }
  insert->bind(1, record.timeMs).bind(2, record.listener).bind(3, record.sourceAddress);
  insert->bind(4, record.identity).bind(5, record.method).bind(6, record.path);
  insert->bind(7, static_cast<std::int64_t>(record.status)).bind(8, record.reason);
  insert->bind(9, record.durationUs);
  if (auto s = insert->run(); !s) {
    return std::move(s).error();
  }
  return db.lastInsertId();
}

Result<std::int64_t> SqliteRegistry::appendEventWithLdevid(const DeviceEvent& event,
                                                           const LdevidState& state) {
  if (auto s = checkEvent(event); !s) {
    return std::move(s).error();
  }
  if (state.serialNumber != event.serialNumber) {
    return Error(RegistryErrc::InvalidObject, "LDevID state of device " + state.serialNumber +
                                                  " with an event of device " + event.serialNumber);
  }
  // Rare (a device's csr-request and its issuance), so it takes the writer
  // directly instead of joining the group commit of plain appends.
  std::lock_guard lock(writerMutex_);
  Connection& db = *writer_;
  db.rollbackQuietly();
  if (auto s = db.exec("BEGIN IMMEDIATE"); !s) {
    return std::move(s).error();
  }
  auto id = appendEventLocked(event);
  if (!id) {
    db.rollbackQuietly();
    return id;
  }
  auto upsert = db.prepare(
      "INSERT INTO ldevids (serial, request_pending, requested_key_algorithm, requested_ms, "
      "certificate, issued_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (serial) DO UPDATE SET "
      "request_pending = excluded.request_pending, "
      "requested_key_algorithm = excluded.requested_key_algorithm, "
      "requested_ms = excluded.requested_ms, certificate = excluded.certificate, "
      "issued_ms = excluded.issued_ms");
  if (!upsert) {
    db.rollbackQuietly();
    return std::move(upsert).error();
  }
  upsert->bind(1, state.serialNumber)
      .bind(2, std::int64_t{state.requestPending ? 1 : 0})
      .bind(3, state.requestedKeyAlgorithm)
      .bind(4, state.requestedMs);
  upsert->bind(5, ByteView(state.certificate)).bind(6, state.issuedMs);
  if (auto s = upsert->run(); !s) {
    db.rollbackQuietly();
    return std::move(s).error();
  }
  if (auto s = db.exec("COMMIT"); !s) {
    db.rollbackQuietly();
    return std::move(s).error();
  }
  checkpointIfLarge();
  return id;
}

Result<std::optional<LdevidState>> SqliteRegistry::getLdevidState(std::string_view serialNumber) {
  auto db = read();
  auto stmt = db->prepare(
      "SELECT request_pending, requested_key_algorithm, requested_ms, certificate, issued_ms "
      "FROM ldevids WHERE serial = ?1");
  if (!stmt) {
    return std::move(stmt).error();
  }
  stmt->bind(1, serialNumber);
  auto row = stmt->step();
  if (!row) {
    return std::move(row).error();
  }
  if (!*row) {
    return std::optional<LdevidState>();
  }
  LdevidState state;
  state.serialNumber = std::string(serialNumber);
  state.requestPending = stmt->integer(0) != 0;
  state.requestedKeyAlgorithm = stmt->text(1);
  state.requestedMs = stmt->integer(2);
  state.certificate = stmt->blob(3);
  state.issuedMs = stmt->integer(4);
  return std::optional<LdevidState>(std::move(state));
}

Result<std::vector<DeviceEvent>> SqliteRegistry::listEvents(std::string_view serialNumber,
                                                            std::int64_t afterId,
                                                            std::size_t limit) {
  auto db = read();
  auto stmt = db->prepare(
      "SELECT id, time_ms, kind, source_address, progress_type, reason, message, detail "
      "FROM events WHERE serial = ?1 AND id > ?2 ORDER BY id LIMIT ?3");
  if (!stmt) {
    return std::move(stmt).error();
  }
  stmt->bind(1, serialNumber).bind(2, afterId).bind(3, sqlLimit(limit));
  std::vector<DeviceEvent> out;
  while (true) {
    auto row = stmt->step();
    if (!row) {
      return std::move(row).error();
    }
    if (!*row) {
      return out;
    }
    DeviceEvent event;
    event.id = stmt->integer(0);
    event.serialNumber = std::string(serialNumber);
    event.timeMs = stmt->integer(1);
    const auto kind = deviceEventKindFromName(stmt->text(2));
    if (!kind) {
      return Error(RegistryErrc::StorageCorrupt,
                   "event " + std::to_string(event.id) + ": unknown kind '" + stmt->text(2) + "'");
    }
    event.kind = *kind;
    event.sourceAddress = stmt->text(3);
    if (!stmt->isNull(4)) {
      event.progressType = model::progressTypeFromName(stmt->text(4));
      if (!event.progressType) {
        return Error(RegistryErrc::StorageCorrupt, "event " + std::to_string(event.id) +
                                                       ": unknown progress type '" + stmt->text(4) +
                                                       "'");
      }
    }
    event.reason = stmt->text(5);
    event.message = stmt->text(6);
    event.detailJson = stmt->text(7);
    out.push_back(std::move(event));
  }
}

Result<std::vector<AuditRecord>> SqliteRegistry::listAudit(const AuditFilter& filter) {
  auto db = read();
  const std::string columns =
      "SELECT id, time_ms, listener, source_address, identity, method, path, status, reason, "
      "duration_us FROM audit WHERE id > ?1";
  auto stmt = db->prepare(columns + (filter.identity.empty() ? "" : " AND identity = ?2") +
                          " ORDER BY id LIMIT ?3");
  if (!stmt) {
    return std::move(stmt).error();
  }
  stmt->bind(1, filter.afterId).bind(3, sqlLimit(filter.limit));
  if (!filter.identity.empty()) {
    stmt->bind(2, filter.identity);
  }
  std::vector<AuditRecord> out;
  while (true) {
    auto row = stmt->step();
    if (!row) {
      return std::move(row).error();
    }
    if (!*row) {
      return out;
    }
    AuditRecord record;
    record.id = stmt->integer(0);
    record.timeMs = stmt->integer(1);
    record.listener = stmt->text(2);
    record.sourceAddress = stmt->text(3);
    record.identity = stmt->text(4);
    record.method = stmt->text(5);
    record.path = stmt->text(6);
    record.status = static_cast<int>(stmt->integer(7));
    record.reason = stmt->text(8);
    record.durationUs = stmt->integer(9);
    out.push_back(std::move(record));
  }
}

}  // namespace sztp::registry::sqlite
