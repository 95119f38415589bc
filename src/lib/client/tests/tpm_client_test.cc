// The device's RESTCONF client with its IDevID key held in a TPM 2.0 (D9,
// D14, I3): HttpsBootstrapClient doing get-bootstrapping-data over mutual TLS
// against the project's HTTPS server, which requires a client certificate,
// with the key in a REAL software TPM (swtpm) reached through the tpm2
// OpenSSL provider — over TLS 1.2 and TLS 1.3, with EC P-256 and RSA-2048
// TPM keys. Skips, saying why, when swtpm, tpm2-tools or tpm2-openssl are
// missing.
//
// A program of its own: it loads the tpm2 provider into the process-global
// default library context, as the agent does (crypto/providers.h). The keys
// are persistent (no transient slot held) and made with tpm2-tools BEFORE the
// provider takes the connection (testutil/software_tpm.h says why).

#include <gtest/gtest.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <chrono>
#include <memory>
#include <mutex>

#include "client/bootstrap_client.h"
#include "client/client_error.h"
#include "client/tests/client_fixture.h"
#include "crypto/issuer.h"
#include "crypto/providers.h"
#include "crypto/public_key.h"
#include "model/restconf_error.h"
#include "net/tests/test_server.h"
#include "pki/demo_pki.h"
#include "testutil/software_tpm.h"

namespace sztp::client {
namespace {

using namespace std::chrono_literals;
using testing::take;

constexpr const char* kEcHandle = testutil::kTpmEcHandle;
constexpr const char* kRsaHandle = testutil::kTpmRsaHandle;
constexpr std::string_view kGbdPath =
    "/restconf/operations/ietf-sztp-bootstrap-server:get-bootstrapping-data";

/// swtpm with its persistent keys (testutil/software_tpm.h), then the tpm2
/// provider loaded.
testutil::SoftwareTpm& softwareTpm() {
  return testutil::SoftwareTpm::shared([](testutil::SoftwareTpm& tpm) {
    if (auto loaded = crypto::loadProvider("tpm2"); !loaded) {
      tpm.fail("the tpm2 OpenSSL provider does not load: " + loaded.error().describe());
    }
  });
}

/// An IDevID for the public half of a TPM key, issued by a test manufacturer
/// CA with the project's issuer.
crypto::Certificate issueIdevidFor(const crypto::PrivateKey& tpmKey, const std::string& serial) {
  const TimePoint now = SystemClock().now();
  auto ca = take(pki::createRootCa("TPM Client Test Manufacturer", "sztp tests",
                                   crypto::KeyType::EcP256, now, std::chrono::days(365)));
  crypto::CertificateProfile profile;
  profile.subject = {{"O", "sztp tests"}, {"CN", "TPM device"}, {"serialNumber", serial}};
  profile.notBefore = now - 1h;
  profile.notAfter = now + std::chrono::days(30);
  profile.keyUsage = crypto::kDigitalSignature | crypto::kKeyEncipherment;
  profile.extendedKeyUsage = {"clientAuth"};
  auto issued =
      take(crypto::issueCertificate(profile, crypto::publicKeyOf(tpmKey), ca.certificate, ca.key));
  // Through DER, as the agent reads its IDevID from a file: a freshly issued
  // certificate still holds the TPM key's own EVP_PKEY as its public key,
  // whose tpm2 key manager reports no RSA security bits ("ee key too small").
  return take(crypto::Certificate::fromDer(issued.toDer()));
}

agent::DeviceIdentity tpmIdentity(const crypto::PrivateKey& key,
                                  const crypto::Certificate& idevid) {
  return agent::DeviceIdentity{
      .idevid = idevid,
      .chain = {},
      .key = key,
      .serialNumber = "SN-TPM-1",
      .hwModel = std::nullopt,
      .osName = std::nullopt,
      .osVersion = std::nullopt,
      .basicPassword = std::nullopt,
  };
}

http::Response answerGbd(const http::Request& request) {
  http::Response response;
  if (request.path() != kGbdPath) {
    response.status = 404;
    return response;
  }
  model::GetBootstrappingDataOutput output;
  output.reportingLevel = model::ReportingLevel::Verbose;
  output.conveyedInformation = {0x30, 0x03, 0x02, 0x01, 0x07};
  response.body = model::encodeGetBootstrappingDataOutput(output, model::Encoding::Json);
  response.setHeader("Content-Type", std::string(model::yangDataMediaType(model::Encoding::Json)));
  return response;
}

struct Case {
  std::string tlsVersion;  ///< "1.2" or "1.3": the server's only version.
  const char* handle;      ///< The TPM key.
  crypto::KeyType serverKeyType;
  std::string name;
};

class TpmClient : public ::testing::TestWithParam<Case> {
 protected:
  static void SetUpTestSuite() { softwareTpm(); }
  void SetUp() override {
    if (!softwareTpm().skipReason().empty()) {
      GTEST_SKIP() << softwareTpm().skipReason();
    }
  }

