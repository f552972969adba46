#include "harness/runner/selection.h"

#include <gtest/gtest.h>

#include "harness/util/target.h"

namespace smtp {
namespace {

// Name(i) trips a GCC 12 -Wrestrict false positive.
std::string Name(int i) {
  std::string s = "s";
  s += std::to_string(i);
  return s;
}

TEST(Shard, Parses) {
  auto s = ParseShard("2/4");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->index, 2);
  EXPECT_EQ(s->count, 4);
  for (const char* bad : {"0/4", "5/4", "4", "/4", "2/", "a/b", "1/0", "-1/2"}) {
    auto r = ParseShard(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().message(), std::string("invalid --shard '") + bad +
                                        "': expected K/N with 1 <= K <= N, e.g. 1/4");
  }
}

TEST(Selection, ShardsPartitionTheFilteredList) {
  std::vector<std::string> names;
  for (int i = 0; i < 10; ++i) names.push_back(Name(i));
  std::vector<int> seen(10, 0);
  for (int k = 1; k <= 3; ++k) {
    auto picked = SelectIndices(names, "", Shard{k, 3});
    EXPECT_GE(picked.size(), 3u);
    EXPECT_LE(picked.size(), 4u);
    for (size_t i : picked) ++seen[i];
  }
  for (int n : seen) EXPECT_EQ(n, 1);
  EXPECT_EQ(SelectIndices(names, "", Shard{}).size(), 10u);
  EXPECT_EQ(SelectIndices(names, "s1*", Shard{}), std::vector<size_t>({1}));
  EXPECT_EQ(SelectIndices(names, "s[", Shard{}).size(), 0u);
  // Filter first, then shard the filtered list.
  EXPECT_EQ(SelectIndices({"a1", "b1", "a2", "b2", "a3"}, "a*", Shard{2, 2}),
            std::vector<size_t>({2}));
}

// Why a run selected nothing (issue 14, item 3): the message names the
// filter or the shard that emptied it.
TEST(Selection, DescribesAnEmptySelection) {
  std::vector<std::string> names = {"a1", "b1", "a2"};
  EXPECT_EQ(DescribeEmptySelection(names, "zzz*", Shard{}),
            "--filter 'zzz*' matched none of the 3 scenarios");
  EXPECT_EQ(DescribeEmptySelection(names, "a*", Shard{3, 3}),
            "--shard 3/3 is empty: 2 scenarios (after --filter) fill only 2 of 3 shards");
  EXPECT_EQ(DescribeEmptySelection(names, "", Shard{4, 4}),
            "--shard 4/4 is empty: 3 scenarios fill only 3 of 4 shards");
  EXPECT_EQ(DescribeEmptySelection({}, "", Shard{}), "no scenario files");
  EXPECT_EQ(DescribeEmptySelection(names, "a*", Shard{1, 2}), "");
}

TEST(Target, Parses) {
  EXPECT_EQ(ParseTarget("fake")->kind, Target::Kind::kFake);
  auto t = ParseTarget("smtp://127.0.0.1:2525");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->host, "127.0.0.1");
  EXPECT_EQ(t->port, 2525);
  EXPECT_EQ(ParseTarget("smtps://[::1]")->port, 465);
  EXPECT_EQ(ParseTarget("smtps://[::1]")->host, "::1");
  EXPECT_EQ(ParseTarget("smtp://[::1]:26")->ToString(), "smtp://[::1]:26");
  EXPECT_EQ(ParseTarget("smtp://mx.example")->port, 25);
  for (const char* bad : {"smtp://", "smtp://h:", "smtp://h:99999", "smtp://::1:25", "smtp://h:x",
                          "smtp://[::1", "ftp://h"}) {
    EXPECT_FALSE(ParseTarget(bad).ok()) << bad;
  }
  EXPECT_EQ(ParseTarget("smtp://h:0").status().message(),
            "invalid target 'smtp://h:0': port out of range");
}

}  // namespace
}  // namespace smtp
