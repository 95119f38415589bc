#include "client/client_error.h"

#include <array>

namespace sztp::client {
namespace {

#define SZTP_REASON(e, code, text)              \
  ReasonInfo {                                  \
    static_cast<int>(ClientErrc::e), code, text \
  }

constexpr std::array kReasons{
    SZTP_REASON(InvalidRequest, "client-request-invalid",
                "the server address, download URI or client credentials cannot be used as "
                "given; check the redirect information and the device identity"),
    SZTP_REASON(ResolveFailed, "server-resolve-failed",
                "the server's host name does not resolve; check DNS on the device's network"),
    SZTP_REASON(ConnectFailed, "server-connect-failed",
                "no address of the server accepted a connection; check that the server runs "
                "and that the network and firewalls let the device reach it"),
    SZTP_REASON(TlsHandshakeFailed, "server-tls-handshake-failed",
                "the TLS handshake with the server failed; check TLS versions, cipher suites "
                "and that the server accepts the device's client certificate"),
    SZTP_REASON(ServerCertificateUntrusted, "server-certificate-untrusted",
                "the server's TLS certificate does not chain to the trust anchor given for it; "
                "install the right anchor or fix the server's certificate chain"),
    SZTP_REASON(ServerNameMismatch, "server-name-mismatch",
                "the server's TLS certificate is not issued for the host name or address the "
                "device connected to; fix the certificate's subjectAltName or the URI"),
    SZTP_REASON(Timeout, "server-timeout",
                "the server did not answer within the time limit; check the server's load and "
                "the network path"),
    SZTP_REASON(HttpStatus, "server-http-error",
                "the server refused the request with an HTTP error; the detail carries its "
                "RESTCONF error-tag and message"),
    SZTP_REASON(AnswerTooLarge, "server-answer-too-large",
                "the server's answer exceeds the device's size limit; raise the limit or "
                "shrink the bootstrapping data"),
    SZTP_REASON(AnswerTruncated, "server-answer-truncated",
                "the connection closed before the server's whole answer arrived"),
    SZTP_REASON(AnswerMalformed, "server-answer-malformed",
                "the server's answer is not the well-formed HTTP and RESTCONF document the "
                "device expects"),
    SZTP_REASON(MediaType, "server-answer-media-type",
                "the server answered with a media type the device did not ask for; RFC 8572 "
                "servers answer application/yang-data+json or +xml"),
    SZTP_REASON(BasicAuthRefusedUntrusted, "basic-auth-refused-untrusted",
                "the server wants HTTP Basic credentials, which the device never sends to a "
                "server it has not authenticated (RFC 8572 §9.6); give the device the server's "
                "trust anchor or enroll its client certificate"),
    SZTP_REASON(DownloadFailed, "download-failed",
                "the boot image could not be downloaded; the detail says whether the URI, a "
                "redirect, the server or the local disk is at fault"),
    SZTP_REASON(DownloadHashMismatch, "download-hash-mismatch",
                "the downloaded boot image matches none of the image-verification hashes; it "
                "was deleted; check that the URI and the hashes name the same image"),
    SZTP_REASON(DownloadTooLarge, "download-too-large",
                "the boot image is larger than the device allows or than the server announced; "
                "free space or raise the limit"),
};

#undef SZTP_REASON

}  // namespace

const ReasonCategory& clientCategory() noexcept {
  // Function-local so initialisation order across libraries cannot matter.
  static const ReasonCategory category("sztp.client", kReasons);
  return category;
}

}  // namespace sztp::client
