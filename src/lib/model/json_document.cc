#include "model/json_document.h"

#include <set>
#include <string>
#include <vector>

#include "common/codec_error.h"

namespace sztp::model {
namespace {

// Deepest nesting of objects and arrays, found without building anything and
// without recursion, so that hostile nesting cannot exhaust the stack.
Status checkDepth(std::string_view text, std::size_t maxDepth) {
  std::size_t depth = 0;
  bool inString = false;
  bool escaped = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
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
      if (++depth > maxDepth) {
        return Error(CodecErrc::InputTooDeep, "JSON nests deeper than " + std::to_string(maxDepth) +
                                                  " levels at byte " + std::to_string(i));
      }
    } else if ((c == '}' || c == ']') && depth > 0) {
      --depth;
    }
  }
  return {};
}

// SAX pass that refuses duplicate member names; nlohmann's DOM parser
// silently keeps the last one, which would let two readers of one signed
// document see different values.
class DuplicateChecker {
 public:
  using number_integer_t = Json::number_integer_t;
  using number_unsigned_t = Json::number_unsigned_t;
  using number_float_t = Json::number_float_t;
  using string_t = Json::string_t;
  using binary_t = Json::binary_t;

  // The method names are nlohmann's SAX interface; they cannot follow ours.
  // NOLINTBEGIN(readability-identifier-naming)
  bool null() { return true; }
  bool boolean(bool) { return true; }
  bool number_integer(number_integer_t) { return true; }
  bool number_unsigned(number_unsigned_t) { return true; }
  bool number_float(number_float_t, const string_t&) { return true; }
  bool string(string_t&) { return true; }
  bool binary(binary_t&) { return true; }
  bool start_object(std::size_t) {
    scopes_.emplace_back();
    scopes_.back().isObject = true;
    return true;
  }
  bool key(string_t& name) {
    auto& scope = scopes_.back();
    if (!scope.keys.insert(name).second) {
      error_ = Error(CodecErrc::DuplicateNode, "JSON object has the member \"" + name +
                                                   "\" twice (inside " + location() + ")");
      return false;
    }
    scope.lastKey = name;
    return true;
  }
  bool end_object() {
    scopes_.pop_back();
    return true;
  }
  bool start_array(std::size_t) {
    scopes_.emplace_back();
    return true;
  }
  bool end_array() {
    scopes_.pop_back();
    return true;
  }
  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& e) {
    error_ = Error(CodecErrc::MalformedJson,
                   "JSON syntax error at byte " + std::to_string(position) + ": " + e.what());
    return false;
  }
  // NOLINTEND(readability-identifier-naming)

  const std::optional<Error>& error() const { return error_; }

 private:
  struct Scope {
    bool isObject = false;
    std::set<std::string> keys;
    std::string lastKey;
  };

  // The chain of member names leading to the current object, for the detail.
  std::string location() const {
    std::string out;
    for (std::size_t i = 0; i + 1 < scopes_.size(); ++i) {
      if (scopes_[i].isObject) {
        out += "/" + scopes_[i].lastKey;
      }
    }
    return out.empty() ? "the top-level object" : out;
  }

  std::vector<Scope> scopes_;
  std::optional<Error> error_;
};

}  // namespace

Result<Json> parseJsonDocument(std::string_view text, const ParseLimits& limits) {
  if (text.size() > limits.maxBytes) {
    return Error(CodecErrc::InputTooLarge, "JSON document is " + std::to_string(text.size()) +
                                               " octets; the limit is " +
                                               std::to_string(limits.maxBytes));
  }
  if (auto depth = checkDepth(text, limits.maxDepth); !depth) {
    return std::move(depth).error();
  }
  try {
    DuplicateChecker checker;
    const bool ok = Json::sax_parse(text, &checker, nlohmann::detail::input_format_t::json, true);
    if (!ok || checker.error()) {
      if (checker.error()) {
        return *checker.error();
      }
      return Error(CodecErrc::MalformedJson, "JSON text is not well-formed");
    }
    Json document = Json::parse(text, nullptr, false);
    if (document.is_discarded()) {
      return Error(CodecErrc::MalformedJson, "JSON text is not well-formed");
    }
    if (!document.is_object()) {
      return Error(CodecErrc::UnexpectedDocument, std::string("the top-level JSON value is ") +
                                                      document.type_name() + ", not an object");
    }
    return document;
  } catch (const std::exception& e) {
    // nlohmann is used in its non-throwing modes; this only guards against
    // surprises such as allocation failure so that nothing escapes.
    return Error(CodecErrc::MalformedJson, std::string("JSON parser failure: ") + e.what());
  }
}

std::string dumpJson(const Json& value, int indent) {
  return value.dump(indent, ' ', false, Json::error_handler_t::replace);
}

}  // namespace sztp::model
