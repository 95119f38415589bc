#include "conformance/conformance_fixture.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>

namespace sztp::model {

void PrintTo(Encoding encoding, std::ostream* out) {
  *out << encodingName(encoding);
}

void PrintTo(ProgressType type, std::ostream* out) {
  *out << progressTypeName(type);
}

}  // namespace sztp::model

namespace sztp::conformance {
namespace {

struct LoadedValidator {
  std::unique_ptr<YangValidator> validator;
  std::string error;
};

const LoadedValidator& loadedValidator() {
  static const LoadedValidator loaded = [] {
    LoadedValidator result;
    result.validator = YangValidator::load(yangDir(), result.error);
    if (!result.validator) {
      result.error = "the IETF YANG modules in " + yangDir() + " do not load: " + result.error;
    }
    return result;
  }();
  return loaded;
}

std::string truncated(std::string_view text) {
  constexpr std::size_t kMax = 4000;
  if (text.size() <= kMax) {
    return std::string(text);
  }
  return std::string(text.substr(0, kMax)) + "... (" + std::to_string(text.size()) + " octets)";
}

std::string report(const Validation& validation, std::string_view payload) {
  return "libyang verdict: " + std::string(verdictName(validation.verdict)) + "\n" +
         validation.message + "\npayload:\n" + truncated(payload);
}

}  // namespace

std::string yangDir() {
  // The environment may point elsewhere, e.g. at a missing folder to check
  // that the suite skips.
  if (const char* dir = std::getenv("SZTP_YANG_DIR"); dir != nullptr && *dir != '\0') {
    return dir;
  }
  return SZTP_YANG_DIR;
}

TimePoint fixedNow() {
  return std::chrono::sys_days(std::chrono::year(2026) / 3 / 1);
}

const pki::DemoPki& demoPki() {
  static const pki::DemoPki pki = [] {
    pki::DemoPkiOptions options;
    options.serialNumbers = {"SN-1", "SN-2"};
    auto created = pki::createDemoPki(options, fixedNow());
    if (!created) {
      // A PKI that cannot be built is a harness defect, not a conformance
      // verdict; stop loudly rather than validate meaningless payloads.
      std::fprintf(stderr, "demo PKI: %s\n", created.error().describe().c_str());
      std::abort();
    }
    return std::move(created).value();
  }();
  return pki;
}

bool modulesPresent() {
  return std::filesystem::is_directory(yangDir());
}

std::string modulesAbsentMessage() {
  return "IETF YANG modules folder " + yangDir() +
         " is absent: payloads are not checked against the official modules";
}

const YangValidator* sharedValidator() {
  return loadedValidator().validator.get();
}

const std::string& loadError() {
  return loadedValidator().error;
}

::testing::AssertionResult accepts(const YangValidator& validator, PayloadKind kind,
                                   model::Encoding encoding, const std::string& payload) {
  Validation validation = validator.validate(kind, encoding, payload);
  if (validation.ok()) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure()
         << payloadKindName(kind) << " (" << model::encodingName(encoding) << ") should be valid\n"
         << report(validation, payload);
}

::testing::AssertionResult rejects(const YangValidator& validator, PayloadKind kind,
                                   model::Encoding encoding, const std::string& payload,
                                   std::string_view expectedFragment) {
  Validation validation = validator.validate(kind, encoding, payload);
  if (validation.verdict == Verdict::Invalid &&
      validation.message.find(expectedFragment) != std::string::npos) {
    return ::testing::AssertionSuccess() << "rejected: " << validation.message;
  }
  return ::testing::AssertionFailure()
         << payloadKindName(kind) << " (" << model::encodingName(encoding)
         << ") should be rejected with an error mentioning \"" << expectedFragment << "\"\n"
         << report(validation, payload);
}

std::string encodingTestName(model::Encoding encoding) {
  return encoding == model::Encoding::Json ? "Json" : "Xml";
}

}  // namespace sztp::conformance
