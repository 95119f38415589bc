#include "model/bootstrap_rpc.h"

#include <gtest/gtest.h>

#include "common/base64.h"
#include "model/tests/test_util.h"

namespace sztp::model {
namespace {

using testing::expectRoundTrip;
using testing::failsAt;
using testing::failsWith;
using testing::kEncodings;

constexpr const char* kInputPath = "/ietf-sztp-bootstrap-server:input";
constexpr const char* kOutputPath = "/ietf-sztp-bootstrap-server:output";

// RFC 8572 §7.2: the untrusted request and reply.
constexpr const char* kUntrustedRequest = R"(<input
  xmlns="urn:ietf:params:xml:ns:yang:ietf-sztp-bootstrap-server">
  <signed-data-preferred/>
</input>)";
constexpr const char* kUntrustedReply = R"(<output
  xmlns="urn:ietf:params:xml:ns:yang:ietf-sztp-bootstrap-server">
  <conveyed-information>base64encodedvalue==</conveyed-information>
  <owner-certificate>base64encodedvalue==</owner-certificate>
  <ownership-voucher>base64encodedvalue==</ownership-voucher>
</output>)";
// RFC 8572 §7.2: the trusted request and reply.
constexpr const char* kTrustedRequest = R"(<input
  xmlns="urn:ietf:params:xml:ns:yang:ietf-sztp-bootstrap-server">
  <hw-model>model-x</hw-model>
  <os-name>vendor-os</os-name>
  <os-version>17.3R2.1</os-version>
  <nonce>extralongbase64encodedvalue=</nonce>
</input>)";
constexpr const char* kTrustedReply = R"(<output
  xmlns="urn:ietf:params:xml:ns:yang:ietf-sztp-bootstrap-server">
  <reporting-level>verbose</reporting-level>
  <conveyed-information>base64encodedvalue==</conveyed-information>
</output>)";
// RFC 8572 §7.2: the bootstrap-complete progress report.
constexpr const char* kProgressReport = R"(<input
  xmlns="urn:ietf:params:xml:ns:yang:ietf-sztp-bootstrap-server">
  <progress-type>bootstrap-complete</progress-type>
  <message>example message</message>
  <ssh-host-keys>
    <ssh-host-key>
      <algorithm>ssh-rsa</algorithm>
      <key-data>base64encodedvalue==</key-data>
    </ssh-host-key>
    <ssh-host-key>
      <algorithm>rsa-sha2-256</algorithm>
      <key-data>base64encodedvalue==</key-data>
    </ssh-host-key>
  </ssh-host-keys>
  <trust-anchor-certs>
    <trust-anchor-cert>base64encodedvalue==</trust-anchor-cert>
  </trust-anchor-certs>
</input>)";
// RFC 9646 §2.2: get-bootstrapping-data with csr-support.
constexpr const char* kCsrSupportRequest = R"({
  "ietf-sztp-bootstrap-server:input" : {
    "hw-model": "model-x",
    "os-name": "vendor-os",
    "os-version": "17.3R2.1",
    "nonce": "extralongbase64encodedvalue=",
    "ietf-sztp-csr:csr-support": {
      "key-generation": {
        "supported-algorithms": {
          "algorithm-identifier": [
            "BASE64VALUE1",
            "BASE64VALUE2",
            "BASE64VALUE3"
          ]
        }
      },
      "csr-generation": {
        "supported-formats": {
          "format-identifier": [
            "ietf-ztp-types:p10-csr",
            "ietf-ztp-types:cmc-csr",
            "ietf-ztp-types:cmp-csr"
          ]
        }
      }
    }
  }
})";

Result<GetBootstrappingDataInput> gbdJson(std::string_view text) {
  return parseGetBootstrappingDataInput(text, Encoding::Json);
}

std::string inputWith(std::string_view members) {
  return R"({"ietf-sztp-bootstrap-server:input":{)" + std::string(members) + "}}";
}

Bytes placeholder() {
  auto bytes = base64Decode("base64encodedvaluQ==");
  return bytes.ok() ? *bytes : Bytes{};
}

