// `record` round trips with seven real clients from Debian (curl, msmtp,
// swaks, Python smtplib, Perl Net::SMTP, Ruby net/smtp, s-nail). Each client
// sends one session through `record` to `smtp-harness serve` and to the
// private Postfix (ci/postfix), and then:
//   (a) `run` of the recording against the same server passes;
//   (b) `grade` of the `--mode server` recording with the same client passes;
//   (c) `run` of the `--generalise code` recording against aiosmtpd passes.
// Between them: STARTTLS (--tls-intercept: msmtp, swaks, Ruby, Python,
// s-nail; serve only: the CI Postfix has no TLS), AUTH (msmtp PLAIN, swaks
// LOGIN, Ruby PLAIN; its credentials come from SMTP_HARNESS_USER/PASSWORD on
// replay), several recipients (curl, Perl), a body line starting with "."
// (curl, Python, Perl), Date:/Message-ID: made at sending time (s-nail, msmtp),
// bodies ending in blank lines and a Subject with the date in it (swaks's
// default), and BDAT (Python's low-level calls;
// none of the others can send it). One CTest entry per client, so CTest
// runs them in parallel.
#include <gtest/gtest.h>

#include <functional>

#include "tests/e2e/record_support.h"

namespace smtp::e2e {
namespace {

const char* kUser = "tester";
const char* kPassword = "test-secret";  // ci/aiosmtpd's, so (c) can replay AUTH there

struct Client {
  std::string name;
  bool tls_auth = false;  // STARTTLS (and AUTH, if `auth`) where the server offers it
  // The shell command for a server on `port` ("$SMTP_HARNESS_PORT" under grade);
  // `secure`: the server offers STARTTLS and AUTH.
  std::function<std::string(const std::string& port, bool secure)> command;
  // What the client-mode recording must hold, so each feature is seen to
  // happen: always, and in a secure session (TLS is checked for all).
  std::vector<std::string> shows = {};
  std::vector<std::string> shows_secure = {};
  std::vector<std::string> shows_server = {};  // in the --mode server recording
};

class RecordClientsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeSharedTempDir("record-clients");
    std::string domain = EnvOr("POSTFIX_DOMAIN", "postfix.smtp-harness.test");
    bob_ = "bob@" + domain;
    alice_ = "alice@" + domain;
    carol_ = "carol@" + domain;
  }
  void TearDown() override {
    if (!HasFailure()) std::filesystem::remove_all(dir_);
  }

  std::string Path(const std::string& name) const { return (dir_ / name).string(); }

  // Records one session of `client`; returns the file's text.
  std::string Record(const Client& client, const std::string& upstream, bool secure,
                     const std::string& out, std::vector<std::string> extra) {
    if (secure) extra.push_back("--tls-intercept");
    Recorder rec(dir_, upstream, Path(out), extra, out + ".record");
    EXPECT_GT(rec.port(), 0) << rec.Stderr();
    if (rec.port() == 0) return "";
    ProcResult c = Shell(client.command(std::to_string(rec.port()), secure));
    EXPECT_EQ(c.exit_code, 0) << client.name << ": " << c.out << c.err;
    int status = rec.Wait();
    EXPECT_EQ(status, 0) << rec.Stderr();
    return ReadFile(dir_ / out);
  }

  std::map<std::string, std::string> CredentialsEnv() const {
    return {{"SMTP_HARNESS_USER", kUser}, {"SMTP_HARNESS_PASSWORD", kPassword}};
  }

  ProcResult Run(const std::string& file, const std::string& target) {
    return Exec({SMTP_HARNESS_BINARY, "run", Path(file), "--target", target, "--report",
                 Path(file + ".report.json")},
                CredentialsEnv());
  }

  ProcResult Grade(const std::string& file, const Client& client, bool secure) {
    std::string command = client.command("$SMTP_HARNESS_PORT", secure);
    return Exec({SMTP_HARNESS_BINARY, "grade", Path(file), "--port", "0", "--report",
                 Path(file + ".report.json"), "--", "/bin/sh", "-c", command},
                CredentialsEnv());
  }

