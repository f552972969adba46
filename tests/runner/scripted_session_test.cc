#include "harness/runner/scripted_session.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "tests/runner/script_steps.h"

namespace smtp {
namespace {

using test::Expect;
using test::Reply;

Scenario Lab(bool strict) {
  Scenario sc;
  sc.name = "lab";
  sc.file = "lab.yaml";
  sc.mode = ScenarioMode::kServer;
  sc.strict.crlf = strict;
  sc.strict.pipelining = strict;
  sc.strict.quit = strict;
  sc.steps.push_back(Reply("220 lab.test ESMTP"));
  sc.steps.push_back(Expect("HELO|EHLO *", "250-lab.test Hello\n250 HELP"));
  Step mail;
  mail.kind = StepKind::kExpectCommand;
  mail.command.verb = "MAIL";
  mail.command.arg = "FROM:<*@*>";
  mail.text = "250 OK";
  sc.steps.push_back(mail);
  sc.steps.push_back(Expect("RCPT TO:<*>", "250 OK"));
  sc.steps.push_back(Expect("DATA", "354"));
  sc.steps.push_back(test::ExpectData({"I love computer networks!"}, "250 OK queued"));
  sc.steps.push_back(Expect("QUIT", "221 *"));
  sc.steps.push_back(test::ExpectClose());
  test::NumberSteps(sc);
  return sc;
}

struct Harness {
  explicit Harness(const Scenario& sc) {
    ScriptOptions o = test::QuietOptions();
    session = std::make_unique<ScriptedSession>(sc, 1, o, [this](SessionReport r) {
      ++deliveries;
      report = std::move(r);
    });
  }
  std::string Feed(std::string_view bytes) { return Written(session->OnBytes(bytes)); }
  static std::string Written(const SessionActions& actions) {
    std::string out;
    for (const auto& a : actions) {
      if (a.kind == SessionAction::Kind::kWrite) out += a.bytes;
      if (a.kind == SessionAction::Kind::kClose) out += "<close>";
    }
    return out;
  }
  // Declared before `session`: its destructor delivers into them (found by
  // ASan: with the session first, it wrote into an already destroyed report).
  SessionReport report;
  int deliveries = 0;
  std::unique_ptr<ScriptedSession> session;
};

constexpr const char* kMessage = "Subject: lab\r\n\r\nI love computer networks!\r\n..dot\r\n.\r\n";

TEST(ScriptedSessionTest, ReferenceClientPassesEveryStep) {
  Scenario sc = Lab(true);
  Harness h(sc);
  EXPECT_EQ(Harness::Written(h.session->OnConnect()), "220 lab.test ESMTP\r\n");
  EXPECT_EQ(h.Feed("HELO 127.0.0.1\r\n"), "250-lab.test Hello\r\n250 HELP\r\n");
  EXPECT_EQ(h.Feed("MAIL FROM:<alice@example.test>\r\n"), "250 OK\r\n");
  EXPECT_EQ(h.Feed("RCPT TO:<bob@example.test>\r\n"), "250 OK\r\n");
  EXPECT_EQ(h.Feed("DATA\r\n"), "354 End data with <CR><LF>.<CR><LF>\r\n");
  EXPECT_EQ(h.Feed("Subject: lab\r\n\r\nI love computer"), "");
  EXPECT_EQ(h.Feed(" networks!\r\n..dot\r\n.\r"), "");
  EXPECT_EQ(h.Feed("\n"), "250 OK queued\r\n");
  EXPECT_EQ(h.Feed("QUIT\r\n"), "221 smtp-harness.test Bye\r\n<close>");
  h.session->OnEnd(SessionEnd::kClientClosed);
  EXPECT_EQ(h.deliveries, 1);
  EXPECT_EQ(h.report.transcript[2].text, "HELO 127.0.0.1");
  EXPECT_FALSE(h.report.failure) << h.report.failure->message;
  EXPECT_TRUE(h.report.completed);
  for (const auto& s : h.report.steps) EXPECT_EQ(s.status, Verdict::kPassed) << s.index;
  EXPECT_EQ(h.report.steps[5].received,
            "Subject: lab\\r\\n\\r\\nI love computer networks!\\r\\n..dot\\r\\n.\\r\\n");
  EXPECT_EQ(h.report.steps[1].received, "HELO 127.0.0.1\\r\\n");
  EXPECT_EQ(h.report.received.substr(0, 16), "HELO 127.0.0.1\r\n");
}

TEST(ScriptedSessionTest, LowercaseVerbsAndEhloMatch) {
  Scenario sc = Lab(true);
  Harness h(sc);
  h.session->OnConnect();
  h.Feed("ehlo [127.0.0.1]\r\n");
  h.Feed("mail from:<alice@example.test>\r\n");
  h.Feed("rcpt to:<bob@example.test>\r\n");
  EXPECT_EQ(h.Feed("data\r\n").substr(0, 3), "354");
  h.Feed(kMessage);
  h.Feed("quit\r\n");
  h.session->OnEnd(SessionEnd::kClientClosed);
  EXPECT_FALSE(h.report.failure) << h.report.failure->message;
}

TEST(ScriptedSessionTest, VerbAlternativesMismatchNamesTheWholePattern) {
  Scenario sc = Lab(true);
  Harness h(sc);
  h.session->OnConnect();
  EXPECT_EQ(h.Feed("MAIL FROM:<a@b>\r\n"), "503 5.5.1 smtp-harness: not expected here\r\n");
  EXPECT_EQ(h.session->report().steps[1].message,
            "command \"MAIL FROM:<a@b>\" does not match \"HELO|EHLO *\"");
}

TEST(ScriptedSessionTest, BareLfFailsTheStepButTheScriptGoesOn) {
  Scenario sc = Lab(true);
  Harness h(sc);
  h.session->OnConnect();
  EXPECT_EQ(h.Feed("HELO 127.0.0.1\n").substr(0, 4), "250-");
  EXPECT_EQ(h.Feed("MAIL FROM:<alice@example.test>\r\n"), "250 OK\r\n");
  ASSERT_TRUE(h.session->report().steps[1].status == Verdict::kFailed);
  EXPECT_EQ(h.session->report().steps[1].message,
            "the line ended with a bare LF (\\n) instead of CRLF (\\r\\n): \"HELO 127.0.0.1\\n\"");
  EXPECT_EQ(h.session->report().steps[2].status, Verdict::kPassed);
  EXPECT_EQ(h.session->report().transcript[2].text, "HELO 127.0.0.1\n");  // the LF stays visible
  h.session->OnEnd(SessionEnd::kClientClosed);
  ASSERT_TRUE(h.report.failure);
  EXPECT_EQ(h.report.failure->step, 1);
  EXPECT_EQ(h.report.failure->line, 11);
  EXPECT_EQ(h.report.failure->actual, "HELO 127.0.0.1\\n");
  EXPECT_EQ(h.report.failure->message,
            "lab.yaml:11: step 1 (expect): the line ended with a bare LF (\\n) instead of CRLF "
            "(\\r\\n): \"HELO 127.0.0.1\\n\"");
}

TEST(ScriptedSessionTest, LenientAcceptsBareLfEverywhereIncludingTheFinalDot) {
  Scenario sc = Lab(false);
  Harness h(sc);
  h.session->OnConnect();
  h.Feed("HELO x\n");
  h.Feed("MAIL FROM:<a@b>\n");
  h.Feed("RCPT TO:<c@d>\n");
  h.Feed("DATA\n");
  EXPECT_EQ(h.Feed("I love computer networks!\n.\n"), "250 OK queued\r\n");
  h.Feed("QUIT\n");
  h.session->OnEnd(SessionEnd::kClientClosed);
  EXPECT_FALSE(h.report.failure) << h.report.failure->message;
}

TEST(ScriptedSessionTest, StrictBareLfInMessageFailsTheDataStep) {
  Scenario sc = Lab(true);
  Harness h(sc);
  h.session->OnConnect();
  h.Feed("HELO x\r\n");
  h.Feed("MAIL FROM:<a@b>\r\n");
  h.Feed("RCPT TO:<c@d>\r\n");
  h.Feed("DATA\r\n");
  EXPECT_EQ(h.Feed("I love computer networks!\n.\n"), "250 OK queued\r\n");
  EXPECT_EQ(h.session->report().steps[5].message,
            "the message ended with \"\\n.\\n\" instead of <CRLF>.<CRLF> (\"\\r\\n.\\r\\n\", "
            "RFC 5321 4.1.1.4): a server that takes only CRLF would not end the message there; the "
            "first line ending in a bare LF or CR: \"I love computer networks!\\n\"");
  EXPECT_EQ(h.session->report().steps[5].received, "I love computer networks!\\n.\\n");
}

TEST(ScriptedSessionTest, StrictBareLfInsideAMessageEndedByCrlfDotCrlf) {
  Scenario sc = Lab(true);
  Harness h(sc);
  h.session->OnConnect();
  h.Feed("HELO x\r\n");
  h.Feed("MAIL FROM:<a@b>\r\n");
  h.Feed("RCPT TO:<c@d>\r\n");
  h.Feed("DATA\r\n");
  EXPECT_EQ(h.Feed("I love\ncomputer networks!\r\n.\r\n"), "250 OK queued\r\n");
  EXPECT_EQ(h.session->report().steps[5].message,
            "the message has a line ending in a bare LF or CR instead of CRLF: \"I love\\n\"");
}

// strict.crlf: only <CRLF>.<CRLF> ends the data (RFC 5321 4.1.1.4). A "."
// before or after a bare LF fails the message step, naming the bytes; the
// grader still takes it as the end so the client gets its reply and the
// later steps earn their points.
TEST(ScriptedSessionTest, StrictDataEndOtherThanCrlfDotCrlfFailsTheMessageNamingIt) {
  const std::string why =
      "\" instead of <CRLF>.<CRLF> (\"\\r\\n.\\r\\n\", RFC 5321 4.1.1.4): a "
      "server that takes only CRLF would not end the message there";
  struct Case {
    std::string data, message, transcript_dot;
  };
  for (const Case& c : std::vector<Case>{
           {"I love computer networks!\r\n.\n", "the message ended with \"\\r\\n.\\n" + why, ".\n"},
           {"I love computer networks!\n.\r\n",
            "the message ended with \"\\n.\\r\\n" + why +
                "; the first line ending in a bare LF or CR: \"I love computer networks!\\n\"",
            "."},
       }) {
    Scenario sc = Lab(true);
    Harness h(sc);
    h.session->OnConnect();
    h.Feed("HELO x\r\n");
    h.Feed("MAIL FROM:<a@b>\r\n");
    h.Feed("RCPT TO:<c@d>\r\n");
    h.Feed("DATA\r\n");
    EXPECT_EQ(h.Feed(c.data), "250 OK queued\r\n");
    const StepResult& step = h.session->report().steps[5];
    EXPECT_EQ(step.status, Verdict::kFailed);
    EXPECT_EQ(step.message, c.message);
    EXPECT_EQ(h.Feed("QUIT\r\n"), "221 smtp-harness.test Bye\r\n<close>");
    h.session->OnEnd(SessionEnd::kClientClosed);
    EXPECT_EQ(h.report.steps[6].status, Verdict::kPassed);  // the script went on
    ASSERT_TRUE(h.report.failure);
    EXPECT_EQ(h.report.failure->step, 5);
    bool dot = false;
    for (const auto& e : h.report.transcript)
      dot = dot || (e.dir == 'C' && e.text == c.transcript_dot);
    EXPECT_TRUE(dot) << c.data;
  }
}

// With no expect_data step the message still belongs to the session: under
// strict.crlf its line endings fail it (before, "\r\n.\n" passed).
TEST(ScriptedSessionTest, StrictDataEndIsCheckedWithoutAnExpectDataStep) {
  Scenario sc = Lab(true);
  sc.steps.erase(sc.steps.begin() + 5);  // the expect_data step
  test::NumberSteps(sc);
  Harness h(sc);
  h.session->OnConnect();
  h.Feed("HELO x\r\n");
  h.Feed("MAIL FROM:<a@b>\r\n");
  h.Feed("RCPT TO:<c@d>\r\n");
  h.Feed("DATA\r\n");
  EXPECT_EQ(h.Feed("Hi\r\n.\n"), "250 2.0.0 OK: message accepted\r\n");
  h.Feed("QUIT\r\n");
  h.session->OnEnd(SessionEnd::kClientClosed);
  ASSERT_TRUE(h.report.failure);
  EXPECT_EQ(h.report.failure->step, -1);
  EXPECT_EQ(h.report.failure->actual, "Hi\\r\\n.\\n");
  EXPECT_EQ(h.report.failure->message,
            "lab.yaml: the message ended with \"\\r\\n.\\n\" instead of <CRLF>.<CRLF> "
            "(\"\\r\\n.\\r\\n\", RFC 5321 4.1.1.4): a server that takes only CRLF would not end "
            "the message there");
  for (const auto& st : h.report.steps) EXPECT_EQ(st.status, Verdict::kPassed) << st.index;
}

// Lenient: the end is taken, and the transcript says what it was.
TEST(ScriptedSessionTest, LenientDataEndOtherThanCrlfDotCrlfIsVisibleInTheTranscript) {
  Scenario sc = Lab(false);
  Harness h(sc);
  h.session->OnConnect();
  h.Feed("HELO x\r\nMAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\n");
  EXPECT_EQ(h.Feed("I love computer networks!\r\n.\n"), "250 OK queued\r\n");
  h.Feed("QUIT\r\n");
  h.session->OnEnd(SessionEnd::kClientClosed);
  EXPECT_FALSE(h.report.failure) << h.report.failure->message;
  std::vector<std::string> tail;
  for (const auto& e : h.report.transcript) tail.push_back(std::string(1, e.dir) + ": " + e.text);
  auto dot = std::find(tail.begin(), tail.end(), "C: .\n");
  ASSERT_NE(dot, tail.end());
  ASSERT_NE(dot + 1, tail.end());
  EXPECT_EQ(*(dot + 1),
            "*: the message ended with \"\r\n.\n\" instead of <CRLF>.<CRLF> (\"\r\n.\r\n\", RFC "
            "5321 4.1.1.4): taken as the end (strict.crlf is off)");
}

TEST(ScriptedSessionTest, WrongCommandStopsTheScriptAndNamesIt) {
  Scenario sc = Lab(true);
  Harness h(sc);
  h.session->OnConnect();
  h.Feed("HELO x\r\n");
  h.Feed("MAIL FROM:<a@b>\r\n");
  EXPECT_EQ(h.Feed("DATA\r\n"), "503 5.5.1 smtp-harness: not expected here\r\n");
  EXPECT_EQ(h.Feed("QUIT\r\n"), "221 smtp-harness.test Bye\r\n<close>");
  h.session->OnEnd(SessionEnd::kClientClosed);
  ASSERT_TRUE(h.report.failure);
  EXPECT_EQ(h.report.failure->step, 3);
  EXPECT_EQ(h.report.failure->expected, "RCPT TO:<*>");
  EXPECT_EQ(h.report.failure->actual, "DATA\\r\\n");
  EXPECT_EQ(h.report.steps[3].message, "command \"DATA\" does not match \"RCPT TO:<*>\"");
  EXPECT_EQ(h.report.steps[4].status, Verdict::kNotRun);
  EXPECT_EQ(h.report.steps[4].message, "not reached");
  EXPECT_EQ(h.report.unexpected, std::vector<std::string>{"QUIT"});
}

TEST(ScriptedSessionTest, CommandsSentBeforeTheReplyFailWithoutPipelining) {
  Scenario sc = Lab(true);
  Harness h(sc);
  h.session->OnConnect();
  h.Feed("HELO x\r\n");
  h.Feed("MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\n");
  EXPECT_EQ(h.session->report().steps[2].status, Verdict::kPassed);
  EXPECT_EQ(h.session->report().steps[3].status, Verdict::kFailed);
  EXPECT_EQ(h.session->report().steps[3].message,
            "\"RCPT TO:<c@d>\" was sent before the reply to \"MAIL FROM:<a@b>\" (the server did "
            "not advertise PIPELINING: wait for each reply before sending the next command)");
}

TEST(ScriptedSessionTest, PipeliningAllowedWhenAdvertised) {
  Scenario sc = Lab(true);
  sc.steps[1].text = "250-lab.test\n250 PIPELINING";
  Harness h(sc);
  h.session->OnConnect();
  h.Feed("EHLO x\r\n");
  h.Feed("MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\n");
  EXPECT_EQ(h.session->report().steps[3].status, Verdict::kPassed);
  EXPECT_EQ(h.session->report().steps[4].status, Verdict::kPassed);
}

TEST(ScriptedSessionTest, ProbePausePrecedesEachReplyInStrictPipeliningMode) {
  Scenario sc = Lab(true);
  ScriptOptions o;
  o.pipelining_probe = Duration(25);
  ScriptedSession s(sc, 1, o, nullptr);
  SessionActions a = s.OnConnect();
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a[0].kind, SessionAction::Kind::kPause);
  EXPECT_EQ(a[0].pause, Duration(25));
}

TEST(ScriptedSessionTest, MissingQuitFailsWhenStrictAndIsNotedWhenLenient) {
  for (bool strict : {true, false}) {
    Scenario sc = Lab(strict);
    Harness h(sc);
    h.session->OnConnect();
    h.Feed("HELO x\r\nMAIL FROM:<a@b>\r\n");  // pipelined: only matters when strict
    h.Feed("RCPT TO:<c@d>\r\n");
    h.Feed("DATA\r\n");
    h.Feed("I love computer networks!\r\n.\r\n");
    h.session->OnEnd(SessionEnd::kClientClosed);
    EXPECT_EQ(h.report.steps[6].status, strict ? Verdict::kFailed : Verdict::kPassed);
    if (strict) {
      EXPECT_EQ(h.report.steps[6].message, "the client closed the connection without sending QUIT");
    } else {
      EXPECT_TRUE(h.report.steps[6].optional_mismatch);
      EXPECT_EQ(h.report.steps[7].status, Verdict::kPassed);
      EXPECT_FALSE(h.report.failure);
    }
  }
}

TEST(ScriptedSessionTest, MessageWithoutFinalDotTimesOut) {
  Scenario sc = Lab(true);
  Harness h(sc);
  h.session->OnConnect();
  h.Feed("HELO x\r\n");
  h.Feed("MAIL FROM:<a@b>\r\n");
  h.Feed("RCPT TO:<c@d>\r\n");
  h.Feed("DATA\r\n");
  EXPECT_EQ(h.Feed("I love computer networks!\r\nQUIT\r\n"), "");
  h.session->OnEnd(SessionEnd::kIdleTimeout);
  EXPECT_EQ(h.report.steps[5].status, Verdict::kFailed);
  EXPECT_EQ(h.report.steps[5].message,
            "no data from the client within 5s before the end of the message: a line with a "
            "single \".\" (<CRLF>.<CRLF>) never arrived; the message ends with \"I love computer "
            "networks!\\r\\nQUIT\\r\\n\"");
}

// Each read waits as long as the step it waits for allows, not the longest
// timeout in the scenario; a client that goes quiet is told that step's.
TEST(ScriptedSessionTest, EachReadWaitsForTheTimeoutOfItsStep) {
  Scenario sc = Lab(true);
  sc.steps[5].timeout = std::chrono::seconds(30);         // the message may take long
  sc.steps[3].timeout = std::chrono::milliseconds(1500);  // RCPT: shorter than the default
  ScriptOptions o;
  o.step_timeout = std::chrono::seconds(2);
  o.pipelining_probe = Duration(0);
  ScriptedSession s(sc, 1, o, nullptr);
  s.OnConnect();
  EXPECT_EQ(s.ReadTimeout(), Duration(2000));  // HELO
  s.OnBytes("HELO x\r\n");
  EXPECT_EQ(s.ReadTimeout(), Duration(2000));  // MAIL
  s.OnBytes("MAIL FROM:<a@b>\r\n");
  EXPECT_EQ(s.ReadTimeout(), Duration(1500));  // RCPT
  s.OnBytes("RCPT TO:<c@d>\r\n");
  s.OnBytes("DATA\r\n");
  EXPECT_EQ(s.ReadTimeout(), Duration(30000));  // the message
  s.OnBytes("I love computer networks!\r\n");
  EXPECT_EQ(s.ReadTimeout(), Duration(30000));  // still the message
  s.OnBytes(".\r\n");
  EXPECT_EQ(s.ReadTimeout(), Duration(2000));  // QUIT
}

TEST(ScriptedSessionTest, QuietClientIsToldTheTimeoutOfTheStepItStalledAt) {
  Scenario sc = Lab(true);
  sc.steps[5].timeout = std::chrono::seconds(30);
  ScriptOptions o;
  o.step_timeout = std::chrono::milliseconds(300);
  o.pipelining_probe = Duration(0);
  SessionReport report;
  {
    ScriptedSession s(sc, 1, o, [&](SessionReport r) { report = std::move(r); });
    s.OnConnect();
    s.OnEnd(SessionEnd::kIdleTimeout);
  }
  EXPECT_EQ(report.steps[1].status, Verdict::kFailed);
  EXPECT_EQ(report.steps[1].message, "no data from the client within 300ms; expected HELO|EHLO *");
  {
    ScriptedSession s(sc, 1, o, [&](SessionReport r) { report = std::move(r); });
    s.OnConnect();
    s.OnBytes("HELO x\r\nMAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\nSubject: x\r\n");
    s.OnEnd(SessionEnd::kIdleTimeout);
  }
  EXPECT_EQ(report.steps[5].status, Verdict::kFailed);
  EXPECT_EQ(report.steps[5].message.rfind("no data from the client within 30s before the end of "
                                          "the message",
                                          0),
            0u)
      << report.steps[5].message;
}

TEST(ScriptedSessionTest, MissingDotStuffingLosesTheDot) {
  Scenario sc = Lab(true);
  sc.steps[5].data.contains.push_back(".dot");
  Harness h(sc);
  h.session->OnConnect();
  h.Feed("HELO x\r\nMAIL FROM:<a@b>\r\n");
  h.Feed("RCPT TO:<c@d>\r\n");
  h.Feed("DATA\r\n");
  h.Feed("I love computer networks!\r\n.dot\r\n.\r\n");
  EXPECT_EQ(h.session->report().steps[5].message, "the message does not contain \".dot\"");
}

TEST(ScriptedSessionTest, ExtraCommandAfterQuitIsNamed) {
  Scenario sc = Lab(false);
  Harness h(sc);
  h.session->OnConnect();
  h.Feed("HELO x\r\nMAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\n");
  h.Feed("I love computer networks!\r\n.\r\n");
  h.Feed("QUIT\r\nNOOP\r\n");
  h.session->OnEnd(SessionEnd::kClientClosed);
  ASSERT_TRUE(h.report.failure);
  EXPECT_EQ(h.report.failure->step, 7);
  EXPECT_EQ(h.report.steps[7].message,
            "expected the client to close the connection, got \"NOOP\\r\\n\"");
  EXPECT_EQ(h.report.unexpected, std::vector<std::string>{"NOOP"});
}

TEST(ScriptedSessionTest, ClientThatNeverSpeaksTimesOutAtTheFirstCommand) {
  Scenario sc = Lab(true);
  Harness h(sc);
  h.session->OnConnect();
  h.session.reset();  // the server stopped without OnEnd: still reported once
  EXPECT_EQ(h.deliveries, 1);
  EXPECT_EQ(h.report.steps[0].status, Verdict::kPassed);
  EXPECT_EQ(h.report.steps[1].message,
            "the connection ended (server stopped); expected HELO|EHLO *");
}

TEST(ScriptedSessionTest, StandardReplies) {
  EXPECT_EQ(StandardReply("250", "h"), "250 OK");
  EXPECT_EQ(StandardReply("220 *", "h"), "220 h ESMTP smtp-harness");
  EXPECT_EQ(StandardReply("250-a\n250 *", "h"), "250-a\n250 OK");
  EXPECT_EQ(StandardReply("354", "h"), "354 End data with <CR><LF>.<CR><LF>");
  EXPECT_EQ(StandardReply("550 5.1.1 No such user", "h"), "550 5.1.1 No such user");
}

TEST(ScriptedSessionTest, ExpectWithoutReplyGetsADefaultUnlessAReplyStepFollows) {
  Scenario sc;
  sc.mode = ScenarioMode::kServer;
  sc.steps = {Reply("220 *"), Expect("HELO *", ""), Reply("250 *"), Expect("DATA", ""),
              Expect("QUIT", "")};
  Harness h(sc);
  h.session->OnConnect();
  EXPECT_EQ(h.Feed("HELO x\r\n"), "250 OK\r\n");
  EXPECT_EQ(h.Feed("DATA\r\n"), "354 End data with <CR><LF>.<CR><LF>\r\n");
  EXPECT_EQ(h.Feed("hi\r\n.\r\n"), "250 2.0.0 OK: message accepted\r\n");
  EXPECT_EQ(h.Feed("QUIT\r\n"), "221 smtp-harness.test Bye\r\n<close>");
}

// The `auth:` step: "tester" / "s3cret" given by variables.
Scenario AuthScript() {
  Scenario sc;
  sc.name = "auth";
  sc.file = "auth.yaml";
  sc.mode = ScenarioMode::kServer;
  sc.steps.push_back(Reply("220 lab.test ESMTP"));
  sc.steps.push_back(Expect("EHLO *", "250-lab.test\n250 AUTH PLAIN LOGIN"));
  Step auth;
  auth.kind = StepKind::kAuth;
  auth.auth_username = "${user}";
  auth.auth_password = "${password}";
  sc.steps.push_back(auth);
  sc.steps.push_back(Expect("QUIT", "221 *"));
  for (size_t i = 0; i < sc.steps.size(); ++i) sc.steps[i].index = static_cast<int>(i);
  return sc;
}

std::unique_ptr<ScriptedSession> AuthSession(const Scenario& sc, SessionReport* report) {
  ScriptOptions o;
  o.pipelining_probe = Duration(0);
  o.now_ms = [] { return 0.0; };
  o.vars = {{"user", "tester"}, {"password", "s3cret"}};
  return std::make_unique<ScriptedSession>(sc, 1, o,
                                           [report](SessionReport r) { *report = std::move(r); });
}

void ExpectNoSecret(const SessionReport& r) {
  // "s3cret", and its base64 forms in PLAIN ("\0tester\0s3cret") and LOGIN
  for (const char* secret : {"s3cret", "AHRlc3RlcgBzM2NyZXQ=", "czNjcmV0", "dGVzdGVy"}) {
    EXPECT_EQ(r.received.find(secret), std::string::npos) << r.received;
    for (const auto& e : r.transcript) EXPECT_EQ(e.text.find(secret), std::string::npos) << e.text;
    for (const auto& st : r.steps) {
      EXPECT_EQ(st.received.find(secret), std::string::npos) << st.received;
      EXPECT_EQ(st.message.find(secret), std::string::npos) << st.message;
    }
    if (r.failure) {
      EXPECT_EQ(r.failure->message.find(secret), std::string::npos);
    }
  }
}

TEST(ScriptedSessionAuthTest, PlainWithAnInitialResponseAndLoginByChallengesPass) {
  Scenario sc = AuthScript();
  for (bool login : {false, true}) {
    SessionReport report;
    auto s = AuthSession(sc, &report);
    s->OnConnect();
    s->OnBytes("EHLO me\r\n");
    if (login) {
      EXPECT_EQ(Harness::Written(s->OnBytes("AUTH LOGIN\r\n")), "334 VXNlcm5hbWU6\r\n");
      EXPECT_EQ(Harness::Written(s->OnBytes("dGVzdGVy\r\n")), "334 UGFzc3dvcmQ6\r\n");
      EXPECT_EQ(Harness::Written(s->OnBytes("czNjcmV0\r\n")),
                "235 2.7.0 Authentication successful\r\n");
    } else {
      EXPECT_EQ(Harness::Written(s->OnBytes("AUTH PLAIN AHRlc3RlcgBzM2NyZXQ=\r\n")),
                "235 2.7.0 Authentication successful\r\n");
    }
    s->OnBytes("QUIT\r\n");
    s->OnEnd(SessionEnd::kClientClosed);
    EXPECT_FALSE(report.failure) << report.failure->message;
    EXPECT_TRUE(report.completed);
    EXPECT_EQ(report.steps[2].received, login ? "AUTH LOGIN <redacted>" : "AUTH PLAIN <redacted>");
    ExpectNoSecret(report);  // the user name ("dGVzdGVy") is hidden as well
  }
}

TEST(ScriptedSessionAuthTest, AWrongPasswordFailsWith535AndNamesNoSecret) {
  Scenario sc = AuthScript();
  SessionReport report;
  auto s = AuthSession(sc, &report);
  s->OnConnect();
  s->OnBytes("EHLO me\r\n");
  EXPECT_EQ(Harness::Written(s->OnBytes("AUTH PLAIN\r\n")), "334 \r\n");
  // "\0tester\0wrong"
  EXPECT_EQ(Harness::Written(s->OnBytes("AHRlc3RlcgB3cm9uZw==\r\n")),
            "535 5.7.8 Authentication credentials invalid\r\n");
  s->OnEnd(SessionEnd::kClientClosed);
  ASSERT_TRUE(report.failure);
  EXPECT_EQ(report.failure->message,
            "auth.yaml: step 2 (auth): AUTH PLAIN: the password is not the scenario's "
            "(${password})");
  EXPECT_EQ(report.received.find("AHRlc3RlcgB3cm9uZw=="), std::string::npos) << report.received;
}

// No `auth:` step: a script that takes AUTH as plain commands still never
// shows the credentials (the session-state redactor follows every line).
TEST(ScriptedSessionAuthTest, CredentialsAreHiddenWithoutAnAuthStepToo) {
  Scenario sc;
  sc.name = "auth";
  sc.mode = ScenarioMode::kServer;
  sc.steps = {Reply("220 x"), Expect("AUTH LOGIN", "334 VXNlcm5hbWU6"),
              Expect("*", "334 UGFzc3dvcmQ6"), Expect("*", "235 ok"), Expect("QUIT", "221 *")};
  for (size_t i = 0; i < sc.steps.size(); ++i) sc.steps[i].index = static_cast<int>(i);
  SessionReport report;
  auto s = AuthSession(sc, &report);
  s->OnConnect();
  s->OnBytes("AUTH LOGIN\r\ndGVzdGVy\r\nczNjcmV0\r\nQUIT\r\n");
  s->OnEnd(SessionEnd::kClientClosed);
  EXPECT_FALSE(report.failure) << report.failure->message;
  ExpectNoSecret(report);
}

}  // namespace
}  // namespace smtp
