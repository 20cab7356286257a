// Text checks applied before anything is sent: UTF-8, header safety and name limits.
#include "common/text.h"

#include <string>

#include "test_support.h"

namespace durabletask {
namespace {

using internal::CheckName;
using internal::CheckOptionalText;
using internal::CheckPayload;
using internal::IsHeaderSafe;
using internal::IsValidUtf8;
using ::testing::HasSubstr;
using unit::HasCode;
using unit::IsOk;

TEST(Utf8, AsciiAndEmptyTextAreValid) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("plain ascii {\"json\": 1}"));
  EXPECT_TRUE(IsValidUtf8(std::string("nul\0inside", 10)));
}

TEST(Utf8, WellFormedMultiByteSequencesAreValid) {
  EXPECT_TRUE(IsValidUtf8("\xC3\xA9"));          // U+00E9
  EXPECT_TRUE(IsValidUtf8("\xC2\x80"));          // U+0080, smallest two-byte
  EXPECT_TRUE(IsValidUtf8("\xE2\x82\xAC"));      // U+20AC
  EXPECT_TRUE(IsValidUtf8("\xE0\xA0\x80"));      // U+0800, smallest three-byte
  EXPECT_TRUE(IsValidUtf8("\xEF\xBF\xBF"));      // U+FFFF
  EXPECT_TRUE(IsValidUtf8("\xF0\x9F\x98\x80"));  // U+1F600
  EXPECT_TRUE(IsValidUtf8("\xF0\x90\x80\x80"));  // U+10000, smallest four-byte
  EXPECT_TRUE(IsValidUtf8("\xF4\x8F\xBF\xBF"));  // U+10FFFF, the last code point
  EXPECT_TRUE(IsValidUtf8("\xED\x9F\xBF"));      // U+D7FF, just below the surrogates
  EXPECT_TRUE(IsValidUtf8("\xEE\x80\x80"));      // U+E000, just above them
}

// Long ASCII runs are checked eight bytes at a time: a bad or multi-byte sequence must
// be found at every position within and after such a run.
TEST(Utf8, SequencesAreFoundAtEveryPositionOfLongAsciiText) {
  for (size_t position = 0; position <= 40; ++position) {
    std::string text(40, 'a');
    std::string good = text;
    good.insert(position, "\xE2\x82\xAC");
    EXPECT_TRUE(IsValidUtf8(good)) << "euro sign at " << position;
    std::string stray = text;
    stray.insert(position, "\x80");
    EXPECT_FALSE(IsValidUtf8(stray)) << "stray continuation byte at " << position;
    std::string truncated = text.substr(0, position) + "\xE2\x82";
    EXPECT_FALSE(IsValidUtf8(truncated)) << "truncated sequence at " << position;
  }
}

TEST(Utf8, StrayContinuationBytesAreInvalid) {
  EXPECT_FALSE(IsValidUtf8("\x80"));
  EXPECT_FALSE(IsValidUtf8("a\xBF"));
}

TEST(Utf8, TruncatedSequencesAreInvalid) {
  EXPECT_FALSE(IsValidUtf8("\xC3"));
  EXPECT_FALSE(IsValidUtf8("\xE2\x82"));
  EXPECT_FALSE(IsValidUtf8("\xF0\x9F\x98"));
  EXPECT_FALSE(IsValidUtf8("\xC3\x41"));  // lead followed by ASCII
}

TEST(Utf8, OverlongEncodingsAreInvalid) {
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));
  EXPECT_FALSE(IsValidUtf8("\xC1\xBF"));
  EXPECT_FALSE(IsValidUtf8("\xE0\x80\xAF"));
  EXPECT_FALSE(IsValidUtf8("\xE0\x9F\xBF"));
  EXPECT_FALSE(IsValidUtf8("\xF0\x80\x80\xAF"));
  EXPECT_FALSE(IsValidUtf8("\xF0\x8F\xBF\xBF"));
}

TEST(Utf8, SurrogatesAreInvalid) {
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));  // U+D800
  EXPECT_FALSE(IsValidUtf8("\xED\xBF\xBF"));  // U+DFFF
}

TEST(Utf8, CodePointsBeyondU10FFFFAreInvalid) {
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));
  EXPECT_FALSE(IsValidUtf8("\xF5\x80\x80\x80"));
  EXPECT_FALSE(IsValidUtf8("\xF7\xBF\xBF\xBF"));
}