TEST(BootstrapRpcGolden, UntrustedExchange) {
  auto request = parseGetBootstrappingDataInput(kUntrustedRequest, Encoding::Xml);
  ASSERT_TRUE(request) << request.error().detail();
  EXPECT_TRUE(request->signedDataPreferred);
  EXPECT_FALSE(request->nonce);
  auto reply = parseGetBootstrappingDataOutput(kUntrustedReply, Encoding::Xml);
  ASSERT_TRUE(reply) << reply.error().detail();
  EXPECT_EQ(reply->conveyedInformation, placeholder());
  EXPECT_EQ(reply->ownerCertificate, placeholder());
  EXPECT_EQ(reply->ownershipVoucher, placeholder());
  EXPECT_FALSE(reply->reportingLevel);
  for (const auto encoding : kEncodings) {
    expectRoundTrip(*request, encoding, encodeGetBootstrappingDataInput,
                    parseGetBootstrappingDataInput);
    expectRoundTrip(*reply, encoding, encodeGetBootstrappingDataOutput,
                    parseGetBootstrappingDataOutput);
  }
}

TEST(BootstrapRpcGolden, TrustedExchange) {
  auto request = parseGetBootstrappingDataInput(kTrustedRequest, Encoding::Xml);
  ASSERT_TRUE(request) << request.error().detail();
  EXPECT_EQ(request->hwModel, "model-x");
  EXPECT_EQ(request->osName, "vendor-os");
  EXPECT_EQ(request->osVersion, "17.3R2.1");
  EXPECT_EQ(request->nonce->size(), 20u);
  auto reply = parseGetBootstrappingDataOutput(kTrustedReply, Encoding::Xml);
  ASSERT_TRUE(reply) << reply.error().detail();
  EXPECT_EQ(reply->reportingLevel, ReportingLevel::Verbose);
  EXPECT_FALSE(reply->ownerCertificate);
  for (const auto encoding : kEncodings) {
    expectRoundTrip(*request, encoding, encodeGetBootstrappingDataInput,
                    parseGetBootstrappingDataInput);
    expectRoundTrip(*reply, encoding, encodeGetBootstrappingDataOutput,
                    parseGetBootstrappingDataOutput);
  }
}

TEST(BootstrapRpcGolden, ProgressReport) {
  auto report = parseReportProgressInput(kProgressReport, Encoding::Xml);
  ASSERT_TRUE(report) << report.error().detail();
  EXPECT_EQ(report->progressType, ProgressType::BootstrapComplete);
  EXPECT_EQ(report->message, "example message");
  ASSERT_EQ(report->sshHostKeys.size(), 2u);
  EXPECT_EQ(report->sshHostKeys[1].algorithm, "rsa-sha2-256");
  EXPECT_EQ(report->sshHostKeys[0].keyData, placeholder());
  ASSERT_EQ(report->trustAnchorCerts.size(), 1u);
  for (const auto encoding : kEncodings) {
    expectRoundTrip(*report, encoding, encodeReportProgressInput, parseReportProgressInput);
  }
}

TEST(BootstrapRpcGolden, Rfc9646CsrSupport) {
  auto request = gbdJson(kCsrSupportRequest);
  ASSERT_TRUE(request) << request.error().detail();
  ASSERT_TRUE(request->csrSupport);
  ASSERT_TRUE(request->csrSupport->keyGenerationAlgorithms);
  EXPECT_EQ(request->csrSupport->keyGenerationAlgorithms->size(), 3u);
  EXPECT_EQ(request->csrSupport->supportedFormats,
            (std::vector<std::string>{"ietf-ztp-types:p10-csr", "ietf-ztp-types:cmc-csr",
                                      "ietf-ztp-types:cmp-csr"}));
  for (const auto encoding : kEncodings) {
    expectRoundTrip(*request, encoding, encodeGetBootstrappingDataInput,
                    parseGetBootstrappingDataInput);
  }
  const auto xml = encodeGetBootstrappingDataInput(*request, Encoding::Xml);
  EXPECT_NE(xml.find(R"(<csr-support xmlns="urn:ietf:params:xml:ns:yang:ietf-sztp-csr">)"),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find(R"(xmlns:zt="urn:ietf:params:xml:ns:yang:ietf-ztp-types">zt:cmc-csr<)"),
            std::string::npos)
      << xml;
}

TEST(BootstrapRpcGolden, CanonicalJsonInput) {
  GetBootstrappingDataInput input;
  input.signedDataPreferred = true;
  input.csr = CsrMessage{CsrMessage::Format::P10, Bytes{0x30}};
  EXPECT_EQ(encodeGetBootstrappingDataInput(input, Encoding::Json), R"({
  "ietf-sztp-bootstrap-server:input": {
    "signed-data-preferred": [
      null
    ],
    "ietf-sztp-csr:p10-csr": "MA=="
  }
}
)");
}

