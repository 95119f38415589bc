#include "prepare.h"

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "artifact/voucher_issuer.h"
#include "crypto/certificate.h"
#include "crypto/private_key.h"
#include "model/bootstrap_rpc.h"
#include "registry/sqlite/sqlite_registry.h"
#include "trust/signed_data_validator.h"

namespace sztp::bench::load {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// Names in the inventory that prepareWorld writes and fillRegistry reuses.
constexpr const char* kDeviceType = "load-dpu";
constexpr const char* kOwner = "load-owner";
constexpr const char* kProfile = "standard";

std::string readText(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw std::runtime_error("cannot read " + path.string());
  }
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void writeText(const fs::path& path, std::string_view text) {
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  if (!out) {
    throw std::runtime_error("cannot write " + path.string());
  }
}

template <class T>
T orThrow(Result<T> result, const std::string& what) {
  if (!result) {
    throw std::runtime_error(what + ": " + result.error().describe());
  }
  return std::move(*result);
}

crypto::Certificate certificateAt(const fs::path& path) {
  return orThrow(crypto::Certificate::fromPem(readText(path)), path.string());
}

double cpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const auto s = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return s(usage.ru_utime) + s(usage.ru_stime);
}

}  // namespace

std::vector<std::string> readSerials(const fs::path& file) {
  std::istringstream lines(readText(file));
  std::vector<std::string> serials;
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty()) {
      serials.push_back(line);
    }
  }
  return serials;
}

void prepareWorld(const fs::path& dir, const std::vector<std::string>& serials) {
  const fs::path pki = dir / "pki";
  const artifact::Signer masa{
      certificateAt(pki / "masa/masa.crt"),
      orThrow(crypto::PrivateKey::fromPem(readText(pki / "masa/masa.key")), "masa key"),
      {}};
  const auto ownerCa = certificateAt(pki / "owner/ca.crt");
  const auto now = std::chrono::time_point_cast<std::chrono::seconds>(
      std::chrono::system_clock::now() - std::chrono::hours(1));

  // A realistic onboarding answer: an image (hashed on import), a
  // pre-configuration script and a configuration.
  std::string image(64 * 1024, '\0');
  for (std::size_t i = 0; i < image.size(); ++i) {
    image[i] = static_cast<char>((i * 131) & 0xff);
  }
  writeText(dir / "files/demo-os-2.0.img", image);

  std::string yaml = R"(# Written by sztp_load prepare (bench/load): the load benchmark's world.
version: 1
device-types:
  - name: load-dpu
    idevid-trust-anchors: pki/manufacturer/ca.crt
owners:
  - name: load-owner
    certificate-chain: pki/owner/owner.crt
    signing-key: pki/owner/owner.key
images:
  - name: demo-os-2.0
    os-name: DemoOS
    os-version: "2.0"
    file: files/demo-os-2.0.img
    download-uris: https://files.example.net/images/demo-os-2.0.img
scripts:
  - name: pre
    text: |
      #!/bin/sh
      # check the disk before installing
      test -b /dev/sda || exit 1
configurations:
  - name: base
    handling: merge
    text: |
      <config xmlns="urn:example:dpu"><system><hostname>dpu</hostname>
      <ntp><server>ntp.example.net</server></ntp></system></config>
onboarding-profiles:
  - name: standard
    image: demo-os-2.0
    pre-configuration-script: pre
    configuration: base
devices:
)";
  for (const auto& serial : serials) {
    artifact::VoucherRequest request{serial, ownerCa};
    const auto voucher = orThrow(artifact::issueVoucher(request, masa, now), "voucher " + serial);
    writeText(dir / "vouchers" / (serial + ".vcj"),
              std::string_view(reinterpret_cast<const char*>(voucher.data()), voucher.size()));
    yaml += "  - serial-number: " + serial + "\n    device-type: " + kDeviceType +
            "\n    owner: " + kOwner + "\n    ownership-voucher: vouchers/" + serial +
            ".vcj\n    responses:\n      - profile: " + kProfile + "\n";
  }
  writeText(dir / "inventory.yaml", yaml);
}

void fillRegistry(const fs::path& registryPath, std::uint64_t count, std::uint64_t batch,
                  const fs::path& voucherFile) {
  const std::string voucherText = readText(voucherFile);
  const Bytes voucher(voucherText.begin(), voucherText.end());
  registry::SqliteOptions options;
  options.path = registryPath;
  auto registry = orThrow(registry::openSqliteRegistry(options), registryPath.string());
  const auto start = Clock::now();
  const double cpuStart = cpuSeconds();
  double slowest = 0;
  for (std::uint64_t first = 0; first < count; first += batch) {
    std::vector<registry::Change> changes;
    const std::uint64_t last = std::min(count, first + batch);
    changes.reserve(last - first);
    for (std::uint64_t i = first; i < last; ++i) {
      char serial[32];
      std::snprintf(serial, sizeof serial, "FILL-%07llu", static_cast<unsigned long long>(i));
      registry::Device device;
      device.serialNumber = serial;
      device.deviceType = kDeviceType;
      device.owner = kOwner;
      device.ownershipVoucher = voucher;
      registry::Response response;
      response.name = kProfile;
      response.profile = kProfile;
      device.responses = {response};
      changes.push_back(registry::PutDevice{std::move(device)});
    }
    const auto batchStart = Clock::now();
    auto applied = registry->apply(changes);
    if (!applied) {
      throw std::runtime_error("fill batch at " + std::to_string(first) + ": " +
                               applied.error().describe());
    }
    slowest = std::max(slowest, std::chrono::duration<double>(Clock::now() - batchStart).count());
    if ((last / batch) % 10 == 0 || last == count) {
      std::printf("  %llu devices put, %.0f s\n", static_cast<unsigned long long>(last),
                  std::chrono::duration<double>(Clock::now() - start).count());
      std::fflush(stdout);
    }
  }
  const double wall = std::chrono::duration<double>(Clock::now() - start).count();
  std::printf(
      "filled %llu devices in batches of %llu: %.0f s wall (%.0f devices/s), %.0f s CPU, "
      "slowest batch %.1f s\n",
      static_cast<unsigned long long>(count), static_cast<unsigned long long>(batch), wall,
      static_cast<double>(count) / wall, cpuSeconds() - cpuStart, slowest);
}

void validateAnswer(const fs::path& dir, const std::string& serial, const std::string& answerJson) {
  auto output =
      orThrow(model::parseGetBootstrappingDataOutput(answerJson, model::Encoding::Json), "answer");
  trust::ValidationContext context;
  context.voucherTrustAnchors = {certificateAt(dir / "pki/masa/ca.crt")};
  context.serialNumber = serial;
  context.idevid = certificateAt(dir / "pki/manufacturer/idevid" / (serial + ".crt"));
  context.now =
      std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  context.sourceTrusted = true;
  auto validated = orThrow(
      trust::validateBootstrappingData(
          {output.conveyedInformation, output.ownerCertificate, output.ownershipVoucher}, context),
      "validation");
  if (!validated.signedData || !validated.trusted) {
    throw std::runtime_error("the answer is not signed and trusted");
  }
  if (!std::holds_alternative<model::OnboardingInformation>(validated.information)) {
    throw std::runtime_error("the answer is not onboarding information");
  }
}

}  // namespace sztp::bench::load
