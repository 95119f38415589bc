#include "artifact/voucher_issuer.h"

#include <gtest/gtest.h>

#include "artifact/artifact_error.h"
#include "artifact/conveyed_info_artifact.h"
#include "crypto/cms.h"
#include "pki/demo_pki.h"

namespace sztp::artifact {
namespace {

using namespace std::chrono_literals;

TimePoint now() {
  return std::chrono::sys_days(std::chrono::year(2026) / 3 / 1);
}

const pki::DemoPki& demo() {
  static const pki::DemoPki pki = [] {
    pki::DemoPkiOptions options;
    options.serialNumbers = {"SN-1", "SN-2"};
    return *pki::createDemoPki(options, now());
  }();
  return pki;
}

TEST(VoucherIssuer, IssuesASignedRfc8366Voucher) {
  VoucherRequest request{.serialNumber = "SN-1", .pinnedDomainCert = demo().ownerCa.certificate};
  request.expiresOn = now() + 24h * 30;
  request.idevid = demo().idevids.at("SN-1").certificate;
  request.domainCertRevocationChecks = false;
  Signer masa{demo().masa.certificate, demo().masa.key, {demo().masaCa.certificate}};
  auto der = issueVoucher(request, masa, now());
  ASSERT_TRUE(der) << der.error().describe();

  auto parsed = crypto::parseSignedData(*der);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->contentType, crypto::ContentType::AnimaJsonVoucher);
  EXPECT_EQ(parsed->certificates.size(), 2u);
  auto voucher = model::parseVoucher(toString(*parsed->content), model::Encoding::Json);
  ASSERT_TRUE(voucher) << voucher.error().describe();
  EXPECT_EQ(voucher->serialNumber, "SN-1");
  EXPECT_EQ(voucher->assertion, model::Assertion::Verified);
  EXPECT_EQ(voucher->createdOn->time, now());
  EXPECT_EQ(voucher->pinnedDomainCert, demo().ownerCa.certificate.toDer());
  EXPECT_EQ(voucher->idevidIssuer,
            demo().idevids.at("SN-1").certificate.authorityKeyIdentifierExtension());
  EXPECT_EQ(voucher->domainCertRevocationChecks, false);
}

TEST(VoucherIssuer, RefusesWhatRfc8366Forbids) {
  VoucherRequest tooLate{.serialNumber = "SN-1", .pinnedDomainCert = demo().ownerCa.certificate};
  tooLate.expiresOn = demo().ownerCa.certificate.notAfter() + 1h;  // A11
  auto r = makeVoucher(tooLate, now());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ArtifactErrc::InvalidRequest);
  EXPECT_NE(r.error().detail().find("notAfter"), std::string::npos);

  VoucherRequest both{.serialNumber = "SN-1", .pinnedDomainCert = demo().ownerCa.certificate};
  both.expiresOn = now() + 1h;
  both.nonce = Bytes(16, 1);
  EXPECT_FALSE(makeVoucher(both, now()));

  VoucherRequest shortNonce{.serialNumber = "SN-1", .pinnedDomainCert = demo().ownerCa.certificate};
  shortNonce.nonce = Bytes(4, 1);
  EXPECT_FALSE(makeVoucher(shortNonce, now()));

  VoucherRequest renewal{.serialNumber = "SN-1", .pinnedDomainCert = demo().ownerCa.certificate};
  renewal.lastRenewalDate = now();
  EXPECT_FALSE(makeVoucher(renewal, now()));

  VoucherRequest wrongDevice{.serialNumber = "SN-1",
                             .pinnedDomainCert = demo().ownerCa.certificate};
  wrongDevice.idevid = demo().idevids.at("SN-2").certificate;
  EXPECT_FALSE(makeVoucher(wrongDevice, now()));

  EXPECT_FALSE(makeVoucher(
      VoucherRequest{.serialNumber = "", .pinnedDomainCert = demo().ownerCa.certificate}, now()));
}

TEST(TrustAnchorArtifact, RequiresOneChainEndingInARoot) {
  const auto& pki = demo();
  EXPECT_TRUE(makeTrustAnchorArtifact({pki.tlsCa.certificate}));
  EXPECT_TRUE(makeTrustAnchorArtifact({pki.server.certificate, pki.tlsCa.certificate}));
  auto noRoot = makeTrustAnchorArtifact({pki.server.certificate});
  ASSERT_FALSE(noRoot);
  EXPECT_NE(noRoot.error().detail().find("self-signed"), std::string::npos);
  auto notAChain = makeTrustAnchorArtifact({pki.owner.certificate, pki.tlsCa.certificate});
  ASSERT_FALSE(notAChain);
  EXPECT_NE(notAChain.error().detail().find("single chain"), std::string::npos);
}

TEST(ConveyedInformationArtifact, UnsignedSignedAndEncryptedForms) {
  const auto& pki = demo();
  model::ConveyedInformation info = model::RedirectInformation{{{"sztp.example.net", 8443, {}}}};
  auto unsignedDer = makeConveyedInformation(info, {});
  ASSERT_TRUE(unsignedDer);
  EXPECT_EQ(crypto::peekContentType(*unsignedDer)->type, crypto::ContentType::ConveyedInfoJson);

  ConveyedInfoOptions xml;
  xml.encoding = model::Encoding::Xml;
  xml.useIdData = true;
  EXPECT_EQ(crypto::peekContentType(*makeConveyedInformation(info, xml))->type,
            crypto::ContentType::Data);

  ConveyedInfoOptions sealed;
  sealed.owner = Signer{pki.owner.certificate, pki.owner.key, {}};
  sealed.encryptTo = pki.idevids.at("SN-1").certificate;
  auto der = makeConveyedInformation(info, sealed);
  ASSERT_TRUE(der);
  auto envelope = crypto::parseEnvelopedData(*der);
  ASSERT_TRUE(envelope);
  // Sign, then encrypt (§3.4): the encrypted content is SignedData.
  EXPECT_EQ(envelope->contentType, crypto::ContentType::SignedData);
}

}  // namespace
}  // namespace sztp::artifact
