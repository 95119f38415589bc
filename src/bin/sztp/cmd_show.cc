// sztp show: any artifact decoded to readable JSON.
#include <iostream>

#include "command.h"
#include "files.h"
#include "inspect/describe.h"

namespace sztp::cli {

namespace {

struct ShowOptions {
  std::string file;
  std::string idevid;
  std::string idevidKey;
  bool compact = false;
};

int run(const ShowOptions& o) {
  inspect::InspectOptions options;
  if (!o.idevid.empty() || !o.idevidKey.empty()) {
    if (o.idevid.empty() || o.idevidKey.empty()) {
      return usageError("--idevid and --idevid-key go together");
    }
    auto cert = loadCertificate(o.idevid);
    auto key = loadPrivateKey(o.idevidKey);
    if (!cert || !key) {
      return reportError(!cert ? cert.error() : key.error(), kExitUsage);
    }
    options.decryptCertificate = *cert;
    options.decryptKey = *key;
  }
  auto data = readFile(o.file);
  if (!data) {
    return reportError(data.error(), kExitUsage);
  }
  auto described = inspect::describeArtifact(*data, options);
  if (!described) {
    return reportError(described.error());
  }
  (*described)["file"] = o.file;
  std::cout << inspect::toJsonText(*described, o.compact ? -1 : 2) << "\n";
  return kExitOk;
}

}  // namespace

void addShowCommand(CLI::App& root, Commands& commands, const Context& /*context*/) {
  auto o = std::make_shared<ShowOptions>();
  auto* show = root.add_subcommand(
      "show",
      "Decode any SZTP artifact to readable JSON: CMS of every kind (signed, unsigned or\n"
      "encrypted conveyed information, ownership voucher, certificate bag), certificates and\n"
      "CRLs (PEM or DER), voucher/conveyed-information/RPC documents (JSON or XML), and DHCP\n"
      "option 143/136 bytes (binary or hex). Nothing is verified: use sztp verify for that.");
  show->add_option("file", o->file, "The artifact (- for stdin)")->required();
  show->add_option("--idevid", o->idevid, "Device certificate, to decrypt encrypted artifacts");
  show->add_option("--idevid-key", o->idevidKey, "Device private key, to decrypt");
  show->add_flag("--compact", o->compact, "One line of JSON");
  commands.push_back({show, [o] { return run(*o); }});
}

}  // namespace sztp::cli
