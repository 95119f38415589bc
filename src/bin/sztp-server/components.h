#pragma once

#include <filesystem>
#include <string>

#include "common/clock.h"
#include "common/result.h"
#include "http/message.h"
#include "log.h"
#include "registry/registry.h"
#include "server_config.h"

namespace sztp::server {

// The handlers the other libraries provide, built from the configuration.

/// The deployment file server over `files.root` (src/lib/fileserver).
Result<http::Handler> makeFileHandler(const FileServer& files);

/// The admin REST API (src/lib/admin) with the configured bearer tokens and
/// admin client CAs. Fails closed: with neither, every request is refused.
Result<http::Handler> makeAdminHandler(const AdminListener& admin, registry::Registry& registry,
                                       const Clock& clock, Log& log);

/// Applies an inventory file (src/lib/inventory) idempotently; returns the
/// plan's one-line summary ("3 created, 1 updated, 0 removed").
Result<std::string> applyInventoryFile(const std::filesystem::path& path, bool prune,
                                       registry::Registry& registry);

}  // namespace sztp::server
