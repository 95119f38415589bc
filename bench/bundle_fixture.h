#pragma once

// What the artifact benchmarks share: one demo PKI per key type, a realistic
// onboarding-information document, and the server's and device's halves of
// an SZTP exchange. Everything here is set up outside the timed loops.

#include <string>

#include "artifact/conveyed_info_artifact.h"
#include "artifact/voucher_issuer.h"
#include "common/result.h"
#include "crypto/private_key.h"
#include "model/conveyed_info.h"
#include "pki/demo_pki.h"
#include "trust/signed_data_validator.h"

namespace sztp::bench {

/// The serial number of the one device every benchmark provisions.
inline constexpr const char* kSerialNumber = "SZTP-BENCH-0001";

/// A PKI of one key type with the parties the benchmarks need. Built once per
/// key type and process (RSA key generation takes a noticeable fraction of a
/// second per key, and is not what is measured).
struct BenchPki {
  crypto::KeyType keyType;
  TimePoint now;
  pki::DemoPki pki;
  artifact::Signer masa;
  artifact::Signer owner;
  const pki::Identity& idevid() const { return pki.idevids.at(kSerialNumber); }
};

/// The shared PKI for `keyType`; aborts the program if it cannot be created,
/// since no benchmark of that key type could then run.
const BenchPki& benchPki(crypto::KeyType keyType);

/// Onboarding information as a real owner would send: a boot image with a
/// SHA-256 hash and two download URIs, about 2 KB of XML configuration (merge)
/// and a short pre-configuration script.
const model::ConveyedInformation& realisticOnboarding();

/// The three artifacts of a bundle, as the bootstrap server returns them.
using Bundle = trust::BootstrappingData;

/// The owner's/server's side: issue the voucher (MASA), build the owner
/// certificate bag and sign the conveyed information (owner); with `encrypt`,
/// all three are then encrypted to the device's IDevID.
Result<Bundle> createBundle(const BenchPki& bench, bool encrypt);

/// The device's side of the trust relationship: the MASA CA as voucher trust
/// anchor, its serial number, its IDevID and key, and a trusted clock.
trust::ValidationContext deviceContext(const BenchPki& bench);

/// Validates `bundle` as the device does and checks that the outcome is a
/// trusted, signed onboarding information; the error describes any failure.
Status verifyBundle(const Bundle& bundle, const trust::ValidationContext& context,
                    bool expectEncrypted);

/// Total size in octets of the three artifacts.
std::size_t bundleSize(const Bundle& bundle);

}  // namespace sztp::bench
