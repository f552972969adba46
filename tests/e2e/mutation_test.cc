// Proof that every check can fail (issue 14): a mutation test of the shipped
// scenarios.
//
// Client mode: every scenario under scenarios/ that runs against the fake
// server is run once as it is (it must pass), then once per reply that a step
// checks, with a fake-server rule prepended that changes that one reply: a
// code of another class (2xx -> 550, 3xx -> 554, 4xx/5xx -> 250), and for a
// multi-line EHLO reply whose keywords the step names, the reply without the
// keyword it requires (or with the one it forbids). The scenario must then
// fail, at that step. The rule targets the reply by position (the Nth
// command line, greeting or message the server sees), found by walking the
// steps with what the baseline run observed; the mutant's text carries a
// marker, so a rule that missed its reply is a test failure, not a pass.
//
// A mutant the matcher legitimately accepts is "equivalent": an `optional:`
// step, a keyword named in `requires:` (the scenario is skipped by design),
// or an entry in tests/e2e/mutation_accepted.txt with its reason. Anything
// else that survives fails this test. Scenarios are discovered, not listed.
//
// Server mode: each scenarios/lab/*.yaml is graded against every client in
// tests/fixtures/clients whose docstring starts with "Defect:"; each must be
// caught, unless listed below with the scenario's reason for accepting it.
// The reference client and the "Valid variation" clients must pass.
//
// Both print their kill rate (docs/scenarios.md quotes it).
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include "harness/core/reply.h"
#include "harness/runner/client_runner.h"
#include "harness/runner/server_grader.h"
#include "harness/scenario/reply_matcher_eval.h"
#include "harness/scenario/scenario_loader.h"
#include "harness/util/ascii.h"

