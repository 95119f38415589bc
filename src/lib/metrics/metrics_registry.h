#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/result.h"
#include "metrics/family.h"

namespace sztp::metrics {

/// The Content-Type of render()'s output (Prometheus text format 0.0.4).
inline constexpr std::string_view kExpositionContentType =
    "text/plain; version=0.0.4; charset=utf-8";

/// Latency buckets in seconds, 1 ms to 10 s: the server's request durations
/// (a signed answer from cache is ~1 ms, a cold signature tens of ms).
std::vector<double> defaultLatencyBuckets();

/// `count` bounds start, start*factor, ...; fails with InvalidBuckets unless
/// start > 0, factor > 1 and 1 <= count <= 64.
Result<std::vector<double>> exponentialBuckets(double start, double factor, std::size_t count);

/// The process's metric families (docs/metrics.md). Owned by the server and
/// passed to whatever records metrics; there is no global instance.
///
/// Thread-safe: families may be added, series recorded and the exposition
/// rendered from any thread. Families and series live as long as the
/// registry, so the pointers and references handed out stay valid.
class MetricsRegistry {
 public:
  MetricsRegistry() = default;
  MetricsRegistry(const MetricsRegistry&) = delete;
  MetricsRegistry& operator=(const MetricsRegistry&) = delete;

  /// Fails with InvalidName (metric name [a-zA-Z_:][a-zA-Z0-9_:]*, label names
  /// [a-zA-Z_][a-zA-Z0-9_]* not starting with "__", no label twice) or
  /// DuplicateName.
  Result<CounterFamily*> addCounter(std::string name, std::string help,
                                    std::vector<std::string> labelNames = {});
  Result<GaugeFamily*> addGauge(std::string name, std::string help,
                                std::vector<std::string> labelNames = {});
  /// As above; "le" is also refused as a label name. `buckets` are upper
  /// bounds, finite and strictly increasing (InvalidBuckets otherwise); +Inf
  /// is implicit.
  Result<HistogramFamily*> addHistogram(std::string name, std::string help,
                                        std::vector<std::string> labelNames,
                                        std::vector<double> buckets);

  /// The Prometheus text exposition format 0.0.4 of every family, sorted by
  /// name, each with # HELP and # TYPE, series sorted by label values.
  std::string render() const;

 private:
  using AnyFamily = std::variant<std::unique_ptr<CounterFamily>, std::unique_ptr<GaugeFamily>,
                                 std::unique_ptr<HistogramFamily>>;
  Status checkNew(const std::string& name, const std::vector<std::string>& labelNames,
                  bool histogram) const;

  mutable std::mutex mutex_;
  std::map<std::string, AnyFamily, std::less<>> families_;
};

}  // namespace sztp::metrics
