#include "net/net_error.h"

#include <array>

namespace sztp::net {
namespace {

constexpr std::array kReasons{
    ReasonInfo{static_cast<int>(NetErrc::SettingsInvalid), "listener-settings-invalid",
               "the listener settings are inconsistent (a missing or duplicate listener name, "
               "no handler, zero threads or a zero limit); fix the server configuration"},
    ReasonInfo{static_cast<int>(NetErrc::ListenAddressInvalid), "listen-address-invalid",
               "the listen address is not a literal IPv4 or IPv6 address; use e.g. 0.0.0.0, "
               "::, 127.0.0.1"},
    ReasonInfo{static_cast<int>(NetErrc::ListenFailed), "listen-failed",
               "the listening socket cannot be bound; check the address exists on this host "
               "and the port is free (and, below 1024, the privilege to bind it)"},
    ReasonInfo{static_cast<int>(NetErrc::TlsCertificateInvalid), "tls-certificate-invalid",
               "the TLS certificate chain cannot be read; give PEM certificates, the server's "
               "own certificate first"},
    ReasonInfo{static_cast<int>(NetErrc::TlsKeyInvalid), "tls-key-invalid",
               "the TLS private key cannot be read; give an unencrypted PEM private key"},
    ReasonInfo{static_cast<int>(NetErrc::TlsKeyMismatch), "tls-key-mismatch",
               "the TLS private key does not belong to the server certificate (the first "
               "certificate of the chain)"},
    ReasonInfo{static_cast<int>(NetErrc::TlsSettingsInvalid), "tls-settings-invalid",
               "a TLS setting is not accepted: protocol versions are 1.2 or 1.3, and cipher "
               "lists, suites, groups and signature algorithms must use OpenSSL names"},
    ReasonInfo{static_cast<int>(NetErrc::UnknownListener), "unknown-listener",
               "no listener has this name, or it does not use TLS"},
    ReasonInfo{static_cast<int>(NetErrc::WrongState), "server-wrong-state",
               "the server was already started, or has been stopped; a stopped server cannot "
               "be restarted"},
};

}  // namespace

const ReasonCategory& netCategory() noexcept {
  // Function-local so initialisation order across libraries cannot matter.
  static const ReasonCategory category("sztp.net", kReasons);
  return category;
}

}  // namespace sztp::net
