#include "harness/net/stream.h"

#include <gtest/gtest.h>

#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/use_awaitable.hpp>
#include <exception>
#include <string>

#include "fake_server/tls_context.h"

namespace smtp {
namespace {

using asio::ip::tcp;
using namespace std::chrono_literals;

// Two connected NetStreams on one io_context; `Run` drives a coroutine to
// its end and rethrows what it threw (a failed EXPECT inside stays a failure).
class NetStreamTest : public ::testing::Test {
 protected:
  NetStreamTest() {
    tcp::acceptor acceptor(io_, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
    tcp::socket a(io_), b(io_);
    a.connect(acceptor.local_endpoint());
    acceptor.accept(b);
    client_.emplace(std::move(a));
    server_.emplace(std::move(b));
  }

  void Run(asio::awaitable<void> op) {
    std::exception_ptr failure;
    bool done = false;
    asio::co_spawn(io_, std::move(op), [&](std::exception_ptr e) {
      failure = e;
      done = true;
      io_.stop();  // the watchdogs' timer waits would keep it running to their deadlines
    });
    io_.restart();
    io_.run_for(10s);
    ASSERT_TRUE(done) << "the coroutine did not finish within 10 s";
    if (failure) std::rethrow_exception(failure);
    if (inner_failure_) std::rethrow_exception(inner_failure_);
  }

  // The completion of a coroutine spawned inside a test: what it throws
  // fails the test (Run rethrows it), rather than vanishing.
  auto Keep() {
    return [this](std::exception_ptr e) {
      if (e && !inner_failure_) inner_failure_ = e;
    };
  }

  static asio::awaitable<std::string> ReadText(NetStream& s, Duration timeout) {
    char buf[256];
    auto [ec, n] = co_await s.ReadSome(asio::buffer(buf), timeout);
    if (ec) co_return "error: " + ec.message();
    co_return std::string(buf, n);
  }

  static asio::awaitable<asio::error_code> Send(NetStream& s, std::string_view text) {
    auto [ec] = co_await s.Write(text, 1s);
    co_return ec;
  }

  asio::io_context io_;
  std::exception_ptr inner_failure_;
  std::optional<NetStream> client_, server_;
};

TEST_F(NetStreamTest, AReadThatPassesItsDeadlineSaysTimedOutAndAPlainStreamGoesOn) {
  Run([&]() -> asio::awaitable<void> {
    char buf[16];
    auto t0 = std::chrono::steady_clock::now();
    auto [ec, n] = co_await server_->ReadSome(asio::buffer(buf), 50ms);
    EXPECT_EQ(ec, asio::error::timed_out);
    EXPECT_EQ(n, 0u);
    EXPECT_GE(std::chrono::steady_clock::now() - t0, 50ms);
    EXPECT_TRUE(server_->read_timed_out());
    EXPECT_FALSE(co_await Send(*client_, "EHLO x\r\n"));
    EXPECT_EQ(co_await ReadText(*server_, 5s), "EHLO x\r\n");  // nothing was lost
    EXPECT_FALSE(server_->read_timed_out());
  }());
}

TEST_F(NetStreamTest, TryReadSomeTakesWhatIsThereWithoutWaiting) {
  Run([&]() -> asio::awaitable<void> {
    char buf[16];
    auto [ec, n] = server_->TryReadSome(asio::buffer(buf));
    EXPECT_EQ(ec, asio::error::would_block);
    EXPECT_FALSE(co_await Send(*client_, "QUIT\r\n"));
    EXPECT_EQ(co_await ReadText(*server_, 5s), "QUIT\r\n");
  }());
}

TEST_F(NetStreamTest, OneReadAndOneWriteMayBeInFlightTogether) {
  Run([&]() -> asio::awaitable<void> {
    // The server waits to read (as the proxy's pumps do) while it writes.
    std::string got;
    bool read_done = false;
    asio::co_spawn(
        io_,
        [&]() -> asio::awaitable<void> {
          got = co_await ReadText(*server_, 5s);
          read_done = true;
        },
        Keep());
    EXPECT_FALSE(co_await Send(*server_, "220 hi\r\n"));
    EXPECT_EQ(co_await ReadText(*client_, 5s), "220 hi\r\n");
    EXPECT_FALSE(co_await Send(*client_, "HELO x\r\n"));
    for (int i = 0; i < 100 && !read_done; ++i) {
      asio::steady_timer t(io_, 10ms);
      co_await t.async_wait(asio::use_awaitable);
    }
    EXPECT_EQ(got, "HELO x\r\n");  // the write's deadline did not disturb the read
  }());
}

TEST_F(NetStreamTest, TlsBothWaysAfterAHandshake) {
  FakeServerConfig::Tls tls;
  auto server_ctx = MakeServerTlsContext(tls, "stream.test");
  ASSERT_TRUE(server_ctx.ok()) << server_ctx.status().message();
  asio::ssl::context client_ctx(asio::ssl::context::tls_client);
  client_ctx.set_verify_mode(asio::ssl::verify_none);
  Run([&]() -> asio::awaitable<void> {
    asio::error_code server_ec;
    bool server_done = false;
    asio::co_spawn(
        io_,
        [&]() -> asio::awaitable<void> {
          server_ec = co_await server_->Handshake(**server_ctx, asio::ssl::stream_base::server, 5s);
          server_done = true;
        },
        Keep());
    bool prepared = false;
    auto ec = co_await client_->Handshake(client_ctx, asio::ssl::stream_base::client, 5s,
                                          [&](SSL*) { return prepared = true; });
    EXPECT_FALSE(ec) << ec.message();
    EXPECT_TRUE(prepared);
    for (int i = 0; i < 100 && !server_done; ++i) {
      asio::steady_timer t(io_, 10ms);
      co_await t.async_wait(asio::use_awaitable);
    }
    EXPECT_FALSE(server_ec) << server_ec.message();
    EXPECT_TRUE(client_->tls());
    EXPECT_NE(client_->ssl(), nullptr);
    EXPECT_FALSE(co_await Send(*client_, "MAIL FROM:<a@b>\r\n"));
    EXPECT_EQ(co_await ReadText(*server_, 5s), "MAIL FROM:<a@b>\r\n");
    EXPECT_FALSE(co_await Send(*server_, "250 OK\r\n"));
    EXPECT_EQ(co_await ReadText(*client_, 5s), "250 OK\r\n");
  }());
}

TEST_F(NetStreamTest, AHandshakeWithASilentPeerEndsAtItsDeadline) {
  asio::ssl::context client_ctx(asio::ssl::context::tls_client);
  Run([&]() -> asio::awaitable<void> {
    auto ec = co_await client_->Handshake(client_ctx, asio::ssl::stream_base::client, 100ms);
    EXPECT_EQ(ec, asio::error::timed_out);
  }());
}

TEST_F(NetStreamTest, APrepareThatSaysNoMeansNoHandshake) {
  asio::ssl::context client_ctx(asio::ssl::context::tls_client);
  Run([&]() -> asio::awaitable<void> {
    auto ec = co_await client_->Handshake(client_ctx, asio::ssl::stream_base::client, 5s,
                                          [](SSL*) { return false; });
    EXPECT_EQ(ec, asio::error::invalid_argument);
  }());
}

TEST_F(NetStreamTest, ThePeerClosingIsEof) {
  Run([&]() -> asio::awaitable<void> {
    client_->Close();
    EXPECT_EQ(co_await ReadText(*server_, 5s),
              "error: " + asio::error_code(asio::error::eof).message());
  }());
}

}  // namespace
}  // namespace smtp
