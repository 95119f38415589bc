#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "testutil/temp_dir.h"

namespace sztp::testutil {

/// The persistent keys SoftwareTpm::start() makes, as a manufacturer would
/// provision an IDevID key: EC P-256 (sign) and RSA-2048 (sign and decrypt,
/// for RSA key transport, D16), under the owner hierarchy's ECC primary.
inline constexpr const char* kTpmEcHandle = "0x81000001";
inline constexpr const char* kTpmRsaHandle = "0x81000002";

/// A REAL software TPM for tests: swtpm on loopback with its state in a fresh
/// temporary folder, TPM2TOOLS_TCTI and TPM2OPENSSL_TCTI pointed at it, and
/// the two persistent keys above made with tpm2-tools. When anything needed
/// is missing or fails, skipReason() says why and the tests GTEST_SKIP.
///
/// swtpm serves one connection at a time and has no resource manager in
/// front of it (3 transient object slots): every key is made by the
/// command-line tools BEFORE the tpm2 provider is loaded (it keeps its
/// connection open), and transient objects are flushed as soon as possible.
/// The tpm2 provider reads TPM2OPENSSL_TCTI once, when it is loaded into the
/// process-global library context, so one SoftwareTpm serves a whole test
/// program (shared()); loading the provider is left to the caller's `prepare`
/// (crypto/providers.h: testutil does not depend on crypto).
class SoftwareTpm {
 public:
  /// The program's one software TPM, started at the first call; `prepare`
  /// then runs once if it started (more keys, then loading the tpm2
  /// provider), and may fail() it. Later calls return it as it is.
  static SoftwareTpm& shared(const std::function<void(SoftwareTpm&)>& prepare = {});

  SoftwareTpm() = default;
  ~SoftwareTpm();
  SoftwareTpm(const SoftwareTpm&) = delete;
  SoftwareTpm& operator=(const SoftwareTpm&) = delete;

  /// Starts swtpm and makes the keys; false (with skipReason()) on failure.
  /// Called once; swtpm is stopped on destruction.
  bool start();
  /// Non-empty: the TPM is not usable and the tests skip with this.
  const std::string& skipReason() const { return skipReason_; }
  /// Records why the TPM is not usable (for a caller's own preparation steps).
  void fail(std::string reason) { skipReason_ = std::move(reason); }

  /// A file in the TPM's temporary folder.
  std::string path(const std::string& name) const;
  /// Runs a tool (tpm2-tools, openssl) against this TPM; on failure records
  /// its output as the skip reason and returns false.
  bool run(const std::vector<std::string>& argv);

 private:
  std::unique_ptr<TempDir> dir_;
  pid_t pid_ = -1;
  std::string skipReason_;
};

}  // namespace sztp::testutil
