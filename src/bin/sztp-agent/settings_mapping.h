#pragma once

#include "agent/settings.h"
#include "agent_config.h"

namespace sztp::agentd {

/// The algorithm's settings from the configuration file; the voucher trust
/// anchors are loaded from their files (an unreadable file is an error, an
/// empty list is allowed but refuses every signed bundle: fail closed).
Result<agent::AgentSettings> toSettings(const AgentConfig& config);

}  // namespace sztp::agentd
