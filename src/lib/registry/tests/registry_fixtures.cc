#include "registry/tests/registry_fixtures.h"

#include <chrono>

#include "pki/demo_pki.h"

namespace sztp::registry::test {
namespace {

using namespace std::chrono_literals;

TimePoint fixedNow() {
  return std::chrono::sys_days(std::chrono::year(2026) / 6 / 1) + 12h;
}

struct Certificates {
  Bytes root;
  Bytes issued;
};

const Certificates& certificates() {
  static const Certificates certs = [] {
    const auto now = fixedNow();
    auto root = pki::createRootCa("Registry Test CA", "sztp tests", crypto::KeyType::EcP256, now,
                                  std::chrono::days(365));
    auto issued = pki::createIntermediateCa(*root, "Registry Test Sub CA", "sztp tests",
                                            crypto::KeyType::EcP256, now, std::chrono::days(365));
    return Certificates{root->certificate.toDer(), issued->certificate.toDer()};
  }();
  return certs;
}

}  // namespace

const Bytes& rootCertificateDer() {
  return certificates().root;
}
const Bytes& issuedCertificateDer() {
  return certificates().issued;
}

DeviceType makeDeviceType(const std::string& name) {
  DeviceType type;
  type.name = name;
  type.description = "Example DPU, " + name;
  type.idevidTrustAnchors = {rootCertificateDer()};
  type.serialRule = {SerialRule::Attribute::CommonName, "PID:\\S+ SN:(\\S+)"};
  type.allowActivationCode = true;
  type.requireClientCertificate = true;
  type.encryptArtifacts = true;
  LdevidPolicy ldevid;
  ldevid.caCertificateChain = {issuedCertificateDer(), rootCertificateDer()};
  ldevid.caKeyRef = "file:/etc/sztp/ldevid-ca-" + name + ".key";
  ldevid.validityDays = 730;
  ldevid.keyGeneration = {"ec-p384", "ec-p256"};
  ldevid.allowIdevidKey = false;
  type.ldevid = std::move(ldevid);
  return type;
}

Owner makeOwner(const std::string& name) {
  Owner owner;
  owner.name = name;
  owner.description = "Owner " + name;
  owner.certificateChain = {issuedCertificateDer(), rootCertificateDer()};
  owner.signingKeyRef = "file:/etc/sztp/" + name + ".key";
  return owner;
}

Image makeImage(const std::string& name) {
  Image image;
  image.name = name;
  image.osName = "VendorOS";
  image.osVersion = "17.3R2.1";
  image.file = "images/" + name + ".img";
  image.downloadUris = {"https://mirror.example.net/" + name + ".img"};
  image.sha256 = Bytes(32, 0xab);
  image.size = 123456789;
  return image;
}

Script makeScript(const std::string& name) {
  return Script{name, toBytes("#!/bin/sh\necho " + name + "\n")};
}

Configuration makeConfiguration(const std::string& name) {
  return Configuration{name, model::ConfigurationHandling::Replace,
                       toBytes("<config name='" + name + "'/>")};
}

OnboardingProfile makeOnboardingProfile(const std::string& name, bool withMembers) {
  OnboardingProfile profile;
  profile.name = name;
  if (withMembers) {
    profile.image = "img";
    profile.preConfigurationScript = "pre";
    profile.configuration = "cfg";
    profile.postConfigurationScript = "post";
  }
  return profile;
}

RedirectProfile makeRedirectProfile(const std::string& name) {
  RedirectProfile profile;
  profile.name = name;
  profile.bootstrapServers = {
      RedirectTarget{"bootstrap." + name + ".example.net", 8443, {rootCertificateDer()}},
      RedirectTarget{"2001:db8::7", std::nullopt, {}},
  };
  return profile;
}

Device makeDevice(const std::string& serial, const std::string& type, const std::string& owner,
                  const std::string& onboarding, const std::string& redirect) {
  Device device;
  device.serialNumber = serial;
  device.deviceType = type;
  device.owner = owner;
  device.activationCodeHash =
      "pbkdf2-sha256$100000$c2FsdHNhbHRzYWx0c2FsdA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
  device.ownershipVoucher = toBytes("voucher of " + serial);
  if (!onboarding.empty()) {
    Response onboard;
    onboard.name = "in-lab";
    onboard.conditions = {
        {Condition::Field::SourceAddress, Condition::Match::Subnet, "10.0.0.0/8"},
        {Condition::Field::HwModel, Condition::Match::Regex, "DPU-[0-9]+"},
        {Condition::Field::OsVersion, Condition::Match::Wildcard, "17.*"},
    };
    onboard.kind = Response::Kind::Onboarding;
    onboard.profile = onboarding;
    onboard.sign = !owner.empty();
    onboard.reportingLevel = model::ReportingLevel::Verbose;
    device.responses.push_back(onboard);
  }
  Response fallback;
  fallback.name = "default";
  fallback.kind = Response::Kind::Redirect;
  fallback.profile = redirect;
  fallback.sign = !owner.empty();
  device.responses.push_back(fallback);
  device.enabled = true;
  return device;
}

InventoryObject makeObject(ObjectKind kind, const std::string& name) {
  switch (kind) {
    case ObjectKind::DeviceType:
      return makeDeviceType(name);
    case ObjectKind::Owner:
      return makeOwner(name);
    case ObjectKind::Image:
      return makeImage(name);
    case ObjectKind::Script:
      return makeScript(name);
    case ObjectKind::Configuration:
      return makeConfiguration(name);
    case ObjectKind::OnboardingProfile:
      return makeOnboardingProfile(name, false);
    case ObjectKind::RedirectProfile:
      return makeRedirectProfile(name);
  }
  return makeScript(name);
}

DeviceEvent makeEvent(const std::string& serial, DeviceEvent::Kind kind, std::int64_t timeMs) {
  DeviceEvent event;
  event.serialNumber = serial;
  event.timeMs = timeMs;
  event.kind = kind;
  event.sourceAddress = "192.0.2.7";
  event.message = "event at " + std::to_string(timeMs);
  event.detailJson = R"({"hw-model":"DPU-1"})";
  if (kind == DeviceEvent::Kind::Rejected) {
    event.reason = "voucher-expired";
  }
  return event;
}

DeviceEvent makeProgress(const std::string& serial, model::ProgressType type, std::int64_t timeMs) {
  DeviceEvent event = makeEvent(serial, DeviceEvent::Kind::Progress, timeMs);
  event.progressType = type;
  return event;
}

AuditRecord makeAudit(const std::string& identity, std::int64_t timeMs) {
  AuditRecord record;
  record.timeMs = timeMs;
  record.listener = "bootstrap";
  record.sourceAddress = "192.0.2.7:51234";
  record.identity = identity;
  record.method = "POST";
  record.path = "/restconf/operations/ietf-sztp-bootstrap-server:get-bootstrapping-data";
  record.status = 200;
  record.durationUs = 1234;
  return record;
}

}  // namespace sztp::registry::test
