#include "model/conveyed_info.h"

#include <gtest/gtest.h>

#include "common/base64.h"
#include "model/tests/test_util.h"

namespace sztp::model {
namespace {

using testing::expectRoundTrip;
using testing::failsAt;
using testing::failsWith;
using testing::kEncodings;

constexpr const char* kRedirectPath = "/ietf-sztp-conveyed-info:redirect-information";
constexpr const char* kOnboardingPath = "/ietf-sztp-conveyed-info:onboarding-information";

// RFC 8572 §6.2, redirect information example.
constexpr const char* kRfcRedirectJson = R"({
  "ietf-sztp-conveyed-info:redirect-information" : {
    "bootstrap-server" : [
      {
        "address" : "sztp1.example.com",
        "port" : 8443,
        "trust-anchor" : "base64encodedvalue=="
      },
      {
        "address" : "sztp2.example.com",
        "port" : 8443,
        "trust-anchor" : "base64encodedvalue=="
      },
      {
        "address" : "sztp3.example.com",
        "port" : 8443,
        "trust-anchor" : "base64encodedvalue=="
      }
    ]
  }
})";

// RFC 8572 §6.2, onboarding information example (the RFC's '\' line fold of
// hash-value undone).
constexpr const char* kRfcOnboardingJson = R"({
  "ietf-sztp-conveyed-info:onboarding-information" : {
    "boot-image" : {
      "os-name" : "VendorOS",
      "os-version" : "17.2R1.6",
      "download-uri" : [ "http://some/path/to/raw/file" ],
      "image-verification" : [
        {
          "hash-algorithm" : "ietf-sztp-conveyed-info:sha-256",
          "hash-value" : "ba:ec:cf:a5:67:82:b4:10:77:c6:67:a6:22:ab:7d:50:04:a7:8b:8f:0e:db:02:8b:f4:75:55:fb:c1:13:b2:33"
        }
      ]
    },
    "configuration-handling" : "merge",
    "pre-configuration-script" : "base64encodedvalue==",
    "configuration" : "base64encodedvalue==",
    "post-configuration-script" : "base64encodedvalue=="
  }
})";

// The redirect example in the XML encoding (as in the RFC's source repository).
constexpr const char* kRedirectXml = R"(<?xml version="1.0" encoding="UTF-8"?>
<redirect-information
    xmlns="urn:ietf:params:xml:ns:yang:ietf-sztp-conveyed-info">
  <bootstrap-server>
    <address>sztp1.example.com</address>
    <port>8443</port>
    <trust-anchor>base64encodedvalue==</trust-anchor>
  </bootstrap-server>
  <bootstrap-server>
    <address>sztp2.example.com</address>
    <port>8443</port>
    <trust-anchor>base64encodedvalue==</trust-anchor>
  </bootstrap-server>
</redirect-information>
)";

Bytes placeholder() {
  // "base64encodedvalue==" has non-zero pad bits; its canonical form ends "uQ==".
  auto bytes = base64Decode("base64encodedvaluQ==");
  EXPECT_TRUE(bytes.ok());
  return bytes.ok() ? *bytes : Bytes{};
}

