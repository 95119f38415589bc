#pragma once

// Small PKIs for the crypto tests, built at test time (checklist §3: test
// vectors are generated, never checked in), on a fixed clock.

#include <chrono>

#include "common/clock.h"
#include "pki/demo_pki.h"

namespace sztp::crypto::test {

using namespace std::chrono_literals;

inline TimePoint testNow() {
  return std::chrono::sys_days(std::chrono::year(2026) / 6 / 1) + 12h;
}

/// root → intermediate → leaf, all EC P-256, valid around testNow() for a year.
struct Chain {
  pki::Identity root;
  pki::Identity intermediate;
  pki::Identity leaf;
};

inline Chain makeChain(KeyType type = KeyType::EcP256, const std::string& name = "Test") {
  const auto now = testNow();
  auto root = pki::createRootCa(name + " Root", "Test", type, now, std::chrono::days(730));
  auto intermediate = pki::createIntermediateCa(*root, name + " Intermediate", "Test", type, now,
                                                std::chrono::days(730));
  auto leaf = pki::issueOwnerCertificate(*intermediate, name + " Leaf", "Test", type, now,
                                         std::chrono::days(365));
  return Chain{*root, *intermediate, *leaf};
}

}  // namespace sztp::crypto::test
