#pragma once

// Shared by the client tests: a device identity from the transport test PKI,
// a server TLS chain under an intermediate CA, and a raw listening socket that
// accepts TCP (in the kernel backlog) but never says a word.

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>

#include "agent/ports.h"
#include "crypto/issuer.h"
#include "net/tests/test_tls.h"
#include "pki/demo_pki.h"

namespace sztp::client::testing {

template <class T>
T take(Result<T> result) {
  if (!result) {
    ADD_FAILURE() << result.error().describe();
    std::abort();
  }
  return std::move(result).value();
}

inline agent::DeviceIdentity deviceIdentity(const net::testing::TestPki& pki) {
  return agent::DeviceIdentity{
      .idevid = take(crypto::Certificate::fromPem(pki.clientLeafPem)),
      .chain = {take(crypto::Certificate::fromDer(pki.clientIntermediateDer))},
      .key = take(crypto::PrivateKey::fromPem(pki.clientKeyPem)),
      .serialNumber = "SN-TEST-1",
      .hwModel = std::nullopt,
      .osName = std::nullopt,
      .osVersion = std::nullopt,
      .basicPassword = std::nullopt,
  };
}

/// A server certificate issued by an intermediate under a root, for
/// `localhost`/127.0.0.1; the TLS settings send leaf + intermediate.
struct IntermediateChain {
  net::TlsSettings tls;
  crypto::Certificate root;
  crypto::Certificate intermediate;
};

inline IntermediateChain makeIntermediateChain() {
  const TimePoint now = SystemClock().now();
  const std::chrono::days year{365};
  auto root =
      take(pki::createRootCa("Chain Root", "sztp tests", crypto::KeyType::EcP256, now, year));
  auto issuing = take(pki::createIntermediateCa(root, "Chain Issuing", "sztp tests",
                                                crypto::KeyType::EcP256, now, year));
  auto key = take(crypto::PrivateKey::generate(crypto::KeyType::EcP256));
  crypto::CertificateProfile profile;
  profile.subject = {{"CN", "chained server"}};
  profile.notBefore = now - std::chrono::hours(1);
  profile.notAfter = now + year;
  profile.keyUsage = crypto::kDigitalSignature;
  profile.extendedKeyUsage = {"serverAuth"};
  profile.dnsNames = {"localhost"};
  profile.ipAddresses = {"127.0.0.1"};
  auto leaf = take(crypto::issueCertificate(profile, key, &issuing.certificate, issuing.key));
  IntermediateChain chain{{}, root.certificate, issuing.certificate};
  chain.tls.certificateChainPem = leaf.toPem() + issuing.certificate.toPem();
  chain.tls.privateKeyPem = key.toPem();
  return chain;
}

/// Listens on 127.0.0.1 and never accepts: connects succeed, nothing answers.
class SilentListener {
 public:
  SilentListener() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::listen(fd_, 8) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
      ADD_FAILURE() << "cannot set up the silent listener";
    }
    port_ = ntohs(address.sin_port);
  }
  ~SilentListener() { ::close(fd_); }
  std::uint16_t port() const { return port_; }

 private:
  int fd_ = -1;
  std::uint16_t port_ = 0;
};

}  // namespace sztp::client::testing
