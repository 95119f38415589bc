#pragma once

// OpenSSL providers (https://docs.openssl.org/3.0/man7/provider/): where a
// private key held outside the process — a TPM 2.0 through the tpm2 provider
// (Debian tpm2-openssl) — becomes usable as a crypto::PrivateKey
// (PrivateKey::fromStore, D9, I3).
//
// Process-global on purpose: providers are loaded into OpenSSL's DEFAULT
// library context, which every SSL_CTX, EVP and CMS call of the process uses.
// Only a program's main (the device agent) decides to call this, once, at
// start-up; the libraries never load a provider by themselves, so a server
// process or a test that does not call it keeps OpenSSL's defaults.
//
// The tpm2 provider reads its TCTI (how to reach the TPM) from the
// environment when it is loaded:
//   TPM2OPENSSL_TCTI=device:/dev/tpmrm0              kernel resource manager (default)
//   TPM2OPENSSL_TCTI=swtpm:host=127.0.0.1,port=2321  a software TPM (swtpm)
//   TPM2OPENSSL_TCTI=tabrmd                          tpm2-abrmd
// so it must be set before loadProvider("tpm2").

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace sztp::crypto {

class PrivateKey;

/// Loads provider `name` (e.g. "tpm2") into the default library context and
/// makes sure the "default" provider stays loaded beside it (loading any
/// provider explicitly switches off OpenSSL's implicit fallback to
/// "default", which every non-TPM operation still needs). Idempotent and
/// thread-safe; a provider once loaded stays loaded for the life of the
/// process. Fails with ProviderUnavailable (detail: the name and OpenSSL's
/// error queue) when the module is missing or its initialisation fails —
/// for tpm2, when the TPM is unreachable.
Status loadProvider(std::string_view name);

/// The property query an OpenSSL operation must be fetched with to use
/// `key`: "" for a software key; for a key held by the tpm2 provider
/// kTpm2PropertyQuery. Needed because OpenSSL 3.0 fetches an operation
/// (ECDSA, ECDH, RSA) from the first provider that offers it — "default",
/// which cannot use a TPM-held key — before trying the key's own provider.
/// Give it to SSL_CTX_new_ex / CMS_ContentInfo_new_ex / EVP_*_init_ex for the
/// contexts that use the TPM key; everything else keeps the empty query.
std::string_view propertyQueryFor(const PrivateKey& key);

/// Prefer the tpm2 provider's key operations, but never its digests,
/// ciphers or random generator (every TLS record and every image hash would
/// otherwise go through the TPM).
inline constexpr std::string_view kTpm2PropertyQuery =
    "?provider=tpm2,tpm2.digest!=yes,tpm2.cipher!=yes,tpm2.rand!=yes";

/// The name of the provider that holds `key` ("default", "tpm2", ...).
std::string keyProviderName(const PrivateKey& key);

/// True when provider `name` is loaded and active in the default library
/// context (by loadProvider, or by the OpenSSL configuration file).
bool providerAvailable(std::string_view name);

/// The providers loadProvider has loaded so far, in order ("default" first).
std::vector<std::string> loadedProviders();

}  // namespace sztp::crypto
