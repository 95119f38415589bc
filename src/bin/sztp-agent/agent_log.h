#pragma once

#include <functional>
#include <mutex>
#include <string>

#include "agent/ports.h"

namespace sztp::agentd {

/// The agent's log: every event to stderr as one line, prefixed with its
/// sd-daemon priority ("<4>") so that the journal keeps the severity when the
/// agent runs under systemd, then the stable event id, the message and the
/// structured fields; and, when configured, to a remote syslog server
/// (`forward`, RFC 5424). Events below `minimum` are dropped (--debug lowers
/// it to Debug).
class AgentLog final : public agent::EventSink {
 public:
  explicit AgentLog(agent::AgentEvent::Severity minimum) : minimum_(minimum) {}

  void emit(const agent::AgentEvent& event) override;
  void setForward(std::function<void(const agent::AgentEvent&)> forward) {
    forward_ = std::move(forward);
  }
  /// A line of the binary itself (start-up, configuration), outside the engine's events.
  void line(agent::AgentEvent::Severity severity, std::string_view id, std::string_view message);

 private:
  agent::AgentEvent::Severity minimum_;
  std::function<void(const agent::AgentEvent&)> forward_;
  std::mutex mutex_;
};

/// "debug", "info", ... → severity; Info for anything else.
agent::AgentEvent::Severity severityFromName(std::string_view name);

}  // namespace sztp::agentd
