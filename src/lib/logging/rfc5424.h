#pragma once

// RFC 5424 syslog messages, built from a neutral LogRecord so that logging
// depends on nothing of the agent (the agent adapts its AgentEvent, whose
// stable id becomes the MSGID). Pure: no sockets, no clock; the transports
// live in agentio/syslog.
//
//   SYSLOG-MSG = "<" PRI ">1" SP TIMESTAMP SP HOSTNAME SP APP-NAME SP PROCID
//                SP MSGID SP STRUCTURED-DATA [SP MSG]          (RFC 5424 §6)

#include <chrono>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "common/clock.h"

namespace sztp::logging {

/// RFC 5424 §6.2.1 Table 2, numerical codes 0–7.
enum class Severity {
  Emergency = 0,
  Alert = 1,
  Critical = 2,
  Error = 3,
  Warning = 4,
  Notice = 5,
  Informational = 6,
  Debug = 7,
};

/// RFC 5424 §6.2.1 Table 1, numerical codes 0–23.
enum class Facility {
  Kernel = 0,
  User = 1,
  Mail = 2,
  Daemon = 3,
  Auth = 4,
  Syslog = 5,
  Lpr = 6,
  News = 7,
  Uucp = 8,
  Cron = 9,
  AuthPriv = 10,
  Ftp = 11,
  Ntp = 12,
  Audit = 13,
  Alert = 14,
  Clock = 15,
  Local0 = 16,
  Local1 = 17,
  Local2 = 18,
  Local3 = 19,
  Local4 = 20,
  Local5 = 21,
  Local6 = 22,
  Local7 = 23,
};

/// "daemon", "local0" … "local7", "user", ... as syslog.conf spells them;
/// nullopt for anything else (configuration check).
std::optional<Facility> facilityFromName(std::string_view name);
std::string_view facilityName(Facility facility);

/// One log event, independent of who produced it.
struct LogRecord {
  Severity severity = Severity::Informational;
  /// The stable event id ("SZTP-A0012"); becomes MSGID (≤ 32 PRINTUSASCII).
  std::string msgId;
  /// One line of UTF-8; becomes MSG.
  std::string message;
  /// SD-PARAMs of the one SD-ELEMENT (RFC 5424 §6.3), by PARAM-NAME.
  std::map<std::string, std::string> structuredData;
  /// When it happened, UTC; nullopt writes the NILVALUE.
  std::optional<TimePoint> time;
  /// Sub-second part of the time, 0–999999 µs (TIME-SECFRAC, §6.2.3).
  std::chrono::microseconds fraction{0};
  std::string hostname;  ///< FQDN or IP (§6.2.4); empty writes "-".
  std::string appName;   ///< "sztp-agent"; empty writes "-".
  std::string procId;    ///< The process id as text; empty writes "-".
};

struct FormatOptions {
  Facility facility = Facility::Daemon;
  /// SD-ID of the element carrying `structuredData`: an enterprise id
  /// name@<PEN> (§7.2.2). 32473 is the PEN reserved for documentation
  /// (RFC 5612) until the project has its own.
  std::string sdId = "sztp@32473";
  /// 0 = no limit. Otherwise MSG is cut (at a UTF-8 character boundary) so
  /// the whole message is at most this many octets, e.g. 2048 for UDP
  /// (RFC 5426 §3.2 recommends receivers accept it). The header and
  /// structured data are never cut.
  std::size_t maxLength = 0;
};

/// PRI = facility × 8 + severity (§6.2.1).
int priority(Facility facility, Severity severity);

/// The whole message. Header fields are made PRINTUSASCII (octets outside
/// 33–126 become '_') and cut to their maximum lengths (HOSTNAME 255,
/// APP-NAME 48, PROCID 128, MSGID 32); an empty field is the NILVALUE "-".
/// SD-NAMEs lose '=', ' ', ']', '"' and non-PRINTUSASCII octets and are cut
/// to 32; PARAM-VALUEs escape '"', '\' and ']' with '\' (§6.3.3). Invalid
/// UTF-8 in values and MSG becomes U+FFFD; CR and LF in MSG become spaces
/// (one event, one line). MSG starts with the UTF-8 BOM when it holds
/// non-ASCII text (§6.4), and is left out, with its SP, when empty.
std::string format(const LogRecord& record, const FormatOptions& options = {});

/// RFC 5424 TIMESTAMP: "2026-06-01T12:00:00Z", "2026-06-01T12:00:00.000123Z".
std::string formatTimestamp(TimePoint time, std::chrono::microseconds fraction);

/// Octet-counting framing for syslog over TCP (RFC 6587 §3.4.1):
/// MSG-LEN SP SYSLOG-MSG. UDP needs none: one message per datagram (RFC 5426 §3.1).
std::string frameOctetCounting(std::string_view message);

}  // namespace sztp::logging