namespace smtp {
namespace {

namespace fs = std::filesystem;

const fs::path kSource = SMTP_HARNESS_SOURCE_DIR;
constexpr const char* kMarker = "smtp-harness-mutant";

// Every *.yaml and *.yml under scenarios/, sorted (new suites join automatically).
std::vector<fs::path> ScenarioFiles(const fs::path& dir) {
  std::vector<fs::path> out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    auto ext = e.path().extension();
    if (e.is_regular_file() && (ext == ".yaml" || ext == ".yml")) out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string Rel(const fs::path& p) { return fs::relative(p, kSource).string(); }

// Splits what a step received (replies joined by "\n", multi-line replies as
// "250-a\n250 b") back into replies.
std::vector<Reply> SplitReplies(const std::string& received) {
  std::vector<Reply> out;
  std::string pending;
  std::istringstream in(received);
  std::string line;
  while (std::getline(in, line)) {
    pending += (pending.empty() ? "" : "\n") + line;
    if (line.size() >= 4 && line[3] == '-') continue;
    auto r = ReplyFromText(pending);
    if (r.ok()) out.push_back(*r);
    pending.clear();
  }
  return out;
}

struct Slot {
  FaultRule::On on = FaultRule::On::kCommand;
  int nth = 0;  // 1-based among the server's command lines / greetings / messages
};

struct Mutant {
  std::string file;  // relative to the source tree
  int step = 0;
  int line = 0;
  std::string what;  // "RCPT TO reply 250 -> 550", for messages
  FaultRule rule;
  std::string equivalent_reason;  // set: expected to survive (optional, requires:)
  bool expect_skip = false;       // a dropped `requires:` keyword: skipped by design
};

struct ScenarioUnderTest {
  Scenario scenario;
  ScenarioResult baseline;
};

// A command line the fake server puts through its rules: not over-long, no
// bare CR or LF in it (those are answered before the rules are consulted).
bool RuleSeesLine(const std::string& line) {
  return line.size() + 2 <= 512 && line.find_first_of("\r\n") == std::string::npos;
}

// A reply of another class than the one observed and than every class the
// step's matchers accept ([250, 503] accepts 2xx and 5xx: the mutant is 4xx).
// Refusals come first: the fake server then leaves the command undone, so a
// mutant changes nothing but the reply.
std::optional<std::string> MutantReply(int observed, const std::vector<ReplyMatcher>& matchers,
                                       int id) {
  std::set<char> accepted = {static_cast<char>('0' + observed / 100)};
  for (const auto& m : matchers) {
    for (const auto& code : m.codes) {
      if (!code.empty()) accepted.insert(code[0]);
    }
  }
  std::string tag = std::string(kMarker) + " " + std::to_string(id);
  for (char c : {'5', '4', '2', '3'}) {
    if (accepted.count(c)) continue;
    switch (c) {
      case '5':
        return "550 5.7.1 " + tag;
      case '4':
        return "451 4.3.0 " + tag;
      case '2':
        return "250 2.0.0 " + tag;
      default:
        return "354 " + tag;
    }
  }
  return std::nullopt;  // the step accepts every class
}

// The keyword of an EHLO reply line ("SIZE 10485760" -> "SIZE").
std::string Keyword(const std::string& line) { return Upper(line.substr(0, line.find(' '))); }

bool Mentions(const ReplyMatcher& m, const std::string& keyword) {
  auto has = [&](const std::vector<std::string>& v) {
    for (const auto& e : v) {
      if (Keyword(e) == keyword) return true;
    }
    return false;
  };
  if (has(m.ext)) return true;
  auto in = [&](const std::optional<std::string>& s) {
    return s && s->find(keyword) != std::string::npos;
  };
  return in(m.text) || in(m.glob);
}

class MutantFactory {
 public:
  MutantFactory(const ScenarioUnderTest& s, std::atomic<int>& ids) : s_(s), ids_(ids) {}

  std::vector<Mutant> Build() {
    const Scenario& sc = s_.scenario;
    for (size_t i = 0; i < sc.steps.size() && i < s_.baseline.steps.size(); ++i) {
      const Step& step = sc.steps[i];
      const StepResult& r = s_.baseline.steps[i];
      if (r.status == Verdict::kSkipped || r.status == Verdict::kNotRun) continue;
      std::vector<Slot> slots = SlotsOf(step, r);
      bool checks = !step.expect.empty() || step.kind == StepKind::kAuth ||
                    step.kind == StepKind::kMail || step.kind == StepKind::kStartTls;
      if (!checks || slots.empty()) continue;
      std::vector<Reply> replies = SplitReplies(r.received);
      for (size_t k = 0; k < slots.size() && k < replies.size(); ++k) {
        std::vector<ReplyMatcher> matchers = step.expect;
        if (step.kind == StepKind::kPipeline && k < step.expect.size()) {
          matchers = {step.expect[k]};
        } else if (step.kind == StepKind::kMail && k + 1 < slots.size()) {
          matchers.clear();  // MAIL, RCPT and DATA replies: the built-in 2xx/354
        }
        AddCodeMutant(step, slots[k], replies[k], matchers);
        if (replies[k].code == 250 && replies[k].lines.size() > 1) {
          AddKeywordMutants(step, slots[k], replies[k]);
        }
      }
    }
    return std::move(out_);
  }

  // Slots no rule can reach (the fake server answers them first): reported.
  const std::vector<std::string>& unreachable() const { return unreachable_; }

 private:
  std::vector<Slot> SlotsOf(const Step& step, const StepResult& r) {
    std::vector<Slot> slots;
    auto command = [&](const std::string& line) {
      if (in_auth_) {  // an AUTH continuation line: not a command
        unreachable_.push_back(Where(step) + ": an AUTH continuation line (rules see commands)");
        slots.push_back({FaultRule::On::kCommand, -1});
        return;
      }
      if (in_data_) {
        if (line == ".") {
          in_data_ = false;
          slots.push_back({FaultRule::On::kMessage, ++messages_});
        }
        return;
      }
      if (!RuleSeesLine(line)) {
        unreachable_.push_back(Where(step) + ": a line the server answers before its rules");
        slots.push_back({FaultRule::On::kCommand, -1});
        return;
      }
      slots.push_back({FaultRule::On::kCommand, ++commands_});
    };
    std::vector<Reply> replies = SplitReplies(r.received);
    auto after = [&](size_t k) {  // 354: message lines follow; 334: an AUTH exchange
      if (k >= replies.size()) return;
      if (replies[k].code == 354) in_data_ = true;
      in_auth_ = replies[k].code == 334;
    };
    switch (step.kind) {
      case StepKind::kExpect:
        if (step.index == 0) {
          slots.push_back({FaultRule::On::kConnect, ++connects_});
        } else {
          unreachable_.push_back(Where(step) + ": a bare expect: after a step without one");
        }
        break;
      case StepKind::kSend:
        command(r.sent);
        after(0);
        break;
      case StepKind::kPipeline: {
        std::istringstream in(r.sent);
        std::string line;
        size_t k = 0;
        while (std::getline(in, line)) {
          command(line);
          after(k++);
        }
        break;
      }
      case StepKind::kSendRaw:
        // One CRLF-terminated command line, or a BDAT command and its chunk
        // (the reply comes after the chunk, to the BDAT line).
        if (!in_data_) {
          size_t crlf = r.sent.find("\r\n");
          if (crlf != std::string::npos &&
              (crlf + 2 == r.sent.size() || r.sent.compare(0, 5, "BDAT ") == 0)) {
            command(r.sent.substr(0, crlf));
            after(0);
          } else {
            unreachable_.push_back(Where(step) + ": raw bytes, not one command line");
          }
        } else if (r.sent.size() >= 5 && r.sent.compare(r.sent.size() - 5, 5, "\r\n.\r\n") == 0) {
          in_data_ = false;
          slots.push_back({FaultRule::On::kMessage, ++messages_});
        }
        break;
      case StepKind::kData:
      case StepKind::kDataRaw:
        in_data_ = false;
        slots.push_back({FaultRule::On::kMessage, ++messages_});
        break;
      case StepKind::kStartTls:
        command("STARTTLS");
        break;
      case StepKind::kAuth:
        // The AUTH command line only: continuation lines are not commands.
        command("AUTH");
        break;
      case StepKind::kMail: {
        command("MAIL");
        for (size_t t = 0; t < step.mail_to.size(); ++t) command("RCPT");
        command("DATA");
        slots.push_back({FaultRule::On::kMessage, ++messages_});
        break;
      }
      default:
        break;
    }
    return slots;
  }

  std::string Where(const Step& step) const {
    return s_.scenario.file + ":" + std::to_string(step.pos.line) + ": step " +
           std::to_string(step.index);
  }

  Mutant Base(const Step& step, const Slot& slot) {
    Mutant m;
    m.file = s_.scenario.file;
    m.step = step.index;
    m.line = step.pos.line;
    m.rule.on = slot.on;
    m.rule.when = "";       // every command line / greeting / message ...
    m.rule.nth = slot.nth;  // ... but only the Nth
    if (step.optional) m.equivalent_reason = "optional: true (a mismatch is noted, not failed)";
    return m;
  }

  void AddCodeMutant(const Step& step, const Slot& slot, const Reply& observed,
                     const std::vector<ReplyMatcher>& matchers) {
    if (slot.nth < 0) return;
    Mutant m = Base(step, slot);
    m.rule.reply = MutantReply(observed.code, matchers, ++ids_);
    if (!m.rule.reply) {
      m.rule.reply = "550 5.7.1 " + std::string(kMarker);
      m.equivalent_reason = "the step accepts a reply of every class";
    }
    m.what = "reply " + std::to_string(observed.code) + " -> " + m.rule.reply->substr(0, 3);
    out_.push_back(std::move(m));
  }

  void AddKeywordMutants(const Step& step, const Slot& slot, const Reply& observed) {
    if (slot.nth < 0) return;
    std::set<std::string> required, forbidden;
    for (const auto& m : step.expect) {
      for (size_t i = 1; i < observed.lines.size(); ++i) {
        std::string k = Keyword(observed.lines[i]);
        if (Mentions(m, k)) required.insert(k);
      }
      for (const auto& k : m.not_ext) forbidden.insert(Keyword(k));
    }
    auto mutant = [&](std::vector<std::string> lines, const std::string& what) {
      lines[0] += std::string(" ") + kMarker + " " + std::to_string(++ids_);
      Mutant m = Base(step, slot);
      m.rule.reply = Reply{250, lines}.ToDisplay();
      m.what = what;
      return m;
    };
    for (const auto& k : required) {
      std::vector<std::string> lines;
      for (const auto& l : observed.lines) {
        if (&l == &observed.lines[0] || Keyword(l) != k) lines.push_back(l);
      }
      Mutant m = mutant(lines, "EHLO without " + k);
      for (const auto& req : s_.scenario.required_extensions) {
        if (Keyword(req) == k) {
          m.equivalent_reason = "requires: " + k + " (a server without it is skipped by design)";
          m.expect_skip = true;
        }
      }
      out_.push_back(std::move(m));
    }
    for (const auto& k : forbidden) {
      std::vector<std::string> lines = observed.lines;
      lines.push_back(k);
      out_.push_back(mutant(lines, "EHLO with " + k));
    }
  }

  const ScenarioUnderTest& s_;
  std::atomic<int>& ids_;
  std::vector<Mutant> out_;
  std::vector<std::string> unreachable_;
  int commands_ = 0, messages_ = 0, connects_ = 0;
  bool in_data_ = false;
  bool in_auth_ = false;
};

// tests/e2e/mutation_accepted.txt: "FILE:STEP: reason" per line.
std::map<std::string, std::string> AcceptedList() {
  std::map<std::string, std::string> out;
  std::ifstream in(kSource / "tests/e2e/mutation_accepted.txt");
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    size_t first = line.find(':');
    size_t second = first == std::string::npos ? first : line.find(':', first + 1);
    if (second == std::string::npos) continue;
    std::string reason = line.substr(second + 1);
    while (!reason.empty() && reason[0] == ' ') reason.erase(0, 1);
    out[line.substr(0, second)] = reason;
  }
  return out;
}

// Runs fn(i) for i in [0, n) on `threads` threads.
void Parallel(size_t n, int threads, const std::function<void(size_t)>& fn) {
  std::atomic<size_t> next{0};
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      for (size_t i = next++; i < n; i = next++) fn(i);
    });
  }
  for (auto& t : pool) t.join();
}