Bytes allOctets() {
  Bytes bytes(256);
  for (int i = 0; i < 256; ++i) {
    bytes[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(i);
  }
  return bytes;
}

Result<ConveyedInformation> parseJson(std::string_view text) {
  return parseConveyedInformation(text, Encoding::Json);
}

Result<ConveyedInformation> parseXml(std::string_view text) {
  return parseConveyedInformation(text, Encoding::Xml);
}

// A redirect document around one bootstrap-server entry body.
std::string redirectWith(std::string_view entry) {
  return R"({"ietf-sztp-conveyed-info:redirect-information":{"bootstrap-server":[)" +
         std::string(entry) + "]}}";
}

std::string onboardingWith(std::string_view body) {
  return R"({"ietf-sztp-conveyed-info:onboarding-information":{)" + std::string(body) + "}}";
}

void expectBothRoundTrips(const ConveyedInformation& info) {
  for (const auto encoding : kEncodings) {
    expectRoundTrip(info, encoding, encodeConveyedInformation, parseConveyedInformation);
  }
}

TEST(ConveyedInfoGolden, Rfc8572RedirectExample) {
  auto parsed = parseJson(kRfcRedirectJson);
  ASSERT_TRUE(parsed) << parsed.error().detail();
  const auto& redirect = std::get<RedirectInformation>(*parsed);
  ASSERT_EQ(redirect.bootstrapServers.size(), 3u);
  EXPECT_EQ(redirect.bootstrapServers[0].address, "sztp1.example.com");
  EXPECT_EQ(redirect.bootstrapServers[2].address, "sztp3.example.com");
  EXPECT_EQ(redirect.bootstrapServers[1].effectivePort(), 8443);
  EXPECT_EQ(redirect.bootstrapServers[0].trustAnchor, placeholder());
  EXPECT_EQ(placeholder().size(), 13u);
  expectBothRoundTrips(*parsed);
}

TEST(ConveyedInfoGolden, Rfc8572OnboardingExample) {
  auto parsed = parseJson(kRfcOnboardingJson);
  ASSERT_TRUE(parsed) << parsed.error().detail();
  const auto& onboarding = std::get<OnboardingInformation>(*parsed);
  ASSERT_TRUE(onboarding.bootImage);
  EXPECT_EQ(onboarding.bootImage->osName, "VendorOS");
  EXPECT_EQ(onboarding.bootImage->osVersion, "17.2R1.6");
  EXPECT_EQ(onboarding.bootImage->downloadUris,
            std::vector<std::string>{"http://some/path/to/raw/file"});
  ASSERT_EQ(onboarding.bootImage->imageVerification.size(), 1u);
  EXPECT_EQ(onboarding.bootImage->imageVerification[0].hashValue.size(), 32u);
  EXPECT_EQ(onboarding.bootImage->imageVerification[0].hashValue[0], 0xba);
  EXPECT_EQ(onboarding.configurationHandling, ConfigurationHandling::Merge);
  EXPECT_EQ(onboarding.configuration, placeholder());
  expectBothRoundTrips(*parsed);
}

TEST(ConveyedInfoGolden, RedirectXml) {
  auto parsed = parseXml(kRedirectXml);
  ASSERT_TRUE(parsed) << parsed.error().detail();
  const auto& redirect = std::get<RedirectInformation>(*parsed);
  ASSERT_EQ(redirect.bootstrapServers.size(), 2u);
  EXPECT_EQ(redirect.bootstrapServers[1].port, 8443);
  expectBothRoundTrips(*parsed);
}

TEST(ConveyedInfoGolden, CanonicalJsonEncoding) {
  RedirectInformation redirect;
  redirect.bootstrapServers.push_back({"10.0.0.1", std::nullopt, std::nullopt});
  EXPECT_EQ(encodeConveyedInformation(redirect, Encoding::Json),
            R"({
  "ietf-sztp-conveyed-info:redirect-information": {
    "bootstrap-server": [
      {
        "address": "10.0.0.1"
      }
    ]
  }
}
)");
}

TEST(ConveyedInfoGolden, CanonicalXmlEncodingDeclaresIdentityPrefix) {
  OnboardingInformation onboarding;
  onboarding.bootImage = BootImage{};
  onboarding.bootImage->downloadUris = {"https://x.example/a?b=1&c=2"};
  onboarding.bootImage->imageVerification.push_back({HashAlgorithm::Sha256, Bytes{0xab, 0x01}});
  EXPECT_EQ(encodeConveyedInformation(onboarding, Encoding::Xml),
            R"(<onboarding-information xmlns="urn:ietf:params:xml:ns:yang:ietf-sztp-conveyed-info">
  <boot-image>
    <download-uri>https://x.example/a?b=1&amp;c=2</download-uri>
    <image-verification>
      <hash-algorithm xmlns:sztp-info="urn:ietf:params:xml:ns:yang:ietf-sztp-conveyed-info">sztp-info:sha-256</hash-algorithm>
      <hash-value>ab:01</hash-value>
    </image-verification>
  </boot-image>
</onboarding-information>
)");
  const auto json = encodeConveyedInformation(onboarding, Encoding::Json);
  EXPECT_NE(json.find(R"("hash-algorithm": "ietf-sztp-conveyed-info:sha-256")"), std::string::npos)
      << json;
}

