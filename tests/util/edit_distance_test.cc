#include "harness/util/edit_distance.h"

#include <gtest/gtest.h>

namespace smtp {
namespace {

TEST(EditDistance, CountsEditsAndTranspositions) {
  EXPECT_EQ(EditDistance("", ""), 0u);
  EXPECT_EQ(EditDistance("abc", ""), 3u);
  EXPECT_EQ(EditDistance("body", "body"), 0u);
  EXPECT_EQ(EditDistance("bdoy", "body"), 1u);  // a transposition is one edit
  EXPECT_EQ(EditDistance("filtr", "filter"), 1u);
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3u);
}

TEST(NearestName, SuggestsOnlyWhatIsClose) {
  std::vector<std::string> commands = {"run",   "validate", "send", "serve",
                                       "grade", "record",   "load"};
  EXPECT_EQ(NearestName("frobnicate", commands), "");
  EXPECT_EQ(NearestName("rnu", commands), "run");
  EXPECT_EQ(NearestName("valdate", commands), "validate");
  EXPECT_EQ(NearestName("sned", commands), "send");
  EXPECT_EQ(NearestName("reco", commands), "record");  // the one it is a prefix of
  EXPECT_EQ(NearestName("se", commands), "");          // a prefix of two: no guess
  EXPECT_EQ(NearestName("--bdoy", {"--from", "--to", "--body", "--header"}), "--body");
  EXPECT_EQ(NearestName("--filtr", {"--filter", "--fail-fast", "--shard"}), "--filter");
  EXPECT_EQ(NearestName("--xyzzy", {"--filter", "--fail-fast", "--shard"}), "");
}

}  // namespace
}  // namespace smtp
