#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "admin/admin_auth.h"
#include "common/clock.h"
#include "http/message.h"
#include "registry/registry.h"

namespace sztp::admin {

/// Limits on what one admin request may ask for (docs/admin-api.md, "Limits").
struct AdminLimits {
  /// Bodies of every resource except the two bulk ones.
  std::size_t maxBodyBytes = std::size_t{1} << 20;
  /// Bodies of POST /api/v1/devices:bulk and PUT /api/v1/inventory. The
  /// listener's own max-body-bytes must be at least this for it to matter.
  std::size_t maxBulkBodyBytes = std::size_t{64} << 20;
  /// Nesting of JSON bodies, checked before parsing.
  std::size_t maxJsonDepth = 64;
  /// Page size of lists when `limit` is not given, and the largest allowed.
  std::size_t defaultPageSize = 100;
  std::size_t maxPageSize = 1000;
  /// The timeline shows the newest this many events (older ones are counted).
  std::size_t timelineEvents = 1000;
  /// Longest activation code accepted.
  std::size_t maxActivationCodeBytes = 1024;
};

struct AdminSettings {
  AdminAuthSettings auth;
  AdminLimits limits;
  /// MASA trust anchors for ownership vouchers in bulk imports: when set, a
  /// voucher whose signature does not verify is refused at import (the
  /// device would refuse it later, D23). Empty: vouchers are decoded and
  /// their serial numbers checked, not their signatures.
  std::vector<crypto::Certificate> voucherTrustAnchors;
};

/// One resource of the API, for documentation checks: `pattern` uses
/// OpenAPI's template syntax ("/api/v1/devices/{serial}").
struct RouteInfo {
  std::string method;
  std::string pattern;
};

/// The admin REST/JSON API (docs/admin-api.md, docs/openapi.yaml) as an
/// http::Handler over the registry: no sockets, so tests call it directly
/// and src/lib/net serves it on its own (loopback by default) listener.
///
/// Every request is authenticated first (bearer token or admin client
/// certificate; fail closed when neither is configured), so an
/// unauthenticated client learns nothing, not even which paths exist.
/// Errors are `{"error": {"reason": "<reason code>", "message": "..."}}`
/// with the status of httpStatusFor(); Response::reason carries the same
/// code for the audit record, Response::identity who was authenticated.
/// Thread-safe when the registry is (every Registry is).
class AdminService {
 public:
  AdminService(registry::Registry& registry, const Clock& clock, AdminSettings settings);
  ~AdminService();
  AdminService(const AdminService&) = delete;
  AdminService& operator=(const AdminService&) = delete;

  http::Response handle(const http::Request& request, const http::Peer& peer);

  /// Every method and path the API serves.
  std::vector<RouteInfo> routes() const;

  class Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace sztp::admin
