#include "metrics/metrics_registry.h"

#include <cmath>
#include <set>

#include "metrics/exposition.h"
#include "metrics/metrics_error.h"

namespace sztp::metrics {

std::vector<double> defaultLatencyBuckets() {
  return {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

Result<std::vector<double>> exponentialBuckets(double start, double factor, std::size_t count) {
  if (!(start > 0) || !(factor > 1) || count == 0 || count > 64 || !std::isfinite(start) ||
      !std::isfinite(factor)) {
    return Error(MetricsErrc::InvalidBuckets,
                 "exponential buckets need start > 0, factor > 1 and 1..64 buckets");
  }
  std::vector<double> bounds;
  double bound = start;
  for (std::size_t i = 0; i < count; ++i) {
    if (!std::isfinite(bound)) {
      return Error(MetricsErrc::InvalidBuckets, "exponential buckets overflow");
    }
    bounds.push_back(bound);
    bound *= factor;
  }
  return bounds;
}

Status MetricsRegistry::checkNew(const std::string& name,
                                 const std::vector<std::string>& labelNames, bool histogram) const {
  if (!isValidMetricName(name)) {
    return Error(MetricsErrc::InvalidName, "metric '" + name + "'");
  }
  std::set<std::string_view> seen;
  for (const auto& label : labelNames) {
    if (!isValidLabelName(label) || (histogram && label == "le")) {
      return Error(MetricsErrc::InvalidName, "label '" + label + "' of metric '" + name + "'");
    }
    if (!seen.insert(label).second) {
      return Error(MetricsErrc::InvalidName,
                   "label '" + label + "' given twice for metric '" + name + "'");
    }
  }
  if (families_.contains(name)) {
    return Error(MetricsErrc::DuplicateName, "metric '" + name + "'");
  }
  return {};
}

Result<CounterFamily*> MetricsRegistry::addCounter(std::string name, std::string help,
                                                   std::vector<std::string> labelNames) {
  std::lock_guard lock(mutex_);
  if (auto ok = checkNew(name, labelNames, false); !ok) {
    return std::move(ok).error();
  }
  auto family = std::make_unique<CounterFamily>(name, std::move(help), std::move(labelNames),
                                                MetricType::Counter);
  auto* raw = family.get();
  families_.emplace(std::move(name), std::move(family));
  return raw;
}

Result<GaugeFamily*> MetricsRegistry::addGauge(std::string name, std::string help,
                                               std::vector<std::string> labelNames) {
  std::lock_guard lock(mutex_);
  if (auto ok = checkNew(name, labelNames, false); !ok) {
    return std::move(ok).error();
  }
  auto family = std::make_unique<GaugeFamily>(name, std::move(help), std::move(labelNames),
                                              MetricType::Gauge);
  auto* raw = family.get();
  families_.emplace(std::move(name), std::move(family));
  return raw;
}

Result<HistogramFamily*> MetricsRegistry::addHistogram(std::string name, std::string help,
                                                       std::vector<std::string> labelNames,
                                                       std::vector<double> buckets) {
  std::lock_guard lock(mutex_);
  if (auto ok = checkNew(name, labelNames, true); !ok) {
    return std::move(ok).error();
  }
  if (buckets.empty()) {
    return Error(MetricsErrc::InvalidBuckets, "histogram '" + name + "' has no buckets");
  }
  for (std::size_t i = 0; i < buckets.size(); ++i) {
    if (!std::isfinite(buckets[i]) || (i > 0 && !(buckets[i - 1] < buckets[i]))) {
      return Error(MetricsErrc::InvalidBuckets, "histogram '" + name + "' bucket " +
                                                    std::to_string(i) +
                                                    " is not finite or not increasing");
    }
  }
  auto bounds = std::make_shared<const std::vector<double>>(std::move(buckets));
  auto family = std::make_unique<HistogramFamily>(name, std::move(help), std::move(labelNames),
                                                  MetricType::Histogram, std::move(bounds));
  auto* raw = family.get();
  families_.emplace(std::move(name), std::move(family));
  return raw;
}

namespace {

// name{l1="v1",l2="v2"[,le="x"]}
void appendSeriesName(std::string& out, std::string_view name, std::string_view suffix,
                      const std::vector<std::string>& labelNames,
                      const std::vector<std::string>& values, std::string_view le = {}) {
  out += name;
  out += suffix;
  if (labelNames.empty() && le.empty()) {
    return;
  }
  out += '{';
  for (std::size_t i = 0; i < labelNames.size(); ++i) {
    if (i > 0) {
      out += ',';
    }
    out += labelNames[i];
    out += '=';
    appendLabelValue(out, values[i]);
  }
  if (!le.empty()) {
    if (!labelNames.empty()) {
      out += ',';
    }
    out += "le=";
    appendLabelValue(out, le);
  }
  out += '}';
}

template <class Series>
void appendHeader(std::string& out, const Family<Series>& family, std::string_view type) {
  out += "# HELP ";
  out += family.name();
  out += ' ';
  appendHelpText(out, family.help());
  out += "\n# TYPE ";
  out += family.name();
  out += ' ';
  out += type;
  out += '\n';
}

void render(std::string& out, const CounterFamily& family) {
  appendHeader(out, family, "counter");
  family.forEach([&](const std::vector<std::string>& values, const Counter& counter) {
    appendSeriesName(out, family.name(), "", family.labelNames(), values);
    out += ' ';
    appendValue(out, counter.value());
    out += '\n';
  });
}

void render(std::string& out, const GaugeFamily& family) {
  appendHeader(out, family, "gauge");
  family.forEach([&](const std::vector<std::string>& values, const Gauge& gauge) {
    appendSeriesName(out, family.name(), "", family.labelNames(), values);
    out += ' ';
    appendValue(out, gauge.value());
    out += '\n';
  });
}

void render(std::string& out, const HistogramFamily& family) {
  appendHeader(out, family, "histogram");
  family.forEach([&](const std::vector<std::string>& values, const Histogram& histogram) {
    const auto snapshot = histogram.snapshot();
    const auto& bounds = histogram.bounds();
    std::string le;
    for (std::size_t i = 0; i <= bounds.size(); ++i) {
      le.clear();
      if (i < bounds.size()) {
        appendValue(le, bounds[i]);
      } else {
        le = "+Inf";
      }
      appendSeriesName(out, family.name(), "_bucket", family.labelNames(), values, le);
      out += ' ';
      appendValue(out, snapshot.cumulative[i]);
      out += '\n';
    }
    appendSeriesName(out, family.name(), "_sum", family.labelNames(), values);
    out += ' ';
    appendValue(out, snapshot.sum);
    out += '\n';
    appendSeriesName(out, family.name(), "_count", family.labelNames(), values);
    out += ' ';
    appendValue(out, snapshot.count);
    out += '\n';
  });
}

}  // namespace

std::string MetricsRegistry::render() const {
  std::string out;
  std::lock_guard lock(mutex_);
  for (const auto& [name, family] : families_) {
    std::visit([&](const auto& f) { metrics::render(out, *f); }, family);
  }
  return out;
}

}  // namespace sztp::metrics
