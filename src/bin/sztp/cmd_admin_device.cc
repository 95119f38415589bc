// sztp admin device list|show|add|remove|enable|disable|set-activation-code
#include <iostream>

#include "cmd_admin.h"
#include "common/base64.h"
#include "files.h"
#include "inventory/voucher_check.h"

namespace sztp::cli::admin {
namespace {

using nlohmann::json;

struct ListOptions {
  std::string deviceType;
  std::string owner;
  std::string stage;
  std::string after;
  int limit = 0;
};

int runList(Client& client, const GlobalOptions& global, const ListOptions& o) {
  std::string base;
  addParam(base, "device-type", o.deviceType);
  addParam(base, "owner", o.owner);
  addParam(base, "stage", o.stage);
  json items = json::array();
  std::string after = o.after;
  std::string next;
  // Without --limit every page is fetched, following the keyset cursor.
  for (;;) {
    std::string query = base;
    addParam(query, "limit", std::to_string(o.limit > 0 ? o.limit : 1000));
    addParam(query, "after", after);
    auto page = client.call("GET", "/api/v1/devices" + query);
    if (!page.ok()) {
      return reportFailure(page.failure);
    }
    for (auto& item : (*page)["items"]) {
      items.push_back(std::move(item));
    }
    next = page->value("next", "");
    if (next.empty() || o.limit > 0) {
      break;
    }
    after = next;
  }
  if (global.json) {
    json out = {{"items", items}};
    if (!next.empty()) {
      out["next"] = next;
    }
    printJson(out);
    return kExitOk;
  }
  std::vector<std::vector<std::string>> rows = {
      {"SERIAL", "TYPE", "OWNER", "STAGE", "ENABLED", "LAST-SEEN"}};
  for (const auto& d : items) {
    rows.push_back({d.value("serial-number", ""), d.value("device-type", ""),
                    d.value("owner", "").empty() ? "-" : d.value("owner", ""), d.value("stage", ""),
                    d.value("enabled", true) ? "yes" : "NO",
                    timeText(d.value("last-seen-ms", std::int64_t{0}))});
  }
  std::cout << formatTable(rows) << items.size() << (items.size() == 1 ? " device" : " devices");
  if (!next.empty()) {
    std::cout << "; more after " << next << " (--after " << next << ")";
  }
  std::cout << "\n";
  return kExitOk;
}

int runShow(Client& client, const GlobalOptions& global, const std::string& serial, int events) {
  std::string query;
  if (events > 0) {
    addParam(query, "limit", std::to_string(events));
  }
  const std::string path = itemPath("devices", serial) + "/timeline" + query;
  if (global.json) {
    auto view = client.call("GET", path);
    if (!view.ok()) {
      return reportFailure(view.failure);
    }
    printJson(*view);
    return kExitOk;
  }
  auto text = client.text("GET", path, "text/plain");
  if (!text.ok()) {
    return reportFailure(text.failure);
  }
  std::cout << *text;
  return kExitOk;
}

struct AddOptions {
  std::string from;
  std::string serial;
  std::string deviceType;
  std::string owner;
  std::string voucher;
  std::string onboardingProfile;
  std::string redirectProfile;
  std::string activationCodeFile;
  bool unsignedAnswers = false;
  bool disabled = false;
};

Result<std::string> readCode(const std::string& path) {
  auto bytes = readFile(path, std::size_t{64} * 1024);
  if (!bytes) {
    return std::move(bytes).error();
  }
  std::string code = toString(*bytes);
  while (!code.empty() && (code.back() == '\n' || code.back() == '\r')) {
    code.pop_back();
  }
  return code;
}

int runAdd(Client& client, const GlobalOptions& global, const AddOptions& o) {
  json device;
  if (!o.from.empty()) {
    auto bytes = readFile(o.from);
    if (!bytes) {
      return reportError(bytes.error(), kExitUsage);
    }
    device = json::parse(toString(*bytes), nullptr, false);
    if (device.is_discarded() || !device.is_object()) {
      return usageError(o.from + ": not a JSON object (the device's API form, docs/admin-api.md)");
    }
  } else {
    if (o.deviceType.empty()) {
      return usageError("--device-type is required (or --from FILE)");
    }
    if (!o.onboardingProfile.empty() && !o.redirectProfile.empty()) {
      return usageError("give --onboarding-profile or --redirect-profile, not both");
    }
    std::string serial = o.serial;
    device = {{"device-type", o.deviceType}, {"owner", o.owner}, {"enabled", !o.disabled}};
    if (!o.voucher.empty()) {
      auto bytes = readFile(o.voucher);
      if (!bytes) {
        return reportError(bytes.error(), kExitUsage);
      }
      // The serial number comes from the voucher unless given; both must agree.
      auto voucher = inventory::decodeVoucher(*bytes);
      if (!voucher) {
        return reportError(voucher.error());
      }
      if (serial.empty()) {
        serial = voucher->serialNumber;
      } else if (serial != voucher->serialNumber) {
        return usageError("--voucher " + o.voucher + " is for serial number '" +
                          voucher->serialNumber + "', not '" + serial + "'");
      }
      device["ownership-voucher"] = base64Encode(*bytes);
    }
    if (serial.empty()) {
      return usageError("--serial is required (or --voucher, whose serial number is used)");
    }
    device["serial-number"] = serial;
    json responses = json::array();
    if (!o.onboardingProfile.empty() || !o.redirectProfile.empty()) {
      const bool redirect = !o.redirectProfile.empty();
      responses.push_back({{"name", "default"},
                           {"kind", redirect ? "redirect" : "onboarding"},
                           {"profile", redirect ? o.redirectProfile : o.onboardingProfile},
                           {"sign", !o.unsignedAnswers}});
    }
    device["responses"] = responses;
  }
  std::optional<std::string> code;
  if (!o.activationCodeFile.empty()) {
    auto read = readCode(o.activationCodeFile);
    if (!read) {
      return reportError(read.error(), kExitUsage);
    }
    code = std::move(*read);
  }
  auto created = client.call("POST", "/api/v1/devices", device.dump());
  if (!created.ok()) {
    return reportFailure(created.failure);
  }
  const std::string serial = created->value("serial-number", "");
  if (code) {
    auto set = client.call("PUT", itemPath("devices", serial) + "/activation-code",
                           json{{"activation-code", *code}}.dump());
    if (!set.ok()) {
      std::cerr << "sztp: device " << serial << " was added, but its activation code was not set\n";
      return reportFailure(set.failure);
    }
  }
  if (global.json) {
    printJson(*created);
  } else {
    std::cout << "added device " << serial << " (type " << created->value("device-type", "")
              << ", owner " << created->value("owner", "") << ")\n";
  }
  return kExitOk;
}

int runRemove(Client& client, const std::string& serial) {
  auto removed = client.call("DELETE", itemPath("devices", serial));
  if (!removed.ok()) {
    return reportFailure(removed.failure);
  }
  std::cout << "removed device " << serial << "\n";
  return kExitOk;
}

int runEnable(Client& client, const std::string& serial, bool enable) {
  // GET, change, PUT: the server keeps stage, last-seen time and the
  // activation code of a device put without them.
  auto device = client.call("GET", itemPath("devices", serial));
  if (!device.ok()) {
    return reportFailure(device.failure);
  }
  (*device)["enabled"] = enable;
  auto put = client.call("PUT", itemPath("devices", serial), device->dump());
  if (!put.ok()) {
    return reportFailure(put.failure);
  }
  std::cout << "device " << serial << (enable ? " enabled" : " disabled") << "\n";
  return kExitOk;
}

int runActivationCode(Client& client, const std::string& serial, const std::string& file,
                      bool clear) {
  const std::string path = itemPath("devices", serial) + "/activation-code";
  if (clear) {
    auto cleared = client.call("DELETE", path);
    if (!cleared.ok()) {
      return reportFailure(cleared.failure);
    }
    std::cout << "activation code of device " << serial << " cleared\n";
    return kExitOk;
  }
  auto code = readCode(file);
  if (!code) {
    return reportError(code.error(), kExitUsage);
  }
  if (code->empty()) {
    return usageError("the activation code is empty");
  }
  auto set = client.call("PUT", path, json{{"activation-code", *code}}.dump());
  if (!set.ok()) {
    return reportFailure(set.failure);
  }
  std::cout << "activation code of device " << serial << " set (stored hashed)\n";
  return kExitOk;
}

}  // namespace

void addDeviceCommands(CLI::App& admin, Commands& commands, const Shared& global) {
  auto* device = admin.add_subcommand("device",
                                      "Devices: list, show (the timeline), add, "
                                      "remove, enable, disable, activation codes");
  device->require_subcommand(1);

  auto list = std::make_shared<ListOptions>();
  auto* listApp = device->add_subcommand("list", "List devices (every page unless --limit)");
  listApp->add_option("--device-type", list->deviceType, "Only devices of this type");
  listApp->add_option("--owner", list->owner, "Only devices of this owner");
  listApp->add_option("--stage", list->stage,
                      "Only devices in this stage: registered, contacted, bootstrapping, "
                      "rebooting, failed, completed");
  listApp->add_option("--limit", list->limit, "One page of at most this many devices")
      ->check(CLI::Range(1, 1000));
  listApp->add_option("--after", list->after, "Start after this serial number (a page's next)");
  listApp->footer("Example: sztp admin device list --stage failed --device-type dpu");
  commands.push_back({listApp, withClient(global, [list](Client& c, const GlobalOptions& g) {
                        return runList(c, g, *list);
                      })});

  auto serial = std::make_shared<std::string>();
  auto events = std::make_shared<int>(0);
  auto* showApp = device->add_subcommand(
      "show",
      "Show a device and its timeline: every request, answer (and why it was chosen),\n"
      "refusal (reason code) and progress report, with the SSH host keys and trust anchors\n"
      "it reported at bootstrap-complete");
  showApp->add_option("serial", *serial, "Serial number")->required();
  showApp->add_option("--events", *events, "Show only the newest N events")
      ->check(CLI::Range(1, 1000));
  showApp->footer("Example: sztp admin device show SN-0001 --events 50");
  commands.push_back(
      {showApp, withClient(global, [serial, events](Client& c, const GlobalOptions& g) {
         return runShow(c, g, *serial, *events);
       })});

  auto add = std::make_shared<AddOptions>();
  auto* addApp = device->add_subcommand(
      "add", "Register a device, from options or from its JSON form (--from)");
  addApp->add_option("--from", add->from, "The device as JSON (docs/admin-api.md)");
  addApp->add_option("--serial", add->serial, "Serial number (default: the voucher's)");
  addApp->add_option("--device-type", add->deviceType, "Its device type");
  addApp->add_option("--owner", add->owner, "Its owner (needed for signed answers)");
  addApp->add_option("--voucher", add->voucher, "Its ownership voucher (.vcj)");
  addApp->add_option("--onboarding-profile", add->onboardingProfile,
                     "Answer with this onboarding profile");
  addApp->add_option("--redirect-profile", add->redirectProfile,
                     "Answer with this redirect profile");
  addApp->add_flag("--unsigned", add->unsignedAnswers,
                   "Do not sign the answer (refused to devices asking for signed data)");
  addApp->add_flag("--disabled", add->disabled, "Register it disabled");
  addApp->add_option("--activation-code-file", add->activationCodeFile,
                     "File holding its activation code (\"-\": standard input)");
  addApp->footer(
      "Example: sztp admin device add --voucher SN-0001.vcj --device-type dpu --owner acme\n"
      "           --onboarding-profile prod");
  commands.push_back({addApp, withClient(global, [add](Client& c, const GlobalOptions& g) {
                        return runAdd(c, g, *add);
                      })});

  auto removeSerial = std::make_shared<std::string>();
  auto* removeApp = device->add_subcommand("remove", "Remove a device and its bootstrapping log");
  removeApp->add_option("serial", *removeSerial, "Serial number")->required();
  commands.push_back(
      {removeApp, withClient(global, [removeSerial](Client& c, const GlobalOptions&) {
         return runRemove(c, *removeSerial);
       })});

  for (const bool enable : {true, false}) {
    auto target = std::make_shared<std::string>();
    auto* app = device->add_subcommand(
        enable ? "enable" : "disable",
        enable ? "Let a device bootstrap again"
               : "Refuse a device like an unknown one (it stays registered)");
    app->add_option("serial", *target, "Serial number")->required();
    commands.push_back({app, withClient(global, [target, enable](Client& c, const GlobalOptions&) {
                          return runEnable(c, *target, enable);
                        })});
  }

  auto codeSerial = std::make_shared<std::string>();
  auto codeFile = std::make_shared<std::string>("-");
  auto clear = std::make_shared<bool>(false);
  auto* codeApp = device->add_subcommand(
      "set-activation-code",
      "Set the device's activation code (HTTP Basic), stored only as a hash; read from\n"
      "--code-file or standard input, never from the command line");
  codeApp->add_option("serial", *codeSerial, "Serial number")->required();
  codeApp->add_option("--code-file", *codeFile,
                      "File holding the code; a trailing newline is dropped (default: "
                      "standard input)");
  codeApp->add_flag("--clear", *clear, "Remove the activation code instead");
  codeApp->footer("Example: sztp admin device set-activation-code SN-0001 --code-file code.txt");
  commands.push_back(
      {codeApp, withClient(global, [codeSerial, codeFile, clear](Client& c, const GlobalOptions&) {
         return runActivationCode(c, *codeSerial, *codeFile, *clear);
       })});
}

}  // namespace sztp::cli::admin
