#include "common/error.h"

#include "common/display_text.h"

namespace sztp {

std::string ReasonCategory::message(int value) const {
  for (const auto& info : table_) {
    if (info.value == value) {
      return std::string(info.message);
    }
  }
  return "unknown error " + std::to_string(value) + " in category " + name_;
}

std::string_view ReasonCategory::reasonCode(int value) const noexcept {
  for (const auto& info : table_) {
    if (info.value == value) {
      return info.code;
    }
  }
  return "unknown";
}

Error::Error(std::error_code code, std::string_view detail)
    : code_(code), detail_(displayText(detail)) {}

std::string_view Error::reason() const noexcept {
  if (const auto* category = dynamic_cast<const ReasonCategory*>(&code_.category())) {
    return category->reasonCode(code_.value());
  }
  return "system-error";
}

std::string Error::message() const {
  std::string text = code_.message();
  if (!detail_.empty()) {
    text += " (";
    text += detail_;
    text += ")";
  }
  return text;
}

std::string Error::describe() const {
  std::string text(reason());
  text += ": ";
  text += message();
  return text;
}

Error& Error::addContext(std::string_view context) {
  if (detail_.empty()) {
    detail_ = displayText(context);
  } else {
    detail_ = displayText(context) + ": " + detail_;
  }
  return *this;
}

}  // namespace sztp
