#pragma once

// The load generator of issue 3 (docs/performance.md, "Bootstrap server under
// load"): N simulated devices, each presenting its own IDevID, onboard against
// an RFC 8572 bootstrap server (or the nginx baseline) at a fixed concurrency.
// One onboarding = a new TCP connection and TLS handshake, then
// get-bootstrapping-data and five report-progress on that connection
// (keep-alive; the last one asks to close). Closed loop: C workers each start
// the next onboarding as soon as theirs ends. Open loop (`rate` > 0):
// onboardings are scheduled at a fixed arrival rate (Poisson or evenly
// spaced), at most C in flight; an arrival that finds C in flight waits for a
// slot (counted as delayed; still waiting at the end of the window: dropped),
// and latency runs from the scheduled start, so queueing in front of a slow
// server is not hidden (no coordinated omission).

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace sztp::bench::load {

struct LoadOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  /// The name the server certificate is checked against (SNI too).
  std::string serverName = "localhost";
  /// Trust anchor for the server certificate (PEM).
  std::filesystem::path serverCa;
  /// Directory with <serial>.crt and <serial>.key (PEM), as `sztp pki init` writes.
  std::filesystem::path idevidDir;
  std::vector<std::string> serials;
  int concurrency = 50;
  int threads = 1;
  std::chrono::milliseconds warmup{5000};
  std::chrono::milliseconds duration{25000};
  /// Bound on one onboarding; a slower one counts as an error.
  std::chrono::milliseconds timeout{30000};
  /// Server processes whose CPU time (utime + stime) and peak RSS are read
  /// from /proc at the edges of the measured window (nginx: master and workers).
  std::vector<pid_t> serverPids;
  /// The size every get-bootstrapping-data answer must have, within 64 octets
  /// (signature lengths vary); 0: any non-empty body.
  std::size_t expectAnswerBytes = 0;
  /// Open loop: arrivals per second (0: closed loop). `concurrency` caps the
  /// onboardings in flight.
  double rate = 0;
  /// Open loop: exponential gaps (Poisson arrivals) or evenly spaced ones.
  bool poisson = true;
  /// Open loop: seed of the arrival schedule (the same for every server).
  std::uint64_t seed = 1;
};

struct ProcSample {
  double cpuSeconds = 0;    ///< utime + stime, summed over the pids
  double peakRssMb = 0;     ///< VmHWM, summed
  double currentRssMb = 0;  ///< VmRSS, summed
  bool ok = false;
};

/// Reads /proc/<pid>/stat and /proc/<pid>/status of every pid.
ProcSample sampleProcesses(const std::vector<pid_t>& pids);

struct LoadResult {
  std::uint64_t onboardings = 0;  ///< completed successfully inside the window
  std::uint64_t errors = 0;       ///< failed (inside the window)
  std::uint64_t requests = 0;     ///< HTTP requests answered inside the window
  std::vector<std::string> errorSamples;
  double windowSeconds = 0;
  /// Per onboarding (connect through the last 204), milliseconds.
  double p50Ms = 0, p90Ms = 0, p99Ms = 0, maxMs = 0, meanMs = 0;
  /// Medians of the parts: TCP connect + TLS handshake, get-bootstrapping-data,
  /// the five report-progress together.
  double handshakeP50Ms = 0, gbdP50Ms = 0, progressP50Ms = 0;
  double serverCpuSeconds = 0;  ///< inside the window
  double serverPeakRssMb = 0;   ///< at the end (VmHWM: over the process lifetime)
  double serverRssMb = 0;       ///< at the end
  double clientCpuSeconds = 0;  ///< this process, inside the window
  double loadAverage1m = 0;     ///< at the end of the window
  std::size_t answerBytes = 0;  ///< size of the last get-bootstrapping-data body
  std::string tlsVersion;       ///< negotiated, from one connection
  // Open loop only (arrivals scheduled inside the window):
  std::uint64_t arrivals = 0;  ///< scheduled
  std::uint64_t delayed = 0;   ///< found C in flight and waited for a slot
  std::uint64_t dropped = 0;   ///< still waiting for a slot at the end of the window
  /// Actual start - scheduled start (slot wait + client lag), of onboardings started.
  double startLagP50Ms = 0, startLagP99Ms = 0;
  int maxInFlight = 0;
};

/// Runs warm-up then the measured window. Throws std::runtime_error when the
/// identities or the trust anchor cannot be loaded.
LoadResult runLoad(const LoadOptions& options);

/// One onboarding by `serial`; returns the get-bootstrapping-data body and
/// fills `tlsVersion`. Throws std::runtime_error with what failed.
std::string probeOnce(const LoadOptions& options, const std::string& serial,
                      std::string& tlsVersion);

}  // namespace sztp::bench::load