TEST(GetBootstrappingDataInput, EmptyBodiesAreNoParameters) {
  for (const char* text : {"", "  \r\n", "{}", R"({"ietf-sztp-bootstrap-server:input":{}})"}) {
    auto r = gbdJson(text);
    ASSERT_TRUE(r) << text << ": " << r.error().detail();
    EXPECT_EQ(*r, GetBootstrappingDataInput{});
  }
  auto xml = parseGetBootstrappingDataInput(
      R"(<input xmlns="urn:ietf:params:xml:ns:yang:ietf-sztp-bootstrap-server"/>)", Encoding::Xml);
  ASSERT_TRUE(xml) << xml.error().detail();
  EXPECT_EQ(*xml, GetBootstrappingDataInput{});
  EXPECT_TRUE(parseGetBootstrappingDataInput("\n", Encoding::Xml));
}

TEST(GetBootstrappingDataInput, RoundTripAllAndNone) {
  GetBootstrappingDataInput full;
  full.signedDataPreferred = true;
  full.hwModel = "model-x";
  full.osName = "vendor-os";
  full.osVersion = "17.3R2.1";
  full.nonce = Bytes(32, 0x5A);
  full.csrSupport = CsrSupport{std::vector<Bytes>{Bytes{0x30, 0x05}}, {"ietf-ztp-types:p10-csr"}};
  GetBootstrappingDataInput withCsr = full;
  withCsr.csrSupport.reset();
  withCsr.csr = CsrMessage{CsrMessage::Format::Cmp, Bytes(100, 0x30)};
  GetBootstrappingDataInput noKeyGeneration;
  noKeyGeneration.csrSupport = CsrSupport{std::nullopt, {"ietf-ztp-types:cmc-csr"}};
  for (const auto encoding : kEncodings) {
    expectRoundTrip(GetBootstrappingDataInput{}, encoding, encodeGetBootstrappingDataInput,
                    parseGetBootstrappingDataInput);
    expectRoundTrip(full, encoding, encodeGetBootstrappingDataInput,
                    parseGetBootstrappingDataInput);
    expectRoundTrip(withCsr, encoding, encodeGetBootstrappingDataInput,
                    parseGetBootstrappingDataInput);
    expectRoundTrip(noKeyGeneration, encoding, encodeGetBootstrappingDataInput,
                    parseGetBootstrappingDataInput);
  }
}

TEST(GetBootstrappingDataInput, UntrustedConnectionIsThePreRfcName) {
  const auto r = gbdJson(inputWith(R"("untrusted-connection":[null])"));
  EXPECT_TRUE(
      failsAt(r, CodecErrc::UnknownNode, std::string(kInputPath) + "/untrusted-connection"));
  EXPECT_TRUE(failsWith(r, CodecErrc::UnknownNode, "signed-data-preferred"));
  EXPECT_TRUE(failsAt(parseGetBootstrappingDataInput(
                          R"(<input xmlns="urn:ietf:params:xml:ns:yang:ietf-sztp-bootstrap-server">
                             <untrusted-connection/></input>)",
                          Encoding::Xml),
                      CodecErrc::UnknownNode, std::string(kInputPath) + "/untrusted-connection"));
}

TEST(GetBootstrappingDataInput, EmptyLeafEncoding) {
  const std::string path = std::string(kInputPath) + "/signed-data-preferred";
  for (const char* bad : {"true", "null", "[]", "[null,null]", R"("")", "{}", "[0]"}) {
    EXPECT_TRUE(failsAt(gbdJson(inputWith(std::string(R"("signed-data-preferred":)") + bad)),
                        CodecErrc::InvalidValue, path))
        << bad;
  }
  EXPECT_TRUE(failsAt(parseGetBootstrappingDataInput(
                          R"(<input xmlns="urn:ietf:params:xml:ns:yang:ietf-sztp-bootstrap-server">
                             <signed-data-preferred>true</signed-data-preferred></input>)",
                          Encoding::Xml),
                      CodecErrc::InvalidValue, path));
}

