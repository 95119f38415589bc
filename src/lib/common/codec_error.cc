#include "common/codec_error.h"

#include <array>

namespace sztp {
namespace {

constexpr std::array kReasons{
    ReasonInfo{static_cast<int>(CodecErrc::MalformedJson), "malformed-json",
               "the JSON text is not well-formed; check the artifact was not truncated or "
               "altered in transit"},
    ReasonInfo{static_cast<int>(CodecErrc::MalformedXml), "malformed-xml",
               "the XML text is not well-formed or uses a DTD/entity, which is refused"},
    ReasonInfo{static_cast<int>(CodecErrc::InputTooLarge), "input-too-large",
               "the input is larger than the configured limit; check the artifact, or raise "
               "the limit if it is genuine"},
    ReasonInfo{static_cast<int>(CodecErrc::InputTooDeep), "input-too-deep",
               "the input nests deeper than any valid SZTP document"},
    ReasonInfo{static_cast<int>(CodecErrc::UnknownNode), "unknown-node",
               "the document contains a node its YANG module does not define; check the "
               "spelling and module prefix or namespace"},
    ReasonInfo{static_cast<int>(CodecErrc::MissingNode), "missing-node",
               "a mandatory node is missing from the document"},
    ReasonInfo{static_cast<int>(CodecErrc::DuplicateNode), "duplicate-node",
               "a node or list key appears more than once"},
    ReasonInfo{static_cast<int>(CodecErrc::InvalidValue), "invalid-value",
               "a node has a value its YANG type does not allow"},
    ReasonInfo{static_cast<int>(CodecErrc::ConstraintViolation), "constraint-violation",
               "the document violates a YANG must/when/choice/min-elements rule"},
    ReasonInfo{static_cast<int>(CodecErrc::UnexpectedDocument), "unexpected-document",
               "the document is a different artifact than the one expected here"},
};

}  // namespace

const ReasonCategory& codecCategory() noexcept {
  // Function-local so initialisation order across libraries cannot matter.
  static const ReasonCategory category("sztp.codec", kReasons);
  return category;
}

}  // namespace sztp
