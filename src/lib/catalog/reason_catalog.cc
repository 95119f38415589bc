#include "catalog/reason_catalog.h"

#include <array>

#include "admin/admin_error.h"
#include "agent/agent_error.h"
#include "agentio/agentio_error.h"
#include "artifact/artifact_error.h"
#include "bootstrap/bootstrap_error.h"
#include "client/client_error.h"
#include "common/codec_error.h"
#include "common/io_error.h"
#include "crypto/crypto_error.h"
#include "dhcp/dhcp_error.h"
#include "discovery/discovery_error.h"
#include "fileserver/fileserver_error.h"
#include "http/http_error.h"
#include "inventory/inventory_error.h"
#include "metrics/metrics_error.h"
#include "net/net_error.h"
#include "registry/registry_error.h"
#include "trust/trust_error.h"

namespace sztp::catalog {

std::span<const ReasonCategory* const> allReasonCategories() {
  // to_array: adding a category needs no count to be kept in step.
  static const auto kCategories = std::to_array<const ReasonCategory*>({
      &codecCategory(),
      &ioCategory(),
      &crypto::cryptoCategory(),
      &dhcp::dhcpCategory(),
      &artifact::artifactCategory(),
      &trust::trustCategory(),
      &registry::registryCategory(),
      &bootstrap::bootstrapCategory(),
      &http::httpCategory(),
      &net::netCategory(),
      &fileserver::fileServerCategory(),
      &inventory::inventoryCategory(),
      &metrics::metricsCategory(),
      &admin::adminCategory(),
      &agent::agentCategory(),
      &agentio::agentIoCategory(),
      &client::clientCategory(),
      &discovery::discoveryCategory(),
  });
  return kCategories;
}

const ReasonInfo* findReason(std::string_view code) {
  for (const auto* category : allReasonCategories()) {
    for (const auto& info : category->reasons()) {
      if (info.code == code) {
        return &info;
      }
    }
  }
  return nullptr;
}

}  // namespace sztp::catalog
