#include "components.h"

#include <fstream>
#include <sstream>

#include "admin/admin_service.h"
#include "common/io_error.h"
#include "crypto/digest.h"
#include "fileserver/file_server.h"
#include "inventory/inventory_file.h"
#include "inventory/plan.h"

namespace sztp::server {
namespace {

namespace fs = std::filesystem;

Result<std::string> readWhole(const fs::path& path, std::size_t limit) {
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  if (ec) {
    return Error(IoErrc::FileUnreadable, path.string() + ": " + ec.message());
  }
  if (size > limit) {
    return Error(IoErrc::FileTooLarge, path.string());
  }
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  if (!in) {
    return Error(IoErrc::FileUnreadable, path.string());
  }
  return text.str();
}

/// Files named by an inventory, relative to the inventory's folder.
inventory::InventoryFiles diskFiles(const fs::path& base) {
  auto resolve = [base](const std::string& path) {
    const fs::path p(path);
    return p.is_absolute() ? p : base / p;
  };
  inventory::InventoryFiles files;
  files.read = [resolve](const std::string& path) -> Result<Bytes> {
    auto text = readWhole(resolve(path), std::size_t{64} << 20);
    if (!text) {
      return std::move(text).error();
    }
    return toBytes(*text);
  };
  files.digest = [resolve](const std::string& path) -> Result<inventory::FileDigest> {
    // Images are large: hash them in chunks rather than reading them whole.
    std::ifstream in(resolve(path), std::ios::binary);
    if (!in) {
      return Error(IoErrc::FileUnreadable, resolve(path).string());
    }
    crypto::Sha256 hash;
    std::vector<char> chunk(1 << 20);
    std::uint64_t size = 0;
    while (in) {
      in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
      const auto got = static_cast<std::size_t>(in.gcount());
      hash.update({reinterpret_cast<const std::uint8_t*>(chunk.data()), got});
      size += got;
    }
    return inventory::FileDigest{hash.finish(), size};
  };
  files.resolve = [resolve](const std::string& path) { return resolve(path).string(); };
  return files;
}

}  // namespace

Result<http::Handler> makeFileHandler(const FileServer& files) {
  fileserver::FileServerSettings settings;
  settings.root = files.root.string();
  auto server = fileserver::FileServer::create(settings);
  if (!server) {
    return std::move(server).error();
  }
  return server->handler();
}

Result<std::vector<crypto::Certificate>> loadCertificateFiles(const std::vector<fs::path>& paths,
                                                              const std::string& context) {
  std::vector<crypto::Certificate> all;
  for (const auto& path : paths) {
    auto text = readWhole(path, 1 << 20);
    if (!text) {
      return std::move(text).error().addContext(context);
    }
    auto certificates = crypto::Certificate::listFromPem(*text);
    if (!certificates) {
      return std::move(certificates).error().addContext(path.string()).addContext(context);
    }
    for (auto& certificate : *certificates) {
      all.push_back(std::move(certificate));
    }
  }
  return all;
}

Result<http::Handler> makeAdminHandler(const AdminListener& admin,
                                       std::vector<crypto::Certificate> voucherAnchors,
                                       registry::Registry& registry, const Clock& clock, Log& log) {
  admin::AdminSettings settings;
  settings.voucherTrustAnchors = std::move(voucherAnchors);
  for (const auto& path : admin.tokenFiles) {
    auto text = readWhole(path, 4096);
    if (!text) {
      return std::move(text).error().addContext("admin.token-files");
    }
    std::string token = *text;
    while (!token.empty() &&
           (token.back() == '\n' || token.back() == '\r' || token.back() == ' ')) {
      token.pop_back();
    }
    if (token.size() < 16) {
      return Error(IoErrc::FileUnreadable,
                   path.string() + ": an admin token must be at least 16 characters");
    }
    settings.auth.tokens.push_back(admin::AdminToken::fromSecret(path.filename().string(), token));
  }
  auto clientCas = loadCertificateFiles(admin.clientCaFiles, "admin.client-ca-files");
  if (!clientCas) {
    return std::move(clientCas).error();
  }
  settings.auth.clientCaAnchors = std::move(*clientCas);
  if (settings.auth.tokens.empty() && settings.auth.clientCaAnchors.empty()) {
    log.warning("SZTP-S0031",
                "admin API has no token-files and no client-ca-files: every admin request "
                "will be refused (fail closed)");
  }
  auto service = std::make_shared<admin::AdminService>(registry, clock, std::move(settings));
  return http::Handler([service](const http::Request& request, const http::Peer& peer) {
    return service->handle(request, peer);
  });
}

Result<std::string> applyInventoryFile(const fs::path& path, bool prune,
                                       const std::vector<crypto::Certificate>& voucherAnchors,
                                       TimePoint now, registry::Registry& registry) {
  auto text = readWhole(path, std::size_t{64} << 20);
  if (!text) {
    return std::move(text).error();
  }
  inventory::ParseOptions parseOptions;
  parseOptions.vouchers.trustAnchors = voucherAnchors;
  if (!voucherAnchors.empty()) {
    parseOptions.vouchers.at = now;
  }
  auto parsed = inventory::parseInventory(*text, diskFiles(path.parent_path()), parseOptions);
  if (!parsed) {
    return std::move(parsed).error();
  }
  inventory::ApplyOptions options;
  options.prune = prune;
  auto plan = inventory::planApply(*parsed, registry, options);
  if (!plan) {
    return std::move(plan).error();
  }
  if (!plan->empty()) {
    auto applied = registry.apply(plan->changes);
    if (!applied) {
      return std::move(applied).error();
    }
  }
  std::string summary = plan->summary();
  for (auto& c : summary) {
    if (c == '\n') {
      c = ';';
    }
  }
  return summary;
}

}  // namespace sztp::server