TEST(ConveyedInfoRoundTrip, RedirectMinimalAndFull) {
  RedirectInformation minimal;
  minimal.bootstrapServers.push_back({"sztp.example.com", std::nullopt, std::nullopt});
  expectBothRoundTrips(minimal);

  RedirectInformation full;
  full.bootstrapServers.push_back({"192.0.2.1", 0, allOctets()});
  full.bootstrapServers.push_back({"fe80::1%eth0", 65535, Bytes{}});
  full.bootstrapServers.push_back({"::ffff:192.0.2.7", 443, Bytes{1}});
  full.bootstrapServers.push_back({"sztp.example.com.", 8443, Bytes{1, 2}});
  expectBothRoundTrips(full);
}

TEST(ConveyedInfoRoundTrip, OnboardingMinimalAndFull) {
  OnboardingInformation minimal;
  minimal.postConfigurationScript = toBytes("echo done");
  expectBothRoundTrips(minimal);

  OnboardingInformation full;
  full.bootImage = BootImage{};
  full.bootImage->osName = "Vendor<OS> & \"friends\" 'quoted'\r\n\ttab \xC3\xA9\xE2\x82\xAC";
  full.bootImage->osVersion = "";
  full.bootImage->downloadUris = {"https://a.example/img", "ftp://b.example/img",
                                  "https://a.example/img"};
  full.bootImage->imageVerification.push_back({HashAlgorithm::Sha256, Bytes(32, 0xEE)});
  full.configurationHandling = ConfigurationHandling::Replace;
  full.preConfigurationScript = toBytes("#!/bin/sh\necho pre\n");
  full.configuration = allOctets();
  full.postConfigurationScript = Bytes{};
  expectBothRoundTrips(full);
}

TEST(ConveyedInfoConstraints, EmptyOnboardingInformationIsNoChoice) {
  // An empty non-presence container is no data node, so the mandatory choice
  // information-type is unsatisfied (RFC 7950 §7.5.7, §7.9.4); an empty
  // boot-image adds nothing.
  OnboardingInformation emptyImage;
  emptyImage.bootImage = BootImage{};
  for (const auto& info : {OnboardingInformation{}, emptyImage}) {
    for (const auto encoding : {Encoding::Json, Encoding::Xml}) {
      auto parsed = parseConveyedInformation(encodeConveyedInformation(info, encoding), encoding);
      ASSERT_FALSE(parsed);
      EXPECT_EQ(parsed.error().code(), CodecErrc::ConstraintViolation);
      EXPECT_NE(parsed.error().detail().find("/ietf-sztp-conveyed-info:onboarding-information"),
                std::string::npos)
          << parsed.error().detail();
    }
  }
}

TEST(ConveyedInfoNames, IdentityAndEnumerationNames) {
  EXPECT_EQ(hashAlgorithmName(HashAlgorithm::Sha256), "sha-256");
  EXPECT_EQ(configurationHandlingName(ConfigurationHandling::Merge), "merge");
  EXPECT_EQ(configurationHandlingName(ConfigurationHandling::Replace), "replace");
  EXPECT_EQ((BootstrapServer{"a", std::nullopt, std::nullopt}.effectivePort()), 443);
}

