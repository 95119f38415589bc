#include "http/etag.h"

#include <cstdio>

#include "common/hex.h"
#include "http/http_error.h"

namespace sztp::http {
namespace {

constexpr std::size_t kMaxListBytes = 4096;
constexpr std::size_t kMaxListTags = 64;

bool isEtagChar(unsigned char c) {
  return c == 0x21 || (c >= 0x23 && c <= 0x7e) || c >= 0x80;
}

bool isOws(char c) {
  return c == ' ' || c == '\t';
}

Error malformed(std::string_view text) {
  return Error(HttpErrc::MalformedEntityTag, "'" + std::string(text.substr(0, 64)) + "'");
}

/// Reads one entity-tag at the start of `text`; returns the octets used, 0 on failure.
std::size_t readTag(std::string_view text, EntityTag& tag) {
  std::size_t pos = 0;
  tag.weak = false;
  if (text.substr(0, 2) == "W/") {
    tag.weak = true;
    pos = 2;
  }
  if (pos >= text.size() || text[pos] != '"') {
    return 0;
  }
  const std::size_t start = ++pos;
  while (pos < text.size() && text[pos] != '"') {
    if (!isEtagChar(static_cast<unsigned char>(text[pos]))) {
      return 0;
    }
    ++pos;
  }
  if (pos >= text.size()) {
    return 0;
  }
  tag.opaque = std::string(text.substr(start, pos - start));
  return pos + 1;
}

}  // namespace

std::string EntityTag::toString() const {
  return (weak ? "W/\"" : "\"") + opaque + "\"";
}

EntityTag fileEntityTag(std::uint64_t size, std::int64_t mtimeNanoseconds, std::uint64_t inode) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%llx-%llx-%llx", static_cast<unsigned long long>(size),
                static_cast<unsigned long long>(mtimeNanoseconds),
                static_cast<unsigned long long>(inode));
  return EntityTag{false, buffer};
}

EntityTag contentEntityTag(std::string_view algorithm, ByteView digest) {
  return EntityTag{false, std::string(algorithm) + "-" + hexEncode(digest)};
}

Result<EntityTag> parseEntityTag(std::string_view text) {
  EntityTag tag;
  const std::size_t used = readTag(text, tag);
  if (used == 0 || used != text.size()) {
    return malformed(text);
  }
  return tag;
}

Result<EntityTagList> parseEntityTagList(std::string_view text) {
  if (text.size() > kMaxListBytes) {
    return Error(HttpErrc::MalformedEntityTag,
                 "longer than " + std::to_string(kMaxListBytes) + " octets");
  }
  const std::string_view original = text;
  while (!text.empty() && isOws(text.front())) {
    text.remove_prefix(1);
  }
  while (!text.empty() && isOws(text.back())) {
    text.remove_suffix(1);
  }
  EntityTagList list;
  if (text == "*") {
    list.any = true;
    return list;
  }
  // #entity-tag: elements separated by commas with optional whitespace; empty
  // elements are allowed (RFC 9110 §5.6.1.2).
  while (!text.empty()) {
    if (text.front() == ',' || isOws(text.front())) {
      text.remove_prefix(1);
      continue;
    }
    if (list.tags.size() == kMaxListTags) {
      return Error(HttpErrc::MalformedEntityTag,
                   "more than " + std::to_string(kMaxListTags) + " entity tags");
    }
    EntityTag tag;
    const std::size_t used = readTag(text, tag);
    if (used == 0) {
      return malformed(original);
    }
    text.remove_prefix(used);
    if (!text.empty() && text.front() != ',' && !isOws(text.front())) {
      return malformed(original);
    }
    list.tags.push_back(std::move(tag));
  }
  if (list.tags.empty()) {
    return malformed(original);
  }
  return list;
}

bool strongMatch(const EntityTag& a, const EntityTag& b) {
  return !a.weak && !b.weak && a.opaque == b.opaque;
}

bool weakMatch(const EntityTag& a, const EntityTag& b) {
  return a.opaque == b.opaque;
}

}  // namespace sztp::http