TEST(GetBootstrappingDataInput, NonceLengthAndStrings) {
  EXPECT_TRUE(failsAt(gbdJson(inputWith(R"("nonce":"AAAAAAAAAAAAAAAAAAAA")")),  // 15 octets
                      CodecErrc::InvalidValue, std::string(kInputPath) + "/nonce"));
  EXPECT_TRUE(failsAt(gbdJson(inputWith(R"("nonce":")" + std::string(44, 'A') + "\"")),
                      CodecErrc::InvalidValue, std::string(kInputPath) + "/nonce"));
  EXPECT_TRUE(gbdJson(inputWith(R"("nonce":"AAAAAAAAAAAAAAAAAAAAAA==")")));  // 16 octets
  EXPECT_TRUE(failsAt(gbdJson(inputWith(R"("hw-model":7)")), CodecErrc::InvalidValue,
                      std::string(kInputPath) + "/hw-model"));
  EXPECT_TRUE(failsAt(gbdJson(inputWith(R"("os-name":"a","bogus":1)")), CodecErrc::UnknownNode,
                      std::string(kInputPath) + "/bogus"));
  EXPECT_TRUE(failsAt(gbdJson(R"({"ietf-sztp-bootstrap-server:output":{}})"),
                      CodecErrc::UnknownNode, kOutputPath));
}

TEST(GetBootstrappingDataInput, CsrChoice) {
  const std::string csr = std::string(kInputPath) + "/ietf-sztp-csr:";
  const std::string support =
      R"("ietf-sztp-csr:csr-support":{"csr-generation":{"supported-formats":{"format-identifier":["ietf-ztp-types:p10-csr"]}}})";
  EXPECT_TRUE(gbdJson(inputWith(support)));
  EXPECT_TRUE(failsAt(gbdJson(inputWith(support + R"(,"ietf-sztp-csr:p10-csr":"MA==")")),
                      CodecErrc::ConstraintViolation, csr + "p10-csr"));
  EXPECT_TRUE(failsAt(
      gbdJson(inputWith(R"("ietf-sztp-csr:p10-csr":"MA==","ietf-sztp-csr:cmc-csr":"MA==")")),
      CodecErrc::ConstraintViolation, csr + "cmc-csr"));
  EXPECT_TRUE(failsAt(gbdJson(inputWith(R"("ietf-sztp-csr:cmp-csr":"MA")")),
                      CodecErrc::InvalidValue, csr + "cmp-csr"));
  // The augmenting nodes must carry their own module's qualifier.
  EXPECT_TRUE(failsAt(gbdJson(inputWith(R"("p10-csr":"MA==")")), CodecErrc::UnknownNode,
                      std::string(kInputPath) + "/p10-csr"));
  EXPECT_TRUE(failsAt(gbdJson(inputWith(R"("ietf-ztp-types:p10-csr":"MA==")")),
                      CodecErrc::UnknownNode, std::string(kInputPath) + "/ietf-ztp-types:p10-csr"));
}

TEST(GetBootstrappingDataInput, CsrSupportContents) {
  const std::string support = std::string(kInputPath) + "/ietf-sztp-csr:csr-support";
  const auto doc = [](std::string_view body) {
    return inputWith(R"("ietf-sztp-csr:csr-support":{)" + std::string(body) + "}");
  };
  const std::string formats =
      R"("csr-generation":{"supported-formats":{"format-identifier":["ietf-ztp-types:p10-csr"]}})";
  EXPECT_TRUE(failsAt(gbdJson(doc("")), CodecErrc::ConstraintViolation,
                      support + "/csr-generation/supported-formats/format-identifier"));
  EXPECT_TRUE(failsAt(gbdJson(doc(R"("key-generation":{},)" + formats)),
                      CodecErrc::ConstraintViolation,
                      support + "/key-generation/supported-algorithms/algorithm-identifier"));
  for (const char* bad :
       {R"("p10-csr")", R"("ietf-ztp-types:x509-csr")", R"("ietf-sztp-csr:p10-csr")", "1"}) {
    EXPECT_TRUE(
        failsAt(gbdJson(doc(R"("csr-generation":{"supported-formats":{"format-identifier":[)" +
                            std::string(bad) + "]}}")),
                CodecErrc::InvalidValue,
                support + "/csr-generation/supported-formats/format-identifier[1]"))
        << bad;
  }
  EXPECT_TRUE(
      failsAt(gbdJson(doc(formats + R"(,"extra":1)")), CodecErrc::UnknownNode, support + "/extra"));
  EXPECT_TRUE(failsAt(
      gbdJson(doc(R"("key-generation":{"supported-algorithms":{"algorithm-identifier":["A"]}},)" +
                  formats)),
      CodecErrc::InvalidValue,
      support + "/key-generation/supported-algorithms/algorithm-identifier[1]"));
}

