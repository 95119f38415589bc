#pragma once

#include <system_error>

#include "common/error.h"

namespace sztp::metrics {

/// Errors of registering metric families (category "sztp.metrics"). They are
/// found when the server starts and wires its metrics, never per request.
enum class MetricsErrc {
  /// A metric or label name breaks the Prometheus naming rules.
  InvalidName = 1,
  /// A metric family of that name is already registered.
  DuplicateName,
  /// Histogram buckets are empty, not finite, or not strictly increasing.
  InvalidBuckets,
};

const ReasonCategory& metricsCategory() noexcept;

inline std::error_code make_error_code(MetricsErrc e) noexcept {
  return {static_cast<int>(e), metricsCategory()};
}

}  // namespace sztp::metrics

template <>
struct std::is_error_code_enum<sztp::metrics::MetricsErrc> : std::true_type {};
