// sztp voucher create: the manufacturer's (MASA's) role (docs/cli.md).
#include <iostream>

#include "artifact/conveyed_info_artifact.h"
#include "artifact/voucher_issuer.h"
#include "command.h"
#include "common/base64.h"
#include "common/date_time.h"
#include "files.h"

namespace sztp::cli {

namespace {

struct VoucherCreateOptions {
  std::string serial;
  std::string pinnedDomainCert;
  std::string signerCert;
  std::string signerKey;
  std::vector<std::string> signerChain;
  std::string assertion = "verified";
  std::string expiresIn;
  std::string expiresOn;
  std::string createdOn;
  std::string nonce;
  std::string idevid;
  std::string idevidIssuerForm = "extension";
  std::string revocationChecks;
  std::string encryptTo;
  std::string out;
};

int run(const VoucherCreateOptions& o, const Context& context) {
  const auto now = context.clock.now();
  auto pinned = loadCertificate(o.pinnedDomainCert);
  auto signerCert = loadCertificate(o.signerCert);
  auto signerKey = loadPrivateKey(o.signerKey);
  auto chain = loadCertificateFiles(o.signerChain);
  for (const Error* e :
       {pinned ? nullptr : &pinned.error(), signerCert ? nullptr : &signerCert.error(),
        signerKey ? nullptr : &signerKey.error(), chain ? nullptr : &chain.error()}) {
    if (e != nullptr) {
      return reportError(*e, kExitUsage);
    }
  }
  artifact::VoucherRequest request{.serialNumber = o.serial, .pinnedDomainCert = *pinned};
  const auto assertion = model::assertionFromName(o.assertion);
  if (!assertion) {
    return usageError("--assertion must be verified, logged, proximity or agent-proximity");
  }
  request.assertion = *assertion;
  if (!o.createdOn.empty()) {
    auto at = parseDateTime(o.createdOn);
    if (!at) {
      return reportError(std::move(at).error().addContext("--created-on"), kExitUsage);
    }
    request.createdOn = at->time;
  }
  if (!o.expiresOn.empty()) {
    auto at = parseDateTime(o.expiresOn);
    if (!at) {
      return reportError(std::move(at).error().addContext("--expires-on"), kExitUsage);
    }
    request.expiresOn = at->time;
  } else if (!o.expiresIn.empty()) {
    auto span = parseDuration(o.expiresIn);
    if (!span) {
      return reportError(std::move(span).error().addContext("--expires-in"), kExitUsage);
    }
    request.expiresOn = request.createdOn.value_or(now) + *span;
  }
  if (!o.nonce.empty()) {
    auto nonce = base64Decode(o.nonce);
    if (!nonce) {
      return reportError(std::move(nonce).error().addContext("--nonce"), kExitUsage);
    }
    request.nonce = *nonce;
  }
  if (!o.idevid.empty()) {
    auto idevid = loadCertificate(o.idevid);
    if (!idevid) {
      return reportError(idevid.error(), kExitUsage);
    }
    request.idevid = *idevid;
    request.idevidIssuerForm = o.idevidIssuerForm == "key-identifier"
                                   ? artifact::IdevidIssuerForm::KeyIdentifier
                                   : artifact::IdevidIssuerForm::Extension;
  }
  if (!o.revocationChecks.empty()) {
    request.domainCertRevocationChecks = o.revocationChecks == "true";
  }
  auto voucher = artifact::issueVoucher(request, {*signerCert, *signerKey, *chain}, now);
  if (!voucher) {
    return reportError(voucher.error());
  }
  Bytes output = *voucher;
  if (!o.encryptTo.empty()) {
    auto device = loadCertificate(o.encryptTo);
    if (!device) {
      return reportError(device.error(), kExitUsage);
    }
    auto sealed = artifact::encryptArtifact(output, *device);
    if (!sealed) {
      return reportError(sealed.error());
    }
    output = std::move(*sealed);
  }
  auto written = writeFile(o.out, output);
  if (!written) {
    return reportError(written.error());
  }
  if (o.out != "-") {
    std::cout << "Ownership voucher for serial number " << o.serial << " written to " << o.out
              << " (" << output.size() << " octets, pins " << pinned->subject() << ")\n";
  }
  return kExitOk;
}

}  // namespace

void addVoucherCommands(CLI::App& root, Commands& commands, const Context& context) {
  auto* voucher =
      root.add_subcommand("voucher", "Ownership vouchers (RFC 8366), the manufacturer's role");
  voucher->require_subcommand(1);
  auto o = std::make_shared<VoucherCreateOptions>();
  auto* create = voucher->add_subcommand(
      "create",
      "Issue an ownership voucher: the voucher as RFC 7951 JSON, signed as CMS SignedData\n"
      "(id-ct-animaJSONVoucher) by the manufacturer's voucher-signing key. It tells the device\n"
      "with this serial number to trust owner certificates issued under the pinned certificate.");
  create->add_option("--serial", o->serial, "Device serial number (as in its IDevID)")->required();
  create
      ->add_option("--pinned-domain-cert", o->pinnedDomainCert,
                   "Owner's certificate to pin (usually the owner CA), PEM or DER")
      ->required();
  create->add_option("--signer-cert", o->signerCert, "Voucher-signing (MASA) certificate")
      ->required();
  create->add_option("--signer-key", o->signerKey, "Its private key (PEM)")->required();
  create->add_option("--signer-chain", o->signerChain,
                     "Intermediate certificates to carry in the CMS (repeatable)");
  create->add_option("--assertion", o->assertion, "verified, logged, proximity or agent-proximity")
      ->capture_default_str();
  auto* expiresIn =
      create->add_option("--expires-in", o->expiresIn, "Lifetime, e.g. 30d, 12h (s/m/h/d/w)");
  auto* expiresOn = create->add_option("--expires-on", o->expiresOn, "Expiry as RFC 3339 time");
  expiresIn->excludes(expiresOn);
  create->add_option("--created-on", o->createdOn, "Creation time (RFC 3339; default now)");
  auto* nonce = create->add_option("--nonce", o->nonce,
                                   "Nonce the device sent, base64 (8-32 octets; excludes expiry)");
  nonce->excludes(expiresIn)->excludes(expiresOn);
  create->add_option("--idevid", o->idevid,
                     "The device's IDevID: pins its issuer (idevid-issuer) in the voucher");
  create
      ->add_option("--idevid-issuer-form", o->idevidIssuerForm,
                   "extension (whole AKI, rfc8366bis) or key-identifier (bare keyIdentifier)")
      ->check(CLI::IsMember({"extension", "key-identifier"}))
      ->capture_default_str();
  create
      ->add_option("--revocation-checks", o->revocationChecks,
                   "domain-cert-revocation-checks: true or false (default: absent)")
      ->check(CLI::IsMember({"true", "false"}));
  create->add_option("--encrypt-to", o->encryptTo,
                     "Encrypt the voucher to this device certificate (IDevID)");
  create->add_option("-o,--out", o->out, "Output file (.vcj; - for stdout)")->required();
  create->footer(
      "Example: sztp voucher create --serial SN-0001 --pinned-domain-cert pki/owner/ca.crt \\\n"
      "           --signer-cert pki/masa/masa.crt --signer-key pki/masa/masa.key \\\n"
      "           --idevid pki/manufacturer/idevid/SN-0001.crt --expires-in 30d -o SN-0001.vcj");
  commands.push_back({create, [o, ctx = &context] { return run(*o, *ctx); }});
}

}  // namespace sztp::cli