  /// Starts an HTTPS server that requires a client certificate, speaks only
  /// `version`, and remembers the client certificates it saw.
  void startServer(const std::string& version, crypto::KeyType serverKeyType,
                   const std::string& groups = {}) {
    pki_ = net::testing::makeTestPki(serverKeyType);
    auto tls = net::testing::serverTls(pki_);
    tls.clientCert = net::TlsSettings::ClientCert::Require;
    tls.minVersion = version;
    tls.maxVersion = version;
    tls.groups = groups;
    auto listener = net::testing::testListener();
    listener.tls = std::move(tls);
    server_ = net::testing::startServer(
        listener, [this](const http::Request& request, const http::Peer& peer) {
          {
            const std::lock_guard lock(mutex_);
            seenCertificates_.push_back(peer.clientCertificates);
          }
          return answerGbd(request);
        });
    ASSERT_TRUE(server_);
    port_ = server_->boundPort("test");
  }

  BootstrapClientSettings settings() const {
    BootstrapClientSettings s;
    s.transport.connectTimeout = 20s;  // Every handshake signs in the (software) TPM.
    s.transport.requestTimeout = 20s;
    return s;
  }

  /// Provisional (no trust anchors, D38): with the TPM key's property query
  /// every signature the client VERIFIES is checked by the tpm2 provider too
  /// (connection.cc, tlsPropertyQuery), and each public key it verifies with
  /// stays loaded in the TPM while the object caching it lives — the anchor
  /// for as long as the endpoint, the server's key for the connection. swtpm
  /// has 3 transient object slots and no resource manager in front of it;
  /// signing needs 2 (hash sequence + its copy), so the chain check against
  /// an anchor would exhaust them here. A device's kernel resource manager
  /// (/dev/tpmrm0) swaps objects and has no such limit. Server
  /// authentication itself is covered by bootstrap_client_test.
  agent::ServerEndpoint endpoint() const {
    agent::ServerEndpoint e;
    e.server.host = "127.0.0.1";
    e.server.port = port_;
    return e;
  }

  std::vector<std::vector<Bytes>> seen() {
    const std::lock_guard lock(mutex_);
    return seenCertificates_;
  }

