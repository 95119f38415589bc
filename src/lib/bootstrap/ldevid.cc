#include "bootstrap/ldevid.h"

#include <algorithm>

#include "bootstrap/bootstrap_error.h"
#include "common/hex.h"
#include "crypto/certification_request.h"
#include "crypto/cms.h"
#include "crypto/issuer.h"
#include "crypto/public_key.h"

namespace sztp::bootstrap {
namespace {

constexpr std::string_view kP10Format = "ietf-ztp-types:p10-csr";

/// How long before "now" an LDevID starts, so that a device whose clock is a
/// little behind accepts it at once (as the demo PKI does, docs/pki.md).
constexpr std::chrono::hours kBackdate{1};

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) {
    out += (out.empty() ? "" : ", ") + item;
  }
  return out.empty() ? "none" : out;
}

/// The algorithms a device offered, by name where we know them.
std::string describeOffered(const std::vector<Bytes>& offered) {
  std::vector<std::string> names;
  for (const auto& identifier : offered) {
    std::string name;
    for (const auto candidate : crypto::keyGenerationAlgorithms()) {
      if (crypto::algorithmIdentifierMatches(identifier, candidate)) {
        name = candidate.starts_with("rsa-") ? "rsa" : std::string(candidate);
        break;
      }
    }
    if (name.empty()) {
      const Bytes head(identifier.begin(),
                       identifier.begin() + static_cast<std::ptrdiff_t>(
                                                std::min<std::size_t>(identifier.size(), 16)));
      name = "unknown (" + hexEncode(head) + (identifier.size() > 16 ? "...)" : ")");
    }
    if (std::find(names.begin(), names.end(), name) == names.end()) {
      names.push_back(name);
    }
  }
  return join(names);
}

std::string csrFormatName(model::CsrMessage::Format format) {
  switch (format) {
    case model::CsrMessage::Format::Cmc:
      return "cmc-csr";
    case model::CsrMessage::Format::Cmp:
      return "cmp-csr";
    case model::CsrMessage::Format::P10:
      break;
  }
  return "p10-csr";
}

}  // namespace

CsrDecision planCsrRequest(const registry::LdevidPolicy& policy, const crypto::Certificate& idevid,
                           const std::string& serial, const model::CsrSupport& support) {
  CsrDecision decision;
  // S20: selected-format is one of the client's supported-formats.
  if (std::find(support.supportedFormats.begin(), support.supportedFormats.end(), kP10Format) ==
      support.supportedFormats.end()) {
    decision.whyNot = "the device generates no CSR format this server reads (it offers " +
                      join(support.supportedFormats) + "; the server reads " +
                      std::string(kP10Format) + ")";
    return decision;
  }
  CsrRequestPlan plan;
  plan.request.format = std::string(kP10Format);
  // S20: key-generation only if the client offered it, with an algorithm
  // from its own list: its octets are sent back unchanged.
  if (support.keyGenerationAlgorithms) {
    for (const auto& wanted : policy.keyGeneration) {
      const auto& offered = *support.keyGenerationAlgorithms;
      const auto match = std::find_if(offered.begin(), offered.end(), [&](const Bytes& id) {
        return crypto::algorithmIdentifierMatches(id, wanted);
      });
      if (match != offered.end()) {
        plan.request.keyGenerationAlgorithm = *match;
        plan.keyAlgorithm = wanted;
        break;
      }
    }
  }
  if (plan.keyAlgorithm.empty()) {
    if (!policy.allowIdevidKey) {
      decision.whyNot =
          "the ldevid policy wants a new key (" + join(policy.keyGeneration) +
          ") and does not accept the IDevID key, and the device " +
          (support.keyGenerationAlgorithms
               ? "generates keys for " + describeOffered(*support.keyGenerationAlgorithms) + " only"
               : std::string("cannot generate keys"));
      return decision;
    }
    // S20 [O]: a CSR with the IDevID key. The cert-req-info holds what the
    // device is to sign: the subject the LDevID will have and its own key.
    auto info = crypto::makeCertificationRequestInfo({{"serialNumber", serial}},
                                                     crypto::publicKeyOf(idevid));
    if (info) {
      plan.request.certReqInfo = std::move(*info);
    }
    plan.summary = "asked for a certificate signing request (RFC 9646) with the IDevID key, " +
                   std::string("format p10-csr");
    if (support.keyGenerationAlgorithms) {
      plan.summary += "; the device generates keys for " +
                      describeOffered(*support.keyGenerationAlgorithms) +
                      ", none of the policy's (" + join(policy.keyGeneration) + ")";
    }
  } else {
    plan.summary = "asked for a certificate signing request (RFC 9646) with a new " +
                   plan.keyAlgorithm + " key, format p10-csr";
  }
  decision.plan = std::move(plan);
  return decision;
}

LdevidIssuer::LdevidIssuer(const Clock& clock, KeyLoader loadKey, std::size_t maxCsrBytes)
    : clock_(clock), loadKey_(std::move(loadKey)), maxCsrBytes_(maxCsrBytes) {}

