// sztp-agent: the RFC 8572 device agent (docs/agent.md). Wiring only: the
// configuration, the identity, signals and logs; the algorithm is in
// src/lib/agent, the I/O in src/lib/agentio, src/lib/client and
// src/lib/discovery.

#include <CLI/CLI.hpp>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "agent/driver.h"
#include "agent_config.h"
#include "agent_log.h"
#include "agentio/file_state_store.h"
#include "agentio/instance_lock.h"
#include "agentio/layout.h"
#include "agentio/linux_platform.h"
#include "agentio/step_runner.h"
#include "client/bootstrap_client.h"
#include "client/downloader.h"
#include "identity_loader.h"
#include "settings_mapping.h"
#include "sources_wiring.h"
#include "syslog_wiring.h"

namespace {

using namespace sztp;
using Severity = agent::AgentEvent::Severity;

std::atomic<bool> gStop{false};
std::atomic<bool> gWake{false};

extern "C" void onStop(int /*signal*/) {
  gStop = true;
}
extern "C" void onWake(int /*signal*/) {
  gWake = true;
}

/// Exit statuses (documented in --help and docs/agent.md).
enum Exit : int {
  ExitDone = 0,     ///< Completed, disabled, or rebooting into a new image.
  ExitFailed = 1,   ///< Gave up after retry.max-cycles, or a state that cannot be saved.
  ExitUsage = 2,    ///< Bad command line or configuration.
  ExitRunning = 3,  ///< Another agent holds the state directory.
  ExitStopped = 4,  ///< Stopped by SIGTERM/SIGINT (e.g. `ztp disable`) before finishing.
};

/// The platform with a sleep that SIGTERM ends and SIGUSR1 (`ztp run`) cuts short.
class SignalAwarePlatform final : public agentio::LinuxPlatform {
 public:
  using LinuxPlatform::LinuxPlatform;
  void sleepFor(std::chrono::milliseconds duration) override {
    const auto until = std::chrono::steady_clock::now() + duration;
    while (!gStop && !gWake.exchange(false) && std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
};

/// The file's text; nullopt when it cannot be opened (a missing file is not
/// an empty configuration).
std::optional<std::string> readFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return std::nullopt;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void printSummary(const agentd::AgentConfig& config, const agent::DeviceIdentity& identity,
                  const agent::AgentSettings& settings) {
  std::cout << "configuration " << config.configFile.string() << " is valid\n"
            << "  serial-number      " << identity.serialNumber << "\n"
            << "  idevid             " << identity.idevid.subject() << " (issuer "
            << identity.idevid.issuer() << ", " << identity.chain.size() << " intermediate(s))\n"
            << "  key                " << identity.key.description()
            << (config.identity.keyProvider.empty()
                    ? ""
                    : " via provider " + config.identity.keyProvider)
            << "\n"
            << "  hw-model           " << identity.hwModel.value_or("(none)") << "\n"
            << "  voucher anchors    " << settings.voucherTrustAnchors.size() << "\n"
            << "  sources            ";
  for (const auto& name : config.sources.order) {
    std::cout << name << " ";
  }
  std::cout << "\n  state-directory    " << config.stateDirectory.string() << "\n";
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "sztp-agent: the Secure Zero Touch Provisioning device agent (RFC 8572).\n"
      "On a new device it finds a bootstrap server (removable storage, DHCP options 143/136,\n"
      "DNS, configured well-known servers, --bootstrap-url), authenticates with its IDevID,\n"
      "validates the owner's signed data against its voucher trust anchors, then installs\n"
      "the boot image, runs the scripts and applies the configuration it was given,\n"
      "reporting each step. State survives crashes and reboots (state-directory); see\n"
      "`ztp status`. Started at boot by sztp-agent.service; exits at once when SZTP is\n"
      "disabled (`ztp disable`) or already completed.\n\n"
      "Exit status: 0 completed, disabled or rebooting into a new image; 1 gave up\n"
      "(retry.max-cycles) or the state cannot be saved; 2 bad command line or\n"
      "configuration; 3 another agent is running; 4 stopped by a signal.\n"
      "Signals: SIGTERM/SIGINT stop between steps; SIGUSR1 ends a retry wait at once.",
      "sztp-agent"};
  std::string configPath = "/etc/sztp/sztp-agent.yaml";
  bool checkOnly = false;
  bool debug = false;
  bool once = false;
  std::vector<std::string> urls;
  app.add_option("-c,--config", configPath, "Configuration file (YAML, docs/agent.md)")
      ->capture_default_str();
  app.add_flag("--check-config", checkOnly,
               "Load the configuration, the identity and the trust anchors, print a summary "
               "and exit (0 = usable)");
  app.add_option("--bootstrap-url", urls,
                 "Also contact this bootstrap server (https://host[:port], no path), after the "
                 "configured sources; for labs. Contacted provisionally unless it sends signed "
                 "data")
      ->type_name("URL");
  app.add_flag("--debug", debug, "Log every step verbosely (logging.level debug)");
  app.add_flag("--once", once, "Run one cycle over all sources and exit, without retrying");
  app.set_version_flag("--version", SZTP_VERSION);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version exit 0; any other parse error is a bad command line (2).
    const int code = app.exit(e);
    return code == 0 ? ExitDone : ExitUsage;
  }

