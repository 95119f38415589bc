#include "catalog/reason_catalog.h"

#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

namespace sztp::catalog {
namespace {

std::string readDoc() {
  std::ifstream in(std::string(SZTP_SOURCE_DIR) + "/docs/reason-codes.md");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(ReasonCatalog, CodesAreUniqueAcrossAllLayers) {
  std::set<std::string_view> seen;
  for (const auto* category : allReasonCategories()) {
    for (const auto& info : category->reasons()) {
      EXPECT_TRUE(seen.insert(info.code).second) << info.code << " is used twice";
      EXPECT_TRUE(std::regex_match(std::string(info.code), std::regex("[a-z0-9]+(-[a-z0-9]+)*")))
          << info.code;
      EXPECT_GT(info.message.size(), 15u) << info.code;
    }
  }
  EXPECT_GT(seen.size(), 60u);
}

TEST(ReasonCatalog, EveryCodeIsDocumentedAndNothingElse) {
  const std::string doc = readDoc();
  ASSERT_FALSE(doc.empty()) << "docs/reason-codes.md is missing";
  std::set<std::string> documented;
  const std::regex row("^\\| `([a-z0-9-]+)` \\|", std::regex::multiline);
  for (auto it = std::sregex_iterator(doc.begin(), doc.end(), row); it != std::sregex_iterator();
       ++it) {
    documented.insert((*it)[1]);
  }
  for (const auto* category : allReasonCategories()) {
    for (const auto& info : category->reasons()) {
      EXPECT_TRUE(documented.erase(std::string(info.code)))
          << info.code << " is missing from docs/reason-codes.md";
    }
  }
  for (const auto& stale : documented) {
    ADD_FAILURE() << stale << " is documented but no longer exists";
  }
}

TEST(ReasonCatalog, FindsByCode) {
  ASSERT_NE(findReason("voucher-expired"), nullptr);
  EXPECT_EQ(findReason("no-such-code"), nullptr);
}

}  // namespace
}  // namespace sztp::catalog
