#pragma once

// The DHCP servers and client of the lab, configured the way an operator
// would: the option 143/136 lines and members come from running the real
// `sztp dhcp config` (never written here), merged into a minimal dnsmasq
// command line or Kea configuration file. Each started process belongs to
// the Lab, which stops it.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "lab/lab.h"
#include "testutil/software_tpm.h"

namespace sztp::lab {

/// Where a DHCP server runs: its namespace, the interface it serves, and the
/// subnets of that interface (IPv4 /24 and IPv6 /64 prefixes, e.g. "10.99.0.").
struct DhcpSite {
  std::string ns;
  std::string interface;
  std::string v4Prefix = "10.99.0.";
  std::string v6Prefix = "fd00:99::";
  /// Subnets reached through a DHCP relay (startDhcpRelay), served too: a
  /// range/subnet each, chosen by the relay's address in the request
  /// (giaddr, DHCPv6 link-address). Same form as the prefixes above.
  std::vector<std::string> relayedV4Prefixes = {};
  std::vector<std::string> relayedV6Prefixes = {};
  /// The server's own IPv6 address on `interface`, where relays send: Kea
  /// takes unicast DHCPv6 only on an address it is told (dnsmasq on any).
  std::string v6Address = {};
};

/// dnsmasq, DHCP only (no DNS), serving `uris` as option 143 and 136. On
/// failure nullptr and `why` says what failed (the command, its output).
Child* startDnsmasq(Lab& lab, const DhcpSite& site, const std::vector<std::string>& uris,
                    const std::filesystem::path& directory, std::string& why);

/// A DHCP relay in the lab's router namespace (Lab::addSegment): dnsmasq
/// --dhcp-relay, DHCPv4 from the segment (br1, 10.98.0.1 as giaddr) to
/// `serverV4`, DHCPv6 (Relay-Forward, link-address fd00:98::1) to
/// `serverV6`. It serves nothing itself. Its log (dhcp-relay.log in
/// `directory`) has a line per relayed message ("DHCP relay at ... -> ...").
Child* startDhcpRelay(Lab& lab, const std::string& serverV4, const std::string& serverV6,
                      const std::filesystem::path& directory, std::string& why);

/// dnsmasq as an authoritative DNS server only (no DHCP, no forwarding:
/// --local for `domain`), on port 53 of `listen` in `ns`, logging every
/// query; `records` are dnsmasq options (--srv-host=..., --host-record=...).
Child* startDnsServer(Lab& lab, const std::string& ns, const std::vector<std::string>& listen,
                      const std::string& domain, const std::vector<std::string>& records,
                      const std::filesystem::path& directory, std::string& why);

/// rsyslogd receiving syslog on UDP and TCP `port` of `address` in `ns`,
/// every message written as received (RFC 5424 text), each line prefixed
/// with the input that took it ("imudp " or "imtcp "), to `received`. Its
/// configuration, work directory and own log are in `directory`.
Child* startSyslogServer(Lab& lab, const std::string& ns, const std::string& address,
                         const std::string& port, const std::filesystem::path& received,
                         const std::filesystem::path& directory, std::string& why);

/// A deployment file server of its own: nginx in `ns` serving `root` over
/// HTTPS on `listen` ("10.99.0.1:8444", "[fd00:99::1]:8444") with `cert` and
/// `key`, asking every client for a certificate issued by `clientCa` (a
/// device's IDevID), answering 400 to a client without one. Configuration,
/// pid, error log and access.log are in `directory`; access.log has a line
/// per request: `<client address> "<request line>" <status> <body bytes>
/// "<client certificate subject>"`. Returns once it listens.
Child* startFileServer(Lab& lab, const std::string& ns, const std::vector<std::string>& listen,
                       const std::filesystem::path& root, const std::filesystem::path& cert,
                       const std::filesystem::path& key, const std::filesystem::path& clientCa,
                       const std::filesystem::path& directory, std::string& why);

/// kea-dhcp4 and kea-dhcp6 with in-memory leases, serving `uris` as option
/// 143 and 136. Both logs are in `directory` (kea-dhcp4.log, kea-dhcp6.log).
bool startKea(Lab& lab, const DhcpSite& site, const std::vector<std::string>& uris,
              const std::filesystem::path& directory, std::string& why);

/// ISC dhclient (DHCPv4) in `ns` on the device interface, asking for option
/// 143 declared as `sztp-redirect` (a name discovery/lease_files.h reads), its
/// lease file `leaseFile`; its script only sets the leased address. Returns
/// once the lease holds the option and the address is set (nullptr and `why`
/// otherwise).
Child* startDhclient(Lab& lab, const std::string& ns, const std::filesystem::path& leaseFile,
                     const std::filesystem::path& directory, std::string& why);
/// The same; with `takeRouter`, it also asks for the routers option and its
/// script sets the default route to it, as the stock dhclient-script does (a
/// device behind the lab's router, Lab::addSegment).
Child* startDhclient(Lab& lab, const std::string& ns, const std::filesystem::path& leaseFile,
                     const std::filesystem::path& directory, bool takeRouter, std::string& why);

/// The port of a device's software TPM on its namespace's own loopback (the
/// control channel is the next one): fixed, every namespace has its own.
inline constexpr std::uint16_t kDeviceTpmPort = 2321;

/// Device k's TPM: swtpm in the device's namespace holding the EC P-256 key
/// testutil::kTpmEcHandle, made with tpm2-tools as a manufacturer provisions
/// an IDevID key, then tpm2-abrmd in front of it (on a private D-Bus session
/// bus) as the device's resource manager, as /dev/tpmrm0 would be. `tpm`
/// belongs to the caller (the Lab kills what runs in the namespace anyway
/// when it goes). False with `why` when a tool is missing or fails.
bool startDeviceTpm(Lab& lab, std::size_t k, testutil::SoftwareTpm& tpm, std::string& why);

/// Moves `device`'s identity into `tpm` (started by startDeviceTpm): a CSR
/// signed by the TPM key through the tpm2 OpenSSL provider, its proof of
/// possession checked, and the IDevID issued for that key by `pki`'s
/// manufacturer CA with the profile `sztp pki init` gives IDevIDs (subject
/// serialNumber `serial`, clientAuth, no expiry). The agent then uses the key
/// through the provider (identity.key-provider tpm2, key handle:...,
/// TPM2OPENSSL_TCTI on its command line); the software key is deleted. Call
/// after device.writeConfig: it edits the key lines of agent.yaml.
bool useTpmIdentity(agent::e2e::Device& device, const std::string& serial,
                    const std::filesystem::path& pki, testutil::SoftwareTpm& tpm, std::string& why);

}  // namespace sztp::lab

