// strict.pipelining and an `auth:` step: a client answers each 334 challenge
// only after it arrives (RFC 4954 4). A client that sends AUTH LOGIN, its
// user name and password in one go must fail the auth step however its
// bytes fall into our reads: read together with AUTH (seen when the 334 is
// about to go out), or still in the socket at the settle peek. PIPELINING
// advertised or not: AUTH ends a group. A client that waits passes.
#include <gtest/gtest.h>

#include "harness/runner/scripted_session.h"
#include "tests/runner/script_steps.h"

namespace smtp {
namespace {

using namespace std::chrono_literals;

using test::Expect;
using test::Reply;

Scenario AuthLab(const std::string& mechanism, bool advertise_pipelining, bool strict) {
  Scenario sc;
  sc.name = "auth";
  sc.file = "auth.yaml";
  sc.mode = ScenarioMode::kServer;
  sc.strict = {.crlf = true, .pipelining = strict, .quit = true};
  sc.steps.push_back(Reply("220 lab.test ESMTP"));
  sc.steps.push_back(Expect("EHLO *", advertise_pipelining
                                          ? "250-lab.test\n250-PIPELINING\n250 AUTH " + mechanism
                                          : "250-lab.test\n250 AUTH " + mechanism));
  Step auth;
  auth.kind = StepKind::kAuth;
  auth.auth_mechanism = mechanism;
  auth.auth_username = "${user}";
  auth.auth_password = "${password}";
  sc.steps.push_back(auth);
  sc.steps.push_back(Expect("QUIT", "221 *"));
  sc.steps.push_back(test::ExpectClose());
  test::NumberSteps(sc);
  return sc;
}

// The exchange, one piece per line: "tester" / "s3cret".
const std::vector<std::string> kLogin = {"AUTH LOGIN\r\n", "dGVzdGVy\r\n", "czNjcmV0\r\n"};
const std::vector<std::string> kLoginInitial = {"AUTH LOGIN dGVzdGVy\r\n", "czNjcmV0\r\n"};
const std::vector<std::string> kPlain = {"AUTH PLAIN\r\n", "AHRlc3RlcgBzM2NyZXQ=\r\n"};

struct Played {
  std::string verdicts;  // EHLO, auth, QUIT, close: P passed, F failed, - not run
  std::string auth_message;
  SessionReport report;
};

// EHLO (after its reply), then the exchange's pieces, `reads[i]` of them in
// read i; `sent_at_once`: the client sent the whole exchange with AUTH, so
// every peek meanwhile finds the bytes no read has taken yet; otherwise (a
// client that waits) none. QUIT after the final reply.
Played Play(const std::string& mechanism, const std::vector<std::string>& pieces,
            const std::vector<size_t>& reads, bool sent_at_once, bool advertise_pipelining = false,
            bool strict = true) {
  Scenario sc = AuthLab(mechanism, advertise_pipelining, strict);
  ScriptOptions o = test::QuietOptions();
  o.pipelining_probe = 25ms;
  o.vars = {{"user", "tester"}, {"password", "s3cret"}};
  Played p;
  {
    ScriptedSession s(sc, 1, o, [&](SessionReport r) { p.report = std::move(r); });
    size_t unread = 0;
    auto perform = [&](const SessionActions& actions) {
      for (const SessionAction& a : actions) {
        if (a.kind == SessionAction::Kind::kPeek) s.OnPeek(a.bytes, unread);
      }
    };
    perform(s.OnConnect());
    perform(s.OnBytes("EHLO c.test\r\n"));
    if (sent_at_once) {
      for (const std::string& piece : pieces) unread += piece.size();
    }
    size_t next = 0;
    for (size_t n : reads) {
      std::string chunk;
      for (size_t i = 0; i < n; ++i) chunk += pieces[next++];
      unread -= std::min(unread, chunk.size());
      perform(s.OnBytes(chunk));
    }
    perform(s.OnBytes("QUIT\r\n"));
    s.OnEnd(SessionEnd::kClientClosed);
  }
  for (const StepResult& r : p.report.steps) {
    if (r.kind == "reply") continue;
    p.verdicts += r.status == Verdict::kPassed ? 'P' : r.status == Verdict::kFailed ? 'F' : '-';
    if (r.kind == "auth") p.auth_message = r.message;
  }
  return p;
}

void ExpectNoSecret(const SessionReport& r) {
  for (const char* secret : {"s3cret", "czNjcmV0", "dGVzdGVy", "AHRlc3RlcgBzM2NyZXQ="}) {
    EXPECT_EQ(r.received.find(secret), std::string::npos) << r.received;
    for (const auto& e : r.transcript) EXPECT_EQ(e.text.find(secret), std::string::npos) << e.text;
    for (const auto& st : r.steps) EXPECT_EQ(st.message.find(secret), std::string::npos);
    if (r.failure) {
      EXPECT_EQ(r.failure->message.find(secret), std::string::npos);
    }
  }
}

constexpr const char* kRule =
    "a client waits for each challenge before it answers (RFC 4954 4: AUTH ends a group even "
    "with PIPELINING)";

TEST(ScriptedAuthWaitTest, LoginAnswersSentWithAuthFailHoweverTheReadsFall) {
  const std::string both = std::string(
                               "AUTH LOGIN: the user name and password were sent before the 334 "
                               "challenges asking for them: ") +
                           kRule;
  for (bool pipelining : {false, true}) {
    SCOPED_TRACE(pipelining ? "PIPELINING advertised" : "no PIPELINING");
    // EHLO, auth, QUIT, close: the credentials are right, so the script goes on.
    for (const std::vector<size_t>& reads :
         std::vector<std::vector<size_t>>{{3}, {1, 1, 1}, {1, 2}, {2, 1}}) {
      Played p = Play("LOGIN", kLogin, reads, true, pipelining);
      EXPECT_EQ(p.verdicts, "PFPP") << reads.size() << " reads";
      EXPECT_EQ(p.auth_message, both) << reads.size() << " reads";
      ExpectNoSecret(p.report);
    }
  }
  Played p = Play("LOGIN", kLogin, {1, 1, 1}, true);
  ASSERT_TRUE(p.report.failure);
  EXPECT_EQ(p.report.failure->message, "auth.yaml:12: step 2 (auth): " + both);
}

TEST(ScriptedAuthWaitTest, APasswordSentWithTheUserNameFailsToo) {
  // Waited for the first challenge, then sent both answers at once: the
  // password came before its 334, read with the user name or not.
  for (bool one_read : {true, false}) {
    Scenario sc = AuthLab("LOGIN", false, true);
    ScriptOptions o = test::QuietOptions();
    o.pipelining_probe = 25ms;
    o.vars = {{"user", "tester"}, {"password", "s3cret"}};
    SessionReport report;
    {
      ScriptedSession s(sc, 1, o, [&](SessionReport r) { report = std::move(r); });
      size_t unread = 0;
      auto perform = [&](const SessionActions& actions) {
        for (const SessionAction& a : actions) {
          if (a.kind == SessionAction::Kind::kPeek) s.OnPeek(a.bytes, unread);
        }
      };
      perform(s.OnConnect());
      perform(s.OnBytes("EHLO c.test\r\n"));
      perform(s.OnBytes(kLogin[0]));  // the first 334 goes out: nothing waits
      if (one_read) {
        perform(s.OnBytes(kLogin[1] + kLogin[2]));
      } else {
        unread = kLogin[2].size();  // the password, still in the socket
        perform(s.OnBytes(kLogin[1]));
        unread = 0;
        perform(s.OnBytes(kLogin[2]));
      }
      perform(s.OnBytes("QUIT\r\n"));
      s.OnEnd(SessionEnd::kClientClosed);
    }
    ASSERT_EQ(report.steps[2].kind, "auth");
    EXPECT_EQ(report.steps[2].status, Verdict::kFailed) << one_read;
    EXPECT_EQ(report.steps[2].message,
              std::string("AUTH LOGIN: the password was sent before the 334 challenge asking for "
                          "it: ") +
                  kRule);
    ExpectNoSecret(report);
  }
}

TEST(ScriptedAuthWaitTest, PlainAndLoginWithAnInitialResponseTooEitherWay) {
  for (const std::vector<size_t>& reads : std::vector<std::vector<size_t>>{{2}, {1, 1}}) {
    Played plain = Play("PLAIN", kPlain, reads, true);
    EXPECT_EQ(plain.verdicts, "PFPP");
    EXPECT_EQ(plain.auth_message,
              std::string("AUTH PLAIN: the response was sent before the 334 challenge asking for "
                          "it: ") +
                  kRule);
    ExpectNoSecret(plain.report);
    Played login = Play("LOGIN", kLoginInitial, reads, true);
    EXPECT_EQ(login.verdicts, "PFPP");
    EXPECT_EQ(login.auth_message,
              std::string("AUTH LOGIN: the password was sent before the 334 challenge asking for "
                          "it: ") +
                  kRule);
    ExpectNoSecret(login.report);
  }
}

TEST(ScriptedAuthWaitTest, AClientThatWaitsForEachChallengePasses) {
  for (bool pipelining : {false, true}) {
    EXPECT_EQ(Play("LOGIN", kLogin, {1, 1, 1}, false, pipelining).verdicts, "PPPP");
    EXPECT_EQ(Play("LOGIN", kLoginInitial, {1, 1}, false, pipelining).verdicts, "PPPP");
    EXPECT_EQ(Play("PLAIN", kPlain, {1, 1}, false, pipelining).verdicts, "PPPP");
  }
}

TEST(ScriptedAuthWaitTest, OnlyUnderStrictPipelining) {
  // lab_lenient's choice: pipelining not checked, AUTH answers included.
  EXPECT_EQ(Play("LOGIN", kLogin, {3}, true, false, /*strict=*/false).verdicts, "PPPP");
  EXPECT_EQ(Play("LOGIN", kLogin, {1, 1, 1}, true, false, /*strict=*/false).verdicts, "PPPP");
}

// The AUTH line itself, and its answers, keep the strict rules of every
// command: sent before the reply to EHLO, a bare LF. Named, never shown.
TEST(ScriptedAuthWaitTest, AnAuthLineSentEarlyOrEndedByABareLfFailsTheStep) {
  Scenario sc = AuthLab("PLAIN", false, true);
  ScriptOptions o = test::QuietOptions();
  o.vars = {{"user", "tester"}, {"password", "s3cret"}};
  SessionReport report;
  {
    ScriptedSession s(sc, 1, o, [&](SessionReport r) { report = std::move(r); });
    s.OnConnect();
    s.OnBytes("EHLO c.test\r\nAUTH PLAIN AHRlc3RlcgBzM2NyZXQ=\r\n");
    s.OnBytes("QUIT\r\n");
    s.OnEnd(SessionEnd::kClientClosed);
  }
  EXPECT_EQ(report.steps[2].status, Verdict::kFailed);
  EXPECT_EQ(report.steps[2].message,
            "\"AUTH PLAIN <redacted>\" was sent before the reply to \"EHLO c.test\" (the server "
            "did not advertise PIPELINING: wait for each reply before sending the next command)");
  EXPECT_EQ(report.steps[3].status, Verdict::kPassed);  // the script went on
  ExpectNoSecret(report);

  sc = AuthLab("LOGIN", false, true);
  {
    ScriptedSession s(sc, 1, o, [&](SessionReport r) { report = std::move(r); });
    s.OnConnect();
    s.OnBytes("EHLO c.test\r\n");
    s.OnBytes("AUTH LOGIN\r\n");
    s.OnBytes("dGVzdGVy\n");
    s.OnBytes("czNjcmV0\r\n");
    s.OnBytes("QUIT\r\n");
    s.OnEnd(SessionEnd::kClientClosed);
  }
  EXPECT_EQ(report.steps[2].status, Verdict::kFailed);
  EXPECT_EQ(report.steps[2].message,
            "AUTH LOGIN: the user name ended with a bare LF (\\n) instead of CRLF (\\r\\n)");
  EXPECT_EQ(report.steps[3].status, Verdict::kPassed);
  ExpectNoSecret(report);
}

TEST(ScriptedAuthWaitTest, EachChallengeIsPrecededByTheSettlePeekWithPipeliningAdvertised) {
  Scenario sc = AuthLab("LOGIN", true, true);
  ScriptOptions o = test::QuietOptions();
  o.pipelining_probe = 25ms;
  o.vars = {{"user", "tester"}, {"password", "s3cret"}};
  ScriptedSession s(sc, 1, o, nullptr);
  s.OnConnect();
  s.OnBytes("EHLO c.test\r\n");
  SessionActions challenge = s.OnBytes("AUTH LOGIN\r\n");
  ASSERT_EQ(challenge.size(), 3u);
  EXPECT_EQ(challenge[0].kind, SessionAction::Kind::kPause);
  EXPECT_TRUE(challenge[0].ack_first);  // a client's next write is not held for our ACK
  EXPECT_EQ(challenge[1].kind, SessionAction::Kind::kPeek);
  EXPECT_EQ(challenge[2].kind, SessionAction::Kind::kWrite);
  EXPECT_EQ(challenge[2].bytes, "334 VXNlcm5hbWU6\r\n");
  // The final reply: PIPELINING lets the client go on after 235 (MAIL may
  // follow an AUTH that completed in one round-trip), no pause.
  s.OnBytes("dGVzdGVy\r\n");
  SessionActions done = s.OnBytes("czNjcmV0\r\n");
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0].bytes, "235 2.7.0 Authentication successful\r\n");
}

}  // namespace
}  // namespace smtp
