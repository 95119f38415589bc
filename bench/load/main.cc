// sztp_load: the load benchmark of the bootstrap server (issue 3,
// docs/performance.md "Bootstrap server under load"); bench/load/run.sh drives it.
//
//   sztp_load prepare --dir D --serials FILE       vouchers + inventory for D/pki
//   sztp_load fill --registry DB --count M --voucher V.vcj
//   sztp_load probe --port P --dir D --serial S --out answer.json [--validate]
//   sztp_load run --port P --dir D --serials FILE -c C --pid PID... --json OUT
//   sztp_load run ... -c C --rate R [--arrivals poisson|even]   open loop
#include <CLI/CLI.hpp>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "load_client.h"
#include "prepare.h"

namespace {

using namespace sztp::bench::load;

void addTarget(CLI::App* command, LoadOptions& options, std::string& dir) {
  command->add_option("--host", options.host, "Server address")->capture_default_str();
  command->add_option("--port", options.port, "Server port")->required();
  command
      ->add_option("--server-name", options.serverName,
                   "Name the server certificate must carry (and SNI)")
      ->capture_default_str();
  command
      ->add_option("--dir", dir,
                   "World directory: pki/ from `sztp pki init` (tls/ca.crt, "
                   "manufacturer/idevid/<SN>.{crt,key})")
      ->required();
}

void finishTarget(LoadOptions& options, const std::string& dir) {
  options.serverCa = std::filesystem::path(dir) / "pki/tls/ca.crt";
  options.idevidDir = std::filesystem::path(dir) / "pki/manufacturer/idevid";
}

nlohmann::json toJson(const LoadResult& r, const LoadOptions& o, const std::string& label,
                      const std::string& caseName) {
  const double rate =
      r.windowSeconds > 0 ? static_cast<double>(r.onboardings) / r.windowSeconds : 0;
  nlohmann::json j;
  j["label"] = label;
  j["case"] = caseName;
  j["devices"] = o.serials.size();
  j["concurrency"] = o.concurrency;
  j["client_threads"] = o.threads;
  j["warmup_s"] = std::chrono::duration<double>(o.warmup).count();
  j["window_s"] = r.windowSeconds;
  j["onboardings"] = r.onboardings;
  j["errors"] = r.errors;
  j["error_samples"] = r.errorSamples;
  j["requests"] = r.requests;
  j["onboardings_per_s"] = rate;
  j["latency_ms"] = {
      {"p50", r.p50Ms}, {"p90", r.p90Ms}, {"p99", r.p99Ms}, {"max", r.maxMs}, {"mean", r.meanMs}};
  j["part_p50_ms"] = {{"connect_and_handshake", r.handshakeP50Ms},
                      {"get_bootstrapping_data", r.gbdP50Ms},
                      {"five_report_progress", r.progressP50Ms}};
  j["server_pids"] = o.serverPids;
  j["server_cpu_s"] = r.serverCpuSeconds;
  j["server_cpu_s_per_1000_onboardings"] =
      r.onboardings > 0 ? r.serverCpuSeconds * 1000.0 / static_cast<double>(r.onboardings) : 0;
  j["onboardings_per_server_cpu_s"] =
      r.serverCpuSeconds > 0 ? static_cast<double>(r.onboardings) / r.serverCpuSeconds : 0;
  j["server_peak_rss_mb"] = r.serverPeakRssMb;
  j["server_rss_mb"] = r.serverRssMb;
  j["client_cpu_s"] = r.clientCpuSeconds;
  j["load_average_1m"] = r.loadAverage1m;
  j["answer_bytes"] = r.answerBytes;
  j["tls"] = r.tlsVersion;
  j["mode"] = o.rate > 0 ? "open" : "closed";
  if (o.rate > 0) {
    // Latency counts from each arrival's scheduled start (see load_client.h).
    j["open_loop"] = {{"offered_rate_per_s", o.rate},
                      {"arrivals", o.poisson ? "poisson" : "even"},
                      {"seed", o.seed},
                      {"arrivals_in_window", r.arrivals},
                      {"delayed_at_cap", r.delayed},
                      {"dropped_at_window_end", r.dropped},
                      {"max_in_flight", r.maxInFlight},
                      {"start_lag_ms", {{"p50", r.startLagP50Ms}, {"p99", r.startLagP99Ms}}}};
  }
  return j;
}

int run(int argc, char** argv) {
  CLI::App app{"sztp_load - load benchmark of an RFC 8572 bootstrap server (bench/load/run.sh)"};
  app.require_subcommand(1);

  std::string prepareDir, serialsFile;
  auto* prepare = app.add_subcommand("prepare", "Vouchers and inventory.yaml for DIR/pki");
  prepare->add_option("--dir", prepareDir, "World directory")->required();
  prepare->add_option("--serials", serialsFile, "Serial numbers, one a line")->required();

  std::string registryPath, voucherFile;
  std::uint64_t fillCount = 0, fillBatch = 10000;
  auto* fill = app.add_subcommand("fill", "Put filler devices into a stopped server's registry");
  fill->add_option("--registry", registryPath, "registry.db")->required();
  fill->add_option("--count", fillCount, "Devices to add")->required();
  fill->add_option("--batch", fillBatch, "Devices per transaction")->capture_default_str();
  fill->add_option("--voucher", voucherFile, "A voucher to copy into each")->required();

  LoadOptions probeOptions;
  std::string probeDir, probeSerial, probeOut;
  bool validate = false;
  auto* probe = app.add_subcommand("probe", "One onboarding; save (and check) the answer");
  addTarget(probe, probeOptions, probeDir);
  probe->add_option("--serial", probeSerial, "Device")->required();
  probe->add_option("--out", probeOut, "Where to write the get-bootstrapping-data body");
  probe->add_flag("--validate", validate, "Check the answer as the device would (RFC 8572 §5.4)");

  LoadOptions loadOptions;
  std::string loadDir, loadSerials, jsonOut, label = "server", caseName;
  double warmup = 5, duration = 25;
  std::string arrivals = "poisson";
  auto* load = app.add_subcommand(
      "run", "Closed-loop (or with --rate, open-loop) load: warm-up, then the measured window");
  addTarget(load, loadOptions, loadDir);
  load->add_option("--serials", loadSerials, "Devices, one serial a line")->required();
  load->add_option("-c,--concurrency", loadOptions.concurrency,
                   "Devices onboarding at once (open loop: at most)")
      ->capture_default_str();
  load->add_option("--rate", loadOptions.rate,
                   "Open loop: onboardings started per second (0: closed loop)")
      ->capture_default_str();
  load->add_option("--arrivals", arrivals, "Open loop: poisson or even")
      ->check(CLI::IsMember({"poisson", "even"}))
      ->capture_default_str();
  load->add_option("--seed", loadOptions.seed, "Open loop: seed of the arrival schedule")
      ->capture_default_str();
  load->add_option("--threads", loadOptions.threads, "Client threads")->capture_default_str();
  load->add_option("--warmup", warmup, "Seconds before the window")->capture_default_str();
  load->add_option("--duration", duration, "Seconds measured")->capture_default_str();
  load->add_option("--pid", loadOptions.serverPids, "Server process (repeat: summed)");
  load->add_option("--expect-answer-bytes", loadOptions.expectAnswerBytes,
                   "Size every get-bootstrapping-data answer must have");
  load->add_option("--label", label, "Name in the report")->capture_default_str();
  load->add_option("--json", jsonOut, "Write the result as JSON here");
  load->add_option("--case", caseName, "Which case of the report this run belongs to");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }

