#include "harness/util/listen_address.h"

#include <gtest/gtest.h>

namespace smtp {
namespace {

TEST(ListenAddressTest, IpLiterals) {
  EXPECT_EQ(*ParseListenAddress("127.0.0.1:1025"), (ListenAddress{"127.0.0.1", 1025}));
  EXPECT_EQ(*ParseListenAddress("[::1]:25"), (ListenAddress{"::1", 25}));
  EXPECT_EQ(*ParseListenAddress("0.0.0.0:0"), (ListenAddress{"0.0.0.0", 0}));
}

TEST(ListenAddressTest, LocalhostIsLoopbackWithoutDns) {
  EXPECT_EQ(*ParseListenAddress("localhost:2525"), (ListenAddress{"127.0.0.1", 2525}));
}

TEST(ListenAddressTest, OneClearMessagePerMistake) {
  EXPECT_EQ(ParseListenAddress("localhost").status().message(),
            "listen: expected HOST:PORT, got 'localhost'; use an IP literal such as "
            "127.0.0.1:2525 or [::1]:2525");
  EXPECT_EQ(ParseListenAddress("1.2.3.4:99999").status().message(),
            "listen: bad port '99999' in '1.2.3.4:99999' (expected 0 to 65535)");
  EXPECT_EQ(ParseListenAddress("mail.test:25").status().message(),
            "listen: 'mail.test' is not an IP address (names are not looked up); use an IP "
            "literal such as 127.0.0.1:2525 or [::1]:2525");
  EXPECT_FALSE(ParseListenAddress("::1:25").ok());  // IPv6 needs brackets
  EXPECT_FALSE(ParseListenAddress(":25").ok());
  EXPECT_FALSE(ParseListenAddress("127.0.0.1:").ok());
}

TEST(ListenAddressTest, Loopback) {
  EXPECT_TRUE(IsLoopbackAddress("127.0.0.1"));
  EXPECT_TRUE(IsLoopbackAddress("127.3.2.1"));
  EXPECT_TRUE(IsLoopbackAddress("::1"));
  EXPECT_FALSE(IsLoopbackAddress("0.0.0.0"));
  EXPECT_FALSE(IsLoopbackAddress("10.0.0.1"));
  EXPECT_FALSE(IsLoopbackAddress("127.bad"));
}

}  // namespace
}  // namespace smtp
