#pragma once

#include <map>
#include <string>
#include <string_view>

namespace sztp::fileserver {

/// The Content-Type for a file name, by its extension (case-insensitive):
/// `overrides` first (keys are extensions without the dot, lowercase), then
/// the built-in table (docs/file-server.md "Content types"), then
/// application/octet-stream.
std::string contentTypeFor(std::string_view fileName,
                           const std::map<std::string, std::string>& overrides = {});

}  // namespace sztp::fileserver
