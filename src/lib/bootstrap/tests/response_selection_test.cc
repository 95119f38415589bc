#include "bootstrap/response_selection.h"

#include <gtest/gtest.h>

namespace sztp::bootstrap {
namespace {

using registry::Condition;
using registry::Response;

Response response(std::string name, std::vector<Condition> conditions) {
  Response r;
  r.name = std::move(name);
  r.conditions = std::move(conditions);
  r.profile = "p";
  return r;
}

TEST(ResponseSelection, TheFirstMatchingResponseWinsAndTheExplanationSaysWhy) {
  const std::vector<Response> responses{
      response("lab", {{Condition::Field::SourceAddress, Condition::Match::Subnet, "10.0.0.0/8"}}),
      response("model-x", {{Condition::Field::HwModel, Condition::Match::Wildcard, "X-*"}}),
      response("default", {}),
  };
  RequestFacts facts;
  facts.sourceAddress = "192.0.2.7";
  facts.hwModel = "X-1000";
  auto choice = selectResponse(responses, facts, nullptr);
  ASSERT_TRUE(choice);
  EXPECT_EQ(choice->index, 1U);
  EXPECT_EQ(choice->response->name, "model-x");
  EXPECT_NE(choice->explanation.find("not in 10.0.0.0/8"), std::string::npos)
      << choice->explanation;
  EXPECT_NE(choice->explanation.find("→ chosen"), std::string::npos);

  facts.hwModel.reset();
  choice = selectResponse(responses, facts, nullptr);
  ASSERT_TRUE(choice);
  EXPECT_EQ(choice->response->name, "default");
  EXPECT_NE(choice->explanation.find("hw-model not sent"), std::string::npos)
      << choice->explanation;
}

TEST(ResponseSelection, AllConditionsMustHold) {
  const std::vector<Response> responses{
      response("both", {{Condition::Field::OsName, Condition::Match::Exact, "DemoOS"},
                        {Condition::Field::OsVersion, Condition::Match::Regex, "2\\.[0-9]+"}})};
  RequestFacts facts;
  facts.osName = "DemoOS";
  facts.osVersion = "3.1";
  std::string why;
  EXPECT_FALSE(selectResponse(responses, facts, &why));
  EXPECT_NE(why.find("os-version \"3.1\" not matches /2\\.[0-9]+/"), std::string::npos) << why;
  facts.osVersion = "2.14";
  EXPECT_TRUE(selectResponse(responses, facts, nullptr));
  facts.osVersion = "2.14x";  // regex matches the whole value
  EXPECT_FALSE(selectResponse(responses, facts, nullptr));
}

TEST(ResponseSelection, NoResponsesExplainsItself) {
  std::string why;
  EXPECT_FALSE(selectResponse({}, RequestFacts{}, &why));
  EXPECT_EQ(why, "the device has no responses");
}

TEST(ResponseSelection, SubnetsOfBothFamilies) {
  EXPECT_TRUE(addressInSubnet("10.1.2.3", "10.0.0.0/8"));
  EXPECT_FALSE(addressInSubnet("11.1.2.3", "10.0.0.0/8"));
  EXPECT_TRUE(addressInSubnet("192.0.2.7", "192.0.2.7"));
  EXPECT_TRUE(addressInSubnet("192.0.2.7", "0.0.0.0/0"));
  EXPECT_TRUE(addressInSubnet("::ffff:10.1.2.3", "10.0.0.0/8"));
  EXPECT_TRUE(addressInSubnet("2001:db8::7", "2001:db8::/32"));
  EXPECT_FALSE(addressInSubnet("2001:db9::7", "2001:db8::/32"));
  EXPECT_TRUE(addressInSubnet("2001:db8:0:0:8000::1", "2001:db8::8000:0:0:0/65"));
  EXPECT_FALSE(addressInSubnet("10.1.2.3", "2001:db8::/32"));
  EXPECT_FALSE(addressInSubnet("10.1.2.3", "10.0.0.0/33"));
  EXPECT_FALSE(addressInSubnet("10.1.2.3", "10.0.0.0/x"));
  EXPECT_FALSE(addressInSubnet("not-an-address", "10.0.0.0/8"));
}

TEST(ResponseSelection, IdevidIssuerMatchesTheIssuerDn) {
  const std::vector<Response> responses{response(
      "vendor-a", {{Condition::Field::IdevidIssuer, Condition::Match::Wildcard, "*O=Vendor A*"}})};
  RequestFacts facts;
  facts.idevidIssuer = "CN=Vendor A Manufacturing CA,O=Vendor A";
  EXPECT_TRUE(selectResponse(responses, facts, nullptr));
  facts.idevidIssuer = "CN=Other CA,O=Vendor B";
  EXPECT_FALSE(selectResponse(responses, facts, nullptr));
}

}  // namespace
}  // namespace sztp::bootstrap
