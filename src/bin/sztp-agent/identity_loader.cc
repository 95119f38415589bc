#include "identity_loader.h"

#include <fstream>
#include <sstream>

#include "common/codec_error.h"
#include "common/io_error.h"
#include "crypto/providers.h"

namespace sztp::agentd {
namespace {

Result<std::string> readText(const std::filesystem::path& file, std::size_t maxBytes) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    return Error(IoErrc::FileUnreadable, file.string());
  }
  std::string text(maxBytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (text.size() > maxBytes) {
    return Error(IoErrc::FileTooLarge, file.string());
  }
  return text;
}

}  // namespace

std::optional<std::string> readTrimmed(const std::filesystem::path& file) {
  auto text = readText(file, 64 * 1024);
  if (!text) {
    return std::nullopt;
  }
  std::string value = std::move(*text);
  while (!value.empty() && std::isspace(static_cast<unsigned char>(value.back()))) {
    value.pop_back();
  }
  return value;
}

Result<std::vector<crypto::Certificate>> loadCertificates(
    const std::vector<std::filesystem::path>& files) {
  std::vector<crypto::Certificate> all;
  for (const auto& file : files) {
    auto text = readText(file, 1024 * 1024);
    if (!text) {
      return std::move(text).error();
    }
    auto certs = crypto::Certificate::listFromAny(asBytes(*text));
    if (!certs) {
      return std::move(certs).error().addContext(file.string());
    }
    all.insert(all.end(), certs->begin(), certs->end());
  }
  return all;
}

Result<agent::DeviceIdentity> loadIdentity(const AgentConfig& config) {
  const auto& id = config.identity;
  auto chain = loadCertificates({id.certificate});
  if (!chain) {
    return std::move(chain).error().addContext("identity.certificate");
  }
  Result<crypto::PrivateKey> key = Error(IoErrc::FileUnreadable);
  if (!id.keyProvider.empty()) {
    if (auto loaded = crypto::loadProvider(id.keyProvider); !loaded) {
      return std::move(loaded).error().addContext("identity.key-provider");
    }
    key = crypto::PrivateKey::fromStore(id.key);
  } else {
    auto pem = readText(id.key, 1024 * 1024);
    if (!pem) {
      return std::move(pem).error().addContext("identity.key");
    }
    key = crypto::PrivateKey::fromPem(*pem);
  }
  if (!key) {
    return std::move(key).error().addContext("identity.key " + id.key);
  }
  agent::DeviceIdentity identity{
      .idevid = chain->front(),
      .chain = std::vector<crypto::Certificate>(chain->begin() + 1, chain->end()),
      .key = *key,
      .serialNumber = {},
      .hwModel = {},
      .osName = {},
      .osVersion = {},
      .basicPassword = {},
  };
  if (auto ok = crypto::checkKeyMatches(identity.key, identity.idevid); !ok) {
    return std::move(ok).error().addContext("identity.key does not belong to the certificate");
  }
  if (id.serialNumber) {
    identity.serialNumber = *id.serialNumber;
  } else if (auto serial = identity.idevid.subjectSerialNumber()) {
    identity.serialNumber = *serial;
  } else {
    return Error(CodecErrc::InvalidValue,
                 "identity.certificate: the IDevID has no subject serialNumber (2.5.4.5); set "
                 "identity.serial-number");
  }
  identity.hwModel = id.hwModel ? id.hwModel : readTrimmed(id.dmiProductNameFile);
  if (identity.hwModel && identity.hwModel->empty()) {
    identity.hwModel.reset();
  }
  if (id.basicPasswordFile) {
    identity.basicPassword = readTrimmed(*id.basicPasswordFile);
    if (!identity.basicPassword) {
      return Error(IoErrc::FileUnreadable,
                   "identity.basic-auth-password-file " + id.basicPasswordFile->string());
    }
  }
  return identity;
}

}  // namespace sztp::agentd
