#include <gtest/gtest.h>

#include "harness/scenario/scenario_loader.h"

namespace smtp {
namespace {

LoadResult Load(const std::string& yaml) { return ScenarioLoader().LoadString(yaml, "lab.yaml"); }

TEST(ServerModeLoader, SpecExample) {
  auto r = Load(R"Y(name: lab_client
mode: server
listen: 127.0.0.1:1025
client: python3 smtp_client.py
timeout: 10s
strict: {crlf: true, pipelining: false}
points: 10
sessions: 2
steps:
  - reply: 220 lab.example.test ESMTP
  - expect: HELO *
    reply: 250 Hello
  - expect: {verb: MAIL, arg: "FROM:<*@*>"}
    reply: 250 OK
  - expect: {verb: RCPT}
    reply: 250 OK
    points: 2
  - expect: DATA
    reply: 354 End data with <CR><LF>.<CR><LF>
  - expect_data: {contains: My message, header: {Subject: "*"}, regex: "^Subject", equals: x}
    reply: 250 OK queued
  - expect: {regex: "^QUIT$"}
    reply: |-
      221-Bye
      221 now
  - expect_close: true
)Y");
  ASSERT_TRUE(r.ok()) << r.ErrorText();
  const Scenario& s = *r.scenario;
  EXPECT_EQ(s.mode, ScenarioMode::kServer);
  EXPECT_EQ(s.listen, "127.0.0.1:1025");
  EXPECT_EQ(s.client, "python3 smtp_client.py");
  EXPECT_EQ(s.timeout, Duration(10000));
  EXPECT_TRUE(s.strict.crlf);
  EXPECT_FALSE(s.strict.pipelining);
  EXPECT_TRUE(s.strict.quit);
  EXPECT_EQ(s.points, 10.0);
  EXPECT_EQ(s.sessions, 2);
  ASSERT_EQ(s.steps.size(), 8u);
  EXPECT_EQ(s.steps[0].kind, StepKind::kReply);
  EXPECT_EQ(s.steps[0].text, "220 lab.example.test ESMTP");
  EXPECT_EQ(s.steps[1].kind, StepKind::kExpectCommand);
  EXPECT_EQ(s.steps[1].command.glob, "HELO *");
  EXPECT_EQ(s.steps[1].text, "250 Hello");
  EXPECT_EQ(s.steps[1].command.pos.line, 11);
  EXPECT_EQ(s.steps[1].command.pos.column, 13);
  EXPECT_EQ(s.steps[5].data.pos.line, 20);
  EXPECT_EQ(s.steps[2].command.verb, "MAIL");
  EXPECT_EQ(s.steps[2].command.arg, "FROM:<*@*>");
  EXPECT_EQ(s.steps[3].points, 2.0);
  EXPECT_EQ(s.steps[5].kind, StepKind::kExpectData);
  EXPECT_EQ(s.steps[5].data.contains, std::vector<std::string>{"My message"});
  EXPECT_EQ(s.steps[5].data.headers.at("Subject"), "*");
  EXPECT_EQ(s.steps[5].data.regex, "^Subject");
  EXPECT_EQ(s.steps[5].data.equals, "x");
  EXPECT_EQ(s.steps[6].command.regex, "^QUIT$");
  EXPECT_EQ(s.steps[6].text, "221-Bye\n221 now");
  EXPECT_EQ(s.steps[7].kind, StepKind::kExpectClose);
}

TEST(ServerModeLoader, ReplyWithStarOrBareCodeGetsStandardText) {
  auto r = Load(
      "mode: server\nsteps:\n  - reply: 220 *\n  - expect: QUIT\n    reply: '221'\n"
      "  - expect: EHLO *\n    reply: [250-lab, 250-PIPELINING, 250 SIZE]\n");
  ASSERT_TRUE(r.ok()) << r.ErrorText();
  EXPECT_EQ(r.scenario->steps[0].text, "220 smtp-harness ESMTP ready");
  EXPECT_EQ(r.scenario->steps[1].text, "221 Bye");
  EXPECT_EQ(r.scenario->steps[2].text, "250-lab\n250-PIPELINING\n250 SIZE");
}

TEST(ServerModeLoader, StepsOfTheWrongModeAreReported) {
  auto r = Load(R"Y(mode: server
target: fake
steps:
  - send: HELO x
  - reply: 99 nope
  - expect_data: {contain: x}
    reply: 250 OK
  - expect: ""
)Y");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.ErrorText(),
            "lab.yaml:2:1: 'target' applies only to client mode, but this scenario is in server "
            "mode\n"
            "lab.yaml:4:5: 'send' is a client-mode step key, but this scenario is in server mode\n"
            "lab.yaml:4:5: step has no action (one of reply, expect, expect_data, expect_close, "
            "auth)\n"
            "lab.yaml:5:12: reply '99 nope' must start with a code from 200 to 599\n"
            "lab.yaml:6:19: unknown key 'contain' in expect_data (did you mean 'contains'?)\n"
            "lab.yaml:8:13: expect: empty command pattern");
}

TEST(ServerModeLoader, ClientModeRejectsServerKeys) {
  auto r = Load("listen: 127.0.0.1:25\nsteps:\n  - reply: 220 hi\n");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.ErrorText(),
            "lab.yaml:1:1: 'listen' applies only to server mode, but this scenario is in client "
            "mode (add 'mode: server')\n"
            "lab.yaml:3:5: 'reply' is a server-mode step key, but this scenario is in client mode "
            "(add 'mode: server')\n"
            "lab.yaml:3:5: step has no action (one of send, send_raw, pipeline, data, data_raw, "
            "starttls, auth, mail, sleep, expect_close, or expect)");
}

}  // namespace
}  // namespace smtp