TEST(Utf8, BytesThatNeverStartASequenceAreInvalid) {
  EXPECT_FALSE(IsValidUtf8("\xF8\x88\x80\x80\x80"));
  EXPECT_FALSE(IsValidUtf8("\xFE"));
  EXPECT_FALSE(IsValidUtf8("\xFF"));
}

TEST(HeaderSafe, OnlyPrintableAsciiIsAllowed) {
  EXPECT_TRUE(IsHeaderSafe(""));
  EXPECT_TRUE(IsHeaderSafe("Bearer eyJhbGciOi.J9-_~+/="));
  EXPECT_FALSE(IsHeaderSafe("tab\there"));
  EXPECT_FALSE(IsHeaderSafe("line\nbreak"));
  EXPECT_FALSE(IsHeaderSafe("del\x7F"));
  EXPECT_FALSE(IsHeaderSafe("\xC3\xA9"));
}

TEST(CheckName, EmptyNameIsRejectedNamingTheField) {
  Status status = CheckName("event name", "");
  EXPECT_THAT(status, HasCode(StatusCode::kInvalidArgument));
  EXPECT_THAT(status.message(), HasSubstr("event name"));
  EXPECT_THAT(status.message(), HasSubstr("empty"));
}

TEST(CheckName, NamesUpTo1024BytesAreAcceptedAndLongerOnesAreNot) {
  EXPECT_THAT(CheckName("instance id", std::string(1024, 'x')), IsOk());
  Status status = CheckName("instance id", std::string(1025, 'x'));
  EXPECT_THAT(status, HasCode(StatusCode::kInvalidArgument));
  EXPECT_THAT(status.message(), HasSubstr("instance id"));
  EXPECT_THAT(status.message(), HasSubstr("1025"));
  EXPECT_THAT(status.message(), HasSubstr("1024"));
}

TEST(CheckName, InvalidUtf8IsRejectedNamingTheField) {
  Status status = CheckName("orchestration name", "bad\xC0\xAF");
  EXPECT_THAT(status, HasCode(StatusCode::kInvalidArgument));
  EXPECT_THAT(status.message(), HasSubstr("orchestration name"));
  EXPECT_THAT(status.message(), HasSubstr("UTF-8"));
}

TEST(CheckOptionalText, EmptyIsAllowedButInvalidUtf8IsNot) {
  EXPECT_THAT(CheckOptionalText("reason", ""), IsOk());
  EXPECT_THAT(CheckOptionalText("reason", "\xFF"), HasCode(StatusCode::kInvalidArgument));
}

TEST(CheckPayload, AbsentPayloadIsAlwaysAccepted) {
  EXPECT_THAT(CheckPayload("input", std::nullopt, 0), IsOk());
}

TEST(CheckPayload, PayloadAtTheLimitIsAcceptedAndOneByteMoreIsNot) {
  EXPECT_THAT(CheckPayload("input", std::string(100, 'a'), 100), IsOk());
  Status status = CheckPayload("input", std::string(101, 'a'), 100);
  EXPECT_THAT(status, HasCode(StatusCode::kInvalidArgument));
  EXPECT_THAT(status.message(), HasSubstr("input"));
  EXPECT_THAT(status.message(), HasSubstr("101"));
  EXPECT_THAT(status.message(), HasSubstr("limit of 100"));
  EXPECT_THAT(status.message(), HasSubstr("max_send_message_size"));
}

TEST(CheckPayload, InvalidUtf8PayloadIsRejectedWithoutEchoingIt) {
  Status status = CheckPayload("event payload", std::string("{\"card\":\"4111\xFF\"}"), 1000);
  EXPECT_THAT(status, HasCode(StatusCode::kInvalidArgument));
  EXPECT_THAT(status.message(), HasSubstr("event payload"));
  EXPECT_THAT(status.message(), ::testing::Not(HasSubstr("4111")));
}

TEST(TextHelpers, AsciiLowerAndTrim) {
  EXPECT_EQ(internal::AsciiLower("TaskHub-\xC3\x89"), "taskhub-\xC3\x89");
  EXPECT_EQ(internal::Trim("  a b \t\n"), "a b");
  EXPECT_EQ(internal::Trim("   "), "");
}

}  // namespace
}  // namespace durabletask