std::string Percent(size_t a, size_t b) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f %%", b ? 100.0 * static_cast<double>(a) / b : 100.0);
  return buf;
}

TEST(Mutation, EveryClientModeCheckCanFail) {
  auto t0 = std::chrono::steady_clock::now();
  RunOptions options;
  options.timeout = std::chrono::seconds(2);  // a missed reply must not stall the test
  ClientRunnerEnv env = DefaultClientRunnerEnv();

  std::vector<ScenarioUnderTest> suts;
  std::vector<std::string> not_mutated;
  for (const auto& path : ScenarioFiles(kSource / "scenarios")) {
    auto loaded = ScenarioLoader().LoadFile(path.string());
    ASSERT_TRUE(loaded.ok()) << loaded.ErrorText();
    Scenario sc = *loaded.scenario;
    sc.file = Rel(path);
    if (sc.mode != ScenarioMode::kClient || sc.target != "fake") continue;
    suts.push_back({sc, {}});
  }
  Parallel(suts.size(), 2,
           [&](size_t i) { suts[i].baseline = RunClientScenario(suts[i].scenario, options, env); });
  std::atomic<int> ids{0};
  std::vector<Mutant> mutants;
  std::vector<std::string> unreachable;
  for (const auto& s : suts) {
    if (s.baseline.status != Verdict::kPassed) {
      ADD_FAILURE() << s.scenario.file << ": does not pass against the fake server ("
                    << VerdictName(s.baseline.status) << "), so it cannot be mutated"
                    << (s.baseline.failure ? ": " + s.baseline.failure->message : "");
      continue;
    }
    MutantFactory f(s, ids);
    for (auto& m : f.Build()) mutants.push_back(std::move(m));
    unreachable.insert(unreachable.end(), f.unreachable().begin(), f.unreachable().end());
  }
  std::map<std::string, const ScenarioUnderTest*> by_file;
  for (const auto& s : suts) by_file[s.scenario.file] = &s;

  std::vector<ScenarioResult> results(mutants.size());
  Parallel(mutants.size(), 2, [&](size_t i) {
    Scenario sc = by_file[mutants[i].file]->scenario;
    sc.server.rules.insert(sc.server.rules.begin(), mutants[i].rule);
    results[i] = RunClientScenario(sc, options, env);
  });

  auto accepted = AcceptedList();
  std::set<std::string> accepted_used;
  size_t killed = 0, equivalent = 0, survived = 0, unreached = 0;
  for (size_t i = 0; i < mutants.size(); ++i) {
    const Mutant& m = mutants[i];
    const ScenarioResult& r = results[i];
    std::string key = m.file + ":" + std::to_string(m.step);
    std::string where = m.file + ":" + std::to_string(m.line) + ": step " + std::to_string(m.step) +
                        " (" + m.what + ")";
    bool fired = false;
    for (const auto& e : r.transcript) fired = fired || e.text.find(kMarker) != std::string::npos;
    bool failed_here = (r.status == Verdict::kFailed || r.status == Verdict::kError) && r.failure &&
                       r.failure->step == m.step;
    if (m.expect_skip && r.status == Verdict::kSkipped) {
      ++equivalent;
    } else if (failed_here && fired) {
      ++killed;
    } else if (!fired && accepted.count(key)) {
      ++unreached;  // listed: the fake server answers it before its rules
      accepted_used.insert(key);
      std::printf("mutation: not reachable by a rule: %s: %s\n", where.c_str(),
                  accepted[key].c_str());
    } else if (!fired) {
      ADD_FAILURE() << where << ": the mutant rule never fired (verdict " << VerdictName(r.status)
                    << "): the test mapped the reply wrongly";
    } else if (r.status == Verdict::kPassed && !m.equivalent_reason.empty()) {
      ++equivalent;
    } else if (r.status == Verdict::kPassed && accepted.count(key)) {
      ++equivalent;
      accepted_used.insert(key);
    } else if (r.status == Verdict::kPassed) {
      ++survived;
      ADD_FAILURE() << where << ": SURVIVED: the scenario passed with the changed reply; fix the "
                    << "matcher, or list it in tests/e2e/mutation_accepted.txt with a reason";
    } else if (accepted.count(key)) {
      ++killed;  // listed: a later step checks this reply (the reason says which)
      accepted_used.insert(key);
      std::printf("mutation: caught at a later step: %s: %s\n", where.c_str(),
                  accepted[key].c_str());
    } else {
      ADD_FAILURE() << where << ": failed at step "
                    << (r.failure ? std::to_string(r.failure->step) : "?") << " instead ("
                    << VerdictName(r.status)
                    << "): " << (r.failure ? r.failure->message : r.skip_reason);
    }
  }
  for (const auto& [key, reason] : accepted) {
    if (!accepted_used.count(key)) {
      std::printf("mutation: note: %s is listed as accepted but no mutant there survived\n",
                  key.c_str());
    }
  }
  for (const auto& u : unreachable) std::printf("mutation: not mutable by a rule: %s\n", u.c_str());
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  size_t non_equivalent = mutants.size() - equivalent - unreached;
  std::printf(
      "mutation (client mode): %zu scenarios, %zu mutants: %zu killed, %zu equivalent "
      "(listed), %zu not reachable by a rule (listed), %zu survived; kill rate %s of %zu "
      "non-equivalent; %.1f s\n",
      suts.size(), mutants.size(), killed, equivalent, unreached, survived,
      Percent(killed, non_equivalent).c_str(), non_equivalent, seconds);
  EXPECT_GT(mutants.size(), suts.size());
  EXPECT_EQ(killed, non_equivalent);
}

