#include "crypto/private_key.h"

#include <openssl/pem.h>

#include <array>

#include "crypto/crypto_error.h"
#include "crypto/openssl_handles.h"

namespace sztp::crypto {

using namespace detail;

namespace {

struct KeyTypeInfo {
  KeyType type;
  std::string_view name;
};

constexpr std::array kKeyTypes{
    KeyTypeInfo{KeyType::EcP256, "ec-p256"},   KeyTypeInfo{KeyType::EcP384, "ec-p384"},
    KeyTypeInfo{KeyType::Rsa2048, "rsa-2048"}, KeyTypeInfo{KeyType::Rsa3072, "rsa-3072"},
    KeyTypeInfo{KeyType::Rsa4096, "rsa-4096"},
};

std::string describe(EVP_PKEY* key) {
  if (EVP_PKEY_is_a(key, "EC")) {
    return EVP_PKEY_get_bits(key) == 384 ? "EC P-384"
                                         : "EC P-" + std::to_string(EVP_PKEY_get_bits(key));
  }
  if (EVP_PKEY_is_a(key, "RSA")) {
    return "RSA " + std::to_string(EVP_PKEY_get_bits(key));
  }
  const char* name = EVP_PKEY_get0_type_name(key);
  return name != nullptr ? name : "unknown";
}

// EVP_EC_gen is a macro that casts the curve name's const away; call what it expands to.
EVP_PKEY* ecKey(const char* curve) {
  return EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", curve);
}

}  // namespace

std::string_view keyTypeName(KeyType type) {
  for (const auto& info : kKeyTypes) {
    if (info.type == type) {
      return info.name;
    }
  }
  return "unknown";
}

std::optional<KeyType> keyTypeFromName(std::string_view name) {
  for (const auto& info : kKeyTypes) {
    if (info.name == name) {
      return info.type;
    }
  }
  return std::nullopt;
}

Result<PrivateKey> PrivateKey::generate(KeyType type) {
  EVP_PKEY* key = nullptr;
  switch (type) {
    case KeyType::EcP256:
      key = ecKey("P-256");
      break;
    case KeyType::EcP384:
      key = ecKey("P-384");
      break;
    case KeyType::Rsa2048:
      key = EVP_RSA_gen(2048);
      break;
    case KeyType::Rsa3072:
      key = EVP_RSA_gen(3072);
      break;
    case KeyType::Rsa4096:
      key = EVP_RSA_gen(4096);
      break;
  }
  if (key == nullptr) {
    return opensslError(CryptoErrc::OperationFailed, "key generation");
  }
  return PrivateKey(std::shared_ptr<EVP_PKEY>(key, EVP_PKEY_free));
}

Result<PrivateKey> PrivateKey::fromPem(std::string_view pem, std::string_view passphrase) {
  BioPtr bio = memoryBio(asBytes(pem));
  std::string pass(passphrase);
  // A null callback with a non-null passphrase makes OpenSSL use it as-is; an
  // empty passphrase with an encrypted key fails instead of prompting on a tty.
  EVP_PKEY* key =
      PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, const_cast<char*>(pass.c_str()));
  if (key == nullptr) {
    return opensslError(CryptoErrc::MalformedKey, "PEM private key");
  }
  ERR_clear_error();
  return PrivateKey(std::shared_ptr<EVP_PKEY>(key, EVP_PKEY_free));
}

std::string PrivateKey::toPem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_PrivateKey(bio.get(), key_.get(), nullptr, nullptr, 0, nullptr, nullptr);
  return toString(bioContents(bio.get()));
}

std::string PrivateKey::publicKeyPem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_PUBKEY(bio.get(), key_.get());
  return toString(bioContents(bio.get()));
}

bool PrivateKey::matches(const Certificate& certificate) const {
  const bool same = X509_check_private_key(certificate.native(), key_.get()) == 1;
  ERR_clear_error();
  return same;
}

std::string PrivateKey::description() const {
  return describe(key_.get());
}

Status checkKeyMatches(const PrivateKey& key, const Certificate& certificate) {
  if (!key.matches(certificate)) {
    return Error(CryptoErrc::KeyCertificateMismatch,
                 "key " + key.description() + " vs certificate " + certificate.subject());
  }
  return {};
}

}  // namespace sztp::crypto