namespace smtp {
namespace {

TEST(ServerModeLoaderClientShell, LoadsAndDefaultsToNoShell) {
  ScenarioLoader loader;
  auto with = loader.LoadString(
      "mode: server\nclient: python3 c.py | tee log\nclient_shell: true\nsteps:\n  - reply: 220\n",
      "s.yaml");
  ASSERT_TRUE(with.ok()) << with.ErrorText();
  EXPECT_TRUE(with.scenario->client_shell);
  auto without =
      loader.LoadString("mode: server\nclient: python3 c.py\nsteps:\n  - reply: 220\n", "s.yaml");
  ASSERT_TRUE(without.ok()) << without.ErrorText();
  EXPECT_FALSE(without.scenario->client_shell);
  auto bad =
      loader.LoadString("mode: server\nclient_shell: maybe\nsteps:\n  - reply: 220\n", "s.yaml");
  EXPECT_FALSE(bad.ok());
}

}  // namespace
}  // namespace smtp

namespace smtp {
namespace {

TEST(ServerModeLoaderPacing, DelaySplitAdvertiseSizeAndMaxLineLength) {
  auto r = Load(R"Y(mode: server
server: {advertise_size: false, max_message_size: 1MB}
steps:
  - reply: 220 x.test
    delay: 400ms
  - expect: EHLO *
    reply: ["250-x.test", "250 HELP"]
    split: {bytes: 16, delay: 40ms}
  - expect: MAIL *
    split: 3
  - expect: DATA
  - expect_data: {max_line_length: 1000}
)Y");
  ASSERT_TRUE(r.ok()) << r.ErrorText();
  const Scenario& s = *r.scenario;
  EXPECT_FALSE(s.server.advertise_size);
  EXPECT_EQ(s.server.max_message_size, 1024u * 1024u);
  EXPECT_EQ(s.steps[0].reply_delay, Duration(400));
  EXPECT_EQ(s.steps[1].split_bytes, 16u);
  EXPECT_EQ(s.steps[1].split_delay, Duration(40));
  EXPECT_EQ(s.steps[2].split_bytes, 3u);
  EXPECT_EQ(s.steps[2].split_delay, Duration(0));
  EXPECT_EQ(s.steps[4].data.max_line_length, 1000u);
}

TEST(ServerModeLoaderPacing, BadPacingIsReported) {
  auto r = Load(R"Y(mode: server
server: {hostname: x.test}
steps:
  - reply: 220 x.test
    split: {delay: 40ms}
  - expect: EHLO *
    split: 0
  - expect_close: true
    delay: 1s
  - expect_data: {max_line_length: 2}
)Y");
  ASSERT_FALSE(r.ok());
  const std::string e = r.ErrorText();
  EXPECT_NE(e.find("'hostname': in server mode only 'tls', 'max_message_size' and "
                   "'advertise_size' of the server block apply"),
            std::string::npos)
      << e;
  EXPECT_NE(e.find("split: needs bytes"), std::string::npos) << e;
  EXPECT_NE(e.find("expect_close: sends no reply, so it takes no delay or split"),
            std::string::npos)
      << e;
  EXPECT_NE(e.find("max_line_length"), std::string::npos) << e;
  EXPECT_NE(e.find(":7:"), std::string::npos) << e;  // split: 0
}

TEST(ServerModeLoaderPacing, ClientModeRejectsPacingKeys) {
  auto r = Load("steps:\n  - send: NOOP\n    delay: 1s\n");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.ErrorText().find("'delay' is a server-mode step key"), std::string::npos)
      << r.ErrorText();
}

}  // namespace
}  // namespace smtp
