#include "harness/net/deadline_handler.h"

#include <gtest/gtest.h>

#include <asio/io_context.hpp>
#include <optional>

#include "tests/support/manual_clock.h"

namespace smtp {
namespace {

using namespace std::chrono_literals;

// What NetStream's caller gets when an operation completes with `ec` and
// `n` after its deadline has (or has not) passed. A ManualClock decides the
// deadline; Poll() is what the watchdog's timer would do.
class DeadlineHandlerTest : public ::testing::Test {
 protected:
  std::pair<asio::error_code, size_t> Complete(bool deadline_passed, asio::error_code ec,
                                               size_t n) {
    dog_.Arm(1s);
    if (deadline_passed) {
      clock_.Advance(1s);
      dog_.Poll();
    }
    std::pair<asio::error_code, size_t> got;
    auto handler = [&got](asio::error_code e, size_t k) { got = {e, k}; };
    DeadlineHandler<decltype(handler), true>(dog_, handler)(ec, n);
    return got;
  }

  asio::io_context io_;
  test::ManualClock clock_;
  Watchdog dog_{io_.get_executor(), [] {}, clock_};
};

TEST_F(DeadlineHandlerTest, AnOperationCancelledByItsDeadlineSaysTimedOut) {
  auto [ec, n] = Complete(true, asio::error::operation_aborted, 0);
  EXPECT_EQ(ec, asio::error::timed_out);
  EXPECT_EQ(n, 0u);
}

TEST_F(DeadlineHandlerTest, AReadThatCompletedAsTheDeadlinePassedKeepsItsBytes) {
  // The read's completion was queued when the timer fired: the cancel found
  // nothing pending, and the bytes are in the caller's buffer.
  auto [ec, n] = Complete(true, asio::error_code(), 12);
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_EQ(n, 12u);
}

TEST_F(DeadlineHandlerTest, AnotherErrorIsNotCalledATimeout) {
  EXPECT_EQ(Complete(true, asio::error::eof, 0).first, asio::error::eof);
  EXPECT_EQ(Complete(true, asio::error::connection_reset, 0).first, asio::error::connection_reset);
}

TEST_F(DeadlineHandlerTest, ACancelBeforeTheDeadlineStaysACancel) {
  // Stop(), or the other direction's deadline (one socket cancel ends both).
  EXPECT_EQ(Complete(false, asio::error::operation_aborted, 0).first,
            asio::error::operation_aborted);
}

TEST_F(DeadlineHandlerTest, AWriteHandlerGetsNoCount) {
  dog_.Arm(1s);
  clock_.Advance(1s);
  dog_.Poll();
  asio::error_code got;
  auto handler = [&got](asio::error_code e) { got = e; };
  DeadlineHandler<decltype(handler), false>(dog_, handler)(asio::error::operation_aborted, 3);
  EXPECT_EQ(got, asio::error::timed_out);
}

}  // namespace
}  // namespace smtp
