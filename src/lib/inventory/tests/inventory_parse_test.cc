// parseInventory: every key read into the registry values; every kind of
// mistake refused with the YAML path and line.
#include <gtest/gtest.h>

#include "common/hex.h"
#include "crypto/digest.h"
#include "crypto/password_hash.h"
#include "inventory/inventory_error.h"
#include "inventory/tests/inventory_fixture.h"

namespace sztp::inventory::test {
namespace {

template <class T>
const T* find(const Inventory& inventory, const std::string& name) {
  for (const auto& object : inventory.objects) {
    if (const auto* value = std::get_if<T>(&object); value != nullptr && value->name == name) {
      return value;
    }
  }
  return nullptr;
}

TEST_F(InventoryTest, ParsesEveryKey) {
  auto inventory = parse(fullYaml());
  ASSERT_TRUE(inventory) << inventory.error().describe();
  const auto& pki = demoPki();

  const auto* type = find<registry::DeviceType>(*inventory, "dpu");
  ASSERT_NE(type, nullptr);
  EXPECT_EQ(type->description, "Example DPU");
  EXPECT_EQ(type->idevidTrustAnchors, (std::vector<Bytes>{pki.manufacturerCa.certificate.toDer()}));
  EXPECT_EQ(type->serialRule.attribute, registry::SerialRule::Attribute::CommonName);
  EXPECT_EQ(type->serialRule.pattern, "PID:\\S+ SN:(\\S+)");
  EXPECT_TRUE(type->allowActivationCode);
  EXPECT_FALSE(type->requireClientCertificate);
  EXPECT_FALSE(type->encryptArtifacts);

  const auto* owner = find<registry::Owner>(*inventory, "example");
  ASSERT_NE(owner, nullptr);
  EXPECT_EQ(owner->description, "Example Owner");
  EXPECT_EQ(owner->certificateChain,
            (std::vector<Bytes>{pki.owner.certificate.toDer(), pki.ownerCa.certificate.toDer()}));
  EXPECT_EQ(owner->signingKeyRef, (dir_ / "pki/owner.key").string());  // Resolved.

  const auto* image = find<registry::Image>(*inventory, "vendoros-17.3");
  ASSERT_NE(image, nullptr);
  EXPECT_EQ(image->osName, "VendorOS");
  EXPECT_EQ(image->osVersion, "17.3");
  EXPECT_EQ(image->file, "vendoros-17.3.img");  // served-as defaults to the file's name.
  EXPECT_EQ(image->downloadUris,
            (std::vector<std::string>{"https://files.example.net/vendoros-17.3.img"}));
  EXPECT_EQ(image->sha256, crypto::sha256(asBytes(std::string(100000, 'I'))));
  EXPECT_EQ(image->size, 100000u);

  const auto* pre = find<registry::Script>(*inventory, "pre");
  ASSERT_NE(pre, nullptr);
  EXPECT_EQ(toString(pre->content), "#!/bin/sh\necho pre\n");
  const auto* post = find<registry::Script>(*inventory, "post");
  ASSERT_NE(post, nullptr);
  EXPECT_EQ(toString(post->content), "#!/bin/sh\necho post\n");

  const auto* config = find<registry::Configuration>(*inventory, "base");
  ASSERT_NE(config, nullptr);
  EXPECT_EQ(config->handling, model::ConfigurationHandling::Replace);
  EXPECT_EQ(toString(config->content), "<config><hostname>dpu</hostname></config>\n");

  const auto* onboarding = find<registry::OnboardingProfile>(*inventory, "standard");
  ASSERT_NE(onboarding, nullptr);
  EXPECT_EQ(*onboarding,
            (registry::OnboardingProfile{"standard", "vendoros-17.3", "pre", "base", "post"}));

  const auto* redirect = find<registry::RedirectProfile>(*inventory, "lab");
  ASSERT_NE(redirect, nullptr);
  ASSERT_EQ(redirect->bootstrapServers.size(), 2u);
  EXPECT_EQ(redirect->bootstrapServers[0].address, "sztp2.example.net");
  EXPECT_EQ(redirect->bootstrapServers[0].port, 8443);
  EXPECT_EQ(redirect->bootstrapServers[0].trustAnchorChain,
            (std::vector<Bytes>{pki.tlsCa.certificate.toDer()}));
  EXPECT_EQ(redirect->bootstrapServers[1].address, "192.0.2.10");
  EXPECT_FALSE(redirect->bootstrapServers[1].port);

  // Objects come in kind order.
  ASSERT_EQ(inventory->objects.size(), 8u);
  for (std::size_t i = 1; i < inventory->objects.size(); ++i) {
    EXPECT_LE(inventory->objects[i - 1].index(), inventory->objects[i].index());
  }

  ASSERT_EQ(inventory->devices.size(), 2u);
  const auto& first = inventory->devices[0];
  EXPECT_EQ(first.device.serialNumber, "SN-0001");
  EXPECT_EQ(first.device.deviceType, "dpu");
  EXPECT_EQ(first.device.owner, "example");
  EXPECT_EQ(first.device.ownershipVoucher, voucherFor("SN-0001"));
  EXPECT_EQ(first.activationCode, "correct horse");  // Hashed when planned.
  EXPECT_TRUE(first.device.activationCodeHash.empty());
  EXPECT_TRUE(first.device.enabled);
  ASSERT_EQ(first.device.responses.size(), 2u);
  const auto& lab = first.device.responses[0];
  EXPECT_EQ(lab.name, "lab-net");
  EXPECT_EQ(lab.kind, registry::Response::Kind::Redirect);
  EXPECT_EQ(lab.profile, "lab");
  EXPECT_TRUE(lab.sign);
  EXPECT_FALSE(lab.reportingLevel);
  ASSERT_EQ(lab.conditions.size(), 2u);
  EXPECT_EQ(lab.conditions[0],
            (registry::Condition{registry::Condition::Field::SourceAddress,
                                 registry::Condition::Match::Subnet, "10.0.0.0/8"}));
  EXPECT_EQ(lab.conditions[1], (registry::Condition{registry::Condition::Field::HwModel,
                                                    registry::Condition::Match::Exact, "DPU-100"}));
  const auto& standard = first.device.responses[1];
  EXPECT_EQ(standard.name, "standard");  // Named after its profile.
  EXPECT_EQ(standard.kind, registry::Response::Kind::Onboarding);
  EXPECT_EQ(standard.reportingLevel, model::ReportingLevel::Verbose);
  EXPECT_FALSE(inventory->devices[1].device.enabled);

  EXPECT_EQ(inventory->locations.at("devices[0].responses[1].profile"),
            "devices[0].responses[1].profile (line 65)");
}

TEST_F(InventoryTest, InlineContentAndHashes) {
  const auto& pki = demoPki();
  std::string pem = pki.tlsCa.certificate.toPem();
  std::string indented;
  for (std::size_t start = 0; start < pem.size();) {
    const auto end = pem.find('\n', start);
    indented += "              " + pem.substr(start, end - start) + "\n";
    start = end + 1;
  }
  const std::string sha = hexEncode(crypto::sha256(asBytes("x")));
  const std::string hash = crypto::hashSecret("code", 1000);
  auto inventory = parse(
      "version: 1\n"
      "images:\n"
      "  - name: remote\n"
      "    sha256: " +
      sha +
      "\n"
      "    size: 1\n"
      "    download-uris: https://mirror.example.net/x\n"
      "scripts:\n"
      "  - name: bin\n"
      "    base64: AAEC/w==\n"
      "redirect-profiles:\n"
      "  - name: r\n"
      "    bootstrap-servers:\n"
      "      - address: b.example.net\n"
      "        trust-anchor-chain:\n"
      "          - |\n" +
      indented +
      "devices:\n"
      "  - serial-number: SN-0003\n"
      "    device-type: dpu\n"
      "    activation-code-hash: \"" +
      hash +
      "\"\n"
      "    ownership-voucher:\n"
      "      file: vouchers/SN-0003.vcj\n");
  ASSERT_TRUE(inventory) << inventory.error().describe();
  const auto* image = find<registry::Image>(*inventory, "remote");
  ASSERT_NE(image, nullptr);
  EXPECT_EQ(hexEncode(image->sha256), sha);
  EXPECT_EQ(image->file, "");
  const auto* bin = find<registry::Script>(*inventory, "bin");
  ASSERT_NE(bin, nullptr);
  EXPECT_EQ(bin->content, (Bytes{0, 1, 2, 0xff}));
  const auto* r = find<registry::RedirectProfile>(*inventory, "r");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->bootstrapServers[0].trustAnchorChain,
            (std::vector<Bytes>{pki.tlsCa.certificate.toDer()}));
  EXPECT_EQ(inventory->devices[0].device.activationCodeHash, hash);
  EXPECT_TRUE(inventory->devices[0].activationCode.empty());
}

TEST_F(InventoryTest, SigningKeyUrisAreKeptPathsResolved) {
  const std::pair<std::string, std::string> cases[] = {
      {"pkcs11:token=owner;object=key", "pkcs11:token=owner;object=key"},
      {"file:/etc/sztp/owner.key", "file:/etc/sztp/owner.key"},
      {"/etc/sztp/owner.key", "/etc/sztp/owner.key"},
      {"pki/owner.key", (dir_ / "pki/owner.key").string()},
  };
  for (const auto& [written, stored] : cases) {
    auto inventory = parse(
        "version: 1\nowners:\n  - name: o\n    certificate-chain: "
        "pki/owner-chain.pem\n    signing-key: \"" +
        written + "\"\n");
    ASSERT_TRUE(inventory) << inventory.error().describe();
    EXPECT_EQ(std::get<registry::Owner>(inventory->objects[0]).signingKeyRef, stored);
  }
}

TEST_F(InventoryTest, LdevidPolicies) {
  auto inventory = parse(R"(version: 1
device-types:
  - name: dpu
    ldevid:
      ca-certificate:
        - pki/tls-ca.pem
        - pki/masa-ca.pem
      ca-key: pki/owner.key
      validity-days: 30
      key-generation:
        - ec-p384
        - ec-p256
      allow-idevid-key: false
      csr-format: p10-csr
  - name: defaults
    ldevid:
      ca-certificate: pki/tls-ca.pem
      ca-key: pkcs11:object=ldevid-ca
  - name: none
)");
  ASSERT_TRUE(inventory) << inventory.error().describe();
  const auto& pki = demoPki();
  const auto* type = find<registry::DeviceType>(*inventory, "dpu");
  ASSERT_NE(type, nullptr);
  ASSERT_TRUE(type->ldevid);
  EXPECT_EQ(type->ldevid->caCertificateChain,
            (std::vector<Bytes>{pki.tlsCa.certificate.toDer(), pki.masaCa.certificate.toDer()}));
  EXPECT_EQ(type->ldevid->caKeyRef, (dir_ / "pki/owner.key").string());  // Resolved.
  EXPECT_EQ(type->ldevid->validityDays, 30U);
  EXPECT_EQ(type->ldevid->keyGeneration, (std::vector<std::string>{"ec-p384", "ec-p256"}));
  EXPECT_FALSE(type->ldevid->allowIdevidKey);
  EXPECT_EQ(type->ldevid->csrFormat, "p10-csr");
  const auto* defaults = find<registry::DeviceType>(*inventory, "defaults");
  ASSERT_NE(defaults, nullptr);
  ASSERT_TRUE(defaults->ldevid);
  EXPECT_EQ(defaults->ldevid->caKeyRef, "pkcs11:object=ldevid-ca");  // A URI, kept.
  EXPECT_EQ(defaults->ldevid->validityDays, 365U);
  EXPECT_TRUE(defaults->ldevid->keyGeneration.empty());
  EXPECT_TRUE(defaults->ldevid->allowIdevidKey);
  EXPECT_FALSE(find<registry::DeviceType>(*inventory, "none")->ldevid);
}

TEST_F(InventoryTest, EmptyInventoryIsValid) {
  auto inventory = parse("version: 1\n");
  ASSERT_TRUE(inventory) << inventory.error().describe();
  EXPECT_TRUE(inventory->objects.empty());
  EXPECT_TRUE(inventory->devices.empty());
}

struct BadCase {
  const char* name;
  std::string yaml;
  InventoryErrc code;
  std::string detail;  ///< Must appear in the error detail.
};

std::string withDevice(const std::string& device) {
  return "version: 1\ndevices:\n  - serial-number: SN-0001\n    device-type: dpu\n" + device;
}

class InventoryErrors : public InventoryTest, public ::testing::WithParamInterface<BadCase> {};

TEST_P(InventoryErrors, NamesPathAndLine) {
  auto inventory = parse(GetParam().yaml);
  ASSERT_FALSE(inventory) << GetParam().yaml;
  EXPECT_EQ(inventory.error(), GetParam().code) << inventory.error().describe();
  EXPECT_NE(inventory.error().detail().find(GetParam().detail), std::string::npos)
      << "detail: " << inventory.error().detail() << "\nwanted: " << GetParam().detail;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, InventoryErrors,
    ::testing::Values(
        BadCase{"NoVersion", "owners: []\n", InventoryErrc::Invalid,
                "version (line 1): missing (required)"},
        BadCase{"Version2", "version: 2\n", InventoryErrc::UnsupportedVersion,
                "version (line 1): version 2 is not supported"},
        BadCase{"NotAMapping", "- version: 1\n", InventoryErrc::Invalid,
                "(top level) (line 1): must be a mapping"},
        BadCase{"UnknownTopKey", "version: 1\ncolour: blue\n", InventoryErrc::Invalid,
                "colour (line 2): unknown key (expected one of: version, device-types"},
        BadCase{"UnknownNestedKey",
                withDevice("    responses:\n      - profile: standard\n        profle: x\n"),
                InventoryErrc::Invalid, "devices[0].responses[0].profle (line 7): unknown key"},
        BadCase{"SectionNotAList", "version: 1\nowners:\n  name: x\n", InventoryErrc::Invalid,
                "owners (line 3): must be a list"},
        BadCase{"DuplicateKey", "version: 1\nversion: 1\n", InventoryErrc::Invalid,
                "version (line 2): key given twice"},
        BadCase{"YesIsNotABoolean", withDevice("    enabled: yes\n"), InventoryErrc::Invalid,
                "devices[0].enabled (line 5): must be true or false"},
        BadCase{"QuotedTrueIsNotABoolean", withDevice("    enabled: \"true\"\n"),
                InventoryErrc::Invalid, "devices[0].enabled (line 5): must be true or false"},
        BadCase{"BadEnum",
                withDevice("    responses:\n      - profile: standard\n        kind: redirected\n"),
                InventoryErrc::Invalid,
                "devices[0].responses[0].kind (line 7): 'redirected' is not one of: "
                "onboarding, redirect"},
        BadCase{"MissingProfile", withDevice("    responses:\n      - kind: redirect\n"),
                InventoryErrc::Invalid,
                "devices[0].responses[0].profile (line 6): missing (required)"},
        BadCase{"ListWhereValue", withDevice("    owner: [a, b]\n"), InventoryErrc::Invalid,
                "devices[0].owner (line 5): must be a single value, not a list"},
        BadCase{"PortTooLarge",
                "version: 1\nredirect-profiles:\n  - name: r\n    bootstrap-servers:\n"
                "      - address: x.example.net\n        port: 70000\n",
                InventoryErrc::Invalid,
                "redirect-profiles[0].bootstrap-servers[0].port (line 6): must be a whole number "
                "from 0 to 65535"},
        BadCase{"DuplicateName",
                "version: 1\nscripts:\n  - name: s\n    text: a\n  - name: s\n    text: b\n",
                InventoryErrc::Invalid, "scripts[1].name (line 5): script 's' is declared twice"},
        BadCase{"DuplicateSerial", withDevice("  - serial-number: SN-0001\n    device-type: dpu\n"),
                InventoryErrc::Invalid,
                "devices[1].serial-number (line 5): device 'SN-0001' is declared twice"},
        BadCase{"ContentTwice",
                "version: 1\nscripts:\n  - name: s\n    text: a\n    base64: AA==\n",
                InventoryErrc::Invalid,
                "scripts[0] (line 3): give exactly one of file, text or base64"},
        BadCase{"BadBase64", "version: 1\nscripts:\n  - name: s\n    base64: '@@'\n",
                InventoryErrc::Invalid, "scripts[0].base64 (line 4): not valid base64"},
        BadCase{"MissingFile", "version: 1\nscripts:\n  - name: s\n    file: scripts/nope.sh\n",
                InventoryErrc::FileUnreadable, "scripts[0].file (line 4): 'scripts/nope.sh'"},
        BadCase{"MissingCertificateFile",
                "version: 1\ndevice-types:\n  - name: t\n    idevid-trust-anchors:\n"
                "      - pki/manufacturer-ca.pem\n      - pki/nope.pem\n",
                InventoryErrc::FileUnreadable,
                "device-types[0].idevid-trust-anchors[1] (line 6): 'pki/nope.pem'"},
        BadCase{"NotACertificate",
                "version: 1\ndevice-types:\n  - name: t\n    idevid-trust-anchors: "
                "scripts/pre.sh\n",
                InventoryErrc::Invalid, "device-types[0].idevid-trust-anchors (line 4): "},
        BadCase{"WrongVoucher", withDevice("    ownership-voucher: vouchers/SN-0002.vcj\n"),
                InventoryErrc::VoucherInvalid,
                "devices[0].ownership-voucher (line 5): the voucher is for serial number "
                "'SN-0002', not 'SN-0001'"},
        BadCase{"NotAVoucher", withDevice("    ownership-voucher: scripts/pre.sh\n"),
                InventoryErrc::VoucherInvalid,
                "devices[0].ownership-voucher (line 5): not a CMS SignedData voucher"},
        BadCase{"ShaMismatch",
                "version: 1\nimages:\n  - name: i\n    file: images/vendoros-17.3.img\n"
                "    sha256: " +
                    std::string(64, '0') + "\n",
                InventoryErrc::Invalid, "images[0].sha256 (line 5): does not match the SHA-256"},
        BadCase{"ShortSha", "version: 1\nimages:\n  - name: i\n    sha256: abcd\n",
                InventoryErrc::Invalid, "images[0].sha256 (line 4): must be 64 hex digits"},
        BadCase{"ImageWithoutHash",
                "version: 1\nimages:\n  - name: i\n    download-uris: https://x.example/i\n",
                InventoryErrc::Invalid,
                "images[0] (line 3): give file (hashed on import) or "
                "sha256"},
        BadCase{"CodeAndHash", withDevice("    activation-code: a\n    activation-code-hash: b\n"),
                InventoryErrc::Invalid,
                "devices[0].activation-code-hash (line 6): give activation-code or "
                "activation-code-hash, not both"},
        BadCase{"MalformedHash", withDevice("    activation-code-hash: md5$abc\n"),
                InventoryErrc::Invalid, "devices[0].activation-code-hash (line 5): not a hash"},
        BadCase{"RegistryValidation",
                "version: 1\ndevice-types:\n  - name: t\n    serial-rule:\n"
                "      pattern: \"(unclosed\"\n",
                InventoryErrc::Invalid,
                "device-types[0] (line 3): device-type t: serial-rule.pattern: pattern does not "
                "compile"},
        BadCase{"LdevidUnknownKey",
                "version: 1\ndevice-types:\n  - name: t\n    ldevid:\n"
                "      ca-certificate: pki/tls-ca.pem\n      ca-key: k.key\n      days: 3\n",
                InventoryErrc::Invalid,
                "device-types[0].ldevid.days (line 7): unknown key (expected one of: "
                "ca-certificate, ca-key"},
        BadCase{"LdevidWithoutCa",
                "version: 1\ndevice-types:\n  - name: t\n    ldevid:\n      ca-key: k.key\n",
                InventoryErrc::Invalid,
                "device-types[0].ldevid.ca-certificate (line 5): missing (required)"},
        BadCase{"LdevidCaIsNotACa",
                "version: 1\ndevice-types:\n  - name: t\n    ldevid:\n"
                "      ca-certificate: pki/owner-chain.pem\n      ca-key: k.key\n"
                "      csr-format: p10-csr\n      validity-days: 0\n",
                InventoryErrc::Invalid,
                "device-type t: ldevid.ca-certificate: the first certificate"},
        BadCase{"LdevidCmc",
                "version: 1\ndevice-types:\n  - name: t\n    ldevid:\n"
                "      ca-certificate: pki/tls-ca.pem\n      ca-key: k.key\n"
                "      csr-format: cmc-csr\n",
                InventoryErrc::Invalid,
                "device-types[0] (line 3): device-type t: ldevid.csr-format: 'cmc-csr' is not "
                "supported; only p10-csr is"},
        BadCase{"LdevidUnknownAlgorithm",
                "version: 1\ndevice-types:\n  - name: t\n    ldevid:\n"
                "      ca-certificate: pki/tls-ca.pem\n      ca-key: k.key\n"
                "      key-generation: dsa-1024\n",
                InventoryErrc::Invalid,
                "ldevid.key-generation[0]: 'dsa-1024' is not one of: ec-p256"},
        BadCase{"BadName", "version: 1\nscripts:\n  - name: \"has space\"\n    text: a\n",
                InventoryErrc::Invalid, "scripts[0] (line 3): "},
        BadCase{"Anchor", "version: 1\nscripts:\n  - &s\n    name: a\n    text: a\n",
                InventoryErrc::LimitExceeded, "line 3: YAML anchor &s is not accepted"},
        BadCase{"Alias", "version: 1\nx: &a [1]\n", InventoryErrc::LimitExceeded, "YAML anchor &a"},
        BadCase{"AliasOnly", "version: 1\nscripts: *a\n", InventoryErrc::Invalid, "YAML syntax"},
        BadCase{"TwoDocuments", "version: 1\n---\nversion: 1\n", InventoryErrc::LimitExceeded,
                "more than one YAML document"},
        BadCase{"TooDeep", "version: 1\nx: " + std::string(40, '[') + std::string(40, ']') + "\n",
                InventoryErrc::LimitExceeded, "nested deeper than 32 levels"},
        BadCase{"Syntax", "version: 1\nowners: [\n", InventoryErrc::Invalid, "YAML syntax"}),
    [](const ::testing::TestParamInfo<BadCase>& param) { return std::string(param.param.name); });

TEST(InventoryLimits, NodeAndSizeLimits) {
  ParseOptions options;
  options.limits.maxNodes = 10;
  auto many = parseInventory("version: 1\nx: [1, 2, 3, 4, 5, 6, 7, 8, 9]\n", {}, options);
  ASSERT_FALSE(many);
  EXPECT_EQ(many.error(), InventoryErrc::LimitExceeded);
  options.limits.maxBytes = 8;
  auto big = parseInventory("version: 1\n", {}, options);
  ASSERT_FALSE(big);
  EXPECT_EQ(big.error(), InventoryErrc::LimitExceeded);
}

TEST(InventoryLimits, FilesWithoutCallbacksAreRefusedNotCrashed) {
  auto inventory = parseInventory("version: 1\nscripts:\n  - name: s\n    file: a.sh\n", {});
  ASSERT_FALSE(inventory);
  EXPECT_EQ(inventory.error(), InventoryErrc::FileUnreadable);
}

}  // namespace
}  // namespace sztp::inventory::test
