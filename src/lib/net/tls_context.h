#pragma once

#include <memory>

#include "common/result.h"
#include "http/message.h"
#include "net/asio_config.h"
#include "net/server_settings.h"

namespace sztp::net::detail {

/// Builds the OpenSSL server context of a listener from its settings
/// (docs/transport.md "TLS"): protocol versions, ciphers, no tickets or cache
/// unless asked, no compression or renegotiation, client certificates
/// requested but accepted whatever their chain (the handler decides, S14).
/// Encrypted private keys are refused rather than prompting on a terminal.
Result<std::shared_ptr<asio::ssl::context>> makeTlsContext(const TlsSettings& settings);

/// Fills the TLS facts of `peer` after a handshake: version, cipher and the
/// client certificate chain as sent, leaf first, DER.
void describeTlsPeer(TlsStream& stream, http::Peer& peer);

}  // namespace sztp::net::detail
