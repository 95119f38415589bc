#pragma once

#include <string>
#include <string_view>

#include "common/codec_error.h"
#include "model/instance_reader.h"
#include "model/leaf_values.h"

// Internal: small helpers shared by the model readers.

namespace sztp::model {

/// MissingNode for a mandatory child of `parent`.
inline Error missingNode(const Node& parent, std::string_view name, std::string_view why) {
  return nodeError(CodecErrc::MissingNode, parent.path() + "/" + std::string(name), why);
}

/// ASCII lower case, for comparing list keys whose canonical form is
/// case-insensitive (domain names, IPv6 hex digits).
inline std::string asciiLower(std::string_view text) {
  std::string out(text);
  for (auto& c : out) {
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
  }
  return out;
}

/// True for an empty or whitespace-only body (an RPC without input, RFC 8040 §3.6.1).
inline bool isBlank(std::string_view text) {
  for (char c : text) {
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
      return false;
    }
  }
  return true;
}

}  // namespace sztp::model

// Propagates the error of a Result/Status expression, or binds its value.
#define SZTP_MODEL_TRY_ASSIGN(var, expr) \
  auto var = (expr);                     \
  if (!var) {                            \
    return std::move(var).error();       \
  }

#define SZTP_MODEL_TRY(expr)               \
  do {                                     \
    if (auto status_ = (expr); !status_) { \
      return std::move(status_).error();   \
    }                                      \
  } while (false)
