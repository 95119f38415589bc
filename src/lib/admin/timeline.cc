#include "admin/timeline.h"

#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "common/base64.h"
#include "common/date_time.h"
#include "common/hex.h"
#include "crypto/certificate.h"
#include "crypto/cms.h"
#include "crypto/digest.h"
#include "model/bootstrap_rpc.h"
#include "registry/enum_names.h"
#include "registry/json_codec.h"

namespace sztp::admin {
namespace {

using nlohmann::json;
using registry::DeviceEvent;

std::string text(const json& value) {
  if (value.is_string()) {
    return value.get<std::string>();
  }
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

/// True iff `object` has `key` set to true. Details are read defensively:
/// they are stored JSON, but a hand-made or older record must not break the
/// view (json::value would throw on a member of another type).
bool flag(const json& object, const char* key) {
  const auto found = object.find(key);
  return found != object.end() && found->is_boolean() && found->get<bool>();
}

/// "hw-model=X os-name=Y os-version=Z nonce signed-data-preferred"
std::string describeInput(const json& input) {
  if (!input.is_object()) {
    return text(input);
  }
  std::string out;
  auto add = [&](const std::string& part) {
    out += out.empty() ? "" : " ";
    out += part;
  };
  for (const char* key : {"hw-model", "os-name", "os-version"}) {
    if (input.contains(key)) {
      add(std::string(key) + "=" + text(input[key]));
    }
  }
  if (input.contains("nonce")) {
    add("nonce");
  }
  if (flag(input, "signed-data-preferred")) {
    add("signed-data-preferred");
  }
  if (flag(input, "csr-support")) {
    add("csr-support");
  }
  if (flag(input, "csr")) {
    add("csr");
  }
  for (const auto& [key, value] : input.items()) {
    static const std::set<std::string> kKnown = {
        "hw-model",    "os-name", "os-version",           "nonce",
        "csr-support", "csr",     "signed-data-preferred"};
    if (kKnown.count(key) == 0) {
      add(key + "=" + text(value));
    }
  }
  return out.empty() ? "(no input)" : out;
}

std::string describeCertificate(const crypto::Certificate& cert) {
  return cert.subject() + " (issuer " + cert.issuer() + ", valid until " +
         formatDateTime(cert.notAfter()) + ", sha256 " + hexStringEncode(cert.sha256Fingerprint()) +
         ")";
}

void describeTrustAnchors(const json& list, std::vector<std::string>& details) {
  std::size_t index = 0;
  for (const auto& item : list) {
    const std::string label = "trust anchor #" + std::to_string(++index) + ": ";
    auto der = item.is_string() ? base64Decode(item.get<std::string>()) : Result<Bytes>(Bytes{});
    if (!der || der->empty()) {
      details.push_back(label + "not base64 data");
      continue;
    }
    // RFC 8572 sends a certificates-only CMS bag (A17); some agents send a
    // bare DER certificate, which is shown too.
    auto bag = crypto::parseCertificateBag(*der);
    if (bag) {
      for (const auto& cert : bag->certificates) {
        details.push_back(label + describeCertificate(cert));
      }
      continue;
    }
    auto cert = crypto::Certificate::fromDer(*der);
    if (cert) {
      details.push_back(label + describeCertificate(*cert) + " [bare certificate, not CMS]");
    } else {
      details.push_back(label + std::to_string(der->size()) +
                        " octets that do not parse: " + bag.error().describe());
    }
  }
}

void describeHostKeys(const json& list, std::vector<std::string>& details) {
  for (const auto& key : list) {
    const std::string algorithm =
        key.is_object() && key.contains("algorithm") ? text(key["algorithm"]) : "?";
    auto blob = key.is_object() && key.contains("key-data") && key["key-data"].is_string()
                    ? base64Decode(key["key-data"].get<std::string>())
                    : Result<Bytes>(Bytes{});
    if (!blob || blob->empty()) {
      details.push_back("ssh host key: " + algorithm + " (key data unreadable)");
    } else {
      details.push_back("ssh host key: " + algorithm + " " + sshFingerprint(*blob));
    }
  }
}

/// Detail members of an answer or refusal, in reading order; anything not
/// known is shown as "key: value" so no recorded fact is hidden.
void describeDetail(const json& detail, std::vector<std::string>& details) {
  if (!detail.is_object()) {
    if (!(detail.is_string() &&
          (detail.get<std::string>().empty() || detail.get<std::string>() == "{}"))) {
      details.push_back("detail: " + text(detail));
    }
    return;
  }
  std::set<std::string> shown;
  auto take = [&](const char* key) -> const json* {
    if (!detail.contains(key)) {
      return nullptr;
    }
    shown.insert(key);
    return &detail[key];
  };
  if (const auto* input = take("input")) {
    details.push_back("inputs: " + describeInput(*input));
  }
  const auto* by = take("authenticated-by");
  const auto* tls = take("tls");
  if (by != nullptr || tls != nullptr) {
    std::string line = "authenticated by " + (by != nullptr ? text(*by) : std::string("?"));
    if (tls != nullptr && !text(*tls).empty()) {
      line += " over " + text(*tls);
    }
    details.push_back(line);
  }
  if (const auto* response = take("response")) {
    std::string line = "response: " + text(*response);
    if (const auto* profile = take("profile")) {
      line += " -> profile " + text(*profile);
    }
    details.push_back(line);
  }
  if (const auto* why = take("why")) {
    details.push_back("why: " + text(*why));
  }
  (void)take("kind");
  (void)take("signed");
  (void)take("encrypted");
  if (const auto* digest = take("content-sha256")) {
    std::string line = "conveyed information sha256 " + text(*digest);
    if (const auto* hit = take("cache-hit"); hit != nullptr && hit->is_boolean()) {
      line += hit->get<bool>() ? " (from cache)" : " (newly built)";
    }
    details.push_back(line);
  }
  (void)take("cache-hit");
  if (const auto* notes = take("notes")) {
    if (notes->is_array()) {
      for (const auto& note : *notes) {
        details.push_back("note: " + text(note));
      }
    } else {
      details.push_back("note: " + text(*notes));
    }
  }
  // RFC 9646 (S19–S22): what a csr-request asked for, and an issued LDevID
  // (its certificate stays in the JSON view, `sztp admin device show --json`).
  if (const auto* request = take("csr-request"); request != nullptr && request->is_object()) {
    details.push_back("csr-request: key " + text(request->value("key", json("?"))) + ", format " +
                      text(request->value("format", json("?"))));
  }
  if (const auto* ldevid = take("ldevid"); ldevid != nullptr && ldevid->is_object()) {
    details.push_back("LDevID issued: serial " + text(ldevid->value("serial", json("?"))) +
                      ", subject " + text(ldevid->value("subject", json("?"))) + ", " +
                      text(ldevid->value("key", json("?"))) + ", valid until " +
                      text(ldevid->value("not-after", json("?"))));
    details.push_back("LDevID sha256 " + text(ldevid->value("sha256", json("?"))) +
                      " (certificate in the JSON view)");
  }
  if (const auto* keys = take("ssh-host-keys"); keys != nullptr && keys->is_array()) {
    describeHostKeys(*keys, details);
  }
  if (const auto* anchors = take("trust-anchor-certs"); anchors != nullptr && anchors->is_array()) {
    describeTrustAnchors(*anchors, details);
  }
  for (const auto& [key, value] : detail.items()) {
    if (shown.count(key) == 0) {
      details.push_back(key + ": " + text(value));
    }
  }
}

bool isProblemType(model::ProgressType type) {
  const std::string_view name = model::progressTypeName(type);
  return name.ends_with("-error") || name.ends_with("-warning") || name.ends_with("-mismatch");
}

/// Agents put the reason code first in an error report's message
/// ("voucher-expired: ..."); it is pulled out so it stands out.
std::string reasonPrefix(const std::string& message) {
  static const std::regex kCode("^([a-z0-9]+(-[a-z0-9]+)+):");
  std::smatch match;
  if (std::regex_search(message, match, kCode)) {
    return match[1];
  }
  return {};
}

TimelineEntry describe(const DeviceEvent& event) {
  TimelineEntry entry;
  entry.event = event;
  entry.time = formatTimeMs(event.timeMs);
  json detail = json::parse(event.detailJson, nullptr, false);
  if (detail.is_discarded()) {
    detail = event.detailJson;
  }
  switch (event.kind) {
    case DeviceEvent::Kind::Request:
      entry.summary = event.message.empty() ? "get-bootstrapping-data received" : event.message;
      break;
    case DeviceEvent::Kind::Response:
      entry.summary = event.message.empty() ? "answered" : event.message;
      break;
    case DeviceEvent::Kind::Rejected:
      entry.problem = true;
      entry.summary = "REFUSED " +
                      (event.reason.empty() ? std::string("(no reason code)") : event.reason) +
                      (event.message.empty() ? "" : ": " + event.message);
      break;
    case DeviceEvent::Kind::Progress: {
      const std::string type = event.progressType
                                   ? std::string(model::progressTypeName(*event.progressType))
                                   : std::string("progress");
      entry.problem = event.progressType && isProblemType(*event.progressType);
      entry.summary = type;
      if (!event.message.empty()) {
        entry.summary += ": \"" + event.message + "\"";
      }
      std::string reason = event.reason.empty() ? reasonPrefix(event.message) : event.reason;
      if (!reason.empty()) {
        entry.details.push_back("reason code: " + reason);
      }
      break;
    }
  }
  describeDetail(detail, entry.details);
  return entry;
}

std::string describeConditions(const registry::Response& response) {
  if (response.conditions.empty()) {
    return "always";
  }
  std::string out;
  for (const auto& c : response.conditions) {
    out += out.empty() ? "when " : " and ";
    out += registry::names::nameAt(registry::names::kConditionFields,
                                   static_cast<std::size_t>(c.field));
    out += " ";
    out += registry::names::nameAt(registry::names::kConditionMatches,
                                   static_cast<std::size_t>(c.match));
    out += " " + c.value;
  }
  return out;
}

}  // namespace

std::string formatTimeMs(std::int64_t ms) {
  std::int64_t seconds = ms / 1000;
  std::int64_t millis = ms % 1000;
  if (millis < 0) {
    millis += 1000;
    seconds -= 1;
  }
  std::string text = formatDateTime(TimePoint(std::chrono::seconds(seconds)));
  char frac[6];
  std::snprintf(frac, sizeof frac, ".%03d", static_cast<int>(millis));
  if (!text.empty() && text.back() == 'Z') {
    text.insert(text.size() - 1, frac);
  }
  return text;
}

std::string sshFingerprint(const Bytes& keyBlob) {
  std::string b64 = base64Encode(crypto::sha256(keyBlob));
  while (!b64.empty() && b64.back() == '=') {
    b64.pop_back();
  }
  return "SHA256:" + b64;
}

Timeline buildTimeline(const registry::Device& device,
                       const std::vector<registry::DeviceEvent>& events, std::uint64_t omitted) {
  Timeline timeline;
  timeline.device = device;
  timeline.omitted = omitted;
  timeline.entries.reserve(events.size());
  for (const auto& event : events) {
    timeline.entries.push_back(describe(event));
  }
  return timeline;
}

std::string renderTimelineText(const Timeline& timeline) {
  const auto& d = timeline.device;
  std::string out;
  out += "Device " + d.serialNumber + "\n";
  out += "  type " + d.deviceType + ", owner " + (d.owner.empty() ? "(none)" : d.owner) + ", " +
         (d.enabled ? "enabled" : "DISABLED") + "\n";
  out += "  stage " + std::string(registry::deviceStageName(d.stage)) + ", last seen " +
         (d.lastSeenMs == 0 ? std::string("never") : formatTimeMs(d.lastSeenMs)) + "\n";
  out += "  ownership voucher " +
         (d.ownershipVoucher ? std::to_string(d.ownershipVoucher->size()) + " octets"
                             : std::string("none")) +
         ", activation code " + (d.activationCodeHash.empty() ? "not set" : "set") + "\n";
  if (d.responses.empty()) {
    out += "  responses: none (every request is refused with no-matching-response)\n";
  }
  std::size_t index = 0;
  for (const auto& r : d.responses) {
    out += "  response " + std::to_string(++index) + ". " + r.name + ": " +
           (r.kind == registry::Response::Kind::Onboarding ? "onboarding " : "redirect ") +
           r.profile + (r.sign ? ", signed" : ", unsigned") + ", " + describeConditions(r) + "\n";
  }
  out += "\n";
  if (timeline.entries.empty()) {
    out += "No bootstrapping events yet: the device has not contacted the server.\n";
    return out;
  }
  if (timeline.omitted > 0) {
    out += "(" + std::to_string(timeline.omitted) + " older events not shown)\n";
  }
  for (const auto& entry : timeline.entries) {
    std::string kind(registry::deviceEventKindName(entry.event.kind));
    kind.resize(std::max<std::size_t>(kind.size(), 8), ' ');
    std::string source = entry.event.sourceAddress.empty() ? "-" : entry.event.sourceAddress;
    source.resize(std::max<std::size_t>(source.size(), 15), ' ');
    out += entry.time;
    out += "  " + kind;
    out += "  " + source;
    out += "  " + entry.summary + "\n";
    for (const auto& line : entry.details) {
      out += "      " + line + "\n";
    }
  }
  return out;
}

nlohmann::json timelineJson(const Timeline& timeline) {
  json device = registry::toJson(timeline.device, false);
  device["activation-code-set"] = !timeline.device.activationCodeHash.empty();
  json entries = json::array();
  for (const auto& entry : timeline.entries) {
    entries.push_back({{"event", registry::toJson(entry.event)},
                       {"time", entry.time},
                       {"summary", entry.summary},
                       {"details", entry.details},
                       {"problem", entry.problem}});
  }
  return {{"device", std::move(device)},
          {"omitted", timeline.omitted},
          {"entries", std::move(entries)}};
}

}  // namespace sztp::admin
