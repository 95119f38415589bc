#pragma once

#include <optional>
#include <string_view>

#include "common/clock.h"
#include "http/etag.h"
#include "http/message.h"

namespace sztp::http {

/// Conditional requests (RFC 9110 §13) for a representation whose validators
/// are known: the file server's files, any cached answer.

struct Validators {
  std::optional<EntityTag> etag;
  std::optional<TimePoint> lastModified;
};

enum class Precondition {
  Proceed,      ///< Answer normally.
  NotModified,  ///< 304 (GET/HEAD whose If-None-Match / If-Modified-Since says "unchanged").
  Failed,       ///< 412 (If-Match / If-Unmodified-Since false, or If-None-Match true on a
                ///< method other than GET/HEAD).
};

/// Evaluates the preconditions in the order of RFC 9110 §13.2.2:
/// 1. If-Match (strong comparison; "*" matches any existing representation),
///    else 2. If-Unmodified-Since;
/// 3. If-None-Match (weak comparison) → NotModified for GET/HEAD, Failed otherwise,
///    else 4. If-Modified-Since, for GET/HEAD only, when the representation has
///    a Last-Modified.
/// Malformed header values are ignored, as §13.1 allows for unparseable dates;
/// a malformed If-Match fails closed (412), since the client wanted a guarantee.
Precondition evaluatePreconditions(const Request& request, const Validators& validators);

/// Whether an If-Range header (nullopt = none) lets a Range apply (§13.1.5):
/// true without If-Range; with an entity tag, true only on a strong match;
/// with a date, true only if it equals Last-Modified exactly. Anything
/// malformed: false (send the full representation).
bool ifRangeAllowsPartial(std::optional<std::string_view> ifRange, const Validators& validators);

}  // namespace sztp::http
