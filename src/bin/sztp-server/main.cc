// sztp-server: the RFC 8572 bootstrap server (docs/server.md).
// Thin wiring: configuration, files, signals and logs. The protocol lives in
// src/lib/bootstrap, storage in src/lib/registry, the transport in src/lib/net.
#include <signal.h>

#include <CLI/CLI.hpp>
#include <fstream>
#include <iostream>
#include <sstream>

#include "audit_writer.h"
#include "bootstrap/bootstrap_service.h"
#include "common/io_error.h"
#include "key_loader.h"
#include "log.h"
#include "registry/sqlite/sqlite_registry.h"
#include "server_config.h"
#include "server_metrics.h"
#include "server_wiring.h"

namespace {

using namespace sztp;
using namespace sztp::server;

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

Result<std::string> readFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Error(IoErrc::FileUnreadable, path.string());
  }
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

Result<ServerConfig> loadConfig(const std::filesystem::path& path) {
  auto text = readFile(path);
  if (!text) {
    return std::move(text).error();
  }
  return parseServerConfig(*text, path);
}

int run(int argc, char** argv) {
  CLI::App app{
      "sztp-server - the Secure Zero Touch Provisioning (RFC 8572) bootstrap server.\n"
      "Serves get-bootstrapping-data and report-progress over mutual TLS to registered\n"
      "devices, with signed (and optionally encrypted) answers, an optional deployment\n"
      "file server, an admin REST API, Prometheus metrics and a per-device log.\n"
      "Configuration: docs/server.md; example: examples/server/sztp-server.yaml.\n"
      "Signals: SIGHUP reloads TLS certificates and re-applies the inventory file;\n"
      "SIGTERM/SIGINT stop gracefully (in-flight requests finish)."};
  app.name("sztp-server");
  app.set_version_flag("--version", std::string("sztp-server ") + SZTP_VERSION);
  std::string configPath = "/etc/sztp/sztp-server.yaml";
  bool checkOnly = false;
  std::string level;
  app.add_option("-c,--config", configPath, "Configuration file (YAML)")->capture_default_str();
  app.add_flag("--check-config", checkOnly,
               "Load and check the configuration, certificates, keys, registry and inventory, "
               "print what would be served, and exit (0 = valid, 1 = not)");
  app.add_option("--log-level", level,
                 "Override logging.level: debug, info, notice, warning, error")
      ->check(CLI::IsMember({"debug", "info", "notice", "warning", "error"}));
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? kExitOk : kExitUsage;
  }

  auto config = loadConfig(configPath);
  if (!config) {
    std::cerr << "sztp-server: configuration error: " << config.error().describe() << "\n";
    return kExitFailure;
  }
  if (!level.empty()) {
    config->logging.level = level;
  }
  Log log;
  log.configure(config->logging.level, config->logging.syslog && !checkOnly,
                config->logging.syslogFacility, config->logging.syslogIdent);

  // Signals are blocked before any thread starts, so every thread inherits
  // the mask and only the sigwait loop below receives them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGHUP);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  auto wiring = ServerWiring::create(*config, log, checkOnly);
  if (!wiring) {
    log.error("SZTP-S0001", "cannot start: " + wiring.error().describe());
    return kExitFailure;
  }
  if (checkOnly) {
    std::cout << (*wiring)->summary();
    std::cout << "configuration OK\n";
    return kExitOk;
  }
  if (auto started = (*wiring)->start(); !started) {
    log.error("SZTP-S0002", "cannot start: " + started.error().describe());
    return kExitFailure;
  }
  for (;;) {
    int received = 0;
    if (sigwait(&signals, &received) != 0) {
      continue;
    }
    if (received == SIGHUP) {
      log.notice("SZTP-S0010", "SIGHUP: reloading");
      auto fresh = loadConfig(configPath);
      if (!fresh) {
        log.error("SZTP-S0011",
                  "reload refused, keeping the running configuration: " + fresh.error().describe());
        continue;
      }
      (*wiring)->reload(*fresh);
      continue;
    }
    log.notice("SZTP-S0020", std::string("received ") +
                                 (received == SIGTERM ? "SIGTERM" : "SIGINT") +
                                 ": stopping gracefully");
    (*wiring)->stop();
    log.notice("SZTP-S0021", "stopped");
    return kExitOk;
  }
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "sztp-server: unexpected error: " << e.what() << "\n";
    return 1;
  }
}
