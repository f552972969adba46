// Issue 17, item 1: SMTP smuggling against `serve`. Each of the seven
// near-miss terminators, followed by a smuggled MAIL/RCPT/DATA and the real
// <CRLF>.<CRLF>, in each --bare-newlines mode: the smuggled MAIL is never
// a command (but in `lax`, which emulates a vulnerable server), nothing of
// it is stored, and `serve -v` shows the bare bytes.
#include <gtest/gtest.h>

#include "tests/e2e/hostile_support.h"
#include "tests/e2e/serve_process.h"

namespace smtp::e2e {
namespace {

using std::chrono::seconds;

struct Variant {
  const char* name;
  const char* terminator;
  bool lax_ends_data;
};

const Variant kVariants[] = {
    {"<LF>.<LF>", "\n.\n", true},      {"<LF>.<CRLF>", "\n.\r\n", true},
    {"<CR>.<CR>", "\r.\r", false},     {"<CR>.<CRLF>", "\r.\r\n", false},
    {"<CRLF>.<CR>", "\r\n.\r", false}, {"<CRLF>.<LF>", "\r\n.\n", true},
    {"<CR>.<LF>", "\r.\n", false},
};

// Everything the server says to one attack, then whether NOOP still works.
std::string Attack(int port, const Variant& v, bool* closed) {
  TcpClient c(port);
  c.ReadReply();
  c.Send("EHLO x\r\nMAIL FROM:<a@x.test>\r\nRCPT TO:<b@x.test>\r\nDATA\r\n");
  std::string r;
  for (int i = 0; i < 4; ++i) r = c.ReadReply();
  EXPECT_EQ(r.substr(0, 4), "354 ") << r;
  c.Send(std::string("Subject: smuggling ") + v.name + "\r\n\r\nhello" + v.terminator +
         "MAIL FROM:<evil@x.test>\r\nRCPT TO:<victim@x.test>\r\nDATA\r\nsmuggled\r\n.\r\n");
  c.Send("NOOP\r\n");
  std::string all;
  while (true) {
    std::string one = c.ReadReply(std::chrono::milliseconds(1500));
    if (one.empty()) break;
    all += one;
    if (one.rfind("250 2.0.0 Ok\r\n", 0) == 0) break;  // NOOP's reply: done
  }
  *closed = c.ReadUntilClose(std::chrono::milliseconds(all.find("521") == 0 ? 2000 : 1));
  return all;
}

size_t Count(const std::string& s, const std::string& what) {
  size_t n = 0;
  for (size_t p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
  return n;
}

TEST(HostileSmuggling, EveryTerminatorInEveryMode) {
  for (const char* mode : {"reject", "disconnect", "normalize", "lax"}) {
    auto maildir = MakeTempDir(std::string("smuggle-") + mode);
    Serve serve({"--bare-newlines", mode, "--maildir", maildir.string(), "-v"},
                std::string("smuggle-") + mode);
    ASSERT_GT(serve.port(), 0) << serve.process().Stderr();
    size_t expected_messages = 0;
    for (const Variant& v : kVariants) {
      SCOPED_TRACE(std::string(mode) + " " + v.name);
      bool closed = false;
      std::string r = Attack(serve.port(), v, &closed);
      std::string m(mode);
      if (m == "reject") {
        EXPECT_EQ(r.rfind("554 5.6.0 Message refused: bare <", 0), 0u) << r;
        EXPECT_EQ(Count(r, "\r\n"), 2u) << r;  // one reply to the data, one to NOOP
      } else if (m == "disconnect") {
        EXPECT_EQ(r.rfind("521 5.5.2 Error: bare <", 0), 0u) << r;
        EXPECT_TRUE(closed);
      } else if (m == "normalize") {
        EXPECT_EQ(Count(r, "Ok: queued"), 1u) << r;  // one message, then NOOP's reply
        EXPECT_EQ(Count(r, "\r\n"), 2u) << r;
        ++expected_messages;
      } else if (v.lax_ends_data) {  // two messages: the second one smuggled
        EXPECT_EQ(Count(r, "Ok: queued"), 2u) << r;
        expected_messages += 2;
      } else {
        EXPECT_EQ(Count(r, "Ok: queued"), 1u) << r;
        ++expected_messages;
      }
    }
    EXPECT_EQ(serve.Stop(), 0);
    std::string log = serve.process().Stderr();
    EXPECT_NE(log.find(" C hello\\n"), std::string::npos) << log.substr(0, 3000);
    EXPECT_NE(log.find("\\r"), std::string::npos);
    auto stored = Messages(maildir);
    EXPECT_EQ(stored.size(), expected_messages) << mode;
    size_t smuggled_envelopes = 0;
    for (const auto& p : stored) {
      std::string env = ReadFile(std::filesystem::path(p).replace_extension(".envelope"));
      smuggled_envelopes += env.find("mail_from: evil@x.test") != std::string::npos;
    }
    EXPECT_EQ(smuggled_envelopes, std::string(mode) == "lax" ? 3u : 0u) << mode;
    std::filesystem::remove_all(maildir);
  }
}

// A text line over 1000 octets, read before its end arrives (the framer
// reports it then and drops the rest); its end, a bare LF, then ".<CRLF>" and a smuggled message:
// before the fix the 500 was followed by 250s for evil@x.test and the smuggled message was stored.
TEST(HostileSmuggling, ALongLineEndedByABareLfDoesNotEndTheData) {
  auto maildir = MakeTempDir("smuggle-long");
  Serve serve({"--maildir", maildir.string()}, "smuggle-long");
  ASSERT_GT(serve.port(), 0) << serve.process().Stderr();
  TcpClient c(serve.port());
  c.ReadReply();
  c.Send("EHLO x\r\nMAIL FROM:<a@x.test>\r\nRCPT TO:<b@x.test>\r\nDATA\r\n");
  for (int i = 0; i < 4; ++i) c.ReadReply();
  c.Send("hello\r\n" + std::string(2000, 'a'));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // read apart from its end
  c.Send("\n.\r\nMAIL FROM:<evil@x.test>\r\nRCPT TO:<victim@x.test>\r\nDATA\r\nsmuggled\r\n.\r\n");
  c.Send("NOOP\r\n");
  std::string all;
  while (true) {
    std::string one = c.ReadReply(std::chrono::milliseconds(1500));
    if (one.empty()) break;
    all += one;
    if (one.rfind("250 2.0.0 Ok\r\n", 0) == 0) break;
  }
  EXPECT_EQ(all.find("evil@x.test"), std::string::npos) << all;
  EXPECT_EQ(Count(all, "\r\n"), 2u) << all;  // the message's one reply, NOOP's
  EXPECT_EQ(serve.Stop(), 0);
  EXPECT_TRUE(Messages(maildir).empty());
  std::filesystem::remove_all(maildir);
}

}  // namespace
}  // namespace smtp::e2e
