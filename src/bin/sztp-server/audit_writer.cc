#include "audit_writer.h"

#include <chrono>
#include <vector>

namespace sztp::server {

AuditWriter::AuditWriter(registry::Registry& registry, Log& log, std::size_t capacity)
    : registry_(registry), log_(log), capacity_(capacity), thread_([this] { run(); }) {}

AuditWriter::~AuditWriter() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void AuditWriter::submit(registry::AuditRecord record) {
  {
    std::lock_guard lock(mutex_);
    if (queue_.size() >= capacity_) {
      ++dropped_;
      return;
    }
    queue_.push_back(std::move(record));
  }
  wake_.notify_one();
}

std::uint64_t AuditWriter::dropped() const {
  std::lock_guard lock(mutex_);
  return dropped_;
}

std::uint64_t AuditWriter::failed() const {
  std::lock_guard lock(mutex_);
  return failed_;
}

void AuditWriter::run() {
  std::uint64_t reportedDrops = 0;
  auto lastReport = std::chrono::steady_clock::now();
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait_for(lock, std::chrono::seconds(1), [this] { return stopping_ || !queue_.empty(); });
    if (dropped_ != reportedDrops &&
        std::chrono::steady_clock::now() - lastReport >= std::chrono::seconds(1)) {
      const auto drops = dropped_ - reportedDrops;
      reportedDrops = dropped_;
      lastReport = std::chrono::steady_clock::now();
      lock.unlock();
      log_.warning("SZTP-S0402", "audit queue full: " + std::to_string(drops) +
                                     " audit records dropped; the registry cannot keep up");
      lock.lock();
    }
    if (queue_.empty()) {
      if (stopping_) {
        return;
      }
      continue;
    }
    // Everything queued goes in one commit: a record per request would cost
    // a synced transaction per request.
    std::vector<registry::AuditRecord> batch;
    while (!queue_.empty() && batch.size() < kMaxBatch) {
      batch.push_back(std::move(queue_.front()));
      queue_.pop_front();
    }
    lock.unlock();
    auto written = registry_.appendAudits(batch);
    if (!written) {
      log_.error("SZTP-S0401", std::to_string(batch.size()) +
                                   " audit records not stored: " + written.error().describe());
    }
    lock.lock();
    if (!written) {
      failed_ += batch.size();
    }
  }
}

}  // namespace sztp::server
