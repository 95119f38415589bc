#pragma once

#include <filesystem>

#include "bootstrap/answer_builder.h"

namespace sztp::server {

/// Loads private keys named by a reference — an owner's signing-key
/// (registry::Owner::signingKeyRef) or an LDevID CA's ca-key
/// (registry::LdevidPolicy::caKeyRef): a PEM file given as "file:/path",
/// "/path" or a path relative to `baseDir` (the configuration file's
/// directory). Other schemes (pkcs11:, tpm:) are refused
/// with a message saying so. The key file must not be readable by others: a
/// world-readable key is refused (fail closed), mode 0600/0640 is expected.
bootstrap::SigningKeyLoader fileKeyLoader(std::filesystem::path baseDir);

}  // namespace sztp::server
