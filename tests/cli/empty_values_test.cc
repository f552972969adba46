#include "harness/cli/empty_values.h"

#include <gtest/gtest.h>

namespace smtp::cli {
namespace {

using Args = std::vector<std::string>;

TEST(SplitEmptyValues, AnEmptyValueAfterEqualsBecomesAnEmptyArgument) {
  EXPECT_EQ(SplitEmptyValues({"serve", "--hostname=", "--once"}),
            (Args{"serve", "--hostname", "", "--once"}));
  EXPECT_EQ(SplitEmptyValues({"send", "--starttls=", "--helo=x", "--helo=x="}),
            (Args{"send", "--starttls", "", "--helo=x", "--helo=x="}));
}

TEST(SplitEmptyValues, OtherArgumentsAndThoseAfterTheSeparatorStay) {
  EXPECT_EQ(SplitEmptyValues({"run", "a=", "-x=", "--=", "--var=A="}),
            (Args{"run", "a=", "-x=", "--=", "--var=A="}));
  EXPECT_EQ(SplitEmptyValues({"grade", "s.yaml", "--", "client", "--opt="}),
            (Args{"grade", "s.yaml", "--", "client", "--opt="}));
}

}  // namespace
}  // namespace smtp::cli
