#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <thread>

#include "log.h"
#include "registry/registry.h"

namespace sztp::server {

/// Writes audit records to the registry on its own thread, so a request's
/// answer never waits for its audit row (the registry fsyncs every write).
/// The queue is bounded: beyond `capacity` records are dropped, counted and
/// logged once per second, rather than letting memory grow under attack.
class AuditWriter {
 public:
  AuditWriter(registry::Registry& registry, Log& log, std::size_t capacity = 100'000);
  ~AuditWriter();  ///< Writes what is queued, then stops.
  AuditWriter(const AuditWriter&) = delete;
  AuditWriter& operator=(const AuditWriter&) = delete;

  void submit(registry::AuditRecord record);
  std::uint64_t dropped() const;
  std::uint64_t failed() const;

 private:
  void run();

  static constexpr std::size_t kMaxBatch = 512;

  registry::Registry& registry_;
  Log& log_;
  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<registry::AuditRecord> queue_;
  bool stopping_ = false;
  std::uint64_t dropped_ = 0;
  std::uint64_t failed_ = 0;
  std::thread thread_;
};

}  // namespace sztp::server
