// sztp admin inventory export|apply, sztp admin import devices
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <map>
#include <regex>

#include "cmd_admin.h"
#include "common/base64.h"
#include "common/hex.h"
#include "files.h"
#include "inventory/bulk.h"
#include "inventory/inventory_error.h"
#include "inventory/inventory_file.h"

namespace sztp::cli::admin {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

/// What a local read of an inventory or CSV touched, to send along: the
/// server reads no file itself.
struct Collected {
  std::map<std::string, Bytes> contents;
  std::map<std::string, inventory::FileDigest> digests;
  std::map<std::string, std::string> signingKeys;

  json envelope() const {
    json files = json::object();
    for (const auto& [path, bytes] : contents) {
      files[path] = base64Encode(bytes);
    }
    json sums = json::object();
    for (const auto& [path, digest] : digests) {
      sums[path] = {{"sha256", hexEncode(digest.sha256)}, {"size", digest.size}};
    }
    return {{"files", files}, {"digests", sums}, {"signing-keys", signingKeys}};
  }
};

std::string under(const std::string& baseDir, const std::string& path) {
  const fs::path p(path);
  return p.is_absolute() ? path : (fs::path(baseDir) / p).string();
}

/// File access for the inventory library, relative to `baseDir`, recording
/// everything into `collected`.
inventory::InventoryFiles recordingFiles(const std::string& baseDir, Collected& collected) {
  inventory::InventoryFiles files;
  files.read = [baseDir, &collected](const std::string& path) -> Result<Bytes> {
    auto bytes = readFile(under(baseDir, path));
    if (!bytes) {
      return std::move(bytes).error();
    }
    collected.contents[path] = *bytes;
    return bytes;
  };
  files.digest = [baseDir, &collected](const std::string& path) -> Result<inventory::FileDigest> {
    const std::string full = under(baseDir, path);
    auto sha = sha256File(full);
    if (!sha) {
      return std::move(sha).error();
    }
    std::error_code ec;
    const auto size = fs::file_size(full, ec);
    inventory::FileDigest digest{std::move(*sha), ec ? 0 : size};
    collected.digests[path] = digest;
    return digest;
  };
  files.resolve = [baseDir, &collected](const std::string& path) {
    std::error_code ec;
    auto absolute = fs::absolute(under(baseDir, path), ec).lexically_normal().string();
    collected.signingKeys[path] = absolute;
    return absolute;
  };
  return files;
}

/// "... (line 7) ..." with `offset` taken off every line number.
std::string shiftLines(const std::string& text, int offset) {
  if (offset == 0) {
    return text;
  }
  static const std::regex kLine("line ([0-9]+)");
  std::string out;
  auto it = std::sregex_iterator(text.begin(), text.end(), kLine);
  std::size_t last = 0;
  for (; it != std::sregex_iterator(); ++it) {
    const auto& m = *it;
    out += text.substr(last, static_cast<std::size_t>(m.position()) - last);
    const int line = std::stoi(m[1].str()) - offset;
    out += "line " + std::to_string(std::max(line, 1));
    last = static_cast<std::size_t>(m.position() + m.length());
  }
  return out + text.substr(last);
}

void printPlan(const json& plan) {
  std::cout << plan.value("summary", "");
  for (const auto& change : plan.value("changes", json::array())) {
    const std::string action = change.value("action", "");
    const char* mark = action == "create" ? "+" : action == "remove" ? "-" : "~";
    std::cout << "  " << mark << " " << change.value("kind", "") << " " << change.value("name", "")
              << "\n";
  }
}

int runExport(Client& client, const std::string& out) {
  auto yaml = client.text("GET", "/api/v1/inventory", "application/yaml");
  if (!yaml.ok()) {
    return reportFailure(yaml.failure);
  }
  auto written = writeFile(out.empty() ? "-" : out, asBytes(*yaml));
  return written ? kExitOk : reportError(written.error());
}

struct ImportOptions {
  std::string source;
  long expectedCount = -1;
  std::string deviceType;
  std::string owner;
  std::string onboardingProfile;
  std::string redirectProfile;
  bool skipInvalid = false;
  bool dryRun = false;
};

int runImport(Client& client, const GlobalOptions& global, const ImportOptions& o) {
  if (!o.onboardingProfile.empty() && !o.redirectProfile.empty()) {
    return usageError("give --onboarding-profile or --redirect-profile, not both");
  }
  std::string query;
  if (o.expectedCount >= 0) {
    addParam(query, "expected-count", std::to_string(o.expectedCount));
  }
  addParam(query, "device-type", o.deviceType);
  addParam(query, "owner", o.owner);
  addParam(query, "onboarding-profile", o.onboardingProfile);
  addParam(query, "redirect-profile", o.redirectProfile);
  if (o.skipInvalid) {
    addParam(query, "skip-invalid", "true");
  }
  if (o.dryRun) {
    addParam(query, "dry-run", "true");
  }

  std::string body;
  std::string type = "application/json";
  std::error_code ec;
  if (fs::is_directory(o.source, ec)) {
    // A folder of vouchers: the serial numbers come from the vouchers.
    std::vector<fs::path> paths;
    for (const auto& entry : fs::directory_iterator(o.source, ec)) {
      if (entry.is_regular_file() && entry.path().extension() == ".vcj") {
        paths.push_back(entry.path());
      }
    }
    if (ec) {
      return usageError(o.source + ": " + ec.message());
    }
    if (paths.empty()) {
      return usageError(o.source + ": no .vcj files");
    }
    std::sort(paths.begin(), paths.end());
    json vouchers = json::object();
    for (const auto& path : paths) {
      auto bytes = readFile(path.string());
      if (!bytes) {
        return reportError(bytes.error(), kExitUsage);
      }
      vouchers[path.filename().string()] = base64Encode(*bytes);
    }
    body = json{{"vouchers", vouchers}}.dump();
  } else {
    auto bytes = readFile(o.source);
    if (!bytes) {
      return reportError(bytes.error(), kExitUsage);
    }
    const std::string extension = fs::path(o.source).extension().string();
    if (extension == ".csv") {
      // Read locally first to find the voucher files the CSV names.
      Collected collected;
      inventory::BulkReadOptions read;
      const auto dir = fs::path(o.source).parent_path().string();
      read.files = recordingFiles(dir.empty() ? "." : dir, collected);
      const std::string csv = toString(*bytes);
      (void)inventory::readDeviceCsv(csv, read);  // the server reports any problem
      if (collected.contents.empty()) {
        body = csv;
        type = "text/csv";
      } else {
        json envelope = collected.envelope();
        envelope.erase("digests");
        envelope.erase("signing-keys");
        envelope["csv"] = csv;
        body = envelope.dump();
      }
    } else if (extension == ".json") {
      body = toString(*bytes);
    } else {
      return usageError(o.source + ": give a .csv or .json file, or a folder of .vcj files");
    }
  }

  auto reply = client.send("POST", "/api/v1/devices:bulk" + query, body, type);
  if (!reply.ok()) {
    return reportFailure(reply.failure);
  }
  const json result = json::parse(reply->body, nullptr, false);
  if (global.json && !result.is_discarded()) {
    printJson(result);
  }
  const bool ok = reply->status >= 200 && reply->status <= 299;
  if (!ok) {
    const Failure failure = result.is_object() && result.contains("error")
                                ? Failure{result["error"].value("reason", "unknown"),
                                          result["error"].value("message", "")}
                                : Failure{"admin-reply-malformed", reply->body.substr(0, 200)};
    if (!global.json && result.is_object() && result.contains("report")) {
      std::cerr << result["report"].value("summary", "");
    }
    return reportFailure(failure);
  }
  if (!global.json) {
    std::cout << result.value("summary", "");
    if (result.value("dry-run", false)) {
      std::cout << "dry run: nothing was applied\n";
    }
  }
  return kExitOk;
}

}  // namespace