TEST(ConveyedInfoChoice, BothCasesAreAConstraintViolation) {
  const auto r = parseJson(R"({
    "ietf-sztp-conveyed-info:redirect-information": {"bootstrap-server": [{"address": "a"}]},
    "ietf-sztp-conveyed-info:onboarding-information": {}
  })");
  EXPECT_TRUE(failsWith(r, CodecErrc::ConstraintViolation, "information-type"));
  EXPECT_TRUE(failsWith(r, CodecErrc::ConstraintViolation, kRedirectPath));
  EXPECT_TRUE(failsWith(r, CodecErrc::ConstraintViolation, kOnboardingPath));
}

TEST(ConveyedInfoChoice, NoCaseIsAConstraintViolation) {
  EXPECT_TRUE(failsWith(parseJson("{}"), CodecErrc::ConstraintViolation, "information-type"));
}

TEST(ConveyedInfoDocument, TopLevelMustBeQualifiedAndKnown) {
  EXPECT_TRUE(failsAt(parseJson(R"({"redirect-information": {}})"), CodecErrc::UnknownNode,
                      "/redirect-information"));
  EXPECT_TRUE(failsAt(parseJson(R"({"ietf-sztp-conveyed-info:redirect": {}})"),
                      CodecErrc::UnknownNode, "/ietf-sztp-conveyed-info:redirect"));
  EXPECT_TRUE(failsAt(parseJson(R"({"acme:redirect-information": {}})"), CodecErrc::UnknownNode,
                      "/acme:redirect-information"));
  EXPECT_TRUE(failsAt(parseJson(R"({"ietf-voucher:voucher": {}})"), CodecErrc::UnexpectedDocument,
                      "/ietf-voucher:voucher"));
  EXPECT_TRUE(failsAt(parseJson(R"({"ietf-sztp-conveyed-info:redirect-information": []})"),
                      CodecErrc::InvalidValue, kRedirectPath));
  EXPECT_TRUE(failsWith(parseJson("[]"), CodecErrc::UnexpectedDocument, "array"));
  EXPECT_TRUE(failsWith(parseJson("{\"a\":"), CodecErrc::MalformedJson, "byte"));
  EXPECT_TRUE(failsWith(parseJson(""), CodecErrc::MalformedJson, "byte"));
}

TEST(ConveyedInfoRedirect, BootstrapServerMinElements) {
  EXPECT_TRUE(failsAt(
      parseJson(R"({"ietf-sztp-conveyed-info:redirect-information":{"bootstrap-server":[]}})"),
      CodecErrc::ConstraintViolation, std::string(kRedirectPath) + "/bootstrap-server"));
  EXPECT_TRUE(failsAt(parseJson(R"({"ietf-sztp-conveyed-info:redirect-information":{}})"),
                      CodecErrc::ConstraintViolation,
                      std::string(kRedirectPath) + "/bootstrap-server"));
}

TEST(ConveyedInfoRedirect, AddressIsMandatoryValidAndUnique) {
  const std::string list = std::string(kRedirectPath) + "/bootstrap-server";
  EXPECT_TRUE(failsAt(parseJson(redirectWith(R"({"port": 1})")), CodecErrc::MissingNode,
                      list + "[1]/address"));
  for (const char* bad : {"not a host", "[::1]", "", "-bad.example", "1:2:3", "a..b", "fe80::1%",
                          "1::2::3", "host_name_ending_"}) {
    EXPECT_TRUE(failsAt(parseJson(redirectWith(R"({"address": ")" + std::string(bad) + "\"}")),
                        CodecErrc::InvalidValue, list + "[1]/address"))
        << bad;
  }
  EXPECT_TRUE(failsAt(parseJson(redirectWith(R"({"address": 10})")), CodecErrc::InvalidValue,
                      list + "[1]/address"));
  EXPECT_TRUE(failsAt(parseJson(redirectWith(R"({"address":"a.example"},{"address":"A.example"})")),
                      CodecErrc::DuplicateNode, list + "[address='A.example']"));
}

