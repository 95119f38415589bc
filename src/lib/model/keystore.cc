// An ietf-keystore@2024-10-10 configuration fragment (RFC 9642): the form in
// which the bootstrap server delivers an issued LDevID (RFC 9646, S21).
#include "model/keystore.h"

#include "model/instance_writer.h"

namespace sztp::model {

std::string encodeKeystoreFragment(const KeystoreAsymmetricKey& key, Encoding encoding) {
  // Schema order of asymmetric-key-pair-with-certs-grouping (ietf-crypto-
  // types): public-key-format, public-key, private-key-type, certificates.
  OutNode top(kKeystoreModule, "keystore");
  OutNode& entry = top.container("asymmetric-keys").listEntry("asymmetric-key");
  entry.leafString("name", key.name);
  entry.leafIdentity("public-key-format", kCryptoTypesModule, "subject-public-key-info-format");
  entry.leafBinary("public-key", key.publicKey);
  // The private key is the device's (generated for the CSR, or its IDevID
  // key): present there, never in configuration.
  entry.leafEmpty("hidden-private-key");
  OutNode& certificate = entry.container("certificates").listEntry("certificate");
  certificate.leafString("name", key.certificateName);
  certificate.leafBinary("cert-data", key.certificateCms);
  return top.encode(encoding);
}

}  // namespace sztp::model
