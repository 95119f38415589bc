// parseInventory: the declarative YAML inventory (docs/inventory.md) into
// registry values.
#include <algorithm>
#include <cctype>
#include <set>

#include "common/base64.h"
#include "common/hex.h"
#include "crypto/certificate.h"
#include "crypto/password_hash.h"
#include "inventory/inventory_file.h"
#include "inventory/voucher_check.h"
#include "inventory/yaml_reader.h"
#include "registry/enum_names.h"
#include "registry/validation.h"

namespace sztp::inventory {
namespace {

using registry::InventoryObject;
namespace names = registry::names;

/// "scheme:..." with an RFC 3986 scheme of two characters or more (so that a
/// drive letter is not one).
bool isUri(std::string_view text) {
  const auto colon = text.find(':');
  if (colon == std::string_view::npos || colon < 2 ||
      !std::isalpha(static_cast<unsigned char>(text[0]))) {
    return false;
  }
  return std::all_of(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(colon), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.';
  });
}

class Parser {
 public:
  Parser(const InventoryFiles& files, const ParseOptions& options)
      : files_(files), options_(options) {}

  Result<Inventory> run(std::string_view yaml);

 private:
  template <class Read>
  void section(MapReader& root, std::string_view key, Read read);

  void deviceType(const YamlNode& node, const std::string& path);
  void owner(const YamlNode& node, const std::string& path);
  void image(const YamlNode& node, const std::string& path);
  void script(const YamlNode& node, const std::string& path);
  void configuration(const YamlNode& node, const std::string& path);
  void onboardingProfile(const YamlNode& node, const std::string& path);
  void redirectProfile(const YamlNode& node, const std::string& path);
  void device(const YamlNode& node, const std::string& path);
  std::optional<registry::Response> response(const YamlNode& node, const std::string& path);
  registry::LdevidPolicy ldevidPolicy(const YamlNode& node, const std::string& path);
  std::string keyReference(MapReader& map, std::string_view key);

  std::vector<Bytes> certificates(MapReader& map, std::string_view key, bool required);
  std::optional<Bytes> content(MapReader& map);
  std::optional<Bytes> readFile(const std::string& file, const std::string& where);
  template <class E, std::size_t N>
  E enumeration(MapReader& map, std::string_view key, const std::array<std::string_view, N>& table,
                E fallback);
  void reference(MapReader& map, std::string_view key, std::string& out);
  void addObject(InventoryObject object, const MapReader& map);

