#include "config/yaml_section.h"

#include <charconv>
#include <cstdint>

#include "common/codec_error.h"

namespace sztp::config {

namespace fs = std::filesystem;

Error Section::error(const YAML::Node& at, const std::string& key, const std::string& what) const {
  const std::string where = path_.empty() ? key : key.empty() ? path_ : path_ + "." + key;
  return Error(CodecErrc::InvalidValue,
               where + " (line " + std::to_string(at.Mark().line + 1) + "): " + what);
}

bool Section::has(const std::string& key) {
  seen_.insert(key);
  return node_.IsMap() && node_[key] && !node_[key].IsNull();
}

std::string Section::childPath(const std::string& key) const {
  return path_.empty() ? key : path_ + "." + key;
}

Status Section::scalar(const std::string& key, std::string& out) {
  if (!has(key)) {
    return {};
  }
  const YAML::Node value = node_[key];
  if (!value.IsScalar()) {
    return error(value, key, "must be a single value");
  }
  out = value.as<std::string>();
  return {};
}

Status Section::path(const std::string& key, fs::path& out, const fs::path& base) {
  std::string text;
  SZTP_TRY(scalar(key, text));
  if (!text.empty()) {
    out = fs::path(text).is_absolute() ? fs::path(text) : base / text;
  }
  return {};
}

Status Section::flag(const std::string& key, bool& out) {
  std::string text;
  if (auto ok = scalar(key, text); !ok || text.empty()) {
    return ok;
  }
  if (text == "true" || text == "yes" || text == "on") {
    out = true;
  } else if (text == "false" || text == "no" || text == "off") {
    out = false;
  } else {
    return error(node_[key], key, "must be true or false");
  }
  return {};
}

Status Section::count(const std::string& key, std::size_t& out, std::size_t min, std::size_t max) {
  std::string text;
  if (auto ok = scalar(key, text); !ok || text.empty()) {
    return ok;
  }
  std::size_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < min || value > max) {
    return error(
        node_[key], key,
        "must be a whole number from " + std::to_string(min) + " to " + std::to_string(max));
  }
  out = value;
  return {};
}

Status Section::duration(const std::string& key, std::chrono::milliseconds& out) {
  std::string text;
  if (auto ok = scalar(key, text); !ok || text.empty()) {
    return ok;
  }
  auto parsed = parseDurationMs(text);
  if (!parsed) {
    return error(node_[key], key, parsed.error().detail());
  }
  out = *parsed;
  return {};
}

Status Section::list(const std::string& key, std::vector<std::string>& out) {
  if (!has(key)) {
    return {};
  }
  const YAML::Node value = node_[key];
  if (value.IsScalar()) {
    out = {value.as<std::string>()};
    return {};
  }
  if (!value.IsSequence()) {
    return error(value, key, "must be a list");
  }
  out.clear();
  for (const auto& item : value) {
    if (!item.IsScalar()) {
      return error(item, key, "every entry must be a single value");
    }
    out.push_back(item.as<std::string>());
  }
  return {};
}

Status Section::paths(const std::string& key, std::vector<fs::path>& out, const fs::path& base) {
  std::vector<std::string> texts;
  SZTP_TRY(list(key, texts));
  if (!has(key)) {
    return {};
  }
  out.clear();
  for (const auto& text : texts) {
    out.push_back(fs::path(text).is_absolute() ? fs::path(text) : base / text);
  }
  return {};
}

Status Section::choice(const std::string& key, std::string& out,
                       std::initializer_list<std::string_view> allowed) {
  std::string text;
  if (auto ok = scalar(key, text); !ok || text.empty()) {
    return ok;
  }
  std::string names;
  for (auto name : allowed) {
    if (text == name) {
      out = text;
      return {};
    }
    names += names.empty() ? "" : ", ";
    names += name;
  }
  return error(node_[key], key, "must be one of " + names);
}

Status Section::expectKeys(std::initializer_list<const char*> keys) {
  for (const char* key : keys) {
    seen_.insert(key);
  }
  return finish();
}

Status Section::finish() const {
  if (node_.IsNull()) {
    return {};
  }
  if (!node_.IsMap()) {
    return error(node_, "", "must be a mapping");
  }
  for (const auto& entry : node_) {
    const auto key = entry.first.as<std::string>();
    if (!seen_.contains(key)) {
      return error(entry.first, key, "unknown key");
    }
  }
  return {};
}

Status readConfigFile(std::string_view yaml, const fs::path& path,
                      const std::function<Status(const YAML::Node& root)>& read) {
  try {
    const YAML::Node root = YAML::Load(std::string(yaml));
    if (!root.IsMap()) {
      return Error(CodecErrc::InvalidValue, path.string() + ": the file must be a YAML mapping");
    }
    if (auto ok = read(root); !ok) {
      return std::move(ok).error().addContext(path.string());
    }
  } catch (const YAML::Exception& e) {
    return Error(CodecErrc::InvalidValue, path.string() + ": " + e.what());
  }
  return {};
}

Result<std::chrono::milliseconds> parseDurationMs(std::string_view text) {
  std::size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') {
    ++digits;
  }
  const std::string_view unit = text.substr(digits);
  std::int64_t value = 0;
  if (digits == 0 || digits > 9 ||
      std::from_chars(text.data(), text.data() + digits, value).ec != std::errc()) {
    return Error(CodecErrc::InvalidValue,
                 "\"" + std::string(text) + "\" is not a duration (e.g. 250ms, 10s, 2m, 1h)");
  }
  if (unit == "ms") {
    return std::chrono::milliseconds(value);
  }
  if (unit == "s") {
    return std::chrono::milliseconds(value * 1000);
  }
  if (unit == "m") {
    return std::chrono::milliseconds(value * 60'000);
  }
  if (unit == "h") {
    return std::chrono::milliseconds(value * 3'600'000);
  }
  return Error(CodecErrc::InvalidValue,
               "\"" + std::string(text) + "\": the unit must be ms, s, m or h");
}

}  // namespace sztp::config
