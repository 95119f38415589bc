#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "agent/ports.h"

namespace sztp::agentio {

struct DnsConfig {
  /// The device serial number (X6: must equal the IDevID's).
  std::string serialNumber;
  /// Domains to query, in order. Empty: `search` then `domain` of resolvConf.
  std::vector<std::string> domains;
  /// Name servers (IP literals). Empty: `nameserver` lines of resolvConf.
  std::vector<std::string> nameservers;
  std::string resolvConf = "/etc/resolv.conf";
  std::uint16_t port = 53;
  std::chrono::milliseconds timeout{2000};  ///< Per query and server.
  int attempts = 2;                         ///< UDP tries per server.
  /// Returns a value in [0, n): SRV weights (RFC 2782) and query ids.
  std::function<std::uint32_t(std::uint32_t)> random;
  /// Extra domains known at run time (e.g. DhcpLeaseSource::domains()),
  /// asked after `domains`.
  std::function<std::vector<std::string>()> moreDomains;

  /// X5: ask mDNS (`.local`, RFC 6762) before unicast DNS.
  bool mdns = true;
  /// How long answers to one mDNS query are collected (the TXT query ends
  /// early at the first usable answer; the SRV query always waits this long,
  /// since several responders may each publish a server).
  std::chrono::milliseconds mdnsTimeout{1000};
  /// Interfaces to send mDNS queries on. Empty: every interface that is up,
  /// multicast-capable and not loopback. Named interfaces are used even
  /// without IFF_MULTICAST (loopback, for tests).
  std::vector<std::string> mdnsInterfaces;
  bool mdnsV4 = true;
  bool mdnsV6 = true;
  /// Where mDNS queries go; the defaults are the protocol's (224.0.0.251,
  /// ff02::fb, 5353). Tests use another port so as not to meet a real
  /// responder of the host.
  std::string mdnsGroupV4 = "224.0.0.251";
  std::string mdnsGroupV6 = "ff02::fb";
  std::uint16_t mdnsPort = 5353;
};

/// RFC 8572 §4.2 (X3–X10) over mDNS and unicast DNS. The yields come in the
/// order X4 and X5 ask for:
///   1. device-specific TXT `<serial>._sztp.local` over mDNS,
///   2. device-specific TXT `<serial>._sztp.<domain>` over unicast DNS, for
///      each domain,
///   3. device-independent SRV `_sztp._tcp.local` over mDNS,
///   4. device-independent SRV `_sztp._tcp.<domain>` over unicast DNS.
/// A TXT yield has kind Dns and `data` (ci/oc/ov, X8); an SRV yield has
/// `servers` in RFC 2782 order (X9, unsigned redirect information).
///
/// mDNS (X5): one-shot "legacy unicast" queries (RFC 6762 §5.1, §6.7) from
/// an ephemeral port to 224.0.0.251:5353 on each interface with IPv4 and to
/// ff02::fb:5353 on each with IPv6; responders answer unicast, repeating our
/// id and question. Answers are collected for mdnsTimeout; only records owned
/// by the asked name count. For an SRV target that the answer's additional
/// section resolves (A/AAAA, X9 "should include"), the server is given as
/// those addresses (a `.local` name is not resolvable by ordinary DNS); IPv6
/// link-local addresses are skipped (no zone). No mDNS answer is not an
/// error: there may be no responder.
///
/// Unicast DNS: UDP, repeated over TCP when the answer is truncated (X10).
/// The first server that answers decides (NXDOMAIN included); a server that
/// does not answer, or answers with an error, makes the next one be asked.
/// The domain "local" is never asked over unicast DNS (RFC 6762 §3).
///
/// Fails when no name server is configured and mDNS is off or could send
/// nothing, or when unicast servers were configured, none answered and mDNS
/// found nothing.
class DnsSource : public agent::SourceProvider {
 public:
  explicit DnsSource(DnsConfig config);
  agent::SourceKind kind() const override { return agent::SourceKind::Dns; }
  Result<std::vector<agent::SourceYield>> discover() override;

  /// What went wrong in the last discover() without failing it (an mDNS
  /// query that could not be sent on an interface, ...).
  const std::vector<Error>& problems() const { return problems_; }

 private:
  DnsConfig config_;
  std::vector<Error> problems_;
};

/// `search`/`domain`/`nameserver` of a resolv.conf text (resolv.conf(5)).
struct ResolvConf {
  std::vector<std::string> nameservers;
  std::vector<std::string> search;
};
ResolvConf parseResolvConf(std::string_view text);

}  // namespace sztp::agentio
