// /api/v1/{device-types,owners,images,scripts,configurations,
//          onboarding-profiles,redirect-profiles}[/{name}]
#include <nlohmann/json.hpp>

#include "admin/admin_error.h"
#include "admin/api_support.h"
#include "registry/json_codec.h"
#include "registry/registry_error.h"

namespace sztp::admin::detail {
namespace {

using nlohmann::json;
using registry::ObjectKind;

constexpr ObjectKind kKinds[] = {ObjectKind::DeviceType,     ObjectKind::Owner,
                                 ObjectKind::Image,          ObjectKind::Script,
                                 ObjectKind::Configuration,  ObjectKind::OnboardingProfile,
                                 ObjectKind::RedirectProfile};

std::string collectionOf(ObjectKind kind) {
  return std::string(registry::objectKindName(kind)) + "s";
}

/// The object in the body, its name filled in from the path when absent.
Result<registry::InventoryObject> objectFrom(const Call& call, const ApiContext& context,
                                             ObjectKind kind, const std::string* pathName) {
  auto body = jsonBody(call, context);
  if (!body) {
    return std::move(body).error();
  }
  if (!body->is_object()) {
    return Error(AdminErrc::MalformedBody, "expected a JSON object");
  }
  if (pathName != nullptr) {
    auto name = body->find("name");
    if (name == body->end()) {
      (*body)["name"] = *pathName;
    } else if (!name->is_string() || name->get<std::string>() != *pathName) {
      return Error(AdminErrc::NameMismatch,
                   "path names '" + *pathName + "', body names " + name->dump());
    }
  }
  auto object = registry::objectFromJson(kind, *body);
  if (!object) {
    return std::move(object).error().addContext(std::string(registry::objectKindName(kind)));
  }
  return object;
}

/// Stores `object` and answers with what is now stored (201 when new).
http::Response store(ApiContext& context, ObjectKind kind, registry::InventoryObject object,
                     bool existed) {
  const std::string name = registry::nameOf(object);
  auto revision = context.registry.apply({registry::PutObject{std::move(object)}});
  if (!revision) {
    return errorReply(revision.error());
  }
  auto stored = context.registry.getObject(kind, name);
  if (!stored || !*stored) {
    return errorReply(
        stored ? Error(registry::RegistryErrc::StorageFailure, "stored object vanished: " + name)
               : stored.error());
  }
  auto reply = jsonReply(existed ? 200 : 201, registry::toJson(**stored));
  if (!existed) {
    reply.setHeader("Location", resourcePath(collectionOf(kind), name));
  }
  reply.setHeader("Sztp-Revision", std::to_string(*revision));
  return reply;
}

http::Response list(ApiContext& context, ObjectKind kind, const Call& call) {
  if (auto query = queryOf(call, {}); !query) {
    return errorReply(query.error());
  }
  auto objects = context.registry.listObjects(kind);
  if (!objects) {
    return errorReply(objects.error());
  }
  json items = json::array();
  for (const auto& object : *objects) {
    items.push_back(registry::toJson(object));
  }
  return jsonReply(200, {{"items", std::move(items)}});
}

http::Response create(ApiContext& context, ObjectKind kind, const Call& call) {
  if (auto query = queryOf(call, {}); !query) {
    return errorReply(query.error());
  }
  auto object = objectFrom(call, context, kind, nullptr);
  if (!object) {
    return errorReply(object.error());
  }
  auto existing = context.registry.getObject(kind, registry::nameOf(*object));
  if (!existing) {
    return errorReply(existing.error());
  }
  if (*existing) {
    return errorReply(Error(AdminErrc::AlreadyExists, std::string(registry::objectKindName(kind)) +
                                                          " " + registry::nameOf(*object)));
  }
  return store(context, kind, std::move(*object), false);
}

http::Response get(ApiContext& context, ObjectKind kind, const Call& call) {
  if (auto query = queryOf(call, {}); !query) {
    return errorReply(query.error());
  }
  auto object = context.registry.getObject(kind, call.params[0]);
  if (!object) {
    return errorReply(object.error());
  }
  if (!*object) {
    return errorReply(Error(registry::RegistryErrc::NotFound,
                            std::string(registry::objectKindName(kind)) + " " + call.params[0]));
  }
  return jsonReply(200, registry::toJson(**object));
}

http::Response put(ApiContext& context, ObjectKind kind, const Call& call) {
  if (auto query = queryOf(call, {}); !query) {
    return errorReply(query.error());
  }
  auto object = objectFrom(call, context, kind, &call.params[0]);
  if (!object) {
    return errorReply(object.error());
  }
  auto existing = context.registry.getObject(kind, call.params[0]);
  if (!existing) {
    return errorReply(existing.error());
  }
  return store(context, kind, std::move(*object), existing->has_value());
}

http::Response remove(ApiContext& context, ObjectKind kind, const Call& call) {
  if (auto query = queryOf(call, {}); !query) {
    return errorReply(query.error());
  }
  auto revision = context.registry.apply({registry::RemoveObject{kind, call.params[0]}});
  if (!revision) {
    return errorReply(revision.error());
  }
  auto reply = noContent();
  reply.setHeader("Sztp-Revision", std::to_string(*revision));
  return reply;
}

}  // namespace

void addObjectRoutes(RouteTable& table, ApiContext& context) {
  const std::size_t limit = context.limits.maxBodyBytes;
  for (const ObjectKind kind : kKinds) {
    const std::string collection = std::string(kApiRoot) + "/" + collectionOf(kind);
    const std::string item = collection + "/{name}";
    auto bind = [&context, kind](http::Response (*fn)(ApiContext&, ObjectKind, const Call&)) {
      return [&context, kind, fn](const Call& call) { return fn(context, kind, call); };
    };
    table.add("GET", collection, 0, bind(list));
    table.add("POST", collection, limit, bind(create));
    table.add("GET", item, 0, bind(get));
    table.add("PUT", item, limit, bind(put));
    table.add("DELETE", item, 0, bind(remove));
  }
}

}  // namespace sztp::admin::detail
