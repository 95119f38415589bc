#include "metrics/metrics_error.h"

#include <array>

namespace sztp::metrics {
namespace {

constexpr std::array kReasons{
    ReasonInfo{static_cast<int>(MetricsErrc::InvalidName), "metrics-invalid-name",
               "a metric or label name is not a valid Prometheus name ([a-zA-Z_:][a-zA-Z0-9_:]* "
               "for metrics, [a-zA-Z_][a-zA-Z0-9_]* not starting with __ for labels)"},
    ReasonInfo{static_cast<int>(MetricsErrc::DuplicateName), "metrics-duplicate-name",
               "a metric family of that name is already registered; each name is registered "
               "once"},
    ReasonInfo{static_cast<int>(MetricsErrc::InvalidBuckets), "metrics-invalid-buckets",
               "histogram buckets must be finite and strictly increasing, at least one; +Inf "
               "is added automatically"},
};

}  // namespace

const ReasonCategory& metricsCategory() noexcept {
  // Function-local so initialisation order across libraries cannot matter.
  static const ReasonCategory category("sztp.metrics", kReasons);
  return category;
}

}  // namespace sztp::metrics
