#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

namespace sztp::metrics {

// The three kinds of time series the server exposes. Each is one labelled
// series of a family (family.h); callers look the series up once with
// `family.labels(...)` and keep the reference, so the hot path is a single
// relaxed atomic operation with no lock and no allocation.

/// A monotonically increasing count (Prometheus counter).
class Counter {
 public:
  void inc(std::uint64_t n = 1) noexcept { value_.fetch_add(n, std::memory_order_relaxed); }
  std::uint64_t value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

/// A value that goes up and down (Prometheus gauge): connections open,
/// devices per stage.
class Gauge {
 public:
  void set(double value) noexcept { value_.store(value, std::memory_order_relaxed); }
  void inc(double delta = 1) noexcept { value_.fetch_add(delta, std::memory_order_relaxed); }
  void dec(double delta = 1) noexcept { value_.fetch_sub(delta, std::memory_order_relaxed); }
  double value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

/// Observations counted into buckets with upper bounds (Prometheus
/// histogram), e.g. request latency in seconds. A value v falls in the first
/// bucket whose bound b satisfies v <= b, else in the implicit +Inf bucket.
class Histogram {
 public:
  /// `bounds`: finite, strictly increasing (checked by the family at registration).
  explicit Histogram(std::shared_ptr<const std::vector<double>> bounds);

  /// Lock-free: one atomic increment and one atomic add. NaN goes to +Inf
  /// (and makes the sum NaN), as the Prometheus client libraries do.
  void observe(double value) noexcept;

  /// A consistent-enough copy for exposition: bucket counts are read one by
  /// one while other threads may observe, so `count` is computed as the sum
  /// of the buckets read (the exposition then never shows count < +Inf).
  struct Snapshot {
    std::vector<std::uint64_t> cumulative;  ///< One per bound, then +Inf.
    double sum = 0;
    std::uint64_t count = 0;
  };
  Snapshot snapshot() const;
  const std::vector<double>& bounds() const noexcept { return *bounds_; }

 private:
  std::shared_ptr<const std::vector<double>> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]>
      counts_;  ///< Per bucket (not cumulative), +Inf last.
  std::atomic<double> sum_{0};
};

}  // namespace sztp::metrics
