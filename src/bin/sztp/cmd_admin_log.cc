// sztp admin audit [--follow], sztp admin stats
#include <chrono>
#include <iostream>
#include <thread>

#include "cmd_admin.h"

namespace sztp::cli::admin {
namespace {

using nlohmann::json;

struct AuditOptions {
  bool follow = false;
  std::string identity;
  long after = -1;
  int limit = 20;
  int interval = 2;
};

std::string auditLine(const json& r) {
  std::string line = r.value("time", "") + "  " + r.value("listener", "") + "  " +
                     r.value("source-address", "") + "  " +
                     (r.value("identity", "").empty() ? "-" : r.value("identity", "")) + "  " +
                     r.value("method", "") + " " + r.value("path", "") + "  " +
                     std::to_string(r.value("status", 0));
  if (!r.value("reason", "").empty()) {
    line += " " + r.value("reason", "");
  }
  return line + "  " + std::to_string(r.value("duration-us", std::int64_t{0})) + "us";
}

void printRecords(const json& items, bool asJson) {
  for (const auto& r : items) {
    if (asJson) {
      // One object per line, so a follower can be piped into jq.
      std::cout << r.dump(-1, ' ', false, json::error_handler_t::replace) << "\n";
    } else {
      std::cout << auditLine(r) << "\n";
    }
  }
  std::cout.flush();
}

int runAudit(Client& client, const GlobalOptions& global, const AuditOptions& o) {
  std::string query;
  addParam(query, "identity", o.identity);
  std::string first = query;
  // By default the newest records; --after reads forward from an id.
  if (o.after >= 0) {
    addParam(first, "after", std::to_string(o.after));
    addParam(first, "limit", std::to_string(o.limit));
  } else {
    addParam(first, "tail", std::to_string(o.limit));
  }
  auto page = client.call("GET", "/api/v1/audit" + first);
  if (!page.ok()) {
    return reportFailure(page.failure);
  }
  printRecords((*page)["items"], global.json);
  std::int64_t next = page->value("next", std::int64_t{0});
  if (!o.follow) {
    if (page->value("more", false) && !global.json) {
      std::cout << "more: --after " << next << "\n";
    }
    return kExitOk;
  }
  // Poll until interrupted; a failed poll is reported and retried, so a
  // server restart does not end the follow.
  for (;;) {
    std::this_thread::sleep_for(std::chrono::seconds(o.interval));
    std::string more = query;
    addParam(more, "after", std::to_string(next));
    addParam(more, "limit", "1000");
    auto poll = client.call("GET", "/api/v1/audit" + more);
    if (!poll.ok()) {
      std::cerr << "sztp: warning: " << poll.failure.reason << ": " << poll.failure.message << "\n";
      continue;
    }
    printRecords((*poll)["items"], global.json);
    next = poll->value("next", next);
  }
}

int runStats(Client& client, const GlobalOptions& global) {
  auto stats = client.call("GET", "/api/v1/stats");
  if (!stats.ok()) {
    return reportFailure(stats.failure);
  }
  if (global.json) {
    printJson(*stats);
    return kExitOk;
  }
  const json& s = *stats;
  std::cout << "registry revision " << s.value("revision", std::int64_t{0}) << " at "
            << s.value("time", "") << "\n";
  const json devices = s.value("devices", json::object());
  const json byStage = devices.value("by-stage", json::object());
  std::cout << "devices: " << devices.value("total", 0) << "\n";
  std::vector<std::vector<std::string>> rows;
  for (const char* stage :
       {"registered", "contacted", "bootstrapping", "rebooting", "failed", "completed"}) {
    rows.push_back({"  " + std::string(stage), std::to_string(byStage.value(stage, 0))});
  }
  std::cout << formatTable(rows) << "objects:\n";
  rows.clear();
  const json objects = s.value("objects", json::object());
  for (const auto& [kind, count] : objects.items()) {
    rows.push_back({"  " + kind, count.dump()});
  }
  std::cout << formatTable(rows);
  return kExitOk;
}

}  // namespace

void addLogCommands(CLI::App& admin, Commands& commands, const Shared& global) {
  auto o = std::make_shared<AuditOptions>();
  auto* audit = admin.add_subcommand(
      "audit",
      "Print the audit log: every request on every listener with its source, identity,\n"
      "outcome and reason code (newest last)");
  audit->add_flag("-f,--follow", o->follow, "Keep printing new records as they come");
  audit->add_option("--identity", o->identity,
                    "Only this identity (a serial number, token:NAME, cert:DN)");
  audit->add_option("--after", o->after, "Read forward from after this record id")
      ->check(CLI::Range(0L, 9'000'000'000'000'000'000L));
  audit->add_option("--limit", o->limit, "How many records (default 20, the newest)")
      ->check(CLI::Range(1, 1000));
  audit->add_option("--interval", o->interval, "Seconds between polls with --follow (default 2)")
      ->check(CLI::Range(1, 3600));
  audit->footer("Example: sztp admin audit --follow --identity SN-0001");
  commands.push_back({audit, withClient(global, [o](Client& c, const GlobalOptions& g) {
                        return runAudit(c, g, *o);
                      })});

  auto* stats = admin.add_subcommand(
      "stats", "Print device counts by onboarding stage, object counts and the revision");
  commands.push_back({stats, withClient(global, [](Client& c, const GlobalOptions& g) {
                        return runStats(c, g);
                      })});
}

}  // namespace sztp::cli::admin
