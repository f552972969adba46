// SMTP smuggling (CVE-2023-51764/51765/51766): only <CRLF>.<CRLF> ends DATA,
// and each `bare_newlines` mode handles the seven near-miss terminators as
// documented in docs/fake-server.md.
#include <gtest/gtest.h>

#include "harness/core/server_session.h"

namespace smtp {
namespace {

using B = FakeServerConfig::BareNewlines;

struct Variant {
  const char* name;
  const char* terminator;  // what stands between "hello" and the smuggled MAIL
  bool lax_ends_data;      // a lax server takes it as the end of the data
};

const Variant kVariants[] = {
    {"LF_dot_LF", "\n.\n", true},      {"LF_dot_CRLF", "\n.\r\n", true},
    {"CR_dot_CR", "\r.\r", false},     {"CR_dot_CRLF", "\r.\r\n", false},
    {"CRLF_dot_CR", "\r\n.\r", false}, {"CRLF_dot_LF", "\r\n.\n", true},
    {"CR_dot_LF", "\r.\n", false},
};

class Smuggling : public ::testing::TestWithParam<Variant> {
 protected:
  std::string Run(B mode) {
    config_.bare_newlines = mode;
    ServerSession s(config_, [this](const ServerTransaction& t) {
      stored_.push_back(t);
      return Status::Ok();
    });
    s.Start();
    auto feed = [&](std::string_view bytes) {
      std::string r;
      for (const auto& o : s.Feed(bytes)) {
        if (o.kind == ServerOutput::Kind::kReply) r += o.wire;
        if (o.kind == ServerOutput::Kind::kClose) r += "<CLOSE>";
      }
      return r;
    };
    feed("EHLO c\r\nMAIL FROM:<a@example.test>\r\nRCPT TO:<b@example.test>\r\nDATA\r\n");
    std::string attack = std::string("Subject: x\r\n\r\nhello") + GetParam().terminator +
                         "MAIL FROM:<evil@x.test>\r\nRCPT TO:<victim@x.test>\r\nDATA\r\n"
                         "smuggled\r\n.\r\n";
    std::string replies = feed(attack);
    if (!s.closed()) replies += "|" + feed("NOOP\r\n");
    return replies;
  }
  FakeServerConfig config_;
  std::vector<ServerTransaction> stored_;
};

TEST_P(Smuggling, RejectKeepsItAsDataAndRefusesTheWholeMessageWithOneReply) {
  std::string r = Run(B::kReject);
  EXPECT_EQ(r.rfind("554 5.6.0 Message refused: bare <", 0), 0u) << r;
  EXPECT_NE(r.find("|250 2.0.0 Ok\r\n"), std::string::npos) << r;  // one reply, then NOOP's
  EXPECT_EQ(r.find("\r\n"), r.find("|") - 2) << r;
  EXPECT_TRUE(stored_.empty());
}

TEST_P(Smuggling, DisconnectSays521NamingTheBytesAndCloses) {
  std::string r = Run(B::kDisconnect);
  EXPECT_EQ(r.rfind("521 5.5.2 Error: bare <", 0), 0u) << r;
  EXPECT_NE(r.find("received in message data\r\n<CLOSE>"), std::string::npos) << r;
  EXPECT_EQ(r.find("|"), std::string::npos) << r;
  EXPECT_TRUE(stored_.empty());
}

TEST_P(Smuggling, NormalizeStoresOneMessageHoldingTheSmuggledText) {
  std::string r = Run(B::kNormalize);
  EXPECT_EQ(r, "250 2.0.0 Ok: queued as 1\r\n|250 2.0.0 Ok\r\n");
  ASSERT_EQ(stored_.size(), 1u);
  EXPECT_EQ(stored_[0].mail_from, "a@example.test");
  EXPECT_NE(stored_[0].data.find("MAIL FROM:<evil@x.test>"), std::string::npos);
}

TEST_P(Smuggling, LaxEmulatesAVulnerableServerOnlyWhereOneWould) {
  std::string r = Run(B::kLax);
  if (GetParam().lax_ends_data) {
    ASSERT_EQ(stored_.size(), 2u) << r;
    EXPECT_EQ(stored_[1].mail_from, "evil@x.test");
  } else {
    EXPECT_EQ(stored_.size(), 1u) << r;
  }
}

INSTANTIATE_TEST_SUITE_P(AllTerminators, Smuggling, ::testing::ValuesIn(kVariants),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(SmugglingNames, TheRefusalNamesTheBytes) {
  FakeServerConfig config;
  ServerSession s(config, [](const ServerTransaction&) { return Status::Ok(); });
  s.Start();
  s.Feed("EHLO c\r\nMAIL FROM:<a@b.test>\r\nRCPT TO:<c@d.test>\r\nDATA\r\n");
  auto out = s.Feed("a\rb\r\n.\r\n");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].wire,
            "554 5.6.0 Message refused: bare <CR> (\\r) in message data, end lines with "
            "<CR><LF>\r\n");
}

// A line over 1000 octets is refused (500) as soon as the limit passes,
// before its end arrives; how it ends decides what the next "." line means.
// Ended by a bare LF, "<LF>.<CRLF>" must stay data here as everywhere: the
// 500 for the long line must not be followed by a 250 for a smuggled message.
// The bare LF may come alone, or its CR may end one TCP read and its LF
// start the next (then it is a CRLF and the "." does end the data).
TEST(SmugglingLongLine, ALongLineEndedByABareLfDoesNotEndTheDataAtTheNextDot) {
  for (B mode : {B::kReject, B::kDisconnect, B::kNormalize}) {
    FakeServerConfig config;
    config.bare_newlines = mode;
    std::vector<ServerTransaction> stored;
    ServerSession s(config, [&](const ServerTransaction& t) {
      stored.push_back(t);
      return Status::Ok();
    });
    s.Start();
    s.Feed("EHLO c\r\nMAIL FROM:<a@b.test>\r\nRCPT TO:<c@d.test>\r\nDATA\r\n");
    std::string replies;
    const std::string pieces[] = {"hello\r\n", std::string(1500, 'a'), std::string(700, 'a'),
                                  "\n.\r\nMAIL FROM:<evil@x.test>\r\nRCPT TO:<c@d.test>\r\n"
                                  "DATA\r\nsmuggled\r\n.\r\n"};
    for (const std::string& piece : pieces) {
      for (const auto& o : s.Feed(piece)) replies += o.wire;
    }
    EXPECT_EQ(replies.find("Sender <evil@x.test>"), std::string::npos) << replies;
    EXPECT_TRUE(stored.empty()) << replies;
  }
}

TEST(SmugglingLongLine, ALongLineEndedByACrlfSplitAcrossReadsStillEndsTheData) {
  FakeServerConfig config;
  ServerSession s(config, [](const ServerTransaction&) { return Status::Ok(); });
  s.Start();
  s.Feed("EHLO c\r\nMAIL FROM:<a@b.test>\r\nRCPT TO:<c@d.test>\r\nDATA\r\n");
  std::string replies;
  const std::string pieces[] = {std::string(1500, 'a'), "aa\r", "\n.\r\nNOOP\r\n"};
  for (const std::string& piece : pieces) {
    for (const auto& o : s.Feed(piece)) replies += o.wire;
  }
  EXPECT_EQ(replies, "500 5.5.2 Line too long (text lines: 1000 octets)\r\n250 2.0.0 Ok\r\n");
}

}  // namespace
}  // namespace smtp
