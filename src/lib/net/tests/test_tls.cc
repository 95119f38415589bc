#include "net/tests/test_tls.h"

#include <gtest/gtest.h>

#include "crypto/issuer.h"
#include "pki/demo_pki.h"

namespace sztp::net::testing {
namespace {

template <class T>
T take(Result<T> result) {
  if (!result) {
    ADD_FAILURE() << result.error().describe();
    std::abort();
  }
  return std::move(result).value();
}

}  // namespace

TestPki makeTestPki(crypto::KeyType serverKeyType, const std::string& serverName) {
  const TimePoint now = SystemClock().now();
  const std::chrono::days year{365};
  TestPki pki;
  auto serverCa = take(pki::createRootCa("Test TLS CA", "sztp tests", serverKeyType, now, year));
  auto serverKey = take(crypto::PrivateKey::generate(serverKeyType));
  crypto::CertificateProfile profile;
  profile.subject = {{"O", "sztp tests"}, {"CN", serverName}};
  profile.notBefore = now - std::chrono::hours(1);
  profile.notAfter = now + year;
  profile.keyUsage = crypto::kDigitalSignature | crypto::kKeyEncipherment;
  profile.extendedKeyUsage = {"serverAuth"};
  profile.dnsNames = {"localhost"};
  profile.ipAddresses = {"127.0.0.1", "::1"};
  auto serverCert =
      take(crypto::issueCertificate(profile, serverKey, &serverCa.certificate, serverCa.key));
  pki.caPem = serverCa.certificate.toPem();
  pki.serverChainPem = serverCert.toPem();
  pki.serverKeyPem = serverKey.toPem();
  pki.serverCertDer = serverCert.toDer();

  auto clientRoot = take(pki::createRootCa("Test Manufacturer Root", "sztp tests",
                                           crypto::KeyType::EcP256, now, year));
  auto clientIntermediate =
      take(pki::createIntermediateCa(clientRoot, "Test Manufacturer Issuing CA", "sztp tests",
                                     crypto::KeyType::EcP256, now, year));
  auto device = take(pki::issueIdevid(clientIntermediate, "SN-TEST-1", "sztp tests",
                                      crypto::KeyType::EcP256, now));
  pki.clientRootPem = clientRoot.certificate.toPem();
  pki.clientLeafPem = device.certificate.toPem();
  pki.clientChainPem = device.certificate.toPem() + clientIntermediate.certificate.toPem();
  pki.clientKeyPem = device.key.toPem();
  pki.clientLeafDer = device.certificate.toDer();
  pki.clientIntermediateDer = clientIntermediate.certificate.toDer();
  return pki;
}

TlsSettings serverTls(const TestPki& pki) {
  TlsSettings tls;
  tls.certificateChainPem = pki.serverChainPem;
  tls.privateKeyPem = pki.serverKeyPem;
  return tls;
}

}  // namespace sztp::net::testing
