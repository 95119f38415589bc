#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/bytes.h"
#include "common/result.h"
#include "crypto/certificate.h"

struct evp_pkey_st;

namespace sztp::crypto {

enum class KeyType { EcP256, EcP384, Rsa2048, Rsa3072, Rsa4096 };

std::string_view keyTypeName(KeyType type);  ///< "ec-p256", "rsa-2048", ...
std::optional<KeyType> keyTypeFromName(std::string_view name);

/// A private key (or, for the TPM provider later, a handle to one). Copies
/// share the key.
class PrivateKey {
 public:
  static Result<PrivateKey> generate(KeyType type);
  /// PEM (PKCS#8, traditional EC or RSA); `passphrase` for encrypted PEM.
  static Result<PrivateKey> fromPem(std::string_view pem, std::string_view passphrase = {});
  /// Loads the first private key found at an OSSL_STORE URI or provider
  /// reference: a file path or "file:" URI (PEM/DER, including a
  /// "TSS2 PRIVATE KEY" PEM when the tpm2 provider is loaded), or
  /// "handle:0x81000001" for a persistent TPM 2.0 key (tpm2 provider). A
  /// TPM-held key never leaves the TPM: the PrivateKey is a handle whose
  /// sign/decrypt operations run in the TPM. `passphrase` decrypts an
  /// encrypted file or is the TPM key's authorisation value; empty means
  /// none (never a prompt). The providers must have been loaded by the
  /// caller (crypto/providers.h); this library never loads any itself.
  /// Fails with KeyUnavailable (detail: the URI and OpenSSL's error queue).
  /// Implemented in private_key_store.cc.
  static Result<PrivateKey> fromStore(std::string_view uri, std::string_view passphrase = {});

  /// Unencrypted PKCS#8 PEM.
  std::string toPem() const;
  /// The SubjectPublicKeyInfo as PEM.
  std::string publicKeyPem() const;
  bool matches(const Certificate& certificate) const;
  std::string description() const;  ///< "EC P-256", "RSA 2048"

  evp_pkey_st* native() const { return key_.get(); }
  explicit PrivateKey(std::shared_ptr<evp_pkey_st> key) : key_(std::move(key)) {}

 private:
  std::shared_ptr<evp_pkey_st> key_;
};

/// Checks that `key` belongs to `certificate`; KeyCertificateMismatch otherwise.
Status checkKeyMatches(const PrivateKey& key, const Certificate& certificate);

}  // namespace sztp::crypto
