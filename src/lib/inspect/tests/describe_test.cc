#include "inspect/describe.h"

#include <gtest/gtest.h>

#include "artifact/conveyed_info_artifact.h"
#include "artifact/voucher_issuer.h"
#include "common/codec_error.h"
#include "dhcp/sztp_redirect_option.h"
#include "pki/demo_pki.h"

namespace sztp::inspect {
namespace {

using namespace std::chrono_literals;

TimePoint now() {
  return std::chrono::sys_days(std::chrono::year(2026) / 2 / 1);
}

const pki::DemoPki& demo() {
  static const pki::DemoPki pki = [] {
    pki::DemoPkiOptions options;
    options.serialNumbers = {"SN-1"};
    return *pki::createDemoPki(options, now());
  }();
  return pki;
}

model::OnboardingInformation onboarding() {
  model::OnboardingInformation info;
  info.configurationHandling = model::ConfigurationHandling::Merge;
  info.configuration = toBytes("<config/>");
  info.postConfigurationScript = Bytes{0x00, 0xff, 0x10};
  return info;
}

TEST(Describe, SignedConveyedInformation) {
  artifact::ConveyedInfoOptions options;
  options.owner = artifact::Signer{demo().owner.certificate, demo().owner.key, {}};
  auto der = artifact::makeConveyedInformation(onboarding(), options);
  auto shown = describeArtifact(*der);
  ASSERT_TRUE(shown) << shown.error().describe();
  EXPECT_EQ((*shown)["artifact"], "signed-conveyed-information");
  EXPECT_EQ((*shown)["encapsulated-content-type"], "id-ct-sztpConveyedInfoJSON");
  const auto& info = (*shown)["content"]["conveyed-information"];
  EXPECT_EQ(info["type"], "onboarding-information");
  EXPECT_EQ(info["configuration"]["text"], "<config/>");
  EXPECT_EQ(info["post-configuration-script"]["base64"], "AP8Q");
  EXPECT_EQ((*shown)["signers"][0]["signed-attributes"], true);
}

TEST(Describe, VoucherAndCertificateBag) {
  artifact::VoucherRequest request{.serialNumber = "SN-1",
                                   .pinnedDomainCert = demo().ownerCa.certificate};
  auto voucher = artifact::issueVoucher(
      request, artifact::Signer{demo().masa.certificate, demo().masa.key, {}}, now());
  auto shown = describeArtifact(*voucher);
  ASSERT_TRUE(shown) << shown.error().describe();
  EXPECT_EQ((*shown)["artifact"], "ownership-voucher");
  EXPECT_EQ((*shown)["content"]["voucher"]["serial-number"], "SN-1");
  EXPECT_EQ((*shown)["content"]["voucher"]["pinned-domain-cert"]["subject"],
            demo().ownerCa.certificate.subject());

  auto bag = artifact::makeOwnerCertificateArtifact(demo().owner.certificate, {});
  auto bagShown = describeArtifact(*bag);
  ASSERT_TRUE(bagShown);
  EXPECT_EQ((*bagShown)["artifact"], "certificate-bag");
  EXPECT_EQ((*bagShown)["certificates"][0]["subject"], demo().owner.certificate.subject());
}

TEST(Describe, EncryptedShowsRecipientsAndDecryptsWithTheKey) {
  artifact::ConveyedInfoOptions options;
  options.owner = artifact::Signer{demo().owner.certificate, demo().owner.key, {}};
  options.encryptTo = demo().idevids.at("SN-1").certificate;
  auto der = artifact::makeConveyedInformation(onboarding(), options);
  auto sealed = describeArtifact(*der);
  ASSERT_TRUE(sealed);
  EXPECT_EQ((*sealed)["artifact"], "encrypted");
  EXPECT_EQ((*sealed)["recipients"][0]["serial"],
            demo().idevids.at("SN-1").certificate.serialNumberHex());
  EXPECT_FALSE(sealed->contains("decrypted"));

  InspectOptions keys{demo().idevids.at("SN-1").certificate, demo().idevids.at("SN-1").key};
  auto opened = describeArtifact(*der, keys);
  ASSERT_TRUE(opened);
  EXPECT_EQ((*opened)["decrypted"]["artifact"], "signed-conveyed-information");
}

TEST(Describe, CertificatesDocumentsAndDhcp) {
  auto pem = describeArtifact(asBytes(demo().idevids.at("SN-1").certificate.toPem()));
  ASSERT_TRUE(pem);
  EXPECT_EQ((*pem)["certificates"][0]["subject-serial-number"], "SN-1");

  auto der = describeArtifact(demo().ownerCa.certificate.toDer());
  ASSERT_TRUE(der);
  EXPECT_EQ((*der)["artifact"], "certificate");

  auto doc = describeArtifact(asBytes(
      R"({"ietf-sztp-conveyed-info:redirect-information":{"bootstrap-server":[{"address":"a.example"}]}})"));
  ASSERT_TRUE(doc) << doc.error().describe();
  EXPECT_EQ((*doc)["conveyed-information"]["bootstrap-server"][0]["port"], 443);

  const auto value = dhcp::encodeServerList({"https://10.1.1.3:8080"});
  auto option = describeArtifact(dhcp::encodeDhcpv4Option(*value));
  ASSERT_TRUE(option) << option.error().describe();
  EXPECT_EQ((*option)["option"], "dhcpv4-143");
  EXPECT_EQ((*option)["bootstrap-servers"][0]["port"], 8080);

  auto hex = describeArtifact(asBytes(
      "00 88 00 17 00 15 68 74 74 70 73 3a 2f 2f 31 30 2e 31 2e 31 2e 33 3a 38 30 38 30\n"));
  ASSERT_TRUE(hex) << hex.error().describe();
  EXPECT_EQ((*hex)["option"], "dhcpv6-136");
}

TEST(Describe, RefusesPrivateKeysAndGarbage) {
  auto key = describeArtifact(asBytes(demo().owner.key.toPem()));
  ASSERT_FALSE(key);
  EXPECT_NE(key.error().detail().find("private key"), std::string::npos);
  auto garbage = describeArtifact(asBytes("\x01\x02\x03 hello"));
  ASSERT_FALSE(garbage);
  EXPECT_EQ(garbage.error().code(), CodecErrc::UnexpectedDocument);
}

TEST(Describe, BlobsShowTextOnlyWhenPrintable) {
  EXPECT_EQ(describeBlob(asBytes("héllo\n"))["text"], "héllo\n");
  EXPECT_TRUE(describeBlob(Bytes{0xc3}).contains("base64"));  // Truncated UTF-8.
  EXPECT_TRUE(describeBlob(Bytes{'a', 0x01}).contains("base64"));
  EXPECT_EQ(describeBlob(Bytes{})["size"], 0);
}

}  // namespace
}  // namespace sztp::inspect