  const InventoryFiles& files_;
  const ParseOptions& options_;
  ErrorSink sink_;
  Inventory inventory_;
  std::set<std::pair<registry::ObjectKind, std::string>> names_;
  std::set<std::string> serials_;
};

Result<Inventory> Parser::run(std::string_view yaml) {
  auto tree = loadYaml(yaml, options_.limits);
  if (!tree) {
    return std::move(tree).error();
  }
  MapReader root(*tree, "",
                 {"version", "device-types", "owners", "images", "scripts", "configurations",
                  "onboarding-profiles", "redirect-profiles", "devices"},
                 sink_);
  if (!sink_.ok()) {
    return sink_.error();
  }
  const YamlNode* version = root.require("version");
  if (version != nullptr && !(version->kind == YamlNode::Kind::Scalar && version->value == "1")) {
    root.fail("version",
              "version " + (version->kind == YamlNode::Kind::Scalar ? version->value : "?") +
                  " is not supported; this sztp reads version 1",
              InventoryErrc::UnsupportedVersion);
  }
  // Kind order, so that `objects` comes out in kind order.
  section(root, "device-types", [&](auto& n, auto& p) { deviceType(n, p); });
  section(root, "owners", [&](auto& n, auto& p) { owner(n, p); });
  section(root, "images", [&](auto& n, auto& p) { image(n, p); });
  section(root, "scripts", [&](auto& n, auto& p) { script(n, p); });
  section(root, "configurations", [&](auto& n, auto& p) { configuration(n, p); });
  section(root, "onboarding-profiles", [&](auto& n, auto& p) { onboardingProfile(n, p); });
  section(root, "redirect-profiles", [&](auto& n, auto& p) { redirectProfile(n, p); });
  section(root, "devices", [&](auto& n, auto& p) { device(n, p); });
  if (!sink_.ok()) {
    return sink_.error();
  }
  return std::move(inventory_);
}

template <class Read>
void Parser::section(MapReader& root, std::string_view key, Read read) {
  const YamlNode* list = root.get(key);
  if (list == nullptr || !sink_.ok()) {
    return;
  }
  if (list->kind != YamlNode::Kind::Sequence) {
    root.fail(key, "must be a list (each entry starting with '- ')");
    return;
  }
  for (std::size_t i = 0; i < list->items.size() && sink_.ok(); ++i) {
    const std::string path = indexPath(std::string(key), i);
    read(list->items[i], path);
  }
}

template <class E, std::size_t N>
E Parser::enumeration(MapReader& map, std::string_view key,
                      const std::array<std::string_view, N>& table, E fallback) {
  const std::string text = map.string(key);
  if (text.empty()) {
    return fallback;
  }
  const int index = names::indexOf(table, text);
  if (index < 0) {
    std::string list;
    for (auto name : table) {
      list += (list.empty() ? "" : ", ") + std::string(name);
    }
    map.fail(key, "'" + text + "' is not one of: " + list);
    return fallback;
  }
  return static_cast<E>(index);
}

// A name of another object; its location is kept for planApply's messages.
void Parser::reference(MapReader& map, std::string_view key, std::string& out) {
  out = map.string(key);
  if (!out.empty()) {
    inventory_.locations[map.pathOf(key)] = map.where(key);
  }
}

std::optional<Bytes> Parser::readFile(const std::string& file, const std::string& where) {
  if (!files_.read) {
    sink_.fail(where, "files cannot be read here; give the content inline",
               InventoryErrc::FileUnreadable);
    return std::nullopt;
  }
  auto bytes = files_.read(file);
  if (!bytes) {
    sink_.fail(where, "'" + file + "': " + bytes.error().describe(), InventoryErrc::FileUnreadable);
    return std::nullopt;
  }
  if (bytes->size() > options_.maxFileBytes) {
    sink_.fail(where,
               "'" + file + "' is larger than " + std::to_string(options_.maxFileBytes) + " octets",
               InventoryErrc::LimitExceeded);
    return std::nullopt;
  }
  return std::move(*bytes);
}

// Certificates: a value or a list; each value is a file (PEM with one or more
// certificates, or one DER certificate) or inline PEM text.
std::vector<Bytes> Parser::certificates(MapReader& map, std::string_view key, bool required) {
  std::vector<Bytes> out;
  const YamlNode* value = required ? map.require(key) : map.get(key);
  if (value == nullptr) {
    return out;
  }
  std::vector<const YamlNode*> items;
  if (value->kind == YamlNode::Kind::Sequence) {
    for (const auto& item : value->items) {
      items.push_back(&item);
    }
  } else {
    items.push_back(value);
  }
  for (std::size_t i = 0; i < items.size() && sink_.ok(); ++i) {
    const std::string where = value->kind == YamlNode::Kind::Sequence
                                  ? location(indexPath(map.pathOf(key), i), items[i]->line)
                                  : map.where(key);
    auto text = scalarText(*items[i], where, sink_);
    if (!text) {
      return out;
    }
    Result<std::vector<crypto::Certificate>> parsed = std::vector<crypto::Certificate>{};
    if (text->find("-----BEGIN") != std::string::npos) {
      parsed = crypto::Certificate::listFromPem(*text);
    } else {
      auto bytes = readFile(*text, where);
      if (!bytes) {
        return out;
      }
      parsed = crypto::Certificate::listFromAny(*bytes);
    }
    if (!parsed) {
      sink_.fail(where, parsed.error(), InventoryErrc::Invalid);
      return out;
    }
    for (const auto& certificate : *parsed) {
      out.push_back(certificate.toDer());
    }
  }
  return out;
}

// Script or configuration content: exactly one of file, text, base64.
std::optional<Bytes> Parser::content(MapReader& map) {
  const int given =
      (map.get("file") != nullptr) + (map.get("text") != nullptr) + (map.get("base64") != nullptr);
  if (given != 1) {
    map.fail("", "give exactly one of file, text or base64");
    return std::nullopt;
  }
  if (map.get("text") != nullptr) {
    return toBytes(map.string("text"));
  }
  if (map.get("base64") != nullptr) {
    auto decoded = base64Decode(map.string("base64"), true);
    if (!decoded) {
      map.fail("base64", "not valid base64");
      return std::nullopt;
    }
    return std::move(*decoded);
  }
  const std::string file = map.string("file");
  return readFile(file, map.where("file"));
}

void Parser::addObject(InventoryObject object, const MapReader& map) {
  const auto kind = registry::kindOf(object);
  const std::string& name = registry::nameOf(object);
  if (!names_.emplace(kind, name).second) {
    sink_.fail(map.where("name"),
               std::string(registry::objectKindName(kind)) + " '" + name + "' is declared twice");
    return;
  }
  if (auto valid = registry::validateObject(object); !valid) {
    sink_.fail(location(map.path(), map.line()), valid.error().detail());
    return;
  }
  inventory_.objects.push_back(std::move(object));
}

void Parser::deviceType(const YamlNode& node, const std::string& path) {
  MapReader map(
      node, path,
      {"name", "description", "idevid-trust-anchors", "serial-rule", "allow-activation-code",
       "require-client-certificate", "encrypt-artifacts", "ldevid"},
      sink_);
  registry::DeviceType type;
  type.name = map.string("name", true);
  type.description = map.string("description");
  type.idevidTrustAnchors = certificates(map, "idevid-trust-anchors", false);
  if (const YamlNode* rule = map.get("serial-rule")) {
    MapReader sub(*rule, map.pathOf("serial-rule"), {"attribute", "pattern"}, sink_);
    type.serialRule.attribute = enumeration(sub, "attribute", names::kSerialAttributes,
                                            registry::SerialRule::Attribute::SubjectSerialNumber);
    type.serialRule.pattern = sub.string("pattern");
  }
  type.allowActivationCode = map.boolean("allow-activation-code", false);
  type.requireClientCertificate = map.boolean("require-client-certificate", true);
  type.encryptArtifacts = map.boolean("encrypt-artifacts", false);
  if (const YamlNode* ldevid = map.get("ldevid")) {
    type.ldevid = ldevidPolicy(*ldevid, map.pathOf("ldevid"));
  }
  if (sink_.ok()) {
    addObject(std::move(type), map);
  }
}

// RFC 9646 LDevID issuance for a device type (S19–S22); registry validation
// checks the values (CA certificate, algorithms, format) in addObject.
registry::LdevidPolicy Parser::ldevidPolicy(const YamlNode& node, const std::string& path) {
  MapReader map(node, path,
                {"ca-certificate", "ca-key", "validity-days", "key-generation", "allow-idevid-key",
                 "csr-format"},
                sink_);
  registry::LdevidPolicy policy;
  policy.caCertificateChain = certificates(map, "ca-certificate", true);
  policy.caKeyRef = keyReference(map, "ca-key");
  if (auto days = map.unsignedInteger("validity-days", UINT32_MAX)) {
    policy.validityDays = static_cast<std::uint32_t>(*days);
  }
  policy.keyGeneration = map.strings("key-generation");
  policy.allowIdevidKey = map.boolean("allow-idevid-key", true);
  if (map.get("csr-format") != nullptr) {
    policy.csrFormat = map.string("csr-format");
  }
  return policy;
}

// A private key reference: a URI (file:, pkcs11:) is kept as written; a bare
// path is resolved like every other file of the inventory.
std::string Parser::keyReference(MapReader& map, std::string_view key) {
  const std::string ref = map.string(key, true);
  return (isUri(ref) || !files_.resolve || ref.empty()) ? ref : files_.resolve(ref);
}

void Parser::owner(const YamlNode& node, const std::string& path) {
  MapReader map(node, path, {"name", "description", "certificate-chain", "signing-key"}, sink_);
  registry::Owner owner;
  owner.name = map.string("name", true);
  owner.description = map.string("description");
  owner.certificateChain = certificates(map, "certificate-chain", true);
  owner.signingKeyRef = keyReference(map, "signing-key");
  if (sink_.ok()) {
    addObject(std::move(owner), map);
  }
}

void Parser::image(const YamlNode& node, const std::string& path) {
  MapReader map(
      node, path,
      {"name", "os-name", "os-version", "file", "served-as", "download-uris", "sha256", "size"},
      sink_);
  registry::Image image;
  image.name = map.string("name", true);
  image.osName = map.string("os-name");
  image.osVersion = map.string("os-version");
  image.downloadUris = map.strings("download-uris");
  const std::string file = map.string("file");
  const std::string sha256 = map.string("sha256");
  const auto size = map.unsignedInteger("size", UINT64_MAX);
  if (!sha256.empty()) {
    auto decoded = hexDecodeLenient(sha256);
    if (!decoded || decoded->size() != 32) {
      map.fail("sha256", "must be 64 hex digits (a SHA-256)");
    } else {
      image.sha256 = std::move(*decoded);
    }
  }
  image.size = size.value_or(0);
  if (!file.empty() && sink_.ok()) {
    if (!files_.digest) {
      map.fail("file", "files cannot be hashed here; give sha256 instead",
               InventoryErrc::FileUnreadable);
    } else if (auto digest = files_.digest(file); !digest) {
      map.fail("file", "'" + file + "': " + digest.error().describe(),
               InventoryErrc::FileUnreadable);
    } else {
      if (!image.sha256.empty() && image.sha256 != digest->sha256) {
        map.fail("sha256", "does not match the SHA-256 of '" + file + "' (" +
                               hexEncode(digest->sha256) + ")");
      }
      if (size && *size != digest->size) {
        map.fail("size", "does not match the size of '" + file + "' (" +
                             std::to_string(digest->size) + " octets)");
      }
      image.sha256 = digest->sha256;
      image.size = digest->size;
    }
  }
  // Where the file server has it: as given, else the file's own name.
  image.file = map.string("served-as");
  if (image.file.empty() && !file.empty()) {
    const auto slash = file.find_last_of('/');
    image.file = slash == std::string::npos ? file : file.substr(slash + 1);
  }
  if (sink_.ok() && image.sha256.empty()) {
    map.fail("", "give file (hashed on import) or sha256");
  }
  if (sink_.ok()) {
    addObject(std::move(image), map);
  }
}

void Parser::script(const YamlNode& node, const std::string& path) {
  MapReader map(node, path, {"name", "file", "text", "base64"}, sink_);
  registry::Script script;
  script.name = map.string("name", true);
  if (auto bytes = content(map)) {
    script.content = std::move(*bytes);
  }
  if (sink_.ok()) {
    addObject(std::move(script), map);
  }
}

void Parser::configuration(const YamlNode& node, const std::string& path) {
  MapReader map(node, path, {"name", "handling", "file", "text", "base64"}, sink_);
  registry::Configuration configuration;
  configuration.name = map.string("name", true);
  configuration.handling =
      enumeration(map, "handling", names::kHandlings, model::ConfigurationHandling::Merge);
  if (auto bytes = content(map)) {
    configuration.content = std::move(*bytes);
  }
  if (sink_.ok()) {
    addObject(std::move(configuration), map);
  }
}

void Parser::onboardingProfile(const YamlNode& node, const std::string& path) {
  MapReader map(
      node, path,
      {"name", "image", "pre-configuration-script", "configuration", "post-configuration-script"},
      sink_);
  registry::OnboardingProfile profile;
  profile.name = map.string("name", true);
  reference(map, "image", profile.image);
  reference(map, "pre-configuration-script", profile.preConfigurationScript);
  reference(map, "configuration", profile.configuration);
  reference(map, "post-configuration-script", profile.postConfigurationScript);
  if (sink_.ok()) {
    addObject(std::move(profile), map);
  }
}

void Parser::redirectProfile(const YamlNode& node, const std::string& path) {
  MapReader map(node, path, {"name", "bootstrap-servers"}, sink_);
  registry::RedirectProfile profile;
  profile.name = map.string("name", true);
  const YamlNode* servers = map.require("bootstrap-servers");
  if (servers != nullptr && servers->kind != YamlNode::Kind::Sequence) {
    map.fail("bootstrap-servers", "must be a list");
  } else if (servers != nullptr) {
    for (std::size_t i = 0; i < servers->items.size() && sink_.ok(); ++i) {
      MapReader server(servers->items[i], indexPath(map.pathOf("bootstrap-servers"), i),
                       {"address", "port", "trust-anchor-chain"}, sink_);
      registry::RedirectTarget target;
      target.address = server.string("address", true);
      if (auto port = server.unsignedInteger("port", 65535)) {
        target.port = static_cast<std::uint16_t>(*port);
      }
      target.trustAnchorChain = certificates(server, "trust-anchor-chain", false);
      profile.bootstrapServers.push_back(std::move(target));
    }
  }
  if (sink_.ok()) {
    addObject(std::move(profile), map);
  }
}

std::optional<registry::Response> Parser::response(const YamlNode& node, const std::string& path) {
  MapReader map(node, path, {"name", "conditions", "kind", "profile", "sign", "reporting-level"},
                sink_);
  registry::Response response;
  response.kind =
      enumeration(map, "kind", names::kResponseKinds, registry::Response::Kind::Onboarding);
  reference(map, "profile", response.profile);
  if (map.get("profile") == nullptr) {
    map.require("profile");
  }
  // A response is named after its profile unless it says otherwise.
  response.name = map.get("name") != nullptr ? map.string("name") : response.profile;
  response.sign = map.boolean("sign", true);
  if (map.get("reporting-level") != nullptr) {
    response.reportingLevel = enumeration(map, "reporting-level", names::kReportingLevels,
                                          model::ReportingLevel::Minimal);
  }
  if (const YamlNode* conditions = map.get("conditions")) {
    if (conditions->kind != YamlNode::Kind::Sequence) {
      map.fail("conditions", "must be a list");
    } else {
      for (std::size_t i = 0; i < conditions->items.size() && sink_.ok(); ++i) {
        MapReader c(conditions->items[i], indexPath(map.pathOf("conditions"), i),
                    {"field", "match", "value"}, sink_);
        registry::Condition condition;
        if (c.get("field") == nullptr) {
          c.require("field");
        }
        condition.field =
            enumeration(c, "field", names::kConditionFields, registry::Condition::Field::HwModel);
        condition.match =
            enumeration(c, "match", names::kConditionMatches, registry::Condition::Match::Exact);
        condition.value = c.string("value", true);
        response.conditions.push_back(std::move(condition));
      }
    }
  }
  if (!sink_.ok()) {
    return std::nullopt;
  }
  return response;
}

void Parser::device(const YamlNode& node, const std::string& path) {
  MapReader map(node, path,
                {"serial-number", "device-type", "owner", "ownership-voucher", "activation-code",
                 "activation-code-hash", "enabled", "responses"},
                sink_);
  InventoryDevice entry;
  registry::Device& device = entry.device;
  device.serialNumber = map.string("serial-number", true);
  if (map.get("device-type") == nullptr) {
    map.require("device-type");
  }
  reference(map, "device-type", device.deviceType);
  reference(map, "owner", device.owner);
  device.enabled = map.boolean("enabled", true);
  if (map.get("activation-code") != nullptr && map.get("activation-code-hash") != nullptr) {
    map.fail("activation-code-hash", "give activation-code or activation-code-hash, not both");
  }
  entry.activationCode = map.string("activation-code");
  device.activationCodeHash = map.string("activation-code-hash");
  if (!device.activationCodeHash.empty() && !crypto::isSecretHash(device.activationCodeHash)) {
    map.fail("activation-code-hash",
             "not a hash of the form pbkdf2-sha256$<iterations>$<salt>$<hash>");
  }
  if (const YamlNode* voucher = map.get("ownership-voucher")) {
    std::optional<Bytes> bytes;
    if (voucher->kind == YamlNode::Kind::Map) {
      MapReader sub(*voucher, map.pathOf("ownership-voucher"), {"file", "base64"}, sink_);
      if (sub.get("base64") != nullptr && sub.get("file") == nullptr) {
        auto decoded = base64Decode(sub.string("base64"), true);
        if (decoded) {
          bytes = std::move(*decoded);
        } else {
          sub.fail("base64", "not valid base64");
        }
      } else if (sub.get("file") != nullptr && sub.get("base64") == nullptr) {
        bytes = readFile(sub.string("file"), sub.where("file"));
      } else {
        sub.fail("", "give exactly one of file or base64");
      }
    } else if (auto file = scalarText(*voucher, map.where("ownership-voucher"), sink_)) {
      bytes = readFile(*file, map.where("ownership-voucher"));
    }
    if (bytes && sink_.ok()) {
      // Catch the commonest mix-up (a voucher filed under the wrong device)
      // here rather than at the device, which would refuse it (D24).
      auto decoded = decodeVoucher(*bytes, options_.vouchers);
      if (!decoded) {
        sink_.fail(map.where("ownership-voucher"), decoded.error().detail(),
                   InventoryErrc::VoucherInvalid);
      } else if (decoded->serialNumber != device.serialNumber) {
        sink_.fail(map.where("ownership-voucher"),
                   "the voucher is for serial number '" + decoded->serialNumber + "', not '" +
                       device.serialNumber + "'",
                   InventoryErrc::VoucherInvalid);
      }
      device.ownershipVoucher = std::move(*bytes);
    }
  }
  if (const YamlNode* responses = map.get("responses")) {
    if (responses->kind != YamlNode::Kind::Sequence) {
      map.fail("responses", "must be a list");
    } else {
      for (std::size_t i = 0; i < responses->items.size() && sink_.ok(); ++i) {
        if (auto r = response(responses->items[i], indexPath(map.pathOf("responses"), i))) {
          device.responses.push_back(std::move(*r));
        }
      }
    }
  }
  if (!sink_.ok()) {
    return;
  }
  if (!serials_.insert(device.serialNumber).second) {
    map.fail("serial-number", "device '" + device.serialNumber + "' is declared twice");
    return;
  }
  if (auto valid = registry::validateDevice(device); !valid) {
    sink_.fail(location(path, node.line), valid.error().detail());
    return;
  }
  inventory_.devices.push_back(std::move(entry));
}

}  // namespace

Result<Inventory> parseInventory(std::string_view yaml, const InventoryFiles& files,
                                 const ParseOptions& options) {
  return Parser(files, options).run(yaml);
}

}  // namespace sztp::inventory
