// sztp admin device-type|owner|image|script|configuration|profile list|show|put|remove
#include <filesystem>
#include <iostream>

#include "cmd_admin.h"
#include "files.h"

namespace sztp::cli::admin {
namespace {

using nlohmann::json;

struct Kind {
  const char* command;  ///< "device-type"
  const char* section;  ///< collection and inventory section: "device-types"
  const char* what;     ///< for help texts
};

constexpr Kind kKinds[] = {
    {"device-type", "device-types",
     "Device types: IDevID trust anchors, serial-number rule, activation codes, encryption"},
    {"owner", "owners", "Owners: owner certificate chain and signing-key reference"},
    {"image", "images", "Boot images: OS name and version, file, download URIs, SHA-256"},
    {"script", "scripts", "Pre- and post-configuration scripts"},
    {"configuration", "configurations", "Configurations (merge or replace)"},
};

std::string count(const json& value, const char* key) {
  return std::to_string(value.contains(key) && value[key].is_array() ? value[key].size() : 0);
}

std::string decodedSize(const json& value) {
  const std::string b64 = value.value("content", "");
  std::size_t pad = 0;
  while (pad < b64.size() && b64[b64.size() - 1 - pad] == '=') {
    ++pad;
  }
  return std::to_string(b64.size() / 4 * 3 - pad) + " octets";
}

/// A header and one row per object, with the columns that tell them apart.
std::vector<std::vector<std::string>> table(const std::string& section, const json& items) {
  std::vector<std::vector<std::string>> rows;
  if (section == "device-types") {
    rows.push_back({"NAME", "ANCHORS", "SERIAL-FROM", "ACTIVATION-CODE", "CLIENT-CERT", "ENCRYPT"});
    for (const auto& o : items) {
      const json rule = o.value("serial-rule", json::object());
      std::string from = rule.value("attribute", "subject-serial-number");
      if (!rule.value("pattern", "").empty()) {
        from += " ~ " + rule.value("pattern", "");
      }
      rows.push_back({o.value("name", ""), count(o, "idevid-trust-anchors"), from,
                      o.value("allow-activation-code", false) ? "allowed" : "no",
                      o.value("require-client-certificate", true) ? "required" : "optional",
                      o.value("encrypt-artifacts", false) ? "yes" : "no"});
    }
  } else if (section == "owners") {
    rows.push_back({"NAME", "CERTIFICATES", "SIGNING-KEY"});
    for (const auto& o : items) {
      rows.push_back(
          {o.value("name", ""), count(o, "certificate-chain"), o.value("signing-key-ref", "")});
    }
  } else if (section == "images") {
    rows.push_back({"NAME", "OS", "VERSION", "FILE", "URIS", "SHA256"});
    for (const auto& o : items) {
      rows.push_back({o.value("name", ""), o.value("os-name", ""), o.value("os-version", ""),
                      o.value("file", ""), count(o, "download-uris"),
                      o.value("sha256", "").substr(0, 16) + "..."});
    }
  } else if (section == "scripts") {
    rows.push_back({"NAME", "SIZE"});
    for (const auto& o : items) {
      rows.push_back({o.value("name", ""), decodedSize(o)});
    }
  } else if (section == "configurations") {
    rows.push_back({"NAME", "HANDLING", "SIZE"});
    for (const auto& o : items) {
      rows.push_back({o.value("name", ""), o.value("handling", ""), decodedSize(o)});
    }
  } else {
    rows.push_back({"NAME", "KIND", "CONTENT"});
    for (const auto& o : items) {
      if (o.contains("bootstrap-servers")) {
        std::string servers;
        for (const auto& s : o["bootstrap-servers"]) {
          servers += servers.empty() ? "" : ", ";
          servers += s.value("address", "");
          if (s.contains("port")) {
            servers += ":" + std::to_string(s["port"].get<int>());
          }
        }
        rows.push_back({o.value("name", ""), "redirect", servers});
      } else {
        std::string parts;
        for (const char* key :
             {"image", "pre-configuration-script", "configuration", "post-configuration-script"}) {
          if (!o.value(key, "").empty()) {
            parts += parts.empty() ? "" : ", ";
            parts += std::string(key) + " " + o.value(key, "");
          }
        }
        rows.push_back({o.value("name", ""), "onboarding", parts.empty() ? "(empty)" : parts});
      }
    }
  }
  return rows;
}

/// The sections a command covers: one, or both profile kinds.
std::vector<std::string> sectionsOf(const std::string& section) {
  if (section == "profiles") {
    return {"onboarding-profiles", "redirect-profiles"};
  }
  return {section};
}

int runList(Client& client, const GlobalOptions& global, const std::string& section) {
  json items = json::array();
  for (const auto& s : sectionsOf(section)) {
    auto list = client.call("GET", "/api/v1/" + s);
    if (!list.ok()) {
      return reportFailure(list.failure);
    }
    for (auto& item : (*list)["items"]) {
      items.push_back(std::move(item));
    }
  }
  if (global.json) {
    printJson({{"items", items}});
    return kExitOk;
  }
  std::cout << formatTable(table(section, items));
  return kExitOk;
}

/// The collection holding `name` (for profiles: whichever kind has it).
Outcome<std::string> locate(Client& client, const std::string& section, const std::string& name,
                            json* object) {
  Outcome<std::string> outcome;
  for (const auto& s : sectionsOf(section)) {
    auto reply = client.call("GET", itemPath(s, name));
    if (reply.ok()) {
      if (object != nullptr) {
        *object = std::move(*reply);
      }
      outcome.value = s;
      return outcome;
    }
    outcome.failure = reply.failure;
    if (reply.failure.reason != "not-found") {
      return outcome;
    }
  }
  return outcome;
}

int runShow(Client& client, const std::string& section, const std::string& name) {
  json object;
  auto found = locate(client, section, name, &object);
  if (!found.ok()) {
    return reportFailure(found.failure);
  }
  printJson(object);
  return kExitOk;
}

int runRemove(Client& client, const std::string& section, const std::string& command,
              const std::string& name) {
  auto found = locate(client, section, name, nullptr);
  if (!found.ok()) {
    return reportFailure(found.failure);
  }
  auto removed = client.call("DELETE", itemPath(*found, name));
  if (!removed.ok()) {
    return reportFailure(removed.failure);
  }
  std::cout << "removed " << command << " " << name << "\n";
  return kExitOk;
}

/// JSON (the API form) is PUT as it is; YAML (the inventory form, files
/// relative to it) is applied as a one-object inventory.
int runPut(Client& client, const GlobalOptions& global, const std::string& section,
           const std::string& command, const std::string& file, const std::string& profileKind) {
  auto bytes = readFile(file);
  if (!bytes) {
    return reportError(bytes.error(), kExitUsage);
  }
  const std::string text = toString(*bytes);
  const auto first = text.find_first_not_of(" \t\r\n");
  std::string target = section;
  if (first != std::string::npos && text[first] == '{') {
    json object = json::parse(text, nullptr, false);
    if (object.is_discarded() || !object.is_object()) {
      return usageError(file + ": not valid JSON");
    }
    if (!object.contains("name") || !object["name"].is_string()) {
      return usageError(file + ": the object has no \"name\"");
    }
    if (section == "profiles") {
      target = !profileKind.empty()                   ? profileKind + "-profiles"
               : object.contains("bootstrap-servers") ? "redirect-profiles"
                                                      : "onboarding-profiles";
    }
    const std::string name = object["name"];
    auto put = client.call("PUT", itemPath(target, name), object.dump());
    if (!put.ok()) {
      return reportFailure(put.failure);
    }
    if (global.json) {
      printJson(*put);
    } else {
      std::cout << "stored " << command << " " << name << "\n";
    }
    return kExitOk;
  }
  if (text.find("\nversion:") != std::string::npos || text.rfind("version:", 0) == 0) {
    return usageError(file + " is a whole inventory: use `sztp admin inventory apply`");
  }
  if (section == "profiles") {
    target = !profileKind.empty()                                  ? profileKind + "-profiles"
             : text.find("bootstrap-servers") != std::string::npos ? "redirect-profiles"
                                                                   : "onboarding-profiles";
  }
  // The object becomes the one entry of its section; the two lines added in
  // front are taken off line numbers in error messages.
  std::string yaml = "version: 1\n" + target + ":\n";
  bool firstLine = true;
  std::size_t start = 0;
  while (start < text.size()) {
    const auto end = text.find('\n', start);
    const std::string line = text.substr(start, end == std::string::npos ? end : end - start);
    start = end == std::string::npos ? text.size() : end + 1;
    if (firstLine && line == "---") {
      yaml += "\n";
      continue;
    }
    yaml += (firstLine ? "  - " : "    ") + line + "\n";
    firstLine = false;
  }
  const auto dir = std::filesystem::path(file).parent_path().string();
  return applyInventory(client, global, yaml, dir.empty() ? "." : dir, false, false, 2);
}

void addKind(CLI::App& admin, Commands& commands, const Shared& global, const std::string& command,
             const std::string& section, const std::string& what) {
  auto* group = admin.add_subcommand(command, what);
  group->require_subcommand(1);

  auto* list = group->add_subcommand("list", "List them");
  commands.push_back({list, withClient(global, [section](Client& c, const GlobalOptions& g) {
                        return runList(c, g, section);
                      })});

  auto showName = std::make_shared<std::string>();
  auto* show = group->add_subcommand("show", "Print one as JSON");
  show->add_option("name", *showName, "Its name")->required();
  commands.push_back(
      {show, withClient(global, [section, showName](Client& c, const GlobalOptions&) {
         return runShow(c, section, *showName);
       })});

  auto file = std::make_shared<std::string>();
  auto kind = std::make_shared<std::string>();
  auto* put = group->add_subcommand(
      "put",
      "Create or replace one from FILE: its JSON form (docs/admin-api.md), or its YAML\n"
      "inventory form (docs/inventory.md; files it names are read relative to FILE)");
  put->add_option("file", *file, "The object, JSON or YAML")->required();
  if (section == "profiles") {
    put->add_option("--kind", *kind,
                    "onboarding or redirect (default: redirect if it has bootstrap-servers)")
        ->check(CLI::IsMember({"onboarding", "redirect"}));
  }
  put->footer("Example: sztp admin " + command + " put " + command + ".yaml");
  commands.push_back(
      {put, withClient(global, [section, command, file, kind](Client& c, const GlobalOptions& g) {
         return runPut(c, g, section, command, *file, *kind);
       })});

  auto removeName = std::make_shared<std::string>();
  auto* remove = group->add_subcommand(
      "remove", "Remove one (refused with in-use while a device or profile names it)");
  remove->add_option("name", *removeName, "Its name")->required();
  commands.push_back(
      {remove, withClient(global, [section, command, removeName](Client& c, const GlobalOptions&) {
         return runRemove(c, section, command, *removeName);
       })});
}

}  // namespace

void addObjectCommands(CLI::App& admin, Commands& commands, const Shared& global) {
  for (const auto& kind : kKinds) {
    addKind(admin, commands, global, kind.command, kind.section, kind.what);
  }
  addKind(admin, commands, global, "profile", "profiles",
          "Onboarding profiles (image, scripts, configuration) and redirect profiles\n"
          "(bootstrap servers): the conveyed information devices are answered with");
}

}  // namespace sztp::cli::admin