Result<LdevidIssuer::Ca> LdevidIssuer::loadCa(const registry::LdevidPolicy& policy) const {
  std::vector<crypto::Certificate> chain;
  for (const auto& der : policy.caCertificateChain) {
    auto certificate = crypto::Certificate::fromDer(der);
    if (!certificate) {
      return Error(BootstrapErrc::LdevidIssuanceFailed,
                   "ca-certificate: " + certificate.error().describe());
    }
    chain.push_back(std::move(*certificate));
  }
  if (chain.empty()) {
    return Error(BootstrapErrc::LdevidIssuanceFailed, "the policy has no CA certificate");
  }
  auto key = loadKey_(policy.caKeyRef);
  if (!key) {
    return Error(BootstrapErrc::LdevidIssuanceFailed,
                 "ca-key (" + policy.caKeyRef + "): " + key.error().describe());
  }
  if (auto match = crypto::checkKeyMatches(*key, chain.front()); !match) {
    return Error(BootstrapErrc::LdevidIssuanceFailed,
                 "ca-key (" + policy.caKeyRef + "): " + match.error().describe());
  }
  const TimePoint now = clock_.now();
  if (now < chain.front().notBefore() || now >= chain.front().notAfter()) {
    return Error(BootstrapErrc::LdevidIssuanceFailed,
                 "the CA certificate " + chain.front().subject() + " is not valid now");
  }
  return Ca{chain.front(), std::move(chain), std::move(*key)};
}

Status LdevidIssuer::checkIssuer(const registry::LdevidPolicy& policy) const {
  auto ca = loadCa(policy);
  if (!ca) {
    return std::move(ca).error();
  }
  return {};
}

Result<LdevidIssuer::Issued> LdevidIssuer::issue(
    const AuthenticatedDevice& device, const registry::LdevidPolicy& policy,
    const model::CsrMessage& message, const std::optional<registry::LdevidState>& state) const {
  // RFC 9646 defines three formats; this server reads PKCS#10 (S21).
  if (message.format != model::CsrMessage::Format::P10) {
    return Error(BootstrapErrc::CsrFormatUnsupported, csrFormatName(message.format));
  }
  if (message.der.size() > maxCsrBytes_) {
    return Error(BootstrapErrc::CsrTooLarge, std::to_string(message.der.size()) +
                                                 " octets, the limit is " +
                                                 std::to_string(maxCsrBytes_));
  }
  // S22: a raw PKCS#10 proves its origin only through the TLS client
  // authentication with the IDevID (ietf-ztp-types p10-csr).
  if (!device.idevid) {
    return Error(BootstrapErrc::CsrOriginUnverifiable,
                 "authenticated by " + device.method + ", without a client certificate");
  }
  auto csr = crypto::CertificationRequest::fromDer(message.der, maxCsrBytes_);
  if (!csr) {
    return Error(BootstrapErrc::CsrMalformed, csr.error().describe());
  }
  // S22 proof of possession.
  if (auto verified = csr->verifySignature(); !verified) {
    return Error(BootstrapErrc::CsrSignatureInvalid, verified.error().detail());
  }
  // S22 proof of origin: the key is the one the csr-request asked for.
  const crypto::PublicKey& key = csr->publicKey();
  const crypto::PublicKey idevidKey = crypto::publicKeyOf(*device.idevid);
  const bool keyGenerationRequested =
      state && state->requestPending && !state->requestedKeyAlgorithm.empty();
  if (keyGenerationRequested) {
    const std::string& algorithm = state->requestedKeyAlgorithm;
    if (key == idevidKey) {
      return Error(BootstrapErrc::CsrKeyNotNew,
                   "a new " + algorithm + " key was asked for; the CSR carries the IDevID key");
    }
    if (!crypto::keyIsOfAlgorithm(key, algorithm)) {
      return Error(BootstrapErrc::CsrAlgorithmWrong, "the CSR's key is " + key.description() +
                                                         ", the csr-request selected " + algorithm);
    }
  } else {
    if (!policy.allowIdevidKey) {
      // Only reachable without an outstanding request: the server never asks
      // for the IDevID key under such a policy.
      return Error(BootstrapErrc::CsrKeyMismatch,
                   "no csr-request is outstanding and the policy does not accept the IDevID "
                   "key (allow-idevid-key: false); the device must send csr-support first");
    }
    if (!(key == idevidKey)) {
      return Error(BootstrapErrc::CsrKeyMismatch,
                   "the CSR's " + key.description() + " key is not the key of the IDevID " +
                       device.idevid->subject() +
                       (state && state->requestPending
                            ? " (the csr-request asked for the IDevID key)"
                            : " (no csr-request is outstanding, so only the IDevID key is "
                              "accepted)"));
    }
  }

  auto ca = loadCa(policy);
  if (!ca) {
    return std::move(ca).error();
  }
  const TimePoint now = clock_.now();
  crypto::CertificateProfile profile;
  profile.subject = {{"serialNumber", device.device.serialNumber}};
  profile.notBefore = now - kBackdate;
  profile.notAfter =
      std::min(now + std::chrono::days(policy.validityDays), ca->certificate.notAfter());
  profile.keyUsage = crypto::kDigitalSignature;
  profile.extendedKeyUsage = {"clientAuth"};
  auto certificate = crypto::issueCertificate(profile, key, ca->certificate, ca->key);
  if (!certificate) {
    return Error(BootstrapErrc::LdevidIssuanceFailed, certificate.error().describe());
  }
  std::vector<crypto::Certificate> bag{*certificate};
  bag.insert(bag.end(), ca->chain.begin(), ca->chain.end());
  auto cms = crypto::makeCertificateBag(bag);
  if (!cms) {
    return Error(BootstrapErrc::LdevidIssuanceFailed, cms.error().describe());
  }
  return Issued{*certificate, LdevidDelivery{std::move(*cms), key.toDer()}};
}

}  // namespace sztp::bootstrap
