#include "harness/scenario/server_config_yaml.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "harness/scenario/server_block_parser.h"

namespace smtp {
namespace {

TEST(ServerConfigYaml, ServerBlockOrBareKeys) {
  auto a =
      LoadServerConfigString("server:\n  hostname: a.test\n  listen: 127.0.0.1:2525\n", "c.yaml");
  ASSERT_TRUE(a.ok()) << a.status().message();
  EXPECT_EQ(a->hostname, "a.test");
  EXPECT_EQ(a->listen_host, "127.0.0.1");
  EXPECT_EQ(a->port, 2525);
  auto b = LoadServerConfigString(
      "hostname: b.test\nport: 0\nlisten: '[::1]:25'\n"
      "max_message_size: 512KiB\n",
      "c.yaml");
  ASSERT_TRUE(b.ok()) << b.status().message();
  EXPECT_EQ(b->hostname, "b.test");
  EXPECT_EQ(b->listen_host, "::1");
  EXPECT_EQ(b->max_message_size, 512u * 1024);
  auto empty = LoadServerConfigString("", "c.yaml");
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->hostname, FakeServerConfig{}.hostname);
}

TEST(ServerConfigYaml, AllErrorsPositioned) {
  auto r =
      LoadServerConfigString("server:\n  hostname: a b\n  max_recipient: 3\nother: 1\n", "c.yaml");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "c.yaml:2:13: hostname: must be one word, got 'a b'\n"
            "c.yaml:3:3: unknown key 'max_recipient' in server (did you mean 'max_recipients'?)\n"
            "c.yaml:4:1: unknown key 'other' in server configuration");
}

TEST(ServerConfigYaml, FromFile) {
  std::string path = testing::TempDir() + "/server_config_yaml_test.yaml";
  std::ofstream(path) << "server:\n  tls: {starttls: true}\n  auth: {users: {u: p}}\n";
  auto r = LoadServerConfigFile(path);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_TRUE(r->tls.starttls);
  EXPECT_EQ(r->auth.users.at("u"), "p");
  std::remove(path.c_str());
  EXPECT_FALSE(LoadServerConfigFile(path).ok());
}

TEST(ParseByteSize, Units) {
  EXPECT_EQ(ParseByteSize("1024"), 1024u);
  EXPECT_EQ(ParseByteSize("10MB"), 10u << 20);
  EXPECT_EQ(ParseByteSize("10 mb"), 10u << 20);
  EXPECT_EQ(ParseByteSize("2k"), 2048u);
  EXPECT_EQ(ParseByteSize("1GiB"), size_t{1} << 30);
  EXPECT_EQ(ParseByteSize("0"), 0u);
  EXPECT_FALSE(ParseByteSize("ten"));
  EXPECT_FALSE(ParseByteSize("10XB"));
  EXPECT_FALSE(ParseByteSize("-1"));
  EXPECT_FALSE(ParseByteSize("99999999999999GB"));
}

}  // namespace
}  // namespace smtp
