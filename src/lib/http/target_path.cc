#include "http/target_path.h"

#include "http/http_error.h"

namespace sztp::http {
namespace {

int hexValue(char c) {
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
}

Error malformed(std::string_view path, std::string_view why) {
  return Error(HttpErrc::MalformedTarget,
               "'" + std::string(path.substr(0, 128)) + "': " + std::string(why));
}

Error escapes(std::string_view path, std::string_view why) {
  return Error(HttpErrc::TargetEscapesRoot,
               "'" + std::string(path.substr(0, 128)) + "': " + std::string(why));
}

}  // namespace

Result<std::vector<std::string>> decodePathSegments(std::string_view path) {
  if (path.size() > kMaxTargetPathBytes) {
    return Error(HttpErrc::MalformedTarget,
                 "the path is longer than " + std::to_string(kMaxTargetPathBytes) + " octets");
  }
  if (path.empty() || path.front() != '/') {
    return malformed(path, "the path must start with '/'");
  }
  std::vector<std::string> segments;
  std::string current;
  auto finish = [&]() -> Status {
    if (current == "." || current == "..") {
      return escapes(path, "dot segments are refused");
    }
    if (!current.empty()) {
      segments.push_back(std::move(current));
    }
    current.clear();
    return {};
  };
  for (std::size_t i = 1; i < path.size(); ++i) {
    const char raw = path[i];
    if (raw == '/') {
      if (auto done = finish(); !done) {
        return std::move(done).error();
      }
      continue;
    }
    char c = raw;
    if (raw == '%') {
      const int high = i + 2 < path.size() ? hexValue(path[i + 1]) : -1;
      const int low = i + 2 < path.size() ? hexValue(path[i + 2]) : -1;
      if (high < 0 || low < 0) {
        return malformed(path, "'%' must be followed by two hex digits");
      }
      c = static_cast<char>(high * 16 + low);
      i += 2;
      if (c == '/' || c == '\0') {
        return escapes(path, "an encoded '/' or NUL is refused");
      }
    }
    const auto octet = static_cast<unsigned char>(c);
    if (c == '\\') {
      return escapes(path, "'\\' is refused");
    }
    if (octet < 0x20 || octet == 0x7f) {
      return malformed(path, "control characters are refused");
    }
    current.push_back(c);
  }
  if (auto done = finish(); !done) {
    return std::move(done).error();
  }
  return segments;
}

}  // namespace sztp::http
