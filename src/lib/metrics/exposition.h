#pragma once

#include <cstdint>
#include <string>
#include <string_view>

// Pieces of the Prometheus text exposition format 0.0.4, internal to
// sztp_metrics and exposed for tests.

namespace sztp::metrics {

/// A label value inside double quotes: backslash, double quote and line feed
/// escaped as \\, \" and \n.
void appendLabelValue(std::string& out, std::string_view value);

/// # HELP text: backslash and line feed escaped as \\ and \n.
void appendHelpText(std::string& out, std::string_view text);

/// A sample value: shortest decimal form that reads back to the same double
/// ("0.005", "1", "1e-09"), or "NaN", "+Inf", "-Inf".
void appendValue(std::string& out, double value);
void appendValue(std::string& out, std::uint64_t value);

bool isValidMetricName(std::string_view name);
bool isValidLabelName(std::string_view name);

}  // namespace sztp::metrics