TEST(GetBootstrappingDataInput, CsrXmlNamespaces) {
  const char* good = R"(<input xmlns="urn:ietf:params:xml:ns:yang:ietf-sztp-bootstrap-server"
      xmlns:zt="urn:ietf:params:xml:ns:yang:ietf-ztp-types">
    <csr-support xmlns="urn:ietf:params:xml:ns:yang:ietf-sztp-csr">
      <csr-generation><supported-formats>
        <format-identifier>zt:p10-csr</format-identifier>
        <format-identifier>ietf-ztp-types:cmp-csr</format-identifier>
      </supported-formats></csr-generation>
    </csr-support>
  </input>)";
  auto parsed = parseGetBootstrappingDataInput(good, Encoding::Xml);
  ASSERT_TRUE(parsed) << parsed.error().detail();
  EXPECT_EQ(parsed->csrSupport->supportedFormats,
            (std::vector<std::string>{"ietf-ztp-types:p10-csr", "ietf-ztp-types:cmp-csr"}));
  EXPECT_TRUE(failsAt(parseGetBootstrappingDataInput(
                          R"(<input xmlns="urn:ietf:params:xml:ns:yang:ietf-sztp-bootstrap-server">
                               <p10-csr>MA==</p10-csr></input>)",
                          Encoding::Xml),
                      CodecErrc::UnknownNode, std::string(kInputPath) + "/p10-csr"));
}

TEST(GetBootstrappingDataOutput, Rules) {
  const auto outputWith = [](std::string_view members) {
    return R"({"ietf-sztp-bootstrap-server:output":{)" + std::string(members) + "}}";
  };
  const auto parse = [](const std::string& text) {
    return parseGetBootstrappingDataOutput(text, Encoding::Json);
  };
  EXPECT_TRUE(failsAt(parse(outputWith(R"("reporting-level":"verbose")")), CodecErrc::MissingNode,
                      std::string(kOutputPath) + "/conveyed-information"));
  EXPECT_TRUE(failsAt(parse(""), CodecErrc::MissingNode,
                      std::string(kOutputPath) + "/conveyed-information"));
  EXPECT_TRUE(
      failsAt(parse(outputWith(R"("conveyed-information":"MA==","owner-certificate":"MA==")")),
              CodecErrc::ConstraintViolation, std::string(kOutputPath) + "/owner-certificate"));
  EXPECT_TRUE(
      failsAt(parse(outputWith(R"("conveyed-information":"MA==","ownership-voucher":"MA==")")),
              CodecErrc::ConstraintViolation, std::string(kOutputPath) + "/ownership-voucher"));
  EXPECT_TRUE(
      failsAt(parse(outputWith(R"("conveyed-information":"MA==","reporting-level":"chatty")")),
              CodecErrc::InvalidValue, std::string(kOutputPath) + "/reporting-level"));
  EXPECT_TRUE(failsAt(parse(R"({"ietf-sztp-bootstrap-server:input":{}})"), CodecErrc::UnknownNode,
                      kInputPath));

  GetBootstrappingDataOutput minimal;
  minimal.conveyedInformation = Bytes{0x30, 0x00};
  GetBootstrappingDataOutput full = minimal;
  full.reportingLevel = ReportingLevel::Minimal;
  full.ownerCertificate = Bytes(500, 1);
  full.ownershipVoucher = Bytes(7, 2);
  for (const auto encoding : kEncodings) {
    expectRoundTrip(minimal, encoding, encodeGetBootstrappingDataOutput,
                    parseGetBootstrappingDataOutput);
    expectRoundTrip(full, encoding, encodeGetBootstrappingDataOutput,
                    parseGetBootstrappingDataOutput);
  }
}