  auto text = readFile(configPath);
  if (!text) {
    std::cerr << "sztp-agent: cannot read the configuration " << configPath
              << " (give --config FILE)\n";
    return ExitUsage;
  }
  auto config = agentd::parseAgentConfig(*text, configPath);
  if (!config) {
    std::cerr << "sztp-agent: " << config.error().describe() << "\n";
    return ExitUsage;
  }
  for (const auto& url : urls) {
    config->sources.bootstrapUrls.push_back(url);
  }
  if (!urls.empty() && std::find(config->sources.order.begin(), config->sources.order.end(),
                                 "url") == config->sources.order.end()) {
    config->sources.order.emplace_back("url");
  }
  agentd::AgentLog log(debug ? Severity::Debug : agentd::severityFromName(config->logging.level));

  auto identity = agentd::loadIdentity(*config);
  if (!identity) {
    std::cerr << "sztp-agent: " << identity.error().describe() << "\n";
    return ExitUsage;
  }
  auto settings = agentd::toSettings(*config);
  if (!settings) {
    std::cerr << "sztp-agent: " << settings.error().describe() << "\n";
    return ExitUsage;
  }
  auto sources = agentd::buildSources(*config, *identity);
  if (!sources) {
    std::cerr << "sztp-agent: " << sources.error().describe() << "\n";
    return ExitUsage;
  }
  if (checkOnly) {
    printSummary(*config, *identity, *settings);
    if (::access(config->stepRunner.c_str(), X_OK) != 0) {
      std::cerr << "sztp-agent: step-runner " << config->stepRunner.string()
                << " is not an executable file\n";
      return ExitUsage;
    }
    return ExitDone;
  }

  auto syslog = agentd::attachSyslog(*config, log);
  if (!syslog) {
    std::cerr << "sztp-agent: " << syslog.error().describe() << "\n";
    return ExitUsage;
  }
  if (settings->voucherTrustAnchors.empty()) {
    log.line(Severity::Warning, "SZTP-A0900",
             "no voucher trust anchors configured (trust.voucher-trust-anchors): every signed "
             "bundle will be refused");
  }

  const agentio::StateLayout layout{config->stateDirectory};
  std::error_code ec;
  std::filesystem::create_directories(layout.directory, ec);
  std::filesystem::permissions(layout.directory, std::filesystem::perms::owner_all, ec);
  // The work directory holds staged scripts and images: root-only, like the state.
  std::filesystem::create_directories(config->onboarding.workDirectory, ec);
  std::filesystem::permissions(config->onboarding.workDirectory, std::filesystem::perms::owner_all,
                               ec);
  std::filesystem::create_directories(config->onboarding.configurationDirectory, ec);
  auto lock = agentio::InstanceLock::acquire(layout.lockFile().string());
  if (!lock) {
    std::cerr << "sztp-agent: " << lock.error().describe() << "\n";
    return ExitRunning;
  }
  if (auto ok = agentio::writePidFile(layout.pidFile().string(), ::getpid()); !ok) {
    std::cerr << "sztp-agent: " << ok.error().describe() << "\n";
    return ExitFailed;
  }
  settings->enabled = !std::filesystem::exists(layout.disabledFlag());

