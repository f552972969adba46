#include "harness/net/direct_io.h"

#include <gtest/gtest.h>

#include <asio/connect.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/read.hpp>
#include <asio/write.hpp>
#include <thread>

namespace smtp {
namespace {

using asio::ip::tcp;

// A connected pair of loopback sockets.
struct Pair {
  Pair() : a(io), b(io) {
    tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
    a.connect(acceptor.local_endpoint());
    acceptor.accept(b);
  }
  asio::io_context io;
  tcp::socket a, b;
};

TEST(DirectIo, ReceiveSaysWouldBlockWhenNothingIsThere) {
  Pair p;
  char buf[16];
  auto [ec, n] = TryReceive(p.b, buf, sizeof buf);
  EXPECT_EQ(ec, asio::error::would_block);
  EXPECT_EQ(n, 0u);
  EXPECT_FALSE(p.b.non_blocking());  // the socket itself stays as it was
}

TEST(DirectIo, SendAndReceiveMoveTheBytes) {
  Pair p;
  auto [sent_ec, sent] = TrySend(p.a, "250 OK\r\n");
  ASSERT_FALSE(sent_ec);
  EXPECT_EQ(sent, 8u);
  char buf[16];
  std::pair<asio::error_code, size_t> got;
  for (int i = 0; i < 100; ++i) {  // loopback delivery is immediate, but be patient
    got = TryReceive(p.b, buf, sizeof buf);
    if (got.first != asio::error::would_block) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_FALSE(got.first) << got.first.message();
  EXPECT_EQ(std::string(buf, got.second), "250 OK\r\n");
}

TEST(DirectIo, ReceiveSaysEofWhenThePeerClosed) {
  Pair p;
  p.a.close();
  char buf[16];
  std::pair<asio::error_code, size_t> got;
  for (int i = 0; i < 100; ++i) {
    got = TryReceive(p.b, buf, sizeof buf);
    if (got.first != asio::error::would_block) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_EQ(got.first, asio::error::eof);
}

TEST(DirectIo, SendStopsShortWhenTheBuffersAreFull) {
  Pair p;
  std::string big(64 * 1024, 'x');
  size_t total = 0;
  asio::error_code ec;
  for (int i = 0; i < 10000 && !ec; ++i) {
    auto [e, n] = TrySend(p.a, big);
    total += n;
    ec = e;
  }
  EXPECT_EQ(ec, asio::error::would_block);  // never blocks, never fails
  EXPECT_GT(total, 0u);
}

}  // namespace
}  // namespace smtp
