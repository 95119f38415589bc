#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/result.h"
#include "crypto/certificate.h"
#include "http/message.h"
#include "log.h"
#include "registry/registry.h"
#include "server_config.h"

namespace sztp::server {

// The handlers the other libraries provide, built from the configuration.

/// The deployment file server over `files.root` (src/lib/fileserver).
Result<http::Handler> makeFileHandler(const FileServer& files);

/// Every certificate in a list of PEM files; `context` (the config key) is
/// added to errors.
Result<std::vector<crypto::Certificate>> loadCertificateFiles(
    const std::vector<std::filesystem::path>& paths, const std::string& context);

/// The admin REST API (src/lib/admin) with the configured bearer tokens and
/// admin client CAs. Fails closed: with neither, every request is refused.
/// Bulk imports check vouchers against `voucherAnchors` when non-empty.
Result<http::Handler> makeAdminHandler(const AdminListener& admin,
                                       std::vector<crypto::Certificate> voucherAnchors,
                                       registry::Registry& registry, const Clock& clock, Log& log);

/// Applies an inventory file (src/lib/inventory) idempotently; returns the
/// plan's one-line summary ("3 created, 1 updated, 0 removed"). Vouchers must
/// verify to `voucherAnchors` (at `now`) when it is non-empty.
Result<std::string> applyInventoryFile(const std::filesystem::path& path, bool prune,
                                       const std::vector<crypto::Certificate>& voucherAnchors,
                                       TimePoint now, registry::Registry& registry);

}  // namespace sztp::server
