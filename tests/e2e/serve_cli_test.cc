// `smtp-harness serve` as a command: swaks as an independent client,
// --config rules, --once, exit statuses and messages.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "tests/e2e/serve_process.h"

namespace smtp::e2e {
namespace {

int Swaks(const std::vector<std::string>& args, std::string* output) {
  auto dir = MakeTempDir("swaks");
  std::vector<std::string> argv = {"/usr/bin/timeout", "20", "/usr/bin/swaks"};
  argv.insert(argv.end(), args.begin(), args.end());
  int status;
  {
    Process p(argv, dir, "swaks");
    status = p.Wait(std::chrono::seconds(25));
    *output = p.Stdout() + p.Stderr();
  }
  std::filesystem::remove_all(dir);
  return status;
}

TEST(ServeSwaks, AuthLoginAndDotStuffedBody) {
  auto dir = MakeTempDir("maildir");
  Serve serve({"--maildir", dir.string(), "--auth-user", "sw:secret", "--auth-required"});
  ASSERT_NE(serve.port(), 0);
  std::string out;
  std::string server = "127.0.0.1:" + std::to_string(serve.port());
  EXPECT_EQ(Swaks({"--server", server, "--helo", "127.0.0.1", "--from", "s@example.test", "--to",
                   "t@example.test", "--auth", "LOGIN", "--auth-user", "sw", "--auth-password",
                   "secret", "--data", "Subject: swaks\n\n.hidden dot\nend\n"},
                  &out),
            0)
      << out;
  // swaks dot-stuffs the line and ends the body with an empty line of its own.
  EXPECT_NE(
      out.find(" -> ..hidden dot\r\n -> end\r\n -> \r\n -> .\n<-  250 2.0.0 Ok: queued as 1.1\n"),
      std::string::npos)
      << out;
  // Wrong password: swaks reports the failure with its own exit status.
  EXPECT_NE(
      Swaks({"--server", server, "--helo", "127.0.0.1", "--from", "s@example.test", "--to",
             "t@example.test", "--auth", "PLAIN", "--auth-user", "sw", "--auth-password", "x"},
            &out),
      0);
  EXPECT_NE(out.find("535 5.7.8 Authentication credentials invalid"), std::string::npos) << out;
  EXPECT_EQ(serve.Stop(), 0);
  auto msgs = Messages(dir);
  ASSERT_EQ(msgs.size(), 1u);
  EXPECT_EQ(ReadFile(msgs[0]), "Subject: swaks\r\n\r\n.hidden dot\r\nend\r\n\r\n");
  std::filesystem::remove_all(dir);
}

TEST(ServeSwaks, Pipelining) {
  auto dir = MakeTempDir("maildir");
  Serve serve({"--maildir", dir.string()});
  ASSERT_NE(serve.port(), 0);
  std::string server = "127.0.0.1:" + std::to_string(serve.port());
  std::string out;
  EXPECT_EQ(Swaks({"--server", server, "--helo", "127.0.0.1", "--from", "p@example.test", "--to",
                   "q@example.test,r@example.test", "--pipeline", "--data", "pipelined\n"},
                  &out),
            0)
      << out;
  EXPECT_EQ(serve.Stop(), 0);
  auto msgs = Messages(dir);
  ASSERT_EQ(msgs.size(), 1u);
  EXPECT_NE(out.find(" -> DATA\n<-  250 2.1.0 Sender <p@example.test> OK\n"), std::string::npos)
      << out;
  EXPECT_EQ(ReadFile(msgs[0]), "pipelined\r\n\r\n\r\n");  // as swaks sends it
  EXPECT_NE(ReadFile(msgs[0].replace_extension(".envelope"))
                .find("rcpt_to: q@example.test\nrcpt_to: r@example.test\n"),
            std::string::npos);
  std::filesystem::remove_all(dir);
}

constexpr const char* kRulesYaml = R"Y(
server:
  hostname: rules.example.test
  max_recipients: 3
  rules:
    - when: "RCPT TO:<grey@*"
      reply: "450 4.2.0 Greylisted, try again later"
      times: 1
    - when: "/^RCPT TO:<nobody@/"
      reply: "550 5.1.1 No such user"
    - when: "MAIL FROM:<slow@*"
      reply: "250 2.1.0 Slow but fine"
      delay: 300ms
    - when: "VRFY *"
      reply: "421 4.3.0 Closing now"
      action: disconnect
    - on: message
      nth: 2
      reply: "451 4.3.0 Second message refused"
)Y";

constexpr const char* kRulesClient = R"PY(
import smtplib, sys, time
port = int(sys.argv[1])
def session():
    s = smtplib.SMTP('127.0.0.1', port, local_hostname='127.0.0.1', timeout=10)
    s.ehlo()
    return s
s = session()
try:
    s.sendmail('a@example.test', ['grey@example.test'], b'first try\r\n')
    raise SystemExit('greylisting did not refuse')
except smtplib.SMTPRecipientsRefused as e:
    assert e.recipients['grey@example.test'] == (450, b'4.2.0 Greylisted, try again later'), e.recipients
s.quit()
s = session()
s.sendmail('a@example.test', ['grey@example.test'], b'retry\r\n')   # message 1: accepted
try:
    s.sendmail('a@example.test', ['x@example.test'], b'second\r\n')  # message 2: refused
    raise SystemExit('nth message rule did not fire')
except smtplib.SMTPDataError as e:
    assert e.smtp_code == 451, e
s.sendmail('a@example.test', ['x@example.test'], b'third\r\n')
code, _ = s.rcpt('nobody@example.test') if s.mail('a@example.test')[0] == 250 else (0, 0)
assert code == 550, code
s.rset()
t0 = time.monotonic()
assert s.mail('slow@example.test') == (250, b'2.1.0 Slow but fine')
assert time.monotonic() - t0 >= 0.28, time.monotonic() - t0
s.rset()
code, text = s.docmd('VRFY someone')
assert (code, text) == (421, b'4.3.0 Closing now'), (code, text)
try:
    s.noop()
    raise SystemExit('still connected')
except smtplib.SMTPServerDisconnected:
    pass
print('ok')
)PY";

