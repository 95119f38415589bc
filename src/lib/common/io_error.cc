#include "common/io_error.h"

#include <array>

namespace sztp {
namespace {

constexpr std::array kReasons{
    ReasonInfo{static_cast<int>(IoErrc::FileUnreadable), "file-unreadable",
               "a file cannot be read; check the path and its permissions"},
    ReasonInfo{static_cast<int>(IoErrc::FileUnwritable), "file-unwritable",
               "a file cannot be written; check the directory exists, is writable and has "
               "free space"},
    ReasonInfo{static_cast<int>(IoErrc::FileTooLarge), "file-too-large",
               "a file is larger than anything it should hold; check it is the right file"},
    ReasonInfo{static_cast<int>(IoErrc::FileExists), "file-exists",
               "the output already exists; remove it or pass --force"},
};

}  // namespace

const ReasonCategory& ioCategory() noexcept {
  // Function-local so initialisation order across libraries cannot matter.
  static const ReasonCategory category("sztp.io", kReasons);
  return category;
}

}  // namespace sztp
