#include "bootstrap/answer_builder.h"

#include "artifact/conveyed_info_artifact.h"
#include "bootstrap/bootstrap_error.h"
#include "common/base64.h"
#include "common/hex.h"
#include "crypto/digest.h"
#include "model/keystore.h"

namespace sztp::bootstrap {
namespace {

using registry::ObjectKind;

Error storageError(const Error& cause) {
  return Error(BootstrapErrc::StorageFailure, cause.describe());
}

/// The named object of kind T, or NoMatchingResponse naming what is missing
/// (the registry keeps references intact, so this means a race with a removal).
template <class T>
Result<T> fetch(registry::Registry& registry, ObjectKind kind, const std::string& name) {
  auto object = registry.getObject(kind, name);
  if (!object) {
    return storageError(object.error());
  }
  if (!*object || !std::holds_alternative<T>(**object)) {
    return Error(BootstrapErrc::NoMatchingResponse,
                 std::string(registry::objectKindName(kind)) + " \"" + name + "\" is missing");
  }
  return std::get<T>(std::move(**object));
}

std::string joinUrl(const std::string& base, const std::string& file) {
  if (!base.empty() && base.back() == '/') {
    return base + file;
  }
  return base + "/" + file;
}

std::string hexDigest(ByteView data) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (const auto byte : crypto::sha256(data)) {
    out.push_back(kDigits[byte >> 4]);
    out.push_back(kDigits[byte & 0xf]);
  }
  return out;
}

/// Replaces every kLdevidPlaceholder in `content`; false when there is none.
bool substitutePlaceholder(Bytes& content, const std::string& value) {
  std::string text = toString(content);
  bool found = false;
  for (auto at = text.find(kLdevidPlaceholder); at != std::string::npos;
       at = text.find(kLdevidPlaceholder, at + value.size())) {
    text.replace(at, kLdevidPlaceholder.size(), value);
    found = true;
  }
  if (found) {
    content = toBytes(text);
  }
  return found;
}

bool hasPlaceholder(const Bytes& content) {
  return toString(content).find(kLdevidPlaceholder) != std::string::npos;
}

}  // namespace

AnswerBuilder::AnswerBuilder(registry::Registry& registry, const Clock& clock,
                             SigningKeyLoader loadKey, AnswerSettings settings)
    : registry_(registry),
      clock_(clock),
      loadKey_(std::move(loadKey)),
      settings_(std::move(settings)),
      signedCache_(settings_.signedCacheEntries) {}

Result<std::optional<std::string>> AnswerBuilder::ldevidUndeliverable(
    const registry::Response& response) {
  if (response.kind == registry::Response::Kind::Redirect) {
    return std::optional<std::string>("response \"" + response.name +
                                      "\" is redirect information, which has no place for a "
                                      "certificate");
  }
  auto profile = fetch<registry::OnboardingProfile>(registry_, ObjectKind::OnboardingProfile,
                                                    response.profile);
  if (!profile) {
    return std::move(profile).error();
  }
  if (profile->configuration.empty()) {
    return std::optional<std::string>();  // the keystore fragment becomes the configuration
  }
  auto configuration =
      fetch<registry::Configuration>(registry_, ObjectKind::Configuration, profile->configuration);
  if (!configuration) {
    return std::move(configuration).error();
  }
  if (!hasPlaceholder(configuration->content)) {
    return std::optional<std::string>("configuration \"" + configuration->name +
                                      "\" of profile \"" + profile->name + "\" has no " +
                                      std::string(kLdevidPlaceholder) + " placeholder");
  }
  return std::optional<std::string>();
}