  struct sigaction action {};
  action.sa_handler = onStop;
  sigemptyset(&action.sa_mask);
  sigaction(SIGTERM, &action, nullptr);
  sigaction(SIGINT, &action, nullptr);
  action.sa_handler = onWake;
  sigaction(SIGUSR1, &action, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  agentio::LinuxPlatformConfig platformConfig;
  platformConfig.osReleasePath = config->onboarding.osReleaseFile.string();
  platformConfig.bootIdPath = config->onboarding.bootIdFile.string();
  platformConfig.sshHostKeyDir = config->onboarding.sshHostKeyDirectory.string();
  for (const auto& file : config->onboarding.reportTrustAnchors) {
    platformConfig.trustAnchorCertFiles.push_back(file.string());
  }
  platformConfig.osName = config->onboarding.osName;
  platformConfig.osVersion = config->onboarding.osVersion;
  SignalAwarePlatform platform(platformConfig);
  identity->osName = platform.osName();
  identity->osVersion = platform.osVersion();

  client::TransportSettings transport;
  transport.connectTimeout = config->retry.connectTimeout;
  transport.requestTimeout = config->retry.requestTimeout;
  transport.userAgent = std::string("sztp-agent/") + SZTP_VERSION;
  client::BootstrapClientSettings clientSettings;
  clientSettings.encoding = settings->reportEncoding;
  clientSettings.transport = transport;
  client::HttpsBootstrapClient restconf(*identity, clientSettings);
  auto fileAnchors = agentd::loadCertificates(config->onboarding.fileServerTrustAnchors);
  if (!fileAnchors) {
    std::cerr << "sztp-agent: onboarding.file-server-trust-anchors: "
              << fileAnchors.error().describe() << "\n";
    return ExitUsage;
  }
  client::DownloaderSettings downloadSettings;
  downloadSettings.transport = transport;
  downloadSettings.trustAnchors = *fileAnchors;
  downloadSettings.clientIdentity = *identity;
  client::HttpsDownloader downloader(downloadSettings);
  agentio::DetachedStepRunner steps(layout.stepsDirectory().string(), config->stepRunner.string());
  agentio::FileStateStore store(layout.stateFile().string());
  SystemClock clock;

  std::vector<agent::SourceProvider*> providers;
  for (auto& source : *sources) {
    providers.push_back(source.get());
  }
  if (once) {
    // One cycle over all sources, no retry; SIGTERM still stops it between steps.
    settings->retry.maxCycles = 1;
  }
  agent::Driver driver(
      *settings, agent::Ports{providers, restconf, downloader, steps, platform, store, log, clock},
      *identity);
  int status = ExitDone;
  const auto outcome = driver.run([] { return gStop.load(); });
  switch (outcome.kind) {
    case agent::RunOutcome::Kind::Completed:
    case agent::RunOutcome::Kind::Rebooting:
    case agent::RunOutcome::Kind::Disabled:
      status = ExitDone;
      break;
    case agent::RunOutcome::Kind::Stopped:
      log.line(Severity::Notice, "SZTP-A0902",
               "stopped by a signal; the next start resumes where this one stopped");
      status = ExitStopped;
      break;
    case agent::RunOutcome::Kind::GaveUp:
      status = ExitFailed;
      break;
    case agent::RunOutcome::Kind::Error:
      log.line(Severity::Error, "SZTP-A0901", "cannot go on: " + outcome.reason);
      status = ExitFailed;
      break;
  }
  (void)agentio::removePidFile(layout.pidFile().string());
  return status;
}
