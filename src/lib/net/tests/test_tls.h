#pragma once

#include <string>

#include "common/bytes.h"
#include "crypto/private_key.h"
#include "net/server_settings.h"

namespace sztp::net::testing {

/// Certificates for the transport tests, made with the project's own issuer:
/// a server CA and server certificate (SAN localhost, 127.0.0.1, ::1), and a
/// client chain root → intermediate → leaf, as a device would send it.
struct TestPki {
  std::string caPem;           ///< The server CA (for curl --cacert).
  std::string serverChainPem;  ///< Server certificate (only).
  std::string serverKeyPem;
  Bytes serverCertDer;
  std::string clientRootPem;
  std::string clientLeafPem;
  std::string clientChainPem;  ///< Leaf then intermediate.
  std::string clientKeyPem;
  Bytes clientLeafDer;
  Bytes clientIntermediateDer;
};

/// A fresh PKI, valid from an hour ago for a year (the real clock: curl and
/// openssl check validity against it).
TestPki makeTestPki(crypto::KeyType serverKeyType = crypto::KeyType::EcP256,
                    const std::string& serverName = "Test Server");

/// Server TLS settings for `pki` (client certificates requested).
TlsSettings serverTls(const TestPki& pki);

}  // namespace sztp::net::testing
