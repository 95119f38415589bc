#pragma once

#include <span>
#include <string>
#include <string_view>
#include <system_error>

namespace sztp {

/// One entry of a layer's reason table. `code` is the stable reason code that
/// appears in logs, API errors, progress reports and `ztp status`; it never
/// changes once released. `message` is one sentence telling an operator what
/// is wrong and what to fix.
struct ReasonInfo {
  int value;
  std::string_view code;
  std::string_view message;
};

/// An error category whose values each carry a stable reason code.
/// Every layer (codec, crypto, trust, dhcp, ...) has exactly one, declared
/// next to its enum; catalog/reason_catalog.h lists them all.
class ReasonCategory : public std::error_category {
 public:
  ReasonCategory(const char* name, std::span<const ReasonInfo> table) noexcept
      : name_(name), table_(table) {}

  const char* name() const noexcept override { return name_; }
  std::string message(int value) const override;

  /// The stable reason code for `value`, or "unknown" for a value outside the table.
  std::string_view reasonCode(int value) const noexcept;
  std::span<const ReasonInfo> reasons() const noexcept { return table_; }

 private:
  const char* name_;
  std::span<const ReasonInfo> table_;
};

/// An error as it travels up the layers: a typed code plus a detail that
/// names the specific thing that was wrong (a YANG node path, a certificate
/// subject, an OpenSSL verify string).
class Error {
 public:
  /// The detail is passed through displayText(): it often quotes untrusted input.
  Error(std::error_code code, std::string_view detail = {});

  const std::error_code& code() const noexcept { return code_; }
  const std::string& detail() const noexcept { return detail_; }

  /// Stable reason code, e.g. "voucher-expired".
  std::string_view reason() const noexcept;

  /// The operator sentence of the code, followed by the detail when there is one.
  std::string message() const;

  /// "reason: message", the form used in logs and CLI output.
  std::string describe() const;

  /// Prefixes the detail with where the error happened, e.g. a node path or
  /// the artifact being processed.
  Error& addContext(std::string_view context);

  bool operator==(std::error_code other) const noexcept { return code_ == other; }

 private:
  std::error_code code_;
  std::string detail_;
};

}  // namespace sztp
