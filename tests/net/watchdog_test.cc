#include "harness/net/watchdog.h"

#include <gtest/gtest.h>

#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>
#include <optional>

#include "tests/support/manual_clock.h"

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

// The same rules on a ManualClock: no sleeping, no io_context run; the test
// moves time and asks the watchdog to look (the timer would do that).
class WatchdogClockTest : public ::testing::Test {
 protected:
  asio::io_context io_;
  test::ManualClock clock_;
  int fired_ = 0;
  std::optional<Watchdog> dog_{std::in_place, io_.get_executor(), [this] { ++fired_; }, clock_};
};

TEST_F(WatchdogClockTest, ExpiresExactlyAtTheDeadline) {
  dog_->Arm(5s);
  clock_.Advance(4999ms);
  dog_->Poll();
  EXPECT_EQ(fired_, 0);
  EXPECT_FALSE(dog_->timed_out());
  clock_.Advance(1ms);
  dog_->Poll();
  EXPECT_EQ(fired_, 1);
  EXPECT_TRUE(dog_->timed_out());
  dog_->Poll();  // once per deadline
  EXPECT_EQ(fired_, 1);
  dog_->Arm(1s);
  EXPECT_FALSE(dog_->timed_out());
}

TEST_F(WatchdogClockTest, DisarmedOrStoppedNeverExpires) {
  dog_->Arm(1s);
  dog_->Disarm();
  clock_.Advance(1h);
  dog_->Poll();
  dog_->Arm(1s);
  dog_->Stop();
  clock_.Advance(1h);
  dog_->Poll();
  EXPECT_EQ(fired_, 0);
}

TEST_F(WatchdogClockTest, EachArmCountsFromItsOwnNow) {
  dog_->Arm(10s);  // e.g. a connect timeout
  clock_.Advance(8s);
  dog_->Arm(5s);  // the next operation: its deadline is 5 s from now, not from the first Arm
  clock_.Advance(4s);
  dog_->Poll();
  EXPECT_EQ(fired_, 0);
  clock_.Advance(1s);
  dog_->Poll();
  EXPECT_EQ(fired_, 1);
}

TEST_F(WatchdogClockTest, NoTimeoutMeansNever) {
  dog_->Arm(Duration::max());
  clock_.Advance(24h * 365 * 10);
  dog_->Poll();
  EXPECT_EQ(fired_, 0);
}

}  // namespace
}  // namespace smtp