Result<model::ConveyedInformation> AnswerBuilder::conveyedInformation(
    const registry::Response& response, model::Encoding encoding, const LdevidDelivery* ldevid) {
  if (response.kind == registry::Response::Kind::Redirect) {
    auto profile =
        fetch<registry::RedirectProfile>(registry_, ObjectKind::RedirectProfile, response.profile);
    if (!profile) {
      return std::move(profile).error();
    }
    model::RedirectInformation redirect;
    for (const auto& target : profile->bootstrapServers) {
      model::BootstrapServer server{target.address, target.port, std::nullopt};
      if (!target.trustAnchorChain.empty()) {
        std::vector<crypto::Certificate> chain;
        for (const auto& der : target.trustAnchorChain) {
          auto certificate = crypto::Certificate::fromDer(der);
          if (!certificate) {
            return Error(BootstrapErrc::AnswerFailed, "redirect profile \"" + profile->name +
                                                          "\": " + certificate.error().describe());
          }
          chain.push_back(std::move(*certificate));
        }
        auto anchor = artifact::makeTrustAnchorArtifact(chain);
        if (!anchor) {
          return Error(BootstrapErrc::AnswerFailed,
                       "redirect profile \"" + profile->name + "\": " + anchor.error().describe());
        }
        server.trustAnchor = std::move(*anchor);
      }
      redirect.bootstrapServers.push_back(std::move(server));
    }
    return model::ConveyedInformation(std::move(redirect));
  }

  auto profile = fetch<registry::OnboardingProfile>(registry_, ObjectKind::OnboardingProfile,
                                                    response.profile);
  if (!profile) {
    return std::move(profile).error();
  }
  model::OnboardingInformation onboarding;
  if (!profile->image.empty()) {
    auto image = fetch<registry::Image>(registry_, ObjectKind::Image, profile->image);
    if (!image) {
      return std::move(image).error();
    }
    model::BootImage boot;
    boot.osName = image->osName;
    boot.osVersion = image->osVersion;
    boot.downloadUris = image->downloadUris;
    if (!image->file.empty()) {
      for (const auto& base : settings_.fileServerBaseUrls) {
        boot.downloadUris.push_back(joinUrl(base, image->file));
      }
    }
    if (boot.downloadUris.empty()) {
      return Error(BootstrapErrc::AnswerFailed,
                   "image \"" + image->name +
                       "\" has no download URI: give it download-uris or configure a file "
                       "server base URL");
    }
    boot.imageVerification.push_back({model::HashAlgorithm::Sha256, image->sha256});
    onboarding.bootImage = std::move(boot);
  }
  if (!profile->preConfigurationScript.empty()) {
    auto script =
        fetch<registry::Script>(registry_, ObjectKind::Script, profile->preConfigurationScript);
    if (!script) {
      return std::move(script).error();
    }
    onboarding.preConfigurationScript = std::move(script->content);
  }
  if (!profile->configuration.empty()) {
    auto configuration = fetch<registry::Configuration>(registry_, ObjectKind::Configuration,
                                                        profile->configuration);
    if (!configuration) {
      return std::move(configuration).error();
    }
    onboarding.configurationHandling = configuration->handling;
    onboarding.configuration = std::move(configuration->content);
  }
  if (ldevid != nullptr) {
    // S21: delivery is vendor-specific (RFC 9646 §4.2); docs/server.md.
    if (onboarding.configuration) {
      if (!substitutePlaceholder(*onboarding.configuration, base64Encode(ldevid->certificateCms))) {
        return Error(BootstrapErrc::LdevidNotDeliverable,
                     "configuration \"" + profile->configuration + "\" has no " +
                         std::string(kLdevidPlaceholder) + " placeholder");
      }
    } else {
      model::KeystoreAsymmetricKey key;
      key.name = std::string(kLdevidKeystoreName);
      key.publicKey = ldevid->publicKey;
      key.certificateName = std::string(kLdevidKeystoreName);
      key.certificateCms = ldevid->certificateCms;
      onboarding.configuration = toBytes(model::encodeKeystoreFragment(key, encoding));
      onboarding.configurationHandling = model::ConfigurationHandling::Merge;
    }
  }
  if (!profile->postConfigurationScript.empty()) {
    auto script =
        fetch<registry::Script>(registry_, ObjectKind::Script, profile->postConfigurationScript);
    if (!script) {
      return std::move(script).error();
    }
    onboarding.postConfigurationScript = std::move(script->content);
  }
  return model::ConveyedInformation(std::move(onboarding));
}

Result<std::shared_ptr<const AnswerBuilder::OwnerMaterial>> AnswerBuilder::ownerMaterial(
    const std::string& ownerName, std::int64_t revision) {
  const std::string cacheKey = ownerName;
  if (auto cached = owners_.get(cacheKey); cached && (*cached)->revision == revision) {
    return *cached;
  }
  auto owner = fetch<registry::Owner>(registry_, ObjectKind::Owner, ownerName);
  if (!owner) {
    if (owner.error() == BootstrapErrc::NoMatchingResponse) {
      return Error(BootstrapErrc::SigningMaterialMissing, owner.error().detail());
    }
    return std::move(owner).error();
  }
  if (owner->certificateChain.empty()) {
    return Error(BootstrapErrc::SigningMaterialMissing,
                 "owner \"" + ownerName + "\" has no certificate");
  }
  std::vector<crypto::Certificate> chain;
  for (const auto& der : owner->certificateChain) {
    auto certificate = crypto::Certificate::fromDer(der);
    if (!certificate) {
      return Error(BootstrapErrc::SigningMaterialMissing,
                   "owner \"" + ownerName + "\": " + certificate.error().describe());
    }
    chain.push_back(std::move(*certificate));
  }
  std::vector<crypto::Certificate> intermediates(chain.begin() + 1, chain.end());
  auto key = loadKey_(owner->signingKeyRef);
  if (!key) {
    return Error(
        BootstrapErrc::SigningKeyUnavailable,
        "owner \"" + ownerName + "\" (" + owner->signingKeyRef + "): " + key.error().describe());
  }
  if (auto match = crypto::checkKeyMatches(*key, chain.front()); !match) {
    return Error(BootstrapErrc::SigningKeyUnavailable,
                 "owner \"" + ownerName + "\": " + match.error().describe());
  }
  auto bag = artifact::makeOwnerCertificateArtifact(chain.front(), intermediates);
  if (!bag) {
    return Error(BootstrapErrc::AnswerFailed,
                 "owner \"" + ownerName + "\": " + bag.error().describe());
  }
  Bytes identity = *bag;
  identity.insert(identity.end(), owner->signingKeyRef.begin(), owner->signingKeyRef.end());
  auto material = std::make_shared<OwnerMaterial>(
      OwnerMaterial{revision, chain.front(), std::move(intermediates), std::move(*key),
                    std::move(*bag), hexDigest(identity)});
  std::shared_ptr<const OwnerMaterial> shared = std::move(material);
  owners_.put(cacheKey, shared);
  return shared;
}

