#include "syslog_wiring.h"

#include <unistd.h>

#include <charconv>

#include "agentio/syslog/syslog_sender.h"
#include "common/codec_error.h"

namespace sztp::agentd {
namespace {

class SenderAttachment final : public SyslogAttachment {
 public:
  explicit SenderAttachment(agentio::SyslogConfig config) : sender(std::move(config)) {}
  agentio::SyslogSender sender;
};

logging::Severity severity(agent::AgentEvent::Severity severity) {
  using S = agent::AgentEvent::Severity;
  switch (severity) {
    case S::Debug:
      return logging::Severity::Debug;
    case S::Info:
      return logging::Severity::Informational;
    case S::Notice:
      return logging::Severity::Notice;
    case S::Warning:
      return logging::Severity::Warning;
    case S::Error:
      return logging::Severity::Error;
  }
  return logging::Severity::Informational;
}

/// "udp://host:port" / "tcp://[v6]:port" (the port defaults to 514).
Result<agentio::SyslogConfig> parseServer(const std::string& url) {
  agentio::SyslogConfig config;
  std::string rest;
  if (url.rfind("udp://", 0) == 0) {
    config.transport = agentio::SyslogTransport::Udp;
  } else if (url.rfind("tcp://", 0) == 0) {
    config.transport = agentio::SyslogTransport::Tcp;
  } else {
    return Error(CodecErrc::InvalidValue, "logging.syslog-server: \"" + url +
                                              "\" is not udp://host:port or tcp://host:port");
  }
  rest = url.substr(6);
  std::string portText;
  if (!rest.empty() && rest.front() == '[') {
    const auto close = rest.find(']');
    if (close == std::string::npos) {
      return Error(CodecErrc::InvalidValue, "logging.syslog-server: unclosed [ in " + url);
    }
    config.host = rest.substr(1, close - 1);
    if (close + 1 < rest.size() && rest[close + 1] == ':') {
      portText = rest.substr(close + 2);
    }
  } else if (const auto colon = rest.rfind(':'); colon != std::string::npos) {
    config.host = rest.substr(0, colon);
    portText = rest.substr(colon + 1);
  } else {
    config.host = rest;
  }
  if (!portText.empty()) {
    unsigned port = 0;
    const auto [end, ec] =
        std::from_chars(portText.data(), portText.data() + portText.size(), port);
    if (ec != std::errc() || end != portText.data() + portText.size() || port == 0 ||
        port > 65535) {
      return Error(CodecErrc::InvalidValue, "logging.syslog-server: bad port in " + url);
    }
    config.port = static_cast<std::uint16_t>(port);
  }
  if (config.host.empty()) {
    return Error(CodecErrc::InvalidValue, "logging.syslog-server: no host in " + url);
  }
  return config;
}

}  // namespace

Result<std::unique_ptr<SyslogAttachment>> attachSyslog(const AgentConfig& config, AgentLog& log) {
  if (config.logging.syslogServer.empty()) {
    return std::unique_ptr<SyslogAttachment>();
  }
  auto syslog = parseServer(config.logging.syslogServer);
  if (!syslog) {
    return std::move(syslog).error();
  }
  if (auto facility = logging::facilityFromName(config.logging.syslogFacility)) {
    syslog->format.facility = *facility;
  }
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) == 0) {
    syslog->hostname = host;
  }
  syslog->procId = std::to_string(::getpid());
  auto attachment = std::make_unique<SenderAttachment>(std::move(*syslog));
  auto* sender = &attachment->sender;
  log.setForward([sender](const agent::AgentEvent& event) {
    const auto now = std::chrono::system_clock::now();
    const auto seconds = std::chrono::time_point_cast<std::chrono::seconds>(now);
    sender->send(logging::LogRecord{
        .severity = severity(event.severity),
        .msgId = event.id,
        .message = event.message,
        .structuredData = event.fields,
        .time = seconds,
        .fraction = std::chrono::duration_cast<std::chrono::microseconds>(now - seconds),
        .hostname = {},
        .appName = {},
        .procId = {},
    });
  });
  return std::unique_ptr<SyslogAttachment>(std::move(attachment));
}

}  // namespace sztp::agentd
