#include "agent/agent_state.h"

#include <array>
#include <limits>
#include <set>

#include "common/base64.h"
#include "common/codec_error.h"
#include "model/json_document.h"

namespace sztp::agent {
namespace {

using model::Json;

constexpr std::array<std::string_view, 7> kPhaseNames = {
    "idle", "discovering", "onboarding", "awaiting-reboot", "completed", "failed", "disabled"};
constexpr std::array<std::string_view, 9> kImageNames = {"not-needed", "pending",    "downloading",
                                                         "verified",   "installing", "installed",
                                                         "rebooting",  "complete",   "failed"};
constexpr std::array<std::string_view, 6> kStepNames = {"pending", "started", "done",
                                                        "warning", "failed",  "skipped"};
constexpr std::array<std::string_view, 3> kOutcomeNames = {"passed", "failed", "skipped"};
constexpr std::array<std::string_view, 2> kLevelNames = {"minimal", "verbose"};

template <class E, std::size_t N>
std::optional<E> enumFromName(const std::array<std::string_view, N>& names, std::string_view name) {
  for (std::size_t i = 0; i < N; ++i) {
    if (names[i] == name) {
      return static_cast<E>(i);
    }
  }
  return std::nullopt;
}

// ---- encoding ----

Json timeJson(const std::optional<TimePoint>& t) {
  return t ? Json(t->time_since_epoch().count()) : Json(nullptr);
}

Json stepJson(const StepProgress& s) {
  Json j = Json::object();
  j["status"] = std::string(stepStatusName(s.status));
  j["step-id"] = s.stepId;
  j["exit-code"] = s.exitCode ? Json(*s.exitCode) : Json(nullptr);
  j["timed-out"] = s.timedOut;
  j["output-tail"] = s.outputTail;
  return j;
}

Json optString(const std::optional<std::string>& s) {
  return s ? Json(*s) : Json(nullptr);
}

Json sessionJson(const OnboardingSession& s) {
  Json j = Json::object();
  j["id"] = s.id;
  j["origin"] = s.origin;
  if (s.server) {
    Json server = Json::object();
    server["host"] = s.server->host;
    server["port"] = s.server->port;
    Json anchors = Json::array();
    for (const auto& der : s.server->trustAnchors) {
      anchors.push_back(base64Encode(der));
    }
    server["trust-anchors"] = anchors;
    server["send-basic-auth"] = s.server->sendBasicAuth;
    j["server"] = server;
  } else {
    j["server"] = nullptr;
  }
  j["server-trusted"] = s.serverTrusted;
  j["signed-data"] = s.signedData;
  j["reporting-level"] = std::string(kLevelNames[static_cast<std::size_t>(s.reportingLevel)]);
  j["onboarding"] = s.onboarding;
  Json checks = Json::array();
  for (const auto& c : s.checks) {
    checks.push_back(Json{{"rule", c.rule},
                          {"name", c.name},
                          {"outcome", std::string(trust::outcomeName(c.outcome))},
                          {"detail", c.detail}});
  }
  j["checks"] = checks;
  j["nonce"] = s.nonce ? Json(base64Encode(*s.nonce)) : Json(nullptr);
  const auto& b = s.bootImage;
  j["boot-image"] = Json{{"status", std::string(imageStatusName(b.status))},
                         {"os-name", optString(b.osName)},
                         {"os-version", optString(b.osVersion)},
                         {"uri", b.uri},
                         {"path", b.path},
                         {"bytes", b.bytes},
                         {"total", b.total ? Json(*b.total) : Json(nullptr)},
                         {"boot-id-at-reboot", b.bootIdAtReboot}};
  j["install"] = stepJson(s.install);
  j["reboot"] = stepJson(s.reboot);
  j["pre-script"] = stepJson(s.preScript);
  j["config"] = stepJson(s.config);
  j["post-script"] = stepJson(s.postScript);
  j["reports-sent"] = s.reportsSent;
  j["warnings"] = s.warnings;
  j["interrupted"] = s.interrupted;
  return j;
}

// ---- strict decoding: internal throw, caught once in parseState ----

struct Bad {
  CodecErrc code;
  std::string path;
};

class Obj {
 public:
  Obj(const Json& j, std::string path) : j_(j), path_(std::move(path)) {
    if (!j_.is_object()) {
      throw Bad{CodecErrc::InvalidValue, path_};
    }
  }
  ~Obj() = default;
  Obj(const Obj&) = delete;
  Obj& operator=(const Obj&) = delete;

