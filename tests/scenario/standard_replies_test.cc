#include "harness/scenario/standard_replies.h"

#include <gtest/gtest.h>

namespace smtp {
namespace {

// One table: what the loader puts into a scenario and what the scripted
// server makes up at run time give a code the same text.
TEST(StandardRepliesTest, LoaderAndScriptedServerShareOneTable) {
  for (int code : {211, 250, 354, 421, 450, 454, 500, 530, 535, 554, 299, 399, 499, 599}) {
    auto loaded = ExpandStandardReply(std::to_string(code));
    ASSERT_TRUE(loaded.ok()) << code;
    EXPECT_EQ(StandardReply(std::to_string(code), "h"), *loaded) << code;
    EXPECT_EQ(StandardReply(std::to_string(code) + " *", "h"), *loaded) << code;
  }
}

TEST(StandardRepliesTest, TheServerNameGoesInto220And221WhenKnown) {
  EXPECT_EQ(*ExpandStandardReply("220"), "220 smtp-harness ESMTP ready");
  EXPECT_EQ(*ExpandStandardReply("221 *"), "221 Bye");
  EXPECT_EQ(StandardReply("220", "mx.test"), "220 mx.test ESMTP smtp-harness");
  EXPECT_EQ(StandardReply("221", "mx.test"), "221 mx.test Bye");
}

TEST(StandardRepliesTest, ScriptedFormFillsTextAndContinuationLines) {
  EXPECT_EQ(StandardReply("250-a\nb\n250", "h"), "250-a\n250-b\n250 OK");
  EXPECT_EQ(StandardReply("250 ", "h"), "250 OK");
  EXPECT_EQ(StandardReply("", "h"), "250 OK");
  EXPECT_EQ(StandardReply("550 5.1.1 No such user", "h"), "550 5.1.1 No such user");
}

TEST(StandardRepliesTest, LoaderRejectsWhatIsNotAReply) {
  EXPECT_FALSE(ExpandStandardReply("hello").ok());
  EXPECT_FALSE(ExpandStandardReply("250-a\n251 b").ok());
}

}  // namespace
}  // namespace smtp
