#pragma once

// A bootstrap server world for in-process tests: a demo PKI, a real SQLite
// registry with one device type, an owner, profiles and devices, and the
// BootstrapService over them. Requests are plain http::Request values.

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "artifact/voucher_issuer.h"
#include "bootstrap/bootstrap_service.h"
#include "common/clock.h"
#include "crypto/digest.h"
#include "crypto/password_hash.h"
#include "pki/demo_pki.h"
#include "registry/sqlite/sqlite_registry.h"
#include "testutil/temp_dir.h"
#include "trust/signed_data_validator.h"

namespace sztp::bootstrap::testing {

inline constexpr std::string_view kGbdPath =
    "/restconf/operations/ietf-sztp-bootstrap-server:get-bootstrapping-data";
inline constexpr std::string_view kProgressPath =
    "/restconf/operations/ietf-sztp-bootstrap-server:report-progress";

inline TimePoint testNow() {
  return std::chrono::sys_days{std::chrono::year{2026} / 11 / 23} + std::chrono::hours{12};
}

/// The world itself, usable from any test (the YANG conformance suite feeds
/// its answers to libyang).
class ServiceWorld {
 public:
  /// Builds everything; a failure says what.
  ::testing::AssertionResult build() {
    pki::DemoPkiOptions options;
    options.serialNumbers = {"SN-1", "SN-2", "SN-3", "SN-ENC"};
    auto created = pki::createDemoPki(options, testNow() - std::chrono::hours{24});
    if (!created) {
      return ::testing::AssertionFailure() << created.error().describe();
    }
    pki_ = std::make_unique<pki::DemoPki>(std::move(*created));

    registry::SqliteOptions sqlite;
    sqlite.path = dir_ / "registry.db";
    auto opened = registry::openSqliteRegistry(sqlite);
    if (!opened) {
      return ::testing::AssertionFailure() << opened.error().describe();
    }
    registry_ = std::move(*opened);

    std::vector<registry::Change> changes;
    registry::DeviceType dpu;
    dpu.name = "dpu";
    dpu.idevidTrustAnchors = {pki_->manufacturerCa.certificate.toDer()};
    dpu.allowActivationCode = true;
    dpu.requireClientCertificate = false;
    changes.push_back(registry::PutObject{dpu});
    registry::DeviceType sealed = dpu;
    sealed.name = "sealed";
    sealed.allowActivationCode = false;
    sealed.requireClientCertificate = true;
    sealed.encryptArtifacts = true;
    changes.push_back(registry::PutObject{sealed});

    registry::Owner owner;
    owner.name = "acme";
    owner.certificateChain = {pki_->owner.certificate.toDer()};
    owner.signingKeyRef = "test:acme";
    changes.push_back(registry::PutObject{owner});

    registry::Image image;
    image.name = "demo-os-2";
    image.osName = "DemoOS";
    image.osVersion = "2.0";
    image.file = "demo-os-2.img";
    image.sha256 = crypto::sha256(asBytes("the image"));
    changes.push_back(registry::PutObject{image});
    changes.push_back(registry::PutObject{registry::Script{"pre", toBytes("#!/bin/sh\nexit 0\n")}});
    changes.push_back(registry::PutObject{registry::Configuration{
        "base", model::ConfigurationHandling::Merge, toBytes("<config/>")}});
    changes.push_back(
        registry::PutObject{registry::OnboardingProfile{"full", "demo-os-2", "pre", "base", ""}});
    changes.push_back(registry::PutObject{registry::RedirectProfile{
        "to-onboarding",
        {{"onboard.example.net",
          8443,
          {pki_->server.certificate.toDer(), pki_->tlsCa.certificate.toDer()}}}}});

    changes.push_back(registry::PutDevice{device("SN-1", "dpu")});
    auto sn2 = device("SN-2", "dpu");
    sn2.activationCodeHash = crypto::hashSecret("code-2", 1000);
    changes.push_back(registry::PutDevice{sn2});
    changes.push_back(registry::PutDevice{device("SN-ENC", "sealed")});
    auto applied = registry_->apply(changes);
    if (!applied) {
      return ::testing::AssertionFailure() << applied.error().describe();
    }

    auto ldevidCa = pki::createRootCa("Example LDevID CA", "Example Owner", crypto::KeyType::EcP256,
                                      testNow() - std::chrono::hours{24}, std::chrono::days{730});
    if (!ldevidCa) {
      return ::testing::AssertionFailure() << ldevidCa.error().describe();
    }
    ldevidCa_ = std::make_unique<pki::Identity>(std::move(*ldevidCa));

    ServiceSettings settings = settings_;
    settings.answers.fileServerBaseUrls = {"https://files.example.net/images"};
    service_ = std::make_unique<BootstrapService>(
        *registry_, clock_,
        [this](const std::string& keyRef) -> Result<crypto::PrivateKey> {
          if (keyRef == "test:ldevid-ca" && ldevidCa_) {
            return ldevidCa_->key;
          }
          ++keyLoads_;
          if (keyRef != "test:acme") {
            return Error(make_error_code(std::errc::no_such_file_or_directory), keyRef);
          }
          return pki_->owner.key;
        },
        settings);
    return ::testing::AssertionSuccess();
  }

