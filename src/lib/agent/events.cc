#include "agent/events.h"

#include <array>
#include <cstdio>

namespace sztp::agent {
namespace {

using Sev = AgentEvent::Severity;

struct EventInfo {
  std::string_view name;
  Sev severity;
};

constexpr std::array<EventInfo, kEventCount> kEvents{{
    {"cycle-started", Sev::Info},
    {"source-asked", Sev::Debug},
    {"source-nothing", Sev::Info},
    {"source-yielded", Sev::Info},
    {"source-failed", Sev::Warning},
    {"server-contacting", Sev::Info},
    {"server-tls-trusted", Sev::Info},
    {"server-tls-provisional", Sev::Warning},
    {"server-failed", Sev::Warning},
    {"data-validated", Sev::Notice},
    {"data-check", Sev::Debug},
    {"data-rejected", Sev::Error},
    {"trust-state-changed", Sev::Info},
    {"redirect-followed", Sev::Info},
    {"redirect-depth-exceeded", Sev::Error},
    {"step-initiated", Sev::Info},
    {"step-complete", Sev::Info},
    {"step-warning", Sev::Warning},
    {"step-error", Sev::Error},
    {"report-sent", Sev::Debug},
    {"report-failed", Sev::Warning},
    {"reboot-requested", Sev::Notice},
    {"resumed-after-reboot", Sev::Notice},
    {"completed", Sev::Notice},
    {"cycle-failed", Sev::Warning},
    {"disabled", Sev::Notice},
    {"backoff-sleep", Sev::Info},
    {"state-resumed", Sev::Info},
    {"step-recovered", Sev::Notice},
    {"state-corrupt", Sev::Error},
    {"already-completed", Sev::Notice},
    {"download-progress", Sev::Debug},
}};

const EventInfo& info(EventId id) {
  return kEvents[static_cast<std::size_t>(id) - 1];
}

}  // namespace

std::string eventIdText(EventId id) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "SZTP-A%04d", static_cast<int>(id));
  return buffer;
}

std::string_view eventName(EventId id) {
  return info(id).name;
}

AgentEvent::Severity defaultSeverity(EventId id) {
  return info(id).severity;
}

void emitEvent(EventSink& sink, EventId id, std::string_view message,
               std::map<std::string, std::string> fields, std::string_view reason) {
  AgentEvent event;
  event.id = eventIdText(id);
  event.severity = defaultSeverity(id);
  if (!reason.empty()) {
    event.message = std::string(reason) + ": " + std::string(message);
    fields["reason"] = std::string(reason);
  } else {
    event.message = std::string(message);
  }
  fields["event"] = std::string(eventName(id));
  event.fields = std::move(fields);
  sink.emit(event);
}

}  // namespace sztp::agent
