// Parse limits and hostile input, common to every model parser.
#include <gtest/gtest.h>

#include <chrono>

#include "model/bootstrap_rpc.h"
#include "model/conveyed_info.h"
#include "model/restconf_error.h"
#include "model/tests/test_util.h"
#include "model/voucher.h"

namespace sztp::model {
namespace {

using testing::failsWith;

constexpr const char* kVoucherJson = R"({"ietf-voucher:voucher":{"serial-number":"S"}})";

TEST(ModelLimits, OversizedInputIsRefusedBeforeParsing) {
  ParseLimits limits;
  limits.maxBytes = 16;
  EXPECT_TRUE(failsWith(parseVoucher(kVoucherJson, Encoding::Json, limits),
                        CodecErrc::InputTooLarge, "limit is 16"));
  EXPECT_TRUE(failsWith(parseVoucher(std::string(100, '<'), Encoding::Xml, limits),
                        CodecErrc::InputTooLarge, "limit is 16"));
  EXPECT_TRUE(failsWith(parseConveyedInformation(std::string(17, ' '), Encoding::Json, limits),
                        CodecErrc::InputTooLarge, "17 octets"));
  limits.maxBytes = std::string_view(kVoucherJson).size();
  EXPECT_TRUE(parseVoucher(kVoucherJson, Encoding::Json, limits));
}

TEST(ModelLimits, DeepJsonNestingIsRefusedFast) {
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  const auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(failsWith(parseVoucher(deep, Encoding::Json), CodecErrc::InputTooDeep, "32"));
  const std::string deepObject =
      R"({"ietf-voucher:voucher":{"serial-number":"S","x":)" + deep + "}}";
  EXPECT_TRUE(failsWith(parseVoucher(deepObject, Encoding::Json), CodecErrc::InputTooDeep, "32"));
  EXPECT_TRUE(failsWith(parseRestconfErrors(std::string(100000, '{'), Encoding::Json),
                        CodecErrc::InputTooDeep, "32"));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
}

TEST(ModelLimits, DeepXmlNestingIsRefusedFast) {
  std::string deep;
  for (int i = 0; i < 100000; ++i) {
    deep += "<a>";
  }
  const auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(failsWith(parseVoucher(deep, Encoding::Xml), CodecErrc::InputTooDeep, "32"));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
}

TEST(ModelLimits, DepthLimitIsExact) {
  ParseLimits limits;
  limits.maxDepth = 2;
  EXPECT_TRUE(parseVoucher(kVoucherJson, Encoding::Json, limits));
  EXPECT_TRUE(parseVoucher(R"({"ietf-voucher:voucher":{"serial-number":"[[[{{{"}})", Encoding::Json,
                           limits))
      << "brackets inside strings do not nest";
  EXPECT_TRUE(failsWith(
      parseVoucher(R"({"ietf-voucher:voucher":{"extensions":["a"]}})", Encoding::Json, limits),
      CodecErrc::InputTooDeep, "deeper than 2"));
  const char* xml = R"(<voucher xmlns="urn:ietf:params:xml:ns:yang:ietf-voucher"
      xmlns:v="urn:ietf:params:xml:ns:yang:ietf-voucher"><v:serial-number
      >S</v:serial-number><!-- <a><b><c> --><extensions xmlns:x="a/>"/></voucher>)";
  EXPECT_TRUE(parseVoucher(xml, Encoding::Xml, limits));
  limits.maxDepth = 1;
  EXPECT_TRUE(failsWith(parseVoucher(xml, Encoding::Xml, limits), CodecErrc::InputTooDeep,
                        "deeper than 1"));
}

TEST(ModelHostileXml, BillionLaughsIsRefused) {
  const char* laughs = R"(<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<voucher xmlns="urn:ietf:params:xml:ns:yang:ietf-voucher"><serial-number>&lol3;</serial-number></voucher>)";
  EXPECT_TRUE(failsWith(parseVoucher(laughs, Encoding::Xml), CodecErrc::MalformedXml, "DOCTYPE"));
}

TEST(ModelHostileXml, DtdsEntitiesAndInstructionsAreRefused) {
  const struct {
    const char* text;
    const char* detail;
  } cases[] = {
      {R"(<!DOCTYPE voucher SYSTEM "file:///etc/passwd"><voucher/>)", "DOCTYPE"},
      {R"(<voucher xmlns="urn:ietf:params:xml:ns:yang:ietf-voucher"><serial-number>&xxe;</serial-number></voucher>)",
       "undeclared entity"},
      {R"(<voucher xmlns="urn:ietf:params:xml:ns:yang:ietf-voucher"><serial-number>&#0;</serial-number></voucher>)",
       "character reference"},
      {R"(<?xml-stylesheet href="x"?><voucher/>)", "processing instruction"},
      {R"(<voucher><?php echo 1; ?></voucher>)", "processing instruction"},
      {R"( <?xml version="1.0"?><voucher/>)", "must come first"},
      {R"(<?xml version="1.0" encoding="ISO-8859-1"?><voucher/>)", "UTF-8"},
      {"<voucher>\xC3\x28</voucher>", "UTF-8"},
      {"<voucher>\x01</voucher>", "XML 1.0"},
      {R"(<voucher/><voucher/>)", "more than one root"},
      {R"(<voucher/>text)", "outside the root"},
      {R"(<voucher a="1" a="2"/>)", "twice"},
      {R"(<voucher xmlns:p=""/>)", "empty URI"},
      {R"(<voucher><a:b/></voucher>)", "unbound prefix"},
      {R"(<voucher a:b="1"/>)", "unbound prefix"},
      {R"(<voucher>)", "byte"},
      {R"(<voucher></vouch>)", "byte"},
      {R"(<voucher x="<"/>)", "attribute value"},
      {"", "document element"},
      {R"(<!-- only a comment -->)", "document element"},
      {R"(text<voucher/>)", "outside the root"},
  };
  for (const auto& c : cases) {
    EXPECT_TRUE(failsWith(parseVoucher(c.text, Encoding::Xml), CodecErrc::MalformedXml, c.detail))
        << c.text;
  }
}

TEST(ModelHostileXml, AttributeFloodIsRefusedFast) {
  std::string text = "<voucher";
  for (int i = 0; i < 200000; ++i) {
    text += " a" + std::to_string(i) + "=\"\"";
  }
  text += ">";
  for (int i = 0; i < 200000; ++i) {
    text += "<a/>";
  }
  text += "</voucher>";
  const auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(failsWith(parseVoucher(text, Encoding::Xml), CodecErrc::MalformedXml,
                        "more than 64 attributes"));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
}

TEST(ModelHostileXml, CommentsCdataAndDeclarationAreFine) {
  auto parsed = parseVoucher(
      "\xEF\xBB\xBF"
      R"(<?xml version="1.0" encoding="utf-8" standalone="yes"?>
<!-- a comment -->
<voucher xmlns="urn:ietf:params:xml:ns:yang:ietf-voucher"><!-- inside -->
  <serial-number><![CDATA[A<B]]>&amp;&#x43;</serial-number>
</voucher>)",
      Encoding::Xml);
  ASSERT_TRUE(parsed) << parsed.error().detail();
  EXPECT_EQ(parsed->serialNumber, "A<B&C");
}

TEST(ModelHostileJson, MalformedAndDuplicate) {
  EXPECT_TRUE(failsWith(
      parseVoucher("{\"ietf-voucher:voucher\":{\"serial-number\":\"\xC3\x28\"}}", Encoding::Json),
      CodecErrc::MalformedJson, "byte"));
  EXPECT_TRUE(failsWith(parseVoucher(R"({"ietf-voucher:voucher":{}} x)", Encoding::Json),
                        CodecErrc::MalformedJson, "byte"));
  EXPECT_TRUE(
      failsWith(parseVoucher(R"({"ietf-voucher:voucher":{"serial-number":1e999}})", Encoding::Json),
                CodecErrc::MalformedJson, "byte"));
  EXPECT_TRUE(failsWith(
      parseVoucher(R"({"ietf-voucher:voucher":{},"ietf-voucher:voucher":{}})", Encoding::Json),
      CodecErrc::DuplicateNode, "ietf-voucher:voucher"));
  EXPECT_TRUE(failsWith(
      parseRestconfErrors(R"({"ietf-restconf:errors":{"error":[{"error-info":{"a":1,"a":2}}]}})",
                          Encoding::Json),
      CodecErrc::DuplicateNode, "/ietf-restconf:errors/error/error-info"));
}

TEST(ModelEncoding, SniffAndMediaTypes) {
  EXPECT_EQ(sniffEncoding(" \n{"), Encoding::Json);
  EXPECT_EQ(sniffEncoding("<x/>"), Encoding::Xml);
  EXPECT_FALSE(sniffEncoding("x"));
  EXPECT_EQ(yangDataMediaType(Encoding::Xml), "application/yang-data+xml");
  EXPECT_EQ(encodingName(Encoding::Json), "json");
}

}  // namespace
}  // namespace sztp::model
