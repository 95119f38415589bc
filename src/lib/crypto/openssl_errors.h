#pragma once

// OpenSSL's error queue as text, for libraries above crypto that call
// OpenSSL themselves (the device's TLS client): one implementation, so every
// error detail reads the same. No OpenSSL header here.

#include <string>

namespace sztp::crypto {

/// Empties this thread's OpenSSL error queue into one line, entries joined
/// by "; "; "" when the queue was empty.
std::string drainOpensslErrors();

}  // namespace sztp::crypto