TEST(ReportProgressInput, EveryProgressTypeRoundTrips) {
  for (int i = 0; i < kProgressTypeCount; ++i) {
    ReportProgressInput input;
    input.progressType = static_cast<ProgressType>(i);
    EXPECT_EQ(progressTypeFromName(progressTypeName(input.progressType)), input.progressType);
    for (const auto encoding : kEncodings) {
      expectRoundTrip(input, encoding, encodeReportProgressInput, parseReportProgressInput);
    }
  }
  EXPECT_EQ(progressTypeName(ProgressType::BootImageInstalledRebooting),
            "boot-image-installed-rebooting");
  EXPECT_EQ(progressTypeName(ProgressType::Informational), "informational");
  EXPECT_EQ(progressTypeName(ProgressType::BootstrapInitiated), "bootstrap-initiated");
  EXPECT_FALSE(progressTypeFromName("bootstrap-done"));
}

TEST(ReportProgressInput, TerminatingTypes) {
  int terminating = 0;
  for (int i = 0; i < kProgressTypeCount; ++i) {
    const auto type = static_cast<ProgressType>(i);
    const std::string name(progressTypeName(type));
    const bool expected = name.ends_with("-error") || name == "boot-image-installed-rebooting" ||
                          name == "bootstrap-complete";
    EXPECT_EQ(isTerminating(type), expected) << name;
    terminating += expected ? 1 : 0;
  }
  EXPECT_EQ(terminating, 8);
}

TEST(ReportProgressInput, RoundTripFull) {
  ReportProgressInput input;
  input.progressType = ProgressType::BootstrapComplete;
  input.message = "line one\nline two <&>";
  input.sshHostKeys = {{"ssh-ed25519", Bytes(51, 3)}, {"ecdsa-sha2-nistp256", Bytes{}}};
  input.trustAnchorCerts = {Bytes(10, 4), Bytes(11, 5)};
  for (const auto encoding : kEncodings) {
    expectRoundTrip(input, encoding, encodeReportProgressInput, parseReportProgressInput);
  }
}

TEST(ReportProgressInput, Rules) {
  const auto parse = [](const std::string& text) {
    return parseReportProgressInput(text, Encoding::Json);
  };
  const std::string type = std::string(kInputPath) + "/progress-type";
  EXPECT_TRUE(failsAt(parse(""), CodecErrc::MissingNode, type));
  EXPECT_TRUE(failsAt(parse("{}"), CodecErrc::MissingNode, type));
  EXPECT_TRUE(failsAt(parse(inputWith(R"("message":"m")")), CodecErrc::MissingNode, type));
  EXPECT_TRUE(failsAt(parse(inputWith(R"("progress-type":"bootstrap-done")")),
                      CodecErrc::InvalidValue, type));
  EXPECT_TRUE(failsAt(parse(inputWith(R"("progress-type":3)")), CodecErrc::InvalidValue, type));
  // D55: the containers exist only with bootstrap-complete.
  EXPECT_TRUE(failsAt(
      parse(inputWith(
          R"("progress-type":"config-complete","ssh-host-keys":{"ssh-host-key":[{"algorithm":"ssh-rsa","key-data":"MA=="}]})")),
      CodecErrc::ConstraintViolation, std::string(kInputPath) + "/ssh-host-keys"));
  EXPECT_TRUE(failsAt(
      parse(inputWith(
          R"("progress-type":"informational","trust-anchor-certs":{"trust-anchor-cert":["MA=="]})")),
      CodecErrc::ConstraintViolation, std::string(kInputPath) + "/trust-anchor-certs"));
  const std::string key = std::string(kInputPath) + "/ssh-host-keys/ssh-host-key[1]";
  EXPECT_TRUE(failsAt(
      parse(inputWith(
          R"("progress-type":"bootstrap-complete","ssh-host-keys":{"ssh-host-key":[{"key-data":"MA=="}]})")),
      CodecErrc::MissingNode, key + "/algorithm"));
  EXPECT_TRUE(failsAt(
      parse(inputWith(
          R"("progress-type":"bootstrap-complete","ssh-host-keys":{"ssh-host-key":[{"algorithm":"ssh-rsa"}]})")),
      CodecErrc::MissingNode, key + "/key-data"));
  EXPECT_TRUE(failsAt(
      parse(inputWith(
          R"("progress-type":"bootstrap-complete","trust-anchor-certs":{"trust-anchor-cert":["MA==","M"]})")),
      CodecErrc::InvalidValue,
      std::string(kInputPath) + "/trust-anchor-certs/trust-anchor-cert[2]"));
  EXPECT_TRUE(failsAt(
      parse(inputWith(
          R"("progress-type":"bootstrap-complete","ssh-host-keys":{"ssh-host-key":{"algorithm":"a","key-data":"MA=="}})")),
      CodecErrc::InvalidValue, std::string(kInputPath) + "/ssh-host-keys/ssh-host-key"));
  EXPECT_TRUE(failsAt(parseReportProgressInput(
                          R"(<input xmlns="urn:ietf:params:xml:ns:yang:ietf-sztp-bootstrap-server">
                             <progress-type>config-error</progress-type><trust-anchor-certs/></input>)",
                          Encoding::Xml),
                      CodecErrc::ConstraintViolation,
                      std::string(kInputPath) + "/trust-anchor-certs"));
}

