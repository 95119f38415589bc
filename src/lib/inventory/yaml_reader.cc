#include "inventory/yaml_reader.h"

#include <algorithm>
#include <charconv>
#include <set>

namespace sztp::inventory {

void ErrorSink::fail(const std::string& where, std::string_view problem, InventoryErrc code) {
  if (!error_) {
    error_ = Error(code, where + ": " + std::string(problem));
  }
}

void ErrorSink::fail(const std::string& where, const Error& cause, InventoryErrc code) {
  if (!error_) {
    error_ = Error(code, where + ": " + cause.describe());
  }
}

Error ErrorSink::error() const {
  return error_ ? *error_ : Error(InventoryErrc::Invalid, "unknown problem");
}

std::string location(const std::string& path, int line) {
  return (path.empty() ? std::string("(top level)") : path) + " (line " + std::to_string(line) +
         ")";
}

std::string joinPath(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}

std::string indexPath(const std::string& path, std::size_t index) {
  return path + "[" + std::to_string(index) + "]";
}

namespace {

std::string_view kindName(YamlNode::Kind kind) {
  switch (kind) {
    case YamlNode::Kind::Null:
      return "nothing";
    case YamlNode::Kind::Scalar:
      return "a value";
    case YamlNode::Kind::Sequence:
      return "a list";
    case YamlNode::Kind::Map:
      return "a mapping";
  }
  return "?";
}

}  // namespace

std::optional<std::string> scalarText(const YamlNode& node, const std::string& where,
                                      ErrorSink& sink) {
  if (node.kind != YamlNode::Kind::Scalar) {
    sink.fail(where, "must be a single value, not " + std::string(kindName(node.kind)));
    return std::nullopt;
  }
  return node.value;
}

MapReader::MapReader(const YamlNode& node, std::string path,
                     std::initializer_list<std::string_view> allowed, ErrorSink& sink)
    : node_(node), path_(std::move(path)), sink_(sink) {
  if (node.kind != YamlNode::Kind::Map) {
    sink_.fail(location(path_, node.line),
               "must be a mapping (key: value), not " + std::string(kindName(node.kind)));
    return;
  }
  std::set<std::string_view> seen;
  for (const auto& [key, value] : node.entries) {
    if (key.kind != YamlNode::Kind::Scalar) {
      sink_.fail(location(path_, key.line), "keys must be plain names");
      return;
    }
    if (std::find(allowed.begin(), allowed.end(), key.value) == allowed.end()) {
      std::string list;
      for (auto a : allowed) {
        list += (list.empty() ? "" : ", ") + std::string(a);
      }
      sink_.fail(location(joinPath(path_, key.value), key.line),
                 "unknown key (expected one of: " + list + ")");
      return;
    }
    if (!seen.insert(key.value).second) {
      sink_.fail(location(joinPath(path_, key.value), key.line), "key given twice");
      return;
    }
  }
}

const YamlNode* MapReader::get(std::string_view key) const {
  if (node_.kind != YamlNode::Kind::Map) {
    return nullptr;
  }
  for (const auto& [k, value] : node_.entries) {
    if (k.kind == YamlNode::Kind::Scalar && k.value == key) {
      return value.kind == YamlNode::Kind::Null ? nullptr : &value;
    }
  }
  return nullptr;
}

const YamlNode* MapReader::require(std::string_view key) {
  const YamlNode* value = get(key);
  if (value == nullptr) {
    fail(key, "missing (required)");
  }
  return value;
}

std::string MapReader::where(std::string_view key) const {
  const YamlNode* value = get(key);
  return location(pathOf(key), value != nullptr ? value->line : node_.line);
}

void MapReader::fail(std::string_view key, std::string_view problem, InventoryErrc code) {
  sink_.fail(key.empty() ? location(path_, node_.line) : where(key), problem, code);
}

std::string MapReader::string(std::string_view key, bool required) {
  const YamlNode* value = required ? require(key) : get(key);
  if (value == nullptr) {
    return {};
  }
  return scalarText(*value, where(key), sink_).value_or("");
}

bool MapReader::boolean(std::string_view key, bool fallback) {
  const YamlNode* value = get(key);
  if (value == nullptr) {
    return fallback;
  }
  // Only the two YAML 1.2 spellings: "yes", "on" or a quoted "true" are
  // typos or strings, and a silent misreading would change a security setting.
  if (value->kind == YamlNode::Kind::Scalar && value->plain &&
      (value->value == "true" || value->value == "false")) {
    return value->value == "true";
  }
  fail(key, "must be true or false");
  return fallback;
}

std::optional<std::uint64_t> MapReader::unsignedInteger(std::string_view key, std::uint64_t max) {
  const YamlNode* value = get(key);
  if (value == nullptr) {
    return std::nullopt;
  }
  std::uint64_t number = 0;
  if (value->kind == YamlNode::Kind::Scalar && value->plain && !value->value.empty()) {
    const char* begin = value->value.data();
    const char* end = begin + value->value.size();
    auto [ptr, ec] = std::from_chars(begin, end, number);
    if (ec == std::errc() && ptr == end && number <= max) {
      return number;
    }
  }
  fail(key, "must be a whole number from 0 to " + std::to_string(max));
  return std::nullopt;
}

std::vector<std::string> MapReader::strings(std::string_view key) {
  const YamlNode* value = get(key);
  std::vector<std::string> out;
  if (value == nullptr) {
    return out;
  }
  if (value->kind == YamlNode::Kind::Scalar) {
    out.push_back(value->value);
    return out;
  }
  if (value->kind != YamlNode::Kind::Sequence) {
    fail(key, "must be a value or a list of values");
    return out;
  }
  for (std::size_t i = 0; i < value->items.size(); ++i) {
    auto text = scalarText(value->items[i],
                           location(indexPath(pathOf(key), i), value->items[i].line), sink_);
    if (text) {
      out.push_back(std::move(*text));
    }
  }
  return out;
}

}  // namespace sztp::inventory
