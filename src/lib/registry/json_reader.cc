#include "registry/json_reader.h"

#include <limits>

#include "common/base64.h"
#include "common/hex.h"
#include "registry/registry_error.h"

namespace sztp::registry {

JsonReader::JsonReader(const nlohmann::json& value, std::string path)
    : value_(value), path_(std::move(path)), error_(std::make_shared<std::optional<Error>>()) {
  if (!value_.is_object()) {
    fail(path_, "must be an object", false);
  }
}

JsonReader::JsonReader(const nlohmann::json& value, std::string path, const JsonReader& parent)
    : value_(value), path_(std::move(path)), error_(parent.error_) {
  if (!value_.is_object()) {
    fail(path_, "must be an object", false);
  }
}

std::string JsonReader::pathOf(std::string_view key) const {
  return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

void JsonReader::fail(std::string_view pathOrKey, std::string_view problem, bool isKey) {
  if (*error_) {
    return;
  }
  std::string where = isKey ? pathOf(pathOrKey) : std::string(pathOrKey);
  if (where.empty()) {
    where = "the value";
  }
  *error_ = Error(RegistryErrc::InvalidObject, where + ": " + std::string(problem));
}

void JsonReader::fail(std::string_view key, const Error& error) {
  fail(key, std::string(error.reason()) + (error.detail().empty() ? "" : ": " + error.detail()));
}

Error JsonReader::error() const {
  return *error_ ? **error_ : Error(RegistryErrc::InvalidObject);
}

const nlohmann::json* JsonReader::member(std::string_view key, bool required) {
  if (!value_.is_object()) {
    return nullptr;
  }
  read_.emplace(key);
  const auto it = value_.find(key);
  if (it == value_.end()) {
    if (required) {
      fail(key, "is missing");
    }
    return nullptr;
  }
  return &*it;
}

const nlohmann::json* JsonReader::raw(std::string_view key) {
  return member(key, false);
}

std::string JsonReader::string(std::string_view key, bool required) {
  const auto* value = member(key, required);
  if (value == nullptr) {
    return {};
  }
  if (!value->is_string()) {
    fail(key, "must be a string");
    return {};
  }
  return value->get<std::string>();
}

bool JsonReader::boolean(std::string_view key, bool fallback) {
  const auto* value = member(key, false);
  if (value == nullptr) {
    return fallback;
  }
  if (!value->is_boolean()) {
    fail(key, "must be true or false");
    return fallback;
  }
  return value->get<bool>();
}

std::int64_t JsonReader::integer(std::string_view key, std::int64_t fallback, std::int64_t min,
                                 std::int64_t max) {
  const auto* value = member(key, false);
  if (value == nullptr) {
    return fallback;
  }
  std::int64_t result = 0;
  if (value->is_number_unsigned()) {
    const auto u = value->get<std::uint64_t>();
    if (u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      fail(key, "is out of range");
      return fallback;
    }
    result = static_cast<std::int64_t>(u);
  } else if (value->is_number_integer()) {
    result = value->get<std::int64_t>();
  } else {
    fail(key, "must be an integer");
    return fallback;
  }
  if (result < min || result > max) {
    fail(key, "must be from " + std::to_string(min) + " to " + std::to_string(max));
    return fallback;
  }
  return result;
}

std::uint64_t JsonReader::unsignedInteger(std::string_view key, std::uint64_t fallback) {
  const auto* value = member(key, false);
  if (value == nullptr) {
    return fallback;
  }
  if (value->is_number_unsigned()) {
    return value->get<std::uint64_t>();
  }
  if (value->is_number_integer() && value->get<std::int64_t>() >= 0) {
    return static_cast<std::uint64_t>(value->get<std::int64_t>());
  }
  fail(key, "must be a non-negative integer");
  return fallback;
}

Bytes JsonReader::base64(std::string_view key, bool required) {
  auto bytes = optionalBase64(key);
  if (!bytes) {
    if (required) {
      fail(key, "is missing");
    }
    return {};
  }
  return std::move(*bytes);
}

std::optional<Bytes> JsonReader::optionalBase64(std::string_view key) {
  const auto* value = member(key, false);
  if (value == nullptr) {
    return std::nullopt;
  }
  if (!value->is_string()) {
    fail(key, "must be a base64 string");
    return std::nullopt;
  }
  auto decoded = base64Decode(value->get_ref<const std::string&>());
  if (!decoded) {
    fail(key, "is not padded base64");
    return std::nullopt;
  }
  return std::move(*decoded);
}

Bytes JsonReader::hex(std::string_view key, bool required) {
  const std::string text = string(key, required);
  if (text.size() % 2 != 0) {
    fail(key, "must be hex digits, two per octet");
    return {};
  }
  Bytes out;
  out.reserve(text.size() / 2);
  const auto digit = [](char c) -> int {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  };
  for (std::size_t i = 0; i < text.size(); i += 2) {
    const int high = digit(text[i]);
    const int low = digit(text[i + 1]);
    if (high < 0 || low < 0) {
      fail(key, "must be hex digits, two per octet");
      return {};
    }
    out.push_back(static_cast<std::uint8_t>(high * 16 + low));
  }
  return out;
}

void JsonReader::array(std::string_view key, bool required,
                       const std::function<void(const nlohmann::json&, const std::string&)>& item) {
  const auto* value = member(key, required);
  if (value == nullptr) {
    return;
  }
  if (!value->is_array()) {
    fail(key, "must be an array");
    return;
  }
  const std::string base = pathOf(key);
  for (std::size_t i = 0; i < value->size() && ok(); ++i) {
    item((*value)[i], base + "[" + std::to_string(i) + "]");
  }
}

std::vector<std::string> JsonReader::strings(std::string_view key) {
  std::vector<std::string> out;
  array(key, false, [&](const nlohmann::json& value, const std::string& path) {
    if (!value.is_string()) {
      fail(path, "must be a string", false);
      return;
    }
    out.push_back(value.get<std::string>());
  });
  return out;
}

std::vector<Bytes> JsonReader::base64List(std::string_view key, bool required) {
  std::vector<Bytes> out;
  array(key, required, [&](const nlohmann::json& value, const std::string& path) {
    if (!value.is_string()) {
      fail(path, "must be a base64 string", false);
      return;
    }
    auto decoded = base64Decode(value.get_ref<const std::string&>());
    if (!decoded) {
      fail(path, "is not padded base64", false);
      return;
    }
    out.push_back(std::move(*decoded));
  });
  return out;
}

std::optional<std::size_t> JsonReader::enumIndex(std::string_view key,
                                                 const std::string_view* names, std::size_t count,
                                                 bool required) {
  const auto* value = member(key, required);
  if (value == nullptr) {
    return std::nullopt;
  }
  if (value->is_string()) {
    const auto& text = value->get_ref<const std::string&>();
    for (std::size_t i = 0; i < count; ++i) {
      if (names[i] == text) {
        return i;
      }
    }
  }
  std::string allowed;
  for (std::size_t i = 0; i < count; ++i) {
    allowed += (i == 0 ? "\"" : ", \"") + std::string(names[i]) + "\"";
  }
  fail(key, "must be one of " + allowed);
  return std::nullopt;
}

void JsonReader::finish() {
  if (!ok() || !value_.is_object()) {
    return;
  }
  for (const auto& [key, unused] : value_.items()) {
    if (read_.find(key) == read_.end()) {
      fail(key, "is not a known key");
      return;
    }
  }
}

}  // namespace sztp::registry
