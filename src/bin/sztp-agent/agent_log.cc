#include "agent_log.h"

#include <cstdio>

#include "common/display_text.h"

namespace sztp::agentd {
namespace {

using Severity = agent::AgentEvent::Severity;

/// sd-daemon(3) prefixes: the syslog levels.
int priority(Severity severity) {
  switch (severity) {
    case Severity::Debug:
      return 7;
    case Severity::Info:
      return 6;
    case Severity::Notice:
      return 5;
    case Severity::Warning:
      return 4;
    case Severity::Error:
      return 3;
  }
  return 6;
}

}  // namespace

Severity severityFromName(std::string_view name) {
  if (name == "debug") {
    return Severity::Debug;
  }
  if (name == "notice") {
    return Severity::Notice;
  }
  if (name == "warning") {
    return Severity::Warning;
  }
  if (name == "error") {
    return Severity::Error;
  }
  return Severity::Info;
}

void AgentLog::emit(const agent::AgentEvent& event) {
  if (static_cast<int>(event.severity) < static_cast<int>(minimum_)) {
    return;
  }
  if (forward_) {
    forward_(event);
  }
  std::string text = "<" + std::to_string(priority(event.severity)) + ">" + event.id + " " +
                     displayText(event.message);
  for (const auto& [key, value] : event.fields) {
    text += " " + key + "=" + displayText(value);
  }
  text += "\n";
  const std::lock_guard lock(mutex_);
  std::fputs(text.c_str(), stderr);
  std::fflush(stderr);
}

void AgentLog::line(Severity severity, std::string_view id, std::string_view message) {
  emit(agent::AgentEvent{std::string(id), severity, std::string(message), {}});
}

}  // namespace sztp::agentd