// The first line of a client's docstring: "Defect: ...", "Valid variation: ...".
std::string Docstring(const fs::path& py) {
  std::ifstream in(py);
  std::string line;
  while (std::getline(in, line)) {
    size_t q = line.find("\"\"\"");
    if (q != std::string::npos) return line.substr(q + 3);
  }
  return "";
}

// Defects a lab scenario accepts on purpose, with its reason.
const std::map<std::pair<std::string, std::string>, std::string> kLabAccepts = {
    {{"lab_lenient", "bare_lf.py"}, "lenient: bare LF line endings are accepted (strict.crlf off)"},
    {{"lab_lenient", "lf_final_dot.py"},
     "lenient: a bare LF after the final dot ends the data (strict.crlf off; noted in the "
     "transcript)"},
    {{"lab_lenient", "no_wait.py"},
     "lenient: unannounced pipelining is accepted (strict.pipelining off)"},
    {{"lab_lenient", "no_wait_paced.py"},
     "lenient: unannounced pipelining is accepted (strict.pipelining off)"},
    {{"lab_lenient", "no_quit.py"}, "lenient: QUIT is not required (strict.quit off)"},
    {{"lab_lenient", "hang.py"}, "lenient: QUIT is not required, so not sending it is no fault"},
    {{"lab_strict", "early_talker.py"},
     "the greeting is not delayed, so a client that talks first looks like one that waited "
     "(lab_graded delays it)"},
    {{"lab_lenient", "early_talker.py"},
     "the greeting is not delayed, so a client that talks first looks like one that waited "
     "(lab_graded delays it)"},
};

