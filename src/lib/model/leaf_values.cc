#include "model/leaf_values.h"

#include <limits>

#include "common/base64.h"
#include "common/codec_error.h"
#include "model/text_checks.h"

namespace sztp::model {
namespace {

constexpr std::string_view kBase64Alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string jsonTypeName(const Json& value) {
  if (value.is_number_float()) {
    return "a non-integer number";
  }
  if (value.is_number()) {
    return "a number";
  }
  if (value.is_boolean()) {
    return "a boolean";
  }
  if (value.is_string()) {
    return "a string";
  }
  if (value.is_null()) {
    return "null";
  }
  return std::string("an ") + value.type_name();
}

// The text of an XML leaf: its character data, with no element children.
Result<std::string> xmlText(const LeafValue& leaf) {
  std::string text;
  for (pugi::xml_node child = leaf.xml().first_child(); child; child = child.next_sibling()) {
    if (child.type() == pugi::node_pcdata || child.type() == pugi::node_cdata) {
      text += child.value();
    } else if (child.type() == pugi::node_element) {
      return invalidValue(leaf,
                          "a leaf holds text, not the element <" + std::string(child.name()) + ">");
    }
  }
  return text;
}

// The lexical text of a leaf whose JSON form is a string.
Result<std::string> stringText(const LeafValue& leaf, std::string_view typeName) {
  if (leaf.json() != nullptr) {
    if (!leaf.json()->is_string()) {
      return invalidValue(
          leaf, std::string(typeName) + " is a JSON string, found " + jsonTypeName(*leaf.json()));
    }
    return leaf.json()->get_ref<const std::string&>();
  }
  return xmlText(leaf);
}

}  // namespace

Error invalidValue(const LeafValue& leaf, std::string_view why) {
  return nodeError(CodecErrc::InvalidValue, leaf.path(), why);
}

Result<std::string> readString(const LeafValue& leaf) {
  auto text = stringText(leaf, "a YANG string");
  if (!text) {
    return text;
  }
  if (auto problem = yangStringProblem(*text)) {
    return invalidValue(leaf, *problem);
  }
  return text;
}

Result<Bytes> decodeYangBinary(std::string_view text, bool allowWhitespace) {
  std::string copy(text);
  std::size_t end = copy.size();
  const auto isSpace = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (allowWhitespace && end > 0 && isSpace(copy[end - 1])) {
    --end;
  }
  int padding = 0;
  while (end > 0 && copy[end - 1] == '=' && padding < 2) {
    --end;
    ++padding;
    while (allowWhitespace && end > 0 && isSpace(copy[end - 1])) {
      --end;
    }
  }
  if (padding > 0 && end > 0) {
    const auto index = kBase64Alphabet.find(copy[end - 1]);
    if (index != std::string_view::npos) {
      const std::size_t mask = padding == 2 ? 0x30 : 0x3C;
      copy[end - 1] = kBase64Alphabet[index & mask];
    }
  }
  return base64Decode(copy, allowWhitespace);
}

Result<Bytes> readBinary(const LeafValue& leaf) {
  auto text = stringText(leaf, "binary (base64)");
  if (!text) {
    return std::move(text).error();
  }
  auto bytes = decodeYangBinary(*text, leaf.json() == nullptr);
  if (!bytes) {
    return invalidValue(leaf, bytes.error().detail());
  }
  return bytes;
}

Result<std::uint16_t> readUint16(const LeafValue& leaf) {
  constexpr unsigned kMax = std::numeric_limits<std::uint16_t>::max();
  if (const Json* json = leaf.json()) {
    if (json->is_number_unsigned()) {
      const auto value = json->get<Json::number_unsigned_t>();
      if (value > kMax) {
        return invalidValue(leaf, std::to_string(value) + " is outside the uint16 range 0..65535");
      }
      return static_cast<std::uint16_t>(value);
    }
    if (json->is_number_integer()) {
      return invalidValue(leaf, "a negative number is outside the uint16 range 0..65535");
    }
    return invalidValue(leaf,
                        "a uint16 is a JSON number (RFC 7951 §6.1), found " + jsonTypeName(*json));
  }
  auto text = xmlText(leaf);
  if (!text) {
    return std::move(text).error();
  }
  std::string_view digits = *text;
  if (digits.starts_with('+')) {
    digits.remove_prefix(1);
  }
  if (digits.empty() || digits.size() > 10) {
    return invalidValue(leaf, "'" + *text + "' is not a uint16");
  }
  unsigned long value = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') {
      return invalidValue(leaf, "'" + *text + "' is not a uint16");
    }
    value = value * 10 + static_cast<unsigned long>(c - '0');
  }
  if (value > kMax) {
    return invalidValue(leaf, *text + " is outside the uint16 range 0..65535");
  }
  return static_cast<std::uint16_t>(value);
}

