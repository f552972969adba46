#include "harness/client/mail_sender.h"

#include <gtest/gtest.h>

namespace smtp {
namespace {

TEST(ParseHostPort, Forms) {
  auto a = ParseHostPort("127.0.0.1:2525");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->host, "127.0.0.1");
  EXPECT_EQ(a->port, 2525);
  auto b = ParseHostPort("[::1]:2525");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->host, "::1");
  EXPECT_EQ(b->port, 2525);
  auto c = ParseHostPort("::1");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->host, "::1");
  EXPECT_FALSE(c->port.has_value());
  auto d = ParseHostPort("mx.example.test");
  ASSERT_TRUE(d.ok());
  EXPECT_FALSE(d->port.has_value());
}

TEST(ParseHostPort, Errors) {
  EXPECT_EQ(ParseHostPort("127.0.0.1:").status().message(), "missing port in 127.0.0.1:");
  EXPECT_EQ(ParseHostPort("127.0.0.1:70000").status().message(),
            "invalid port \"70000\" in 127.0.0.1:70000");
  EXPECT_EQ(ParseHostPort("[::1]x").status().message(), "expected ':PORT' after ']' in [::1]x");
  EXPECT_EQ(ParseHostPort(":25").status().message(), "missing host in :25");
  EXPECT_FALSE(ParseHostPort("").ok());
}

}  // namespace
}  // namespace smtp
