// `send` against a private Postfix (started by ci/postfix): the message must
// arrive in the recipient's maildir byte-exact (Postfix stores LF line ends
// and prepends Return-Path/X-Original-To/Delivered-To/Received; nothing
// else may differ).
// Skipped when POSTFIX_SMTP is not set, unless SMTP_HARNESS_REQUIRE_REAL_SERVERS=1.
#include <gtest/gtest.h>

#include <random>

#include "tests/e2e/send_support.h"

namespace smtp::send_e2e {
namespace {

std::string UniqueToken() {
  std::random_device rd;
  return "tok" + std::to_string(rd()) + "x" + std::to_string(getpid());
}

std::string CrlfToLf(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\r' && i + 1 < s.size() && s[i + 1] == '\n') continue;
    out += s[i];
  }
  return out;
}

// The delivered file in USER's maildir containing `token`; waits up to 15 s
// (Postfix delivers asynchronously, within a second or two).
std::string WaitForDelivery(const std::string& user, const std::string& token) {
  std::string dir = Env("POSTFIX_MAILDIR") + "/" + user + "/new";
  for (int i = 0; i < 150; ++i) {
    if (std::filesystem::exists(dir)) {
      for (const auto& e : std::filesystem::directory_iterator(dir)) {
        std::string content = ReadAll(e.path());
        if (content.find(token) != std::string::npos) return content;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return "";
}

// Checks that `stored` is Postfix's own trace headers followed by exactly
// `sent` (with LF line endings).
void ExpectByteExact(const std::string& stored, const std::string& sent) {
  std::string want = CrlfToLf(sent);
  ASSERT_GE(stored.size(), want.size()) << stored;
  EXPECT_EQ(stored.substr(stored.size() - want.size()), want);
  std::string prefix = stored.substr(0, stored.size() - want.size());
  std::istringstream lines(prefix);
  std::string line;
  while (std::getline(lines, line)) {
    bool trace = line.rfind("Return-Path: ", 0) == 0 || line.rfind("Delivered-To: ", 0) == 0 ||
                 line.rfind("X-Original-To: ", 0) == 0 || line.rfind("Received: ", 0) == 0 ||
                 line.rfind("\t", 0) == 0 || line.rfind(" ", 0) == 0;
    EXPECT_TRUE(trace) << "unexpected line added by the server: " << line;
  }
}

std::string WriteTemp(const std::string& name, const std::string& content) {
  std::string path = ::testing::TempDir() + name;
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

std::vector<std::string> Base(const std::string& server, const std::string& to) {
  return {"--server", server,   "--from",      "alice@example.test", "--to",
          to,         "--helo", "[127.0.0.1]", "--timeout",          "10s"};
}

std::string RawMessage(const std::string& token, const std::string& domain) {
  return "From: Alice <alice@example.test>\r\n"
         "To: bob@" +
         domain +
         "\r\n"
         "Subject: byte-exact " +
         token +
         "\r\n"
         "Message-ID: <" +
         token +
         "@example.test>\r\n"
         "MIME-Version: 1.0\r\n"
         "Content-Type: text/plain; charset=UTF-8\r\n"
         "Content-Transfer-Encoding: 8bit\r\n"
         "\r\n"
         "first line\r\n"
         ".a line starting with a dot\r\n"
         "..two dots\r\n"
         ".\r\n"  // a lone dot inside the message must not end it
         "trailing spaces   \r\n"
         "\tleading tab\r\n"
         "Gr\xc3\xbc\xc3\x9f"
         "e aus K\xc3\xb6ln\r\n" +
         std::string(990, 'L') +
         "\r\n"
         "\r\n"
         "last line\r\n";
}

TEST(SendPostfix, RawMessageArrivesByteExact) {
  SEND_E2E_REQUIRE_ENV(server, "POSTFIX_SMTP");
  std::string domain = Env("POSTFIX_DOMAIN");
  std::string token = UniqueToken();
  std::string raw = RawMessage(token, domain);
  auto a = Base(server, "bob@" + domain);
  a.insert(a.end(), {"--raw-file", WriteTemp(token + ".eml", raw), "--json"});
  auto r = Send(a);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("\"pipelining\":true"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"queue_id\":\""), std::string::npos);
  std::string stored = WaitForDelivery("bob", token);
  ASSERT_FALSE(stored.empty()) << "not delivered; see " << Env("POSTFIX_LOG");
  ExpectByteExact(stored, raw);
}

TEST(SendPostfix, RawMessageWithBdatArrivesByteExact) {
  SEND_E2E_REQUIRE_ENV(server, "POSTFIX_SMTP");
  std::string domain = Env("POSTFIX_DOMAIN");
  std::string token = UniqueToken();
  std::string raw = RawMessage(token, domain);
  auto a = Base(server, "bob@" + domain);
  a.insert(a.end(), {"--raw-file", WriteTemp(token + ".eml", raw), "--chunking", "-v"});
  auto r = Send(a);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("C: BDAT " + std::to_string(raw.size()) + " LAST\n"), std::string::npos)
      << r.err;
  std::string stored = WaitForDelivery("bob", token);
  ASSERT_FALSE(stored.empty()) << "not delivered; see " << Env("POSTFIX_LOG");
  ExpectByteExact(stored, raw);
}

TEST(SendPostfix, BuiltMessageWithUtf8SubjectAndAttachment) {
  SEND_E2E_REQUIRE_ENV(server, "POSTFIX_SMTP");
  std::string domain = Env("POSTFIX_DOMAIN");
  std::string token = UniqueToken();
  std::string attachment = WriteTemp(token + ".bin", std::string("\x00\x01\x02\xff binary", 11));
  auto a = Base(server, "alice@" + domain);
  a.insert(a.end(), {"--cc", "carol@" + domain, "--subject", "Grüße " + token, "--body",
                     "Hallo\n.dot\n", "--attach", attachment, "--header", "X-Token: " + token});
  auto r = Send(a);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("(2 of 2 recipients accepted)"), std::string::npos) << r.out;
  for (const char* user : {"alice", "carol"}) {
    std::string stored = WaitForDelivery(user, token);
    ASSERT_FALSE(stored.empty()) << user;
    EXPECT_NE(stored.find("\nSubject: =?UTF-8?B?"), std::string::npos) << stored;
    EXPECT_NE(stored.find("\nCc: carol@" + domain + "\n"), std::string::npos);
    EXPECT_NE(stored.find("Content-Type: multipart/mixed; boundary="), std::string::npos);
    EXPECT_NE(stored.find("filename=\"" + token +
                          ".bin\"\nContent-Transfer-Encoding: base64\n\nAAEC/yBiaW5hcnk=\n"),
              std::string::npos)
        << stored;
    EXPECT_NE(stored.find("\nHallo\n.dot\n"), std::string::npos);
  }
}

TEST(SendPostfix, UnknownRecipientRejectedOthersDelivered) {
  SEND_E2E_REQUIRE_ENV(server, "POSTFIX_SMTP");
  std::string domain = Env("POSTFIX_DOMAIN");
  std::string token = UniqueToken();
  auto a = Base(server, "nosuchuser@" + domain);
  a.insert(a.end(), {"--to", "bob@" + domain, "--body", token, "--json"});
  auto r = Send(a);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("\"rejected\":[{\"address\":\"nosuchuser@" + domain +
                       "\",\"code\":550,\"reply\":\"550 5.1.1 <nosuchuser@" + domain +
                       ">: Recipient address rejected: User unknown in virtual mailbox table\"}]"),
            std::string::npos)
      << r.out;
  EXPECT_FALSE(WaitForDelivery("bob", token).empty());
}

TEST(SendPostfix, NoKnownRecipientExits24WithPostfixReply) {
  SEND_E2E_REQUIRE_ENV(server, "POSTFIX_SMTP");
  std::string domain = Env("POSTFIX_DOMAIN");
  auto a = Base(server, "nosuchuser@" + domain);
  a.insert(a.end(), {"--body", "x"});
  auto r = Send(a);
  EXPECT_EQ(r.exit_code, 24);
  EXPECT_EQ(r.err, "smtp-harness send: rcpt failed (" + server +
                       "): no recipient accepted (<nosuchuser@" + domain +
                       ">: 550 5.1.1 <nosuchuser@" + domain +
                       ">: Recipient address rejected: User unknown in virtual mailbox table)\n");
}

TEST(SendPostfix, ForeignDomainIsRelayDenied) {
  SEND_E2E_REQUIRE_ENV(server, "POSTFIX_SMTP");
  // ci/postfix relays for nobody (no permit_mynetworks), so nothing gets
  // stuck in its queue trying to reach a domain that has no DNS here.
  auto a = Base(server, "someone@foreign.test");
  a.insert(a.end(), {"--body", "x"});
  auto r = Send(a);
  EXPECT_EQ(r.exit_code, 24);
  EXPECT_EQ(r.err, "smtp-harness send: rcpt failed (" + server +
                       "): no recipient accepted (<someone@foreign.test>: 554 5.7.1 "
                       "<someone@foreign.test>: Relay access denied)\n");
}

TEST(SendPostfix, MessageOverAdvertisedSizeIsRefusedBeforeMail) {
  SEND_E2E_REQUIRE_ENV(server, "POSTFIX_SMTP");
  std::string domain = Env("POSTFIX_DOMAIN");
  std::string body_file = WriteTemp(UniqueToken() + ".txt", std::string(10300000, 'x'));
  auto a = Base(server, "bob@" + domain);
  a.insert(a.end(), {"--body-file", body_file, "-v"});
  auto r = Send(a);
  EXPECT_EQ(r.exit_code, 23);
  EXPECT_NE(
      r.err.find(
          "more than the server's SIZE limit of 10240000 (not sent; EHLO said SIZE 10240000)"),
      std::string::npos);
  EXPECT_EQ(r.err.find("C: MAIL FROM"), std::string::npos);
}

}  // namespace
}  // namespace smtp::send_e2e
