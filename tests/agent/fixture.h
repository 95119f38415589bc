#pragma once

// The fixture shared by the agent end-to-end test files: one demo PKI and the
// SN-1 vouchers per suite (`sztp pki init`, `sztp voucher create`), a
// temporary directory per test, devices in it, and the inventory that makes a
// real sztp-server answer SN-1 as a test asks.

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "lab/rig.h"
#include "testutil/temp_dir.h"

namespace sztp::agent::e2e {

using Lines = std::vector<std::string>;

/// The boot image the servers serve (64 KiB, so the download is more than one read).
std::string imageContent();

/// What a full onboarding with the image leaves in effects.log.
extern const Lines kFullEffects;

/// What a server answers the device with (rendered into its inventory).
struct Answer {
  bool sign = true;
  std::optional<std::string> reportingLevel = "verbose";
  bool image = true;
  /// The image's sha256 as the server states it, instead of the file's.
  std::optional<std::string> imageSha256;
  /// The image's download URIs, in order; empty: the server's own files port.
  std::vector<std::string> downloadUris;
  std::string preScript = "echo pre-script >> {log}";
  std::string postScript = "echo post-script >> {log}";
  std::string configuration = "<config/>";
  std::string handling = "merge";
  std::string voucher = "SN-1.vcj";
  /// Signed redirect to this server (port) with the bootstrap TLS anchor.
  std::optional<std::uint16_t> redirectTo;
};

class AgentTestBase : public ::testing::Test {
 protected:
  static void SetUpTestSuite();
  static void TearDownTestSuite();

  static std::filesystem::path pki() { return suite_->path() / "pki"; }
  /// A file the suite made (the vouchers), by name.
  static std::filesystem::path suiteFile(const std::string& name) { return suite_->path() / name; }

  bool startServer(Server& server, const std::string& name) {
    return server.start(dir_ / name, pki());
  }
  /// Starts `server` in `name` answering SN-1 of `device` with `answer`;
  /// wrap in ASSERT_NO_FATAL_FAILURE.
  void serve(Server& server, const Device& device, const Answer& answer,
             const std::string& name = "server");

  Device makeDevice(const std::string& name = "device") {
    return Device(dir_ / name, pki(), "SN-1");
  }

  /// The inventory of `server` answering SN-1 with `answer`; scripts log to
  /// `device`'s effects.log.
  std::string inventory(const Server& server, const Device& device, const Answer& answer) const;

  /// The sources: section naming one well-known server on 127.0.0.1.
  static std::string wellKnown(std::uint16_t port, const std::string& anchor = "bootstrap-ca.pem");
  static std::string wellKnown(const Server& server,
                               const std::string& anchor = "bootstrap-ca.pem") {
    return wellKnown(server.bootstrapPort(), anchor);
  }

  /// Nothing was installed, applied or run, and `ztp status` says why.
  static void expectNothingDone(Device& device, const std::string& reason);

  /// What background agents (Device::startAgent) logged; empty when none ran.
  static std::string agentLog(const Device& device);

  /// `ztp status` says completed (exit 0) and effects.log holds exactly `effects`.
  static void expectCompleted(Device& device, const Lines& effects);

  /// A run that must fail: the agent's output and what the server logged.
  struct Refusal {
    testutil::CommandResult run;
    Lines log;
  };
  /// Runs the agent once with `args`; it must fail (exit 1) having done
  /// nothing, with `reason` in `ztp status`. Stops `server` and returns its
  /// log of SN-1.
  static Refusal expectRefused(Device& device, Server& server, const std::string& reason,
                               const std::vector<std::string>& args = {});

  static inline testutil::TempDir* suite_ = nullptr;
  testutil::TempDir dir_;
};

}  // namespace sztp::agent::e2e
