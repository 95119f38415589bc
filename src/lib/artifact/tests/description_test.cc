#include "artifact/description.h"

#include <gtest/gtest.h>

#include <map>

#include "artifact/artifact_error.h"
#include "crypto/cms.h"
#include "crypto/digest.h"
#include "pki/demo_pki.h"

namespace sztp::artifact {
namespace {

// Files served from memory, as the CLI serves them from disk.
struct Files {
  std::map<std::string, Bytes> content;
  DescriptionFiles view() {
    return DescriptionFiles{[this](const std::string& path) -> Result<Bytes> {
                              auto it = content.find(path);
                              if (it == content.end()) {
                                return Error(ArtifactErrc::FileUnreadable, path);
                              }
                              return it->second;
                            },
                            [this](const std::string& path) -> Result<Bytes> {
                              auto it = content.find(path);
                              if (it == content.end()) {
                                return Error(ArtifactErrc::FileUnreadable, path);
                              }
                              return crypto::sha256(it->second);
                            }};
  }
};

TEST(Description, OnboardingWithFilesAndComputedHash) {
  Files files;
  files.content["images/os.img"] = toBytes("IMAGE");
  files.content["scripts/pre.sh"] = toBytes("#!/bin/sh\n");
  files.content["config/startup.xml"] = toBytes("<config/>");
  const char* yaml = R"(
onboarding-information:
  boot-image:
    os-name: VendorOS
    os-version: "17.3"
    image: images/os.img
    download-uri:
      - https://files.example.net/os.img
      - https://mirror.example.net/os.img
  configuration-handling: replace
  pre-configuration-script: scripts/pre.sh
  configuration: config/startup.xml
  post-configuration-script: {text: "echo done"}
)";
  auto info = conveyedInformationFromDescription(yaml, files.view());
  ASSERT_TRUE(info) << info.error().describe();
  const auto& onboarding = std::get<model::OnboardingInformation>(*info);
  ASSERT_TRUE(onboarding.bootImage);
  EXPECT_EQ(onboarding.bootImage->osVersion, "17.3");
  EXPECT_EQ(onboarding.bootImage->downloadUris.size(), 2u);
  ASSERT_EQ(onboarding.bootImage->imageVerification.size(), 1u);
  EXPECT_EQ(onboarding.bootImage->imageVerification[0].hashValue, crypto::sha256(toBytes("IMAGE")));
  EXPECT_EQ(onboarding.configurationHandling, model::ConfigurationHandling::Replace);
  EXPECT_EQ(onboarding.configuration, toBytes("<config/>"));
  EXPECT_EQ(onboarding.postConfigurationScript, toBytes("echo done"));
}

TEST(Description, JsonIsAcceptedToo) {
  Files files;
  auto info = conveyedInformationFromDescription(
      R"({"redirect-information": {"bootstrap-server": [{"address": "10.0.0.1", "port": 8443}]}})",
      files.view());
  ASSERT_TRUE(info) << info.error().describe();
  const auto& redirect = std::get<model::RedirectInformation>(*info);
  EXPECT_EQ(redirect.bootstrapServers.at(0).port, 8443);
}

TEST(Description, RedirectTrustAnchorFromAPemChain) {
  auto pki = pki::createDemoPki({}, std::chrono::sys_days(std::chrono::year(2026) / 1 / 1));
  Files files;
  files.content["tls-ca.pem"] = toBytes(pki->tlsCa.certificate.toPem());
  auto info = conveyedInformationFromDescription(R"(
redirect-information:
  bootstrap-server:
    - address: sztp.example.net
      trust-anchor: tls-ca.pem
)",
                                                 files.view());
  ASSERT_TRUE(info) << info.error().describe();
  const auto& anchor = std::get<model::RedirectInformation>(*info).bootstrapServers[0].trustAnchor;
  ASSERT_TRUE(anchor);
  auto bag = crypto::parseCertificateBag(*anchor);
  ASSERT_TRUE(bag);
  EXPECT_EQ(bag->certificates.at(0), pki->tlsCa.certificate);
}

TEST(Description, ErrorsNameTheKey) {
  Files files;
  const std::pair<const char*, const char*> cases[] = {
      {"onboarding-information: {boot-image: {os-nam: x}}",
       "/onboarding-information/boot-image/os-nam"},
      {"onboarding-information: {configuration: {text: x}}", "/onboarding-information"},
      {"onboarding-information: {configuration-handling: patch, configuration: {text: x}}",
       "/onboarding-information/configuration-handling"},
      {"onboarding-information: {pre-configuration-script: missing.sh}",
       "/onboarding-information/pre-configuration-script"},
      {"redirect-information: {bootstrap-server: []}", "/redirect-information/bootstrap-server"},
      {"redirect-information: {bootstrap-server: [{address: a, port: 70000}]}",
       "/redirect-information/bootstrap-server[address='a']/port"},
      {"redirect-information: {bootstrap-server: [{address: a}, {address: a}]}", "listed twice"},
      {"both: 1", "/both"},
      {"onboarding-information: {boot-image: {image-verification: [{hash-value: 'ab'}], "
       "download-uri: x}}",
       "hash-value"},
      {"[unclosed", ""},
  };
  for (const auto& [yaml, expected] : cases) {
    auto r = conveyedInformationFromDescription(yaml, files.view());
    ASSERT_FALSE(r) << yaml;
    EXPECT_NE(r.error().detail().find(expected), std::string::npos)
        << yaml << " -> " << r.error().describe();
  }
}

}  // namespace
}  // namespace sztp::artifact
