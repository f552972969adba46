#include "harness/util/host_port.h"

#include <gtest/gtest.h>

namespace smtp {
namespace {

TEST(HostPortTest, BracketsIpv6Only) {
  EXPECT_EQ(FormatHostPort("127.0.0.1", 25), "127.0.0.1:25");
  EXPECT_EQ(FormatHostPort("mx.example.test", 2525), "mx.example.test:2525");
  EXPECT_EQ(FormatHostPort("::1", 587), "[::1]:587");
  EXPECT_EQ(FormatHostPort("fe80::1%lo", 0), "[fe80::1%lo]:0");
}

}  // namespace
}  // namespace smtp
