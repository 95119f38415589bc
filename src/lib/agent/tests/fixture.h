#pragma once

// A device, its PKI and bootstrap servers, with REAL signed artifacts built
// by the artifact library on a fixed clock, so every §5.4 check the driver
// relies on is the production one.

#include <algorithm>
#include <memory>

#include "agent/driver.h"
#include "agent/tests/fakes.h"
#include "artifact/conveyed_info_artifact.h"
#include "artifact/voucher_issuer.h"
#include "pki/demo_pki.h"

namespace sztp::agent::test {

using namespace std::chrono_literals;

inline const pki::DemoPki& sharedPki() {
  static const pki::DemoPki pki = [] {
    pki::DemoPkiOptions options;
    options.serialNumbers = {"SN-0001", "SN-0002"};
    return *pki::createDemoPki(options,
                               TimePoint(std::chrono::sys_days(std::chrono::year(2026) / 6 / 1)));
  }();
  return pki;
}

/// How one bundle is built.
struct BundleOptions {
  bool sign = true;
  std::string voucherSerial = "SN-0001";
  std::optional<TimePoint> expiresOn{};  ///< Default: 30 days after now.
  std::optional<Bytes> voucherNonce{};   ///< Put in the voucher (then no expiry).
  bool tamper = false;                   ///< Flip a byte of the signed content.
};

/// The device plus every fake, ready to build Drivers over one World.
struct Fixture {
  const pki::DemoPki& pki = sharedPki();
  World world;
  FakeClient client{world};
  FakeDownloader downloader{world};
  FakeStepRunner steps{world};
  FakePlatform platform{world};
  FakeStore store{world};
  FakeSink sink{world};
  std::vector<std::unique_ptr<FakeSource>> sources;
  AgentSettings settings;

  Fixture() {
    settings.voucherTrustAnchors = {pki.masaCa.certificate};
    settings.workDirectory = "/work";
    settings.configDirectory = "/etc/cfg";
    settings.installCommand = {"/usr/sbin/install-image", "{image}"};
    settings.rebootCommand = {"/sbin/reboot"};
    settings.retry.initialBackoff = 1s;
    settings.retry.maxBackoff = 8s;
    settings.retry.maxCycles = 5;
  }

  DeviceIdentity identity() const {
    DeviceIdentity id{pki.idevids.at("SN-0001").certificate,
                      {},
                      pki.idevids.at("SN-0001").key,
                      "SN-0001",
                      std::nullopt,
                      std::nullopt,
                      std::nullopt,
                      std::nullopt};
    id.hwModel = "model-x";
    id.osName = "VendorOS";
    id.osVersion = "1.0";
    id.basicPassword = "secret";
    return id;
  }

  Driver driver() {
    std::vector<SourceProvider*> raw;
    for (auto& s : sources) {
      raw.push_back(s.get());
    }
    return Driver(settings,
                  Ports{raw, client, downloader, steps, platform, store, sink, world.clock},
                  identity());
  }

  /// A source naming servers (unsigned redirect information, e.g. DHCP).
  FakeSource& dhcpNaming(std::vector<std::string> hosts,
                         std::vector<crypto::Certificate> anchors = {},
                         SourceKind kind = SourceKind::Dhcp) {
    SourceYield yield;
    yield.kind = kind;
    yield.origin = "dhcpv4 eth0";
    for (auto& h : hosts) {
      yield.servers.push_back(ServerRef{h, 443, std::nullopt});
    }
    yield.serverTrustAnchors = std::move(anchors);
    sources.push_back(std::make_unique<FakeSource>(kind, std::vector<SourceYield>{yield}));
    return *sources.back();
  }

  trust::BootstrappingData bundle(const model::ConveyedInformation& info,
                                  const BundleOptions& o = {}) const {
    const TimePoint now = world.clock.now();
    artifact::ConveyedInfoOptions options;
    options.signingTime = now;
    if (!o.sign) {
      return {*artifact::makeConveyedInformation(info, options), std::nullopt, std::nullopt};
    }
    options.owner = artifact::Signer{pki.owner.certificate, pki.owner.key, {}};
    Bytes conveyed = *artifact::makeConveyedInformation(info, options);
    if (o.tamper) {
      // Flip a byte of the signed content itself (the base64 of the
      // configuration), not of a certificate the validator does not use.
      const std::string marker = "PGNvbmZp";
      auto at = std::search(conveyed.begin(), conveyed.end(), marker.begin(), marker.end());
      if (at != conveyed.end()) {
        at[1] ^= 0x01;
      }
    }
    artifact::VoucherRequest request{.serialNumber = o.voucherSerial,
                                     .pinnedDomainCert = pki.ownerCa.certificate};
    request.createdOn = now - 24h;
    if (o.voucherNonce) {
      request.nonce = o.voucherNonce;
    } else {
      request.expiresOn = o.expiresOn.value_or(now + 24h * 30);
    }
    request.domainCertRevocationChecks = false;
    artifact::Signer masa{pki.masa.certificate, pki.masa.key, {}};
    auto voucher = artifact::issueVoucher(request, masa, now - 24h);
    return {conveyed, *artifact::makeOwnerCertificateArtifact(pki.owner.certificate, {}), *voucher};
  }

  /// A server at `host` answering with `data`; TLS trusted iff the endpoint
  /// carried anchors (as the real client: provisional otherwise).
  void serve(const std::string& host, trust::BootstrappingData data,
             std::optional<model::ReportingLevel> level = std::nullopt) {
    client.servers[host] = [data, level](const ServerEndpoint& endpoint,
                                         const model::GetBootstrappingDataInput&) {
      ServerAnswer answer;
      answer.tlsTrusted = !endpoint.trustAnchors.empty();
      answer.address = "192.0.2.1:443";
      answer.output.reportingLevel = level;
      answer.output.conveyedInformation = data.conveyedInformation;
      answer.output.ownerCertificate = data.ownerCertificate;
      answer.output.ownershipVoucher = data.ownershipVoucher;
      return Result<ServerAnswer>(answer);
    };
  }

  Bytes trustAnchorCms() const {
    return *artifact::makeTrustAnchorArtifact({pki.tlsCa.certificate});
  }
};

inline model::OnboardingInformation configOnly() {
  model::OnboardingInformation info;
  info.configurationHandling = model::ConfigurationHandling::Merge;
  info.configuration = toBytes("<config>hello</config>");
  return info;
}

inline model::OnboardingInformation fullOnboarding(const Bytes& image) {
  model::OnboardingInformation info = configOnly();
  info.bootImage = model::BootImage{"VendorOS",
                                    "2.0",
                                    {"https://a.example/os.img", "https://b.example/os.img"},
                                    {{model::HashAlgorithm::Sha256, crypto::sha256(image)}}};
  info.preConfigurationScript = toBytes("#!/bin/sh\necho pre\n");
  info.postConfigurationScript = toBytes("#!/bin/sh\necho post\n");
  return info;
}

inline model::RedirectInformation redirectTo(std::vector<model::BootstrapServer> servers) {
  return model::RedirectInformation{std::move(servers)};
}

}  // namespace sztp::agent::test
