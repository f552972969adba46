#include "fake_server/maildir.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace smtp {
namespace {

std::string Slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(MaildirTest, StoresBytesAndEnvelopeInArrivalOrder) {
  auto dir =
      std::filesystem::temp_directory_path() / ("maildir-test-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  auto md = Maildir::Open((dir / "sub").string());
  ASSERT_TRUE(md.ok()) << md.status().message();
  ReceivedMessage m;
  m.session = 4;
  m.helo = "127.0.0.1";
  m.mail_from = "";
  m.rcpt_to = {"a@b.test", "c@d.test"};
  m.data = std::string("x\r\n.\r\n\0\xff\r\n", 10);
  m.tls = true;
  m.auth_user = "alice";
  auto first = (*md)->Store(m);
  ASSERT_TRUE(first.ok()) << first.status().message();
  m.data = "second\r\n";
  auto second = (*md)->Store(m);
  ASSERT_TRUE(second.ok());
  EXPECT_LT(*first, *second);
  EXPECT_EQ(Slurp(*first), std::string("x\r\n.\r\n\0\xff\r\n", 10));
  std::string envelope = Slurp(std::filesystem::path(*first).replace_extension(".envelope"));
  EXPECT_EQ(envelope.substr(0, 13), "received_at: ");
  EXPECT_NE(envelope.find("\nsession: 4\nhelo: 127.0.0.1\nmail_from: \nrcpt_to: a@b.test\n"
                          "rcpt_to: c@d.test\ntls: yes\nauth_user: alice\nsize: 10\n"),
            std::string::npos)
      << envelope;
  EXPECT_TRUE(std::filesystem::is_empty(dir / "sub" / ".tmp"));
  std::filesystem::remove_all(dir);
}

// Two servers with the same pid (two containers) on one maildir: every
// message is kept, none overwrites another (issue 17).
TEST(MaildirTest, TwoWritersInOneProcessNeverOverwrite) {
  auto dir =
      std::filesystem::temp_directory_path() / ("maildir-shared-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  auto a = Maildir::Open(dir.string());
  auto b = Maildir::Open(dir.string());
  ASSERT_TRUE(a.ok() && b.ok());
  ReceivedMessage m;
  std::set<std::string> paths;
  for (int i = 0; i < 50; ++i) {
    m.data = "from a " + std::to_string(i) + "\r\n";
    auto pa = (*a)->Store(m);
    m.data = "from b " + std::to_string(i) + "\r\n";
    auto pb = (*b)->Store(m);
    ASSERT_TRUE(pa.ok() && pb.ok());
    paths.insert(*pa);
    paths.insert(*pb);
  }
  EXPECT_EQ(paths.size(), 100u);
  size_t emls = 0;
  for (auto& e : std::filesystem::directory_iterator(dir)) emls += e.path().extension() == ".eml";
  EXPECT_EQ(emls, 100u);
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  std::string name = std::filesystem::path(*paths.begin()).filename().string();
  EXPECT_NE(name.find(".P" + std::to_string(::getpid()) + "Q"), std::string::npos) << name;
  EXPECT_TRUE(name.ends_with(std::string(".") + host + ".eml") ||
              std::string(host).find_first_of("./:") != std::string::npos)
      << name;
  std::filesystem::remove_all(dir);
}

TEST(MaildirTest, UnwritableDirectoryIsAnError) {
  auto md = Maildir::Open("/proc/no-such-maildir");
  ASSERT_FALSE(md.ok());
  EXPECT_EQ(md.status().message().substr(0, 44), "cannot create maildir /proc/no-such-maildir:");
}

}  // namespace
}  // namespace smtp
