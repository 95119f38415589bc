#pragma once

#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "conformance/yang_validator.h"
#include "model/bootstrap_rpc.h"
#include "model/encoding.h"
#include "pki/demo_pki.h"

namespace sztp::model {

/// GoogleTest printers, so that parameterized cases read "Json" or
/// "bootstrap-complete" instead of raw bytes in test names and messages
/// (found by argument-dependent lookup, hence this namespace; test-only).
void PrintTo(Encoding encoding, std::ostream* out);
void PrintTo(ProgressType type, std::ostream* out);

}  // namespace sztp::model

namespace sztp::conformance {

/// The IETF modules folder: $SZTP_YANG_DIR when set, else the path resolved
/// at configure time, ${PROJECT_SOURCE_DIR}/../shared/yang
/// (tests/conformance/CMakeLists.txt).
std::string yangDir();

/// A fixed "now" for certificates and voucher dates, so payloads are stable.
TimePoint fixedNow();

/// The demo PKI (docs/pki.md), created once per process; real certificates
/// for pinned-domain-cert, trust anchors and signed artifacts.
const pki::DemoPki& demoPki();

/// True when the modules folder exists; tests skip, naming it, otherwise.
bool modulesPresent();
std::string modulesAbsentMessage();

/// The validator shared by every test of this process, loaded on first use:
/// the modules are compiled once and each validation forks from it. nullptr
/// when the modules fail to load; loadError() then says why.
const YangValidator* sharedValidator();
const std::string& loadError();

/// libyang accepted `payload` as `kind`; otherwise the verdict, libyang's
/// errors and the payload, for the failure message.
::testing::AssertionResult accepts(const YangValidator& validator, PayloadKind kind,
                                   model::Encoding encoding, const std::string& payload);

/// libyang refused `payload` (verdict Invalid) with an error mentioning
/// `expectedFragment`, so a negative control proves the intended rule fired
/// and not some accident of the mutation.
::testing::AssertionResult rejects(const YangValidator& validator, PayloadKind kind,
                                   model::Encoding encoding, const std::string& payload,
                                   std::string_view expectedFragment);

/// "Json" / "Xml", for parameterized test names.
std::string encodingTestName(model::Encoding encoding);

struct EncodingParamName {
  std::string operator()(const ::testing::TestParamInfo<model::Encoding>& param) const {
    return encodingTestName(param.param);
  }
};

/// Base fixture for tests parameterized by `Param` (at least the encoding).
template <class Param>
class ConformanceTest : public ::testing::TestWithParam<Param> {
 protected:
  /// Skips when the folder is absent; fails (and skips the body) when the
  /// folder is present but the modules do not load.
  void SetUp() override {
    if (!modulesPresent()) {
      GTEST_SKIP() << modulesAbsentMessage();
    }
    validator_ = sharedValidator();
    ASSERT_NE(validator_, nullptr) << loadError();
  }

  const YangValidator& validator() const { return *validator_; }

  ::testing::AssertionResult accepts(PayloadKind kind, model::Encoding encoding,
                                     const std::string& payload) const {
    return conformance::accepts(*validator_, kind, encoding, payload);
  }
  ::testing::AssertionResult rejects(PayloadKind kind, model::Encoding encoding,
                                     const std::string& payload,
                                     std::string_view expectedFragment) const {
    return conformance::rejects(*validator_, kind, encoding, payload, expectedFragment);
  }

 private:
  const YangValidator* validator_ = nullptr;
};

/// The fixture most suites use: parameterized by the encoding alone.
using EncodingTest = ConformanceTest<model::Encoding>;

}  // namespace sztp::conformance

/// Instantiates `suite` (an EncodingTest subclass) for JSON and XML.
#define SZTP_INSTANTIATE_FOR_ENCODINGS(suite)                                         \
  INSTANTIATE_TEST_SUITE_P(                                                           \
      Encodings, suite,                                                               \
      ::testing::Values(::sztp::model::Encoding::Json, ::sztp::model::Encoding::Xml), \
      ::sztp::conformance::EncodingParamName())
