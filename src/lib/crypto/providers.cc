#include "crypto/providers.h"

#include <openssl/provider.h>

#include <mutex>

#include "crypto/crypto_error.h"
#include "crypto/openssl_handles.h"
#include "crypto/private_key.h"

namespace sztp::crypto {

using namespace detail;

namespace {

// Deliberately process-global (see providers.h): the default library
// context is, and the providers loaded into it are never unloaded, so the
// OSSL_PROVIDER pointers are kept here for the life of the process.
struct Loaded {
  std::mutex mutex;
  std::vector<std::string> names;
  std::vector<OSSL_PROVIDER*> providers;
};

Loaded& loaded() {
  // Never destroyed: the providers outlive every static destructor (OpenSSL
  // tears its context down at exit), and the pointers stay reachable.
  static auto* instance = new Loaded;
  return *instance;
}

Status loadLocked(Loaded& state, const std::string& name) {
  for (const auto& n : state.names) {
    if (n == name) {
      return {};
    }
  }
  OSSL_PROVIDER* provider = OSSL_PROVIDER_load(nullptr, name.c_str());
  if (provider == nullptr) {
    return opensslError(CryptoErrc::ProviderUnavailable, "provider \"" + name + "\"");
  }
  state.names.push_back(name);
  state.providers.push_back(provider);
  return {};
}

}  // namespace

Status loadProvider(std::string_view name) {
  auto& state = loaded();
  std::lock_guard lock(state.mutex);
  // "default" first: once any provider is loaded explicitly OpenSSL no
  // longer falls back to it, and hashing, certificate checks and the TLS
  // key exchange still need it.
  if (auto status = loadLocked(state, "default"); !status) {
    return status;
  }
  return loadLocked(state, std::string(name));
}

bool providerAvailable(std::string_view name) {
  const std::string n(name);
  const bool available = OSSL_PROVIDER_available(nullptr, n.c_str()) == 1;
  ERR_clear_error();
  return available;
}

std::string keyProviderName(const PrivateKey& key) {
  const OSSL_PROVIDER* provider = EVP_PKEY_get0_provider(key.native());
  const char* name = provider != nullptr ? OSSL_PROVIDER_get0_name(provider) : nullptr;
  return name != nullptr ? name : "";
}

std::string_view propertyQueryFor(const PrivateKey& key) {
  return keyProviderName(key) == "tpm2" ? kTpm2PropertyQuery : std::string_view();
}

std::vector<std::string> loadedProviders() {
  auto& state = loaded();
  std::lock_guard lock(state.mutex);
  return state.names;
}

}  // namespace sztp::crypto
