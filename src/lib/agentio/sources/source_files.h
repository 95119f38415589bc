#pragma once

// Internal to sztp_agentio_sources: bounded file reads shared by the sources.

#include <cstddef>
#include <optional>
#include <string>

#include "common/bytes.h"

namespace sztp::agentio {

/// Reads at most `maxBytes` + 1 octets of a regular file (so an oversized one
/// is detectable without reading it all). nullopt when it does not exist, is
/// not a regular file, cannot be read, or (with noFollow) is a symbolic link.
std::optional<Bytes> readFileCapped(const std::string& path, std::size_t maxBytes,
                                    bool noFollow = false);

/// "<root>/<path>" without doubling slashes; root "" or "/" leaves path absolute.
std::string underRoot(const std::string& root, const std::string& path);

}  // namespace sztp::agentio
