// Fuzz target for what the admin API (src/lib/admin) reads from a client or
// from stored records before any registry call: the first octet selects
//   0: parseJsonBody (depth pre-scan, duplicate members, non-throwing parse);
//      whatever parses must dump and parse back to the same value;
//   1: Query::parse with its integer/boolean accessors;
//   2: the timeline view of an event whose detail and message are the input
//      (stored details are JSON the view must never choke on);
//   3: percentEncode/percentDecode, which must round-trip.
// A broken invariant abort()s so libFuzzer keeps the input.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "admin/json_body.h"
#include "admin/query.h"
#include "admin/timeline.h"

// NOLINTNEXTLINE(readability-identifier-naming): the libFuzzer entry point.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0 || size > (1u << 20)) {
    return 0;
  }
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 4) {
    case 0: {
      auto parsed = sztp::admin::parseJsonBody(text, 64);
      if (parsed) {
        const std::string dumped =
            parsed->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        auto again = sztp::admin::parseJsonBody(dumped, 64);
        // Invalid UTF-8 inside strings is replaced on dump, so only compare
        // when the dump is a faithful one.
        if (!again) {
          std::abort();
        }
        if (dumped.find("\xEF\xBF\xBD") == std::string::npos && *again != *parsed) {
          std::abort();
        }
      }
      break;
    }
    case 1: {
      auto query = sztp::admin::Query::parse(text, {"after", "limit", "stage", "dry-run"});
      if (query) {
        (void)query->integer("after", 0, 0, 1000);
        (void)query->integer("limit", 100, 1, 1000);
        (void)query->boolean("dry-run", false);
        (void)query->getOr("stage", "");
      }
      break;
    }
    case 2: {
      sztp::registry::Device device;
      device.serialNumber = "SN";
      sztp::registry::DeviceEvent event;
      event.kind = static_cast<sztp::registry::DeviceEvent::Kind>(size % 4);
      if (event.kind == sztp::registry::DeviceEvent::Kind::Progress) {
        event.progressType = static_cast<sztp::model::ProgressType>(size % 27);
      }
      event.timeMs = static_cast<std::int64_t>(size) * 7919 - 100000;
      event.detailJson = std::string(text);
      event.message = std::string(text.substr(0, 64));
      const auto timeline = sztp::admin::buildTimeline(device, {event}, 0);
      (void)sztp::admin::renderTimelineText(timeline);
      (void)sztp::admin::timelineJson(timeline).dump(-1, ' ', false,
                                                     nlohmann::json::error_handler_t::replace);
      break;
    }
    default: {
      const std::string encoded = sztp::admin::percentEncode(text);
      auto decoded = sztp::admin::percentDecode(encoded, false);
      if (!decoded || *decoded != text) {
        std::abort();
      }
      (void)sztp::admin::percentDecode(text, true);
      break;
    }
  }
  return 0;
}
