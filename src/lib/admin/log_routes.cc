// /api/v1/devices/{serial}/events, /api/v1/devices/{serial}/timeline,
// /api/v1/audit, /api/v1/stats
#include <deque>
#include <limits>
#include <nlohmann/json.hpp>

#include "admin/admin_error.h"
#include "admin/api_support.h"
#include "admin/timeline.h"
#include "registry/json_codec.h"
#include "registry/registry_error.h"

namespace sztp::admin::detail {
namespace {

using nlohmann::json;

constexpr std::int64_t kMaxId = std::numeric_limits<std::int64_t>::max();

/// The device, or the reply that says why there is none.
Result<registry::Device> deviceOf(ApiContext& context, const std::string& serial) {
  auto device = context.registry.getDevice(serial);
  if (!device) {
    return std::move(device).error();
  }
  if (!*device) {
    return Error(registry::RegistryErrc::NotFound, "device " + serial);
  }
  return std::move(**device);
}

http::Response events(ApiContext& context, const Call& call) {
  auto query = queryOf(call, {"after", "limit"});
  if (!query) {
    return errorReply(query.error());
  }
  auto after = query->integer("after", 0, 0, kMaxId);
  auto limit = query->integer("limit", static_cast<std::int64_t>(context.limits.defaultPageSize), 1,
                              static_cast<std::int64_t>(context.limits.maxPageSize));
  if (!after || !limit) {
    return errorReply(!after ? after.error() : limit.error());
  }
  // An unknown device is a 404, not an empty log.
  if (auto device = deviceOf(context, call.params[0]); !device) {
    return errorReply(device.error());
  }
  auto list =
      context.registry.listEvents(call.params[0], *after, static_cast<std::size_t>(*limit) + 1);
  if (!list) {
    return errorReply(list.error());
  }
  json out = {{"items", json::array()}};
  const std::size_t shown = std::min(list->size(), static_cast<std::size_t>(*limit));
  for (std::size_t i = 0; i < shown; ++i) {
    out["items"].push_back(registry::toJson((*list)[i]));
  }
  // As for audit: `next` is always the id to continue after, `more` says
  // whether a further page exists now.
  out["next"] = shown > 0 ? (*list)[shown - 1].id : *after;
  out["more"] = list->size() > shown;
  return jsonReply(200, out);
}

http::Response timeline(ApiContext& context, const Call& call) {
  auto query = queryOf(call, {"limit"});
  if (!query) {
    return errorReply(query.error());
  }
  auto keep = query->integer("limit", static_cast<std::int64_t>(context.limits.timelineEvents), 1,
                             static_cast<std::int64_t>(context.limits.timelineEvents));
  if (!keep) {
    return errorReply(keep.error());
  }
  auto device = deviceOf(context, call.params[0]);
  if (!device) {
    return errorReply(device.error());
  }
  // Reads the whole log a page at a time and keeps the newest `keep` events:
  // the end of the log is what an operator debugs.
  std::deque<registry::DeviceEvent> newest;
  std::uint64_t omitted = 0;
  std::int64_t after = 0;
  const std::size_t page = context.limits.maxPageSize;
  for (;;) {
    auto list = context.registry.listEvents(call.params[0], after, page);
    if (!list) {
      return errorReply(list.error());
    }
    for (auto& event : *list) {
      after = event.id;
      newest.push_back(std::move(event));
      if (newest.size() > static_cast<std::size_t>(*keep)) {
        newest.pop_front();
        ++omitted;
      }
    }
    if (list->size() < page) {
      break;
    }
  }
  const auto view = buildTimeline(
      *device, std::vector<registry::DeviceEvent>(newest.begin(), newest.end()), omitted);
  if (accepts(call.request, "text/plain")) {
    http::Response reply;
    reply.body = renderTimelineText(view);
    reply.setHeader("Content-Type", "text/plain; charset=utf-8");
    reply.setHeader("Cache-Control", "no-store");
    return reply;
  }
  return jsonReply(200, timelineJson(view));
}

/// Whether any audit record has an id above `after`.
Result<bool> auditAfter(registry::Registry& registry, std::int64_t after) {
  registry::AuditFilter filter;
  filter.afterId = after;
  filter.limit = 1;
  auto found = registry.listAudit(filter);
  if (!found) {
    return std::move(found).error();
  }
  return !found->empty();
}

/// The highest audit id (0 when there is none), by galloping then binary
/// search over "is there a record after x": O(log n) indexed lookups, so the
/// newest records are found without reading the table from its start.
Result<std::int64_t> lastAuditId(registry::Registry& registry) {
  auto any = auditAfter(registry, 0);
  if (!any || !*any) {
    return any ? Result<std::int64_t>(std::int64_t{0}) : Result<std::int64_t>(any.error());
  }
  std::int64_t low = 0;  // a record exists above low
  std::int64_t step = 1;
  for (;;) {
    auto more = auditAfter(registry, low + step);
    if (!more) {
      return more.error();
    }
    if (!*more) {
      break;
    }
    low += step;
    step = step > kMaxId / 4 ? step : step * 2;
  }
  std::int64_t high = low + step;  // no record above high
  while (high - low > 1) {
    const std::int64_t mid = low + (high - low) / 2;
    auto more = auditAfter(registry, mid);
    if (!more) {
      return more.error();
    }
    (*more ? low : high) = mid;
  }
  return high;
}

/// The newest `count` records matching `identity`, oldest first: windows
/// below the last id, doubled until they hold enough or cover everything.
Result<std::vector<registry::AuditRecord>> auditTail(registry::Registry& registry,
                                                     const std::string& identity,
                                                     std::size_t count) {
  auto last = lastAuditId(registry);
  if (!last) {
    return std::move(last).error();
  }
  std::int64_t window = static_cast<std::int64_t>(count);
  for (;;) {
    registry::AuditFilter filter;
    filter.afterId = std::max<std::int64_t>(0, *last - window);
    filter.identity = identity;
    filter.limit = static_cast<std::size_t>(*last - filter.afterId);  // ids are unique
    auto records = registry.listAudit(filter);
    if (!records) {
      return std::move(records).error();
    }
    if (records->size() >= count || filter.afterId == 0) {
      if (records->size() > count) {
        records->erase(records->begin(),
                       records->begin() + static_cast<std::ptrdiff_t>(records->size() - count));
      }
      return records;
    }
    window = window > kMaxId / 4 ? *last : window * 4;
  }
}

http::Response audit(ApiContext& context, const Call& call) {
  auto query = queryOf(call, {"after", "identity", "limit", "tail"});
  if (!query) {
    return errorReply(query.error());
  }
  auto after = query->integer("after", 0, 0, kMaxId);
  auto limit = query->integer("limit", static_cast<std::int64_t>(context.limits.defaultPageSize), 1,
                              static_cast<std::int64_t>(context.limits.maxPageSize));
  auto tail = query->integer("tail", 0, 1, static_cast<std::int64_t>(context.limits.maxPageSize));
  if (!after || !limit || !tail) {
    return errorReply(!after ? after.error() : (!limit ? limit.error() : tail.error()));
  }
  if (query->get("tail") && (query->get("after") || query->get("limit"))) {
    return errorReply(Error(AdminErrc::InvalidParameter, "tail excludes after and limit"));
  }
  const std::string identity = query->getOr("identity", "");
  Result<std::vector<registry::AuditRecord>> records = std::vector<registry::AuditRecord>{};
  std::size_t shown = 0;
  std::int64_t next = *after;
  if (query->get("tail")) {
    records = auditTail(context.registry, identity, static_cast<std::size_t>(*tail));
    if (records) {
      shown = records->size();
      // Following from the end: next is the last id of the whole log.
      auto last = lastAuditId(context.registry);
      if (!last) {
        return errorReply(last.error());
      }
      next = *last;
    }
  } else {
    registry::AuditFilter filter;
    filter.afterId = *after;
    filter.identity = identity;
    filter.limit = static_cast<std::size_t>(*limit) + 1;
    records = context.registry.listAudit(filter);
    if (records) {
      shown = std::min(records->size(), static_cast<std::size_t>(*limit));
      if (shown > 0) {
        next = (*records)[shown - 1].id;
      }
    }
  }
  if (!records) {
    return errorReply(records.error());
  }
  json out = {{"items", json::array()}};
  for (std::size_t i = 0; i < shown; ++i) {
    auto item = registry::toJson((*records)[i]);
    item["time"] = formatTimeMs((*records)[i].timeMs);
    out["items"].push_back(std::move(item));
  }
  // `next` is the id to pass as `after` for what follows; with no more
  // records it is still given, so `audit --follow` can poll from there.
  out["next"] = next;
  out["more"] = records->size() > shown;
  return jsonReply(200, out);
}

http::Response stats(ApiContext& context, const Call& call) {
  if (auto query = queryOf(call, {}); !query) {
    return errorReply(query.error());
  }
  auto revision = context.registry.revision();
  if (!revision) {
    return errorReply(revision.error());
  }
  auto byStage = context.registry.countDevicesByStage();
  if (!byStage) {
    return errorReply(byStage.error());
  }
  json stages = json::object();
  std::uint64_t total = 0;
  for (const auto& [stage, count] : *byStage) {
    stages[std::string(registry::deviceStageName(stage))] = count;
    total += count;
  }
  json objects = json::object();
  for (int k = 0; k <= static_cast<int>(registry::ObjectKind::RedirectProfile); ++k) {
    const auto kind = static_cast<registry::ObjectKind>(k);
    auto list = context.registry.listObjects(kind);
    if (!list) {
      return errorReply(list.error());
    }
    objects[std::string(registry::objectKindName(kind)) + "s"] = list->size();
  }
  return jsonReply(200, {{"revision", *revision},
                         {"time", formatTimeMs(nowMs(context))},
                         {"devices", {{"total", total}, {"by-stage", std::move(stages)}}},
                         {"objects", std::move(objects)}});
}

}  // namespace

void addLogRoutes(RouteTable& table, ApiContext& context) {
  auto bind = [&context](http::Response (*fn)(ApiContext&, const Call&)) {
    return [&context, fn](const Call& call) { return fn(context, call); };
  };
  const std::string root(kApiRoot);
  table.add("GET", root + "/devices/{serial}/events", 0, bind(events));
  table.add("GET", root + "/devices/{serial}/timeline", 0, bind(timeline));
  table.add("GET", root + "/audit", 0, bind(audit));
  table.add("GET", root + "/stats", 0, bind(stats));
}

}  // namespace sztp::admin::detail
