// Server-mode pacing: a step's `delay:` and `split:` shape how its reply goes
// out, and the engine peeks (kPeek) for bytes a client sends before the
// greeting or in the middle of a reply it must read whole. Also grade's
// automatic SIZE in EHLO replies and `server: {advertise_size: false}`.
#include <gtest/gtest.h>

#include "harness/runner/scripted_session.h"
#include "tests/runner/script_steps.h"

namespace smtp {
namespace {

using namespace std::chrono_literals;

using test::Expect;
using test::Reply;

Scenario Script(std::string ehlo_reply = "250-x.test Hello\n250 HELP") {
  Scenario sc;
  sc.name = "pacing";
  sc.file = "pacing.yaml";
  sc.mode = ScenarioMode::kServer;
  sc.steps.push_back(Reply("220 x.test ESMTP"));
  sc.steps.push_back(Expect("EHLO *", std::move(ehlo_reply)));
  sc.steps.push_back(Expect("MAIL FROM:<*>*", "250 OK"));
  sc.steps.push_back(Expect("RCPT TO:<*>*", "250 OK"));
  sc.steps.push_back(Expect("QUIT", "221 *"));
  for (size_t i = 0; i < sc.steps.size(); ++i) sc.steps[i].index = static_cast<int>(i);
  return sc;
}

struct Session {
  explicit Session(const Scenario& sc) {
    ScriptOptions o = test::QuietOptions();
    session = std::make_unique<ScriptedSession>(sc, 1, o, nullptr);
  }
  // What the engine would do: the kinds in order ("pause 40ms", "peek",
  // "write N"), with every peek answered by `waiting` bytes.
  std::string Run(const SessionActions& actions, size_t waiting = 0) {
    std::string out;
    for (const auto& a : actions) {
      if (!out.empty()) out += ", ";
      switch (a.kind) {
        case SessionAction::Kind::kWrite:
          out += "write \"" + a.bytes + "\"";
          break;
        case SessionAction::Kind::kPause:
          out += "pause " + FormatDuration(a.pause);
          break;
        case SessionAction::Kind::kPeek:
          out += "peek";
          session->OnPeek(a.bytes, waiting);
          break;
        case SessionAction::Kind::kClose:
          out += "close";
          break;
        case SessionAction::Kind::kStartTls:
          out += "starttls";
          break;
      }
    }
    return out;
  }
  std::unique_ptr<ScriptedSession> session;
};

TEST(ScriptedPacingTest, DelayedGreetingIsWatchedAndAPatientClientPasses) {
  Scenario sc = Script();
  sc.steps[0].reply_delay = 400ms;
  Session s(sc);
  EXPECT_EQ(s.Run(s.session->OnConnect()), "pause 400ms, peek, write \"220 x.test ESMTP\r\n\"");
  s.Run(s.session->OnBytes("EHLO c.test\r\n"));
  EXPECT_EQ(s.session->report().steps[1].status, Verdict::kPassed);
}

TEST(ScriptedPacingTest, AnEarlyTalkerFailsItsFirstCommandStepAndTheScriptGoesOn) {
  Scenario sc = Script();
  sc.steps[0].reply_delay = 400ms;
  Session s(sc);
  s.Run(s.session->OnConnect(), /*waiting=*/13);
  EXPECT_EQ(s.Run(s.session->OnBytes("EHLO c.test\r\n")),
            "write \"250-x.test Hello\r\n250-HELP\r\n250 SIZE 10485760\r\n\"");
  const StepResult& ehlo = s.session->report().steps[1];
  EXPECT_EQ(ehlo.status, Verdict::kFailed);
  EXPECT_EQ(ehlo.message,
            "\"EHLO c.test\" was sent before the greeting (delayed 400ms): a client waits for the "
            "greeting before it sends a command (RFC 5321 4.3.1, 3.1)");
  s.Run(s.session->OnBytes("MAIL FROM:<a@b.test>\r\n"));
  EXPECT_EQ(s.session->report().steps[2].status, Verdict::kPassed);  // only once
}

TEST(ScriptedPacingTest, SplitReplyGoesOutInPiecesWithAPeekBeforeEachButTheFirst) {
  Scenario sc = Script();
  sc.steps[1].split_bytes = 10;
  sc.steps[1].split_delay = 40ms;
  sc.server.advertise_size = false;
  Session s(sc);
  s.Run(s.session->OnConnect());
  EXPECT_EQ(s.Run(s.session->OnBytes("EHLO c.test\r\n")),
            "write \"250-x.test\", pause 40ms, peek, write \" Hello\r\n25\", pause 40ms, peek, "
            "write \"0 HELP\r\n\"");
}

TEST(ScriptedPacingTest, ACommandInTheMiddleOfASplitReplyFailsItsStep) {
  Scenario sc = Script();
  sc.steps[1].split_bytes = 10;
  sc.steps[1].split_delay = 20ms;
  sc.server.advertise_size = false;
  Session s(sc);
  s.Run(s.session->OnConnect());
  s.Run(s.session->OnBytes("EHLO c.test\r\n"), /*waiting=*/22);
  s.Run(s.session->OnBytes("MAIL FROM:<a@b.test>\r\n"));
  const StepResult& mail = s.session->report().steps[2];
  EXPECT_EQ(mail.status, Verdict::kFailed);
  EXPECT_EQ(mail.message,
            "\"MAIL FROM:<a@b.test>\" was sent before the end of the reply to \"EHLO c.test\" "
            "(written in 10-byte pieces, 20ms apart; 10 of 28 bytes sent): a client reads a reply "
            "to its last line before it sends the next command (RFC 5321 4.2.1, 4.3.1)");
  EXPECT_FALSE(s.session->report().steps[1].status == Verdict::kFailed);
}

TEST(ScriptedPacingTest, EarlyBytesNeverReadAreStillTheReasonWhenTheConnectionEnds) {
  // The lab skeleton takes one recv() for a reply: it sends MAIL after the
  // first piece, then gives up and closes; our next write fails.
  Scenario sc = Script();
  sc.steps[1].split_bytes = 10;
  sc.steps[1].split_delay = 30ms;
  sc.server.advertise_size = false;
  Session s(sc);
  s.Run(s.session->OnConnect());
  s.Run(s.session->OnBytes("EHLO c.test\r\n"), /*waiting=*/22);
  s.session->OnEnd(SessionEnd::kClosedByServer);
  EXPECT_EQ(s.session->report().steps[2].message,
            "the client sent 22 bytes before the end of the reply to \"EHLO c.test\" (written in "
            "10-byte pieces, 30ms apart; 10 of 28 bytes sent), then the connection ended (closed "
            "by server); expected MAIL FROM:<*>*");
}

TEST(ScriptedPacingTest, WithPipeliningOnlyRepliesThatEndAGroupAreWatched) {
  // RFC 2920 3.1: after MAIL a pipelining client may go on; after EHLO not.
  Scenario sc = Script("250-x.test\n250 PIPELINING");
  sc.steps[1].split_bytes = 8;
  sc.steps[2].split_bytes = 2;
  Session s(sc);
  s.Run(s.session->OnConnect());
  EXPECT_NE(s.Run(s.session->OnBytes("EHLO c.test\r\n")).find("peek"), std::string::npos);
  EXPECT_EQ(s.Run(s.session->OnBytes("MAIL FROM:<a@b.test>\r\n"), /*waiting=*/10),
            "write \"25\", write \"0 \", write \"OK\", write \"\r\n\"");
  s.Run(s.session->OnBytes("RCPT TO:<c@d.test>\r\n"));
  EXPECT_EQ(s.session->report().steps[3].status, Verdict::kPassed);
}

TEST(ScriptedPacingTest, DelayOnACommandReplyIsWatchedWithoutPipelining) {
  Scenario sc = Script();
  sc.steps[2].reply_delay = 100ms;
  Session s(sc);
  s.Run(s.session->OnConnect());
  s.Run(s.session->OnBytes("EHLO c.test\r\n"));
  EXPECT_EQ(s.Run(s.session->OnBytes("MAIL FROM:<a@b.test>\r\n"), 5),
            "pause 100ms, peek, write \"250 OK\r\n\"");
  s.Run(s.session->OnBytes("RCPT TO:<c@d.test>\r\n"));
  EXPECT_EQ(s.session->report().steps[3].status, Verdict::kFailed);
  EXPECT_NE(s.session->report().steps[3].message.find(
                "was sent before the reply to \"MAIL FROM:<a@b.test>\" (delayed 100ms)"),
            std::string::npos)
      << s.session->report().steps[3].message;
}

TEST(ScriptedPacingTest, GradeAdvertisesItsSizeCapUnlessToldNotTo) {
  for (bool advertise : {true, false}) {
    Scenario sc = Script();
    sc.server.max_message_size = 1000;
    sc.server.advertise_size = advertise;
    Session s(sc);
    s.Run(s.session->OnConnect());
    EXPECT_EQ(s.Run(s.session->OnBytes("EHLO c.test\r\n")),
              advertise ? "write \"250-x.test Hello\r\n250-HELP\r\n250 SIZE 1000\r\n\""
                        : "write \"250-x.test Hello\r\n250 HELP\r\n\"");
  }
}

}  // namespace
}  // namespace smtp