// ---------------------------------------------------------------- DHCPv6 client

namespace sztp::lab {

/// ISC dhclient -6 in `ns` on the device interface, asking (ORO) for option
/// 136 declared as `dhcp6.sztp-redirect` (a name discovery/lease_files.h
/// reads by default), its lease file `leaseFile`. Stateful (Solicit,
/// Request; its script sets the leased address): with -S (Information-
/// Request) dhclient writes no lease file. Returns once the lease file holds
/// the option (nullptr and `why` otherwise).
Child* startDhclient6(Lab& lab, const std::string& ns, const std::filesystem::path& leaseFile,
                      const std::filesystem::path& directory, std::string& why);

}  // namespace sztp::lab

// ---------------------------------------------------------------- authoritative DNS

namespace sztp::lab {

/// NSD's path, or "" when it is not installed (Debian package nsd).
std::string findNsd();

/// `sztp dns <args>` run for real (e.g. {"txt", "--serial", ...}): its
/// zone-file lines appended to `records`; false with `why` on failure.
bool sztpDnsRecords(const std::vector<std::string>& args, std::string& records, std::string& why);

/// NSD, authoritative for `domain` only, on port 53 (UDP and TCP) of
/// `listen` in `ns`: a zone of an SOA, an NS, and `records` (zone-file
/// lines with absolute names, e.g. from sztpDnsRecords). It runs in the
/// foreground without chroot or user change; configuration, zone, pid,
/// xfrd state and zone list are in `directory`, its log (stderr) in
/// nsd.log there. Unlike dnsmasq it serves binary TXT values and answers
/// over TCP what does not fit UDP (X10). Returns once it serves the zone.
Child* startAuthoritativeDns(Lab& lab, const std::string& ns,
                             const std::vector<std::string>& listen, const std::string& domain,
                             const std::string& records, const std::filesystem::path& directory,
                             std::string& why);

/// The query counters of the NSD started in `directory` (`nsd-control
/// stats_noreset` over its local control socket): "num.udp=N", "num.tcp=N",
/// "num.udp6=N", "num.tcp6=N" lines among others; "" when unavailable.
std::string authoritativeDnsStatistics(const std::filesystem::path& directory);

}  // namespace sztp::lab
