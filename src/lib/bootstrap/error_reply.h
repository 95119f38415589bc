#pragma once

#include "common/error.h"
#include "http/message.h"
#include "model/encoding.h"

// Internal to the bootstrap service (bootstrap_service.cc, ldevid_exchange.cc).

namespace sztp::bootstrap {

/// A RESTCONF error reply (S10) for `error`: the status and error-tag of its
/// code; to an authenticated device also the reason code as error-app-tag
/// and the operator sentence (the detail only below 500).
http::Response errorReply(const Error& error, model::Encoding encoding, bool authenticated);

}  // namespace sztp::bootstrap