  net::testing::TestPki pki_;
  std::unique_ptr<net::HttpServer> server_;
  std::uint16_t port_ = 0;
  std::mutex mutex_;
  std::vector<std::vector<Bytes>> seenCertificates_;
};

TEST_P(TpmClient, GetBootstrappingDataAuthenticatesWithTheTpmKey) {
  const auto& param = GetParam();
  startServer(param.tlsVersion, param.serverKeyType);
  auto key = crypto::PrivateKey::fromStore(std::string("handle:") + param.handle);
  ASSERT_TRUE(key) << key.error().describe();
  ASSERT_EQ(crypto::keyProviderName(*key), "tpm2");
  const auto idevid = issueIdevidFor(*key, "SZTP-TPM-CLIENT");

  HttpsBootstrapClient client(tpmIdentity(*key, idevid), settings());
  model::GetBootstrappingDataInput input;
  input.nonce = Bytes(16, 0x42);
  auto answer = client.getBootstrappingData(endpoint(), input);
  ASSERT_TRUE(answer.ok()) << "TLS " << param.tlsVersion << ": " << answer.error().describe();
  EXPECT_FALSE(answer->tlsTrusted);
  EXPECT_EQ(answer->output.conveyedInformation, (Bytes{0x30, 0x03, 0x02, 0x01, 0x07}));

  // The server saw the IDevID on every connection (host-meta, then the RPC):
  // the CertificateVerify was made with the TPM-held key.
  const auto certificates = seen();
  ASSERT_FALSE(certificates.empty());
  for (const auto& chain : certificates) {
    ASSERT_EQ(chain.size(), 1u);
    EXPECT_EQ(chain[0], idevid.toDer());
  }
}

TEST_P(TpmClient, AnIdevidForAnotherKeyIsRefusedBeforeConnecting) {
  const auto& param = GetParam();
  startServer(param.tlsVersion, param.serverKeyType);
  auto key = crypto::PrivateKey::fromStore(std::string("handle:") + param.handle);
  auto other = crypto::PrivateKey::fromStore(std::string("handle:") +
                                             (param.handle == kEcHandle ? kRsaHandle : kEcHandle));
  ASSERT_TRUE(key);
  ASSERT_TRUE(other);
  HttpsBootstrapClient client(tpmIdentity(*key, issueIdevidFor(*other, "SZTP-OTHER")), settings());
  auto answer = client.getBootstrappingData(endpoint(), {});
  ASSERT_FALSE(answer.ok());
  EXPECT_EQ(answer.error(), ClientErrc::InvalidRequest) << answer.error().describe();
  EXPECT_TRUE(seen().empty());
}

INSTANTIATE_TEST_SUITE_P(
    Versions, TpmClient,
    ::testing::Values(Case{"1.2", kEcHandle, crypto::KeyType::EcP256, "Tls12EcKeyEcServer"},
                      Case{"1.3", kEcHandle, crypto::KeyType::EcP256, "Tls13EcKeyEcServer"},
                      Case{"1.2", kRsaHandle, crypto::KeyType::EcP256, "Tls12RsaKeyEcServer"},
                      Case{"1.3", kRsaHandle, crypto::KeyType::EcP256, "Tls13RsaKeyEcServer"},
                      Case{"1.2", kEcHandle, crypto::KeyType::Rsa2048, "Tls12EcKeyRsaServer"}),
    [](const ::testing::TestParamInfo<Case>& caseInfo) { return caseInfo.param.name; });

class TpmClientGroups : public TpmClient {};

// Regression for the cause of TLS 1.2's "no shared cipher": the client must
// still offer the NIST groups with a TPM key. A TLS 1.3 server restricted to
// P-256 (as FIPS-minded servers are) needs P-256 in the client's key share.
TEST_F(TpmClientGroups, ATls13ServerWithOnlyP256AcceptsTheTpmClient) {
  startServer("1.3", crypto::KeyType::EcP256, "P-256");
  auto key = crypto::PrivateKey::fromStore(std::string("handle:") + kEcHandle);
  ASSERT_TRUE(key) << key.error().describe();
  HttpsBootstrapClient client(tpmIdentity(*key, issueIdevidFor(*key, "SZTP-P256")), settings());
  auto answer = client.getBootstrappingData(endpoint(), {});
  ASSERT_TRUE(answer.ok()) << answer.error().describe();
}

// Why the client does not use crypto::propertyQueryFor's "?provider=tpm2"
// for its TLS context (connection.cc, tlsPropertyQuery): on OpenSSL 3.0 with
// a tpm2 provider that announces no TLS groups (tpm2-openssl 1.1.x), such a
// context knows no NIST curve at all.
TEST_F(TpmClientGroups, TheTpm2PreferringQueryLosesTheNistGroups) {
  std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> preferring(
      SSL_CTX_new_ex(nullptr, std::string(crypto::kTpm2PropertyQuery).c_str(), TLS_client_method()),
      SSL_CTX_free);
  ASSERT_TRUE(preferring);
  const bool hasP256 = SSL_CTX_set1_groups_list(preferring.get(), "P-256") == 1;
  ERR_clear_error();
  if (hasP256) {
    GTEST_SKIP() << "this tpm2 provider announces TLS groups: the limitation does not apply";
  }
  std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> plain(SSL_CTX_new(TLS_client_method()),
                                                          SSL_CTX_free);
  EXPECT_EQ(SSL_CTX_set1_groups_list(plain.get(), "P-256"), 1);
}

}  // namespace
}  // namespace sztp::client
