#include "crypto/public_key.h"

#include <algorithm>
#include <array>

#include "crypto/crypto_error.h"
#include "crypto/openssl_handles.h"

namespace sztp::crypto {

using namespace detail;

namespace {

std::shared_ptr<EVP_PKEY> share(EVP_PKEY* key) {
  return std::shared_ptr<EVP_PKEY>(key, EVP_PKEY_free);
}

/// The EC group's short name ("prime256v1"), or "" for other keys.
std::string ecGroup(EVP_PKEY* key) {
  if (!EVP_PKEY_is_a(key, "EC")) {
    return {};
  }
  char group[80] = {};
  std::size_t length = 0;
  if (EVP_PKEY_get_utf8_string_param(key, "group", group, sizeof group, &length) != 1) {
    ERR_clear_error();
    return {};
  }
  return std::string(group, std::min(length, sizeof group - 1));
}

// DER AlgorithmIdentifiers. EC: SEQUENCE { OID id-ecPublicKey
// 1.2.840.10045.2.1, OID namedCurve }; EdDSA: SEQUENCE { OID } (RFC 8410);
// RSA: SEQUENCE { OID rsaEncryption 1.2.840.113549.1.1.1, NULL }.
constexpr std::uint8_t kEcP256[] = {0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48,
                                    0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a,
                                    0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07};  // prime256v1
constexpr std::uint8_t kEcP384[] = {0x30, 0x10, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d,
                                    0x02, 0x01, 0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22};
constexpr std::uint8_t kEcP521[] = {0x30, 0x10, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d,
                                    0x02, 0x01, 0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x23};
constexpr std::uint8_t kEd25519[] = {0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70};
constexpr std::uint8_t kEd448[] = {0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x71};
constexpr std::uint8_t kRsa[] = {0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86,
                                 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};
/// rsaEncryption with its parameters absent: RFC 8017 requires NULL, some
/// encoders omit it.
constexpr std::uint8_t kRsaNoParameters[] = {0x30, 0x0b, 0x06, 0x09, 0x2a, 0x86, 0x48,
                                             0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01};

struct NamedAlgorithm {
  std::string_view name;
  std::span<const std::uint8_t> identifier;
};

constexpr std::array<NamedAlgorithm, 8> kAlgorithms{{
    {"ec-p256", kEcP256},
    {"ec-p384", kEcP384},
    {"ec-p521", kEcP521},
    {"ed25519", kEd25519},
    {"ed448", kEd448},
    {"rsa-2048", kRsa},
    {"rsa-3072", kRsa},
    {"rsa-4096", kRsa},
}};

constexpr std::array<std::string_view, 8> kNames{"ec-p256", "ec-p384",  "ec-p521",  "ed25519",
                                                 "ed448",   "rsa-2048", "rsa-3072", "rsa-4096"};

const NamedAlgorithm* find(std::string_view name) {
  for (const auto& algorithm : kAlgorithms) {
    if (algorithm.name == name) {
      return &algorithm;
    }
  }
  return nullptr;
}

}  // namespace

Result<PublicKey> PublicKey::fromDer(ByteView spki) {
  const unsigned char* p = spki.data();
  EVP_PKEY* key = d2i_PUBKEY(nullptr, &p, static_cast<long>(spki.size()));
  if (key == nullptr) {
    return opensslError(CryptoErrc::MalformedPublicKey, "DER SubjectPublicKeyInfo");
  }
  if (p != spki.data() + spki.size()) {
    EVP_PKEY_free(key);
    return Error(CryptoErrc::MalformedPublicKey, "trailing octets after the public key");
  }
  return PublicKey(share(key));
}

Bytes PublicKey::toDer() const {
  return detail::encodeDer(key_.get(), i2d_PUBKEY);
}

std::string PublicKey::description() const {
  const std::string group = ecGroup(key_.get());
  if (group == "prime256v1") {
    return "EC P-256";
  }
  if (group == "secp384r1") {
    return "EC P-384";
  }
  if (group == "secp521r1") {
    return "EC P-521";
  }
  if (!group.empty()) {
    return "EC " + group;
  }
  if (EVP_PKEY_is_a(key_.get(), "RSA")) {
    return "RSA " + std::to_string(EVP_PKEY_get_bits(key_.get()));
  }
  const char* name = EVP_PKEY_get0_type_name(key_.get());
  return name != nullptr ? name : "unknown";
}

std::string PublicKey::algorithmName() const {
  const std::string group = ecGroup(key_.get());
  if (group == "prime256v1") {
    return "ec-p256";
  }
  if (group == "secp384r1") {
    return "ec-p384";
  }
  if (group == "secp521r1") {
    return "ec-p521";
  }
  if (EVP_PKEY_is_a(key_.get(), "ED25519")) {
    return "ed25519";
  }
  if (EVP_PKEY_is_a(key_.get(), "ED448")) {
    return "ed448";
  }
  if (EVP_PKEY_is_a(key_.get(), "RSA")) {
    return "rsa-" + std::to_string(EVP_PKEY_get_bits(key_.get()));
  }
  return {};
}

bool PublicKey::operator==(const PublicKey& other) const {
  const bool same = EVP_PKEY_eq(key_.get(), other.key_.get()) == 1;
  ERR_clear_error();
  return same;
}

PublicKey publicKeyOf(const Certificate& certificate) {
  // X509_get_pubkey raises the reference count; a certificate parsed by
  // Certificate always has a key OpenSSL read, or X509_get_pubkey is null
  // and the empty key compares unequal to everything.
  EVP_PKEY* key = X509_get_pubkey(certificate.native());
  if (key == nullptr) {
    ERR_clear_error();
    key = EVP_PKEY_new();
  }
  return PublicKey(share(key));
}

PublicKey publicKeyOf(const PrivateKey& key) {
  EVP_PKEY_up_ref(key.native());
  return PublicKey(share(key.native()));
}

std::span<const std::string_view> keyGenerationAlgorithms() {
  return kNames;
}

bool isKeyGenerationAlgorithm(std::string_view name) {
  return find(name) != nullptr;
}

Bytes algorithmIdentifierFor(std::string_view name) {
  const NamedAlgorithm* algorithm = find(name);
  return algorithm == nullptr ? Bytes{}
                              : Bytes(algorithm->identifier.begin(), algorithm->identifier.end());
}

bool algorithmIdentifierMatches(ByteView offered, std::string_view name) {
  const NamedAlgorithm* algorithm = find(name);
  if (algorithm == nullptr) {
    return false;
  }
  // DER is canonical, so equal identifiers have equal octets.
  if (std::ranges::equal(offered, algorithm->identifier)) {
    return true;
  }
  return name.starts_with("rsa-") && std::ranges::equal(offered, kRsaNoParameters);
}

bool keyIsOfAlgorithm(const PublicKey& key, std::string_view name) {
  if (name.starts_with("rsa-")) {
    if (!isKeyGenerationAlgorithm(name) || !EVP_PKEY_is_a(key.native(), "RSA")) {
      return false;
    }
    const int least = std::stoi(std::string(name.substr(4)));
    return EVP_PKEY_get_bits(key.native()) >= least;
  }
  return isKeyGenerationAlgorithm(name) && key.algorithmName() == name;
}

}  // namespace sztp::crypto
