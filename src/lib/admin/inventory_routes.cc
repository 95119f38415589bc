// /api/v1/inventory and /api/v1/devices:bulk, delegated to src/lib/inventory.
//
// The server reads no file of its own on behalf of an API client: an
// inventory or CSV that names files (certificates, vouchers, scripts, boot
// images to hash) comes in a JSON envelope carrying those files' contents
// (and, for boot images, only their digests). `sztp admin` builds the
// envelope from the files next to the inventory.
#include <map>
#include <nlohmann/json.hpp>

#include "admin/admin_error.h"
#include "admin/api_support.h"
#include "admin/json_body.h"
#include "common/base64.h"
#include "common/hex.h"
#include "crypto/digest.h"
#include "inventory/bulk.h"
#include "inventory/export.h"
#include "inventory/inventory_error.h"
#include "inventory/plan.h"

namespace sztp::admin::detail {
namespace {

using nlohmann::json;

/// Files sent with a request, by the path the inventory or CSV uses.
struct SentFiles {
  std::map<std::string, Bytes> contents;
  std::map<std::string, inventory::FileDigest> digests;
  /// Signing-key paths as written in the inventory -> as the server opens
  /// them (sztp admin makes them absolute on its host, the server's when the
  /// admin API is on loopback).
  std::map<std::string, std::string> signingKeys;
  /// Relative signing-key paths nobody resolved: refused after parsing.
  std::vector<std::string> unresolved;
};

bool isYaml(const std::string& type) {
  return type.empty() || type == "application/yaml" || type == "application/x-yaml" ||
         type == "text/yaml" || type == "text/x-yaml";
}

bool isJson(const std::string& type) {
  return type == "application/json" || type.ends_with("+json");
}

Result<SentFiles> sentFiles(const json& envelope) {
  SentFiles sent;
  if (auto files = envelope.find("files"); files != envelope.end()) {
    if (!files->is_object()) {
      return Error(AdminErrc::MalformedBody, "files: must be an object of path: base64");
    }
    for (const auto& [path, value] : files->items()) {
      auto bytes = value.is_string() ? base64Decode(value.get<std::string>())
                                     : Result<Bytes>(Error(AdminErrc::MalformedBody));
      if (!bytes) {
        return Error(AdminErrc::MalformedBody, "files[\"" + path + "\"]: must be base64");
      }
      sent.contents.emplace(path, std::move(*bytes));
    }
  }
  if (auto digests = envelope.find("digests"); digests != envelope.end()) {
    if (!digests->is_object()) {
      return Error(AdminErrc::MalformedBody, "digests: must be an object of path: {sha256, size}");
    }
    for (const auto& [path, value] : digests->items()) {
      const std::string where = "digests[\"" + path + "\"]";
      if (!value.is_object() || !value.contains("sha256") || !value["sha256"].is_string() ||
          !value.contains("size") || !value["size"].is_number_unsigned()) {
        return Error(AdminErrc::MalformedBody, where + ": must be {\"sha256\": hex, \"size\": n}");
      }
      auto sha = hexDecodeLenient(value["sha256"].get<std::string>());
      if (!sha || sha->size() != 32) {
        return Error(AdminErrc::MalformedBody, where + ".sha256: must be 64 hex digits");
      }
      sent.digests.emplace(
          path, inventory::FileDigest{std::move(*sha), value["size"].get<std::uint64_t>()});
    }
  }
  if (auto keys = envelope.find("signing-keys"); keys != envelope.end()) {
    if (!keys->is_object()) {
      return Error(AdminErrc::MalformedBody, "signing-keys: must be an object of path: path");
    }
    for (const auto& [path, value] : keys->items()) {
      if (!value.is_string()) {
        return Error(AdminErrc::MalformedBody, "signing-keys[\"" + path + "\"]: must be a path");
      }
      sent.signingKeys.emplace(path, value.get<std::string>());
    }
  }
  for (const auto& [key, value] : envelope.items()) {
    (void)value;
    if (key != "files" && key != "digests" && key != "signing-keys" && key != "inventory" &&
        key != "csv" && key != "devices" && key != "vouchers") {
      return Error(AdminErrc::MalformedBody, "unknown member \"" + key + "\"");
    }
  }
  return sent;
}

/// The parser's window on the sent files; anything else is refused.
inventory::InventoryFiles filesOf(SentFiles& sent) {
  inventory::InventoryFiles files;
  files.read = [&sent](const std::string& path) -> Result<Bytes> {
    auto found = sent.contents.find(path);
    if (found == sent.contents.end()) {
      return Error(inventory::InventoryErrc::FileUnreadable,
                   "'" + path +
                       "' was not sent with the request (the admin API reads no "
                       "file on the server; sztp admin sends the files an inventory "
                       "names)");
    }
    return found->second;
  };
  files.digest = [&sent](const std::string& path) -> Result<inventory::FileDigest> {
    if (auto found = sent.digests.find(path); found != sent.digests.end()) {
      return found->second;
    }
    if (auto found = sent.contents.find(path); found != sent.contents.end()) {
      return inventory::FileDigest{crypto::sha256(found->second), found->second.size()};
    }
    return Error(inventory::InventoryErrc::FileUnreadable,
                 "'" + path + "': neither its digest nor its content was sent with the request");
  };
  files.resolve = [&sent](const std::string& path) {
    if (auto found = sent.signingKeys.find(path); found != sent.signingKeys.end()) {
      return found->second;
    }
    if (!path.empty() && path.front() != '/') {
      sent.unresolved.push_back(path);
    }
    return path;
  };
  return files;
}

std::string_view actionName(inventory::ChangeAction action) {
  switch (action) {
    case inventory::ChangeAction::Create:
      return "create";
    case inventory::ChangeAction::Update:
      return "update";
    case inventory::ChangeAction::Remove:
      return "remove";
  }
  return "unknown";
}

json planJson(const inventory::Plan& plan) {
  json changes = json::array();
  for (const auto& item : plan.items) {
    changes.push_back(
        {{"action", actionName(item.action)}, {"kind", item.kind}, {"name", item.name}});
  }
  json counts = json::object();
  for (const auto& [kind, c] : plan.counts) {
    counts[kind] = {{"created", c.created},
                    {"updated", c.updated},
                    {"removed", c.removed},
                    {"unchanged", c.unchanged}};
  }
  return {{"summary", plan.summary()}, {"changes", std::move(changes)}, {"counts", counts}};
}

json errorJson(const Error& error) {
  return {{"reason", std::string(error.reason())}, {"message", error.message()}};
}

json reportJson(const inventory::BulkReport& report) {
  json errors = json::array();
  for (const auto& e : report.errors) {
    json entry = errorJson(e.error);
    entry["source"] = e.source;
    errors.push_back(std::move(entry));
  }
  return {{"records", report.records},   {"added", report.added},
          {"updated", report.updated},   {"unchanged", report.unchanged},
          {"errors", std::move(errors)}, {"summary", report.summary()}};
}

http::Response exportInventory(ApiContext& context, const Call& call) {
  if (auto query = queryOf(call, {}); !query) {
    return errorReply(query.error());
  }
  auto yaml = inventory::exportInventory(context.registry);
  if (!yaml) {
    return errorReply(yaml.error());
  }
  http::Response reply;
  reply.body = std::move(*yaml);
  reply.setHeader("Content-Type", "application/yaml");
  reply.setHeader("Cache-Control", "no-store");
  return reply;
}

http::Response applyInventory(ApiContext& context, const Call& call) {
  auto query = queryOf(call, {"prune", "dry-run"});
  if (!query) {
    return errorReply(query.error());
  }
  auto prune = query->boolean("prune", false);
  auto dryRun = query->boolean("dry-run", false);
  if (!prune || !dryRun) {
    return errorReply(!prune ? prune.error() : dryRun.error());
  }
  const std::string type = mediaType(call.request);
  std::string yaml;
  SentFiles sent;
  if (isYaml(type)) {
    yaml = call.request.body;
  } else if (isJson(type)) {
    auto envelope = parseJsonBody(call.request.body, context.limits.maxJsonDepth);
    if (!envelope) {
      return errorReply(envelope.error());
    }
    if (!envelope->is_object() || !envelope->contains("inventory") ||
        !(*envelope)["inventory"].is_string()) {
      return errorReply(Error(AdminErrc::MalformedBody,
                              "expected {\"inventory\": \"<YAML>\", \"files\": {...}}"));
    }
    auto files = sentFiles(*envelope);
    if (!files) {
      return errorReply(files.error());
    }
    sent = std::move(*files);
    yaml = (*envelope)["inventory"].get<std::string>();
  } else {
    return errorReply(
        Error(AdminErrc::UnsupportedMediaType,
              "Content-Type " + type + "; send application/yaml, or application/json with files"));
  }
  auto parsed = inventory::parseInventory(yaml, filesOf(sent));
  if (!parsed) {
    return errorReply(parsed.error());
  }
  if (!sent.unresolved.empty()) {
    // Relative to what? The server's working directory is no answer an
    // operator expects; refuse rather than store a path that breaks later.
    return errorReply(Error(inventory::InventoryErrc::Invalid,
                            "signing-key '" + sent.unresolved.front() +
                                "' is a relative path: write it absolute (as the server sees "
                                "it) or apply the file with `sztp admin inventory apply`"));
  }
  inventory::ApplyOptions options;
  options.prune = *prune;
  auto plan = inventory::planApply(*parsed, context.registry, options);
  if (!plan) {
    return errorReply(plan.error());
  }
  json out = planJson(*plan);
  out["dry-run"] = *dryRun;
  out["applied"] = false;
  if (!*dryRun && !plan->empty()) {
    auto revision = context.registry.apply(plan->changes);
    if (!revision) {
      return errorReply(revision.error());
    }
    out["applied"] = true;
  }
  auto revision = context.registry.revision();
  if (!revision) {
    return errorReply(revision.error());
  }
  out["revision"] = *revision;
  return jsonReply(200, out);
}

/// The records of a bulk body: CSV, a JSON array of devices, or an envelope.
Result<inventory::BulkInput> bulkInput(const ApiContext& context, const Call& call, SentFiles& sent,
                                       inventory::BulkReadOptions& options) {
  const std::string type = mediaType(call.request);
  if (type == "text/csv") {
    return inventory::readDeviceCsv(call.request.body, options);
  }
  if (!type.empty() && !isJson(type)) {
    return Error(AdminErrc::UnsupportedMediaType,
                 "Content-Type " + type + "; send text/csv or application/json");
  }
  auto body = parseJsonBody(call.request.body, context.limits.maxJsonDepth);
  if (!body) {
    return std::move(body).error();
  }
  if (body->is_array()) {
    return inventory::readDeviceJson(call.request.body, options);
  }
  if (!body->is_object()) {
    return Error(AdminErrc::MalformedBody,
                 "expected a JSON array of devices or an object with csv, devices or vouchers");
  }
  auto files = sentFiles(*body);
  if (!files) {
    return std::move(files).error();
  }
  sent = std::move(*files);
  options.files = filesOf(sent);
  const int forms = static_cast<int>(body->contains("csv")) +
                    static_cast<int>(body->contains("devices")) +
                    static_cast<int>(body->contains("vouchers"));
  if (forms != 1) {
    return Error(AdminErrc::MalformedBody, "give exactly one of csv, devices and vouchers");
  }
  if (auto csv = body->find("csv"); csv != body->end()) {
    if (!csv->is_string()) {
      return Error(AdminErrc::MalformedBody, "csv: must be the CSV text");
    }
    return inventory::readDeviceCsv(csv->get<std::string>(), options);
  }
  if (auto devices = body->find("devices"); devices != body->end()) {
    return inventory::readDeviceJson(devices->dump(), options);
  }
  const auto& vouchers = (*body)["vouchers"];
  if (!vouchers.is_object()) {
    return Error(AdminErrc::MalformedBody, "vouchers: must be an object of file name: base64");
  }
  std::vector<std::string> names;
  for (const auto& [name, value] : vouchers.items()) {
    auto bytes = value.is_string() ? base64Decode(value.get<std::string>())
                                   : Result<Bytes>(Error(AdminErrc::MalformedBody));
    if (!bytes) {
      return Error(AdminErrc::MalformedBody, "vouchers[\"" + name + "\"]: must be base64");
    }
    sent.contents[name] = std::move(*bytes);
    names.push_back(name);
  }
  return inventory::readVoucherFiles(names, options);
}

http::Response bulkImport(ApiContext& context, const Call& call) {
  auto query = queryOf(call, {"expected-count", "dry-run", "skip-invalid", "device-type", "owner",
                              "onboarding-profile", "redirect-profile"});
  if (!query) {
    return errorReply(query.error());
  }
  auto dryRun = query->boolean("dry-run", false);
  auto skipInvalid = query->boolean("skip-invalid", false);
  auto expected = query->integer("expected-count", -1, 0, 100'000'000);
  if (!dryRun || !skipInvalid || !expected) {
    return errorReply(!dryRun ? dryRun.error()
                              : (!skipInvalid ? skipInvalid.error() : expected.error()));
  }
  inventory::BulkOptions options;
  if (*expected >= 0) {
    options.expectedCount = static_cast<std::size_t>(*expected);
  }
  options.skipInvalid = *skipInvalid;
  options.defaultDeviceType = query->getOr("device-type", "");
  options.defaultOwner = query->getOr("owner", "");
  const auto onboarding = query->get("onboarding-profile");
  const auto redirect = query->get("redirect-profile");
  if (onboarding && redirect) {
    return errorReply(Error(AdminErrc::InvalidParameter,
                            "give onboarding-profile or redirect-profile, not both"));
  }
  if (onboarding || redirect) {
    registry::Response response;
    response.name = "default";
    response.kind =
        redirect ? registry::Response::Kind::Redirect : registry::Response::Kind::Onboarding;
    response.profile = redirect ? *redirect : *onboarding;
    options.defaultResponses = {response};
  }

  SentFiles sent;
  inventory::BulkReadOptions read;
  read.maxInputBytes = context.limits.maxBulkBodyBytes;
  read.vouchers.trustAnchors = context.voucherTrustAnchors;
  read.vouchers.at = context.clock.now();
  auto input = bulkInput(context, call, sent, read);
  if (!input) {
    return errorReply(input.error());
  }
  auto plan = inventory::planBulkImport(*input, context.registry, options);
  if (!plan) {
    return errorReply(plan.error());
  }
  json report = reportJson(plan->report);
  if (plan->refused) {
    // Nothing is applied; the report says which records were at fault.
    auto reply = jsonReply(httpStatusFor(*plan->refused),
                           {{"error", errorJson(*plan->refused)}, {"report", std::move(report)}});
    reply.reason = std::string(plan->refused->reason());
    return reply;
  }
  report["dry-run"] = *dryRun;
  report["applied"] = false;
  if (!*dryRun && !plan->changes.empty()) {
    auto revision = context.registry.apply(plan->changes);
    if (!revision) {
      return errorReply(revision.error());
    }
    report["applied"] = true;
  }
  auto revision = context.registry.revision();
  if (!revision) {
    return errorReply(revision.error());
  }
  report["revision"] = *revision;
  return jsonReply(200, report);
}

}  // namespace

void addInventoryRoutes(RouteTable& table, ApiContext& context) {
  auto bind = [&context](http::Response (*fn)(ApiContext&, const Call&)) {
    return [&context, fn](const Call& call) { return fn(context, call); };
  };
  const std::string root(kApiRoot);
  const std::size_t bulk = context.limits.maxBulkBodyBytes;
  table.add("GET", root + "/inventory", 0, bind(exportInventory));
  table.add("PUT", root + "/inventory", bulk, bind(applyInventory));
  table.add("POST", root + "/devices:bulk", bulk, bind(bulkImport));
}

}  // namespace sztp::admin::detail