Result<Answer> AnswerBuilder::build(const AuthenticatedDevice& device,
                                    const registry::Response& response,
                                    const model::GetBootstrappingDataInput& input,
                                    model::Encoding encoding, const LdevidDelivery* ldevid) {
  const bool isOnboarding = response.kind == registry::Response::Kind::Onboarding;
  // S6/S13/S18: a device that does not trust us gets signed data, or an
  // unsigned redirect; never unsigned onboarding information.
  if (input.signedDataPreferred && isOnboarding && !response.sign) {
    return Error(BootstrapErrc::SignedDataRequired, "response \"" + response.name + "\"");
  }
  const bool encrypt = device.type.encryptArtifacts;
  if (encrypt && !device.idevid) {
    return Error(BootstrapErrc::EncryptionImpossible, "device type \"" + device.type.name + "\"");
  }
  auto revision = registry_.revision();
  if (!revision) {
    return storageError(revision.error());
  }
  if (ldevid != nullptr && !isOnboarding) {
    return Error(BootstrapErrc::LdevidNotDeliverable,
                 "response \"" + response.name + "\" is redirect information");
  }
  auto information = conveyedInformation(response, encoding, ldevid);
  if (!information) {
    return std::move(information).error();
  }

  Answer answer;
  const std::string document = model::encodeConveyedInformation(*information, encoding);
  answer.contentDigest = hexDigest(asBytes(document));
  if (isOnboarding && response.reportingLevel) {
    answer.output.reportingLevel = response.reportingLevel;  // S8
  }

  if (!response.sign) {
    artifact::ConveyedInfoOptions options;
    options.encoding = encoding;
    if (encrypt) {
      options.encryptTo = device.idevid;
    }
    auto artifact = artifact::makeConveyedInformation(*information, options);
    if (!artifact) {
      return Error(BootstrapErrc::AnswerFailed, artifact.error().describe());
    }
    answer.output.conveyedInformation = std::move(*artifact);
    answer.isEncrypted = encrypt;
    return answer;
  }

  // S7: signed conveyed information always travels with the owner
  // certificate and the voucher.
  if (device.device.owner.empty()) {
    return Error(BootstrapErrc::SigningMaterialMissing,
                 "device \"" + device.device.serialNumber + "\" has no owner");
  }
  if (!device.device.ownershipVoucher || device.device.ownershipVoucher->empty()) {
    return Error(BootstrapErrc::SigningMaterialMissing,
                 "device \"" + device.device.serialNumber + "\" has no ownership voucher");
  }
  auto owner = ownerMaterial(device.device.owner, *revision);
  if (!owner) {
    return std::move(owner).error();
  }
  const std::string cacheKey = answer.contentDigest + ":" + (*owner)->identityDigest + ":" +
                               std::string(model::encodingName(encoding));
  Bytes signedArtifact;
  if (auto cached = signedCache_.get(cacheKey)) {
    signedArtifact = std::move(*cached);
    answer.cacheHit = true;
    ++hits_;
  } else {
    artifact::ConveyedInfoOptions options;
    options.encoding = encoding;
    options.owner = artifact::Signer{(*owner)->certificate, (*owner)->key, (*owner)->intermediates};
    options.signingTime = clock_.now();
    auto built = artifact::makeConveyedInformation(*information, options);
    if (!built) {
      return Error(BootstrapErrc::AnswerFailed, built.error().describe());
    }
    signedArtifact = std::move(*built);
    if (ldevid == nullptr) {
      // An answer carrying an LDevID is built once for one device: caching
      // it would only push reusable answers out.
      signedCache_.put(cacheKey, signedArtifact);
    }
    ++misses_;
  }
  Bytes ownerCertificate = (*owner)->ownerCertificateArtifact;
  Bytes voucher = *device.device.ownershipVoucher;
  if (encrypt) {
    for (Bytes* artifact : {&signedArtifact, &ownerCertificate, &voucher}) {
      auto encrypted = artifact::encryptArtifact(*artifact, *device.idevid);
      if (!encrypted) {
        return Error(BootstrapErrc::AnswerFailed,
                     "encrypting to the IDevID: " + encrypted.error().describe());
      }
      *artifact = std::move(*encrypted);
    }
    answer.isEncrypted = true;
  }
  answer.output.conveyedInformation = std::move(signedArtifact);
  answer.output.ownerCertificate = std::move(ownerCertificate);
  answer.output.ownershipVoucher = std::move(voucher);
  answer.isSigned = true;
  if (input.nonce) {
    answer.notes.push_back(
        "the device sent a nonce: it asks for a fresh voucher, which this server does not "
        "obtain from the MASA (S14); the stored voucher is sent and a device that requires "
        "the nonce will reject it");
  }
  return answer;
}

}  // namespace sztp::bootstrap