  try {
    if (*prepare) {
      const auto serials = readSerials(serialsFile);
      prepareWorld(prepareDir, serials);
      std::printf("prepared %zu devices in %s\n", serials.size(), prepareDir.c_str());
      return 0;
    }
    if (*fill) {
      fillRegistry(registryPath, fillCount, fillBatch, voucherFile);
      return 0;
    }
    if (*probe) {
      finishTarget(probeOptions, probeDir);
      std::string tls;
      const std::string answer = probeOnce(probeOptions, probeSerial, tls);
      if (!probeOut.empty()) {
        std::ofstream(probeOut, std::ios::binary) << answer;
      }
      if (validate) {
        validateAnswer(probeDir, probeSerial, answer);
      }
      std::printf("%s: onboarded over %s; answer %zu octets%s\n", probeSerial.c_str(), tls.c_str(),
                  answer.size(), validate ? ", signed and valid for the device" : "");
      return 0;
    }
    finishTarget(loadOptions, loadDir);
    loadOptions.serials = readSerials(loadSerials);
    loadOptions.warmup = std::chrono::milliseconds(static_cast<long>(warmup * 1000));
    loadOptions.duration = std::chrono::milliseconds(static_cast<long>(duration * 1000));
    loadOptions.poisson = arrivals == "poisson";
    const LoadResult result = runLoad(loadOptions);
    const auto report = toJson(result, loadOptions, label, caseName);
    if (!jsonOut.empty()) {
      std::ofstream(jsonOut) << report.dump(2) << "\n";
    }
    std::printf(
        "%s: N=%zu C=%d: %llu onboardings in %.1f s = %.1f/s, %llu errors; latency p50 %.1f ms "
        "p99 %.1f ms max %.1f ms (handshake %.1f, gbd %.1f, 5 progress %.1f); server CPU %.2f s "
        "(%.2f s per 1000), peak RSS %.1f MB; client CPU %.2f s; load %.1f; %s\n",
        label.c_str(), loadOptions.serials.size(), loadOptions.concurrency,
        static_cast<unsigned long long>(result.onboardings), result.windowSeconds,
        report["onboardings_per_s"].get<double>(), static_cast<unsigned long long>(result.errors),
        result.p50Ms, result.p99Ms, result.maxMs, result.handshakeP50Ms, result.gbdP50Ms,
        result.progressP50Ms, result.serverCpuSeconds,
        report["server_cpu_s_per_1000_onboardings"].get<double>(), result.serverPeakRssMb,
        result.clientCpuSeconds, result.loadAverage1m, result.tlsVersion.c_str());
    if (loadOptions.rate > 0) {
      std::printf(
          "  open loop at %.1f/s (%s): %llu arrivals in the window, %llu delayed at C, %llu "
          "dropped; max in flight %d; start lag p50 %.1f ms p99 %.1f ms\n",
          loadOptions.rate, arrivals.c_str(), static_cast<unsigned long long>(result.arrivals),
          static_cast<unsigned long long>(result.delayed),
          static_cast<unsigned long long>(result.dropped), result.maxInFlight, result.startLagP50Ms,
          result.startLagP99Ms);
    }
    for (const auto& sample : result.errorSamples) {
      std::printf("  error: %s\n", sample.c_str());
    }
    // A run with failures measures a failing path: refuse it (docs/performance.md).
    return result.errors == 0 && result.onboardings > 0 ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "sztp_load: %s\n", e.what());
    return 1;
  }
}

}  // namespace

int main(int argc, char** argv) {
  return run(argc, argv);
}
