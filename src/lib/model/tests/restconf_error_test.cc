#include "model/restconf_error.h"

#include <gtest/gtest.h>

#include "model/tests/test_util.h"

namespace sztp::model {
namespace {

using testing::expectRoundTrip;
using testing::failsAt;
using testing::kEncodings;

// RFC 9646 §2.2 style reply: missing-attribute with a csr-request in error-info.
constexpr const char* kCsrRequestErrors = R"({
  "ietf-restconf:errors" : {
    "error" : [
      {
        "error-type": "application",
        "error-tag": "missing-attribute",
        "error-message": "Missing input parameter",
        "error-info": {
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
        }
      }
    ]
  }
})";

constexpr const char* kXmlErrors = R"(<errors xmlns="urn:ietf:params:xml:ns:yang:ietf-restconf"
    xmlns:x="urn:example:extra">
  <error>
    <error-type>protocol</error-type>
    <error-tag>invalid-value</error-tag>
    <error-app-tag>too-short</error-app-tag>
    <error-path xmlns:s="urn:ietf:params:xml:ns:yang:ietf-sztp-bootstrap-server">/s:input/s:nonce</error-path>
    <error-message>nonce is 8 octets</error-message>
    <error-info><x:detail a='1'>a &amp; b<x:deeper/></x:detail><plain>t&#13;</plain></error-info>
  </error>
  <error>
    <error-type>transport</error-type>
    <error-tag>access-denied</error-tag>
  </error>
</errors>)";

Result<RestconfErrors> parseJson(std::string_view text) {
  return parseRestconfErrors(text, Encoding::Json);
}

TEST(RestconfErrors, CsrRequestExampleKeepsErrorInfo) {
  auto parsed = parseJson(kCsrRequestErrors);
  ASSERT_TRUE(parsed) << parsed.error().detail();
  ASSERT_EQ(parsed->errors.size(), 1u);
  const auto& error = parsed->errors[0];
  EXPECT_EQ(error.errorType, "application");
  EXPECT_EQ(error.errorTag, "missing-attribute");
  ASSERT_TRUE(error.errorInfo);
  EXPECT_EQ(error.errorInfo->rfind(R"({"ietf-sztp-csr:csr-request":{"key-generation")", 0), 0u)
      << *error.errorInfo;
  expectRoundTrip(*parsed, Encoding::Json, encodeRestconfErrors, parseRestconfErrors);
  // A JSON error-info holds no XML elements: the XML encoder leaves it out.
  const auto xml = encodeRestconfErrors(*parsed, Encoding::Xml);
  EXPECT_EQ(xml.find("error-info"), std::string::npos) << xml;
  EXPECT_TRUE(parseRestconfErrors(xml, Encoding::Xml));
}

TEST(RestconfErrors, XmlErrorInfoIsCanonicalAndSelfContained) {
  auto parsed = parseRestconfErrors(kXmlErrors, Encoding::Xml);
  ASSERT_TRUE(parsed) << parsed.error().detail();
  ASSERT_EQ(parsed->errors.size(), 2u);
  // Prefixes bound to known modules become module names, kept in RFC 7951
  // form; the XML encoder qualifies every name again and declares them.
  EXPECT_EQ(parsed->errors[0].errorPath, "/ietf-sztp-bootstrap-server:input/nonce");
  const auto xml = encodeRestconfErrors(*parsed, Encoding::Xml);
  EXPECT_NE(
      xml.find(
          R"(<error-path xmlns:ietf-sztp-bootstrap-server="urn:ietf:params:xml:ns:yang:ietf-sztp-bootstrap-server">)"),
      std::string::npos)
      << xml;
  EXPECT_EQ(
      *parsed->errors[0].errorInfo,
      R"(<x:detail a="1" xmlns="urn:ietf:params:xml:ns:yang:ietf-restconf" xmlns:x="urn:example:extra">a &amp; b<x:deeper/></x:detail>)"
      R"(<plain xmlns="urn:ietf:params:xml:ns:yang:ietf-restconf" xmlns:x="urn:example:extra">t&#13;</plain>)");
  EXPECT_FALSE(parsed->errors[1].errorInfo);
  expectRoundTrip(*parsed, Encoding::Xml, encodeRestconfErrors, parseRestconfErrors);
}

