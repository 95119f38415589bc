#pragma once

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "common/codec_error.h"
#include "common/result.h"
#include "model/encoding.h"

namespace sztp::model::testing {

/// Success when `result` failed with `code` and its detail starts with the
/// node path `path` (followed by ": "), as every model error does.
template <class T>
::testing::AssertionResult failsAt(const Result<T>& result, CodecErrc code, std::string_view path) {
  if (result.ok()) {
    return ::testing::AssertionFailure() << "parse succeeded; expected " << path;
  }
  const auto& detail = result.error().detail();
  if (result.error().code() != make_error_code(code)) {
    return ::testing::AssertionFailure()
           << "wrong code " << result.error().reason() << ": " << detail;
  }
  if (detail.rfind(std::string(path) + ":", 0) != 0) {
    return ::testing::AssertionFailure()
           << "detail '" << detail << "' does not start with '" << path << ":'";
  }
  return ::testing::AssertionSuccess();
}

/// Success when `result` failed with `code` and its detail contains `text`.
template <class T>
::testing::AssertionResult failsWith(const Result<T>& result, CodecErrc code,
                                     std::string_view text) {
  if (result.ok()) {
    return ::testing::AssertionFailure() << "parse succeeded; expected " << text;
  }
  const auto& detail = result.error().detail();
  if (result.error().code() != make_error_code(code)) {
    return ::testing::AssertionFailure()
           << "wrong code " << result.error().reason() << ": " << detail;
  }
  if (detail.find(text) == std::string::npos) {
    return ::testing::AssertionFailure() << "detail '" << detail << "' lacks '" << text << "'";
  }
  return ::testing::AssertionSuccess();
}

inline const char* name(Encoding encoding) {
  return encoding == Encoding::Json ? "json" : "xml";
}

/// Encodes, parses back, compares, and checks the encoding is stable.
template <class T, class Encode, class Parse>
void expectRoundTrip(const T& value, Encoding encoding, Encode encode, Parse parse) {
  const std::string text = encode(value, encoding);
  auto parsed = parse(text, encoding, ParseLimits{});
  ASSERT_TRUE(parsed.ok()) << name(encoding) << ": " << parsed.error().detail() << "\n" << text;
  EXPECT_TRUE(*parsed == value) << name(encoding) << " round trip differs:\n" << text;
  EXPECT_EQ(encode(*parsed, encoding), text) << name(encoding) << " encoding is not stable";
}

inline constexpr Encoding kEncodings[] = {Encoding::Json, Encoding::Xml};

}  // namespace sztp::model::testing
