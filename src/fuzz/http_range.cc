// Fuzz target for the pure HTTP header parsers of sztp_http that read what a
// client sends a file server: Range (parseRangeHeader, decideRange), entity
// tags and their lists (If-None-Match, If-Match, If-Range) and HTTP dates.
// Beyond not crashing it checks: every Partial decision lies inside the
// representation; a parsed tag or date prints back to an equal value; and
// evaluating the preconditions with the input in every conditional header
// gives an answer. A broken invariant abort()s so libFuzzer keeps the input.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "http/conditional.h"
#include "http/etag.h"
#include "http/http_date.h"
#include "http/range.h"

namespace {

namespace http = sztp::http;

void check(bool condition) {
  if (!condition) {
    std::abort();
  }
}

void checkRange(std::string_view text) {
  auto specs = http::parseRangeHeader(text);
  if (specs) {
    check(!specs->empty() && specs->size() <= http::kMaxRangeSpecs);
    for (const auto& spec : *specs) {
      check(spec.first || spec.last);
      check(!spec.first || !spec.last || *spec.first <= *spec.last);
    }
  }
  for (const std::uint64_t size :
       {std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{1000}, std::uint64_t{UINT64_MAX}}) {
    const auto decision = http::decideRange(text, size);
    if (decision.kind == http::RangeKind::Partial) {
      check(specs.ok() && specs->size() == 1);
      check(decision.range.first <= decision.range.last && decision.range.last < size);
    }
    if (!specs) {
      check(decision.kind == http::RangeKind::Full);
    }
  }
}

void checkTags(std::string_view text) {
  if (auto tag = http::parseEntityTag(text)) {
    check(tag->toString() == text);
  }
  if (auto list = http::parseEntityTagList(text)) {
    check(list->any ? list->tags.empty() : !list->tags.empty());
    for (const auto& tag : list->tags) {
      auto again = http::parseEntityTag(tag.toString());
      check(again.ok() && *again == tag);
    }
  }
}

void checkDate(std::string_view text) {
  auto parsed = http::parseHttpDate(text);
  if (!parsed) {
    return;
  }
  const std::string printed = http::formatHttpDate(*parsed);
  auto again = http::parseHttpDate(printed);
  check(again.ok() && *again == *parsed);
}

void checkConditionals(std::string_view text) {
  const http::Validators validators{http::EntityTag{false, "v1"},
                                    sztp::TimePoint{std::chrono::seconds(784111777)}};
  for (const char* name :
       {"if-match", "if-none-match", "if-modified-since", "if-unmodified-since"}) {
    http::Request request{"GET", "/f", {{name, std::string(text)}}, ""};
    const auto outcome = http::evaluatePreconditions(request, validators);
    check(outcome == http::Precondition::Proceed || outcome == http::Precondition::NotModified ||
          outcome == http::Precondition::Failed);
  }
  (void)http::ifRangeAllowsPartial(text, validators);
}

}  // namespace

// NOLINTNEXTLINE(readability-identifier-naming): the libFuzzer entry point.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  checkRange(text);
  checkTags(text);
  checkDate(text);
  checkConditionals(text);
  return 0;
}