TEST(ConveyedInfoRedirect, PortIsAJsonNumberInRange) {
  const std::string port =
      std::string(kRedirectPath) + "/bootstrap-server[address='10.0.0.1']/port";
  for (const char* bad : {R"("443")", "70000", "-1", "443.5", "4.43e2", "true", "[443]", "null"}) {
    EXPECT_TRUE(failsAt(
        parseJson(redirectWith(R"({"address":"10.0.0.1","port":)" + std::string(bad) + "}")),
        CodecErrc::InvalidValue, port))
        << bad;
  }
  auto ok = parseJson(redirectWith(R"({"address":"10.0.0.1","port":0})"));
  ASSERT_TRUE(ok) << ok.error().detail();
  EXPECT_EQ(std::get<RedirectInformation>(*ok).bootstrapServers[0].port, 0);
}

TEST(ConveyedInfoRedirect, TrustAnchorIsPaddedBase64) {
  const std::string path =
      std::string(kRedirectPath) + "/bootstrap-server[address='10.0.0.1']/trust-anchor";
  for (const char* bad : {"YWI", "YW=I", "!!!!", "YWJj\\nZA==", "YWJj ZA==", "1234"}) {
    const std::string body = R"({"address":"10.0.0.1","trust-anchor":")" + std::string(bad) + "\"}";
    if (std::string_view(bad) == "1234") {
      EXPECT_TRUE(parseJson(redirectWith(body))) << "unpadded-looking but valid";
      continue;
    }
    EXPECT_TRUE(failsAt(parseJson(redirectWith(body)), CodecErrc::InvalidValue, path)) << bad;
  }
}

TEST(ConveyedInfoRedirect, UnknownAndForeignMembers) {
  const std::string entry = std::string(kRedirectPath) + "/bootstrap-server[address='x']";
  EXPECT_TRUE(failsAt(parseJson(redirectWith(R"({"address":"x","prot":1})")),
                      CodecErrc::UnknownNode, entry + "/prot"));
  EXPECT_TRUE(failsAt(parseJson(redirectWith(R"({"address":"x","ietf-voucher:port":1})")),
                      CodecErrc::UnknownNode, entry + "/ietf-voucher:port"));
  EXPECT_TRUE(failsAt(parseJson(redirectWith(R"({"address":"x","acme:port":1})")),
                      CodecErrc::UnknownNode, entry + "/acme:port"));
  // RFC 7951 §4 allows qualifying a member with its own module.
  auto own = parseJson(redirectWith(R"({"ietf-sztp-conveyed-info:address":"x",
                                        "ietf-sztp-conveyed-info:port":1})"));
  ASSERT_TRUE(own) << own.error().detail();
  EXPECT_EQ(std::get<RedirectInformation>(*own).bootstrapServers[0].port, 1);
}

TEST(ConveyedInfoRedirect, DuplicateMembers) {
  EXPECT_TRUE(failsWith(parseJson(redirectWith(R"({"address":"x","port":1,"port":2})")),
                        CodecErrc::DuplicateNode, "\"port\""));
  EXPECT_TRUE(failsAt(
      parseJson(redirectWith(R"({"port":1,"address":"x","ietf-sztp-conveyed-info:port":2})")),
      CodecErrc::DuplicateNode,
      std::string(kRedirectPath) + "/bootstrap-server[address='x']/port"));
}

