#include "crypto/password_hash.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <charconv>
#include <string>

#include "common/base64.h"
#include "crypto/crypto_error.h"
#include "crypto/digest.h"

namespace sztp::crypto {
namespace {

constexpr std::string_view kScheme = "pbkdf2-sha256";
constexpr std::size_t kSaltBytes = 16;
constexpr std::size_t kHashBytes = 32;
// Bounds on what a stored hash may ask for: below the minimum the hash is
// too weak to keep, above the maximum one verification would stall a thread.
constexpr unsigned kMinIterations = 1000;
constexpr unsigned kMaxIterations = 10'000'000;

struct ParsedHash {
  unsigned iterations = 0;
  Bytes salt;
  Bytes hash;
};

Result<Bytes> pbkdf2(std::string_view secret, ByteView salt, unsigned iterations) {
  Bytes out(kHashBytes);
  if (PKCS5_PBKDF2_HMAC(secret.data(), static_cast<int>(secret.size()), salt.data(),
                        static_cast<int>(salt.size()), static_cast<int>(iterations), EVP_sha256(),
                        static_cast<int>(out.size()), out.data()) != 1) {
    return Error(CryptoErrc::OperationFailed, "PBKDF2");
  }
  return out;
}

Result<ParsedHash> parseHash(std::string_view stored) {
  auto malformed = [](std::string_view why) { return Error(CryptoErrc::MalformedSecretHash, why); };
  std::string_view parts[4];
  std::string_view rest = stored;
  for (int i = 0; i < 4; ++i) {
    const auto dollar = rest.find('$');
    if ((dollar == std::string_view::npos) != (i == 3)) {
      return malformed("expected scheme$iterations$salt$hash");
    }
    parts[i] = rest.substr(0, dollar);
    rest = dollar == std::string_view::npos ? std::string_view() : rest.substr(dollar + 1);
  }
  if (parts[0] != kScheme) {
    return malformed("unknown scheme (expected pbkdf2-sha256)");
  }
  ParsedHash parsed;
  const auto [end, ec] =
      std::from_chars(parts[1].data(), parts[1].data() + parts[1].size(), parsed.iterations);
  if (ec != std::errc() || end != parts[1].data() + parts[1].size() ||
      parsed.iterations < kMinIterations || parsed.iterations > kMaxIterations) {
    return malformed("iteration count missing or outside 1000..10000000");
  }
  auto salt = base64Decode(parts[2]);
  auto hash = base64Decode(parts[3]);
  if (!salt || salt->size() < 4 || salt->size() > 64) {
    return malformed("salt is not base64 of 4..64 octets");
  }
  if (!hash || hash->size() != kHashBytes) {
    return malformed("hash is not base64 of 32 octets");
  }
  parsed.salt = std::move(*salt);
  parsed.hash = std::move(*hash);
  return parsed;
}

}  // namespace

std::string hashSecret(std::string_view secret, unsigned iterations) {
  const Bytes salt = randomBytes(kSaltBytes);
  auto hash = pbkdf2(secret, salt, iterations);
  // PBKDF2 with SHA-256 fails only when OpenSSL cannot allocate; an empty
  // string then never verifies (parseHash refuses it), which fails closed.
  if (!hash) {
    return {};
  }
  return std::string(kScheme) + "$" + std::to_string(iterations) + "$" + base64Encode(salt) + "$" +
         base64Encode(*hash);
}

Result<bool> verifySecret(std::string_view secret, std::string_view stored) {
  auto parsed = parseHash(stored);
  if (!parsed) {
    return std::move(parsed).error();
  }
  auto computed = pbkdf2(secret, parsed->salt, parsed->iterations);
  if (!computed) {
    return std::move(computed).error();
  }
  return CRYPTO_memcmp(computed->data(), parsed->hash.data(), kHashBytes) == 0;
}

bool isSecretHash(std::string_view stored) {
  return parseHash(stored).ok();
}

}  // namespace sztp::crypto
