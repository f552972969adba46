// NetStream's reads and writes allocate nothing once warm: each is an Asio
// operation whose memory Asio recycles. (Wrapping each in a coroutine of its
// own cost a frame allocation per operation, 5-8 % more instructions per
// message; docs/performance.md.) Built into allocation_tests, which counts
// every malloc and aligned_alloc (tests/support/allocation_counter.h).
#include <gtest/gtest.h>

#include <array>
#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <exception>
#include <span>
#include <string_view>

#include "harness/net/stream.h"
#include "tests/support/allocation_counter.h"

namespace smtp {
namespace {

using asio::ip::tcp;
using namespace std::chrono_literals;

// How the fake server and `load` call the stream: from a coroutine of
// their own one level below the session's (FakeServer::Impl::Write,
// LoadConnection::Write and ReadReply). Asio recycles the memory of at most
// two coroutine frames per thread, so the caller's frame and the frame of
// Asio's own operation fit, and a third, a coroutine of NetStream's own
// around each read and write, would not.
asio::awaitable<asio::error_code> Send(NetStream& s, std::string_view bytes, bool direct) {
  asio::error_code ec;
  if (direct) ec = s.TryWrite(bytes);
  if (!ec && !bytes.empty()) std::tie(ec) = co_await s.Write(bytes, 5s);
  co_return ec;
}

asio::awaitable<std::string_view> Receive(NetStream& s, std::span<char> buf) {
  auto [ec, n] = co_await s.ReadSome(asio::buffer(buf.data(), buf.size()), 5s);
  EXPECT_FALSE(ec) << ec.message();
  co_return std::string_view(buf.data(), n);
}

// `rounds` lock-step exchanges, as an SMTP session makes them: the client
// writes a command, the server reads it and writes a reply, the client
// reads the reply. `direct`: the writers try TryWrite first, as the fake
// server and `load` do. Returns the heap allocations of the last
// `rounds - warm` exchanges.
size_t AllocationsOfExchanges(int rounds, int warm, bool direct) {
  asio::io_context io;
  tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
  tcp::socket a(io), b(io);
  a.connect(acceptor.local_endpoint());
  acceptor.accept(b);
  NetStream client(std::move(a)), server(std::move(b));
  size_t before = 0, after = 0;
  std::exception_ptr failure;
  auto exchange = [&]() -> asio::awaitable<void> {
    std::array<char, 64> buf;
    for (int i = 0; i < rounds; ++i) {
      if (i == warm) before = testing::HeapAllocations();
      asio::error_code ec = co_await Send(client, "NOOP\r\n", direct);
      EXPECT_FALSE(ec) << ec.message();
      EXPECT_EQ(co_await Receive(server, buf), "NOOP\r\n");
      ec = co_await Send(server, "250 2.0.0 OK\r\n", direct);
      EXPECT_FALSE(ec) << ec.message();
      EXPECT_EQ(co_await Receive(client, buf), "250 2.0.0 OK\r\n");
    }
    after = testing::HeapAllocations();
    client.Close();  // ends the watchdogs' timer waits: the io_context runs out
    server.Close();
  };
  asio::co_spawn(io, exchange(), [&](std::exception_ptr e) { failure = e; });
  io.run();
  if (failure) std::rethrow_exception(failure);
  return after - before;
}

TEST(NetStreamAllocations, ReadsAndWritesAllocateNothingOnceWarm) {
  // 400 exchanges are 1,600 reads and writes: when NetStream wrapped each
  // in a coroutine of its own, they made 2,400 allocations here.
  EXPECT_EQ(AllocationsOfExchanges(/*rounds=*/420, /*warm=*/20, /*direct=*/false), 0u);
}

TEST(NetStreamAllocations, DirectWritesAllocateNothingOnceWarm) {
  EXPECT_EQ(AllocationsOfExchanges(/*rounds=*/420, /*warm=*/20, /*direct=*/true), 0u);
}

}  // namespace
}  // namespace smtp
