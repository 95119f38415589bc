#pragma once

#include <string>
#include <unordered_set>

#include "common/result.h"
#include "registry/inventory.h"

// Internal: validation of many devices at once (a bulk import applies
// 100,000 of them, usually with the same few condition patterns). Compiling
// each regex once per batch instead of once per device is most of the cost.

namespace sztp::registry {

/// Condition regexes already accepted in this batch. Lives as long as the
/// batch; nothing global.
struct ValidationCache {
  std::unordered_set<std::string> acceptedRegexes;
};

/// validateDevice (validation.h), remembering accepted regexes in `cache`.
Status validateDevice(const Device& device, ValidationCache& cache);

}  // namespace sztp::registry
