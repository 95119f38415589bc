#include "admin/admin_service.h"

#include <exception>

#include "admin/admin_error.h"
#include "admin/api_support.h"
#include "http/http_error.h"
#include "http/target_path.h"

namespace sztp::admin {

class AdminService::Impl {
 public:
  Impl(registry::Registry& registry, const Clock& clock, AdminSettings settings)
      : authenticator_(std::move(settings.auth), clock),
        context_{registry, clock, settings.limits, std::move(settings.voucherTrustAnchors)} {
    detail::addObjectRoutes(table_, context_);
    detail::addDeviceRoutes(table_, context_);
    detail::addLogRoutes(table_, context_);
    detail::addInventoryRoutes(table_, context_);
  }

  http::Response handle(const http::Request& request, const http::Peer& peer) {
    // Authentication comes first: without it, not even a 404 is given.
    auto identity = authenticator_.authenticate(request, peer);
    if (!identity) {
      return detail::errorReply(identity.error());
    }
    auto reply = route(request, *identity);
    reply.identity = *identity;
    return reply;
  }

  std::vector<RouteInfo> routes() const {
    std::vector<RouteInfo> out;
    for (const auto& route : table_.routes()) {
      out.push_back({route.method, route.pattern});
    }
    return out;
  }

 private:
  http::Response route(const http::Request& request, const std::string& identity) {
    auto segments = http::decodePathSegments(request.path());
    if (!segments) {
      return detail::errorReply(segments.error());
    }
    std::string allow;
    for (const auto& route : table_.routes()) {
      std::vector<std::string> params;
      if (!matches(route.segments, *segments, params)) {
        continue;
      }
      if (route.method != request.method) {
        allow += allow.empty() ? "" : ", ";
        allow += route.method;
        continue;
      }
      const std::size_t limit = route.maxBodyBytes;
      if (request.body.size() > limit) {
        return detail::errorReply(
            Error(http::HttpErrc::BodyTooLarge, std::to_string(request.body.size()) + " octets; " +
                                                    route.pattern + " takes at most " +
                                                    std::to_string(limit)));
      }
      const detail::Call call{request, std::move(params), identity};
      try {
        return route.handler(call);
      } catch (const std::exception& e) {
        // A bug or memory exhaustion; the library contract is that nothing
        // escapes, so it becomes a 500 with the reason code the transport uses.
        auto reply = detail::errorReply(Error(http::HttpErrc::HandlerFailed, e.what()));
        reply.status = 500;
        return reply;
      }
    }
    if (!allow.empty()) {
      auto reply = detail::errorReply(
          Error(http::HttpErrc::MethodNotAllowed, request.method + " (allowed: " + allow + ")"));
      reply.setHeader("Allow", allow);
      return reply;
    }
    return detail::errorReply(Error(AdminErrc::UnknownResource, std::string(request.path())));
  }

  static bool matches(const std::vector<std::string>& pattern,
                      const std::vector<std::string>& segments, std::vector<std::string>& params) {
    if (pattern.size() != segments.size()) {
      return false;
    }
    for (std::size_t i = 0; i < pattern.size(); ++i) {
      if (pattern[i].starts_with('{')) {
        params.push_back(segments[i]);
      } else if (pattern[i] != segments[i]) {
        params.clear();
        return false;
      }
    }
    return true;
  }

  AdminAuthenticator authenticator_;
  detail::ApiContext context_;
  detail::RouteTable table_;
};

AdminService::AdminService(registry::Registry& registry, const Clock& clock, AdminSettings settings)
    : impl_(std::make_unique<Impl>(registry, clock, std::move(settings))) {}

AdminService::~AdminService() = default;

http::Response AdminService::handle(const http::Request& request, const http::Peer& peer) {
  return impl_->handle(request, peer);
}

std::vector<RouteInfo> AdminService::routes() const {
  return impl_->routes();
}

}  // namespace sztp::admin
