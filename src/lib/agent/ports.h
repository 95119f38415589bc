#pragma once

// The agent's boundary with the world (docs/agent.md "Architecture"): every
// socket, file, process, clock and reboot the agent needs goes through one of
// these interfaces. The engine (engine.h) and the driver (driver.h) use only
// them, so the whole RFC 8572 §5 algorithm runs in tests against fakes, and
// the binaries (src/bin/sztp-agent) wire in the real implementations from
// src/lib/agentio, src/lib/client and src/lib/discovery.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/bytes.h"
#include "common/result.h"
#include "crypto/certificate.h"
#include "crypto/private_key.h"
#include "model/bootstrap_rpc.h"
#include "trust/signed_data_validator.h"

namespace sztp::agent {

/// Who the device is (D6, D9, D10, I1–I6). The key may live in a TPM (then
/// `key` is a provider handle; nothing here can tell the difference).
struct DeviceIdentity {
  crypto::Certificate idevid;
  /// Intermediates sent with the client certificate (D15), leaf excluded.
  std::vector<crypto::Certificate> chain;
  crypto::PrivateKey key;
  std::string serialNumber;  ///< From the IDevID subject serialNumber (I4).
  std::optional<std::string> hwModel;
  std::optional<std::string> osName;     ///< Of the running image.
  std::optional<std::string> osVersion;  ///< Of the running image.
  /// Optional HTTP Basic secret (D6), never sent to an untrusted server (D58).
  std::optional<std::string> basicPassword;
};

/// The kinds of source, in the order RFC 8572 §4 lists them. The configured
/// order decides the order tried (D4, D5: local ones first by default).
enum class SourceKind { RemovableStorage, Dhcp, Dns, WellKnown, Url };

/// A bootstrap server to contact (§5.5, D35–D39).
struct ServerRef {
  std::string host;  ///< DNS name or IP literal (IPv6 without brackets).
  std::uint16_t port = 443;
  /// DER of a degenerate CMS SignedData with the anchor(s) (A14), from
  /// redirect information or the well-known server list.
  std::optional<Bytes> trustAnchorCms;
  bool operator==(const ServerRef&) const = default;
};

/// What one source yielded. A source gives either bootstrapping data itself
/// (removable storage, DNS TXT: untrusted, X1, X3) or servers to contact,
/// which RFC 8572 treats as unsigned redirect information (DHCP X11, DNS SRV
/// X9, well-known servers D7, --bootstrap-url).
struct SourceYield {
  SourceKind kind = SourceKind::Url;
  /// Where it came from, for logs and `ztp status`, e.g.
  /// "dhcpv4 eth0 (lease /var/lib/dhcp/dhclient.eth0.leases)".
  std::string origin;
  std::optional<trust::BootstrappingData> data;
  std::vector<ServerRef> servers;
  /// Anchors that authenticate `servers` (configured well-known servers, D7);
  /// empty means the servers are contacted provisionally (D38, D39).
  std::vector<crypto::Certificate> serverTrustAnchors;
};

/// One source kind, asked for what it has now. An empty vector means
/// "nothing here" (not an error); an error means the source failed (logged,
/// counted, and the next source is tried).
class SourceProvider {
 public:
  virtual ~SourceProvider() = default;
  virtual SourceKind kind() const = 0;
  virtual Result<std::vector<SourceYield>> discover() = 0;
};

/// How to reach one bootstrap server.
struct ServerEndpoint {
  ServerRef server;
  /// Anchors to authenticate the TLS server certificate with (D13, D37);
  /// empty means provisional: any certificate is accepted and the
  /// connection is untrusted (D38, D39).
  std::vector<crypto::Certificate> trustAnchors;
  /// Send HTTP Basic as well as the client certificate (D6); the client
  /// refuses to do so on a provisional connection (D58).
  bool sendBasicAuth = false;
};

/// The answer of get-bootstrapping-data.
struct ServerAnswer {
  /// True iff the TLS server certificate validated to `trustAnchors` and
  /// matched the host name (RFC 6125) (D13).
  bool tlsTrusted = false;
  std::string address;  ///< The address that answered, "192.0.2.1:443" (D36).
  model::GetBootstrappingDataOutput output;
};

/// RESTCONF client for RFC 8572 §7. Implementations try every address of the
/// host (D36), send the client certificate and chain (D14, D15), put a
/// timeout on every request and a size cap on every answer; errors carry
/// a ClientErrc (tls-untrusted, timeout, http-status, answer-too-large, ...).
class BootstrapClient {
 public:
  virtual ~BootstrapClient() = default;
  virtual Result<ServerAnswer> getBootstrappingData(
      const ServerEndpoint& endpoint, const model::GetBootstrappingDataInput& input) = 0;
  /// Success means 204 No Content (D42, D52).
  virtual Status reportProgress(const ServerEndpoint& endpoint,
                                const model::ReportProgressInput& input) = 0;
};

/// One boot-image download (D45, D46).
struct DownloadRequest {
  std::string uri;
  std::string destinationPath;  ///< Written as destinationPath + ".part", renamed when verified.
  /// sha-256 values from image-verification; empty means none given (the
  /// engine then refuses unless policy allows a vendor-signed image).
  std::vector<Bytes> sha256;
  std::uint64_t maxBytes = 0;  ///< 0 = unlimited.
  std::chrono::seconds timeout{600};
  /// Called as bytes arrive (received, total if known).
  std::function<void(std::uint64_t, std::optional<std::uint64_t>)> progress;
};

struct DownloadResult {
  std::uint64_t bytes = 0;
  Bytes sha256;          ///< Of the whole file.
  bool resumed = false;  ///< A previous .part was continued with Range.
};

/// Streams to disk, hashing as it goes; resumes a .part left by an earlier
/// run (Range/If-Range); on a hash mismatch deletes the file and fails.
class Downloader {
 public:
  virtual ~Downloader() = default;
  virtual Result<DownloadResult> download(const DownloadRequest& request) = 0;
};

/// A command the agent runs: installer, configuration apply, script, reboot.
struct StepCommand {
  std::string stepId;  ///< Stable, unique within a session, e.g. "s3/pre-script".
  std::vector<std::string> argv;
  std::map<std::string, std::string> environment;  ///< The whole environment (clean, D48).
  std::chrono::seconds timeout{300};
  std::size_t maxOutput = 64 * 1024;
};

struct StepResult {
  int exitCode = -1;  ///< -1 when killed by a signal or the time limit.
  bool timedOut = false;
  std::string output;  ///< stdout and stderr, capped at maxOutput.
};

/// Runs commands so that their outcome survives the agent: the command runs
/// in a detached runner that records the result durably, so a restarted
/// agent learns what happened instead of running it again.
class StepRunner {
 public:
  virtual ~StepRunner() = default;
  virtual Result<StepResult> run(const StepCommand& command) = 0;
  /// After a restart, for a step that was started: its result if it
  /// finished (waiting for it if it is still running), nullopt if it never
  /// ran to completion (e.g. the device lost power).
  virtual Result<std::optional<StepResult>> recover(const std::string& stepId) = 0;
  /// Forget a session's recorded results.
  virtual void clear() = 0;
};

/// Facts about the running system the algorithm needs.
class Platform {
 public:
  virtual ~Platform() = default;
  /// Changes on every boot (/proc/sys/kernel/random/boot_id): tells a
  /// completed reboot from an agent restart.
  virtual std::string bootId() = 0;
  virtual Result<std::uint64_t> freeBytes(const std::string& path) = 0;
  /// The running image, re-read after a reboot (D44).
  virtual std::optional<std::string> osName() = 0;
  virtual std::optional<std::string> osVersion() = 0;
  /// For bootstrap-complete (D55).
  virtual std::vector<model::SshHostKey> sshHostKeys() = 0;
  virtual std::vector<Bytes> trustAnchorCerts() = 0;
  /// Random bytes for the nonce (D28).
  virtual Bytes randomBytes(std::size_t count) = 0;
  /// Sleep between cycles (tests pass a fake that advances a FixedClock).
  virtual void sleepFor(std::chrono::milliseconds duration) = 0;
  /// Files in the agent's working directory (staged scripts, config).
  virtual Status writeFile(const std::string& path, ByteView content, bool executable) = 0;
};

/// The agent's durable state (agent_state.h): one small document replaced
/// atomically (write a temporary file, fsync it, rename, fsync the
/// directory) before every side effect (crash safety, issue 4 item 5).
class StateStore {
 public:
  virtual ~StateStore() = default;
  /// nullopt when there is no state yet (first boot, or after `ztp erase`).
  virtual Result<std::optional<std::string>> load() = 0;
  virtual Status save(std::string_view document) = 0;
};

/// One thing that happened, for the journal/stderr and remote syslog
/// (RFC 5424). `id` is stable ("SZTP-A0012"), see agent/events.h.
struct AgentEvent {
  enum class Severity { Debug, Info, Notice, Warning, Error };
  std::string id;
  Severity severity = Severity::Info;
  std::string message;                        ///< One line; reason code first when there is one.
  std::map<std::string, std::string> fields;  ///< Structured data (RFC 5424 SD-PARAMs).
};

class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual void emit(const AgentEvent& event) = 0;
};

}  // namespace sztp::agent
