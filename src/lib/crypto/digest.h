#pragma once

#include <memory>

#include "common/bytes.h"

struct evp_md_ctx_st;

namespace sztp::crypto {

Bytes sha256(ByteView data);

/// Incremental SHA-256, for hashing an image while it streams to disk (D46).
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(Sha256&&) noexcept;
  Sha256& operator=(Sha256&&) noexcept;

  void update(ByteView data);
  /// The digest of everything given to update(); the object is then reset.
  Bytes finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Cryptographically secure random octets (nonces, serial numbers).
Bytes randomBytes(std::size_t count);

/// Constant-time comparison, for secrets and nonces.
bool equalConstantTime(ByteView a, ByteView b);

}  // namespace sztp::crypto
