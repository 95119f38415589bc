#pragma once

#include <string>

#include "common/result.h"
#include "registry/registry.h"

namespace sztp::inventory {

/// The whole registry as a self-contained inventory (docs/inventory.md):
/// certificates as inline PEM, vouchers and binary content as base64, text
/// scripts and configurations inline, images by hash and size, activation
/// codes as their stored hashes. It names no file, so it can be re-applied
/// anywhere; re-applied to the same registry it yields no changes. Device
/// stages and last-seen times (server state, not configuration) are left
/// out. Registry read failures pass through.
Result<std::string> exportInventory(registry::Registry& registry);

}  // namespace sztp::inventory
