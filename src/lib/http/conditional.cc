#include "http/conditional.h"

#include "http/http_date.h"

namespace sztp::http {
namespace {

bool isSafeRead(std::string_view method) {
  return method == "GET" || method == "HEAD";
}

bool anyMatches(const EntityTagList& list, const std::optional<EntityTag>& current,
                bool (*compare)(const EntityTag&, const EntityTag&)) {
  if (!current) {
    return false;
  }
  if (list.any) {
    return true;
  }
  for (const auto& tag : list.tags) {
    if (compare(tag, *current)) {
      return true;
    }
  }
  return false;
}

}  // namespace

Precondition evaluatePreconditions(const Request& request, const Validators& validators) {
  if (const auto ifMatch = request.header("if-match")) {
    // The caller evaluates an existing representation, so "*" always matches.
    const auto list = parseEntityTagList(*ifMatch);
    if (!list || (!list->any && !anyMatches(*list, validators.etag, strongMatch))) {
      return Precondition::Failed;
    }
  } else if (const auto ifUnmodified = request.header("if-unmodified-since")) {
    const auto since = parseHttpDate(*ifUnmodified);
    if (since && validators.lastModified && *validators.lastModified > *since) {
      return Precondition::Failed;
    }
  }
  if (const auto ifNoneMatch = request.header("if-none-match")) {
    const auto list = parseEntityTagList(*ifNoneMatch);
    if (list && anyMatches(*list, validators.etag, weakMatch)) {
      return isSafeRead(request.method) ? Precondition::NotModified : Precondition::Failed;
    }
    return Precondition::Proceed;  // If-Modified-Since is ignored when If-None-Match is present.
  }
  if (isSafeRead(request.method) && validators.lastModified) {
    if (const auto ifModified = request.header("if-modified-since")) {
      const auto since = parseHttpDate(*ifModified);
      if (since && *validators.lastModified <= *since) {
        return Precondition::NotModified;
      }
    }
  }
  return Precondition::Proceed;
}

bool ifRangeAllowsPartial(std::optional<std::string_view> ifRange, const Validators& validators) {
  if (!ifRange) {
    return true;
  }
  if (!ifRange->empty() && (ifRange->front() == '"' || ifRange->substr(0, 2) == "W/")) {
    const auto tag = parseEntityTag(*ifRange);
    return tag && validators.etag && strongMatch(*tag, *validators.etag);
  }
  const auto date = parseHttpDate(*ifRange);
  return date && validators.lastModified && *date == *validators.lastModified;
}

}  // namespace sztp::http
