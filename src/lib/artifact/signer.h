#pragma once

#include <vector>

#include "crypto/certificate.h"
#include "crypto/private_key.h"

namespace sztp::artifact {

/// A signing identity: certificate, key, and the intermediates to carry in
/// the CMS so that verifiers can build the path (A9).
struct Signer {
  crypto::Certificate certificate;
  crypto::PrivateKey key;
  std::vector<crypto::Certificate> chain;
};

}  // namespace sztp::artifact
