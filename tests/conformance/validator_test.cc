// The harness itself: the RESTCONF rewrap, and the validator's verdicts for
// a valid document, an unparsable one and a bad envelope.

#include "conformance/conformance_fixture.h"

namespace sztp::conformance {
namespace {

using model::Encoding;

TEST(RewrapRestconfOperation, JsonRenamesOnlyTheTopMember) {
  EXPECT_EQ(rewrapRestconfOperation(R"({"ietf-sztp-bootstrap-server:input": {"a": 1}})",
                                    Encoding::Json, "get-bootstrapping-data", false),
            R"({"ietf-sztp-bootstrap-server:get-bootstrapping-data": {"a": 1}})");
  EXPECT_EQ(rewrapRestconfOperation(" {\n  \"ietf-sztp-bootstrap-server:output\":{}}\n",
                                    Encoding::Json, "get-bootstrapping-data", true),
            " {\n  \"ietf-sztp-bootstrap-server:get-bootstrapping-data\":{}}\n");
  // The member inside is untouched even when it has the envelope's name.
  EXPECT_EQ(rewrapRestconfOperation(R"({"ietf-sztp-bootstrap-server:input":{"input":"x"}})",
                                    Encoding::Json, "report-progress", false),
            R"({"ietf-sztp-bootstrap-server:report-progress":{"input":"x"}})");
}

TEST(RewrapRestconfOperation, JsonRefusesAnotherEnvelope) {
  EXPECT_FALSE(rewrapRestconfOperation(R"({"ietf-sztp-bootstrap-server:output":{}})",
                                       Encoding::Json, "get-bootstrapping-data", false));
  EXPECT_FALSE(
      rewrapRestconfOperation(R"({"input":{}})", Encoding::Json, "get-bootstrapping-data", false));
  EXPECT_FALSE(rewrapRestconfOperation("", Encoding::Json, "get-bootstrapping-data", false));
}

TEST(RewrapRestconfOperation, XmlRenamesStartAndEndTags) {
  constexpr const char* kNs = R"(xmlns="urn:ietf:params:xml:ns:yang:ietf-sztp-bootstrap-server")";
  EXPECT_EQ(rewrapRestconfOperation(std::string("<input ") + kNs + "><nonce>AA==</nonce></input>\n",
                                    Encoding::Xml, "get-bootstrapping-data", false),
            std::string("<get-bootstrapping-data ") + kNs +
                "><nonce>AA==</nonce></get-bootstrapping-data>\n");
  EXPECT_EQ(rewrapRestconfOperation(
                std::string("<?xml version=\"1.0\"?>\n<output ") + kNs + "\n></output >",
                Encoding::Xml, "get-bootstrapping-data", true),
            std::string("<?xml version=\"1.0\"?>\n<get-bootstrapping-data ") + kNs +
                "\n></get-bootstrapping-data >");
  EXPECT_EQ(rewrapRestconfOperation(std::string("<input ") + kNs + "/>", Encoding::Xml,
                                    "report-progress", false),
            std::string("<report-progress ") + kNs + "/>");
  // A '>' inside an attribute value does not end the start tag.
  EXPECT_EQ(rewrapRestconfOperation(R"(<input a="x>y"><m>1</m></input>)", Encoding::Xml,
                                    "report-progress", false),
            R"(<report-progress a="x>y"><m>1</m></report-progress>)");
}

TEST(RewrapRestconfOperation, XmlRefusesAnotherEnvelope) {
  EXPECT_FALSE(rewrapRestconfOperation("<inputs/>", Encoding::Xml, "report-progress", false));
  EXPECT_FALSE(rewrapRestconfOperation("<s:input xmlns:s=\"urn:x\"/>", Encoding::Xml,
                                       "report-progress", false));
  EXPECT_FALSE(
      rewrapRestconfOperation("<input><a/></output>", Encoding::Xml, "report-progress", false));
  EXPECT_FALSE(
      rewrapRestconfOperation("<input><a/></input><b/>", Encoding::Xml, "report-progress", false));
}

class ValidatorVerdicts : public EncodingTest {};

TEST_P(ValidatorVerdicts, ValidDocument) {
  const std::string text =
      GetParam() == Encoding::Json
          ? R"({"ietf-sztp-bootstrap-server:input":{"progress-type":"bootstrap-initiated"}})"
          : R"(<input xmlns="urn:ietf:params:xml:ns:yang:ietf-sztp-bootstrap-server">)"
            R"(<progress-type>bootstrap-initiated</progress-type></input>)";
  EXPECT_TRUE(accepts(PayloadKind::ReportProgressInput, GetParam(), text));
}

TEST_P(ValidatorVerdicts, UnparsableDocumentIsInvalid) {
  const std::string text = GetParam() == Encoding::Json
                               ? R"({"ietf-voucher:voucher": {"serial-number": )"
                               : R"(<voucher xmlns="urn:ietf:params:xml:ns:yang:ietf-voucher">)";
  Validation result = validator().validate(PayloadKind::Voucher, GetParam(), text);
  EXPECT_EQ(result.verdict, Verdict::Invalid) << result.message;
  EXPECT_FALSE(result.message.empty());
}

TEST_P(ValidatorVerdicts, WrongEnvelopeIsAHarnessFailure) {
  const std::string text = GetParam() == Encoding::Json ? R"({"a:b":{}})" : "<b/>";
  Validation result =
      validator().validate(PayloadKind::GetBootstrappingDataOutput, GetParam(), text);
  EXPECT_EQ(result.verdict, Verdict::Failed) << result.message;
}

TEST_P(ValidatorVerdicts, UnknownNodeIsInvalid) {
  // Strict parsing: data without a schema node is an error, not ignored.
  const std::string text =
      GetParam() == Encoding::Json
          ? R"({"ietf-restconf:errors":{"error":[{"error-type":"rpc","error-tag":"x",)"
            R"("error-colour":"red"}]}})"
          : R"(<errors xmlns="urn:ietf:params:xml:ns:yang:ietf-restconf"><error>)"
            R"(<error-type>rpc</error-type><error-tag>x</error-tag>)"
            R"(<error-colour>red</error-colour></error></errors>)";
  EXPECT_TRUE(rejects(PayloadKind::RestconfErrors, GetParam(), text, "error-colour"));
}

SZTP_INSTANTIATE_FOR_ENCODINGS(ValidatorVerdicts);

}  // namespace
}  // namespace sztp::conformance
