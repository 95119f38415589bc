#include "common/display_text.h"

#include <gtest/gtest.h>

#include "common/codec_error.h"
#include "common/error.h"

namespace sztp {
namespace {

TEST(DisplayText, KeepsPrintableAsciiAndValidUtf8) {
  EXPECT_EQ(displayText("CN=Owner, O=Exämple €"), "CN=Owner, O=Exämple €");
  EXPECT_EQ(displayText("\xf0\x9f\x98\x80"), "\xf0\x9f\x98\x80");  // U+1F600
}

TEST(DisplayText, EscapesControlsAndInvalidUtf8) {
  EXPECT_EQ(displayText("a\nb\tc\x1b[31m"), "a\\x0ab\\x09c\\x1b[31m");
  EXPECT_EQ(displayText(std::string("x\0y", 3)), "x\\x00y");
  EXPECT_EQ(displayText("\xef:"), "\\xef:");                           // truncated sequence
  EXPECT_EQ(displayText("\xc0\xaf"), "\\xc0\\xaf");                    // overlong '/'
  EXPECT_EQ(displayText("\xed\xa0\x80"), "\\xed\\xa0\\x80");           // surrogate
  EXPECT_EQ(displayText("\xf4\x90\x80\x80"), "\\xf4\\x90\\x80\\x80");  // > U+10FFFF
  EXPECT_EQ(displayText("\x7f"), "\\x7f");
}

TEST(DisplayText, ErrorDetailsAreAlwaysSafe) {
  Error e(CodecErrc::UnknownNode, "member \"ietf-sztp-conveyed-inf\xef:x\"\nFORGED LOG LINE");
  EXPECT_EQ(e.detail().find('\n'), std::string::npos);
  EXPECT_NE(e.detail().find("\\xef"), std::string::npos);
  e.addContext("line\rbreak");
  EXPECT_EQ(e.detail().find('\r'), std::string::npos);
}

}  // namespace
}  // namespace sztp
