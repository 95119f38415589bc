#include "agentio/ssh_host_key.h"

#include <vector>

#include "common/base64.h"
#include "common/codec_error.h"

namespace sztp::agentio {
namespace {

std::vector<std::string_view> fieldsOf(std::string_view line) {
  std::vector<std::string_view> fields;
  while (!line.empty() && fields.size() < 3) {
    const std::size_t start = line.find_first_not_of(" \t\r");
    if (start == std::string_view::npos) {
      break;
    }
    line.remove_prefix(start);
    const std::size_t end = line.find_first_of(" \t\r");
    fields.push_back(line.substr(0, end));
    line.remove_prefix(end == std::string_view::npos ? line.size() : end);
  }
  return fields;
}

bool validAlgorithm(std::string_view name) {
  if (name.empty() || name.size() > 64) {
    return false;
  }
  for (const char c : name) {
    if (c <= 0x20 || c >= 0x7f) {
      return false;
    }
  }
  return true;
}

}  // namespace

Result<model::SshHostKey> parseSshPublicKey(std::string_view text) {
  if (text.size() > kMaxSshPublicKeyBytes) {
    return Error(CodecErrc::InputTooLarge, "ssh public key larger than 16 KiB");
  }
  // The first line that is not blank or a comment.
  std::string_view line;
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    line = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    const std::size_t first = line.find_first_not_of(" \t\r");
    if (first != std::string_view::npos && line[first] != '#') {
      break;
    }
    line = {};
  }
  const auto fields = fieldsOf(line);
  if (fields.size() < 2 || !validAlgorithm(fields[0])) {
    return Error(CodecErrc::InvalidValue, "not an OpenSSH public key line");
  }
  auto blob = base64Decode(fields[1]);
  if (!blob) {
    return Error(CodecErrc::InvalidValue, "ssh public key blob is not base64");
  }
  // RFC 4253 §6.6: string (uint32 length + bytes) naming the key format.
  const Bytes& b = *blob;
  if (b.size() < 4) {
    return Error(CodecErrc::InvalidValue, "ssh public key blob too short");
  }
  const std::size_t nameLength = (std::size_t{b[0]} << 24) | (std::size_t{b[1]} << 16) |
                                 (std::size_t{b[2]} << 8) | std::size_t{b[3]};
  if (nameLength > b.size() - 4 ||
      std::string_view(reinterpret_cast<const char*>(b.data()) + 4, nameLength) != fields[0]) {
    return Error(CodecErrc::InvalidValue,
                 "ssh public key blob is not for " + std::string(fields[0]));
  }
  return model::SshHostKey{std::string(fields[0]), std::move(*blob)};
}

}  // namespace sztp::agentio
