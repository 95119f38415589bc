#include "bootstrap/media_types.h"

#include <gtest/gtest.h>

#include "bootstrap/bootstrap_error.h"

namespace sztp::bootstrap {
namespace {

using model::Encoding;

TEST(MediaTypes, RequestBodiesAreReadInTheTypeTheyDeclare) {
  EXPECT_EQ(*requestEncoding("application/yang-data+json", "{}"), Encoding::Json);
  EXPECT_EQ(*requestEncoding("application/yang-data+xml; charset=utf-8", "<a/>"), Encoding::Xml);
  EXPECT_EQ(*requestEncoding("Application/YANG-Data+XML", "<a/>"), Encoding::Xml);
  // Tolerated spellings seen on real clients and in the RFC draft.
  EXPECT_EQ(*requestEncoding("application/json", "{}"), Encoding::Json);
  EXPECT_EQ(*requestEncoding("application/yang.data+xml", "<a/>"), Encoding::Xml);
}

TEST(MediaTypes, AnUnknownTypeWithABodyIs415AndWithoutABodyDoesNotMatter) {
  auto refused = requestEncoding("text/plain", "hello");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().reason(), "media-type-unsupported");
  EXPECT_EQ(httpStatus(BootstrapErrc::UnsupportedMediaType), 415);
  EXPECT_TRUE(requestEncoding("text/plain", "").ok());
  EXPECT_TRUE(requestEncoding(std::nullopt, "").ok());
}

TEST(MediaTypes, ABodyWithoutContentTypeIsSniffed) {
  EXPECT_EQ(*requestEncoding(std::nullopt, "  <input/>"), Encoding::Xml);
  EXPECT_EQ(*requestEncoding(std::nullopt, "{\"a\":1}"), Encoding::Json);
}

TEST(MediaTypes, AcceptIsHonouredWithQValues) {
  EXPECT_EQ(*responseEncoding(std::nullopt, Encoding::Xml), Encoding::Xml);
  EXPECT_EQ(*responseEncoding("application/yang-data+xml", Encoding::Json), Encoding::Xml);
  EXPECT_EQ(*responseEncoding("*/*", Encoding::Xml), Encoding::Xml);
  EXPECT_EQ(*responseEncoding("application/yang-data+xml;q=0.5, application/yang-data+json",
                              Encoding::Xml),
            Encoding::Json);
  EXPECT_EQ(*responseEncoding("application/yang-data+json;q=0.1, */*;q=0.9", Encoding::Json),
            Encoding::Json);
  EXPECT_EQ(*responseEncoding("text/html, application/xml;q=0.2", Encoding::Json), Encoding::Xml);
}

TEST(MediaTypes, AnAcceptWithNeitherEncodingIs406) {
  for (const char* accept :
       {"text/html", "application/yang-data+json;q=0", "image/png, text/csv"}) {
    auto refused = responseEncoding(accept, Encoding::Json);
    ASSERT_FALSE(refused.ok()) << accept;
    EXPECT_EQ(refused.error().reason(), "media-type-not-acceptable");
  }
}

}  // namespace
}  // namespace sztp::bootstrap
