// The baseline every SZTP figure is divided by (docs/performance.md): raw
// OpenSSL public-key operations, one-shot through EVP as the CMS code uses
// them, run in the same process and session as the artifact benchmarks so
// that machine noise affects both sides alike.

#include <benchmark/benchmark.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <vector>

#include "failure.h"

namespace sztp::bench {
namespace {

struct KeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
struct PkeyCtxFree {
  void operator()(EVP_PKEY_CTX* ctx) const { EVP_PKEY_CTX_free(ctx); }
};
using KeyPtr = std::unique_ptr<EVP_PKEY, KeyFree>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree>;

KeyPtr generateOrDie(bool rsa) {
  EVP_PKEY* key = rsa ? EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(2048))
                      : EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
  if (key == nullptr) {
    std::fprintf(stderr, "sztp_bench: cannot generate the baseline %s key\n",
                 rsa ? "RSA-2048" : "P-256");
    std::abort();
  }
  return KeyPtr(key);
}

// Generated once per process, like the PKI of the artifact benchmarks.
EVP_PKEY* ecKey() {
  static const KeyPtr key = generateOrDie(false);
  return key.get();
}
EVP_PKEY* rsaKey() {
  static const KeyPtr key = generateOrDie(true);
  return key.get();
}

// What CMS signs is the DER of the signed attributes (content type, signing
// time, message digest): about 100 octets. The message size barely matters
// next to the public-key operation, but keep it comparable.
const std::array<std::uint8_t, 128>& message() {
  static const auto bytes = [] {
    std::array<std::uint8_t, 128> m{};
    for (std::size_t i = 0; i < m.size(); ++i) {
      m[i] = static_cast<std::uint8_t>(i * 31 + 7);
    }
    return m;
  }();
  return bytes;
}

// EVP one-shot sign with SHA-256, a fresh context per signature as CMS_final
// does. RSA keys use the default PKCS#1 v1.5 padding, as CMS does.
bool sign(EVP_PKEY* key, std::vector<std::uint8_t>& signature) {
  MdCtxPtr ctx(EVP_MD_CTX_new());
  std::size_t length = 0;
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &length, message().data(), message().size()) != 1) {
    return false;
  }
  signature.resize(length);
  if (EVP_DigestSign(ctx.get(), signature.data(), &length, message().data(), message().size()) !=
      1) {
    return false;
  }
  signature.resize(length);
  return true;
}

bool verify(EVP_PKEY* key, const std::vector<std::uint8_t>& signature) {
  MdCtxPtr ctx(EVP_MD_CTX_new());
  return ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key) == 1 &&
         EVP_DigestVerify(ctx.get(), signature.data(), signature.size(), message().data(),
                          message().size()) == 1;
}

void signBench(benchmark::State& state, EVP_PKEY* key) {
  std::vector<std::uint8_t> signature;
  for (auto _ : state) {
    if (!sign(key, signature)) {
      fail(state, "EVP_DigestSign failed");
      break;
    }
    benchmark::DoNotOptimize(signature.data());
  }
  state.SetItemsProcessed(state.iterations());
}

void verifyBench(benchmark::State& state, EVP_PKEY* key) {
  std::vector<std::uint8_t> signature;
  if (!sign(key, signature)) {
    fail(state, "EVP_DigestSign failed");
    return;
  }
  for (auto _ : state) {
    if (!verify(key, signature)) {
      fail(state, "EVP_DigestVerify failed");
      break;
    }
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_RawEcdsaP256Sign(benchmark::State& state) {
  signBench(state, ecKey());
}
void BM_RawEcdsaP256Verify(benchmark::State& state) {
  verifyBench(state, ecKey());
}
void BM_RawRsa2048Sign(benchmark::State& state) {
  signBench(state, rsaKey());
}
void BM_RawRsa2048Verify(benchmark::State& state) {
  verifyBench(state, rsaKey());
}

// The private-key operation of decrypting an artifact encrypted to an EC
// IDevID (CMS key agreement): one ECDH derivation with the sender's
// ephemeral public key.
void BM_RawEcdhP256Derive(benchmark::State& state) {
  const KeyPtr peer = generateOrDie(false);
  std::array<std::uint8_t, 32> secret{};
  for (auto _ : state) {
    PkeyCtxPtr ctx(EVP_PKEY_CTX_new(ecKey(), nullptr));
    std::size_t length = secret.size();
    if (!ctx || EVP_PKEY_derive_init(ctx.get()) != 1 ||
        EVP_PKEY_derive_set_peer(ctx.get(), peer.get()) != 1 ||
        EVP_PKEY_derive(ctx.get(), secret.data(), &length) != 1) {
      fail(state, "EVP_PKEY_derive failed");
      break;
    }
    benchmark::DoNotOptimize(secret.data());
  }
  state.SetItemsProcessed(state.iterations());
}

// The private-key operation of decrypting an artifact encrypted to an RSA
// IDevID (CMS key transport, PKCS#1 v1.5): unwrapping a 32-octet AES key.
void BM_RawRsa2048Decrypt(benchmark::State& state) {
  std::array<std::uint8_t, 32> contentKey{};
  contentKey.fill(0x42);
  std::vector<std::uint8_t> wrapped(256);
  std::size_t wrappedLength = wrapped.size();
  {
    PkeyCtxPtr ctx(EVP_PKEY_CTX_new(rsaKey(), nullptr));
    if (!ctx || EVP_PKEY_encrypt_init(ctx.get()) != 1 ||
        EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) != 1 ||
        EVP_PKEY_encrypt(ctx.get(), wrapped.data(), &wrappedLength, contentKey.data(),
                         contentKey.size()) != 1) {
      fail(state, "EVP_PKEY_encrypt failed");
      return;
    }
  }
  std::array<std::uint8_t, 256> plain{};
  for (auto _ : state) {
    PkeyCtxPtr ctx(EVP_PKEY_CTX_new(rsaKey(), nullptr));
    std::size_t length = plain.size();
    if (!ctx || EVP_PKEY_decrypt_init(ctx.get()) != 1 ||
        EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) != 1 ||
        EVP_PKEY_decrypt(ctx.get(), plain.data(), &length, wrapped.data(), wrappedLength) != 1 ||
        length != contentKey.size()) {
      fail(state, "EVP_PKEY_decrypt failed");
      break;
    }
    benchmark::DoNotOptimize(plain.data());
  }
  state.SetItemsProcessed(state.iterations());
}

}  // namespace

BENCHMARK(BM_RawEcdsaP256Sign)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_RawEcdsaP256Verify)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_RawRsa2048Sign)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_RawRsa2048Verify)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_RawEcdhP256Derive)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_RawRsa2048Decrypt)->Unit(benchmark::kMicrosecond);

}  // namespace sztp::bench
