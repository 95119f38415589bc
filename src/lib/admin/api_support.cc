#include "admin/api_support.h"

#include "admin/admin_error.h"
#include "admin/json_body.h"

namespace sztp::admin::detail {

void RouteTable::add(std::string method, std::string pattern, std::size_t maxBodyBytes,
                     RouteHandler handler) {
  Route route{std::move(method), std::move(pattern), {}, maxBodyBytes, std::move(handler)};
  std::string_view rest(route.pattern);
  while (!rest.empty()) {
    rest.remove_prefix(1);  // the '/'
    const auto slash = rest.find('/');
    route.segments.emplace_back(rest.substr(0, slash));
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
  }
  routes_.push_back(std::move(route));
}

http::Response jsonReply(int status, const nlohmann::json& body) {
  http::Response response;
  response.status = status;
  response.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  response.body += "\n";
  response.setHeader("Content-Type", "application/json");
  response.setHeader("Cache-Control", "no-store");
  return response;
}

http::Response errorReply(const Error& error) {
  auto response = jsonReply(
      httpStatusFor(error),
      {{"error", {{"reason", std::string(error.reason())}, {"message", error.message()}}}});
  response.reason = std::string(error.reason());
  response.logDetail = error.detail();
  if (response.status == 401) {
    response.setHeader("WWW-Authenticate", "Bearer realm=\"sztp-admin\"");
  }
  return response;
}

http::Response noContent() {
  http::Response response;
  response.status = 204;
  return response;
}

Result<Query> queryOf(const Call& call, std::initializer_list<std::string_view> allowed) {
  return Query::parse(call.request.query(), allowed);
}

std::string mediaType(const http::Request& request) {
  const auto header = request.header("content-type");
  if (!header) {
    return {};
  }
  std::string type = http::lowercase(header->substr(0, header->find(';')));
  while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) {
    type.pop_back();
  }
  return type;
}

bool accepts(const http::Request& request, std::string_view type) {
  const auto accept = request.header("accept");
  if (!accept) {
    return false;
  }
  const std::string value = http::lowercase(*accept);
  const auto wanted = value.find(type);
  if (wanted == std::string::npos) {
    return false;
  }
  // Both listed: whichever comes first is preferred (q-values are not weighed).
  const auto json = value.find("application/json");
  return json == std::string::npos || wanted < json;
}

Result<nlohmann::json> jsonBody(const Call& call, const ApiContext& context) {
  const std::string type = mediaType(call.request);
  if (!type.empty() && type != "application/json" && !type.ends_with("+json")) {
    return Error(AdminErrc::UnsupportedMediaType,
                 "Content-Type " + type + "; this resource reads application/json");
  }
  return parseJsonBody(call.request.body, context.limits.maxJsonDepth);
}

std::int64_t nowMs(const ApiContext& context) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             context.clock.now().time_since_epoch())
      .count();
}

std::string resourcePath(std::string_view collection, std::string_view name) {
  return std::string(kApiRoot) + "/" + std::string(collection) + "/" + percentEncode(name);
}

}  // namespace sztp::admin::detail
