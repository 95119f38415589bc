#pragma once

#include <algorithm>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "metrics/metric.h"

namespace sztp::metrics {

enum class MetricType { Counter, Gauge, Histogram };

/// A metric family: one name, one help text, a fixed list of label names,
/// and one series per distinct list of label values.
///
/// Label values are given in the order of labelNames(). Their number is fixed
/// by the calling code, not by input; a call with the wrong number is a
/// programming error that is made harmless rather than fatal: missing values
/// are taken as "" and extra ones are dropped, so the exposition stays valid.
///
/// Label values are escaped on output, so any text is safe, but every
/// distinct value is a series kept for the life of the process: callers use
/// values from small fixed sets (an endpoint name, an HTTP status), never a
/// serial number or a raw request path.
template <class Series>
class Family {
 public:
  Family(std::string name, std::string help, std::vector<std::string> labelNames, MetricType type,
         std::shared_ptr<const std::vector<double>> bounds = nullptr)
      : name_(std::move(name)),
        help_(std::move(help)),
        labelNames_(std::move(labelNames)),
        type_(type),
        bounds_(std::move(bounds)) {
    if (labelNames_.empty()) {
      labels({});  // A family without labels shows its single series from the start.
    }
  }
  Family(const Family&) = delete;
  Family& operator=(const Family&) = delete;

  const std::string& name() const noexcept { return name_; }
  const std::string& help() const noexcept { return help_; }
  const std::vector<std::string>& labelNames() const noexcept { return labelNames_; }
  MetricType type() const noexcept { return type_; }

  /// The series for these label values, created on first use. The reference
  /// stays valid as long as the family (series are never removed). Lookups of
  /// an existing series take a shared lock only; callers on a hot path keep
  /// the reference instead of calling this per event.
  Series& labels(std::initializer_list<std::string_view> values) {
    return labels(std::span<const std::string_view>(values.begin(), values.size()));
  }
  Series& labels(std::span<const std::string_view> values) {
    if (values.size() != labelNames_.size()) {
      std::vector<std::string_view> fixed(
          values.begin(), values.begin() + std::min(values.size(), labelNames_.size()));
      fixed.resize(labelNames_.size());
      return find(fixed);
    }
    return find(values);
  }

  /// Calls `visit(labelValues, series)` for every series, sorted by label values.
  template <class Visit>
  void forEach(Visit&& visit) const {
    std::shared_lock lock(mutex_);
    for (const auto& [key, series] : series_) {
      visit(key, *series);
    }
  }

 private:
  struct KeyLess {
    using is_transparent = void;
    template <class A, class B>
    bool operator()(const A& a, const B& b) const {
      return std::lexicographical_compare(
          a.begin(), a.end(), b.begin(), b.end(),
          [](std::string_view x, std::string_view y) { return x < y; });
    }
  };

  Series& find(std::span<const std::string_view> values) {
    {
      std::shared_lock lock(mutex_);
      auto it = series_.find(values);
      if (it != series_.end()) {
        return *it->second;
      }
    }
    std::unique_lock lock(mutex_);
    auto it = series_.find(values);
    if (it == series_.end()) {
      it = series_.emplace(std::vector<std::string>(values.begin(), values.end()), make()).first;
    }
    return *it->second;
  }

  std::unique_ptr<Series> make() const {
    if constexpr (std::is_same_v<Series, Histogram>) {
      return std::make_unique<Histogram>(bounds_);
    } else {
      return std::make_unique<Series>();
    }
  }

  std::string name_;
  std::string help_;
  std::vector<std::string> labelNames_;
  MetricType type_;
  std::shared_ptr<const std::vector<double>> bounds_;  ///< Histograms only.
  mutable std::shared_mutex mutex_;
  std::map<std::vector<std::string>, std::unique_ptr<Series>, KeyLess> series_;
};

using CounterFamily = Family<Counter>;
using GaugeFamily = Family<Gauge>;
using HistogramFamily = Family<Histogram>;

}  // namespace sztp::metrics
