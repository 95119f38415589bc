// RESTCONF error reports (RFC 8040 §7.1, ietf-restconf yang-data
// `yang-errors`) as encodeRestconfErrors() writes them.

#include "conformance/conformance_fixture.h"
#include "model/restconf_error.h"

namespace sztp::conformance {
namespace {

using model::RestconfError;
using model::RestconfErrors;

RestconfError error(std::string type, std::string tag) {
  RestconfError result;
  result.errorType = std::move(type);
  result.errorTag = std::move(tag);
  return result;
}

class RestconfErrorConformance : public EncodingTest {
 protected:
  ::testing::AssertionResult acceptsErrors(const RestconfErrors& errors) const {
    return accepts(PayloadKind::RestconfErrors, GetParam(),
                   model::encodeRestconfErrors(errors, GetParam()));
  }
};

TEST_P(RestconfErrorConformance, OneError) {
  EXPECT_TRUE(acceptsErrors({{error("protocol", "access-denied")}}));
}

TEST_P(RestconfErrorConformance, EveryErrorType) {
  for (const char* type : {"transport", "rpc", "protocol", "application"}) {
    EXPECT_TRUE(acceptsErrors({{error(type, "operation-failed")}})) << type;
  }
}

TEST_P(RestconfErrorConformance, SeveralErrorsWithAppTagAndMessage) {
  RestconfErrors errors{{error("protocol", "invalid-value"),
                         error("application", "missing-attribute"),
                         error("rpc", "malformed-message")}};
  errors.errors[0].errorAppTag = "sztp:nonce-length";
  errors.errors[0].errorMessage = "nonce must be 16 to 32 octets";
  errors.errors[1].errorAppTag = "ietf-sztp-csr:csr-request";
  errors.errors[1].errorMessage = "a CSR is required";
  errors.errors[2].errorMessage = "unexpected <element> & \"quote\" \xc3\xa9";
  EXPECT_TRUE(acceptsErrors(errors));
}

TEST_P(RestconfErrorConformance, ErrorInfo) {
  // error-info is anydata: any well-formed content of the encoding. RFC 9646
  // puts a csr-request structure there; libyang does not check anydata
  // content against a schema (and its sx:structure support is broken anyway,
  // checklist §4 point 6), so this only proves the envelope.
  RestconfErrors errors{{error("application", "missing-attribute")}};
  errors.errors[0].errorAppTag = "ietf-sztp-csr:csr-request";
  errors.errors[0].errorInfo =
      GetParam() == model::Encoding::Json
          ? R"({"ietf-sztp-csr:csr-request":{"csr-generation":{"selected-format":{)"
            R"("format-identifier":"ietf-ztp-types:p10-csr"}}}})"
          : R"(<csr-request xmlns="urn:ietf:params:xml:ns:yang:ietf-sztp-csr"><csr-generation>)"
            R"(<selected-format><format-identifier xmlns:zt="urn:ietf:params:xml:ns:yang:ietf-ztp-types">)"
            R"(zt:p10-csr</format-identifier></selected-format></csr-generation></csr-request>)";
  const std::string payload = model::encodeRestconfErrors(errors, GetParam());
  ASSERT_NE(payload.find("error-info"), std::string::npos) << payload;
  EXPECT_TRUE(acceptsErrors(errors));
}

// error-path is an instance-identifier (RFC 8040 §7.1) pointing into the
// request. Written here in the RFC 7951 form, module-name prefixes, which is
// what the model keeps.
TEST_P(RestconfErrorConformance, ErrorPath) {
  RestconfErrors errors{{error("protocol", "invalid-value")}};
  errors.errors[0].errorPath = "/ietf-sztp-bootstrap-server:get-bootstrapping-data/nonce";
  errors.errors[0].errorMessage = "nonce must be 16 to 32 octets";
  const std::string payload = model::encodeRestconfErrors(errors, GetParam());
  Validation result = validator().validate(PayloadKind::RestconfErrors, GetParam(), payload);
  if (result.ok()) {
    return;
  }
  ASSERT_EQ(result.verdict, Verdict::Invalid) << result.message;
  // RFC 7950 §9.13.2: in XML every node name of an instance-identifier carries
  // a prefix declared in scope. An encoder that keeps the JSON form (RFC 7951
  // §6.11: only the first node and module changes qualified) fails here.
  ASSERT_EQ(result.message.find("Prefix missing for"), std::string::npos)
      << "error-path is not fully qualified in XML: " << result.message << "\n"
      << payload;
  // The type has require-instance true (the default), and libyang checks it
  // against the errors document itself, where the request's node cannot
  // exist. The path did resolve against the schema: an unknown node would
  // fail earlier ("Not found node").
  ASSERT_NE(result.message.find("required instance not found"), std::string::npos)
      << result.message << "\n"
      << payload;
  GTEST_SKIP() << "libyang 2.1.30 limitation: error-path (instance-identifier, require-instance "
                  "true) is resolved within the errors document, where its target cannot "
                  "exist; libyang: "
               << result.message;
}

SZTP_INSTANTIATE_FOR_ENCODINGS(RestconfErrorConformance);

}  // namespace
}  // namespace sztp::conformance
