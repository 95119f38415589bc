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
/// swtpm serves one connection at a time and, unless Placement asks for
/// tpm2-abrmd, has no resource manager in front of it (3 transient object
/// slots): every key is made by the command-line tools BEFORE the tpm2
/// provider is loaded (it keeps its connection open), and transient objects
/// are flushed as soon as possible.
/// The tpm2 provider reads TPM2OPENSSL_TCTI once, when it is loaded into the
/// process-global library context, so one SoftwareTpm serves a whole test
/// program (shared()); loading the provider is left to the caller's `prepare`
/// (crypto/providers.h: testutil does not depend on crypto).
class SoftwareTpm {
 public:
  /// Where swtpm runs and how tools reach it. The default: this process's
  /// network namespace, a free loopback port pair, both keys, and the TCTI
  /// variables set in this process's environment (for the tpm2 provider).
  struct Placement {
    /// Put before swtpm and every tool, e.g. {"ip", "netns", "exec", ns}: a
    /// TPM private to that namespace. The TCTI variables then travel on the
    /// command line (commandPrefix()); this process's environment is left alone.
    std::vector<std::string> prefix;
    /// The TPM port (the control channel is port + 1); 0 picks a free pair,
    /// which only means something in this process's namespace.
    std::uint16_t port = 0;
    bool ecKey = true;   ///< Make kTpmEcHandle.
    bool rsaKey = true;  ///< Make kTpmRsaHandle (RSA key generation is the slow part).
    /// Once the keys are made, put tpm2-abrmd in front of swtpm, on a D-Bus
    /// session bus of its own: it swaps objects in and out, so a client may
    /// hold more than swtpm's 3 object slots (an agent's TLS verifying the
    /// server's chain in the TPM, docs/agent.md), and several may share it.
    /// tcti() is then "tabrmd:bus_type=session".
    bool resourceManager = false;
  };

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
  /// The same, placed as `where` says.
  bool start(const Placement& where);
  /// Non-empty: the TPM is not usable and the tests skip with this.
  const std::string& skipReason() const { return skipReason_; }
  /// Records why the TPM is not usable (for a caller's own preparation steps).
  void fail(std::string reason) { skipReason_ = std::move(reason); }

  /// A file in the TPM's temporary folder.
  std::string path(const std::string& name) const;
  /// Runs a tool (tpm2-tools, openssl) against this TPM; on failure records
  /// its output as the skip reason and returns false.
  bool run(const std::vector<std::string>& argv);
  /// The TCTI configuration the tools and the tpm2 provider use
  /// ("swtpm:host=127.0.0.1,port=N"); empty before start().
  const std::string& tcti() const { return tcti_; }
  /// The placement's prefix, then `env TPM2TOOLS_TCTI=… TPM2OPENSSL_TCTI=…`:
  /// put before a program (an agent) to run it against this TPM.
  std::vector<std::string> commandPrefix() const;

 private:
  bool waitUntilListening(std::uint16_t control);
  bool startResourceManager();
  /// Without a prefix, sets the TCTI variables (and the bus) in this
  /// process's environment, where the tpm2 provider and the tools read them.
  void exportTcti() const;
  /// Starts `argv` (after the prefix), output appended to `log` ("" keeps
  /// this process's); its pid, or -1.
  pid_t spawn(const std::vector<std::string>& argv, const std::string& log);

  std::unique_ptr<TempDir> dir_;
  pid_t pid_ = -1;
  std::vector<std::string> prefix_;
  std::string tcti_;
  std::string bus_;             ///< The D-Bus address of the resource manager; "" without one.
  std::vector<pid_t> helpers_;  ///< dbus-daemon and tpm2-abrmd, stopped before swtpm.
  std::string skipReason_;
};

}  // namespace sztp::testutil
