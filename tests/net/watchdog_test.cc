#include "harness/net/watchdog.h"

#include <gtest/gtest.h>

#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>
#include <optional>

namespace smtp {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

class WatchdogTest : public ::testing::Test {
 protected:
  // Runs the io_context until its work is done, or for `d` at most (the
  // bounds are generous: a loaded CI machine may run timers late).
  void RunFor(std::chrono::milliseconds d) {
    io_.restart();
    io_.run_for(d);
  }
  // Runs `fn` on the io_context after `d`.
  void After(std::chrono::milliseconds d, std::function<void()> fn) {
    auto t = std::make_shared<asio::steady_timer>(io_, d);
    t->async_wait([t, fn](const asio::error_code&) { fn(); });
  }

  asio::io_context io_;
  int fired_ = 0;
  Clock::time_point fired_at_;
  std::optional<Watchdog> dog_{std::in_place, io_.get_executor(), [this] {
                                 ++fired_;
                                 fired_at_ = Clock::now();
                               }};
};

TEST_F(WatchdogTest, FiresWhenTheArmedDeadlinePasses) {
  auto t0 = Clock::now();
  dog_->Arm(50ms);
  RunFor(5s);
  EXPECT_EQ(fired_, 1);
  EXPECT_TRUE(dog_->timed_out());
  EXPECT_GE(fired_at_ - t0, 50ms);
  dog_->Arm(1s);  // a new operation starts with a clean slate
  EXPECT_FALSE(dog_->timed_out());
}

TEST_F(WatchdogTest, DisarmedInTimeNeverFires) {
  dog_->Arm(50ms);
  After(10ms, [&] { dog_->Disarm(); });
  RunFor(200ms);
  EXPECT_EQ(fired_, 0);
  EXPECT_FALSE(dog_->timed_out());
}

TEST_F(WatchdogTest, AShorterDeadlineAfterALongerOneFiresOnTime) {
  auto t0 = Clock::now();
  dog_->Arm(10s);  // e.g. a connect timeout
  dog_->Disarm();
  dog_->Arm(50ms);  // then a short step timeout
  RunFor(5s);
  EXPECT_EQ(fired_, 1);
  EXPECT_LT(fired_at_ - t0, 5s);  // not 10 s
}

TEST_F(WatchdogTest, MovingTheDeadlineLaterPostponesIt) {
  auto t0 = Clock::now();
  dog_->Arm(100ms);
  After(60ms, [&] { dog_->Arm(150ms); });  // the operation finished, the next one began
  RunFor(5s);
  EXPECT_EQ(fired_, 1);
  EXPECT_GE(fired_at_ - t0, 200ms);
}

TEST_F(WatchdogTest, StopAndDestructionEndTheWatch) {
  dog_->Arm(30ms);
  dog_->Stop();
  RunFor(100ms);
  EXPECT_EQ(fired_, 0);
  dog_->Arm(30ms);
  dog_.reset();  // the pending wait must not call into a destroyed owner
  RunFor(100ms);
  EXPECT_EQ(fired_, 0);
}

}  // namespace
}  // namespace smtp