TEST(ConveyedInfoOnboarding, HashAlgorithmIdentity) {
  const std::string entry = std::string(kOnboardingPath) + "/boot-image/image-verification";
  const auto doc = [](std::string_view algorithm) {
    return onboardingWith(R"("boot-image":{"download-uri":["https://a/b"],
        "image-verification":[{"hash-algorithm":)" +
                          std::string(algorithm) + R"(,"hash-value":"00:01"}]})");
  };
  EXPECT_TRUE(parseJson(doc(R"("sha-256")")));
  EXPECT_TRUE(parseJson(doc(R"("ietf-sztp-conveyed-info:sha-256")")));
  for (const char* bad :
       {R"("sha-512")", R"("ietf-voucher:sha-256")", R"("SHA-256")", R"(":sha-256")", "1"}) {
    EXPECT_TRUE(failsAt(parseJson(doc(bad)), CodecErrc::InvalidValue, entry + "[1]/hash-algorithm"))
        << bad;
  }
}

TEST(ConveyedInfoOnboarding, HashValueMandatoryHexString) {
  const std::string entry = std::string(kOnboardingPath) +
                            "/boot-image/image-verification[hash-algorithm='ietf-sztp-conveyed-"
                            "info:sha-256']";
  const auto doc = [](std::string_view fields) {
    return onboardingWith(R"("boot-image":{"download-uri":["https://a/b"],
        "image-verification":[{"hash-algorithm":"sha-256")" +
                          std::string(fields) + "}]}");
  };
  EXPECT_TRUE(failsAt(parseJson(doc("")), CodecErrc::MissingNode, entry + "/hash-value"));
  for (const char* bad : {R"("zz")", R"("0:01")", R"("00-01")", R"("0001")", "1"}) {
    EXPECT_TRUE(failsAt(parseJson(doc(std::string(",\"hash-value\":") + bad)),
                        CodecErrc::InvalidValue, entry + "/hash-value"))
        << bad;
  }
  EXPECT_TRUE(failsAt(parseJson(onboardingWith(R"("boot-image":{"download-uri":["https://a/b"],
        "image-verification":[{"hash-algorithm":"sha-256","hash-value":"01"},
                              {"hash-algorithm":"ietf-sztp-conveyed-info:sha-256","hash-value":"02"}]})")),
                      CodecErrc::DuplicateNode, entry));
  EXPECT_TRUE(failsAt(
      parseJson(onboardingWith(R"("boot-image":{"image-verification":[{"hash-value":"01"}]})")),
      CodecErrc::MissingNode,
      std::string(kOnboardingPath) + "/boot-image/image-verification[1]/hash-algorithm"));
}

TEST(ConveyedInfoOnboarding, ImageVerificationRequiresDownloadUri) {
  EXPECT_TRUE(failsAt(
      parseJson(onboardingWith(
          R"("boot-image":{"image-verification":[{"hash-algorithm":"sha-256","hash-value":"01"}]})")),
      CodecErrc::ConstraintViolation,
      std::string(kOnboardingPath) +
          "/boot-image/image-verification[hash-algorithm='ietf-sztp-conveyed-info:sha-256']"));
}

TEST(ConveyedInfoOnboarding, DownloadUriIsAnInetUriLeafList) {
  const std::string path = std::string(kOnboardingPath) + "/boot-image/download-uri";
  for (const char* bad : {R"("")", R"("no-scheme/path")", R"("http://a b/c")", R"("1http://a")",
                          R"(":x")", R"("http://a\tb")", "7"}) {
    EXPECT_TRUE(
        failsAt(parseJson(onboardingWith(R"("boot-image":{"download-uri":["https://ok/x",)" +
                                         std::string(bad) + "]}")),
                CodecErrc::InvalidValue, path + "[2]"))
        << bad;
  }
  EXPECT_TRUE(failsAt(parseJson(onboardingWith(R"("boot-image":{"download-uri":"https://a/b"})")),
                      CodecErrc::InvalidValue, path));
  EXPECT_TRUE(failsAt(parseJson(onboardingWith(R"("boot-image":[])")), CodecErrc::InvalidValue,
                      std::string(kOnboardingPath) + "/boot-image"));
}

TEST(ConveyedInfoOnboarding, ConfigurationHandlingIffConfiguration) {
  EXPECT_TRUE(failsAt(parseJson(onboardingWith(R"("configuration-handling":"merge")")),
                      CodecErrc::ConstraintViolation,
                      std::string(kOnboardingPath) + "/configuration-handling"));
  EXPECT_TRUE(failsAt(parseJson(onboardingWith(R"("configuration":"AAAA")")),
                      CodecErrc::ConstraintViolation,
                      std::string(kOnboardingPath) + "/configuration"));
  EXPECT_TRUE(failsAt(
      parseJson(onboardingWith(R"("configuration-handling":"overwrite","configuration":"AAAA")")),
      CodecErrc::InvalidValue, std::string(kOnboardingPath) + "/configuration-handling"));
  EXPECT_TRUE(failsAt(parseJson(onboardingWith(R"("pre-configuration-script":5)")),
                      CodecErrc::InvalidValue,
                      std::string(kOnboardingPath) + "/pre-configuration-script"));
  EXPECT_TRUE(failsAt(parseJson(onboardingWith(R"("os-name":"x")")), CodecErrc::UnknownNode,
                      std::string(kOnboardingPath) + "/os-name"));
}

TEST(ConveyedInfoOnboarding, StringsMustBeYangStrings) {
  EXPECT_TRUE(failsAt(parseJson(onboardingWith(R"("boot-image":{"os-name":"a\u0001b"})")),
                      CodecErrc::InvalidValue,
                      std::string(kOnboardingPath) + "/boot-image/os-name"));
  EXPECT_TRUE(failsAt(parseJson(onboardingWith(R"("boot-image":{"os-name":["x"]})")),
                      CodecErrc::InvalidValue,
                      std::string(kOnboardingPath) + "/boot-image/os-name"));
}

TEST(ConveyedInfoXml, NamespacesResolveWithPrefixesAndDefaults) {
  auto prefixed = parseXml(R"(<ci:redirect-information
      xmlns:ci="urn:ietf:params:xml:ns:yang:ietf-sztp-conveyed-info">
    <ci:bootstrap-server><ci:address>2001:db8::1</ci:address></ci:bootstrap-server>
  </ci:redirect-information>)");
  ASSERT_TRUE(prefixed) << prefixed.error().detail();
  EXPECT_EQ(std::get<RedirectInformation>(*prefixed).bootstrapServers[0].address, "2001:db8::1");

  EXPECT_TRUE(failsAt(parseXml(R"(<redirect-information xmlns="urn:example:wrong">
      <bootstrap-server><address>a</address></bootstrap-server></redirect-information>)"),
                      CodecErrc::UnknownNode, "/redirect-information"));
  EXPECT_TRUE(failsAt(parseXml(R"(<redirect-information>
      <bootstrap-server><address>a</address></bootstrap-server></redirect-information>)"),
                      CodecErrc::UnknownNode, "/redirect-information"));
  EXPECT_TRUE(failsAt(
      parseXml(R"(<redirect-information xmlns="urn:ietf:params:xml:ns:yang:ietf-sztp-conveyed-info">
      <bootstrap-server xmlns="urn:ietf:params:xml:ns:yang:ietf-voucher"><address>a</address></bootstrap-server>
      </redirect-information>)"),
      CodecErrc::UnknownNode, std::string(kRedirectPath) + "/ietf-voucher:bootstrap-server"));
  EXPECT_TRUE(failsAt(
      parseXml(R"(<redirect-information xmlns="urn:ietf:params:xml:ns:yang:ietf-sztp-conveyed-info">
      <bootstrap-server><address>a</address><port xmlns="urn:example:x">1</port></bootstrap-server>
      </redirect-information>)"),
      CodecErrc::UnknownNode, std::string(kRedirectPath) + "/bootstrap-server[address='a']/port"));
  EXPECT_TRUE(failsAt(parseXml(R"(<voucher xmlns="urn:ietf:params:xml:ns:yang:ietf-voucher"/>)"),
                      CodecErrc::UnexpectedDocument, "/ietf-voucher:voucher"));
  EXPECT_TRUE(failsWith(parseXml(R"(<x:redirect-information/>)"), CodecErrc::MalformedXml,
                        "unbound prefix"));
}

TEST(ConveyedInfoXml, IdentityrefQNames) {
  const auto doc = [](std::string_view algorithm) {
    return R"(<onboarding-information xmlns="urn:ietf:params:xml:ns:yang:ietf-sztp-conveyed-info">
      <boot-image><download-uri>https://a/b</download-uri>
      <image-verification>)" +
           std::string(algorithm) + R"(<hash-value>01</hash-value></image-verification>
      </boot-image></onboarding-information>)";
  };
  const char* good[] = {
      R"(<hash-algorithm xmlns:s="urn:ietf:params:xml:ns:yang:ietf-sztp-conveyed-info">s:sha-256</hash-algorithm>)",
      R"(<hash-algorithm>sha-256</hash-algorithm>)",
      R"(<hash-algorithm>ietf-sztp-conveyed-info:sha-256</hash-algorithm>)",
  };
  for (const char* algorithm : good) {
    auto r = parseXml(doc(algorithm));
    EXPECT_TRUE(r) << algorithm << ": " << r.error().detail();
  }
  const std::string path =
      std::string(kOnboardingPath) + "/boot-image/image-verification[1]/hash-algorithm";
  const char* bad[] = {
      R"(<hash-algorithm xmlns:s="urn:ietf:params:xml:ns:yang:ietf-voucher">s:sha-256</hash-algorithm>)",
      R"(<hash-algorithm>nope:sha-256</hash-algorithm>)",
      R"(<hash-algorithm>sha-512</hash-algorithm>)",
      R"(<hash-algorithm> sha-256</hash-algorithm>)",
  };
  for (const char* algorithm : bad) {
    EXPECT_TRUE(failsAt(parseXml(doc(algorithm)), CodecErrc::InvalidValue, path)) << algorithm;
  }
}

TEST(ConveyedInfoXml, LeafValues) {
  const auto doc = [](std::string_view entry) {
    return R"(<redirect-information xmlns="urn:ietf:params:xml:ns:yang:ietf-sztp-conveyed-info">
      <bootstrap-server><address>h</address>)" +
           std::string(entry) + "</bootstrap-server></redirect-information>";
  };
  const std::string entry = std::string(kRedirectPath) + "/bootstrap-server[address='h']";
  auto wrapped = parseXml(doc("<trust-anchor>\n  YWJj\n  ZA==\n</trust-anchor><port>+0443</port>"));
  ASSERT_TRUE(wrapped) << wrapped.error().detail();
  const auto& server = std::get<RedirectInformation>(*wrapped).bootstrapServers[0];
  EXPECT_EQ(server.trustAnchor, toBytes("abcd"));
  EXPECT_EQ(server.port, 443);
  for (const char* bad : {"<port>0x1BB</port>", "<port> 443</port>", "<port>-1</port>",
                          "<port>65536</port>", "<port/>", "<port><x/></port>"}) {
    EXPECT_TRUE(failsAt(parseXml(doc(bad)), CodecErrc::InvalidValue, entry + "/port")) << bad;
  }
  EXPECT_TRUE(failsAt(parseXml(doc("<port>1</port><port>2</port>")), CodecErrc::DuplicateNode,
                      entry + "/port"));
  EXPECT_TRUE(failsAt(parseXml(doc(R"(<port kind="x">1</port>)")), CodecErrc::UnknownNode,
                      entry + "/port"));
  EXPECT_TRUE(failsAt(parseXml(doc("stray text")), CodecErrc::InvalidValue, entry));
  EXPECT_TRUE(failsAt(parseXml(doc("<address>h</address>")), CodecErrc::DuplicateNode,
                      std::string(kRedirectPath) + "/bootstrap-server[1]/address"));
}

}  // namespace
}  // namespace sztp::model
