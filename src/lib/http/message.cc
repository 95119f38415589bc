#include "http/message.h"

#include <algorithm>

namespace sztp::http {

std::string lowercase(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) {
    return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  });
  return out;
}

namespace {

std::optional<std::string_view> findHeader(const Headers& headers, std::string_view name) {
  const std::string wanted = lowercase(name);
  for (const auto& [key, value] : headers) {
    if (key.size() == wanted.size() && lowercase(key) == wanted) {
      return std::string_view(value);
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string_view> Request::header(std::string_view name) const {
  return findHeader(headers, name);
}

std::string_view Request::path() const {
  std::string_view view(target);
  return view.substr(0, view.find('?'));
}

std::string_view Request::query() const {
  std::string_view view(target);
  const auto mark = view.find('?');
  return mark == std::string_view::npos ? std::string_view() : view.substr(mark + 1);
}

Response& Response::setHeader(std::string name, std::string value) {
  const std::string wanted = lowercase(name);
  for (auto& [key, existing] : headers) {
    if (lowercase(key) == wanted) {
      existing = std::move(value);
      return *this;
    }
  }
  headers.emplace_back(std::move(name), std::move(value));
  return *this;
}

std::optional<std::string_view> Response::header(std::string_view name) const {
  return findHeader(headers, name);
}

std::string Peer::endpoint() const {
  const bool v6 = address.find(':') != std::string::npos;
  return (v6 ? "[" + address + "]" : address) + ":" + std::to_string(port);
}

}  // namespace sztp::http