Result<bool> readBoolean(const LeafValue& leaf) {
  if (const Json* json = leaf.json()) {
    if (json->is_boolean()) {
      return json->get<bool>();
    }
    return invalidValue(leaf,
                        "a boolean must be the JSON literal true or false (RFC 7951 §6.3), "
                        "found " +
                            jsonTypeName(*json) +
                            (json->is_string() ? " \"" + json->get<std::string>() + "\"" : ""));
  }
  auto text = xmlText(leaf);
  if (!text) {
    return std::move(text).error();
  }
  if (*text == "true") {
    return true;
  }
  if (*text == "false") {
    return false;
  }
  return invalidValue(leaf, "'" + *text + "' is not a boolean (true or false)");
}

Status readEmpty(const LeafValue& leaf) {
  if (const Json* json = leaf.json()) {
    if (json->is_array() && json->size() == 1 && (*json)[0].is_null()) {
      return {};
    }
    return invalidValue(leaf, "an empty leaf is [null] in JSON (RFC 7951 §6.9), found " +
                                  dumpJson(*json, -1).substr(0, 40));
  }
  if (leaf.xml().first_child()) {
    return invalidValue(leaf, "an empty leaf has no content in XML");
  }
  return {};
}

Result<std::size_t> readEnumeration(const LeafValue& leaf,
                                    std::span<const std::string_view> names) {
  auto text = stringText(leaf, "an enumeration");
  if (!text) {
    return std::move(text).error();
  }
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i] == *text) {
      return i;
    }
  }
  std::string allowed;
  if (names.size() <= 6) {
    for (const auto name : names) {
      allowed += (allowed.empty() ? "" : ", ") + std::string(name);
    }
    allowed = "; expected one of: " + allowed;
  }
  return invalidValue(leaf,
                      "'" + text->substr(0, 64) + "' is not a value of the enumeration" + allowed);
}

Result<IdentityName> readIdentityref(const LeafValue& leaf) {
  auto text = stringText(leaf, "an identityref");
  if (!text) {
    return std::move(text).error();
  }
  const auto colon = text->find(':');
  const std::string prefix = colon == std::string::npos ? std::string() : text->substr(0, colon);
  const std::string name = colon == std::string::npos ? *text : text->substr(colon + 1);
  if (name.empty() || (colon != std::string::npos && prefix.empty())) {
    return invalidValue(leaf, "'" + *text + "' is not an identity name");
  }
  if (leaf.json() != nullptr) {
    // RFC 7951 §6.8: "module:identity"; the module may be omitted when it is
    // the leaf's own.
    return IdentityName{prefix.empty() ? std::string(leaf.module().name) : prefix, name};
  }
  if (auto ns = lookupNamespace(leaf.xml(), prefix)) {
    if (auto module = moduleByNamespace(*ns)) {
      return IdentityName{std::string(module->name), name};
    }
    return invalidValue(leaf, "the prefix of '" + *text + "' maps to the namespace '" + *ns +
                                  "', which defines no identity used here");
  }
  if (moduleByName(prefix)) {
    return IdentityName{prefix, name};
  }
  return invalidValue(leaf, "the prefix '" + prefix + "' of '" + *text + "' is not declared");
}

Result<DateTime> readDateTime(const LeafValue& leaf) {
  auto text = stringText(leaf, "yang:date-and-time");
  if (!text) {
    return std::move(text).error();
  }
  auto parsed = parseDateTime(*text);
  if (!parsed) {
    return invalidValue(leaf, "'" + text->substr(0, 64) +
                                  "' is not a yang:date-and-time: " + parsed.error().detail());
  }
  return parsed;
}

Result<std::string> readUint64OrString(const LeafValue& leaf) {
  if (const Json* json = leaf.json()) {
    if (json->is_number_unsigned()) {
      return std::to_string(json->get<Json::number_unsigned_t>());
    }
    if (json->is_number()) {
      return invalidValue(leaf, "a number here must be a uint64");
    }
  }
  return readString(leaf);
}

}  // namespace sztp::model
