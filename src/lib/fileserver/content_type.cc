#include "fileserver/content_type.h"

#include <array>
#include <utility>

#include "http/message.h"

namespace sztp::fileserver {
namespace {

// What a bootstrap deployment publishes: images, archives, scripts,
// configuration, signatures and certificates.
constexpr std::array<std::pair<std::string_view, std::string_view>, 27> kTypes{{
    {"bin", "application/octet-stream"},
    {"img", "application/octet-stream"},
    {"iso", "application/octet-stream"},
    {"qcow2", "application/octet-stream"},
    {"raw", "application/octet-stream"},
    {"gz", "application/gzip"},
    {"tgz", "application/gzip"},
    {"tar", "application/x-tar"},
    {"xz", "application/x-xz"},
    {"zst", "application/zstd"},
    {"zip", "application/zip"},
    {"rpm", "application/x-rpm"},
    {"deb", "application/vnd.debian.binary-package"},
    {"json", "application/json"},
    {"xml", "application/xml"},
    {"yaml", "application/yaml"},
    {"yml", "application/yaml"},
    {"txt", "text/plain; charset=utf-8"},
    {"sh", "text/plain; charset=utf-8"},
    {"py", "text/plain; charset=utf-8"},
    {"cfg", "text/plain; charset=utf-8"},
    {"conf", "text/plain; charset=utf-8"},
    {"cms", "application/cms"},
    {"p7s", "application/pkcs7-signature"},
    {"pem", "application/x-pem-file"},
    {"crt", "application/pkix-cert"},
    {"crl", "application/pkix-crl"},
}};

}  // namespace

std::string contentTypeFor(std::string_view fileName,
                           const std::map<std::string, std::string>& overrides) {
  const auto slash = fileName.rfind('/');
  if (slash != std::string_view::npos) {
    fileName.remove_prefix(slash + 1);
  }
  const auto dot = fileName.rfind('.');
  if (dot == std::string_view::npos || dot == 0) {
    return "application/octet-stream";
  }
  const std::string extension = http::lowercase(fileName.substr(dot + 1));
  if (const auto found = overrides.find(extension); found != overrides.end()) {
    return found->second;
  }
  for (const auto& [known, type] : kTypes) {
    if (known == extension) {
      return std::string(type);
    }
  }
  return "application/octet-stream";
}

}  // namespace sztp::fileserver
