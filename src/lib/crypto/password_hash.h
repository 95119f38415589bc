#pragma once

#include <string>
#include <string_view>

#include "common/result.h"

namespace sztp::crypto {

// Activation codes (issue 3, HTTP Basic per device) are stored only as
// PBKDF2-HMAC-SHA256 hashes in the PHC-like form
//   "pbkdf2-sha256$<iterations>$<salt, base64>$<hash, base64>"
// with a 16-octet random salt and a 32-octet hash.

inline constexpr unsigned kDefaultPbkdf2Iterations = 100000;

/// Hashes `secret` with a fresh random salt.
std::string hashSecret(std::string_view secret, unsigned iterations = kDefaultPbkdf2Iterations);

/// True iff `secret` matches `stored` (constant-time comparison). A malformed
/// `stored` fails with CryptoErrc::MalformedSecretHash; callers treat any
/// error as "no match" and log it.
Result<bool> verifySecret(std::string_view secret, std::string_view stored);

/// True iff `stored` has the form above with 1000..10,000,000 iterations.
bool isSecretHash(std::string_view stored);

}  // namespace sztp::crypto