TEST(ReportProgressInput, EncoderOmitsEmptyContainers) {
  ReportProgressInput input;
  input.progressType = ProgressType::BootstrapComplete;
  const auto json = encodeReportProgressInput(input, Encoding::Json);
  EXPECT_EQ(json.find("ssh-host-keys"), std::string::npos) << json;
  EXPECT_EQ(json.find("trust-anchor-certs"), std::string::npos) << json;
  EXPECT_EQ(reportingLevelName(ReportingLevel::Verbose), "verbose");
}

// RFC 9646 §3.2: the csr-request a server sends as error-info (S19, S20).
constexpr const char* kCsrRequestJson = R"({
  "ietf-sztp-csr:csr-request": {
    "key-generation": {
      "selected-algorithm": {
        "algorithm-identifier": "BASE64VALUE="
      }
    },
    "csr-generation": {
      "selected-format": {
        "format-identifier": "ietf-ztp-types:p10-csr"
      }
    },
    "cert-req-info": "BASE64VALUE="
  }
})";

TEST(CsrRequest, Rfc9646ExampleRoundTripsInBothEncodings) {
  auto request = parseCsrRequest(kCsrRequestJson, Encoding::Json);
  ASSERT_TRUE(request.ok()) << request.error().describe();
  EXPECT_TRUE(request->keyGenerationAlgorithm);
  EXPECT_EQ(request->format, "ietf-ztp-types:p10-csr");
  EXPECT_TRUE(request->certReqInfo);
  for (const auto encoding : {Encoding::Json, Encoding::Xml}) {
    const std::string text = encodeCsrRequest(*request, encoding);
    auto again = parseCsrRequest(text, encoding);
    ASSERT_TRUE(again.ok()) << again.error().describe() << "\n" << text;
    EXPECT_EQ(*again, *request);
  }
  const std::string xml = encodeCsrRequest(*request, Encoding::Xml);
  EXPECT_NE(xml.find("<csr-request xmlns=\"urn:ietf:params:xml:ns:yang:ietf-sztp-csr\">"),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("xmlns:zt=\"urn:ietf:params:xml:ns:yang:ietf-ztp-types\">zt:p10-csr<"),
            std::string::npos)
      << xml;
}

TEST(CsrRequest, WithoutKeyGenerationAndRules) {
  CsrRequest request;  // the IDevID key, p10-csr, no cert-req-info
  const std::string json = encodeCsrRequest(request, Encoding::Json);
  EXPECT_EQ(json.find("key-generation"), std::string::npos) << json;
  auto parsed = parseCsrRequest(json, Encoding::Json);
  ASSERT_TRUE(parsed.ok()) << parsed.error().describe();
  EXPECT_EQ(*parsed, request);
  // The format is mandatory, and a certificate-request-format identity.
  EXPECT_EQ(parseCsrRequest(R"({"ietf-sztp-csr:csr-request":{}})", Encoding::Json).error(),
            CodecErrc::MissingNode);
  EXPECT_EQ(
      parseCsrRequest(
          R"({"ietf-sztp-csr:csr-request":{"csr-generation":{"selected-format":{"format-identifier":"ietf-ztp-types:x509"}}}})",
          Encoding::Json)
          .error(),
      CodecErrc::InvalidValue);
  EXPECT_EQ(
      parseCsrRequest(
          R"({"ietf-sztp-csr:csr-request":{"key-generation":{},"csr-generation":{"selected-format":{"format-identifier":"ietf-ztp-types:p10-csr"}}}})",
          Encoding::Json)
          .error(),
      CodecErrc::MissingNode);
  EXPECT_FALSE(parseCsrRequest(R"({"other:thing":{}})", Encoding::Json).ok());
}

}  // namespace
}  // namespace sztp::model