int applyInventory(Client& client, const GlobalOptions& global, const std::string& yaml,
                   const std::string& baseDir, bool prune, bool dryRun, int lineOffset) {
  // Parsed here first: it finds the files to send, and reports mistakes with
  // this machine's paths before anything reaches the server.
  Collected collected;
  auto local = inventory::parseInventory(yaml, recordingFiles(baseDir, collected));
  if (!local) {
    return reportFailure(
        {std::string(local.error().reason()), shiftLines(local.error().message(), lineOffset)});
  }
  json envelope = collected.envelope();
  envelope["inventory"] = yaml;
  std::string query;
  if (prune) {
    addParam(query, "prune", "true");
  }
  if (dryRun) {
    addParam(query, "dry-run", "true");
  }
  auto plan = client.call("PUT", "/api/v1/inventory" + query, envelope.dump());
  if (!plan.ok()) {
    plan.failure.message = shiftLines(plan.failure.message, lineOffset);
    return reportFailure(plan.failure);
  }
  if (global.json) {
    printJson(*plan);
    return kExitOk;
  }
  printPlan(*plan);
  if (plan->value("dry-run", false)) {
    std::cout << "dry run: nothing was applied\n";
  } else if (plan->value("applied", false)) {
    std::cout << "applied (registry revision " << plan->value("revision", std::int64_t{0}) << ")\n";
  }
  return kExitOk;
}

