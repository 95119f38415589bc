#include "trust/signed_data_validator.h"

#include <gtest/gtest.h>

#include <set>

#include "crypto/issuer.h"
#include "pki/demo_pki.h"
#include "scenario.h"
#include "trust/trust_error.h"

namespace sztp::trust {
namespace {

using namespace std::chrono_literals;
using test::Scenario;
using test::testNow;

std::vector<std::string> rulesOf(const std::vector<CheckRecord>& log) {
  std::vector<std::string> rules;
  for (const auto& r : log) {
    rules.push_back(r.rule);
  }
  return rules;
}

TEST(Validator, AcceptsAValidSignedBundleAndRecordsEveryCheck) {
  Scenario s;
  std::vector<CheckRecord> log;
  auto result = s.validate(&log);
  ASSERT_TRUE(result) << result.error().describe();
  EXPECT_TRUE(result->signedData);
  EXPECT_TRUE(result->trusted);
  EXPECT_FALSE(result->wasEncrypted);
  EXPECT_EQ(result->encoding, model::Encoding::Json);
  EXPECT_EQ(std::get<model::OnboardingInformation>(result->information), test::sampleOnboarding());
  ASSERT_TRUE(result->voucher);
  EXPECT_EQ(result->voucher->serialNumber, "SN-0001");
  EXPECT_EQ(result->ownerCertificate, s.pki.owner.certificate);
  EXPECT_EQ(result->voucherSignerPath.back(), s.pki.masaCa.certificate);
  EXPECT_EQ(result->ownerCertificatePath.back(), s.pki.ownerCa.certificate);
  // The checks run in RFC 8572 §5.4 order.
  EXPECT_EQ(rulesOf(log), (std::vector<std::string>{"D22", "D23", "A10", "D24", "D25", "D26", "D27",
                                                    "D28", "D30", "D31", "D32", "A13"}));
  for (const auto& r : log) {
    EXPECT_NE(r.outcome, CheckRecord::Outcome::Failed) << r.name;
  }
}

TEST(Validator, AcceptsXmlConveyedInformation) {
  Scenario s;
  s.encoding = model::Encoding::Xml;
  auto result = s.validate();
  ASSERT_TRUE(result) << result.error().describe();
  EXPECT_EQ(result->encoding, model::Encoding::Xml);
}

TEST(Validator, DecryptsEveryArtifactEncryptedToTheDevice) {
  Scenario s;
  s.encryptTo = s.pki.idevids.at("SN-0001").certificate;
  std::vector<CheckRecord> log;
  auto result = s.validate(&log);
  ASSERT_TRUE(result) << result.error().describe();
  EXPECT_TRUE(result->wasEncrypted);
  EXPECT_EQ(std::count_if(log.begin(), log.end(), [](const auto& r) { return r.rule == "D16"; }),
            3);
}

TEST(Validator, IntermediatePinnedDomainCert) {
  Scenario s;
  const auto now = testNow();
  auto intermediate =
      pki::createIntermediateCa(s.pki.ownerCa, "Owner Issuing CA", "Owner", crypto::KeyType::EcP256,
                                now, std::chrono::days(400));
  auto leaf = pki::issueOwnerCertificate(*intermediate, "Owner Cert", "Owner",
                                         crypto::KeyType::EcP256, now, std::chrono::days(100));
  s.owner = {leaf->certificate, leaf->key, {}};
  s.voucher.pinnedDomainCert = intermediate->certificate;
  auto result = s.validate();
  ASSERT_TRUE(result) << result.error().describe();
  EXPECT_EQ(result->ownerCertificatePath.size(), 2u);

  // Pinned root with the intermediate carried in the owner certificate artifact (A6).
  s.voucher.pinnedDomainCert = s.pki.ownerCa.certificate;
  s.ownerIntermediates = {intermediate->certificate};
  result = s.validate();
  ASSERT_TRUE(result) << result.error().describe();
  EXPECT_EQ(result->ownerCertificatePath.size(), 3u);
}

TEST(Validator, OwnerCertificateItselfMayBePinned) {
  Scenario s;
  s.voucher.pinnedDomainCert = s.pki.owner.certificate;
  s.voucher.expiresOn = testNow() + 24h;
  auto result = s.validate();
  ASSERT_TRUE(result) << result.error().describe();
  EXPECT_EQ(result->ownerCertificatePath.size(), 1u);
}

TEST(Validator, RevocationChecksPassWithFreshCrls) {
  Scenario s;
  s.voucher.domainCertRevocationChecks = true;
  auto crl = crypto::issueCrl(s.pki.ownerCa.certificate, s.pki.ownerCa.key, {}, testNow() - 1h,
                              testNow() + 24h);
  s.ownerCrls = {*crl};
  std::vector<CheckRecord> log;
  auto result = s.validate(&log);
  ASSERT_TRUE(result) << result.error().describe();
}

TEST(Validator, NoTrustedClockSkipsTimeChecks) {
  Scenario s;
  s.voucher.expiresOn = testNow() + 1h;
  s.context.now = std::nullopt;
  // An expired voucher and an expired owner certificate pass without a clock (D34).
  s.voucher.createdOn = testNow() - 48h;
  s.voucher.expiresOn = testNow() - 24h;
  std::vector<CheckRecord> log;
  auto result = s.validate(&log);
  ASSERT_TRUE(result) << result.error().describe();
  const auto d24 = std::find_if(log.begin(), log.end(), [](auto& r) { return r.rule == "D24"; });
  ASSERT_NE(d24, log.end());
  EXPECT_EQ(d24->outcome, CheckRecord::Outcome::Skipped);
}

TEST(Validator, NonceBearingVoucherMatchingTheSentNonce) {
  Scenario s;
  const Bytes nonce(16, 0x5a);
  s.voucher.expiresOn.reset();
  s.voucher.nonce = nonce;
  s.context.nonce = nonce;
  s.context.policy.requireNonce = true;
  EXPECT_TRUE(s.validate());
}

TEST(Validator, IdevidIssuerInBothEncodings) {
  Scenario s;
  s.voucher.idevidIssuerForm = artifact::IdevidIssuerForm::KeyIdentifier;
  EXPECT_TRUE(s.validate());
  s.voucher.idevidIssuerForm = artifact::IdevidIssuerForm::Extension;
  EXPECT_TRUE(s.validate());
  const auto& idevid = s.pki.idevids.at("SN-0001").certificate;
  EXPECT_TRUE(idevidIssuerMatches(*idevid.authorityKeyIdentifier(), idevid));
  EXPECT_TRUE(idevidIssuerMatches(*idevid.authorityKeyIdentifierExtension(), idevid));
  EXPECT_FALSE(idevidIssuerMatches(Bytes(20, 0), idevid));
}

TEST(Validator, UnsignedRedirectFromUntrustedSourceIsProvisional) {
  Scenario s;
  model::RedirectInformation redirect{{{"sztp.example.net", 8443, toBytes("anchor")}}};
  auto ci = artifact::makeConveyedInformation(redirect, {});
  ASSERT_TRUE(ci);
  std::vector<CheckRecord> log;
  auto result = validateBootstrappingData({*ci, std::nullopt, std::nullopt}, s.context, &log);
  ASSERT_TRUE(result) << result.error().describe();
  EXPECT_FALSE(result->signedData);
  EXPECT_FALSE(result->trusted);
  // D39: an untrusted source's trust anchors are discarded.
  const auto& servers = std::get<model::RedirectInformation>(result->information).bootstrapServers;
  EXPECT_FALSE(servers.at(0).trustAnchor);
  EXPECT_EQ(log.back().rule, "D39");
}

TEST(Validator, UnsignedDataFromTrustedSourceIsUsable) {
  Scenario s;
  s.context.sourceTrusted = true;
  auto ci = artifact::makeConveyedInformation(test::sampleOnboarding(), {});
  auto result = validateBootstrappingData({*ci, std::nullopt, std::nullopt}, s.context);
  ASSERT_TRUE(result) << result.error().describe();
  EXPECT_FALSE(result->signedData);
  EXPECT_TRUE(result->trusted);
}

TEST(Validator, SignedDataFromATrustedSourceIsStillValidated) {
  // D17/D21: a trusted source does not excuse invalid signed data.
  Scenario s;
  s.context.sourceTrusted = true;
  s.voucher.serialNumber = "SN-0002";
  s.voucher.idevid.reset();
  auto result = s.validate();
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code(), TrustErrc::VoucherSerialMismatch);
}

TEST(Validator, ReasonCodesAreUniqueAndDocumentedInTheTable) {
  std::set<std::string_view> codes;
  for (const auto& info : trustCategory().reasons()) {
    EXPECT_TRUE(codes.insert(info.code).second) << info.code;
    EXPECT_GT(info.message.size(), 20u) << info.code;
  }
  EXPECT_EQ(codes.size(),
            static_cast<std::size_t>(TrustErrc::UnsignedOnboardingFromUntrustedSource));
}

}  // namespace
}  // namespace sztp::trust