  // ---- RFC 9646 LDevID issuance (S19–S22) -------------------------------

  /// The LDevID policy enableLdevid() gives device type "dpu": new P-384 or
  /// P-256 keys, else the IDevID key, issued by ldevidCa_ for 90 days.
  registry::LdevidPolicy ldevidPolicy() const {
    registry::LdevidPolicy policy;
    policy.caCertificateChain = {ldevidCa_->certificate.toDer()};
    policy.caKeyRef = "test:ldevid-ca";
    policy.validityDays = 90;
    policy.keyGeneration = {"ec-p384", "ec-p256"};
    return policy;
  }

  /// Gives device type "dpu" `policy`, and makes SN-1's default response an
  /// onboarding profile without a configuration ("bare"), so the LDevID
  /// travels as an ietf-keystore fragment. Also adds profile "templated",
  /// whose configuration has the {{ldevid-certificate}} placeholder.
  ::testing::AssertionResult enableLdevid(const registry::LdevidPolicy& policy) {
    auto stored = registry_->getObject(registry::ObjectKind::DeviceType, "dpu");
    if (!stored || !*stored) {
      return ::testing::AssertionFailure() << "no device type dpu";
    }
    auto type = std::get<registry::DeviceType>(**stored);
    type.ldevid = policy;
    auto sn1 = registry_->getDevice("SN-1");
    if (!sn1 || !*sn1) {
      return ::testing::AssertionFailure() << "no device SN-1";
    }
    registry::Device device = **sn1;
    device.responses.back().profile = "bare";
    auto applied = registry_->apply(
        {registry::PutObject{type},
         registry::PutObject{registry::OnboardingProfile{"bare", "demo-os-2", "", "", ""}},
         registry::PutObject{registry::Configuration{
             "with-ldevid", model::ConfigurationHandling::Merge,
             toBytes("<config><ldevid>{{ldevid-certificate}}</ldevid></config>")}},
         registry::PutObject{
             registry::OnboardingProfile{"templated", "demo-os-2", "", "with-ldevid", ""}},
         registry::PutDevice{device}});
    if (!applied) {
      return ::testing::AssertionFailure() << applied.error().describe();
    }
    return ::testing::AssertionSuccess();
  }

  /// A get-bootstrapping-data input offering csr-support: key generation for
  /// `algorithms` (nullopt: none offered), and `formats`.
  static std::string csrSupportBody(std::optional<std::vector<Bytes>> algorithms,
                                    model::Encoding encoding,
                                    std::vector<std::string> formats = {"ietf-ztp-types:p10-csr"}) {
    model::GetBootstrappingDataInput input;
    input.osVersion = "2.0";
    input.csrSupport = model::CsrSupport{std::move(algorithms), std::move(formats)};
    return model::encodeGetBootstrappingDataInput(input, encoding);
  }

