#pragma once

#include <type_traits>
#include <utility>
#include <variant>

#include "common/error.h"

namespace sztp {

/// The project's one error model: a value or an Error (docs/architecture.md,
/// "Errors"). Functions that can fail on input return Result; they never throw
/// and never assert on what the input contains.
template <class T>
class [[nodiscard]] Result {
 public:
  using value_type = T;

  Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}      // NOLINT implicit
  Result(Error error) : state_(std::in_place_index<1>, std::move(error)) {}  // NOLINT implicit
  template <class E>
  requires std::is_error_code_enum_v<E> Result(E code)
      : state_(std::in_place_index<1>, Error(make_error_code(code))) {}  // NOLINT

  bool ok() const noexcept { return state_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }

  T& value() & { return std::get<0>(state_); }
  const T& value() const& { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }

  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const& { return std::get<1>(state_); }
  Error&& error() && { return std::get<1>(std::move(state_)); }

 private:
  std::variant<T, Error> state_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT implicit
  template <class E>
  requires std::is_error_code_enum_v<E> Result(E code)
      : error_(make_error_code(code)), ok_(false) {}  // NOLINT implicit

  bool ok() const noexcept { return ok_; }
  explicit operator bool() const noexcept { return ok_; }
  const Error& error() const& { return error_; }
  Error&& error() && { return std::move(error_); }

 private:
  Error error_{std::error_code()};
  bool ok_ = true;
};

using Status = Result<void>;

}  // namespace sztp