  // (a), (b) and (c) against one upstream.
  void RoundTrip(const Client& client, const std::string& upstream, bool secure,
                 const std::string& tag, const std::string& aiosmtpd) {
    SCOPED_TRACE(client.name + " through " + upstream);
    std::string a = Record(client, upstream, secure, tag + "-a.yaml", {});
    std::vector<std::string> shows = client.shows;
    if (secure) {
      shows.insert(shows.end(), client.shows_secure.begin(), client.shows_secure.end());
      shows.push_back("# TLS intercepted: recording the decrypted session");
    }
    for (const auto& s : shows) EXPECT_NE(a.find(s), std::string::npos) << s << " in\n" << a;
    ProcResult ra = Run(tag + "-a.yaml", upstream);
    EXPECT_EQ(ra.exit_code, 0) << "(a) run against " << upstream << "\n"
                               << ra.out << ra.err << "\n"
                               << a;

    std::string b = Record(client, upstream, secure, tag + "-b.yaml", {"--mode", "server"});
    for (const auto& s : client.shows_server)
      EXPECT_NE(b.find(s), std::string::npos) << s << " in\n" << b;
    ProcResult rb = Grade(tag + "-b.yaml", client, secure);
    EXPECT_EQ(rb.exit_code, 0) << "(b) grade\n" << rb.out << rb.err << "\n" << b;

    std::string c = Record(client, upstream, secure, tag + "-c.yaml", {"--generalise", "code"});
    ProcResult rc = Run(tag + "-c.yaml", "smtp://" + aiosmtpd);
    EXPECT_EQ(rc.exit_code, 0) << "(c) run against aiosmtpd\n" << rc.out << rc.err << "\n" << c;
  }

  void CheckClient(const Client& client) {
    REQUIRE_REAL_SERVER("POSTFIX_SMTP", postfix);
    REQUIRE_REAL_SERVER("AIOSMTPD_SMTP", aiosmtpd);
    std::vector<std::string> args;
    if (client.tls_auth) args = {"--starttls", "--auth-user", std::string(kUser) + ":" + kPassword};
    Serve serve(args, "record-clients-serve");
    ASSERT_GT(serve.port(), 0);
    RoundTrip(client, "smtp://127.0.0.1:" + std::to_string(serve.port()), client.tls_auth, "serve",
              aiosmtpd);
    RoundTrip(client, "smtp://" + postfix, false, "postfix", aiosmtpd);
  }

  std::filesystem::path dir_;
  std::string bob_, alice_, carol_;
};

TEST_F(RecordClientsTest, Curl) {
  WriteShared(dir_ / "curl.eml",
              "Subject: curl\r\nFrom: alice@example.test\r\n\r\nthree recipients\r\n"
              ".a line that starts with a dot\r\n");
  CheckClient({"curl",
               false,
               [this](const std::string& port, bool) {
                 return ShellWords({"/usr/bin/curl", "-sS", "--max-time", "20", "--url",
                                    "smtp://127.0.0.1:" + port + "/client.example.test",
                                    "--mail-from", "alice@example.test", "--mail-rcpt", bob_,
                                    "--mail-rcpt", alice_, "--mail-rcpt", carol_, "--upload-file",
                                    Path("curl.eml")});
               },
               {"C: RCPT TO:<bob@", "C: RCPT TO:<alice@", "C: RCPT TO:<carol@",
                "C: ..a line that starts with a dot"},
               {}});
}

TEST_F(RecordClientsTest, Msmtp) {
  WriteShared(dir_ / "msmtp.eml", "Subject: msmtp\nFrom: alice@example.test\n\nover TLS\n");
  CheckClient({"msmtp",
               true,
               [this](const std::string& port, bool secure) {
                 std::vector<std::string> w = {"/usr/bin/msmtp", "--host=127.0.0.1",
                                               "--port=" + port, "--domain=client.example.test",
                                               "--from=alice@example.test"};
                 if (secure) {
                   w.insert(w.end(), {"--tls=on", "--tls-starttls=on", "--tls-certcheck=off",
                                      "--auth=on", std::string("--user=") + kUser,
                                      std::string("--passwordeval=echo ") + kPassword});
                 } else {
                   w.insert(w.end(), {"--tls=off", "--auth=off"});
                 }
                 w.push_back(bob_);
                 return ShellWords(w) + " < " + ShellWords({Path("msmtp.eml")});
               },
               {"EHLO client.example.test", "Message-ID: <"},
               {"  - auth: {mechanism: "}});
}

