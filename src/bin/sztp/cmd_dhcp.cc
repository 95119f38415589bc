// sztp dhcp encode|decode: SZTP redirect options 143 (DHCPv4) and 136 (DHCPv6).
#include <iostream>
#include <nlohmann/json.hpp>

#include "command.h"
#include "common/hex.h"
#include "dhcp/sztp_redirect_option.h"
#include "files.h"
#include "inspect/describe.h"

namespace sztp::cli {

namespace {

struct EncodeOptions {
  std::vector<std::string> uris;
  bool v4 = false;  // The default; accepted so scripts can say what they mean.
  bool v6 = false;
  std::string format = "hex";
  std::string out;
};

struct DecodeOptions {
  std::string file;
  std::string hex;
  bool v4 = false;
  bool v6 = false;
  bool json = false;
};

int runEncode(const EncodeOptions& o) {
  auto value = dhcp::encodeServerList(o.uris);
  if (!value) {
    return reportError(value.error());
  }
  Bytes option;
  if (o.v6) {
    auto encoded = dhcp::encodeDhcpv6Option(*value);
    if (!encoded) {
      return reportError(encoded.error());
    }
    option = std::move(*encoded);
  } else {
    option = dhcp::encodeDhcpv4Option(*value);
  }
  if (o.format == "binary") {
    if (o.out.empty()) {
      return usageError("--format binary needs --out FILE");
    }
    auto written = writeFile(o.out, option);
    return written ? kExitOk : reportError(written.error());
  }
  std::string text;
  if (o.format == "hex") {
    text = hexEncode(option);
  } else if (o.format == "value-hex") {
    text = hexEncode(*value);
  } else {  // value-colon: the form dnsmasq and ISC dhcpd take for a binary option value
    text = hexStringEncode(*value);
  }
  if (o.out.empty() || o.out == "-") {
    std::cout << text << "\n";
    return kExitOk;
  }
  auto written = writeFile(o.out, asBytes(text + "\n"));
  return written ? kExitOk : reportError(written.error());
}

int runDecode(const DecodeOptions& o) {
  if (o.file.empty() == o.hex.empty()) {
    return usageError("give a FILE or --hex");
  }
  Bytes bytes;
  if (!o.hex.empty()) {
    auto decoded = hexDecodeLenient(o.hex);
    if (!decoded) {
      return reportError(std::move(decoded).error().addContext("--hex"), kExitUsage);
    }
    bytes = std::move(*decoded);
  } else {
    auto data = readFile(o.file);
    if (!data) {
      return reportError(data.error(), kExitUsage);
    }
    bytes = std::move(*data);
  }
  // Without --v4/--v6 the input is taken as it looks: a complete option when
  // it starts with the option code, otherwise a bare bootstrap-server-list.
  Bytes value = bytes;
  std::string kind = "bootstrap-server-list";
  if (o.v4 || (!o.v6 && !bytes.empty() && bytes[0] == dhcp::kDhcpv4OptionCode)) {
    auto joined = dhcp::joinDhcpv4Option(dhcp::kDhcpv4OptionCode, bytes);
    if (joined) {
      value = std::move(*joined);
      kind = "dhcpv4-143";
    } else if (o.v4) {
      return reportError(joined.error());
    }
  } else if (o.v6 || (bytes.size() >= 2 && bytes[0] == 0 && bytes[1] == dhcp::kDhcpv6OptionCode)) {
    auto found = dhcp::findDhcpv6Option(dhcp::kDhcpv6OptionCode, bytes);
    if (found) {
      value = std::move(*found);
      kind = "dhcpv6-136";
    } else if (o.v6) {
      return reportError(found.error());
    }
  }
  auto list = dhcp::decodeServerList(value);
  if (!list) {
    return reportError(list.error());
  }
  if (o.json) {
    nlohmann::json out{{"option", kind}};
    auto servers = nlohmann::json::array();
    for (const auto& s : list->servers) {
      servers.push_back({{"uri", s.uri}, {"host", s.host}, {"port", s.port}});
    }
    auto rejected = nlohmann::json::array();
    for (const auto& r : list->rejected) {
      rejected.push_back({{"uri", r.uri}, {"reason", r.reason}});
    }
    out["bootstrap-servers"] = servers;
    out["rejected"] = rejected;
    std::cout << inspect::toJsonText(out) << "\n";
    return kExitOk;
  }
  for (const auto& s : list->servers) {
    std::cout << s.uri << "\n";
  }
  for (const auto& r : list->rejected) {
    std::cerr << "sztp: ignored invalid URI " << r.uri << ": " << r.reason << "\n";
  }
  return kExitOk;
}

}  // namespace

void addDhcpCommands(CLI::App& root, Commands& commands, const Context& /*context*/) {
  auto* dhcp = root.add_subcommand(
      "dhcp",
      "SZTP redirect DHCP options: 143 (DHCPv4) and 136 (DHCPv6), RFC 8572 §8.\n"
      "Each URI is sent as a 2-octet length followed by the URI; sending it as plain text\n"
      "is a common mistake that devices ignore.");
  dhcp->require_subcommand(1);
  auto e = std::make_shared<EncodeOptions>();
  auto* encode = dhcp->add_subcommand(
      "encode", "Encode bootstrap server URIs (https://host[:port], no path) as option bytes");
  encode->add_option("uri", e->uris, "Bootstrap server URIs, in preference order")->required();
  encode->add_flag("--v6", e->v6, "DHCPv6 option 136 (default: DHCPv4 option 143)");
  encode->add_flag("--v4", e->v4, "DHCPv4 option 143 (the default)")->excludes("--v6");
  encode
      ->add_option("--format", e->format,
                   "hex (whole option), value-hex, value-colon (the value as dnsmasq/dhcpd "
                   "take it) or binary (needs --out)")
      ->check(CLI::IsMember({"hex", "value-hex", "value-colon", "binary"}))
      ->capture_default_str();
  encode->add_option("-o,--out", e->out, "Write to a file instead of stdout");
  encode->footer("Example: sztp dhcp encode https://10.1.1.3:8080   ->  8f17001568747470...");
  commands.push_back({encode, [e] { return runEncode(*e); }});

  auto d = std::make_shared<DecodeOptions>();
  auto* decode = dhcp->add_subcommand(
      "decode",
      "Decode option 143/136 bytes (a whole option, several RFC 3396 pieces, or a bare\n"
      "list) into URIs; invalid URIs are reported and ignored as RFC 8572 §8 says");
  decode->add_option("file", d->file, "Binary option bytes (- for stdin)");
  decode->add_option("--hex", d->hex, "Option bytes as hex (spaces, colons allowed)");
  auto* v4 = decode->add_flag("--v4", d->v4, "Input is DHCPv4 option 143 instance(s)");
  auto* v6 = decode->add_flag("--v6", d->v6, "Input is a DHCPv6 option 136");
  v4->excludes(v6);
  decode->add_flag("--json", d->json, "Print JSON, rejected URIs included");
  commands.push_back({decode, [d] { return runDecode(*d); }});

  addDhcpConfigCommand(*dhcp, commands);
}

}  // namespace sztp::cli
