#include "harness/scenario/yaml_reader.h"

#include <gtest/gtest.h>

namespace smtp {
namespace {

const std::vector<std::string> kKeys = {"send",    "send_raw", "expect",  "expect_close",
                                        "timeout", "pipeline", "requires"};

TEST(Suggest, CloseTyposOnly) {
  EXPECT_EQ(Suggest("sned", kKeys), "send");     // swapped letters
  EXPECT_EQ(Suggest("SEND", kKeys), "send");     // case
  EXPECT_EQ(Suggest("expct", kKeys), "expect");  // dropped letter
  EXPECT_EQ(Suggest("timout", kKeys), "timeout");
  EXPECT_EQ(Suggest("pipelin", kKeys), "pipeline");
  EXPECT_EQ(Suggest("require", kKeys), "requires");
  EXPECT_EQ(Suggest("expect_closed", kKeys), "expect_close");
  EXPECT_FALSE(Suggest("hostname", kKeys));
  EXPECT_FALSE(Suggest("x", kKeys));
}

TEST(YamlReader, TypedAccessorsReportPositionedErrors) {
  Diagnostics diag("f.yaml");
  NullKeyMarks nulls;
  auto root = ParseYamlDocument("a: [1]\nb: 'no'\nc: 12x\nd:\ne: 1.5\n", diag, &nulls);
  ASSERT_TRUE(root);
  YamlReader r(diag, &nulls);
  EXPECT_FALSE(r.Str((*root)["a"], "a"));
  EXPECT_EQ(r.Bool((*root)["b"], "b"), false);
  EXPECT_FALSE(r.Int((*root)["c"], "c", 0, 100));
  EXPECT_FALSE(r.Dur((*root)["d"], "d"));
  EXPECT_EQ(r.Number((*root)["e"], "e", 0), 1.5);
  EXPECT_EQ(JoinDiagnostics(diag.Sorted()),
            "f.yaml:1:4: a: expected a string, got a list\n"
            "f.yaml:3:4: c: expected an integer, got '12x'\n"
            "f.yaml:4:1: d: expected a duration (e.g. 250ms, 5s, 1m), got nothing");
}

TEST(YamlReader, SyntaxErrorsArePositioned) {
  Diagnostics diag("f.yaml");
  EXPECT_FALSE(ParseYamlDocument("a: [1, 2\nb: c\n", diag));
  auto list = diag.Sorted();
  ASSERT_EQ(list.size(), 1u);
  EXPECT_GT(list[0].pos.line, 0);
  EXPECT_EQ(list[0].message.rfind("invalid YAML: ", 0), 0u) << list[0].message;
}

}  // namespace
}  // namespace smtp