TEST_F(RecordClientsTest, Swaks) {
  CheckClient({"swaks",
               true,
               [this](const std::string& port, bool secure) {
                 std::vector<std::string> w = {"/usr/bin/swaks",
                                               "--server",
                                               "127.0.0.1:" + port,
                                               "--from",
                                               "alice@example.test",
                                               "--to",
                                               bob_,
                                               "--helo",
                                               "client.example.test",
                                               "--body",
                                               "hello from swaks",
                                               "--timeout",
                                               "20"};
                 if (secure) {
                   w.insert(w.end(), {"--tls", "--auth", "LOGIN", "--auth-user", kUser,
                                      "--auth-password", kPassword});
                 }
                 return ShellWords(w) + " >/dev/null";
               },
               {"hello from swaks", "Subject: test "},
               {"  - auth: {mechanism: LOGIN, "},
               {"Subject: test *"}});
}

const char* kPython = R"(import smtplib, ssl, sys
port, secure, rcpt = int(sys.argv[1]), sys.argv[2] == "tls", sys.argv[3]
s = smtplib.SMTP("127.0.0.1", port, local_hostname="client.example.test", timeout=20)
if secure:
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    s.starttls(context=ctx)
s.sendmail("alice@example.test", [rcpt], "Subject: smtplib\r\n\r\nCosts $5.\r\n.leading dot\r\n")
s.quit()
)";

TEST_F(RecordClientsTest, PythonSmtplib) {
  WriteShared(dir_ / "client.py", kPython);
  CheckClient({"python smtplib",
               true,
               [this](const std::string& port, bool secure) {
                 return ShellWords(
                     {"/usr/bin/python3", Path("client.py"), port, secure ? "tls" : "plain", bob_});
               },
               {"..leading dot", "$$5"},
               {}});
}

const char* kPerl = R"(use strict; use Net::SMTP;
my ($port, $rcpt1, $rcpt2) = @ARGV;
my $s = Net::SMTP->new("127.0.0.1", Port => $port, Hello => "client.example.test", Timeout => 20)
  or die "connect: $@";
$s->mail('alice@example.test') or die "MAIL: " . $s->message;
$s->to($rcpt1, $rcpt2) or die "RCPT: " . $s->message;
$s->data() or die "DATA: " . $s->message;
$s->datasend("Subject: Net::SMTP\n\n.leading dot\ntwo recipients\n");
$s->dataend() or die "end: " . $s->message;
$s->quit;
)";

TEST_F(RecordClientsTest, PerlNetSmtp) {
  WriteShared(dir_ / "client.pl", kPerl);
  CheckClient({"perl Net::SMTP",
               false,
               [this](const std::string& port, bool) {
                 return ShellWords({"/usr/bin/perl", Path("client.pl"), port, bob_, carol_});
               },
               {"C: RCPT TO:<bob@", "C: RCPT TO:<carol@", "C: ..leading dot"},
               {}});
}

const char* kRuby = R"(require "net/smtp"
require "openssl"
port, secure, rcpt, user, password = ARGV[0].to_i, ARGV[1] == "tls", ARGV[2], ARGV[3], ARGV[4]
smtp = Net::SMTP.new("127.0.0.1", port)
smtp.open_timeout = 20
smtp.read_timeout = 20
if secure
  ctx = OpenSSL::SSL::SSLContext.new
  ctx.verify_mode = OpenSSL::SSL::VERIFY_NONE
  smtp.enable_starttls(ctx)
  smtp.start("client.example.test", user, password, :plain) do |s|
    s.send_message("Subject: net/smtp\r\n\r\nfrom Ruby over TLS\r\n", "alice@example.test", [rcpt])
  end