  static std::string csrBody(Bytes der, model::Encoding encoding,
                             model::CsrMessage::Format format = model::CsrMessage::Format::P10) {
    model::GetBootstrappingDataInput input;
    input.osVersion = "2.0";
    input.csr = model::CsrMessage{format, std::move(der)};
    return model::encodeGetBootstrappingDataInput(input, encoding);
  }

  /// The request for `body`, in `encoding` both ways.
  static http::Request gbd(std::string body, model::Encoding encoding) {
    const std::string type(model::yangDataMediaType(encoding));
    auto request = post(kGbdPath, std::move(body), type);
    request.headers.emplace_back("accept", type);
    return request;
  }

  registry::Device device(const std::string& serial, const std::string& type) const {
    registry::Device d;
    d.serialNumber = serial;
    d.deviceType = type;
    d.owner = "acme";
    artifact::VoucherRequest request{serial, pki_->ownerCa.certificate};
    auto voucher = artifact::issueVoucher(
        request, artifact::Signer{pki_->masa.certificate, pki_->masa.key, {}}, clock_.now());
    EXPECT_TRUE(voucher.ok()) << voucher.error().describe();
    if (voucher) {
      d.ownershipVoucher = *voucher;
    }
    registry::Response redirect;
    redirect.name = "old-os";
    redirect.conditions = {
        {registry::Condition::Field::OsVersion, registry::Condition::Match::Exact, "1.0"}};
    redirect.kind = registry::Response::Kind::Redirect;
    redirect.profile = "to-onboarding";
    registry::Response onboarding;
    onboarding.name = "default";
    onboarding.profile = "full";
    onboarding.reportingLevel = model::ReportingLevel::Verbose;
    d.responses = {redirect, onboarding};
    return d;
  }

  http::Peer peerWithCertificate(const std::string& serial) const {
    http::Peer peer;
    peer.address = "192.0.2.7";
    peer.port = 50000;
    peer.tls = true;
    peer.tlsVersion = "TLSv1.3";
    peer.clientCertificates = {pki_->idevids.at(serial).certificate.toDer()};
    return peer;
  }

  static http::Request post(std::string_view path, std::string body,
                            std::string contentType = "application/yang-data+json") {
    http::Request request;
    request.method = "POST";
    request.target = std::string(path);
    if (!contentType.empty()) {
      request.headers.emplace_back("content-type", std::move(contentType));
    }
    request.body = std::move(body);
    return request;
  }

  /// The device's own check (RFC 8572 §5.4) of a 200 answer.
  Result<trust::ValidatedData> validateAsDevice(const http::Response& response,
                                                const std::string& serial,
                                                model::Encoding encoding) const {
    auto output = model::parseGetBootstrappingDataOutput(response.body, encoding);
    if (!output) {
      return std::move(output).error();
    }
    trust::ValidationContext context;
    context.voucherTrustAnchors = {pki_->masaCa.certificate};
    context.serialNumber = serial;
    context.idevid = pki_->idevids.at(serial).certificate;
    context.idevidKey = pki_->idevids.at(serial).key;
    context.now = clock_.now();
    return trust::validateBootstrappingData(
        {output->conveyedInformation, output->ownerCertificate, output->ownershipVoucher}, context);
  }

  http::Response handle(const http::Request& request, const http::Peer& peer) {
    return service_->handle(request, peer);
  }

  testutil::TempDir dir_;
  FixedClock clock_{testNow()};
  std::unique_ptr<pki::DemoPki> pki_;
  std::unique_ptr<registry::Registry> registry_;
  std::unique_ptr<BootstrapService> service_;
  int keyLoads_ = 0;
  /// Issues LDevIDs once a test calls enableLdevid().
  std::unique_ptr<pki::Identity> ldevidCa_;
  /// Settings for the service build() makes; tests may change them first.
  ServiceSettings settings_;
};

class ServiceTest : public ::testing::Test, public ServiceWorld {
 protected:
  void SetUp() override { ASSERT_TRUE(build()); }
};

}  // namespace sztp::bootstrap::testing
