#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "common/bytes.h"
#include "common/result.h"
#include "crypto/certificate.h"
#include "crypto/private_key.h"

struct evp_pkey_st;

namespace sztp::crypto {

/// A public key (X.509 SubjectPublicKeyInfo). Copies share the key.
class PublicKey {
 public:
  /// DER SubjectPublicKeyInfo; fails with MalformedPublicKey.
  static Result<PublicKey> fromDer(ByteView spki);

  Bytes toDer() const;              ///< DER SubjectPublicKeyInfo.
  std::string description() const;  ///< "EC P-256", "RSA 2048", "ED25519"
  /// The key's algorithm as inventories name it: "ec-p256", "ec-p384",
  /// "ec-p521", "ed25519", "ed448" or "rsa-<bits>"; "" for any other key.
  std::string algorithmName() const;
  /// The same key (same algorithm, parameters and public value).
  bool operator==(const PublicKey& other) const;

  evp_pkey_st* native() const { return key_.get(); }
  explicit PublicKey(std::shared_ptr<evp_pkey_st> key) : key_(std::move(key)) {}

 private:
  std::shared_ptr<evp_pkey_st> key_;
};

/// The subject public key of a certificate.
PublicKey publicKeyOf(const Certificate& certificate);
/// The public half of a private key.
PublicKey publicKeyOf(const PrivateKey& key);

// ---- Key-generation algorithms (RFC 9646 csr-support and csr-request, S20) --
//
// A device lists the algorithms it can generate keys for as DER
// AlgorithmIdentifiers; the server selects one. Names are those of the LDevID
// policy's `key-generation` (docs/inventory.md).

/// "ec-p256", "ec-p384", "ec-p521", "ed25519", "ed448", "rsa-2048",
/// "rsa-3072", "rsa-4096".
std::span<const std::string_view> keyGenerationAlgorithms();
bool isKeyGenerationAlgorithm(std::string_view name);

/// The DER AlgorithmIdentifier sent as `selected-algorithm` for `name`:
/// id-ecPublicKey with the namedCurve (RFC 5480), id-Ed25519/id-Ed448 without
/// parameters (RFC 8410), rsaEncryption with NULL parameters (RFC 8017). The
/// RSA identifier carries no key size. Empty for an unknown name.
Bytes algorithmIdentifierFor(std::string_view name);

/// True when the DER AlgorithmIdentifier `offered` (untrusted: a device's
/// `supported-algorithms` entry) names the algorithm of `name`: the same
/// octets, or for RSA rsaEncryption with its parameters absent.
bool algorithmIdentifierMatches(ByteView offered, std::string_view name);

/// True when `key` is of the algorithm `name`. "rsa-N" accepts RSA keys of N
/// bits or more: the identifier a device receives cannot tell it the size,
/// so N is the least the server accepts.
bool keyIsOfAlgorithm(const PublicKey& key, std::string_view name);

}  // namespace sztp::crypto