TEST(Mutation, EveryLabDefectIsCaught) {
  auto t0 = std::chrono::steady_clock::now();
  struct Case {
    std::string scenario_name;
    Scenario scenario;
    fs::path client;
    bool defect = false;
    ScenarioResult result;
  };
  std::vector<Case> cases;
  std::vector<fs::path> clients;
  for (const auto& e : fs::directory_iterator(kSource / "tests/fixtures/clients")) {
    if (e.path().extension() == ".py") clients.push_back(e.path());
  }
  std::sort(clients.begin(), clients.end());
  for (const auto& path : ScenarioFiles(kSource / "scenarios/lab")) {
    auto loaded = ScenarioLoader().LoadFile(path.string());
    ASSERT_TRUE(loaded.ok()) << loaded.ErrorText();
    for (const auto& client : clients) {
      std::string doc = Docstring(client);
      bool defect = doc.rfind("Defect:", 0) == 0;
      bool valid = client.filename() == "lab_client.py" || doc.rfind("Valid variation", 0) == 0 ||
                   doc.rfind("Not a defect", 0) == 0;
      if (!defect && !valid) continue;  // e.g. "valid for a two-session scenario"
      cases.push_back({loaded.scenario->name, *loaded.scenario, client, defect, {}});
    }
  }
  Parallel(cases.size(), 2, [&](size_t i) {
    GradeOptions o;
    o.client_argv = {"/usr/bin/python3", cases[i].client.string()};
    o.port = 0;
    o.step_timeout = std::chrono::seconds(2);
    o.run_timeout = std::chrono::seconds(6);
    o.exit_grace = std::chrono::milliseconds(500);
    auto r = GradeServerScenario(cases[i].scenario, o);
    if (r.ok()) {
      cases[i].result = std::move(*r);
    } else {
      cases[i].result.status = Verdict::kError;
      cases[i].result.skip_reason = r.status().message();
    }
  });
  size_t defects = 0, caught = 0, accepted = 0;
  for (const auto& c : cases) {
    std::string name = c.scenario_name + " + " + c.client.filename().string();
    bool passed = c.result.status == Verdict::kPassed;
    std::string why = c.result.failure ? c.result.failure->message : c.result.skip_reason;
    if (!c.defect) {
      EXPECT_TRUE(passed) << name << ": a valid client failed: " << why;
      continue;
    }
    ++defects;
    auto listed = kLabAccepts.find({c.scenario_name, c.client.filename().string()});
    if (!passed) {
      ++caught;
    } else if (listed != kLabAccepts.end()) {
      ++accepted;
      std::printf("mutation: accepted by design: %s: %s\n", name.c_str(), listed->second.c_str());
    } else {
      ADD_FAILURE() << name << ": the defect was NOT caught (" << Docstring(c.client) << ")";
    }
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf(
      "mutation (server mode, scenarios/lab): %zu defect runs: %zu caught, %zu accepted by "
      "design (listed), %zu missed; kill rate %s of %zu non-equivalent; %.1f s\n",
      defects, caught, accepted, defects - caught - accepted,
      Percent(caught, defects - accepted).c_str(), defects - accepted, seconds);
  EXPECT_EQ(caught + accepted, defects);
}

}  // namespace
}  // namespace smtp
