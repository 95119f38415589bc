#include "crypto/digest.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "crypto/openssl_handles.h"

namespace sztp::crypto {

struct Sha256::Impl {
  detail::EvpMdCtxPtr ctx{EVP_MD_CTX_new()};
  Impl() { EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr); }
};

Sha256::Sha256() : impl_(std::make_unique<Impl>()) {}
Sha256::~Sha256() = default;
Sha256::Sha256(Sha256&&) noexcept = default;
Sha256& Sha256::operator=(Sha256&&) noexcept = default;

void Sha256::update(ByteView data) {
  EVP_DigestUpdate(impl_->ctx.get(), data.data(), data.size());
}

Bytes Sha256::finish() {
  Bytes out(EVP_MAX_MD_SIZE);
  unsigned int length = 0;
  EVP_DigestFinal_ex(impl_->ctx.get(), out.data(), &length);
  out.resize(length);
  EVP_DigestInit_ex(impl_->ctx.get(), EVP_sha256(), nullptr);
  return out;
}

Bytes sha256(ByteView data) {
  Sha256 hash;
  hash.update(data);
  return hash.finish();
}

Bytes randomBytes(std::size_t count) {
  Bytes out(count);
  // RAND_bytes only fails when the OS entropy source is unusable; a process
  // that cannot get randomness must not continue to mint nonces or serials.
  if (count > 0 && RAND_bytes(out.data(), static_cast<int>(count)) != 1) {
    std::abort();
  }
  return out;
}

bool equalConstantTime(ByteView a, ByteView b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace sztp::crypto
