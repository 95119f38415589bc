#include "admin/admin_error.h"

#include <array>

#include "http/http_error.h"
#include "inventory/inventory_error.h"
#include "registry/registry_error.h"

namespace sztp::admin {
namespace {

#define SZTP_REASON(value, code, message)             \
  ReasonInfo {                                        \
    static_cast<int>(AdminErrc::value), code, message \
  }

constexpr std::array kReasons{
    SZTP_REASON(AuthNotConfigured, "admin-auth-not-configured",
                "no admin token and no admin client CA is configured, so the admin API refuses "
                "every request; configure admin tokens or an admin client CA"),
    SZTP_REASON(NotAuthenticated, "admin-not-authenticated",
                "the request carries neither a bearer token nor an admin client certificate; "
                "pass --token-file or --cert/--key"),
    SZTP_REASON(TokenRejected, "admin-token-rejected",
                "the bearer token is not one of the server's admin tokens; check the token file"),
    SZTP_REASON(CertificateRejected, "admin-certificate-rejected",
                "the client certificate does not chain to an admin client CA or is outside its "
                "validity period"),
    SZTP_REASON(MalformedBody, "admin-body-malformed",
                "the request body does not parse as the resource's JSON, YAML or CSV form; the "
                "detail names the position"),
    SZTP_REASON(UnsupportedMediaType, "admin-media-type-unsupported",
                "the request's Content-Type is not one this resource reads; see "
                "docs/admin-api.md"),
    SZTP_REASON(UnknownResource, "admin-resource-unknown",
                "no admin API resource has this path; see docs/admin-api.md"),
    SZTP_REASON(InvalidParameter, "admin-parameter-invalid",
                "a query parameter is unknown or its value is malformed"),
    SZTP_REASON(NameMismatch, "admin-name-mismatch",
                "the name or serial number in the body differs from the one in the path"),
    SZTP_REASON(AlreadyExists, "admin-already-exists",
                "the object or device already exists; use PUT (sztp admin ... put) to replace it"),
    SZTP_REASON(ServerUnreachable, "admin-server-unreachable",
                "the admin API cannot be reached; check --server (or SZTP_ADMIN_URL), that "
                "sztp-server runs, and the TLS options"),
    SZTP_REASON(ReplyMalformed, "admin-reply-malformed",
                "the server's answer is not the admin API's JSON; check --server points at the "
                "admin listener"),
};

#undef SZTP_REASON

int adminStatus(AdminErrc e) {
  switch (e) {
    case AdminErrc::AuthNotConfigured:
    case AdminErrc::NotAuthenticated:
    case AdminErrc::TokenRejected:
    case AdminErrc::CertificateRejected:
      return 401;
    case AdminErrc::UnsupportedMediaType:
      return 415;
    case AdminErrc::UnknownResource:
      return 404;
    case AdminErrc::AlreadyExists:
      return 409;
    case AdminErrc::MalformedBody:
    case AdminErrc::InvalidParameter:
    case AdminErrc::NameMismatch:
      return 400;
    case AdminErrc::ServerUnreachable:
    case AdminErrc::ReplyMalformed:
      return 502;
  }
  return 400;
}

int registryStatus(registry::RegistryErrc e) {
  switch (e) {
    case registry::RegistryErrc::NotFound:
      return 404;
    case registry::RegistryErrc::InUse:
    case registry::RegistryErrc::DanglingReference:
      return 409;
    case registry::RegistryErrc::InvalidObject:
      return 400;
    case registry::RegistryErrc::StorageFailure:
    case registry::RegistryErrc::SchemaTooNew:
    case registry::RegistryErrc::StorageCorrupt:
      return 500;
  }
  return 500;
}

}  // namespace

const ReasonCategory& adminCategory() noexcept {
  // Function-local so initialisation order across libraries cannot matter.
  static const ReasonCategory category("sztp.admin", kReasons);
  return category;
}

int httpStatusFor(const Error& error) {
  const auto& category = error.code().category();
  const int value = error.code().value();
  if (category == adminCategory()) {
    return adminStatus(static_cast<AdminErrc>(value));
  }
  if (category == registry::registryCategory()) {
    return registryStatus(static_cast<registry::RegistryErrc>(value));
  }
  if (category == http::httpCategory()) {
    return http::statusFor(static_cast<http::HttpErrc>(value));
  }
  if (category == inventory::inventoryCategory()) {
    switch (static_cast<inventory::InventoryErrc>(value)) {
      case inventory::InventoryErrc::DanglingReference:
        return 409;
      case inventory::InventoryErrc::LimitExceeded:
        return 413;
      default:
        return 400;
    }
  }
  return 400;
}

}  // namespace sztp::admin
