#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/bytes.h"
#include "common/result.h"

namespace sztp::http {

/// Entity tags (RFC 9110 §8.8.3) and their comparison (§8.8.3.2).

struct EntityTag {
  bool weak = false;
  std::string opaque;  ///< Between the quotes, without them.

  /// As sent on the wire: "\"abc\"" or "W/\"abc\"".
  std::string toString() const;
  bool operator==(const EntityTag&) const = default;
};

/// A strong tag for a file from what changes when the file does: its size,
/// modification time in nanoseconds and inode, as lower-case hex joined by
/// '-' ("\"1f4-17a3c2d9e8b01200-8c21\""). Replacing a file by rename (the
/// safe way to publish an image) changes the inode; rewriting it in place
/// changes the mtime. Strong because a file with the same identity has the
/// same bytes, which byte ranges need (If-Range).
EntityTag fileEntityTag(std::uint64_t size, std::int64_t mtimeNanoseconds, std::uint64_t inode);

/// A strong tag from a content digest (e.g. SHA-256): "\"sha256-<hex>\"" when
/// `algorithm` is "sha256". For answers computed in memory.
EntityTag contentEntityTag(std::string_view algorithm, ByteView digest);

/// One entity-tag: [W/] DQUOTE *etagc DQUOTE, etagc being %x21 / %x23-7E / obs-text.
Result<EntityTag> parseEntityTag(std::string_view text);

/// The value of If-Match / If-None-Match: "*" or a comma-separated list.
struct EntityTagList {
  bool any = false;  ///< "*"
  std::vector<EntityTag> tags;
};

/// Limits: 4096 octets and 64 tags; beyond them, HttpErrc::MalformedEntityTag.
Result<EntityTagList> parseEntityTagList(std::string_view text);

/// Strong comparison: both strong, same opaque value (If-Match, If-Range).
bool strongMatch(const EntityTag& a, const EntityTag& b);
/// Weak comparison: same opaque value, weakness ignored (If-None-Match).
bool weakMatch(const EntityTag& a, const EntityTag& b);

}  // namespace sztp::http
