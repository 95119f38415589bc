#pragma once

#include <span>

#include "common/error.h"

namespace sztp::catalog {

/// Every reason category of the libraries, in layer order: codec, io, crypto,
/// dhcp, artifact, trust. `sztp reason-codes` prints them; a test keeps
/// docs/reason-codes.md complete and every code unique across categories.
std::span<const ReasonCategory* const> allReasonCategories();

/// The category entry for a stable reason code, or nullptr.
const ReasonInfo* findReason(std::string_view code);

}  // namespace sztp::catalog