TEST(ServeRules, ConfigFileRulesAgainstSmtplib) {
  auto dir = MakeTempDir("rules");
  std::ofstream(dir / "server.yaml") << kRulesYaml;
  Serve serve({"--config", (dir / "server.yaml").string(), "--maildir", (dir / "mail").string()});
  ASSERT_NE(serve.port(), 0) << serve.process().Stderr();
  std::string out;
  EXPECT_EQ(RunPython(kRulesClient, {std::to_string(serve.port())}, &out), 0) << out;
  EXPECT_EQ(serve.Stop(), 0);
  auto msgs = Messages(dir / "mail");
  ASSERT_EQ(msgs.size(), 2u);
  EXPECT_EQ(ReadFile(msgs[0]), "retry\r\n");
  EXPECT_EQ(ReadFile(msgs[1]), "third\r\n");
  std::filesystem::remove_all(dir);
}

TEST(ServeCli, BadConfigIsAUsageError) {
  auto dir = MakeTempDir("badcfg");
  std::ofstream(dir / "bad.yaml")
      << "server:\n  rules:\n    - when: DATA\n      reply: 550 x\n      times: many\n";
  Process p({SMTP_HARNESS_BINARY, "serve", "--listen", "127.0.0.1:0", "--config",
             (dir / "bad.yaml").string()},
            dir, "serve");
  EXPECT_EQ(p.Wait(), 2);
  EXPECT_EQ(p.Stderr(),
            (dir / "bad.yaml").string() + ":5:14: times: expected an integer, got 'many'\n");
  std::filesystem::remove_all(dir);
}

