#pragma once

#include <cstddef>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "admin/admin_service.h"
#include "admin/query.h"
#include "common/result.h"
#include "http/message.h"

// Internal: what the route handlers of the admin API share.

namespace sztp::admin::detail {

/// What the router hands a route: the request, the decoded {parameters} of
/// its path in order, and who made it.
struct Call {
  const http::Request& request;
  std::vector<std::string> params;
  std::string identity;
};

/// The service's dependencies, shared by every route.
struct ApiContext {
  registry::Registry& registry;
  const Clock& clock;
  AdminLimits limits;
  std::vector<crypto::Certificate> voucherTrustAnchors;
};

using RouteHandler = std::function<http::Response(const Call&)>;

/// Routes register themselves here; the service matches requests against
/// them (and lists them for the OpenAPI check).
class RouteTable {
 public:
  struct Route {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;
    std::size_t maxBodyBytes;
    RouteHandler handler;
  };

  void add(std::string method, std::string pattern, std::size_t maxBodyBytes, RouteHandler handler);
  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

void addObjectRoutes(RouteTable& table, ApiContext& context);
void addDeviceRoutes(RouteTable& table, ApiContext& context);
void addLogRoutes(RouteTable& table, ApiContext& context);
void addInventoryRoutes(RouteTable& table, ApiContext& context);

// ---- Replies ---------------------------------------------------------------

/// `body` as compact JSON with Content-Type application/json.
http::Response jsonReply(int status, const nlohmann::json& body);
/// {"error": {"reason", "message"}} with the status of httpStatusFor(); the
/// reason also goes to Response::reason.
http::Response errorReply(const Error& error);
http::Response noContent();

// ---- Requests --------------------------------------------------------------

/// The query of a call, only `allowed` parameters accepted.
Result<Query> queryOf(const Call& call, std::initializer_list<std::string_view> allowed);

/// The body as JSON: Content-Type must be absent or JSON (application/json or
/// +json), nesting within limits.
Result<nlohmann::json> jsonBody(const Call& call, const ApiContext& context);

/// The media type of the request, lowercased, without parameters ("" if none).
std::string mediaType(const http::Request& request);

/// Whether the client prefers `type` to JSON in its Accept header.
bool accepts(const http::Request& request, std::string_view type);

/// Unix milliseconds of the context's clock.
std::int64_t nowMs(const ApiContext& context);

/// "/api/v1/<collection>/<percent-encoded name>".
std::string resourcePath(std::string_view collection, std::string_view name);

inline constexpr std::string_view kApiRoot = "/api/v1";

}  // namespace sztp::admin::detail
