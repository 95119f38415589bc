// RFC 5424 formatting and RFC 6587 framing, against exact expected strings.
#include "logging/rfc5424.h"

#include <gtest/gtest.h>

namespace sztp::logging {
namespace {

using namespace std::chrono;
using namespace std::chrono_literals;

TimePoint at() {
  return sys_days(year(2026) / 6 / 1) + 12h + 34min + 56s;
}

LogRecord record() {
  LogRecord r;
  r.severity = Severity::Notice;
  r.msgId = "SZTP-A0012";
  r.message = "bootstrap-complete: device onboarded";
  r.structuredData = {{"serial", "SZTP-0001"}, {"server", "192.0.2.1:443"}};
  r.time = at();
  r.fraction = 123456us;
  r.hostname = "dpu-1.example.net";
  r.appName = "sztp-agent";
  r.procId = "4242";
  return r;
}

TEST(Rfc5424, FormatsAWholeMessage) {
  EXPECT_EQ(format(record()),
            "<29>1 2026-06-01T12:34:56.123456Z dpu-1.example.net sztp-agent 4242 SZTP-A0012 "
            "[sztp@32473 serial=\"SZTP-0001\" server=\"192.0.2.1:443\"] "
            "bootstrap-complete: device onboarded");
}

TEST(Rfc5424, PriorityIsFacilityTimesEightPlusSeverity) {
  EXPECT_EQ(priority(Facility::Daemon, Severity::Informational), 30);
  EXPECT_EQ(priority(Facility::Kernel, Severity::Emergency), 0);
  EXPECT_EQ(priority(Facility::Local7, Severity::Debug), 191);
  FormatOptions options;
  options.facility = Facility::Local3;
  auto r = record();
  r.severity = Severity::Error;
  EXPECT_EQ(format(r, options).substr(0, 7), "<155>1 ");
}

TEST(Rfc5424, FacilityNamesRoundTrip) {
  EXPECT_EQ(facilityFromName("daemon"), Facility::Daemon);
  EXPECT_EQ(facilityFromName("local7"), Facility::Local7);
  EXPECT_EQ(facilityFromName("Daemon"), std::nullopt);
  EXPECT_EQ(facilityFromName("local8"), std::nullopt);
  for (int f = 0; f <= 23; ++f) {
    EXPECT_EQ(facilityFromName(facilityName(static_cast<Facility>(f))), static_cast<Facility>(f));
  }
}

TEST(Rfc5424, EmptyFieldsAreTheNilValue) {
  LogRecord r;
  r.severity = Severity::Warning;
  EXPECT_EQ(format(r), "<28>1 - - - - - -");
  r.message = "x";
  EXPECT_EQ(format(r), "<28>1 - - - - - - x");
}

TEST(Rfc5424, TimestampsAreUtcWithOptionalMicroseconds) {
  EXPECT_EQ(formatTimestamp(at(), 0us), "2026-06-01T12:34:56Z");
  EXPECT_EQ(formatTimestamp(at(), 7us), "2026-06-01T12:34:56.000007Z");
  EXPECT_EQ(formatTimestamp(sys_days(year(1999) / 12 / 31) + 23h + 59min + 59s, 999999us),
            "1999-12-31T23:59:59.999999Z");
}

TEST(Rfc5424, HeaderFieldsArePrintableAsciiAndCut) {
  auto r = record();
  r.hostname =
      "host name\twith\x7f"
      "bad";
  r.appName = std::string(60, 'a');
  r.msgId = "SZTP A0012 with a very long id that exceeds thirty-two";
  r.procId = "";
  r.structuredData.clear();
  r.message.clear();
  r.fraction = 0us;
  EXPECT_EQ(format(r), "<29>1 2026-06-01T12:34:56Z host_name_with_bad " + std::string(48, 'a') +
                           " - SZTP_A0012_with_a_very_long_id_t -");
}

TEST(Rfc5424, ParamValuesEscapeQuoteBackslashAndBracket) {
  auto r = record();
  r.structuredData = {{"detail", R"(say "hi" \ [x] done)"}};
  r.message.clear();
  EXPECT_EQ(format(r),
            "<29>1 2026-06-01T12:34:56.123456Z dpu-1.example.net sztp-agent 4242 SZTP-A0012 "
            R"([sztp@32473 detail="say \"hi\" \\ [x\] done"])");
}

TEST(Rfc5424, ParamNamesLoseForbiddenCharacters) {
  auto r = record();
  r.structuredData = {{"a b=c]\"d", "1"}, {"", "2"}, {std::string(40, 'n'), "3"}};
  r.message.clear();
  FormatOptions options;
  options.sdId = "origin x";
  const auto text = format(r, options);
  EXPECT_NE(text.find(R"([originx _="2" abcd="1" )" + std::string(32, 'n') + R"(="3"])"),
            std::string::npos)
      << text;
}

TEST(Rfc5424, NonAsciiMessageGetsTheBomAndInvalidUtf8IsReplaced) {
  auto r = record();
  r.structuredData = {{"path", "caf\xc3\xa9 \xff"}};
  r.message = "r\xc3\xa9seau down\n\xc0\xaf";
  EXPECT_EQ(format(r),
            "<29>1 2026-06-01T12:34:56.123456Z dpu-1.example.net sztp-agent 4242 SZTP-A0012 "
            "[sztp@32473 path=\"caf\xc3\xa9 \xef\xbf\xbd\"] "
            "\xef\xbb\xbfr\xc3\xa9seau down \xef\xbf\xbd\xef\xbf\xbd");
}

TEST(Rfc5424, MaxLengthCutsOnlyTheMessageAtACharacterBoundary) {
  auto r = record();
  r.structuredData.clear();
  r.message = "\xc3\xa9\xc3\xa9\xc3\xa9";  // Three two-octet characters.
  const std::string head =
      "<29>1 2026-06-01T12:34:56.123456Z dpu-1.example.net sztp-agent 4242 SZTP-A0012 -";
  FormatOptions options;
  options.maxLength = head.size() + 1 + 3 + 3;  // SP, BOM, one and a half characters.
  EXPECT_EQ(format(r, options), head + " \xef\xbb\xbf\xc3\xa9");
  options.maxLength = head.size() + 2;
  EXPECT_EQ(format(r, options), head);
  options.maxLength = 0;
  EXPECT_EQ(format(r, options), head + " \xef\xbb\xbf\xc3\xa9\xc3\xa9\xc3\xa9");
}

TEST(Rfc6587, OctetCountingPrefixesTheLengthInOctets) {
  EXPECT_EQ(frameOctetCounting("<29>1 - - - - - -"), "17 <29>1 - - - - - -");
  EXPECT_EQ(frameOctetCounting("\xc3\xa9"), "2 \xc3\xa9");
  EXPECT_EQ(frameOctetCounting(""), "0 ");
}

}  // namespace
}  // namespace sztp::logging