  /// Refuses members not read (strict).
  void finish() const {
    for (const auto& item : j_.items()) {
      if (!seen_.contains(item.key())) {
        throw Bad{CodecErrc::UnknownNode, path_ + "/" + item.key()};
      }
    }
  }
  const Json& at(const char* key) {
    seen_.insert(key);
    auto it = j_.find(key);
    if (it == j_.end()) {
      throw Bad{CodecErrc::MissingNode, path_ + "/" + key};
    }
    return *it;
  }
  std::string sub(const char* key) const { return path_ + "/" + key; }
  std::string str(const char* key) {
    const Json& v = at(key);
    if (!v.is_string()) {
      throw Bad{CodecErrc::InvalidValue, sub(key)};
    }
    return v.get<std::string>();
  }
  std::optional<std::string> optStr(const char* key) {
    if (at(key).is_null()) {
      return std::nullopt;
    }
    return str(key);
  }
  bool boolean(const char* key) {
    const Json& v = at(key);
    if (!v.is_boolean()) {
      throw Bad{CodecErrc::InvalidValue, sub(key)};
    }
    return v.get<bool>();
  }
  std::uint64_t u64(const char* key,
                    std::uint64_t max = std::numeric_limits<std::uint64_t>::max()) {
    const Json& v = at(key);
    if (!v.is_number_unsigned() || v.get<std::uint64_t>() > max) {
      throw Bad{CodecErrc::InvalidValue, sub(key)};
    }
    return v.get<std::uint64_t>();
  }
  std::optional<std::uint64_t> optU64(const char* key) {
    if (at(key).is_null()) {
      return std::nullopt;
    }
    return u64(key);
  }
  std::optional<std::int64_t> optI64(const char* key) {
    const Json& v = at(key);
    if (v.is_null()) {
      return std::nullopt;
    }
    if (!v.is_number_integer()) {
      throw Bad{CodecErrc::InvalidValue, sub(key)};
    }
    return v.get<std::int64_t>();
  }
  std::optional<TimePoint> time(const char* key) {
    auto v = optI64(key);
    if (!v) {
      return std::nullopt;
    }
    // Years 0..9999, so formatting can never overflow.
    if (*v < -62167219200 || *v > 253402300799) {
      throw Bad{CodecErrc::InvalidValue, sub(key)};
    }
    return TimePoint(std::chrono::seconds(*v));
  }
  const Json& array(const char* key) {
    const Json& v = at(key);
    if (!v.is_array() || v.size() > kMaxStateListEntries) {
      throw Bad{CodecErrc::InvalidValue, sub(key)};
    }
    return v;
  }
  std::vector<std::string> strings(const char* key) {
    std::vector<std::string> out;
    for (const auto& item : array(key)) {
      if (!item.is_string()) {
        throw Bad{CodecErrc::InvalidValue, sub(key)};
      }
      out.push_back(item.get<std::string>());
    }
    return out;
  }
  Bytes bytes(const std::string& text, const char* key) const {
    auto decoded = base64Decode(text);
    if (!decoded) {
      throw Bad{CodecErrc::InvalidValue, sub(key)};
    }
    return std::move(decoded).value();
  }
  template <class E, std::size_t N>
  E enumeration(const char* key, const std::array<std::string_view, N>& names) {
    auto v = enumFromName<E>(names, str(key));
    if (!v) {
      throw Bad{CodecErrc::InvalidValue, sub(key)};
    }
    return *v;
  }

