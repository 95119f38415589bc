#include "bundle_fixture.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>
#include <system_error>

namespace sztp::bench {

using namespace std::chrono_literals;

namespace {

BenchPki makeBenchPki(crypto::KeyType keyType) {
  // The real clock, once: certificates, vouchers and the device's check all
  // use this instant, so a run never straddles a validity boundary.
  const TimePoint now = SystemClock().now();
  pki::DemoPkiOptions options;
  options.keyType = keyType;
  // One device is enough, and every IDevID costs a key generation (slow for RSA).
  options.serialNumbers = {kSerialNumber};
  auto created = pki::createDemoPki(options, now);
  if (!created) {
    std::fprintf(stderr, "sztp_bench: cannot create the %s demo PKI: %s\n",
                 std::string(crypto::keyTypeName(keyType)).c_str(),
                 created.error().describe().c_str());
    std::abort();
  }
  pki::DemoPki demo = std::move(*created);
  // MASA and owner sign directly under the CAs the device and the voucher
  // pin, as in the demo deployment: no intermediates travel in the CMS.
  artifact::Signer masa{demo.masa.certificate, demo.masa.key, {}};
  artifact::Signer owner{demo.owner.certificate, demo.owner.key, {}};
  return BenchPki{keyType, now, std::move(demo), std::move(masa), std::move(owner)};
}

std::string makeConfiguration() {
  // An interface-heavy device configuration, the usual bulk of a day-0
  // config; grown until it reaches ~2 KB, the size the issue asks for.
  std::string config =
      "<config xmlns=\"http://example.com/device-config\">\n"
      "  <system><hostname>edge-sw-0001</hostname><ntp><server>192.0.2.123</server></ntp>"
      "</system>\n"
      "  <interfaces>\n";
  const std::string tail = "  </interfaces>\n</config>\n";
  for (int port = 1; config.size() + tail.size() < 2048; ++port) {
    config += "    <interface><name>ge-0/0/" + std::to_string(port) +
              "</name><description>access port " + std::to_string(port) +
              "</description><enabled>true</enabled><vlan>" + std::to_string(100 + port) +
              "</vlan></interface>\n";
  }
  return config + tail;
}

}  // namespace

const BenchPki& benchPki(crypto::KeyType keyType) {
  // Benchmarks run on one thread, but a mutex keeps the lazy map honest if
  // someone adds ->Threads(n) later.
  static std::mutex mutex;
  static std::map<crypto::KeyType, std::unique_ptr<BenchPki>> cache;
  const std::lock_guard lock(mutex);
  auto& slot = cache[keyType];
  if (!slot) {
    slot = std::make_unique<BenchPki>(makeBenchPki(keyType));
  }
  return *slot;
}

const model::ConveyedInformation& realisticOnboarding() {
  static const model::ConveyedInformation info = [] {
    model::OnboardingInformation onboarding;
    Bytes hash(32);
    for (std::size_t i = 0; i < hash.size(); ++i) {
      hash[i] = static_cast<std::uint8_t>(0x5a ^ (i * 7));
    }
    onboarding.bootImage =
        model::BootImage{"VendorOS",
                         "17.3.2",
                         {"https://firmware.example.com/images/vendoros-17.3.2.img",
                          "https://mirror.example.net/vendoros/17.3.2/vendoros.img"},
                         {{model::HashAlgorithm::Sha256, std::move(hash)}}};
    onboarding.configurationHandling = model::ConfigurationHandling::Merge;
    onboarding.configuration = toBytes(makeConfiguration());
    onboarding.preConfigurationScript = toBytes(
        "#!/bin/sh\n"
        "# Prepare the device before the configuration is applied.\n"
        "set -e\n"
        "logger -t sztp 'pre-configuration: clearing factory defaults'\n"
        "rm -f /config/factory-default.conf\n"
        "exit 0\n");
    return model::ConveyedInformation(std::move(onboarding));
  }();
  return info;
}

Result<Bundle> createBundle(const BenchPki& bench, bool encrypt) {
  const auto& idevid = bench.idevid().certificate;
  const std::optional<crypto::Certificate> encryptTo =
      encrypt ? std::optional<crypto::Certificate>(idevid) : std::nullopt;

  // The MASA's part: a voucher pinning the owner CA and the IDevID issuer,
  // valid for 30 days, as a sales-channel voucher would be.
  artifact::VoucherRequest request{.serialNumber = kSerialNumber,
                                   .pinnedDomainCert = bench.pki.ownerCa.certificate};
  request.createdOn = bench.now;
  request.expiresOn = bench.now + 24h * 30;
  request.idevid = idevid;
  auto voucher = artifact::issueVoucher(request, bench.masa, bench.now);
  if (!voucher) {
    return std::move(voucher).error().addContext("issuing the voucher");
  }
  if (encryptTo) {
    voucher = artifact::encryptArtifact(*voucher, *encryptTo);
    if (!voucher) {
      return std::move(voucher).error().addContext("encrypting the voucher");
    }
  }

  // The owner's part: the certificate bag and the signed conveyed information.
  auto ownerCertificate =
      artifact::makeOwnerCertificateArtifact(bench.owner.certificate, {}, {}, encryptTo);
  if (!ownerCertificate) {
    return std::move(ownerCertificate).error().addContext("building the owner certificate");
  }
  artifact::ConveyedInfoOptions options;
  options.encoding = model::Encoding::Json;
  options.owner = bench.owner;
  options.encryptTo = encryptTo;
  options.signingTime = bench.now;
  auto conveyed = artifact::makeConveyedInformation(realisticOnboarding(), options);
  if (!conveyed) {
    return std::move(conveyed).error().addContext("signing the conveyed information");
  }
  return Bundle{std::move(*conveyed), std::move(*ownerCertificate), std::move(*voucher)};
}

trust::ValidationContext deviceContext(const BenchPki& bench) {
  trust::ValidationContext context;
  context.voucherTrustAnchors = {bench.pki.masaCa.certificate};
  context.serialNumber = kSerialNumber;
  context.idevid = bench.idevid().certificate;
  context.idevidKey = bench.idevid().key;
  context.now = bench.now;
  return context;
}

Status verifyBundle(const Bundle& bundle, const trust::ValidationContext& context,
                    bool expectEncrypted) {
  auto validated = trust::validateBootstrappingData(bundle, context);
  if (!validated) {
    return std::move(validated).error();
  }
  // Success alone is not enough: a bundle that validated as unsigned data, or
  // without the decryption step, would measure a different (cheaper) path.
  if (!validated->signedData || !validated->trusted || validated->wasEncrypted != expectEncrypted ||
      !std::holds_alternative<model::OnboardingInformation>(validated->information)) {
    return Error(std::make_error_code(std::errc::invalid_argument),
                 "the bundle validated, but not as trusted signed onboarding information" +
                     std::string(expectEncrypted ? " (encrypted)" : ""));
  }
  return {};
}

std::size_t bundleSize(const Bundle& bundle) {
  return bundle.conveyedInformation.size() +
         (bundle.ownerCertificate ? bundle.ownerCertificate->size() : 0) +
         (bundle.ownershipVoucher ? bundle.ownershipVoucher->size() : 0);
}

}  // namespace sztp::bench
