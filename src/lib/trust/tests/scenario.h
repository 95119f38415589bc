#pragma once

// A complete, valid SZTP bundle for one device, with every knob the negative
// matrix turns. Built at test time on a fixed clock (no checked-in keys).

#include <chrono>

#include "artifact/conveyed_info_artifact.h"
#include "artifact/voucher_issuer.h"
#include "pki/demo_pki.h"
#include "trust/signed_data_validator.h"

namespace sztp::trust::test {

using namespace std::chrono_literals;

inline TimePoint testNow() {
  return std::chrono::sys_days(std::chrono::year(2026) / 6 / 1) + 12h;
}

/// One demo PKI shared by all tests of a binary (EC key generation is cheap,
/// but there is no reason to repeat it).
inline const pki::DemoPki& sharedPki() {
  static const pki::DemoPki pki = [] {
    pki::DemoPkiOptions options;
    options.serialNumbers = {"SN-0001", "SN-0002"};
    return *pki::createDemoPki(options, testNow());
  }();
  return pki;
}

inline model::OnboardingInformation sampleOnboarding() {
  model::OnboardingInformation info;
  info.bootImage = model::BootImage{"VendorOS",
                                    "17.3",
                                    {"https://files.example.net/os.img"},
                                    {{model::HashAlgorithm::Sha256, Bytes(32, 0xab)}}};
  info.configurationHandling = model::ConfigurationHandling::Merge;
  info.configuration = toBytes("<config/>");
  info.preConfigurationScript = toBytes("#!/bin/sh\necho pre\n");
  return info;
}

struct Scenario {
  const pki::DemoPki& pki = sharedPki();
  std::string serial = "SN-0001";
  model::ConveyedInformation information = sampleOnboarding();
  model::Encoding encoding = model::Encoding::Json;
  artifact::VoucherRequest voucher = defaultVoucher();
  artifact::Signer masa{pki.masa.certificate, pki.masa.key, {}};
  artifact::Signer owner{pki.owner.certificate, pki.owner.key, {}};
  std::vector<crypto::Certificate> ownerIntermediates;
  std::vector<crypto::Crl> ownerCrls;
  std::optional<crypto::Certificate> encryptTo;
  ValidationContext context = defaultContext();

  artifact::VoucherRequest defaultVoucher() const {
    artifact::VoucherRequest request{.serialNumber = "SN-0001",
                                     .pinnedDomainCert = pki.ownerCa.certificate};
    request.createdOn = testNow() - 24h;
    request.expiresOn = testNow() + 24h * 30;
    request.idevid = pki.idevids.at("SN-0001").certificate;
    return request;
  }

  ValidationContext defaultContext() const {
    ValidationContext c;
    c.voucherTrustAnchors = {pki.masaCa.certificate};
    c.serialNumber = "SN-0001";
    c.idevid = pki.idevids.at("SN-0001").certificate;
    c.idevidKey = pki.idevids.at("SN-0001").key;
    c.now = testNow();
    return c;
  }

  Bytes conveyedInformation() const {
    artifact::ConveyedInfoOptions options;
    options.encoding = encoding;
    options.owner = owner;
    options.encryptTo = encryptTo;
    options.signingTime = testNow();
    return *artifact::makeConveyedInformation(information, options);
  }
  Bytes ownerCertificate() const {
    return *artifact::makeOwnerCertificateArtifact(owner.certificate, ownerIntermediates, ownerCrls,
                                                   encryptTo);
  }
  Bytes ownershipVoucher() const {
    auto ov = artifact::issueVoucher(voucher, masa, testNow() - 24h);
    return encryptTo ? *artifact::encryptArtifact(*ov, *encryptTo) : *ov;
  }
  BootstrappingData bundle() const {
    return BootstrappingData{conveyedInformation(), ownerCertificate(), ownershipVoucher()};
  }
  Result<ValidatedData> validate(std::vector<CheckRecord>* log = nullptr) const {
    return validateBootstrappingData(bundle(), context, log);
  }
};

}  // namespace sztp::trust::test
