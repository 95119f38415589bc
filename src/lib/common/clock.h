#pragma once

#include <chrono>

namespace sztp {

using TimePoint = std::chrono::sys_seconds;

/// The only source of "now" in the libraries; binaries pass SystemClock,
/// tests pass FixedClock. Certificate validity, voucher expiry and signing
/// times all come from here (D24, D34).
class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint now() const = 0;
};

class SystemClock final : public Clock {
 public:
  TimePoint now() const override {
    return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  }
};

class FixedClock final : public Clock {
 public:
  explicit FixedClock(TimePoint at) : at_(at) {}
  TimePoint now() const override { return at_; }
  void set(TimePoint at) { at_ = at; }
  void advance(std::chrono::seconds by) { at_ += by; }

 private:
  TimePoint at_;
};

}  // namespace sztp