TEST(RestconfErrors, RoundTripMinimalAndFull) {
  RestconfErrors minimal{{RestconfError{"rpc", "operation-failed", {}, {}, {}, {}}}};
  RestconfErrors json{{RestconfError{"application", "data-missing", "app", "/a:b", "msg",
                                     R"({"a":{"b":[1,2.5,"x",null,true]}})"}}};
  RestconfErrors xml{{RestconfError{"protocol", "in-use", "app", "/a:b", "m",
                                    R"(<info xmlns="urn:x">text</info>)"}}};
  for (const auto encoding : kEncodings) {
    expectRoundTrip(minimal, encoding, encodeRestconfErrors, parseRestconfErrors);
  }
  expectRoundTrip(json, Encoding::Json, encodeRestconfErrors, parseRestconfErrors);
  expectRoundTrip(xml, Encoding::Xml, encodeRestconfErrors, parseRestconfErrors);
}

TEST(RestconfErrors, CanonicalJson) {
  RestconfErrors errors{{RestconfError{"protocol", "malformed-message", {}, {}, "bad", {}}}};
  EXPECT_EQ(encodeRestconfErrors(errors, Encoding::Json), R"({
  "ietf-restconf:errors": {
    "error": [
      {
        "error-type": "protocol",
        "error-tag": "malformed-message",
        "error-message": "bad"
      }
    ]
  }
}
)");
}

TEST(RestconfErrors, Rules) {
  const auto with = [](std::string_view entry) {
    return R"({"ietf-restconf:errors":{"error":[)" + std::string(entry) + "]}}";
  };
  EXPECT_TRUE(failsAt(parseJson(with(R"({"error-type":"bogus","error-tag":"x"})")),
                      CodecErrc::InvalidValue, "/ietf-restconf:errors/error[1]/error-type"));
  EXPECT_TRUE(failsAt(parseJson(with(R"({"error-tag":"x"})")), CodecErrc::MissingNode,
                      "/ietf-restconf:errors/error[1]/error-type"));
  EXPECT_TRUE(
      failsAt(parseJson(with(R"({"error-type":"rpc","error-tag":"x"},{"error-type":"rpc"})")),
              CodecErrc::MissingNode, "/ietf-restconf:errors/error[2]/error-tag"));
  EXPECT_TRUE(
      failsAt(parseJson(with(R"({"error-type":"rpc","error-tag":"x","error-info":"text"})")),
              CodecErrc::InvalidValue, "/ietf-restconf:errors/error[1]/error-info"));
  EXPECT_TRUE(failsAt(parseJson(with(R"({"error-type":"rpc","error-tag":"x","error-code":1})")),
                      CodecErrc::UnknownNode, "/ietf-restconf:errors/error[1]/error-code"));
  EXPECT_TRUE(
      failsAt(parseJson(with("")), CodecErrc::ConstraintViolation, "/ietf-restconf:errors/error"));
  EXPECT_TRUE(failsAt(parseJson(R"({"ietf-restconf:errors":{}})"), CodecErrc::ConstraintViolation,
                      "/ietf-restconf:errors/error"));
  EXPECT_TRUE(failsAt(parseJson("{}"), CodecErrc::MissingNode, "/ietf-restconf:errors"));
  EXPECT_TRUE(
      failsAt(parseRestconfErrors(R"(<errors xmlns="urn:ietf:params:xml:ns:yang:ietf-restconf">
      <error><error-type>rpc</error-type><error-tag>x</error-tag><error-info>t</error-info></error></errors>)",
                                  Encoding::Xml),
              CodecErrc::InvalidValue, "/ietf-restconf:errors/error[1]/error-info"));
  EXPECT_TRUE(
      failsAt(parseRestconfErrors(R"(<errors xmlns="urn:ietf:params:xml:ns:yang:ietf-restconf">
      <error><error-type>rpc</error-type></error></errors>)",
                                  Encoding::Xml),
              CodecErrc::MissingNode, "/ietf-restconf:errors/error[1]/error-tag"));
}

