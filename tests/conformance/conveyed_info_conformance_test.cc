// Conveyed information (RFC 8572 §6.3, ietf-sztp-conveyed-info yang-data
// `conveyed-information`) as encodeConveyedInformation() writes it.

#include "artifact/conveyed_info_artifact.h"
#include "conformance/conformance_fixture.h"
#include "crypto/digest.h"
#include "model/conveyed_info.h"

namespace sztp::conformance {
namespace {

using model::BootImage;
using model::BootstrapServer;
using model::ConfigurationHandling;
using model::ConveyedInformation;
using model::ImageVerification;
using model::OnboardingInformation;
using model::RedirectInformation;

/// A real trust-anchor CMS (A14): a certificate bag holding the TLS root.
Bytes trustAnchor() {
  auto artifact = artifact::makeTrustAnchorArtifact({demoPki().tlsCa.certificate});
  return artifact ? *artifact : Bytes{};
}

BootstrapServer server(std::string address, std::optional<std::uint16_t> port = std::nullopt,
                       std::optional<Bytes> anchor = std::nullopt) {
  BootstrapServer result;
  result.address = std::move(address);
  result.port = port;
  result.trustAnchor = std::move(anchor);
  return result;
}

BootImage fullBootImage() {
  BootImage image;
  image.osName = "VendorOS";
  image.osVersion = "17.2R1.6";
  image.downloadUris = {"https://example.com/path/to/image/file",
                        "ftp://example.com/path/to/image/file"};
  ImageVerification verification;
  verification.hashAlgorithm = model::HashAlgorithm::Sha256;
  verification.hashValue = crypto::sha256(toBytes("not really an image"));
  image.imageVerification = {verification};
  return image;
}

class ConveyedInfoConformance : public EncodingTest {
 protected:
  ::testing::AssertionResult acceptsInfo(const ConveyedInformation& info) const {
    return accepts(PayloadKind::ConveyedInformation, GetParam(),
                   model::encodeConveyedInformation(info, GetParam()));
  }
};

TEST_P(ConveyedInfoConformance, RedirectWithOneServer) {
  EXPECT_TRUE(acceptsInfo(RedirectInformation{{server("bootstrap.example.com")}}));
}

TEST_P(ConveyedInfoConformance, RedirectWithThreeServersPortsAndTrustAnchor) {
  const Bytes anchor = trustAnchor();
  ASSERT_FALSE(anchor.empty());
  RedirectInformation redirect{{
      server("192.0.2.10", 8443, anchor),
      server("2001:db8::10", 443, anchor),
      server("sztp.example.net", 1, anchor),
  }};
  EXPECT_TRUE(acceptsInfo(redirect));
}

TEST_P(ConveyedInfoConformance, RedirectAddressForms) {
  // inet:host is a union of ip-address (IPv4, IPv6) and domain-name.
  for (const char* address : {"10.1.1.3", "::1", "2001:db8:0:1::ffff:192.0.2.1", "localhost",
                              "a-b.example.", "xn--bcher-kva.example"}) {
    EXPECT_TRUE(acceptsInfo(RedirectInformation{{server(address, 65535)}})) << address;
  }
}

TEST_P(ConveyedInfoConformance, MinimalOnboarding) {
  // The smallest valid onboarding information: one leaf of the case. (An
  // empty container is no choice at all; the model parser refuses it, and
  // libyang 2.1.30 reads freed memory on it, see yang_validator.cc.)
  OnboardingInformation onboarding;
  onboarding.postConfigurationScript = toBytes("#!/bin/sh\necho done\n");
  EXPECT_TRUE(acceptsInfo(onboarding));
}

TEST_P(ConveyedInfoConformance, FullOnboarding) {
  // Configuration and scripts are binary: include NUL, 0xff and UTF-8 text.
  Bytes configuration = toBytes("<top xmlns=\"urn:example\">caf\xc3\xa9</top>\n");
  configuration.insert(configuration.end(), {0x00, 0x01, 0x7f, 0x80, 0xfe, 0xff});
  for (ConfigurationHandling handling :
       {ConfigurationHandling::Merge, ConfigurationHandling::Replace}) {
    OnboardingInformation onboarding;
    onboarding.bootImage = fullBootImage();
    onboarding.configurationHandling = handling;
    onboarding.preConfigurationScript = toBytes("#!/bin/sh\necho pre-configuration\n");
    onboarding.configuration = configuration;
    onboarding.postConfigurationScript = toBytes("#!/bin/sh\necho post-configuration\n");
    EXPECT_TRUE(acceptsInfo(onboarding)) << model::configurationHandlingName(handling);
  }
}

TEST_P(ConveyedInfoConformance, OnboardingParts) {
  // Each optional part on its own, so that a failure names the part.
  OnboardingInformation osOnly;
  osOnly.bootImage = BootImage{};
  osOnly.bootImage->osName = "VendorOS";
  osOnly.bootImage->osVersion = "1.0";
  EXPECT_TRUE(acceptsInfo(osOnly));

  OnboardingInformation imageOnly;
  imageOnly.bootImage = fullBootImage();
  imageOnly.bootImage->osName.reset();
  imageOnly.bootImage->osVersion.reset();
  imageOnly.bootImage->downloadUris.resize(1);
  EXPECT_TRUE(acceptsInfo(imageOnly));

  OnboardingInformation preScript;
  preScript.preConfigurationScript = Bytes{0x00};
  EXPECT_TRUE(acceptsInfo(preScript));

  OnboardingInformation configOnly;
  configOnly.configurationHandling = ConfigurationHandling::Replace;
  configOnly.configuration = Bytes{0xff};
  EXPECT_TRUE(acceptsInfo(configOnly));

  OnboardingInformation postScript;
  postScript.postConfigurationScript = Bytes(1000, 0x5a);
  EXPECT_TRUE(acceptsInfo(postScript));
}

SZTP_INSTANTIATE_FOR_ENCODINGS(ConveyedInfoConformance);

}  // namespace
}  // namespace sztp::conformance
