// Hostile input must give a clear, positioned error with bounded memory.
#include <gtest/gtest.h>

#include "harness/scenario/scenario_loader.h"

namespace smtp {
namespace {

LoadResult Load(const std::string& yaml) { return ScenarioLoader().LoadString(yaml, "h.yaml"); }

TEST(HostileYaml, HugeInputIsRejectedBeforeParsing) {
  std::string yaml = "steps: [{expect: 220}]\n# " + std::string(9 * 1024 * 1024, 'x') + "\n";
  auto r = Load(yaml);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.ErrorText(), "h.yaml: file is too large (9437210 bytes; at most 8388608)");
}

TEST(HostileYaml, EndlessFileIsCutOff) {
  auto r = ScenarioLoader().LoadFile("/dev/zero");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.ErrorText(), "/dev/zero: file is too large (more than 8388608 bytes)");
}

TEST(HostileYaml, MissingFileAndDirectory) {
  EXPECT_EQ(ScenarioLoader().LoadFile("/nonexistent/x.yaml").ErrorText(),
            "/nonexistent/x.yaml: cannot open (No such file or directory)");
  EXPECT_EQ(ScenarioLoader().LoadFile("/tmp").ErrorText(), "/tmp: is a directory");
}

TEST(HostileYaml, VeryDeepNestingStopsBeforeAnyNodeIsBuilt) {
  auto r = Load("steps: " + std::string(100000, '[') + std::string(100000, ']'));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.ErrorText(), "h.yaml:1:71: nesting is too deep (more than 64 levels)");
}

TEST(HostileYaml, TooManyNodesStopsBeforeAnyNodeIsBuilt) {
  std::string yaml = "steps: [";
  for (int i = 0; i < 60000; ++i) yaml += "{a: 1},";
  auto r = Load(yaml + "]\n");
  ASSERT_FALSE(r.ok());
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].message, "too many YAML nodes (more than 100000); split the scenario");
  EXPECT_EQ(r.diagnostics[0].pos.line, 1);
}

TEST(HostileYaml, ErrorsAreCapped) {
  std::string yaml = "steps:\n";
  for (int i = 0; i < 500; ++i) yaml += "  - sned: x\n";
  auto r = Load(yaml);
  ASSERT_FALSE(r.ok());
  ASSERT_EQ(r.diagnostics.size(), 101u);
  EXPECT_EQ(r.diagnostics.back().ToString(), "h.yaml: too many errors (more than 100); stopped");
}

TEST(HostileYaml, OverlongRegexIsRejected) {
  auto r = Load("steps:\n  - expect: {text: \"" + std::string(5000, 'a') + "\"}\n");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.ErrorText(), "h.yaml:2:20: text: regex is too long (5000 characters; at most 2000)");
}

TEST(HostileYaml, RecursiveNotIsBounded) {
  std::string m = "250";
  for (int i = 0; i < 20; ++i) m = "{not: " + m + "}";
  auto r = Load("steps:\n  - expect: " + m + "\n");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.ErrorText().find("not: nested too deeply (at most 8)"), std::string::npos)
      << r.ErrorText();
}

}  // namespace
}  // namespace smtp

namespace smtp {
namespace {

// Mutated scenarios (bytes flipped, inserted, deleted) must load or fail with
// diagnostics; never throw, crash or hang.
TEST(HostileYaml, MutatedInputNeverThrows) {
  const std::string base = R"Y(name: fuzz
vars: {from: a@example.test}
server: {rules: [{when: "RCPT*", reply: "550 no", times: 1}], max_message_size: 1MB}
steps:
  - expect: 220
  - send: EHLO x
    expect: {code: 250, ext: [PIPELINING], capture: {h: "^(\\S+)"}, not: {code: 5xx}}
  - pipeline: ["MAIL FROM:<${from}>", "RCPT TO:<${h}>"]
    expect: [250, [250, 251]]
  - data: "Subject: x\n\nbody\n"
  - expect_close: true
)Y";
  const std::string transcript =
      "mode: server\ntranscript: |\n  S: 220 *\n  C: DATA\n  S: 354 *\n"
      "  C: ..x\n  C: .\n  S: 250 *\n";
  const std::string bytes = ":-[]{}\"'|>&*!%@`#,?\n \t$\\0a";
  unsigned seed = 12345;
  auto rnd = [&seed](size_t n) {
    seed = seed * 1103515245u + 12345u;
    return static_cast<size_t>((seed >> 8) % n);
  };
  int failed = 0;
  for (int i = 0; i < 3000; ++i) {
    std::string s = i % 2 ? base : transcript;
    for (int k = 0, edits = 1 + static_cast<int>(rnd(4)); k < edits; ++k) {
      size_t at = rnd(s.size());
      switch (rnd(3)) {
        case 0:
          s[at] = bytes[rnd(bytes.size())];
          break;
        case 1:
          s.insert(at, 1, bytes[rnd(bytes.size())]);
          break;
        default:
          s.erase(at, 1);
      }
    }
    LoadResult r;
    ASSERT_NO_THROW(r = Load(s)) << s;
    if (!r.ok()) {
      ++failed;
      EXPECT_FALSE(r.diagnostics.empty());
    }
  }
  EXPECT_GT(failed, 100);  // the mutations do break things
}

}  // namespace
}  // namespace smtp
