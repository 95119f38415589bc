// sztp conveyed-info create: redirect or onboarding information from a
// readable description (docs/artifacts.md).
#include <filesystem>
#include <iostream>

#include "artifact/conveyed_info_artifact.h"
#include "artifact/description.h"
#include "command.h"
#include "files.h"

namespace sztp::cli {

namespace {

struct ConveyedInfoOptions {
  std::string description;
  std::string signCert;
  std::string signKey;
  std::vector<std::string> signChain;
  bool unsignedArtifact = false;
  std::string encryptTo;
  std::string format = "json";
  bool idData = false;
  std::string out;
};

int run(const ConveyedInfoOptions& o, const Context& context) {
  if (o.signCert.empty() != o.signKey.empty()) {
    return usageError("--sign-cert and --sign-key go together");
  }
  if (o.signCert.empty() && !o.unsignedArtifact) {
    return usageError(
        "give --sign-cert/--sign-key, or --unsigned to create unsigned conveyed information "
        "(usable only from a trusted bootstrap server, or as provisional redirect information)");
  }
  auto text = readFile(o.description);
  if (!text) {
    return reportError(text.error(), kExitUsage);
  }
  // Paths in the description are relative to the description's folder.
  const std::filesystem::path base = std::filesystem::path(o.description).parent_path();
  auto resolve = [base](const std::string& path) {
    const std::filesystem::path p(path);
    return (p.is_absolute() || base.empty() ? p : base / p).string();
  };
  artifact::DescriptionFiles files{
      [&](const std::string& path) { return readFile(resolve(path)); },
      [&](const std::string& path) { return sha256File(resolve(path)); }};
  auto information = artifact::conveyedInformationFromDescription(toString(*text), files);
  if (!information) {
    return reportError(std::move(information).error().addContext(o.description));
  }
  artifact::ConveyedInfoOptions options;
  options.encoding = o.format == "xml" ? model::Encoding::Xml : model::Encoding::Json;
  options.useIdData = o.idData;
  options.signingTime = context.clock.now();
  if (!o.signCert.empty()) {
    auto cert = loadCertificate(o.signCert);
    auto key = loadPrivateKey(o.signKey);
    auto chain = loadCertificateFiles(o.signChain);
    if (!cert || !key || !chain) {
      return reportError(!cert ? cert.error() : !key ? key.error() : chain.error(), kExitUsage);
    }
    options.owner = artifact::Signer{*cert, *key, *chain};
  }
  if (!o.encryptTo.empty()) {
    auto device = loadCertificate(o.encryptTo);
    if (!device) {
      return reportError(device.error(), kExitUsage);
    }
    options.encryptTo = *device;
  }
  auto der = artifact::makeConveyedInformation(*information, options);
  if (!der) {
    return reportError(der.error());
  }
  auto written = writeFile(o.out, *der);
  if (!written) {
    return reportError(written.error());
  }
  if (o.out != "-") {
    const bool redirect = std::holds_alternative<model::RedirectInformation>(*information);
    std::cout << (options.owner ? "Signed " : "Unsigned ") << (redirect ? "redirect" : "onboarding")
              << " information (" << o.format << (options.encryptTo ? ", encrypted" : "")
              << ") written to " << o.out << " (" << der->size() << " octets)\n";
  }
  return kExitOk;
}

}  // namespace

void addConveyedInfoCommands(CLI::App& root, Commands& commands, const Context& context) {
  auto* group = root.add_subcommand("conveyed-info", "Conveyed information, the owner's role");
  group->require_subcommand(1);
  auto o = std::make_shared<ConveyedInfoOptions>();
  auto* create = group->add_subcommand(
      "create",
      "Build redirect or onboarding information from a YAML or JSON description in which\n"
      "scripts, configuration and boot images are file paths (image hashes are computed from\n"
      "the files), then sign it with the owner certificate and optionally encrypt it to a\n"
      "device's IDevID (sign, then encrypt: RFC 8572 §3.4). See docs/artifacts.md.");
  create
      ->add_option("--description", o->description,
                   "YAML or JSON description (paths inside are relative to it)")
      ->required();
  create->add_option("--sign-cert", o->signCert, "Owner certificate to sign with");
  create->add_option("--sign-key", o->signKey, "Its private key");
  create->add_option("--sign-chain", o->signChain,
                     "Intermediates to carry in the signature (repeatable; optional, the "
                     "owner-certificate artifact carries them)");
  create->add_flag("--unsigned", o->unsignedArtifact, "Create unsigned conveyed information");
  create->add_option("--encrypt-to", o->encryptTo, "Encrypt to this device certificate (IDevID)");
  create->add_option("--format", o->format, "json or xml")
      ->check(CLI::IsMember({"json", "xml"}))
      ->capture_default_str();
  create->add_flag("--id-data", o->idData,
                   "Label the content id-data instead of id-ct-sztpConveyedInfo{JSON,XML}");
  create->add_option("-o,--out", o->out, "Output file (.cms; - for stdout)")->required();
  create->footer(
      "Example: sztp conveyed-info create --description examples/onboarding.yaml \\\n"
      "           --sign-cert pki/owner/owner.crt --sign-key pki/owner/owner.key \\\n"
      "           -o conveyed-information.cms");
  commands.push_back({create, [o, ctx = &context] { return run(*o, *ctx); }});
}

}  // namespace sztp::cli
