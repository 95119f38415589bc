// The documents stay in step with the code: docs/openapi.yaml describes every
// route the service serves (and no other), its references resolve; docs/cli.md
// mentions every option of every `sztp admin` command.
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <functional>
#include <regex>
#include <set>

#include "admin_fixture.h"
#include "testutil/command.h"

namespace sztp::admin::testing {
namespace {

const std::filesystem::path kDocs = std::filesystem::path(SZTP_SOURCE_DIR) / "docs";

YAML::Node loadOpenApi() {
  try {
    return YAML::LoadFile((kDocs / "openapi.yaml").string());
  } catch (const YAML::Exception& e) {
    ADD_FAILURE() << "docs/openapi.yaml: " << e.what();
    return {};
  }
}

std::string lower(std::string text) {
  return http::lowercase(text);
}

TEST(OpenApi, DescribesExactlyTheRoutesTheServiceServes) {
  AdminWorld world;
  ASSERT_TRUE(world.build());
  const YAML::Node doc = loadOpenApi();
  ASSERT_TRUE(doc["paths"].IsMap());
  EXPECT_EQ(doc["openapi"].as<std::string>().substr(0, 4), "3.0.");

  std::set<std::pair<std::string, std::string>> served;
  for (const auto& route : world.service_->routes()) {
    served.emplace(route.pattern, lower(route.method));
  }
  ASSERT_GT(served.size(), 40u);
  for (const auto& [pattern, method] : served) {
    const YAML::Node path = doc["paths"][pattern];
    ASSERT_TRUE(path.IsMap()) << pattern << " is not in docs/openapi.yaml";
    EXPECT_TRUE(path[method].IsMap()) << method << " " << pattern << " is not in docs/openapi.yaml";
  }
  static const std::set<std::string> kMethods = {"get", "put", "post", "delete", "patch", "head"};
  for (const auto& path : doc["paths"]) {
    for (const auto& member : path.second) {
      const std::string key = member.first.as<std::string>();
      if (kMethods.count(key) != 0) {
        EXPECT_TRUE(served.count({path.first.as<std::string>(), key}))
            << key << " " << path.first.as<std::string>() << " is documented but not served";
      }
    }
  }
}

TEST(OpenApi, EveryReferenceResolvesAndEveryOperationIsComplete) {
  const YAML::Node doc = loadOpenApi();
  std::set<std::string> operationIds;
  std::size_t refs = 0;
  std::function<void(const YAML::Node&, const std::string&)> walk = [&](const YAML::Node& node,
                                                                        const std::string& where) {
    if (node.IsMap()) {
      for (const auto& member : node) {
        const std::string key = member.first.as<std::string>();
        if (key == "$ref") {
          ++refs;
          const std::string ref = member.second.as<std::string>();
          ASSERT_EQ(ref.rfind("#/", 0), 0u) << where << ": " << ref;
          YAML::Node target = YAML::Clone(doc);
          std::string rest = ref.substr(2);
          while (!rest.empty()) {
            const auto slash = rest.find('/');
            const std::string part = rest.substr(0, slash);
            target = target[part];
            ASSERT_TRUE(target.IsDefined()) << where << ": " << ref << " does not resolve";
            rest = slash == std::string::npos ? "" : rest.substr(slash + 1);
          }
        } else if (key == "operationId") {
          EXPECT_TRUE(operationIds.insert(member.second.as<std::string>()).second)
              << "duplicate operationId " << member.second.as<std::string>();
        }
        walk(member.second, where + "/" + key);
      }
    } else if (node.IsSequence()) {
      for (std::size_t i = 0; i < node.size(); ++i) {
        walk(node[i], where + "[" + std::to_string(i) + "]");
      }
    }
  };
  walk(doc, "");
  EXPECT_GT(refs, 100u);
  for (const auto& path : doc["paths"]) {
    for (const auto& member : path.second) {
      if (member.first.as<std::string>() == "parameters") {
        continue;
      }
      EXPECT_TRUE(member.second["responses"].IsMap())
          << member.first.as<std::string>() << " " << path.first.as<std::string>();
      EXPECT_TRUE(member.second["operationId"].IsDefined())
          << member.first.as<std::string>() << " " << path.first.as<std::string>();
    }
  }
}

TEST(OpenApi, DeviceSchemaKeysAreTheCodecs) {
  // The codec's output keys for a full device are exactly the schema's
  // properties (plus nothing): they cannot drift apart silently.
  const YAML::Node doc = loadOpenApi();
  registry::Device device;
  device.serialNumber = "S";
  device.deviceType = "t";
  device.ownershipVoucher = Bytes{1};
  device.activationCodeHash = "x";
  device.responses.push_back(registry::Response{
      "r",
      {{registry::Condition::Field::HwModel, registry::Condition::Match::Exact, "m"}},
      registry::Response::Kind::Onboarding,
      "p",
      true,
      model::ReportingLevel::Verbose});
  auto encoded = registry::toJson(device, true);
  auto check = [&](const nlohmann::json& value, const std::string& schema) {
    const YAML::Node properties = doc["components"]["schemas"][schema]["properties"];
    ASSERT_TRUE(properties.IsMap()) << schema;
    std::set<std::string> documented;
    for (const auto& p : properties) {
      documented.insert(p.first.as<std::string>());
    }
    for (const auto& [key, member] : value.items()) {
      (void)member;
      EXPECT_TRUE(documented.erase(key)) << schema << "." << key << " is not documented";
    }
    for (const auto& stale : documented) {
      ADD_FAILURE() << schema << "." << stale << " is documented but not encoded";
    }
  };
  check(encoded, "Device");
  check(encoded["responses"][0], "Response");
  check(encoded["responses"][0]["conditions"][0], "Condition");
  // A device type with every member, its RFC 9646 LDevID policy included.
  nlohmann::json fullType = AdminWorld::deviceType();
  fullType["ldevid"] = {
      {"ca-certificate-chain", {base64Encode(demoPki().ownerCa.certificate.toDer())}},
      {"ca-key-ref", "file:/etc/sztp/ldevid-ca.key"},
      {"key-generation", {"ec-p256"}}};
  {
    auto type = registry::objectFromJson(registry::ObjectKind::DeviceType, fullType);
    ASSERT_TRUE(type.ok()) << type.error().describe();
    check(registry::toJson(*type)["ldevid"], "LdevidPolicy");
  }
  const std::vector<std::pair<nlohmann::json, std::string>> objects = {
      {fullType, "DeviceType"},
      {AdminWorld::owner(), "Owner"},
      {AdminWorld::image(), "Image"},
      {AdminWorld::script(), "Script"},
      {AdminWorld::configuration(), "Configuration"},
      {AdminWorld::onboardingProfile(), "OnboardingProfile"},
      {AdminWorld::redirectProfile(), "RedirectProfile"}};
  for (const auto& [json, schema] : objects) {
    auto kind = registry::objectKindFromName(schema == "DeviceType"          ? "device-type"
                                             : schema == "OnboardingProfile" ? "onboarding-profile"
                                             : schema == "RedirectProfile"   ? "redirect-profile"
                                                                             : lower(schema));
    ASSERT_TRUE(kind.has_value()) << schema;
    auto object = registry::objectFromJson(*kind, json);
    ASSERT_TRUE(object.ok()) << schema << ": " << object.error().describe();
    check(registry::toJson(*object), schema);
  }
}

TEST(CliDocs, EveryAdminOptionIsInCliMd) {
  const std::string doc = testutil::readText(kDocs / "cli.md");
  const std::vector<std::vector<std::string>> commands = {{},
                                                          {"device", "list"},
                                                          {"device", "show"},
                                                          {"device", "add"},
                                                          {"device", "remove"},
                                                          {"device", "enable"},
                                                          {"device", "disable"},
                                                          {"device", "set-activation-code"},
                                                          {"device-type", "put"},
                                                          {"profile", "put"},
                                                          {"profile", "list"},
                                                          {"inventory", "export"},
                                                          {"inventory", "apply"},
                                                          {"import", "devices"},
                                                          {"audit"},
                                                          {"stats"}};
  const std::regex option("--[a-z][a-z0-9-]+");
  for (const auto& command : commands) {
    std::vector<std::string> argv = {testutil::binaryPath("sztp"), "admin"};
    argv.insert(argv.end(), command.begin(), command.end());
    argv.push_back("--help");
    auto help = testutil::runCommand(argv);
    ASSERT_EQ(help.exitCode, 0) << help.output;
    std::string name = "sztp admin";
    for (const auto& word : command) {
      name += " " + word;
    }
    EXPECT_NE(doc.find("`" + name), std::string::npos) << name << " has no section in docs/cli.md";
    for (auto it = std::sregex_iterator(help.output.begin(), help.output.end(), option);
         it != std::sregex_iterator(); ++it) {
      EXPECT_NE(doc.find(it->str()), std::string::npos)
          << it->str() << " of `" << name << "` is not in docs/cli.md";
    }
  }
}

}  // namespace
}  // namespace sztp::admin::testing
