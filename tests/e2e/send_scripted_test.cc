// `send` against a scripted server (tests/fixtures/scripted_smtp.py): every
// exit status, the error message with the server's reply, PIPELINING,
// SIZE, CHUNKING, HELO fallback, IPv6, timeouts and a hostile reply.
#include <gtest/gtest.h>

#include <algorithm>

#include "tests/e2e/send_support.h"

namespace smtp::send_e2e {
namespace {

std::vector<std::string> Basic(int port, const std::string& host = "127.0.0.1") {
  std::string server = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return {"--server",  server + ":" + std::to_string(port),
          "--from",    "alice@example.test",
          "--to",      "bob@example.test",
          "--helo",    "[127.0.0.1]",
          "--body",    "hello",
          "--timeout", "5s"};
}

// Basic() sending the raw fixture instead of --body.
std::vector<std::string> Raw(int port) {
  auto a = Basic(port);
  auto it = std::find(a.begin(), a.end(), "--body");
  a.erase(it, it + 2);
  a.push_back("--raw-file");
  a.push_back(Fixture("send_raw_message.eml"));
  return a;
}

std::vector<std::string> With(std::vector<std::string> a, std::initializer_list<std::string> more) {
  a.insert(a.end(), more);
  return a;
}

class SendScripted : public ::testing::Test {
 protected:
  std::string record_ = ::testing::TempDir() + "send_scripted_" +
                        ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".bin";
  void SetUp() override { std::filesystem::remove(record_); }
  std::unique_ptr<PortProcess> Server(std::vector<std::string> flags) {
    flags.push_back("--record");
    flags.push_back(record_);
    return StartScripted(flags);
  }
  std::string Received() { return ReadAll(record_); }
};

TEST_F(SendScripted, SuccessPrintsOneLine) {
  auto s = Server({});
  auto r = Send(Basic(s->port()));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "sent to 127.0.0.1:" + std::to_string(s->port()) +
                       ": 250 2.0.0 Ok: queued as SCRIPTED1 (1 of 1 recipients accepted)\n");
  EXPECT_EQ(r.err, "");
  EXPECT_NE(Received().find("EHLO [127.0.0.1]\r\nMAIL FROM:<alice@example.test>\r\n"),
            std::string::npos);
}

TEST_F(SendScripted, ConnectRefusedExits20) {
  int port = FreePort();
  auto r = Send(Basic(port));
  EXPECT_EQ(r.exit_code, 20);
  EXPECT_EQ(r.err, "smtp-harness send: connect failed (127.0.0.1:" + std::to_string(port) +
                       "): cannot connect: cannot connect to 127.0.0.1:" + std::to_string(port) +
                       ": Connection refused\n");
}

TEST_F(SendScripted, GreetingRefusedExits21) {
  auto s = Server({"--greeting", "554 5.3.2 no service here"});
  auto r = Send(Basic(s->port()));
  EXPECT_EQ(r.exit_code, 21);
  EXPECT_EQ(r.err, "smtp-harness send: greeting failed (127.0.0.1:" + std::to_string(s->port()) +
                       "): greeting refused: 554 5.3.2 no service here\n");
}

TEST_F(SendScripted, SilentGreetingTimesOutExits21) {
  auto s = Server({"--greeting", "none"});
  auto a = Basic(s->port());
  a.back() = "500ms";
  auto start = std::chrono::steady_clock::now();
  auto r = Send(a);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(4));
  EXPECT_EQ(r.exit_code, 21);
  EXPECT_NE(r.err.find("greeting failed"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("no greeting: no complete reply within 500ms"), std::string::npos) << r.err;
}

TEST_F(SendScripted, EhloFallsBackToHelo) {
  auto s = Server({"--reply", "EHLO=502 5.5.2 EHLO not implemented"});
  auto r = Send(Basic(s->port()));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(
      Received().find("EHLO [127.0.0.1]\r\nHELO [127.0.0.1]\r\nMAIL FROM:<alice@example.test>\r\n"),
      std::string::npos);
}

TEST_F(SendScripted, EhloAndHeloRefusedExits22) {
  auto s = Server({"--reply", "EHLO=550 5.7.1 not you", "--reply", "HELO=550 5.7.1 still not you"});
  auto r = Send(Basic(s->port()));
  EXPECT_EQ(r.exit_code, 22);
  EXPECT_NE(
      r.err.find(
          "ehlo failed (127.0.0.1:" + std::to_string(s->port()) +
          "): EHLO refused (550 5.7.1 not you), then HELO refused: 550 5.7.1 still not you\n"),
      std::string::npos)
      << r.err;
}

TEST_F(SendScripted, MailRefusedExits23) {
  auto s = Server({"--reply", "MAIL=553 5.1.8 sender domain does not exist"});
  auto r = Send(Basic(s->port()));
  EXPECT_EQ(r.exit_code, 23);
  EXPECT_NE(r.err.find(": MAIL FROM refused: 553 5.1.8 sender domain does not exist\n"),
            std::string::npos)
      << r.err;
}

TEST_F(SendScripted, OverSizeRefusedBeforeMailExits23) {
  auto s = Server({"--reply", "EHLO=250-scripted\\n250 SIZE 100"});
  auto r = Send(With(Basic(s->port()), {"--header", "X-Pad: " + std::string(200, 'p')}));
  EXPECT_EQ(r.exit_code, 23);
  EXPECT_NE(r.err.find("more than the server's SIZE limit of 100 (not sent; EHLO said SIZE 100)"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(Received().find("MAIL FROM"), std::string::npos);
}

TEST_F(SendScripted, SizeParameterSentWhenAdvertised) {
  auto s = Server({"--reply", "EHLO=250-scripted\\n250 SIZE 100000"});
  auto r = Send(Raw(s->port()));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  size_t size = ReadAll(Fixture("send_raw_message.eml")).size();  // the fixture uses CRLF
  EXPECT_NE(Received().find("MAIL FROM:<alice@example.test> SIZE=" + std::to_string(size) + "\r\n"),
            std::string::npos)
      << Received();
}

TEST_F(SendScripted, SomeRecipientsRejectedStillSends) {
  auto s = Server({"--reply", "RCPT TO:<nobody@example.test>=550 5.1.1 no such user"});
  auto r = Send(With(Basic(s->port()), {"--to", "nobody@example.test", "--json"}));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("\"accepted\":[\"bob@example.test\"]"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"rejected\":[{\"address\":\"nobody@example.test\",\"code\":550,"
                       "\"reply\":\"550 5.1.1 no such user\"}]"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("\"queue_id\":\"SCRIPTED1\""), std::string::npos);
}

TEST_F(SendScripted, NoRecipientAcceptedExits24) {
  auto s = Server({"--reply", "RCPT=550 5.1.1 no such user"});
  auto r = Send(With(Basic(s->port()), {"--to", "carol@example.test"}));
  EXPECT_EQ(r.exit_code, 24);
  EXPECT_NE(r.err.find("rcpt failed (127.0.0.1:" + std::to_string(s->port()) +
                       "): no recipient accepted (<bob@example.test>: 550 5.1.1 no such user; "
                       "<carol@example.test>: 550 5.1.1 no such user)\n"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(Received().find("DATA"), std::string::npos);
}

TEST_F(SendScripted, DataRefusedExits25) {
  auto s = Server({"--reply", "DATA=451 4.3.0 queue full"});
  auto r = Send(Basic(s->port()));
  EXPECT_EQ(r.exit_code, 25);
  EXPECT_NE(r.err.find(": DATA refused: 451 4.3.0 queue full\n"), std::string::npos) << r.err;
}

TEST_F(SendScripted, RefusedAfterFinalDotExits26) {
  auto s = Server({"--reply", "DOT=554 5.7.1 message looks like spam"});
  auto r = Send(Basic(s->port()));
  EXPECT_EQ(r.exit_code, 26);
  EXPECT_NE(r.err.find("final failed (127.0.0.1:" + std::to_string(s->port()) +
                       "): message refused: 554 5.7.1 message looks like spam\n"),
            std::string::npos)
      << r.err;
}

TEST_F(SendScripted, StartTlsNotOfferedExits28) {
  auto s = Server({});
  auto r = Send(With(Basic(s->port()), {"--starttls"}));
  EXPECT_EQ(r.exit_code, 28);
  EXPECT_NE(r.err.find("starttls failed (127.0.0.1:" + std::to_string(s->port()) +
                       "): the server does not advertise STARTTLS: 250 scripted / 250 8BITMIME / "
                       "250 ENHANCEDSTATUSCODES\n"),
            std::string::npos)
      << r.err;
}

TEST_F(SendScripted, StartTlsRefusedExits28) {
  auto s = Server({"--reply", "EHLO=250-scripted\\n250 STARTTLS"});
  auto r = Send(With(Basic(s->port()), {"--starttls=auto"}));
  EXPECT_EQ(r.exit_code, 28);
  EXPECT_NE(r.err.find(": STARTTLS refused: 454 4.7.0 TLS not available\n"), std::string::npos)
      << r.err;
}

TEST_F(SendScripted, AuthRefusedExits29AndPasswordStaysOutOfTranscript) {
  auto s = Server({"--reply", "EHLO=250-scripted\\n250 AUTH PLAIN LOGIN", "--reply",
                   "AUTH=535 5.7.8 authentication failed"});
  auto r = Send(With(Basic(s->port()), {"--auth-user", "alice", "--auth-password-env", "PW", "-v"}),
                {{"PW", "hunter2"}});
  EXPECT_EQ(r.exit_code, 29);
  EXPECT_NE(r.err.find("auth failed (127.0.0.1:" + std::to_string(s->port()) +
                       "): AUTH PLAIN refused: 535 5.7.8 authentication failed\n"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("C: AUTH PLAIN <redacted>\n"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("AGFsaWNlAGh1bnRlcjI="), std::string::npos);  // base64 of \0alice\0hunter2
  EXPECT_NE(Received().find("AUTH PLAIN AGFsaWNlAGh1bnRlcjI=\r\n"), std::string::npos);
}

TEST_F(SendScripted, PipelinesWhenAdvertised) {
  auto s = Server({"--reply", "EHLO=250-scripted\\n250 PIPELINING"});
  auto r = Send(With(Basic(s->port()), {"--to", "carol@example.test", "-v"}));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  // The transcript shows all commands before the first reply.
  EXPECT_NE(r.err.find("C: MAIL FROM:<alice@example.test>\nC: RCPT TO:<bob@example.test>\n"
                       "C: RCPT TO:<carol@example.test>\nC: DATA\nS: 250 2.1.0 Ok\n"),
            std::string::npos)
      << r.err;
}

TEST_F(SendScripted, ChunkingSendsBdat) {
  auto s = Server({"--reply", "EHLO=250-scripted\\n250 CHUNKING"});
  auto r = Send(With(Raw(s->port()), {"--chunking"}));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::string raw = ReadAll(Fixture("send_raw_message.eml"));
  EXPECT_NE(Received().find("BDAT " + std::to_string(raw.size()) + " LAST\r\n" + raw + "QUIT\r\n"),
            std::string::npos)
      << Received();
}

TEST_F(SendScripted, DotStuffingOnTheWire) {
  auto s = Server({});
  auto r = Send(Raw(s->port()));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(Received().find("\r\n..a line starting with a dot\r\n...two dots\r\n.\r\nQUIT\r\n"),
            std::string::npos)
      << Received();
}

TEST_F(SendScripted, Ipv6Server) {
  auto s = Server({"--listen", "::1"});
  auto r = Send(Basic(s->port(), "::1"));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("sent to [::1]:" + std::to_string(s->port()) + ": 250", 0), 0u) << r.out;
}

TEST_F(SendScripted, HostileTenMegabyteReplyIsAnErrorNotAMemoryBlowUp) {
  auto s = Server({"--flood", std::to_string(10 * 1024 * 1024)});
  auto r = Send(Basic(s->port()));
  EXPECT_EQ(r.exit_code, 21);
  EXPECT_NE(r.err.find("no greeting: reply longer than 4194304 bytes in total (cap: reply bytes)"),
            std::string::npos)
      << r.err;
}

TEST_F(SendScripted, ServerClosingMidSessionIsReported) {
  auto s = Server({"--close-after", "MAIL", "--reply", "MAIL=421 4.3.2 closing"});
  auto r = Send(Basic(s->port()));
  EXPECT_EQ(r.exit_code, 23);
  EXPECT_NE(r.err.find(": MAIL FROM refused: 421 4.3.2 closing\n"), std::string::npos) << r.err;
}

TEST_F(SendScripted, JsonOnFailureNamesThePhaseAndReply) {
  auto s = Server({"--reply", "DOT=452 4.3.1 insufficient storage"});
  auto r = Send(With(Basic(s->port()), {"--json"}));
  EXPECT_EQ(r.exit_code, 26);
  EXPECT_NE(r.out.find("\"phase\":\"final\""), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"exit_code\":26"), std::string::npos);
  EXPECT_NE(r.out.find("\"final_reply\":{\"code\":452,\"line\":\"452 4.3.1 insufficient storage\""),
            std::string::npos);
  EXPECT_NE(r.out.find("\"timings_ms\":{"), std::string::npos);
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1);
}

TEST(SendUsage, UsageErrorsExit2) {
  auto r = Send({"--from", "a@example.test", "--server", "127.0.0.1:1", "--body", "x"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "smtp-harness send: at least one --to (or --cc/--bcc) is required\n");
  r = Send({"--from", "a@example.test", "--to", "b@example.test", "--server", "127.0.0.1:99999",
            "--body", "x"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "smtp-harness send: --server: invalid port \"99999\" in 127.0.0.1:99999\n");
  r = Send({"--from", "a@example.test", "--to", "b@example.test", "--server", "127.0.0.1:1",
            "--body-file", "/nonexistent/body.txt"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err,
            "smtp-harness send: cannot read --body-file /nonexistent/body.txt: No such file or "
            "directory\n");
  r = Send({"--to", "b@example.test"});
  EXPECT_EQ(r.exit_code, 2);
  r = Send({"--from", "a@example.test", "--to", "b@one.test", "--to", "c@two.test", "--body", "x"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(
      r.err,
      "smtp-harness send: without --server, all recipients must be in one domain (MX delivery); "
      "got 2 domains: use --server or send once per domain\n");
  r = Send({"--from", "a@example.test", "--to", "b@example.test", "--server", "127.0.0.1:1",
            "--auth-user", "u", "--auth-password", "${env:SMTP_HARNESS_UNSET_VAR}", "--body", "x"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err,
            "smtp-harness send: --auth-password: environment variable SMTP_HARNESS_UNSET_VAR is "
            "not set\n");
}

TEST(SendUsage, HelpListsTheExitCodes) {
  auto r = Send({"--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("  24  no recipient accepted"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("  26  message refused after the final dot"), std::string::npos);
}

}  // namespace
}  // namespace smtp::send_e2e
