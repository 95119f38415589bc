#pragma once

#include <memory>

#include "agent_config.h"
#include "agent_log.h"

namespace sztp::agentd {

/// Keeps the remote syslog sender alive for the life of the agent.
class SyslogAttachment {
 public:
  virtual ~SyslogAttachment() = default;
};

/// With logging.syslog-server set, forwards every logged event to it as
/// RFC 5424 (UDP: RFC 5426; TCP: octet counting, RFC 6587); else nothing.
Result<std::unique_ptr<SyslogAttachment>> attachSyslog(const AgentConfig& config, AgentLog& log);

}  // namespace sztp::agentd
