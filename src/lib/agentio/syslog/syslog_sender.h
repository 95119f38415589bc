#pragma once

// Remote syslog for the agent (issue 4 item 7): RFC 5424 messages
// (logging/rfc5424.h) to one configured collector over UDP (RFC 5426, one
// message per datagram) or TCP (RFC 6587 octet-counting framing).
//
// Logging must never hold the agent up: send() only queues (bounded, so a
// dead collector costs bounded memory) and a worker thread does the network
// I/O with short timeouts, reconnecting with backoff. When the queue is full
// the OLDEST message is dropped; every message lost — queue overflow, a
// failed send, still queued at shutdown — is counted in stats().dropped.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

#include "logging/rfc5424.h"

namespace sztp::agentio {

enum class SyslogTransport { Udp, Tcp };

struct SyslogConfig {
  std::string host;  ///< Name or IP literal of the collector.
  std::uint16_t port = 514;
  SyslogTransport transport = SyslogTransport::Udp;
  logging::FormatOptions format;  ///< Facility (default daemon), SD-ID, max length.
  /// Filled into records that leave them empty.
  std::string hostname;
  std::string appName = "sztp-agent";
  std::string procId;
  std::size_t queueCapacity = 1024;
  /// Limit on one connect (TCP) or send; the worker gives up on the message
  /// or connection after it, never the caller.
  std::chrono::milliseconds ioTimeout{2000};
  /// First wait after a failed connect; doubles up to maxBackoff.
  std::chrono::milliseconds minBackoff{500};
  std::chrono::milliseconds maxBackoff{30000};
  /// UDP: MSG is cut so a datagram is at most this (RFC 5426 §3.2). 0 = none.
  std::size_t maxDatagram = 2048;
};

struct SyslogStats {
  std::uint64_t queued = 0;    ///< Accepted by send().
  std::uint64_t sent = 0;      ///< Handed to the kernel completely.
  std::uint64_t dropped = 0;   ///< Lost: overflow, failed send, or left at shutdown.
  std::uint64_t connects = 0;  ///< Successful (re)connections (TCP) or socket set-ups (UDP).
  std::uint64_t connectFailures = 0;
};

class SyslogSender {
 public:
  explicit SyslogSender(SyslogConfig config);
  /// Waits at most ioTimeout for the queue to drain, then stops; what is
  /// still queued is counted as dropped.
  ~SyslogSender();
  SyslogSender(const SyslogSender&) = delete;
  SyslogSender& operator=(const SyslogSender&) = delete;

  /// Queues one record; returns at once (never touches the network).
  void send(logging::LogRecord record);

  /// Waits until every queued message was sent or dropped, at most
  /// `timeout`; true when the queue is empty (tests, orderly shutdown).
  bool flush(std::chrono::milliseconds timeout);

  SyslogStats stats() const;

 private:
  void run();
  bool ensureConnected(std::unique_lock<std::mutex>& lock);
  bool transmit(const std::string& message);
  void closeSocket();

  SyslogConfig config_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;     ///< Work arrived or stopping.
  std::condition_variable drained_;  ///< Queue empty and nothing in flight.
  std::deque<std::string> queue_;    ///< Formatted messages.
  bool inFlight_ = false;
  bool stopping_ = false;
  SyslogStats stats_;
  int fd_ = -1;  ///< Used by the worker only.
  std::chrono::steady_clock::time_point nextConnect_{};
  std::chrono::milliseconds backoff_{0};
  std::thread worker_;
};

}  // namespace sztp::agentio
