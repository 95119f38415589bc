#include "artifact/artifact_error.h"

#include <array>

namespace sztp::artifact {
namespace {

constexpr std::array kReasons{
    ReasonInfo{static_cast<int>(ArtifactErrc::InvalidRequest), "artifact-invalid-request",
               "the requested artifact would violate RFC 8366/8572; change the request"},
    ReasonInfo{static_cast<int>(ArtifactErrc::InvalidDescription), "artifact-invalid-description",
               "the conveyed-information description is malformed; see docs/artifacts.md for "
               "its format"},
    ReasonInfo{static_cast<int>(ArtifactErrc::FileUnreadable), "artifact-file-unreadable",
               "a file named in the description cannot be read; check the path, which is "
               "relative to the description file"},
};

}  // namespace

const ReasonCategory& artifactCategory() noexcept {
  // Function-local so initialisation order across libraries cannot matter.
  static const ReasonCategory category("sztp.artifact", kReasons);
  return category;
}

}  // namespace sztp::artifact
