#include "registry/validation.h"

#include <gtest/gtest.h>

#include "registry/regex_check.h"
#include "registry/registry_error.h"
#include "registry/subnet.h"
#include "registry/tests/registry_fixtures.h"

namespace sztp::registry::test {
namespace {

/// The detail of a refusal, or "" (with a test failure) when it was accepted.
std::string refusal(const Status& status) {
  EXPECT_FALSE(status.ok()) << "accepted";
  if (status.ok()) {
    return {};
  }
  EXPECT_EQ(status.error(), RegistryErrc::InvalidObject);
  return status.error().detail();
}

#define EXPECT_REFUSED(status, field) \
  EXPECT_NE(refusal(status).find(field), std::string::npos) << "expected to name " << (field)

TEST(Validation, Names) {
  for (const std::string& good : {std::string("a"), std::string("dpu-v2"),
                                  std::string("acme.example:prod@eu_1"), std::string(128, 'x')}) {
    EXPECT_TRUE(validateName(good).ok()) << good;
  }
  for (const std::string& bad : {std::string(), std::string(129, 'x'), std::string("a b"),
                                 std::string("a/b"), std::string("caf\xc3\xa9")}) {
    EXPECT_FALSE(validateName(bad).ok()) << bad;
  }
}

TEST(Validation, Serials) {
  EXPECT_TRUE(validateSerial("FDO2134A0BC").ok());
  EXPECT_TRUE(validateSerial("SN 1 (lab) #2").ok());
  EXPECT_TRUE(validateSerial(std::string(256, '9')).ok());
  EXPECT_FALSE(validateSerial("").ok());
  EXPECT_FALSE(validateSerial(std::string(257, '9')).ok());
  EXPECT_FALSE(validateSerial("PID:ISR4331/K9").ok());  // '/' is a path separator.
  EXPECT_FALSE(validateSerial("SN\n1").ok());
  EXPECT_FALSE(validateSerial("SN\xc3\xa9").ok());
}

TEST(Validation, FixturesAreValid) {
  for (const auto kind : kAllKinds) {
    EXPECT_TRUE(validateObject(makeObject(kind, "x")).ok()) << objectKindName(kind);
  }
  EXPECT_TRUE(validateObject(makeOnboardingProfile("x")).ok());
  EXPECT_TRUE(validateDevice(makeDevice("SN-1", "dpu", "acme", "onboard")).ok());
  EXPECT_TRUE(validateDevice(makeDevice("SN-1", "dpu", "")).ok());
}

TEST(Validation, DeviceType) {
  DeviceType type = makeDeviceType("dpu");
  type.idevidTrustAnchors.push_back(toBytes("not DER"));
  EXPECT_REFUSED(validateObject(type), "device-type dpu: idevid-trust-anchors[1]");

  type = makeDeviceType("dpu");
  type.serialRule.pattern = "SN:\\S+";  // No group to take the serial from.
  EXPECT_REFUSED(validateObject(type), "serial-rule.pattern: pattern has no capture group");
  type.serialRule.pattern = "SN:(\\S+";
  EXPECT_REFUSED(validateObject(type), "does not compile");
  type.serialRule.pattern = "";
  EXPECT_TRUE(validateObject(type).ok());

  type.requireClientCertificate = false;
  EXPECT_REFUSED(validateObject(type), "encrypt-artifacts");
  type.encryptArtifacts = false;
  EXPECT_TRUE(validateObject(type).ok());

  type.name = "bad name";
  EXPECT_REFUSED(validateObject(type), "name");
  type = makeDeviceType("dpu");
  type.description = "two\nlines";
  EXPECT_REFUSED(validateObject(type), "description");
}

TEST(Validation, LdevidPolicy) {
  DeviceType type = makeDeviceType("dpu");
  ASSERT_TRUE(type.ldevid);
  const LdevidPolicy valid = *type.ldevid;
  type.ldevid->caCertificateChain.clear();
  EXPECT_REFUSED(validateObject(type), "ldevid.ca-certificate: needs the issuing CA certificate");
  type.ldevid = valid;
  type.ldevid->caCertificateChain.front().pop_back();
  EXPECT_REFUSED(validateObject(type), "ldevid.ca-certificate[0]");
  type.ldevid = valid;
  type.ldevid->caKeyRef.clear();
  EXPECT_REFUSED(validateObject(type), "ldevid.ca-key");
  type.ldevid = valid;
  for (const std::uint32_t days : {0U, 3651U}) {
    type.ldevid->validityDays = days;
    EXPECT_REFUSED(validateObject(type), "ldevid.validity-days");
  }
  type.ldevid = valid;
  type.ldevid->keyGeneration = {"ec-p256", "rsa-1024"};
  EXPECT_REFUSED(validateObject(type), "ldevid.key-generation[1]: 'rsa-1024' is not one of");
  type.ldevid->keyGeneration = {"ec-p256", "ec-p256"};
  EXPECT_REFUSED(validateObject(type), "ldevid.key-generation[1]: repeats");
  type.ldevid->keyGeneration.clear();
  EXPECT_REFUSED(validateObject(type), "ldevid.allow-idevid-key");
  type.ldevid->allowIdevidKey = true;
  EXPECT_TRUE(validateObject(type).ok());
  for (const char* format : {"cmc-csr", "cmp-csr", ""}) {
    type.ldevid->csrFormat = format;
    EXPECT_REFUSED(validateObject(type), "ldevid.csr-format");
  }
}

TEST(Validation, Owner) {
  Owner owner = makeOwner("acme");
  owner.certificateChain.clear();
  EXPECT_REFUSED(validateObject(owner), "certificate-chain");
  owner = makeOwner("acme");
  owner.signingKeyRef.clear();
  EXPECT_REFUSED(validateObject(owner), "signing-key-ref");
  owner = makeOwner("acme");
  owner.certificateChain[0].pop_back();
  EXPECT_REFUSED(validateObject(owner), "certificate-chain[0]");
}

TEST(Validation, Image) {
  Image image = makeImage("img");
  image.sha256.pop_back();
  EXPECT_REFUSED(validateObject(image), "sha256");
  image = makeImage("img");
  image.file.clear();
  EXPECT_TRUE(validateObject(image).ok());
  image.downloadUris.clear();
  EXPECT_REFUSED(validateObject(image), "file");
  image = makeImage("img");
  image.downloadUris.clear();
  EXPECT_TRUE(validateObject(image).ok());
  for (const char* escape : {"../etc/passwd", "/etc/passwd", "images/../../x", "a//b", "./a"}) {
    image.file = escape;
    EXPECT_REFUSED(validateObject(image), "file") << escape;
  }
  image = makeImage("img");
  image.downloadUris.push_back("no scheme here");
  EXPECT_REFUSED(validateObject(image), "download-uris[1]");
}

TEST(Validation, RedirectProfile) {
  RedirectProfile profile = makeRedirectProfile("lab");
  profile.bootstrapServers.clear();
  EXPECT_REFUSED(validateObject(profile), "bootstrap-servers");
  profile = makeRedirectProfile("lab");
  profile.bootstrapServers[1].address = profile.bootstrapServers[0].address;
  EXPECT_REFUSED(validateObject(profile), "bootstrap-servers[1].address");
  profile = makeRedirectProfile("lab");
  profile.bootstrapServers[1].address = "not a host!";
  EXPECT_REFUSED(validateObject(profile), "bootstrap-servers[1].address");
  profile = makeRedirectProfile("lab");
  profile.bootstrapServers[0].port = 0;
  EXPECT_REFUSED(validateObject(profile), "bootstrap-servers[0].port");
  profile = makeRedirectProfile("lab");
  // A chain must end with its self-signed root (A14).
  profile.bootstrapServers[0].trustAnchorChain = {issuedCertificateDer()};
  EXPECT_REFUSED(validateObject(profile), "self-signed root");
  profile.bootstrapServers[0].trustAnchorChain = {issuedCertificateDer(), rootCertificateDer()};
  EXPECT_TRUE(validateObject(profile).ok());
}

TEST(Validation, OnboardingProfileNames) {
  OnboardingProfile profile = makeOnboardingProfile("p");
  profile.configuration = "has space";
  EXPECT_REFUSED(validateObject(profile), "configuration");
}

TEST(Validation, DeviceResponses) {
  Device device = makeDevice("SN-1", "dpu", "acme", "onboard");
  device.responses[1].name = device.responses[0].name;
  EXPECT_REFUSED(validateDevice(device), "device SN-1: responses[1].name");

  device = makeDevice("SN-1", "dpu", "acme", "onboard");
  device.responses[0].profile.clear();
  EXPECT_REFUSED(validateDevice(device), "responses[0].profile");

  device = makeDevice("SN-1", "dpu", "acme", "onboard");
  device.responses[1].reportingLevel = model::ReportingLevel::Minimal;  // On a redirect.
  EXPECT_REFUSED(validateDevice(device), "responses[1].reporting-level");

  device = makeDevice("SN-1", "dpu", "acme", "onboard");
  device.owner.clear();  // But its responses are signed.
  EXPECT_REFUSED(validateDevice(device), "owner");

  device = makeDevice("SN-1");
  device.activationCodeHash = "plaintext-code";
  EXPECT_REFUSED(validateDevice(device), "activation-code-hash");
  device.activationCodeHash = "pbkdf2-sha256$1000$$";
  EXPECT_REFUSED(validateDevice(device), "activation-code-hash");

  device = makeDevice("SN-1");
  device.ownershipVoucher = Bytes{};
  EXPECT_REFUSED(validateDevice(device), "ownership-voucher");

  device = makeDevice("SN-1");
  device.deviceType.clear();
  EXPECT_REFUSED(validateDevice(device), "device-type");
}

TEST(Validation, Conditions) {
  using Field = Condition::Field;
  using Match = Condition::Match;
  struct Case {
    Condition condition;
    bool valid;
  };
  const std::vector<Case> cases{
      {{Field::SourceAddress, Match::Subnet, "10.0.0.0/8"}, true},
      {{Field::SourceAddress, Match::Subnet, "2001:db8::/32"}, true},
      {{Field::SourceAddress, Match::Subnet, "0.0.0.0/0"}, true},
      {{Field::SourceAddress, Match::Subnet, "192.0.2.7/32"}, true},
      {{Field::SourceAddress, Match::Subnet, "10.1.2.3/8"}, false},  // Host bits set.
      {{Field::SourceAddress, Match::Subnet, "10.0.0.0/33"}, false},
      {{Field::SourceAddress, Match::Subnet, "2001:db8::/129"}, false},
      {{Field::SourceAddress, Match::Subnet, "10.0.0.0"}, false},
      {{Field::SourceAddress, Match::Subnet, "10.0.0.0/"}, false},
      {{Field::SourceAddress, Match::Subnet, "10.0.0.0/+8"}, false},
      {{Field::SourceAddress, Match::Subnet, "lab/8"}, false},
      {{Field::HwModel, Match::Subnet, "10.0.0.0/8"}, false},  // Subnet is for addresses.
      {{Field::HwModel, Match::Regex, "DPU-[0-9]{1,3}"}, true},
      {{Field::HwModel, Match::Regex, "DPU-("}, false},
      {{Field::IdevidIssuer, Match::Wildcard, "CN=*,O=Example*"}, true},
      {{Field::OsVersion, Match::Exact, ""}, true},
      {{Field::OsName, Match::Exact, "tab\there"}, false},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.condition.value);
    Device device = makeDevice("SN-1", "dpu", "acme", "onboard");
    device.responses[0].conditions = {c.condition};
    EXPECT_EQ(validateDevice(device).ok(), c.valid);
  }
}

TEST(RegexCheck, LimitsHostilePatterns) {
  EXPECT_FALSE(regexProblem("PID:\\S+ SN:(\\S+)", true).has_value());
  EXPECT_FALSE(regexProblem("^[A-Z]{3}[0-9]{8}$", false).has_value());
  EXPECT_FALSE(regexProblem("(\\d{1,3}\\.){3}\\d{1,3}", false).has_value());
  EXPECT_FALSE(regexProblem(std::string(kMaxPatternLength, 'a'), false).has_value());
  // Too long.
  EXPECT_TRUE(regexProblem(std::string(kMaxPatternLength + 1, 'a'), false).has_value());
  // Bounded repetitions that libstdc++ would expand into millions of states.
  for (const char* heavy : {"a{5000}", "(a{100}){100}", "((a{20}){20}){20}",
                            "((((((((((((((a+)+)+)+)+)+)+)+)+)+)+)+)+)+)+",
                            "[a-z]{99999999999999999999}", "(x{65,}){70}"}) {
    EXPECT_TRUE(regexProblem(heavy, false).has_value()) << heavy;
  }
  // Brace text that is not a repetition is left to the compiler.
  EXPECT_FALSE(regexProblem("a\\{5000\\}", false).has_value());
  EXPECT_TRUE(regexProblem("a{", false).has_value());
  EXPECT_TRUE(regexProblem("(", false).has_value());
  EXPECT_TRUE(regexProblem("[", false).has_value());
  EXPECT_TRUE(regexProblem("x", true).has_value());
}

TEST(Subnet, Problems) {
  EXPECT_FALSE(subnetProblem("10.0.0.0/8").has_value());
  EXPECT_FALSE(subnetProblem("::/0").has_value());
  EXPECT_FALSE(subnetProblem("2001:db8:ff00::/40").has_value());
  EXPECT_TRUE(subnetProblem("2001:db8:ff80::/40").has_value());
  EXPECT_TRUE(subnetProblem("10.0.0.0/0008").has_value());
  EXPECT_TRUE(subnetProblem("/8").has_value());
  EXPECT_TRUE(subnetProblem("").has_value());
}

}  // namespace
}  // namespace sztp::registry::test
