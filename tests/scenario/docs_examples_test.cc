// Every ```yaml block of docs/scenarios.md must load; ```yaml server-config
// blocks must load as `serve --config` files; a ```yaml invalid block must
// fail with exactly the lines of the ```text block after it (as example.yaml).
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "harness/scenario/scenario_loader.h"
#include "harness/scenario/server_config_yaml.h"

namespace smtp {
namespace {

struct Block {
  std::string info;  // "yaml", "yaml server-config", "text", ...
  std::string text;
  int line = 0;  // of the opening fence
};

std::vector<Block> FencedBlocks(const std::string& path) {
  std::ifstream in(path);
  std::vector<Block> blocks;
  std::string line;
  int n = 0;
  Block* open = nullptr;
  while (std::getline(in, line)) {
    ++n;
    if (line.rfind("```", 0) == 0 && line.rfind("````", 0) != 0) {
      if (open) {
        open = nullptr;
      } else {
        blocks.push_back(Block{line.substr(3), "", n});
        open = &blocks.back();
      }
      continue;
    }
    if (open) open->text += line + "\n";
  }
  EXPECT_EQ(open, nullptr) << path << ": unterminated fence";
  return blocks;
}

const std::string kDocs = std::string(SMTP_HARNESS_SOURCE_DIR) + "/docs/scenarios.md";

LoadOptions DocsOptions() {
  LoadOptions o;
  o.env = [](const std::string&) -> std::optional<std::string> { return "x"; };
  return o;
}

TEST(DocsExamples, EveryYamlExampleLoads) {
  auto blocks = FencedBlocks(kDocs);
  int scenarios = 0, configs = 0;
  for (const auto& b : blocks) {
    std::string where = "docs/scenarios.md:" + std::to_string(b.line);
    if (b.info == "yaml") {
      ++scenarios;
      auto r = ScenarioLoader(DocsOptions())
                   .LoadString(b.text, where, std::string(SMTP_HARNESS_SOURCE_DIR) + "/docs");
      EXPECT_TRUE(r.ok()) << where << ":\n" << r.ErrorText();
    } else if (b.info == "yaml server-config") {
      ++configs;
      auto r = LoadServerConfigString(b.text, where);
      EXPECT_TRUE(r.ok()) << r.status().message();
    }
  }
  EXPECT_GE(scenarios, 12);
  EXPECT_GE(configs, 1);
}

TEST(DocsExamples, InvalidExampleShowsTheRealErrors) {
  auto blocks = FencedBlocks(kDocs);
  int checked = 0;
  for (size_t i = 0; i < blocks.size(); ++i) {
    if (blocks[i].info != "yaml invalid") continue;
    ASSERT_LT(i + 1, blocks.size());
    ASSERT_EQ(blocks[i + 1].info, "text") << "line " << blocks[i].line;
    auto r = ScenarioLoader(DocsOptions()).LoadString(blocks[i].text, "example.yaml");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.ErrorText() + "\n", blocks[i + 1].text) << "line " << blocks[i].line;
    ++checked;
  }
  EXPECT_GE(checked, 1);
}

TEST(DocsExamples, EveryStepKindAndMatcherKeyIsDocumented) {
  std::ifstream in(kDocs);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string docs = ss.str();
  for (const char* key : {"send:",           "send_raw:",     "pipeline:",   "data:",
                          "data_raw:",       "starttls:",     "auth:",       "mail:",
                          "sleep:",          "expect_close:", "reply:",      "expect_data:",
                          "code:",           "text:",         "ext:",        "not_ext:",
                          "enhanced:",       "capture:",      "not:",        "glob:",
                          "verb:",           "arg:",          "regex:",      "contains:",
                          "header:",         "equals:",       "optional:",   "repeat:",
                          "requires:",       "timeout:",      "name:",       "points:",
                          "vars:",           "rfc:",          "tags:",       "target:",
                          "listen:",         "client:",       "strict:",     "transcript:",
                          "when:",           "times:",        "nth:",        "delay:",
                          "action:",         "split:",        "after_bytes", "on:",
                          "users:",          "required",      "starttls",    "max_message_size:",
                          "max_recipients:", "hostname:",     "greeting",    "extensions",
                          "sessions"}) {
    EXPECT_NE(docs.find(key), std::string::npos) << key << " is not documented";
  }
}

}  // namespace
}  // namespace smtp
