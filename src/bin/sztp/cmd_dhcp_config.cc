// sztp dhcp config: DHCP server configuration that sends options 143/136
// with the RFC 8572 §8 binary encoding (docs/dhcp.md, "Serving option 143/136").
#include <iostream>

#include "command.h"
#include "dhcp/server_config.h"
#include "files.h"

namespace sztp::cli {

namespace {

struct ConfigOptions {
  bool kea = false;
  bool dnsmasq = false;
  bool iscDhcpd = false;
  std::vector<std::string> uris;
  bool v4 = false;
  bool v6 = false;
  bool both = false;
  bool alwaysSend = false;
  std::string out;
};

int runConfig(const ConfigOptions& o) {
  if (o.kea + o.dnsmasq + o.iscDhcpd != 1) {
    return usageError("choose one of --kea, --dnsmasq, --isc-dhcpd");
  }
  const auto server = o.kea       ? dhcp::DhcpServer::Kea
                      : o.dnsmasq ? dhcp::DhcpServer::Dnsmasq
                                  : dhcp::DhcpServer::IscDhcpd;
  dhcp::ServerConfigOptions options;
  options.uris = o.uris;
  // Neither --v4 nor --v6 (or --both): both families.
  const bool all = o.both || (!o.v4 && !o.v6);
  options.v4 = all || o.v4;
  options.v6 = all || o.v6;
  options.alwaysSend = o.alwaysSend;
  auto snippets = dhcp::serverConfig(server, options);
  if (!snippets) {
    return reportError(snippets.error());
  }
  const std::string comment = server == dhcp::DhcpServer::Kea ? "//" : "#";
  std::string text;
  for (const auto& snippet : *snippets) {
    if (!text.empty()) {
      text += "\n";
    }
    text += comment + " ---- " + snippet.destination + " ----\n" + snippet.text;
  }
  if (o.out.empty() || o.out == "-") {
    std::cout << text;
    return kExitOk;
  }
  auto written = writeFile(o.out, asBytes(text));
  return written ? kExitOk : reportError(written.error());
}

}  // namespace

void addDhcpConfigCommand(CLI::App& dhcp, Commands& commands) {
  auto o = std::make_shared<ConfigOptions>();
  auto* config = dhcp.add_subcommand(
      "config",
      "Print DHCP server configuration that sends the bootstrap server URIs as option 143\n"
      "(DHCPv4) and 136 (DHCPv6), correctly encoded: each URI as a 2-octet length then the\n"
      "URI, written as hex (a plain-text value is the common mistake devices ignore)");
  auto* kea = config->add_flag("--kea", o->kea, "Kea: option-def and option-data JSON members");
  auto* dnsmasq = config->add_flag("--dnsmasq", o->dnsmasq, "dnsmasq: dhcp-option lines");
  auto* isc = config->add_flag("--isc-dhcpd", o->iscDhcpd,
                               "ISC dhcpd: option declarations for dhcpd.conf/dhcpd6.conf");
  kea->excludes(dnsmasq)->excludes(isc);
  dnsmasq->excludes(isc);
  config
      ->add_option("--uri", o->uris,
                   "Bootstrap server https://host[:port]; repeat in "
                   "preference order")
      ->required();
  auto* v4 = config->add_flag("--v4", o->v4, "DHCPv4 option 143 only");
  auto* v6 = config->add_flag("--v6", o->v6, "DHCPv6 option 136 only");
  auto* both = config->add_flag("--both", o->both, "Both options (the default)");
  v4->excludes(v6)->excludes(both);
  v6->excludes(both);
  config->add_flag("--always-send", o->alwaysSend,
                   "Send the option to every client, even one that does not request it");
  config->add_option("-o,--out", o->out, "Write to a file instead of stdout");
  config->footer(
      "Example: sztp dhcp config --kea --uri https://sztp.example.net:8443 --v4\n"
      "Details: docs/dhcp.md, \"Serving option 143/136\".");
  commands.push_back({config, [o] { return runConfig(*o); }});
}

}  // namespace sztp::cli
