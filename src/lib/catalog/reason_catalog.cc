#include "catalog/reason_catalog.h"

#include <array>

#include "artifact/artifact_error.h"
#include "common/codec_error.h"
#include "common/io_error.h"
#include "crypto/crypto_error.h"
#include "dhcp/dhcp_error.h"
#include "trust/trust_error.h"

namespace sztp::catalog {

std::span<const ReasonCategory* const> allReasonCategories() {
  static const std::array<const ReasonCategory*, 6> kCategories{
      &codecCategory(),
      &ioCategory(),
      &crypto::cryptoCategory(),
      &dhcp::dhcpCategory(),
      &artifact::artifactCategory(),
      &trust::trustCategory(),
  };
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
