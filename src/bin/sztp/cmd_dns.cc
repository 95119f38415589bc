// sztp dns txt|srv: the zone-file records of DNS as an SZTP source (RFC 8572
// §4.2): the device-specific TXT with ci/oc/ov (X6, X8, X10) and the
// device-independent SRV (X7, X9, X17).
#include <arpa/inet.h>

#include <iostream>

#include "command.h"
#include "dhcp/sztp_redirect_option.h"
#include "discovery/dns_messages.h"
#include "discovery/dns_txt_format.h"
#include "files.h"

namespace sztp::cli {

namespace {

struct TxtOptions {
  std::string serial;
  std::string domain;
  std::string conveyedInfo;
  std::string ownerCert;
  std::string voucher;
  std::uint32_t ttl = 3600;
};

struct SrvOptions {
  std::string domain;
  std::string uri;
  std::uint16_t priority = 0;
  std::uint16_t weight = 0;
  std::vector<std::string> addresses;
  std::uint32_t ttl = 3600;
};

// Absolute form of a name: a zone file would otherwise append its $ORIGIN.
std::string absolute(std::string name) {
  if (name.empty() || name.back() != '.') {
    name += '.';
  }
  return name;
}

std::string trimmedDomain(std::string domain) {
  while (!domain.empty() && domain.back() == '.') {
    domain.pop_back();
  }
  return domain;
}

// A name is checked the way the device will query it.
Status checkName(const std::string& name) {
  auto query = discovery::buildDnsQuery(0, name, discovery::kDnsTypeTxt);
  if (!query) {
    return std::move(query).error();
  }
  return {};
}

Result<std::optional<Bytes>> readOptional(const std::string& path) {
  if (path.empty()) {
    return std::optional<Bytes>{};
  }
  auto data = readFile(path);
  if (!data) {
    return std::move(data).error();
  }
  return std::optional<Bytes>(std::move(*data));
}

int runTxt(const TxtOptions& o) {
  if (o.ownerCert.empty() != o.voucher.empty()) {
    // X8: signed data carries both; unsigned conveyed information neither.
    return usageError("--owner-cert and --voucher go together (signed data needs both)");
  }
  const std::string name = discovery::sztpTxtName(o.serial, trimmedDomain(o.domain));
  if (auto valid = checkName(name); !valid) {
    return reportError(valid.error(), kExitUsage);
  }
  discovery::SztpTxtData data;
  for (auto [path, slot] : {std::pair{&o.conveyedInfo, &data.conveyedInformation},
                            std::pair{&o.ownerCert, &data.ownerCertificate},
                            std::pair{&o.voucher, &data.ownershipVoucher}}) {
    auto read = readOptional(*path);
    if (!read) {
      return reportError(read.error(), kExitUsage);
    }
    *slot = std::move(*read);
  }
  const auto strings = discovery::formatSztpTxt(data);
  const std::size_t length = discovery::txtRdataLength(strings);
  if (length > discovery::kMaxRdata) {
    // X10: a record holds at most 65535 octets; larger data belongs behind a redirect.
    return reportError(Error(discovery::DiscoveryErrc::InputTooLarge,
                             "the TXT record would hold " + std::to_string(length) +
                                 " octets, over the 65535 of one record; publish an SRV "
                                 "redirect to a bootstrap server instead"));
  }
  std::cout << absolute(name) << " " << o.ttl << " IN TXT " << discovery::txtPresentation(strings)
            << "\n";
  if (length > 512) {
    std::cerr << "sztp: note: " << length
              << " octets of TXT data do not fit a 512-octet UDP answer; the DNS server must "
                 "answer over TCP (RFC 8572 §4.2.4)\n";
  }
  return kExitOk;
}

int runSrv(const SrvOptions& o) {
  auto uri = dhcp::parseBootstrapServerUri(o.uri);
  if (!uri) {
    return reportError(std::move(uri).error().addContext("--uri"), kExitUsage);
  }
  unsigned char probe[16];
  if (inet_pton(AF_INET, uri->host.c_str(), probe) == 1 ||
      inet_pton(AF_INET6, uri->host.c_str(), probe) == 1) {
    // RFC 2782: the target is a domain name with A/AAAA records, never an address.
    return usageError("an SRV target must be a host name, not the address " + uri->host +
                      "; use a name and give its address with --address");
  }
  const std::string name = discovery::sztpSrvName(trimmedDomain(o.domain));
  if (auto valid = checkName(name); !valid) {
    return reportError(valid.error(), kExitUsage);
  }
  if (auto valid = checkName(uri->host); !valid) {
    return reportError(std::move(valid).error().addContext("--uri"), kExitUsage);
  }
  const std::string target = absolute(uri->host);
  std::string records = absolute(name) + " " + std::to_string(o.ttl) + " IN SRV " +
                        std::to_string(o.priority) + " " + std::to_string(o.weight) + " " +
                        std::to_string(uri->port) + " " + target + "\n";
  for (const auto& address : o.addresses) {
    unsigned char buffer[16];
    const char* type = inet_pton(AF_INET, address.c_str(), buffer) == 1    ? " IN A "
                       : inet_pton(AF_INET6, address.c_str(), buffer) == 1 ? " IN AAAA "
                                                                           : nullptr;
    if (type == nullptr) {
      return usageError("--address " + address + " is not an IPv4 or IPv6 address");
    }
    records += target + " " + std::to_string(o.ttl) + type + address + "\n";
  }
  std::cout << records;
  if (o.addresses.empty()) {
    std::cerr << "sztp: note: the zone needs A and/or AAAA records for " << target
              << " (RFC 8572 §4.2.3); --address prints them\n";
  }
  return kExitOk;
}

}  // namespace

void addDnsCommands(CLI::App& root, Commands& commands, const Context& /*context*/) {
  auto* dns = root.add_subcommand(
      "dns",
      "Zone-file records for DNS as an SZTP source, RFC 8572 §4.2: the device-specific TXT\n"
      "<serial>._sztp.<domain> with ci/oc/ov and the SRV _sztp._tcp.<domain>");
  dns->require_subcommand(1);

  auto t = std::make_shared<TxtOptions>();
  auto* txt = dns->add_subcommand(
      "txt",
      "Print the TXT record carrying a device's bootstrapping data (values over 255 octets\n"
      "are split over several strings the way sztp devices join them back)");
  txt->add_option("--serial", t->serial, "Device serial number (as in its IDevID)")->required();
  txt->add_option("--domain", t->domain, "Domain the device searches, e.g. example.net")
      ->required();
  txt->add_option("--conveyed-info", t->conveyedInfo, "Conveyed information (.cms), signed or not")
      ->required();
  txt->add_option("--owner-cert", t->ownerCert, "Owner certificate (.cms), for signed data");
  txt->add_option("--voucher", t->voucher, "Ownership voucher (.vcj/.cms), for signed data");
  txt->add_option("--ttl", t->ttl, "Record TTL in seconds")->capture_default_str();
  txt->footer(
      "Example: sztp dns txt --serial SN-0001 --domain example.net --conveyed-info ci.cms\n"
      "  --owner-cert oc.cms --voucher ov.vcj >> example.net.zone");
  commands.push_back({txt, [t] { return runTxt(*t); }});

  auto s = std::make_shared<SrvOptions>();
  auto* srv = dns->add_subcommand(
      "srv", "Print the SRV record (unsigned redirect) pointing devices at a bootstrap server");
  srv->add_option("--domain", s->domain, "Domain the devices search")->required();
  srv->add_option("--uri", s->uri, "Bootstrap server, https://host[:port] (host a name)")
      ->required();
  srv->add_option("--priority", s->priority, "SRV priority (lower first)")->capture_default_str();
  srv->add_option("--weight", s->weight, "SRV weight within a priority")->capture_default_str();
  srv->add_option("--address", s->addresses, "Also print the target's A/AAAA record (repeatable)");
  srv->add_option("--ttl", s->ttl, "Record TTL in seconds")->capture_default_str();
  srv->footer(
      "Example: sztp dns srv --domain example.net --uri https://bootstrap.example.net:8443\n"
      "  --address 192.0.2.10");
  commands.push_back({srv, [s] { return runSrv(*s); }});
}

}  // namespace sztp::cli
