#include "inventory/tests/inventory_fixture.h"

#include <chrono>
#include <map>

#include "artifact/voucher_issuer.h"
#include "crypto/digest.h"
#include "crypto/password_hash.h"
#include "registry/sqlite/sqlite_registry.h"
#include "testutil/temp_dir.h"

namespace sztp::inventory::test {

using namespace std::chrono_literals;

TimePoint fixedNow() {
  return std::chrono::sys_days(std::chrono::year(2026) / 6 / 1) + 12h;
}

const pki::DemoPki& demoPki() {
  static const pki::DemoPki pki = [] {
    pki::DemoPkiOptions options;
    options.serialNumbers = {"SN-0001", "SN-0002", "SN-0003"};
    auto made = pki::createDemoPki(options, fixedNow());
    if (!made) {
      ADD_FAILURE() << made.error().describe();
      std::abort();
    }
    return std::move(*made);
  }();
  return pki;
}

Bytes voucherFor(const std::string& serial) {
  // Signatures are randomised (ECDSA): one voucher per serial for the whole
  // program, so that files and expectations agree.
  static std::map<std::string, Bytes> issued;
  if (auto it = issued.find(serial); it != issued.end()) {
    return it->second;
  }
  const auto& pki = demoPki();
  artifact::VoucherRequest request{serial, pki.ownerCa.certificate};
  artifact::Signer masa{pki.masa.certificate, pki.masa.key, {}};
  auto voucher = artifact::issueVoucher(request, masa, fixedNow());
  if (!voucher) {
    ADD_FAILURE() << voucher.error().describe();
    return {};
  }
  return issued[serial] = *voucher;
}

SecretHasher testHasher(int* hashes) {
  return {[hashes](std::string_view secret) {
            if (hashes != nullptr) {
              ++*hashes;
            }
            return crypto::hashSecret(secret, 1000);
          },
          [](std::string_view secret, std::string_view stored) {
            auto matched = crypto::verifySecret(secret, stored);
            return matched.ok() && *matched;
          }};
}

void InventoryTest::SetUp() {
  const auto& pki = demoPki();
  dir_.write("pki/manufacturer-ca.pem", pki.manufacturerCa.certificate.toPem());
  dir_.write("pki/owner-chain.pem",
             pki.owner.certificate.toPem() + pki.ownerCa.certificate.toPem());
  dir_.write("pki/owner.key", pki.owner.key.toPem());
  dir_.write("pki/tls-ca.pem", pki.tlsCa.certificate.toPem());
  dir_.write("pki/masa-ca.pem", pki.masaCa.certificate.toPem());
  for (const char* serial : {"SN-0001", "SN-0002", "SN-0003"}) {
    dir_.write(std::string("vouchers/") + serial + ".vcj", voucherFor(serial));
  }
  dir_.write("images/vendoros-17.3.img", std::string(100000, 'I'));
  dir_.write("scripts/pre.sh", "#!/bin/sh\necho pre\n");
  dir_.write("config/startup.xml", "<config><hostname>dpu</hostname></config>\n");
  registry::SqliteOptions options;
  options.path = dir_ / "registry.db";
  auto opened = registry::openSqliteRegistry(options);
  ASSERT_TRUE(opened) << opened.error().describe();
  registry_ = std::move(*opened);
}

InventoryFiles InventoryTest::files() const {
  InventoryFiles files;
  const std::filesystem::path root = dir_.path();
  files.read = [root](const std::string& path) -> Result<Bytes> {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(root / path, ec)) {
      return Error(std::make_error_code(std::errc::no_such_file_or_directory), path);
    }
    return testutil::readFile(root / path);
  };
  files.digest = [root](const std::string& path) -> Result<FileDigest> {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(root / path, ec)) {
      return Error(std::make_error_code(std::errc::no_such_file_or_directory), path);
    }
    const Bytes data = testutil::readFile(root / path);
    return FileDigest{crypto::sha256(data), data.size()};
  };
  files.resolve = [root](const std::string& path) {
    return path.starts_with("/") ? path : (root / path).string();
  };
  return files;
}

std::string InventoryTest::fullYaml() {
  return R"YAML(version: 1
device-types:
  - name: dpu
    description: Example DPU
    idevid-trust-anchors: pki/manufacturer-ca.pem
    serial-rule:
      attribute: common-name
      pattern: "PID:\\S+ SN:(\\S+)"
    allow-activation-code: true
    require-client-certificate: false
    encrypt-artifacts: false
owners:
  - name: example
    description: Example Owner
    certificate-chain: pki/owner-chain.pem
    signing-key: pki/owner.key
images:
  - name: vendoros-17.3
    os-name: VendorOS
    os-version: "17.3"
    file: images/vendoros-17.3.img
    download-uris:
      - https://files.example.net/vendoros-17.3.img
scripts:
  - name: pre
    file: scripts/pre.sh
  - name: post
    text: |
      #!/bin/sh
      echo post
configurations:
  - name: base
    handling: replace
    file: config/startup.xml
onboarding-profiles:
  - name: standard
    image: vendoros-17.3
    pre-configuration-script: pre
    configuration: base
    post-configuration-script: post
redirect-profiles:
  - name: lab
    bootstrap-servers:
      - address: sztp2.example.net
        port: 8443
        trust-anchor-chain: pki/tls-ca.pem
      - address: 192.0.2.10
devices:
  - serial-number: SN-0001
    device-type: dpu
    owner: example
    ownership-voucher: vouchers/SN-0001.vcj
    activation-code: correct horse
    responses:
      - name: lab-net
        conditions:
          - field: source-address
            match: subnet
            value: 10.0.0.0/8
          - field: hw-model
            value: DPU-100
        kind: redirect
        profile: lab
      - kind: onboarding
        profile: standard
        sign: true
        reporting-level: verbose
  - serial-number: SN-0002
    device-type: dpu
    owner: example
    ownership-voucher: vouchers/SN-0002.vcj
    enabled: false
    responses:
      - profile: standard
)YAML";
}

Result<Plan> InventoryTest::plan(const std::string& yaml, bool prune) {
  auto inventory = parse(yaml);
  if (!inventory) {
    return std::move(inventory).error();
  }
  ApplyOptions options;
  options.prune = prune;
  options.hasher = testHasher();
  return planApply(*inventory, *registry_, options);
}

Plan InventoryTest::apply(const std::string& yaml, bool prune) {
  auto planned = plan(yaml, prune);
  EXPECT_TRUE(planned) << planned.error().describe();
  if (!planned) {
    return {};
  }
  auto applied = registry_->apply(planned->changes);
  EXPECT_TRUE(applied) << applied.error().describe();
  return std::move(*planned);
}

}  // namespace sztp::inventory::test