TEST(ServeCli, CannotBindExits3NamingTheAddress) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::listen(fd, 1), 0);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  std::string listen = "127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
  auto dir = MakeTempDir("bind");
  Process p({SMTP_HARNESS_BINARY, "serve", "--listen", listen}, dir, "serve");
  EXPECT_EQ(p.Wait(), 3);
  EXPECT_EQ(p.Stderr(), "smtp-harness serve: cannot bind " + listen + ": Address already in use\n");
  ::close(fd);
  Process q({SMTP_HARNESS_BINARY, "serve", "--listen", "nowhere"}, dir, "serve2");
  EXPECT_EQ(q.Wait(), 2);
  EXPECT_EQ(q.Stderr(),
            "smtp-harness serve: --listen: expected HOST:PORT, got 'nowhere'; use an IP literal "
            "such as 127.0.0.1:2525 or [::1]:2525\n");
  Process r({SMTP_HARNESS_BINARY, "serve", "--listen", "mail.test:2525"}, dir, "serve3");
  EXPECT_EQ(r.Wait(), 2);
  EXPECT_EQ(r.Stderr(),
            "smtp-harness serve: --listen: 'mail.test' is not an IP address (names are not looked "
            "up); use an IP literal such as 127.0.0.1:2525 or [::1]:2525\n");
  std::filesystem::remove_all(dir);
}

// `localhost` is 127.0.0.1, decided without DNS: one listener, no warning.
TEST(ServeCli, ListenLocalhostIsLoopback) {
  auto dir = MakeTempDir("localhost");
  Process p({SMTP_HARNESS_BINARY, "serve", "--listen", "localhost:0", "--once"}, dir, "serve");
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline && p.Running() &&
         p.Stdout().find("listening on 127.0.0.1:") == std::string::npos) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_NE(p.Stdout().find("listening on 127.0.0.1:"), std::string::npos)
      << p.Stdout() << p.Stderr();
  EXPECT_EQ(p.Stderr().find("warning"), std::string::npos) << p.Stderr();
  p.Signal(SIGTERM);
  EXPECT_EQ(p.Wait(), 0);
  std::filesystem::remove_all(dir);
}

constexpr const char* kOneSession = R"PY(
import smtplib, sys
s = smtplib.SMTP('127.0.0.1', int(sys.argv[1]), local_hostname='127.0.0.1', timeout=10)
s.sendmail('a@example.test', ['b@example.test'], b'once\r\n')
s.quit()
)PY";

TEST(ServeCli, OnceExitsAfterOneSession) {
  Serve serve({"--once", "-v"});
  ASSERT_NE(serve.port(), 0);
  std::string out;
  EXPECT_EQ(RunPython(kOneSession, {std::to_string(serve.port())}, &out), 0) << out;
  EXPECT_EQ(serve.process().Wait(std::chrono::seconds(5)), 0);
  std::string stdout_text = serve.process().Stdout();
  EXPECT_NE(stdout_text.find("from=<a@example.test> to=<b@example.test> size=6 file=-"),
            std::string::npos)
      << stdout_text;
  EXPECT_NE(stdout_text.find("--once: the session ended; 1 session(s), 1 message(s) accepted"),
            std::string::npos)
      << stdout_text;
  std::string transcript = serve.process().Stderr();
  EXPECT_NE(transcript.find("#1 C mail FROM:<a@example.test>"), std::string::npos) << transcript;
  EXPECT_NE(transcript.find("#1 S 250 2.0.0 Ok: queued as 1.1"), std::string::npos) << transcript;
}

TEST(ServeCli, IdleTimeoutAndMaxSessionsFlags) {
  Serve serve({"--idle-timeout", "200ms", "--max-sessions", "1"});
  ASSERT_NE(serve.port(), 0);
  constexpr const char* kClient = R"PY(
import socket, sys, time
port = int(sys.argv[1])
a = socket.create_connection(('127.0.0.1', port), timeout=5)
assert a.recv(200).startswith(b'220 ')
b = socket.create_connection(('127.0.0.1', port), timeout=5)
got = b.recv(200)
assert got == b'421 4.3.2 Too many connections, try again later\r\n', got
assert b.recv(10) == b''
t0 = time.monotonic()
got = a.recv(200)
assert got.startswith(b'421 ') and b'timeout' in got, got
assert time.monotonic() - t0 < 2
print('ok')
)PY";
  std::string out;
  EXPECT_EQ(RunPython(kClient, {std::to_string(serve.port())}, &out), 0) << out;
  EXPECT_EQ(serve.Stop(), 0);
}

}  // namespace
}  // namespace smtp::e2e
