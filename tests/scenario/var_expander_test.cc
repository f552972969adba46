#include "harness/scenario/var_expander.h"

#include <gtest/gtest.h>

namespace smtp {
namespace {

EnvLookup FakeEnv() {
  return [](const std::string& n) -> std::optional<std::string> {
    if (n == "HOME_DIR") return std::string("/home/x");
    return std::nullopt;
  };
}

TEST(VarExpander, ExpandsVarsEnvAndEscapes) {
  VarMap vars = {{"from", "alice@example.test"}, {"id", "Q1"}};
  auto r = Expand("MAIL FROM:<${from}> ${env:HOME_DIR} $$5 $x ${id}", vars, FakeEnv());
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(*r, "MAIL FROM:<alice@example.test> /home/x $5 $x Q1");
}

TEST(VarExpander, ErrorsNameTheVariable) {
  VarMap vars;
  EXPECT_EQ(Expand("${nope}", vars, FakeEnv()).status().message(), "undefined variable ${nope}");
  EXPECT_EQ(Expand("${env:NOPE}", vars, FakeEnv()).status().message(),
            "environment variable NOPE is not set");
  EXPECT_EQ(Expand("a ${open", vars, FakeEnv()).status().message(),
            "unterminated variable reference '${open' (missing '}')");
  EXPECT_EQ(Expand("${1x}", vars, FakeEnv()).status().message(),
            "invalid variable name '${1x}' (letters, digits, '_', '-', '.'; use $$ for a literal "
            "$)");
}

TEST(VarExpander, RegexExpansionEscapesValues) {
  VarMap vars = {{"d", "a.b(c)"}};
  EXPECT_EQ(*ExpandForRegex("^${d}$", vars, FakeEnv()), "^a\\.b\\(c\\)$");
}

TEST(VarExpander, ScanFindsReferences) {
  auto refs = ScanVarRefs("${a} $$ ${env:B} $");
  ASSERT_TRUE(refs.ok());
  ASSERT_EQ(refs->size(), 2u);
  EXPECT_EQ((*refs)[0].name, "a");
  EXPECT_FALSE((*refs)[0].env);
  EXPECT_EQ((*refs)[1].name, "B");
  EXPECT_TRUE((*refs)[1].env);
}

TEST(VarExpander, BuildVarMapAppliesOverridesAndChains) {
  Scenario s;
  s.vars = {{"user", "alice"}, {"from", "${user}@example.test"}, {"home", "${env:HOME_DIR}"}};
  auto vars = BuildVarMap(s, {{"user", "bob"}, {"extra", "1"}}, FakeEnv());
  ASSERT_TRUE(vars.ok()) << vars.status().message();
  EXPECT_EQ(vars->at("user"), "bob");
  EXPECT_EQ(vars->at("from"), "bob@example.test");
  EXPECT_EQ(vars->at("home"), "/home/x");
  EXPECT_EQ(vars->at("extra"), "1");
}

TEST(VarExpander, ParseVarAssignment) {
  auto kv = ParseVarAssignment("to=bob@x=y");
  ASSERT_TRUE(kv.ok());
  EXPECT_EQ(kv->first, "to");
  EXPECT_EQ(kv->second, "bob@x=y");
  EXPECT_EQ(ParseVarAssignment("novalue").status().message(),
            "--var 'novalue': expected KEY=VALUE");
  EXPECT_EQ(ParseVarAssignment("a b=1").status().message(),
            "--var 'a b=1': invalid variable name 'a b'");
}

}  // namespace
}  // namespace smtp
