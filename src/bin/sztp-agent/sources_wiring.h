#pragma once

#include <memory>
#include <vector>

#include "agent/ports.h"
#include "agent_config.h"

namespace sztp::agentd {

/// The source providers the configuration asks for, one per kind in
/// `sources.order` (removable storage, DHCP leases and inform, DNS,
/// well-known servers, bootstrap URLs).
Result<std::vector<std::unique_ptr<agent::SourceProvider>>> buildSources(
    const AgentConfig& config, const agent::DeviceIdentity& identity);

}  // namespace sztp::agentd
