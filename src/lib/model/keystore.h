#pragma once

#include <string>

#include "common/bytes.h"
#include "model/encoding.h"

namespace sztp::model {

/// One entry of ietf-keystore (RFC 9642) `keystore/asymmetric-keys`: a key
/// whose private part never leaves the device (`hidden-private-key`), its
/// public key as a SubjectPublicKeyInfo, and one certificate.
struct KeystoreAsymmetricKey {
  std::string name;  ///< The list key, e.g. "ldevid".
  Bytes publicKey;   ///< DER SubjectPublicKeyInfo.
  std::string certificateName;
  Bytes certificateCms;  ///< ietf-crypto-types end-entity-cert-cms.
  bool operator==(const KeystoreAsymmetricKey&) const = default;
};

/// The configuration fragment {"ietf-keystore:keystore": {"asymmetric-keys":
/// {"asymmetric-key": [...]}}} (or its XML form) holding `key`: how this
/// server delivers an LDevID when the device's response carries no
/// configuration of its own (RFC 9646 leaves delivery vendor-specific, S21).
std::string encodeKeystoreFragment(const KeystoreAsymmetricKey& key, Encoding encoding);

}  // namespace sztp::model
