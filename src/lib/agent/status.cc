#include "agent/status.h"

#include "common/date_time.h"
#include "model/json_document.h"

namespace sztp::agent {
namespace {

using model::Json;

Json timeOrNull(const std::optional<TimePoint>& t) {
  return t ? Json(formatDateTime(*t)) : Json(nullptr);
}

std::string validationSummary(const AgentState& state) {
  if (state.session) {
    return state.session->signedData ? "passed" : "unsigned-from-trusted-server";
  }
  if (state.lastError && state.lastError->step == "validation") {
    return "failed";
  }
  return "not-performed";
}

Json stepJson(const StepProgress& step, bool verbose) {
  Json j = Json::object();
  j["status"] = std::string(stepStatusName(step.status));
  j["exit-code"] = step.exitCode ? Json(*step.exitCode) : Json(nullptr);
  if (step.timedOut) {
    j["timed-out"] = true;
  }
  if (verbose) {
    j["step-id"] = step.stepId;
    j["output-tail"] = step.outputTail;
  }
  return j;
}

Json statusJson(const AgentState& state, const StatusExtras& extras, bool verbose) {
  Json j = Json::object();
  const std::string_view top = statusState(state, extras.enabled);
  j["state"] = std::string(top);
  if (top == "failed" && state.lastError) {
    j["reason"] = state.lastError->reason;
  }
  j["version"] = extras.version;
  j["pid"] = extras.pid ? Json(*extras.pid) : Json(nullptr);
  j["enabled"] = extras.enabled;
  j["phase"] = std::string(phaseName(state.phase));
  j["first-start"] = timeOrNull(state.firstStart);
  j["cycle-start"] = timeOrNull(state.cycleStart);
  j["last-update"] = timeOrNull(state.lastUpdate);
  j["completed-at"] = timeOrNull(state.completedAt);
  if (state.firstStart) {
    std::optional<TimePoint> end = state.completedAt;
    if (!end) {
      end = extras.now ? extras.now : state.lastUpdate;
    }
    if (end) {
      j["run-time-seconds"] = (*end - *state.firstStart).count();
    }
  }
  j["current-step"] = state.currentStep;
  j["attempts"] = Json{{"cycles", state.cycles}, {"failed-cycles", state.failedCycles}};
  Json sources = Json::array();
  for (const auto& a : state.attempts) {
    Json s = Json{{"source", a.source}, {"origin", a.origin}, {"outcome", a.outcome}};
    if (!a.server.empty()) {
      s["server"] = a.server;
    }
    if (!a.reason.empty()) {
      s["reason"] = a.reason;
    }
    if (verbose && !a.detail.empty()) {
      s["detail"] = a.detail;
    }
    sources.push_back(s);
  }
  j["sources"] = sources;
  Json discovered = Json::array();
  for (const auto& d : state.discovered) {
    discovered.push_back(Json{{"source", d.source}, {"origin", d.origin}, {"servers", d.servers}});
  }
  j["discovered"] = discovered;

  Json trust = Json::object();
  trust["server-tls-trusted"] =
      state.session && state.session->server ? Json(state.session->serverTrusted) : Json(nullptr);
  trust["signed-data-validation"] = validationSummary(state);
  if (state.session && verbose) {
    Json checks = Json::array();
    for (const auto& c : state.session->checks) {
      checks.push_back(Json{{"rule", c.rule},
                            {"check", c.name},
                            {"outcome", std::string(trust::outcomeName(c.outcome))},
                            {"detail", c.detail}});
    }
    trust["checks"] = checks;
  }
  j["trust"] = trust;

  if (state.session) {
    const auto& s = *state.session;
    Json session = Json::object();
    session["id"] = s.id;
    session["origin"] = s.origin;
    session["server"] =
        s.server ? Json(s.server->host + ":" + std::to_string(s.server->port)) : Json(nullptr);
    session["reporting-level"] = std::string(model::reportingLevelName(s.reportingLevel));
    const auto& b = s.bootImage;
    Json image = Json{{"status", std::string(imageStatusName(b.status))}};
    if (b.osName) {
      image["os-name"] = *b.osName;
    }
    if (b.osVersion) {
      image["os-version"] = *b.osVersion;
    }
    if (!b.uri.empty()) {
      image["download"] = Json{
          {"uri", b.uri},
          {"bytes", b.bytes},
          {"total", b.total ? Json(*b.total) : Json(nullptr)},
          {"percent", b.total && *b.total > 0 ? Json(b.bytes * 100 / *b.total) : Json(nullptr)}};
    }
    session["boot-image"] = image;
    session["steps"] = Json{{"install", stepJson(s.install, verbose)},
                            {"reboot", stepJson(s.reboot, verbose)},
                            {"pre-script", stepJson(s.preScript, verbose)},
                            {"config", stepJson(s.config, verbose)},
                            {"post-script", stepJson(s.postScript, verbose)}};
    session["reports-sent"] = s.reportsSent;
    session["warnings"] = s.warnings;
    j["session"] = session;
  } else {
    j["session"] = nullptr;
  }
  j["reports"] = Json{{"sent", state.reportsSent}, {"failed", state.reportsFailed}};
  if (state.lastError) {
    j["last-error"] = Json{{"reason", state.lastError->reason},
                           {"message", state.lastError->message},
                           {"step", state.lastError->step}};
  } else {
    j["last-error"] = nullptr;
  }
  return j;
}

}  // namespace

std::string_view statusState(const AgentState& state, bool enabled) {
  if (!enabled || state.phase == Phase::Disabled) {
    return "disabled";
  }
  switch (state.phase) {
    case Phase::Idle:
      return state.cycles == 0 ? "not-started" : "in-progress";
    case Phase::Discovering:
    case Phase::Onboarding:
      return "in-progress";
    case Phase::AwaitingReboot:
      return "awaiting-reboot";
    case Phase::Completed:
      return "completed";
    case Phase::Failed:
      return "failed";
    case Phase::Disabled:
      return "disabled";
  }
  return "in-progress";
}

std::string renderStatusJson(const AgentState& state, const StatusExtras& extras, bool verbose) {
  return model::dumpJson(statusJson(state, extras, verbose));
}

std::string renderStatusText(const AgentState& state, const StatusExtras& extras, bool verbose) {
  const Json j = statusJson(state, extras, verbose);
  std::string out;
  auto line = [&out](std::string_view key, const std::string& value) {
    out += std::string(key) + ": " + value + "\n";
  };
  auto text = [](const Json& v) {
    return v.is_null() ? std::string("-") : v.is_string() ? v.get<std::string>() : v.dump();
  };
  line("State", text(j["state"]) + (j.contains("reason") ? " (" + text(j["reason"]) + ")" : ""));
  line("Version", text(j["version"]));
  line("Agent", extras.pid ? "running, pid " + std::to_string(*extras.pid) : "not running");
  line("Enabled", extras.enabled ? "yes" : "no");
  line("Started", text(j["first-start"]));
  line("Cycle started", text(j["cycle-start"]));
  if (j.contains("run-time-seconds")) {
    line("Run time", text(j["run-time-seconds"]) + " s");
  }
  if (state.completedAt) {
    line("Completed", text(j["completed-at"]));
  }
  line("Current step", state.currentStep.empty() ? "-" : state.currentStep);
  line("Attempts", std::to_string(state.cycles) + " cycle(s), " +
                       std::to_string(state.failedCycles) + " failed in a row");
  for (const auto& d : state.discovered) {
    std::string servers;
    for (const auto& s : d.servers) {
      servers += (servers.empty() ? "" : ", ") + s;
    }
    line("Discovered", d.source + " " + d.origin + (servers.empty() ? "" : ": " + servers));
  }
  for (const auto& a : state.attempts) {
    line("Source", a.source + " " + a.origin + (a.server.empty() ? "" : " " + a.server) + ": " +
                       a.outcome + (a.reason.empty() ? "" : " (" + a.reason + ")") +
                       (verbose && !a.detail.empty() ? " " + a.detail : ""));
  }
  line("Server TLS trusted", text(j["trust"]["server-tls-trusted"]));
  line("Signed data", text(j["trust"]["signed-data-validation"]));
  if (state.session) {
    const auto& s = *state.session;
    if (verbose) {
      for (const auto& c : s.checks) {
        line("  Check", c.rule + " " + c.name + " " + std::string(trust::outcomeName(c.outcome)));
      }
    }
    std::string image(imageStatusName(s.bootImage.status));
    if (!s.bootImage.uri.empty()) {
      image += " " + s.bootImage.uri + " " + std::to_string(s.bootImage.bytes) +
               (s.bootImage.total ? "/" + std::to_string(*s.bootImage.total) : "") + " bytes";
    }
    line("Boot image", image);
    auto step = [&](std::string_view name, const StepProgress& p) {
      line(name, std::string(stepStatusName(p.status)) +
                     (p.exitCode ? " (exit " + std::to_string(*p.exitCode) + ")" : "") +
                     (verbose && !p.outputTail.empty() ? "\n" + p.outputTail : ""));
    };
    step("Pre-script", s.preScript);
    step("Configuration", s.config);
    step("Post-script", s.postScript);
  }
  line("Reports", std::to_string(state.reportsSent) + " sent, " +
                      std::to_string(state.reportsFailed) + " failed");
  if (state.lastError) {
    line("Last error", state.lastError->reason + ": " + state.lastError->message);
  }
  return out;
}

}  // namespace sztp::agent
