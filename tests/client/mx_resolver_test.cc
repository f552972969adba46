#include "harness/client/mx_resolver.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <set>

namespace smtp {
namespace {

TEST(OrderMxRecords, ByPreferenceStableForTies) {
  std::vector<MxRecord> in{{20, "b"}, {10, "a"}, {20, "c"}, {5, "z"}, {10, "d"}};
  std::vector<MxRecord> want{{5, "z"}, {10, "a"}, {10, "d"}, {20, "b"}, {20, "c"}};
  EXPECT_EQ(OrderMxRecords(in), want);
  EXPECT_TRUE(OrderMxRecords({}).empty());
}

TEST(OrderMxRecords, EqualPreferencesAreShuffledWithinTheirGroup) {
  std::vector<MxRecord> in{{20, "c"}, {10, "a"}, {10, "b"}, {30, "d"}};
  std::set<std::string> firsts;
  for (unsigned seed = 0; seed < 64; ++seed) {
    std::mt19937 rng(seed);
    auto out = OrderMxRecords(in, rng);
    ASSERT_EQ(out.size(), 4u);
    EXPECT_EQ(out[0].preference, 10);
    EXPECT_EQ(out[1].preference, 10);
    EXPECT_EQ(out[2], (MxRecord{20, "c"}));
    EXPECT_EQ(out[3], (MxRecord{30, "d"}));
    firsts.insert(out[0].host);
  }
  EXPECT_EQ(firsts, (std::set<std::string>{"a", "b"}));  // both orders occur
}

TEST(DnsServerToCares, Forms) {
  EXPECT_EQ(DnsServerToCares("127.0.0.1").value(), "127.0.0.1:53");
  EXPECT_EQ(DnsServerToCares("127.0.0.1:5353").value(), "127.0.0.1:5353");
  EXPECT_EQ(DnsServerToCares("::1").value(), "[::1]:53");
  EXPECT_EQ(DnsServerToCares("[::1]:5353").value(), "[::1]:5353");
  EXPECT_EQ(DnsServerToCares("dns.example:53").status().message(),
            "invalid DNS server dns.example:53 (want HOST[:PORT], an IP address)");
  EXPECT_FALSE(DnsServerToCares("127.0.0.1:0").ok());
  EXPECT_FALSE(DnsServerToCares("127.0.0.1:99999").ok());
  EXPECT_FALSE(DnsServerToCares("[::1").ok());
  EXPECT_FALSE(DnsServerToCares("").ok());
}

// The address and port go out as every other endpoint is written
// (FormatHostPort): IPv6 in brackets, the port as a number, whatever
// leading zeros or brackets the user typed.
TEST(DnsServerToCares, WritesTheEndpointAsFormatHostPortDoes) {
  EXPECT_EQ(DnsServerToCares("[::1]").value(), "[::1]:53");
  EXPECT_EQ(DnsServerToCares("[::1]:25").value(), "[::1]:25");
  EXPECT_EQ(DnsServerToCares("[::1]:00025").value(), "[::1]:25");
  EXPECT_EQ(DnsServerToCares("127.0.0.1:0053").value(), "127.0.0.1:53");
  EXPECT_EQ(DnsServerToCares("::ffff:127.0.0.1").value(), "[::ffff:127.0.0.1]:53");
  EXPECT_FALSE(DnsServerToCares("[::1]x").ok());
  EXPECT_FALSE(DnsServerToCares("[::1]:").ok());
  EXPECT_FALSE(DnsServerToCares("[127.0.0.1]:53").ok());
  EXPECT_FALSE(DnsServerToCares("127.0.0.1:").ok());
}

TEST(MxResolver, RefusedDnsServerFailsFast) {
  MxResolver r({"127.0.0.1:9", std::chrono::milliseconds(2000)});
  auto hosts = r.Resolve("example.test");
  ASSERT_FALSE(hosts.ok());
  EXPECT_EQ(hosts.status().message(),
            "MX lookup for example.test failed: Could not contact DNS servers");
}

TEST(MxResolver, SilentDnsServerTimesOutAtTheDeadline) {
  // A UDP socket that never answers: the lookup must end at our deadline.
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  std::string server = "127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
  MxResolver r({server, std::chrono::milliseconds(300)});
  auto start = std::chrono::steady_clock::now();
  auto hosts = r.Resolve("example.test");
  auto took = std::chrono::steady_clock::now() - start;
  close(fd);
  ASSERT_FALSE(hosts.ok());
  EXPECT_EQ(hosts.status().message(), "DNS lookup of example.test took longer than 300ms");
  EXPECT_GE(took, std::chrono::milliseconds(250));
  EXPECT_LT(took, std::chrono::seconds(2));
}

}  // namespace
}  // namespace smtp
