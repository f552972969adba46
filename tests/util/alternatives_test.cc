#include "harness/util/alternatives.h"

#include <gtest/gtest.h>

namespace smtp {
namespace {

TEST(AlternativesText, CommasThenOr) {
  EXPECT_EQ(AlternativesText({}), "");
  EXPECT_EQ(AlternativesText({"text"}), "text");
  EXPECT_EQ(AlternativesText({"text", "html"}), "text or html");
  EXPECT_EQ(AlternativesText({"reject", "disconnect", "normalize", "lax"}),
            "reject, disconnect, normalize or lax");
}

}  // namespace
}  // namespace smtp
