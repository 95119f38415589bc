#include "net/message_convert.h"

#include <algorithm>

namespace sztp::net::detail {
namespace {

bool isTokenChar(unsigned char c) {
  static constexpr std::string_view kSpecials = "!#$%&'*+-.^_`|~";
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         kSpecials.find(static_cast<char>(c)) != std::string_view::npos;
}

bool isSafeName(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return isTokenChar(static_cast<unsigned char>(c));
  });
}

bool isSafeValue(std::string_view value) {
  return value.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

void copyFields(const BeastRequest& message, http::Request& request) {
  request.method = std::string(message.method_string());
  request.target = std::string(message.target());
  request.headers.reserve(std::distance(message.begin(), message.end()));
  for (const auto& field : message) {
    request.headers.emplace_back(http::lowercase(field.name_string()), std::string(field.value()));
  }
}

}  // namespace

http::Request toRequest(BeastRequest&& message) {
  http::Request request;
  copyFields(message, request);
  request.body = std::move(message.body());
  return request;
}

http::Request partialRequest(const BeastRequest& message) {
  http::Request request;
  copyFields(message, request);
  return request;
}

void copyResponseHeaders(const http::Response& response, bhttp::fields& fields) {
  for (const auto& [name, value] : response.headers) {
    const std::string lower = http::lowercase(name);
    if (lower == "content-length" || lower == "transfer-encoding" || lower == "connection" ||
        !isSafeName(name) || !isSafeValue(value)) {
      continue;
    }
    fields.insert(name, value);
  }
}

bool asksToClose(const http::Response& response) {
  const auto connection = response.header("connection");
  return connection && http::lowercase(*connection).find("close") != std::string::npos;
}

http::Response plainErrorResponse(int status, const std::error_code& code) {
  http::Response response;
  response.status = status;
  response.setHeader("Content-Type", "text/plain; charset=utf-8");
  const Error error(code);
  response.body = error.describe() + "\n";
  response.reason = std::string(error.reason());
  return response;
}

bool isValidStatus(int status) {
  return status >= 100 && status <= 599;
}

bool statusHasBody(int status) {
  return status >= 200 && status != 204 && status != 304;
}

}  // namespace sztp::net::detail
