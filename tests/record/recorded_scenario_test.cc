#include "harness/record/recorded_scenario.h"

#include <gtest/gtest.h>

#include "harness/scenario/scenario_loader.h"
#include "harness/scenario/server_matcher_eval.h"

namespace smtp {
namespace {

Transcript Session() {
  return {{0, 'S', "220 mx.example.test ESMTP Postfix"},
          {0, 'C', "EHLO [127.0.0.1]"},
          {0, 'S', "250-mx.example.test"},
          {0, 'S', "250-PIPELINING"},
          {0, 'S', "250 8BITMIME"},
          {0, 'C', "MAIL FROM:<a@example.test>"},
          {0, 'S', "250 2.1.0 Ok"},
          {0, 'C', "RCPT TO:<b@example.test>"},
          {0, 'S', "250 2.1.5 Ok"},
          {0, 'C', "DATA"},
          {0, 'S', "354 End data with <CR><LF>.<CR><LF>"},
          {0, 'C', "Subject: costs $5"},
          {0, 'C', ""},
          {0, 'C', "..leading dot"},
          {0, 'C', "."},
          {0, 'S', "250 2.0.0 Ok: queued as 4XbZ1q0Kk2z"},
          {0, '*', "a note"},
          {0, 'C', "QUIT"},
          {0, 'S', "221 2.0.0 Bye"}};
}

TEST(RecordedScenarioTest, WritesGeneralisedTranscript) {
  std::string yaml =
      WriteRecordedScenario(Session(), {"rec", "from test", GeneraliseLevel::kVolatile});
  EXPECT_EQ(yaml,
            "# Recorded by smtp-harness record; replay with `smtp-harness run`.\n"
            "name: \"rec\"\n"
            "description: \"from test\"\n"
            "transcript: |\n"
            "  S: 220 * ESMTP Postfix\n"
            "  C: EHLO [127.0.0.1]\n"
            "  S: 250 *\n"
            "  C: MAIL FROM:<a@example.test>\n"
            "  S: 250 2.1.0 Ok\n"
            "  C: RCPT TO:<b@example.test>\n"
            "  S: 250 2.1.5 Ok\n"
            "  C: DATA\n"
            "  S: 354 End data with <CR><LF>.<CR><LF>\n"
            "  C: Subject: costs $$5\n"
            "  C:\n"
            "  C: ..leading dot\n"
            "  C: .\n"
            "  S: 250 2.0.0 Ok: queued as *\n"
            "  # a note\n"
            "  C: QUIT\n"
            "  S: 221 2.0.0 Bye\n");
}

TEST(RecordedScenarioTest, OutputLoadsAsAValidClientScenario) {
  for (auto level : {GeneraliseLevel::kExact, GeneraliseLevel::kVolatile, GeneraliseLevel::kCode}) {
    std::string yaml = WriteRecordedScenario(Session(), {"rec", "", level});
    auto r = ScenarioLoader().LoadString(yaml, "rec.yaml");
    ASSERT_TRUE(r.ok()) << r.ErrorText() << yaml;
    EXPECT_TRUE(r.scenario->from_transcript);
    EXPECT_EQ(r.scenario->name, "rec");
    EXPECT_GE(r.scenario->steps.size(), 7u);
  }
}

TEST(RecordedScenarioTest, OutputAlsoLoadsAsAServerModeScenarioForGrading) {
  std::string yaml = WriteRecordedScenario(Session(), {"rec", "", GeneraliseLevel::kVolatile});
  RecordedScenarioInfo info{"rec", "", GeneraliseLevel::kVolatile};
  info.server_mode = true;
  yaml = WriteRecordedScenario(Session(), info);
  EXPECT_NE(yaml.find("\nmode: server\ntranscript: |\n  S: 220 mx.example.test ESMTP Postfix\n"),
            std::string::npos)
      << yaml;
  EXPECT_NE(yaml.find("  S: 250-mx.example.test\n  S: 250-PIPELINING\n  S: 250 8BITMIME\n"),
            std::string::npos)
      << yaml;
  auto r = ScenarioLoader().LoadString(yaml, "rec.yaml");
  ASSERT_TRUE(r.ok()) << r.ErrorText() << yaml;
  EXPECT_EQ(r.scenario->mode, ScenarioMode::kServer);
  ASSERT_FALSE(r.scenario->steps.empty());
  EXPECT_EQ(r.scenario->steps.front().kind, StepKind::kReply);
}

TEST(RecordedScenarioTest, AMessageCutOffByAnInterruptionBecomesANoteSoTheFileLoads) {
  Transcript t = {{0, 'S', "220 x"},
                  {0, 'C', "DATA"},
                  {0, 'S', "354 go"},
                  {0, 'C', "Subject: half"},
                  {0, 'C', ""},
                  {0, '*', "recording interrupted: SIGINT; both connections were closed here"}};
  std::string yaml = WriteRecordedScenario(t, {"rec", "", GeneraliseLevel::kExact});
  EXPECT_NE(yaml.find("  S: 220 x\n  C: DATA\n"
                      "  # recording interrupted: SIGINT; both connections were closed here\n"
                      "  # the session ended inside a message: the 354 reply and the 2 message "
                      "line(s) after it, without the final dot, are left out\n"),
            std::string::npos)
      << yaml;
  EXPECT_EQ(yaml.find("half"), std::string::npos) << yaml;
  auto r = ScenarioLoader().LoadString(yaml, "rec.yaml");
  EXPECT_TRUE(r.ok()) << r.ErrorText() << yaml;
}

TEST(RecordedScenarioTest, AFinishedMessageIsKept) {
  Transcript t = {{0, 'S', "220 x"}, {0, 'C', "DATA"}, {0, 'S', "354 go"},
                  {0, 'C', "body"},  {0, 'C', "."},    {0, 'S', "250 ok"}};
  std::string yaml = WriteRecordedScenario(t, {"rec", "", GeneraliseLevel::kExact});
  EXPECT_NE(yaml.find("  C: body\n  C: .\n  S: 250 ok\n"), std::string::npos) << yaml;
}

TEST(RecordedScenarioTest, ServerModeLeavesABdatChunkOutWithANote) {
  Transcript t = {{0, 'S', "220 x"},  {0, 'C', "BDAT 3 LAST"}, {0, 'B', "abc"},
                  {0, 'S', "250 ok"}, {0, 'C', "QUIT"},        {0, 'S', "221 bye"}};
  RecordedScenarioInfo info{"rec", "", GeneraliseLevel::kExact};
  info.server_mode = true;
  std::string yaml = WriteRecordedScenario(t, info);
  EXPECT_NE(yaml.find("  C: BDAT 3 LAST\n"
                      "  # a BDAT chunk of 3 octets, left out: server mode cannot replay BDAT\n"
                      "  S: 250 ok\n"),
            std::string::npos)
      << yaml;
}

LoadResult LoadScenarioFromString(const std::string& yaml, const std::string& name) {
  LoadOptions o;
  o.env = [](const std::string& n) -> std::optional<std::string> {
    if (n == "SMTP_HARNESS_USER") return "tester";
    if (n == "SMTP_HARNESS_PASSWORD") return "pw";
    return std::nullopt;
  };
  o.vars = {{"user", "tester"}, {"password", "pw"}};
  return ScenarioLoader(o).LoadString(yaml, name);
}

// A swaks session as the proxy records it: its body ends with a blank line.
Transcript SwaksSession() {
  return {{0, 'S', "220 mx.example.test ESMTP"},
          {0, 'C', "EHLO vm"},
          {0, 'S', "250-mx.example.test Hello vm"},
          {0, 'S', "250 PIPELINING"},
          {0, 'C', "MAIL FROM:<root@vm>"},
          {0, 'S', "250 2.1.0 Ok"},
          {0, 'C', "RCPT TO:<bob@example.test>"},
          {0, 'S', "250 2.1.5 Ok"},
          {0, 'C', "DATA"},
          {0, 'S', "354 End data with <CR><LF>.<CR><LF>"},
          {0, 'C', "Date: Sun, 06 Dec 2026 01:49:54 +0000"},
          {0, 'C', "Message-Id: <20261206014954.011445@vm>"},
          {0, 'C', "Subject: 5 * 3? a\\b"},
          {0, 'C', ""},
          {0, 'C', "..hello"},
          {0, 'C', ""},
          {0, 'C', "."},
          {0, 'S', "250 2.0.0 Ok: queued as 4XbZ1q0Kk2z"},
          {0, 'C', "QUIT"},
          {0, 'S', "221 2.0.0 Bye"}};
}

TEST(RecordedScenarioTest, ServerModeLeavesWhatTheClientVariesFreeAndKeepsTheRestExact) {
  RecordedScenarioInfo info{"golden", "", GeneraliseLevel::kVolatile};
  info.server_mode = true;
  std::string yaml = WriteRecordedScenario(SwaksSession(), info);
  EXPECT_NE(yaml.find("  C: EHLO *\n  S: 250-mx.example.test Hello vm\n"), std::string::npos)
      << yaml;
  EXPECT_NE(yaml.find("  C: Date: *\n  C: Message-Id: *\n  C: Subject: 5 \\* 3\\? a\\\\b\n"
                      "  C:\n  C: ..hello\n  C:\n  C: .\n"),
            std::string::npos)
      << yaml;
  auto r = LoadScenarioFromString(yaml, "golden.yaml");
  ASSERT_TRUE(r.ok()) << r.ErrorText() << yaml;
  const Step* data = nullptr;
  for (const auto& st : r.scenario->steps) {
    if (st.kind == StepKind::kExpectData) data = &st;
  }
  ASSERT_NE(data, nullptr);
  VarMap vars;
  // The same client tomorrow: another date and id, the same trailing blank line.
  const std::string again =
      "Date: Mon, 07 Dec 2026 09:00:00 +0000\r\nMessage-Id: <1@vm>\r\nSubject: 5 * 3? "
      "a\\b\r\n\r\n.hello\r\n\r\n";
  auto m = MatchData(data->data, again, vars);
  EXPECT_TRUE(m.ok) << m.reason;
  // Without the blank line, or with another subject, it is another message.
  EXPECT_FALSE(MatchData(data->data, again.substr(0, again.size() - 2), vars).ok);
  EXPECT_FALSE(MatchData(data->data,
                         "Date: x\r\nMessage-Id: y\r\nSubject: 5 x 3? a\\b\r\n\r\n.hello\r\n\r\n",
                         vars)
                   .ok);
}

// As the proxy records AUTH: the redactor has replaced every credential.
Transcript AuthSession(bool login) {
  Transcript t = {{0, 'S', "220 mx.example.test ESMTP"},
                  {0, 'C', "EHLO client.example.test"},
                  {0, 'S', "250-mx.example.test"},
                  {0, 'S', "250 AUTH PLAIN LOGIN"}};
  if (login) {
    t.insert(t.end(), {{0, 'C', "AUTH LOGIN"},
                       {0, 'S', "334 VXNlcm5hbWU6"},
                       {0, 'C', "<redacted>"},
                       {0, 'S', "334 UGFzc3dvcmQ6"},
                       {0, 'C', "<redacted>"}});
  } else {
    t.push_back({0, 'C', "AUTH PLAIN <redacted>"});
  }
  t.insert(t.end(), {{0, 'S', "235 2.7.0 Authentication successful"},
                     {0, 'C', "MAIL FROM:<a@example.test>"},
                     {0, 'S', "250 2.1.0 Ok"},
                     {0, 'C', "QUIT"},
                     {0, 'S', "221 2.0.0 Bye"}});
  return t;
}

TEST(RecordedScenarioTest, AuthBecomesAnAuthStepWithVariablesInBothModes) {
  for (bool login : {false, true}) {
    for (bool server : {false, true}) {
      RecordedScenarioInfo info{"auth", "", GeneraliseLevel::kVolatile};
      info.server_mode = server;
      std::string yaml = WriteRecordedScenario(AuthSession(login), info);
      SCOPED_TRACE(yaml);
      EXPECT_EQ(yaml.find("redacted"), std::string::npos);
      EXPECT_NE(yaml.find(std::string("  # AUTH ") + (login ? "LOGIN" : "PLAIN") +
                          ": the credentials were not recorded. The replay takes the user "
                          "name from ${env:SMTP_HARNESS_USER}\n  # and the password from "
                          "${env:SMTP_HARNESS_PASSWORD} (set them, or --var for plain names).\n"),
                std::string::npos);
      auto r = LoadScenarioFromString(yaml, "auth.yaml");
      ASSERT_TRUE(r.ok()) << r.ErrorText();
      int auth_steps = 0;
      for (const auto& st : r.scenario->steps) {
        if (st.kind != StepKind::kAuth) continue;
        ++auth_steps;
        EXPECT_EQ(st.auth_username, "${env:SMTP_HARNESS_USER}");
        EXPECT_EQ(st.auth_password, "${env:SMTP_HARNESS_PASSWORD}");
        EXPECT_EQ(st.auth_mechanism, server ? "" : (login ? "LOGIN" : "PLAIN"));
      }
      EXPECT_EQ(auth_steps, 1);
      EXPECT_EQ(r.scenario->mode, server ? ScenarioMode::kServer : ScenarioMode::kClient);
    }
  }
}

// A client that cancels its AUTH with "*" (RFC 4954 4), as the proxy records
// it: the exchange up to the "*", then the server's 501.
Transcript CancelledAuthSession(const std::vector<TranscriptEntry>& exchange) {
  Transcript t = {{0, 'S', "220 mx.example.test ESMTP"},
                  {0, 'C', "EHLO client.example.test"},
                  {0, 'S', "250-mx.example.test"},
                  {0, 'S', "250 AUTH PLAIN LOGIN CRAM-MD5"}};
  t.insert(t.end(), exchange.begin(), exchange.end());
  t.insert(t.end(), {{0, 'C', "*"},
                     {0, 'S', "501 5.7.0 Authentication cancelled"},
                     {0, 'C', "MAIL FROM:<a@example.test>"},
                     {0, 'S', "250 2.1.0 Ok"},
                     {0, 'C', "QUIT"},
                     {0, 'S', "221 2.0.0 Bye"}});
  return t;
}

// The steps of a recorded client-mode scenario, "send -> expect" per step.
std::vector<std::string> StepLines(const std::string& yaml) {
  auto r = LoadScenarioFromString(yaml, "cancel.yaml");
  EXPECT_TRUE(r.ok()) << r.ErrorText();
  std::vector<std::string> out;
  if (!r.ok()) return out;
  for (const auto& st : r.scenario->steps) {
    std::string expect;
    for (const auto& m : st.expect) {
      expect += m.glob ? *m.glob : m.codes.empty() ? "" : m.codes.front();
    }
    out.push_back(std::string(StepKindName(st.kind)) + " " + st.text + " -> " + expect);
  }
  return out;
}

TEST(RecordedScenarioTest, AuthCancelledBeforeAnyCredentialIsReplayedAsSent) {
  const std::string tail[] = {"send * -> 501 5.7.0 Authentication cancelled",
                              "send MAIL FROM:<a@example.test> -> 250 2.1.0 Ok",
                              "send QUIT -> 221 2.0.0 Bye"};
  struct Case {
    std::vector<TranscriptEntry> exchange;
    std::string auth_step;
  };
  for (const Case& c : std::vector<Case>{
           {{{0, 'C', "AUTH LOGIN"}, {0, 'S', "334 VXNlcm5hbWU6"}},
            "send AUTH LOGIN -> 334 VXNlcm5hbWU6"},
           {{{0, 'C', "AUTH PLAIN"}, {0, 'S', "334 "}}, "send AUTH PLAIN -> 334"},
           // A challenge that changes every session: only its code is checked.
           {{{0, 'C', "AUTH CRAM-MD5"}, {0, 'S', "334 PDEyMzQ1QG14LmV4YW1wbGUudGVzdD4="}},
            "send AUTH CRAM-MD5 -> 334"},
       }) {
    const std::string yaml = WriteRecordedScenario(CancelledAuthSession(c.exchange),
                                                   {"cancel", "", GeneraliseLevel::kExact});
    SCOPED_TRACE(yaml);
    EXPECT_NE(yaml.find(" cancelled by the client (\"*\", RFC 4954 4) before any credential: "
                        "replayed as sent\n"),
              std::string::npos);
    auto steps = StepLines(yaml);
    ASSERT_EQ(steps.size(), 6u);
    EXPECT_EQ(steps[2], c.auth_step);
    EXPECT_EQ(steps[3], tail[0]);
    EXPECT_EQ(steps[4], tail[1]);
    EXPECT_EQ(steps[5], tail[2]);
  }
}

// After a credential (LOGIN's user name, or an initial response) the replay
// could only send it from a variable: the exchange is left out, saying so.
TEST(RecordedScenarioTest, AuthCancelledAfterACredentialIsLeftOutSayingSo) {
  for (const auto& exchange : std::vector<std::vector<TranscriptEntry>>{
           {{0, 'C', "AUTH LOGIN"},
            {0, 'S', "334 VXNlcm5hbWU6"},
            {0, 'C', "<redacted>"},
            {0, 'S', "334 UGFzc3dvcmQ6"}},
           {{0, 'C', "AUTH LOGIN <redacted>"}, {0, 'S', "334 UGFzc3dvcmQ6"}},
       }) {
    const std::string yaml = WriteRecordedScenario(CancelledAuthSession(exchange),
                                                   {"cancel", "", GeneraliseLevel::kVolatile});
    SCOPED_TRACE(yaml);
    EXPECT_EQ(yaml.find("redacted"), std::string::npos);
    EXPECT_NE(yaml.find("  # AUTH LOGIN was cancelled by the client (\"*\") after it had sent a "
                        "credential, which was not recorded: left out (the session goes on "
                        "unauthenticated, as if AUTH had not been tried); the server said 501 "
                        "5.7.0 Authentication cancelled\n  - send: \"MAIL FROM:<a@example.test>\""),
              std::string::npos);
    auto steps = StepLines(yaml);
    ASSERT_EQ(steps.size(), 4u);  // greeting, EHLO, MAIL, QUIT
    EXPECT_EQ(steps[2].rfind("send MAIL FROM:", 0), 0u);
  }
}

// Server mode: an `auth:` step fails a client that cancels, so the exchange
// is checked line by line, answered as the server did; a credential the
// client sent first is "?*" (it was not recorded, and reports redact it).
TEST(RecordedScenarioTest, ServerModeChecksACancelledAuthLineByLine) {
  struct Case {
    std::vector<TranscriptEntry> exchange;
    std::string steps;
  };
  const std::string end =
      "  - expect: \"\\\\*\"\n    reply: \"501 5.7.0 Authentication cancelled\"\n";
  for (const Case& c : std::vector<Case>{
           {{{0, 'C', "AUTH LOGIN"}, {0, 'S', "334 VXNlcm5hbWU6"}},
            "  - expect: \"AUTH LOGIN\"\n    reply: \"334 VXNlcm5hbWU6\"\n" + end},
           {{{0, 'C', "AUTH LOGIN"},
             {0, 'S', "334 VXNlcm5hbWU6"},
             {0, 'C', "<redacted>"},
             {0, 'S', "334 UGFzc3dvcmQ6"}},
            "  - expect: \"AUTH LOGIN\"\n    reply: \"334 VXNlcm5hbWU6\"\n  - expect: \"?*\"\n"
            "    reply: \"334 UGFzc3dvcmQ6\"\n" +
                end},
           {{{0, 'C', "AUTH LOGIN <redacted>"}, {0, 'S', "334 UGFzc3dvcmQ6"}},
            "  - expect: \"AUTH LOGIN ?*\"\n    reply: \"334 UGFzc3dvcmQ6\"\n" + end},
       }) {
    RecordedScenarioInfo info{"cancel", "", GeneraliseLevel::kVolatile};
    info.server_mode = true;
    const std::string yaml = WriteRecordedScenario(CancelledAuthSession(c.exchange), info);
    SCOPED_TRACE(yaml);
    EXPECT_EQ(yaml.find("redacted"), std::string::npos);
    EXPECT_EQ(yaml.find("- auth:"), std::string::npos);
    EXPECT_NE(yaml.find("  # AUTH LOGIN cancelled by the client (\"*\", RFC 4954 4): checked line "
                        "by line, any credential it sends first as \"?*\" (not recorded)\n" +
                        c.steps + "  - expect: \"MAIL FROM:<a@example.test>\"\n"),
              std::string::npos);
    auto r = LoadScenarioFromString(yaml, "cancel.yaml");
    EXPECT_TRUE(r.ok()) << r.ErrorText();
  }
}

Transcript RefusedAuthSession() {
  return {{0, 'S', "220 mx.example.test ESMTP"},
          {0, 'C', "EHLO client.example.test"},
          {0, 'S', "250-mx.example.test"},
          {0, 'S', "250 AUTH PLAIN LOGIN"},
          {0, 'C', "AUTH LOGIN"},
          {0, 'S', "334 VXNlcm5hbWU6"},
          {0, 'C', "<redacted>"},
          {0, 'S', "334 UGFzc3dvcmQ6"},
          {0, 'C', "<redacted>"},
          {0, 'S', "535 5.7.8 Authentication credentials invalid"},
          {0, 'C', "QUIT"},
          {0, 'S', "221 2.0.0 Bye"}};
}

// A refused AUTH (wrong password): replayed with the variables' good
// credentials it was accepted (235, not the recorded 535). Client mode
// replays it with a password that cannot be right; server mode checks it
// line by line and answers with the refusal, as a cancelled one.
TEST(RecordedScenarioTest, ARefusedAuthIsRefusedAgainOnReplay) {
  const std::string yaml =
      WriteRecordedScenario(RefusedAuthSession(), {"refused", "", GeneraliseLevel::kExact});
  SCOPED_TRACE(yaml);
  EXPECT_EQ(yaml.find("SMTP_HARNESS_PASSWORD"), std::string::npos);
  EXPECT_NE(yaml.find("  - auth: {mechanism: LOGIN, username: \"${env:SMTP_HARNESS_USER}\", "
                      "password: \"not the recorded password (it was refused)\"}\n"
                      "    expect: {glob: \"535 5.7.8 Authentication credentials invalid\"}\n"),
            std::string::npos);
  EXPECT_EQ(StepLines(yaml).size(), 4u);

  RecordedScenarioInfo info{"refused", "", GeneraliseLevel::kVolatile};
  info.server_mode = true;
  const std::string server = WriteRecordedScenario(RefusedAuthSession(), info);
  SCOPED_TRACE(server);
  EXPECT_EQ(server.find("- auth:"), std::string::npos);
  EXPECT_EQ(server.find("redacted"), std::string::npos);
  EXPECT_NE(server.find("  - expect: \"AUTH LOGIN\"\n    reply: \"334 VXNlcm5hbWU6\"\n"
                        "  - expect: \"?*\"\n    reply: \"334 UGFzc3dvcmQ6\"\n"
                        "  - expect: \"?*\"\n"
                        "    reply: \"535 5.7.8 Authentication credentials invalid\"\n"
                        "  - expect: \"QUIT\"\n"),
            std::string::npos);
  auto r = LoadScenarioFromString(server, "refused.yaml");
  EXPECT_TRUE(r.ok()) << r.ErrorText();
}

TEST(RecordedScenarioTest, AuthVariablesCanBeNamedByTheUser) {
  RecordedScenarioInfo info{"auth", "", GeneraliseLevel::kVolatile};
  info.auth.user = "user";
  info.auth.password = "password";
  std::string yaml = WriteRecordedScenario(AuthSession(false), info);
  EXPECT_NE(yaml.find("  - auth: {mechanism: PLAIN, username: \"${user}\", password: "
                      "\"${password}\"}\n    expect: {glob: \"235 2.7.0 Authentication "
                      "successful\"}\n"),
            std::string::npos)
      << yaml;
}

TEST(RecordedScenarioTest, ServerModeOfAnInterceptedTlsSessionStartsTlsToo) {
  Transcript t = {{0, 'S', "220 x"},
                  {0, 'C', "EHLO me"},
                  {0, 'S', "250-x"},
                  {0, 'S', "250 STARTTLS"},
                  {0, 'C', "STARTTLS"},
                  {0, 'S', "220 2.0.0 Ready to start TLS"},
                  {0, '*', "TLS intercepted: recording the decrypted session"},
                  {0, 'C', "EHLO me"},
                  {0, 'S', "250 x"},
                  {0, 'C', "QUIT"},
                  {0, 'S', "221 bye"}};
  RecordedScenarioInfo info{"tls", "", GeneraliseLevel::kVolatile};
  info.server_mode = true;
  std::string yaml = WriteRecordedScenario(t, info);
  EXPECT_NE(yaml.find("\nmode: server\nserver: {tls: {starttls: true}}\ntranscript: |\n"),
            std::string::npos)
      << yaml;
  auto r = LoadScenarioFromString(yaml, "tls.yaml");
  ASSERT_TRUE(r.ok()) << r.ErrorText();
  EXPECT_TRUE(r.scenario->server.tls.starttls);
}

TEST(RecordedScenarioTest, ServerModeLeavesDatesInOtherHeadersFree) {
  Transcript t = {{0, 'S', "220 x"},
                  {0, 'C', "DATA"},
                  {0, 'S', "354 go"},
                  {0, 'C', "Subject: test Sun, 06 Dec 2026 01:22:23 +0000"},
                  {0, 'C', "X-Sent: 6 Dec 2026 01:22 (UTC) by *me*"},
                  {0, 'C', ""},
                  {0, 'C', "body of Sun, 06 Dec 2026 01:22:23 +0000"},
                  {0, 'C', "."},
                  {0, 'S', "250 ok"}};
  RecordedScenarioInfo info{"rec", "", GeneraliseLevel::kExact};
  info.server_mode = true;
  std::string yaml = WriteRecordedScenario(t, info);
  EXPECT_NE(yaml.find("  C: Subject: test *\n  C: X-Sent: * by \\*me\\*\n  C:\n"
                      "  C: body of Sun, 06 Dec 2026 01:22:23 +0000\n"),
            std::string::npos)
      << yaml;
  auto r = LoadScenarioFromString(yaml, "rec.yaml");
  ASSERT_TRUE(r.ok()) << r.ErrorText();
  VarMap vars;
  auto m =
      MatchData(r.scenario->steps[2].data,
                "Subject: test Mon, 07 Dec 2026 11:00:00 +0000\r\nX-Sent: later by *me*\r\n\r\n"
                "body of Sun, 06 Dec 2026 01:22:23 +0000\r\n",
                vars);
  EXPECT_TRUE(m.ok) << m.reason;
}

}  // namespace
}  // namespace smtp