void addInventoryCommands(CLI::App& admin, Commands& commands, const Shared& global) {
  auto* group = admin.add_subcommand(
      "inventory", "The declarative YAML inventory (docs/inventory.md): export, apply");
  group->require_subcommand(1);

  auto out = std::make_shared<std::string>();
  auto* exportApp = group->add_subcommand(
      "export", "Print the whole registry as a self-contained inventory (re-appliable)");
  exportApp->add_option("-o,--out", *out, "Write it to this file instead of standard output");
  commands.push_back({exportApp, withClient(global, [out](Client& c, const GlobalOptions&) {
                        return runExport(c, *out);
                      })});

  auto file = std::make_shared<std::string>();
  auto prune = std::make_shared<bool>(false);
  auto dryRun = std::make_shared<bool>(false);
  auto* applyApp = group->add_subcommand(
      "apply",
      "Make the registry hold what FILE declares, in one transaction; files it names are\n"
      "read here, relative to FILE, and sent along (boot images as digests only)");
  applyApp->add_option("file", *file, "The inventory YAML")->required();
  applyApp->add_flag("--prune", *prune, "Also remove everything FILE does not declare");
  applyApp->add_flag("--dry-run", *dryRun, "Print the plan and change nothing");
  applyApp->footer("Example: sztp admin inventory apply site.yaml --prune --dry-run");
  commands.push_back(
      {applyApp, withClient(global, [file, prune, dryRun](Client& c, const GlobalOptions& g) {
         auto bytes = readFile(*file);
         if (!bytes) {
           return reportError(bytes.error(), kExitUsage);
         }
         const auto dir = fs::path(*file).parent_path().string();
         return applyInventory(c, g, toString(*bytes), dir.empty() ? "." : dir, *prune, *dryRun);
       })});

  auto* importGroup = admin.add_subcommand("import", "Bulk imports (docs/inventory.md)");
  importGroup->require_subcommand(1);
  auto o = std::make_shared<ImportOptions>();
  auto* devices = importGroup->add_subcommand(
      "devices",
      "Add or update many devices at once, all or nothing: a CSV file, a JSON array of\n"
      "devices, or a folder of .vcj vouchers (serial numbers taken from the vouchers)");
  devices->add_option("source", o->source, "A .csv or .json file, or a folder of .vcj files")
      ->required();
  devices
      ->add_option("--expected-count", o->expectedCount,
                   "Refuse the import (nothing applied) unless it holds exactly N records")
      ->check(CLI::Range(0L, 100'000'000L));
  devices->add_option("--device-type", o->deviceType, "Type of new devices that name none");
  devices->add_option("--owner", o->owner, "Owner of new devices that name none");
  devices->add_option("--onboarding-profile", o->onboardingProfile,
                      "Answer new devices that name no profile with this onboarding profile");
  devices->add_option("--redirect-profile", o->redirectProfile,
                      "... or with this redirect profile");
  devices->add_flag("--skip-invalid", o->skipInvalid,
                    "Apply the valid records even if some are invalid");
  devices->add_flag("--dry-run", o->dryRun, "Report what would change and change nothing");
  devices->footer(
      "Example: sztp admin import devices vouchers/ --device-type dpu --owner acme\n"
      "           --onboarding-profile prod --expected-count 1000");
  commands.push_back({devices, withClient(global, [o](Client& c, const GlobalOptions& g) {
                        return runImport(c, g, *o);
                      })});
}

}  // namespace sztp::cli::admin
