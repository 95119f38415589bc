// PrivateKey::fromStore: keys reached through OSSL_STORE, in particular keys
// held in a TPM 2.0 through the tpm2 provider (D9, D62, I3).

#include <openssl/store.h>
#include <openssl/ui.h>

#include <cstring>

#include "crypto/crypto_error.h"
#include "crypto/openssl_handles.h"
#include "crypto/private_key.h"

namespace sztp::crypto {

using namespace detail;

namespace {

struct UiMethodFree {
  void operator()(UI_METHOD* m) const noexcept { UI_destroy_method(m); }
};
struct StoreClose {
  void operator()(OSSL_STORE_CTX* c) const noexcept { OSSL_STORE_close(c); }
};
struct StoreInfoFree {
  void operator()(OSSL_STORE_INFO* i) const noexcept { OSSL_STORE_INFO_free(i); }
};

// The passphrase callback: hands over the caller's passphrase (a file's
// encryption passphrase or a TPM key's authorisation value). With none it
// fails instead of prompting: the agent runs unattended.
int passphraseCallback(char* buffer, int size, int /*rwflag*/, void* userdata) {
  const auto* passphrase = static_cast<const std::string*>(userdata);
  if (passphrase == nullptr || passphrase->empty() || size <= 0 ||
      passphrase->size() > static_cast<std::size_t>(size)) {
    return -1;
  }
  std::memcpy(buffer, passphrase->data(), passphrase->size());
  return static_cast<int>(passphrase->size());
}

}  // namespace

Result<PrivateKey> PrivateKey::fromStore(std::string_view uri, std::string_view passphrase) {
  const std::string where(uri);
  std::string pass(passphrase);  // UI user data is a mutable pointer.
  std::unique_ptr<UI_METHOD, UiMethodFree> ui(
      UI_UTIL_wrap_read_pem_callback(passphraseCallback, 0));
  if (!ui) {
    return opensslError(CryptoErrc::OperationFailed, "passphrase callback");
  }
  // The default library context: the providers the program loaded
  // (crypto/providers.h) decide which URIs and key formats are understood.
  std::unique_ptr<OSSL_STORE_CTX, StoreClose> store(OSSL_STORE_open_ex(
      where.c_str(), nullptr, nullptr, ui.get(), &pass, nullptr, nullptr, nullptr));
  if (!store) {
    return opensslError(CryptoErrc::KeyUnavailable, "key store \"" + where + "\"");
  }
  // Not fatal: a loader that cannot filter returns everything, and the
  // loop below skips what is not a private key.
  OSSL_STORE_expect(store.get(), OSSL_STORE_INFO_PKEY);
  ERR_clear_error();
  while (OSSL_STORE_eof(store.get()) == 0) {
    std::unique_ptr<OSSL_STORE_INFO, StoreInfoFree> info(OSSL_STORE_load(store.get()));
    if (!info) {
      if (OSSL_STORE_error(store.get()) == 1) {
        break;
      }
      continue;
    }
    if (OSSL_STORE_INFO_get_type(info.get()) == OSSL_STORE_INFO_PKEY) {
      EVP_PKEY* key = OSSL_STORE_INFO_get1_PKEY(info.get());
      if (key != nullptr) {
        ERR_clear_error();
        return PrivateKey(std::shared_ptr<EVP_PKEY>(key, EVP_PKEY_free));
      }
    }
  }
  return opensslError(CryptoErrc::KeyUnavailable, "no private key at \"" + where + "\"");
}

}  // namespace sztp::crypto