else
  smtp.start("client.example.test") do |s|
    s.send_message("Subject: net/smtp\r\n\r\nfrom Ruby\r\n", "alice@example.test", [rcpt])
  end
end
)";

TEST_F(RecordClientsTest, RubyNetSmtp) {
  WriteShared(dir_ / "client.rb", kRuby);
  CheckClient({"ruby net/smtp",
               true,
               [this](const std::string& port, bool secure) {
                 return ShellWords({"/usr/bin/ruby", Path("client.rb"), port,
                                    secure ? "tls" : "plain", bob_, kUser, kPassword});
               },
               {"from Ruby"},
               {"  - auth: {mechanism: PLAIN, "}});
}

TEST_F(RecordClientsTest, SNail) {
  CheckClient({"s-nail",
               true,
               [this](const std::string& port, bool secure) {
                 std::vector<std::string> w = {"/usr/bin/s-nail",
                                               "-:/",
                                               "-S",
                                               "v15-compat",
                                               "-S",
                                               "mta=smtp://127.0.0.1:" + port,
                                               "-S",
                                               "smtp-auth=none",
                                               "-S",
                                               "hostname=client.example.test",
                                               "-S",
                                               "from=alice@example.test",
                                               "-s",
                                               "s-nail subject"};
                 if (secure)
                   w.insert(w.end(), {"-S", "smtp-use-starttls", "-S", "tls-verify=ignore"});
                 w.push_back(bob_);
                 return "echo 'sent by s-nail' | " + ShellWords(w);
               },
               {"C: Date: ", "C: Message-ID: <", "C: sent by s-nail"},
               {}});
}

const char* kPythonBdat = R"(import smtplib, sys
port, rcpt = int(sys.argv[1]), sys.argv[2]
s = smtplib.SMTP("127.0.0.1", port, local_hostname="client.example.test", timeout=20)
s.ehlo()
assert s.has_extn("chunking"), "no CHUNKING"
s.mail("alice@example.test")
s.rcpt(rcpt)
chunks = [b"Subject: bdat\r\n\r\n", b".not stuffed\r\nQUIT\r\n"]
for i, c in enumerate(chunks):
    last = " LAST" if i == len(chunks) - 1 else ""
    s.send(("BDAT %d%s\r\n" % (len(c), last)).encode() + c)
    code, text = s.getreply()
    assert code == 250, (code, text)
s.quit()
)";

// BDAT: Python's low-level calls (none of the seven clients sends BDAT by
// itself). (a) only: server mode cannot replay BDAT, and aiosmtpd has no
// CHUNKING.
TEST_F(RecordClientsTest, PythonBdat) {
  REQUIRE_REAL_SERVER("POSTFIX_SMTP", postfix);
  WriteShared(dir_ / "bdat.py", kPythonBdat);
  Client client{"python BDAT", false, [this](const std::string& port, bool) {
                  return ShellWords({"/usr/bin/python3", Path("bdat.py"), port, bob_});
                }};
  Serve serve({}, "record-bdat-serve");
  ASSERT_GT(serve.port(), 0);
  int n = 0;
  for (std::string upstream :
       {"smtp://127.0.0.1:" + std::to_string(serve.port()), "smtp://" + postfix}) {
    std::string file = "bdat-" + std::to_string(++n) + ".yaml";
    std::string yaml = Record(client, upstream, false, file, {});
    EXPECT_NE(yaml.find("  - send_raw: \"BDAT 17\\r\\nSubject: bdat\\r\\n\\r\\n\"\n"),
              std::string::npos)
        << yaml;
    EXPECT_NE(yaml.find("  - send_raw: \"BDAT 20 LAST\\r\\n.not stuffed\\r\\nQUIT\\r\\n\"\n"),
              std::string::npos)
        << yaml;
    ProcResult r = Run(file, upstream);
    EXPECT_EQ(r.exit_code, 0) << upstream << "\n" << r.out << r.err << "\n" << yaml;
  }
}

}  // namespace
}  // namespace smtp::e2e