TEST(RestconfErrors, XmlErrorPathQualifiesEveryName) {
  // RFC 7950 §9.13.2: in XML every node name of an instance-identifier carries
  // a prefix; RFC 7951 §6.11 JSON prefixes only the first and module changes.
  RestconfErrors errors{{RestconfError{
      "protocol",
      "invalid-value",
      {},
      "/ietf-sztp-conveyed-info:redirect-information/bootstrap-server[address='a:b']/port",
      {},
      {}}}};
  const auto xml = encodeRestconfErrors(errors, Encoding::Xml);
  EXPECT_NE(xml.find("/ietf-sztp-conveyed-info:redirect-information/ietf-sztp-conveyed-info:"
                     "bootstrap-server[ietf-sztp-conveyed-info:address='a:b']/"
                     "ietf-sztp-conveyed-info:port</error-path>"),
            std::string::npos)
      << xml;
  const auto json = encodeRestconfErrors(errors, Encoding::Json);
  EXPECT_NE(json.find("\"/ietf-sztp-conveyed-info:redirect-information/bootstrap-server"
                      "[address='a:b']/port\""),
            std::string::npos)
      << json;
  auto back = parseRestconfErrors(xml, Encoding::Xml);
  ASSERT_TRUE(back) << back.error().describe();
  EXPECT_EQ(*back, errors);
}

TEST(RestconfErrors, ErrorPathPrefixes) {
  auto parsed = parseRestconfErrors(R"(<errors xmlns="urn:ietf:params:xml:ns:yang:ietf-restconf">
      <error><error-type>application</error-type><error-tag>invalid-value</error-tag>
      <error-path xmlns:ci="urn:ietf:params:xml:ns:yang:ietf-sztp-conveyed-info"
          xmlns:u="urn:example:unknown"
      >/ci:redirect-information/ci:bootstrap-server[ci:address='a/b:c']/u:x</error-path>
      </error></errors>)",
                                    Encoding::Xml);
  ASSERT_TRUE(parsed) << parsed.error().detail();
  EXPECT_EQ(parsed->errors[0].errorPath,
            "/ietf-sztp-conveyed-info:redirect-information/bootstrap-server[address='a/b:c']/u:x");
  expectRoundTrip(*parsed, Encoding::Xml, encodeRestconfErrors, parseRestconfErrors);
  RestconfErrors json{
      {RestconfError{"rpc", "x", {}, "/ietf-sztp-bootstrap-server:input/nonce", {}, {}}}};
  for (const auto encoding : kEncodings) {
    expectRoundTrip(json, encoding, encodeRestconfErrors, parseRestconfErrors);
  }
}

TEST(RestconfErrors, HttpStatusTable) {
  const std::pair<const char*, int> table[] = {
      {"in-use", 409},
      {"invalid-value", 400},
      {"too-big", 413},
      {"missing-attribute", 400},
      {"bad-attribute", 400},
      {"unknown-attribute", 400},
      {"bad-element", 400},
      {"unknown-element", 400},
      {"unknown-namespace", 400},
      {"access-denied", 403},
      {"lock-denied", 409},
      {"resource-denied", 409},
      {"rollback-failed", 500},
      {"data-exists", 409},
      {"data-missing", 409},
      {"operation-not-supported", 405},
      {"operation-failed", 500},
      {"partial-operation", 500},
      {"malformed-message", 400},
      {"no-such-tag", 500},
      {"", 500},
  };
  for (const auto& [tag, status] : table) {
    EXPECT_EQ(httpStatusForErrorTag(tag), status) << tag;
  }
}

}  // namespace
}  // namespace sztp::model
