// sztp verify: exactly the device's check (RFC 8572 §5.3–5.4), offline.
// The interface is stable (issue 2); new options may be added, none removed.
#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>

#include "command.h"
#include "common/base64.h"
#include "common/codec_error.h"
#include "common/date_time.h"
#include "files.h"
#include "inspect/describe.h"
#include "trust/signed_data_validator.h"

namespace sztp::cli {

namespace {

struct VerifyOptions {
  std::string conveyedInfo;
  std::string ownerCert;
  std::string voucher;
  std::vector<std::string> voucherTrustAnchors;
  std::string serial;
  std::string idevid;
  std::string idevidKey;
  std::string nonce;
  std::string now;
  bool noTrustedClock = false;
  std::vector<std::string> acceptAssertions;
  bool requireNonce = false;
  bool trustedSource = false;
  bool json = false;
};

nlohmann::json checksToJson(const std::vector<trust::CheckRecord>& log) {
  auto out = nlohmann::json::array();
  for (const auto& r : log) {
    out.push_back({{"rule", r.rule},
                   {"check", r.name},
                   {"outcome", trust::outcomeName(r.outcome)},
                   {"detail", r.detail}});
  }
  return out;
}

void printChecks(const std::vector<trust::CheckRecord>& log) {
  for (const auto& r : log) {
    const char* mark = r.outcome == trust::CheckRecord::Outcome::Passed   ? "[pass]"
                       : r.outcome == trust::CheckRecord::Outcome::Failed ? "[FAIL]"
                                                                          : "[skip]";
    std::cout << "  " << mark << " " << std::left << std::setw(4) << r.rule << " " << std::setw(28)
              << r.name << " " << r.detail << "\n";
  }
}

// The context a device would have, from the options. Problems here are usage
// errors (exit 2): they concern the invocation, not the artifacts.
Result<trust::ValidationContext> buildContext(const VerifyOptions& o, const Context& context) {
  trust::ValidationContext c;
  auto anchors = loadCertificateFiles(o.voucherTrustAnchors);
  if (!anchors) {
    return std::move(anchors).error();
  }
  c.voucherTrustAnchors = std::move(*anchors);
  if (!o.idevid.empty()) {
    auto idevid = loadCertificate(o.idevid);
    if (!idevid) {
      return std::move(idevid).error();
    }
    c.idevid = *idevid;
  }
  if (!o.idevidKey.empty()) {
    auto key = loadPrivateKey(o.idevidKey);
    if (!key) {
      return std::move(key).error();
    }
    c.idevidKey = *key;
  }
  if (!o.serial.empty()) {
    c.serialNumber = o.serial;
  } else if (c.idevid && c.idevid->subjectSerialNumber()) {
    c.serialNumber = *c.idevid->subjectSerialNumber();
  } else {
    return Error(CodecErrc::MissingNode,
                 "the IDevID has no subject serialNumber attribute; pass --serial");
  }
  if (!o.nonce.empty()) {
    auto nonce = base64Decode(o.nonce);
    if (!nonce) {
      return std::move(nonce).error().addContext("--nonce");
    }
    c.nonce = *nonce;
  }
  if (!o.now.empty()) {
    auto at = parseDateTime(o.now);
    if (!at) {
      return std::move(at).error().addContext("--now");
    }
    c.now = at->time;
  } else if (!o.noTrustedClock) {
    c.now = context.clock.now();
  }
  if (!o.acceptAssertions.empty()) {
    c.policy.acceptedAssertions.clear();
    for (const auto& name : o.acceptAssertions) {
      auto assertion = model::assertionFromName(name);
      if (!assertion) {
        return Error(CodecErrc::InvalidValue, "--accept-assertion '" + name + "'");
      }
      c.policy.acceptedAssertions.push_back(*assertion);
    }
  }
  c.policy.requireNonce = o.requireNonce;
  c.sourceTrusted = o.trustedSource;
  return c;
}

int run(const VerifyOptions& o, const Context& context) {
  auto validation = buildContext(o, context);
  if (!validation) {
    return reportError(validation.error(), kExitUsage);
  }
  trust::BootstrappingData data;
  auto ci = readFile(o.conveyedInfo);
  if (!ci) {
    return reportError(ci.error(), kExitUsage);
  }
  data.conveyedInformation = std::move(*ci);
  for (auto [path, target] : {std::pair{&o.ownerCert, &data.ownerCertificate},
                              std::pair{&o.voucher, &data.ownershipVoucher}}) {
    if (!path->empty()) {
      auto bytes = readFile(*path);
      if (!bytes) {
        return reportError(bytes.error(), kExitUsage);
      }
      *target = std::move(*bytes);
    }
  }

  std::vector<trust::CheckRecord> log;
  auto result = trust::validateBootstrappingData(data, *validation, &log);

  if (o.json) {
    nlohmann::json report{{"valid", result.ok()},
                          {"serial-number", validation->serialNumber},
                          {"checks", checksToJson(log)}};
    if (result) {
      report["signed"] = result->signedData;
      report["trusted"] = result->trusted;
      report["encrypted"] = result->wasEncrypted;
      report["encoding"] = model::encodingName(result->encoding);
      report["conveyed-information"] = nlohmann::json::parse(
          model::encodeConveyedInformation(result->information, model::Encoding::Json));
    } else {
      report["reason"] = result.error().reason();
      report["message"] = result.error().message();
    }
    std::cout << inspect::toJsonText(report) << "\n";
    return result ? kExitOk : kExitFailed;
  }

  std::cout << "Verifying " << o.conveyedInfo << " as device " << validation->serialNumber
            << (validation->now ? " at " + formatDateTime(*validation->now)
                                : std::string(" without a trusted clock"))
            << "\n";
  printChecks(log);
  if (!result) {
    std::cout << "REJECTED " << result.error().reason() << ": " << result.error().message() << "\n";
    return kExitFailed;
  }
  const bool redirect = std::holds_alternative<model::RedirectInformation>(result->information);
  std::cout << "VALID " << (result->signedData ? "signed " : "unsigned ")
            << (redirect ? "redirect-information" : "onboarding-information") << " ("
            << model::encodingName(result->encoding)
            << (result->wasEncrypted ? ", was encrypted" : "") << "); trust state "
            << (result->trusted ? "TRUE" : "FALSE (provisional)") << "\n";
  std::cout << nlohmann::json::parse(
                   model::encodeConveyedInformation(result->information, model::Encoding::Json))
                   .dump(2)
            << "\n";
  return kExitOk;
}

}  // namespace

void addVerifyCommand(CLI::App& root, Commands& commands, const Context& context) {
  auto o = std::make_shared<VerifyOptions>();
  auto* verify = root.add_subcommand(
      "verify",
      "Check bootstrapping data exactly as a device does (RFC 8572 §5.3-5.4), offline:\n"
      "decrypt what is encrypted, then voucher signature to the voucher trust anchors,\n"
      "created-on/expires-on, assertion, serial number, idevid-issuer, nonce, owner\n"
      "certificate path to the pinned-domain-cert (revocation as the voucher asks), owner key\n"
      "usage, and the conveyed information's signature by the owner certificate.\n"
      "Prints every check; exit 0 and the decoded conveyed information when valid, exit 1\n"
      "with the reason code and its message when not, exit 2 on usage errors.");
  verify->add_option("--conveyed-info", o->conveyedInfo, "Conveyed information (CMS, DER)")
      ->required();
  verify->add_option("--owner-cert", o->ownerCert, "Owner certificate artifact (CMS)");
  verify->add_option("--voucher", o->voucher, "Ownership voucher (CMS, .vcj)");
  verify
      ->add_option("--voucher-trust-anchor", o->voucherTrustAnchors,
                   "Voucher trust anchor, PEM or DER (repeatable; the device's D8 anchors)")
      ->required();
  auto* serial = verify->add_option("--serial", o->serial, "The device's serial number");
  auto* idevid = verify->add_option(
      "--idevid", o->idevid,
      "The device's IDevID certificate: serial number, idevid-issuer check, decryption");
  verify->add_option("--idevid-key", o->idevidKey,
                     "The IDevID private key, to decrypt encrypted artifacts");
  verify->add_option("--nonce", o->nonce, "The nonce the device sent, base64");
  auto* now = verify->add_option("--now", o->now,
                                 "Judge validity at this RFC 3339 time (default: the clock)");
  auto* noClock = verify->add_flag("--no-trusted-clock", o->noTrustedClock,
                                   "Device without a trusted clock: skip expiry checks (D34)");
  now->excludes(noClock);
  verify->add_option("--accept-assertion", o->acceptAssertions,
                     "Assertions policy accepts (repeatable; default all)");
  verify->add_flag("--require-nonce", o->requireNonce, "Refuse vouchers without a nonce");
  verify->add_flag("--trusted-source", o->trustedSource,
                   "Treat the data as from a trusted bootstrap server (unsigned data allowed)");
  verify->add_flag("--json", o->json, "Print a JSON report instead");
  verify->footer(
      "One of --serial and --idevid is required; with both, --serial overrides the IDevID's.\n"
      "Example: sztp verify --conveyed-info conveyed-information.cms \\\n"
      "           --owner-cert owner-certificate.cms --voucher SN-0001.vcj \\\n"
      "           --voucher-trust-anchor pki/masa/ca.crt \\\n"
      "           --idevid pki/manufacturer/idevid/SN-0001.crt");
  commands.push_back({verify, [o, ctx = &context, serial, idevid] {
                        if (serial->count() == 0 && idevid->count() == 0) {
                          return usageError("give --serial or --idevid");
                        }
                        return run(*o, *ctx);
                      }});
}

}  // namespace sztp::cli