 private:
  const Json& j_;
  std::string path_;
  std::set<std::string, std::less<>> seen_;
};

StepProgress readStep(const Json& j, const std::string& path) {
  Obj o(j, path);
  StepProgress s;
  s.status = o.enumeration<StepStatus>("status", kStepNames);
  s.stepId = o.str("step-id");
  if (auto code = o.optI64("exit-code")) {
    if (*code < std::numeric_limits<int>::min() || *code > std::numeric_limits<int>::max()) {
      throw Bad{CodecErrc::InvalidValue, o.sub("exit-code")};
    }
    s.exitCode = static_cast<int>(*code);
  }
  s.timedOut = o.boolean("timed-out");
  s.outputTail = o.str("output-tail");
  o.finish();
  return s;
}

OnboardingSession readSession(const Json& j, const std::string& path) {
  Obj o(j, path);
  OnboardingSession s;
  s.id = o.str("id");
  s.origin = o.str("origin");
  if (const Json& server = o.at("server"); !server.is_null()) {
    Obj so(server, o.sub("server"));
    ServerRecord r;
    r.host = so.str("host");
    r.port = static_cast<std::uint16_t>(so.u64("port", 65535));
    for (const auto& a : so.array("trust-anchors")) {
      if (!a.is_string()) {
        throw Bad{CodecErrc::InvalidValue, so.sub("trust-anchors")};
      }
      r.trustAnchors.push_back(so.bytes(a.get<std::string>(), "trust-anchors"));
    }
    r.sendBasicAuth = so.boolean("send-basic-auth");
    so.finish();
    s.server = std::move(r);
  }
  s.serverTrusted = o.boolean("server-trusted");
  s.signedData = o.boolean("signed-data");
  s.reportingLevel = o.enumeration<model::ReportingLevel>("reporting-level", kLevelNames);
  s.onboarding = o.str("onboarding");
  for (const auto& c : o.array("checks")) {
    Obj co(c, o.sub("checks"));
    CheckEntry record;
    record.rule = co.str("rule");
    record.name = co.str("name");
    record.outcome = co.enumeration<trust::CheckRecord::Outcome>("outcome", kOutcomeNames);
    record.detail = co.str("detail");
    co.finish();
    s.checks.push_back(std::move(record));
  }
  if (auto nonce = o.optStr("nonce")) {
    s.nonce = o.bytes(*nonce, "nonce");
  }
  {
    Obj bo(o.at("boot-image"), o.sub("boot-image"));
    auto& b = s.bootImage;
    b.status = bo.enumeration<ImageStatus>("status", kImageNames);
    b.osName = bo.optStr("os-name");
    b.osVersion = bo.optStr("os-version");
    b.uri = bo.str("uri");
    b.path = bo.str("path");
    b.bytes = bo.u64("bytes");
    b.total = bo.optU64("total");
    b.bootIdAtReboot = bo.str("boot-id-at-reboot");
    bo.finish();
  }
  s.install = readStep(o.at("install"), o.sub("install"));
  s.reboot = readStep(o.at("reboot"), o.sub("reboot"));
  s.preScript = readStep(o.at("pre-script"), o.sub("pre-script"));
  s.config = readStep(o.at("config"), o.sub("config"));
  s.postScript = readStep(o.at("post-script"), o.sub("post-script"));
  s.reportsSent = o.strings("reports-sent");
  s.warnings = o.strings("warnings");
  s.interrupted = o.boolean("interrupted");
  o.finish();
  return s;
}

AgentState readState(const Json& top) {
  Obj root(top, "");
  Obj o(root.at("sztp-agent-state"), "/sztp-agent-state");
  root.finish();
  if (o.u64("version") != 1) {
    throw Bad{CodecErrc::UnexpectedDocument, o.sub("version")};
  }
  AgentState s;
  s.phase = o.enumeration<Phase>("phase", kPhaseNames);
  s.sessionCounter = static_cast<std::uint32_t>(o.u64("session-counter", UINT32_MAX));
  s.cycles = static_cast<std::uint32_t>(o.u64("cycles", UINT32_MAX));
  s.failedCycles = static_cast<std::uint32_t>(o.u64("failed-cycles", UINT32_MAX));
  s.firstStart = o.time("first-start");
  s.cycleStart = o.time("cycle-start");
  s.lastUpdate = o.time("last-update");
  s.completedAt = o.time("completed-at");
  s.currentStep = o.str("current-step");
  for (const auto& a : o.array("attempts")) {
    Obj ao(a, o.sub("attempts"));
    AttemptRecord r;
    r.cycle = static_cast<std::uint32_t>(ao.u64("cycle", UINT32_MAX));
    r.source = ao.str("source");
    r.origin = ao.str("origin");
    r.server = ao.str("server");
    r.outcome = ao.str("outcome");
    r.reason = ao.str("reason");
    r.detail = ao.str("detail");
    ao.finish();
    s.attempts.push_back(std::move(r));
  }
  for (const auto& d : o.array("discovered")) {
    Obj dobj(d, o.sub("discovered"));
    DiscoveryRecord r;
    r.source = dobj.str("source");
    r.origin = dobj.str("origin");
    r.servers = dobj.strings("servers");
    dobj.finish();
    s.discovered.push_back(std::move(r));
  }
  if (const Json& session = o.at("session"); !session.is_null()) {
    s.session = readSession(session, o.sub("session"));
  }
  if (const Json& image = o.at("installed-image"); !image.is_null()) {
    Obj io(image, o.sub("installed-image"));
    InstalledImage i;
    i.osName = io.optStr("os-name");
    i.osVersion = io.optStr("os-version");
    i.bootIdAtReboot = io.str("boot-id-at-reboot");
    io.finish();
    s.installedImage = std::move(i);
  }
  s.reportsSent = static_cast<std::uint32_t>(o.u64("reports-sent", UINT32_MAX));
  s.reportsFailed = static_cast<std::uint32_t>(o.u64("reports-failed", UINT32_MAX));
  if (const Json& error = o.at("last-error"); !error.is_null()) {
    Obj eo(error, o.sub("last-error"));
    s.lastError = LastError{eo.str("reason"), eo.str("message"), eo.str("step")};
    eo.finish();
  }
  o.finish();
  return s;
}

}  // namespace

std::string_view phaseName(Phase phase) {
  return kPhaseNames[static_cast<std::size_t>(phase)];
}
std::optional<Phase> phaseFromName(std::string_view name) {
  return enumFromName<Phase>(kPhaseNames, name);
}
std::string_view imageStatusName(ImageStatus status) {
  return kImageNames[static_cast<std::size_t>(status)];
}
std::string_view stepStatusName(StepStatus status) {
  return kStepNames[static_cast<std::size_t>(status)];
}

std::string encodeState(const AgentState& s) {
  Json j = Json::object();
  j["version"] = 1;
  j["phase"] = std::string(phaseName(s.phase));
  j["session-counter"] = s.sessionCounter;
  j["cycles"] = s.cycles;
  j["failed-cycles"] = s.failedCycles;
  j["first-start"] = timeJson(s.firstStart);
  j["cycle-start"] = timeJson(s.cycleStart);
  j["last-update"] = timeJson(s.lastUpdate);
  j["completed-at"] = timeJson(s.completedAt);
  j["current-step"] = s.currentStep;
  Json attempts = Json::array();
  for (const auto& a : s.attempts) {
    attempts.push_back(Json{{"cycle", a.cycle},
                            {"source", a.source},
                            {"origin", a.origin},
                            {"server", a.server},
                            {"outcome", a.outcome},
                            {"reason", a.reason},
                            {"detail", a.detail}});
  }
  j["attempts"] = attempts;
  Json discovered = Json::array();
  for (const auto& d : s.discovered) {
    discovered.push_back(Json{{"source", d.source}, {"origin", d.origin}, {"servers", d.servers}});
  }
  j["discovered"] = discovered;
  j["session"] = s.session ? sessionJson(*s.session) : Json(nullptr);
  if (s.installedImage) {
    j["installed-image"] = Json{{"os-name", optString(s.installedImage->osName)},
                                {"os-version", optString(s.installedImage->osVersion)},
                                {"boot-id-at-reboot", s.installedImage->bootIdAtReboot}};
  } else {
    j["installed-image"] = nullptr;
  }
  j["reports-sent"] = s.reportsSent;
  j["reports-failed"] = s.reportsFailed;
  if (s.lastError) {
    j["last-error"] = Json{{"reason", s.lastError->reason},
                           {"message", s.lastError->message},
                           {"step", s.lastError->step}};
  } else {
    j["last-error"] = nullptr;
  }
  Json top = Json::object();
  top["sztp-agent-state"] = j;
  return model::dumpJson(top);
}

Result<AgentState> parseState(std::string_view text) {
  model::ParseLimits limits;
  limits.maxBytes = kMaxStateBytes;
  limits.maxDepth = kMaxStateDepth;
  auto doc = model::parseJsonDocument(text, limits);
  if (!doc) {
    return std::move(doc).error();
  }
  try {
    return readState(*doc);
  } catch (const Bad& bad) {
    return Error(make_error_code(bad.code), bad.path);
  }
}

}  // namespace sztp::agent
