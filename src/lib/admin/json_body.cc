#include "admin/json_body.h"

#include <set>
#include <string>
#include <vector>

#include "admin/admin_error.h"

namespace sztp::admin {
namespace {

using nlohmann::json;

/// The DOM builder of nlohmann, plus a set of member names per open object
/// (duplicates refused) and the first error kept instead of thrown. It wraps
/// nlohmann's own json_sax_dom_parser (a detail type, stable across 3.x):
/// the SAX interface is the only non-throwing way to learn where and why a
/// parse failed.
class CheckingSax {
 public:
  explicit CheckingSax(json& root) : dom_(root, false) {}

  // The method names are nlohmann's SAX interface; they cannot follow ours.
  // NOLINTBEGIN(readability-identifier-naming)
  bool null() { return dom_.null(); }
  bool boolean(bool value) { return dom_.boolean(value); }
  bool number_integer(json::number_integer_t value) { return dom_.number_integer(value); }
  bool number_unsigned(json::number_unsigned_t value) { return dom_.number_unsigned(value); }
  bool number_float(json::number_float_t value, const json::string_t& text) {
    return dom_.number_float(value, text);
  }
  bool string(json::string_t& value) { return dom_.string(value); }
  bool binary(json::binary_t& value) { return dom_.binary(value); }
  bool start_object(std::size_t size) {
    scopes_.emplace_back(true, std::set<std::string>{});
    return dom_.start_object(size);
  }
  bool key(json::string_t& name) {
    if (!scopes_.empty() && scopes_.back().first && !scopes_.back().second.insert(name).second) {
      error_ = "member \"" + name + "\" appears twice in one object";
      return false;
    }
    return dom_.key(name);
  }
  bool end_object() {
    scopes_.pop_back();
    return dom_.end_object();
  }
  bool start_array(std::size_t size) {
    scopes_.emplace_back(false, std::set<std::string>{});
    return dom_.start_array(size);
  }
  bool end_array() {
    scopes_.pop_back();
    return dom_.end_array();
  }
  bool parse_error(std::size_t position, const std::string& /*token*/,
                   const nlohmann::detail::exception& ex) {
    error_ = "at byte " + std::to_string(position) + ": " + ex.what();
    return false;
  }
  // NOLINTEND(readability-identifier-naming)

  const std::string& error() const { return error_; }

 private:
  nlohmann::detail::json_sax_dom_parser<json> dom_;
  std::vector<std::pair<bool, std::set<std::string>>> scopes_;
  std::string error_;
};

}  // namespace

std::size_t jsonDepth(std::string_view text, std::size_t limit) {
  std::size_t depth = 0;
  std::size_t deepest = 0;
  bool inString = false;
  bool escaped = false;
  for (const char c : text) {
    if (inString) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        inString = false;
      }
      continue;
    }
    if (c == '"') {
      inString = true;
    } else if (c == '{' || c == '[') {
      deepest = std::max(deepest, ++depth);
      if (deepest > limit) {
        return deepest;
      }
    } else if ((c == '}' || c == ']') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

Result<json> parseJsonBody(std::string_view text, std::size_t maxDepth) {
  if (jsonDepth(text, maxDepth) > maxDepth) {
    return Error(AdminErrc::MalformedBody,
                 "nested deeper than " + std::to_string(maxDepth) + " levels");
  }
  json root;
  CheckingSax sax(root);
  const bool ok = json::sax_parse(text, &sax, json::input_format_t::json, true);
  if (!ok || !sax.error().empty()) {
    return Error(AdminErrc::MalformedBody,
                 sax.error().empty() ? std::string("not valid JSON") : sax.error());
  }
  return root;
}

}  // namespace sztp::admin
