// strict.pipelining without PIPELINING advertised: a command sent before the
// reply to the previous one fails its step, and the verdict must not depend
// on how the client's bytes fall into reads. A client that sends everything
// at once may have its next command read together with the previous one, or
// only after our reply went out (the race that gave no_wait.py 5 or 7 points
// on lab_graded): the peek after the probe's settle time sees it either way.
#include <gtest/gtest.h>

#include "harness/runner/scripted_session.h"
#include "tests/runner/script_steps.h"

namespace smtp {
namespace {

using namespace std::chrono_literals;

using test::Expect;
using test::Reply;

Scenario Lab() {
  Scenario sc;
  sc.name = "lab";
  sc.file = "lab.yaml";
  sc.mode = ScenarioMode::kServer;
  sc.strict = {.crlf = true, .pipelining = true, .quit = true};
  sc.steps.push_back(Reply("220 lab.test ESMTP"));
  sc.steps.push_back(Expect("HELO *", "250 lab.test"));
  sc.steps.push_back(Expect("MAIL FROM:<*>", "250 OK"));
  sc.steps.push_back(Expect("RCPT TO:<*>", "250 OK"));
  sc.steps.push_back(Expect("DATA", "354"));
  sc.steps.push_back(test::ExpectData({"I love computer networks!"}, "250 OK queued"));
  sc.steps.push_back(Expect("QUIT", "221 *"));
  sc.steps.push_back(test::ExpectClose());
  test::NumberSteps(sc);
  return sc;
}

// What the client sends after the greeting, one piece per command (the
// message is one piece), as no_wait.py does: all of it without waiting.
const std::vector<std::string> kPieces = {"HELO c.test\r\n",
                                          "MAIL FROM:<a@b.test>\r\n",
                                          "RCPT TO:<c@d.test>\r\n",
                                          "DATA\r\n",
                                          "Subject: x\r\n\r\nI love computer networks!\r\n.\r\n",
                                          "QUIT\r\n"};

// Plays the session as the engine would: `reads[i]` pieces go into read i;
// `sent_at_once`: the client sent everything before the first read, so each
// peek finds every byte not read yet; otherwise (a client that waits) none.
// Returns each step's verdict: P passed, F failed, - not run.
std::string Play(const std::vector<size_t>& reads, bool sent_at_once,
                 std::vector<std::string>* messages = nullptr) {
  Scenario sc = Lab();
  ScriptOptions o = test::QuietOptions();
  o.pipelining_probe = 25ms;
  SessionReport report;
  {
    ScriptedSession s(sc, 1, o, [&](SessionReport r) { report = std::move(r); });
    size_t unread = 0;
    for (const std::string& p : kPieces) unread += p.size();
    auto perform = [&](const SessionActions& actions) {
      for (const SessionAction& a : actions) {
        if (a.kind == SessionAction::Kind::kPeek) s.OnPeek(a.bytes, sent_at_once ? unread : 0);
      }
    };
    perform(s.OnConnect());
    size_t next = 0;
    for (size_t n : reads) {
      std::string chunk;
      for (size_t i = 0; i < n; ++i) chunk += kPieces[next++];
      unread -= chunk.size();
      perform(s.OnBytes(chunk));
    }
    s.OnEnd(SessionEnd::kClientClosed);
  }
  std::string verdicts;
  for (const StepResult& r : report.steps) {
    if (r.kind == "reply") continue;
    verdicts += r.status == Verdict::kPassed ? 'P' : r.status == Verdict::kFailed ? 'F' : '-';
    if (messages) messages->push_back(r.message);
  }
  return verdicts;
}

TEST(ScriptedSettleTest, ACommandSentWithoutWaitingFailsHoweverTheReadsFall) {
  // HELO, MAIL, RCPT, DATA, the message, QUIT, the close.
  const std::string expected = "PFFFFFP";
  std::vector<std::string> one_read;
  EXPECT_EQ(Play({6}, true, &one_read), expected);      // all in one read
  EXPECT_EQ(Play({1, 1, 1, 1, 1, 1}, true), expected);  // each after our previous reply
  EXPECT_EQ(Play({1, 5}, true), expected);              // HELO alone: MAIL was the race
  EXPECT_EQ(Play({2, 2, 2}, true), expected);           // pairs
  std::vector<std::string> split;
  EXPECT_EQ(Play({1, 1, 1, 1, 1, 1}, true, &split), expected);
  EXPECT_EQ(split, one_read);  // the same reasons too
  EXPECT_EQ(split[1],
            "\"MAIL FROM:<a@b.test>\" was sent before the reply to \"HELO c.test\" (the server "
            "did not advertise PIPELINING: wait for each reply before sending the next command)");
  EXPECT_EQ(split[4],
            "the message was sent before the 354 reply to DATA (RFC 2920 3.1: DATA ends a group "
            "even with PIPELINING)");
}

TEST(ScriptedSettleTest, AClientThatWaitsPassesEveryStep) {
  EXPECT_EQ(Play({1, 1, 1, 1, 1, 1}, false), "PPPPPPP");
}

TEST(ScriptedSettleTest, TheSettlePeekFollowsTheProbePauseBeforeEachReplyToACommand) {
  Scenario sc = Lab();
  ScriptOptions o = test::QuietOptions();
  o.pipelining_probe = 25ms;
  ScriptedSession s(sc, 1, o, nullptr);
  // The greeting: paused, not peeked (a client that talks first is the
  // greeting's `delay:` check, docs/grading.md).
  SessionActions greeting = s.OnConnect();
  ASSERT_EQ(greeting.size(), 2u);
  EXPECT_EQ(greeting[0].kind, SessionAction::Kind::kPause);
  EXPECT_EQ(greeting[1].kind, SessionAction::Kind::kWrite);
  SessionActions helo = s.OnBytes("HELO c.test\r\n");
  ASSERT_EQ(helo.size(), 3u);
  EXPECT_EQ(helo[0].kind, SessionAction::Kind::kPause);
  EXPECT_EQ(helo[0].pause, Duration(25ms));
  EXPECT_EQ(helo[1].kind, SessionAction::Kind::kPeek);
  EXPECT_EQ(helo[2].kind, SessionAction::Kind::kWrite);
}

}  // namespace
}  // namespace smtp
