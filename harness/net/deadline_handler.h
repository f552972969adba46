// DeadlineHandler: the completion handler NetStream's reads and writes hand
// to Asio. It wraps the caller's handler: when the operation completes it
// disarms the operation's Watchdog and, if the deadline is what ended the
// operation (it passed, and the operation was cancelled), reports
// asio::error::timed_out instead of the cancellation. An operation that
// completed anyway (its bytes read or written just as the deadline passed)
// or failed for another reason keeps its own result: a read's bytes are not
// dropped as a timeout.
//
// Why a handler and not a coroutine: wrapping each read and write in a
// coroutine of its own cost one more awaitable frame per I/O, too large for
// Asio's recycling cache, so a malloc and free per operation (5-8 % more
// instructions per message, docs/performance.md). A handler lives inside
// Asio's own operation, which Asio recycles.
//
// The wrapped handler's associations (executor, allocator, cancellation
// slot) are forwarded, so completion runs where the caller's handler would
// have run: on the coroutine's executor when the token is use_awaitable.
#pragma once

#include <asio/associator.hpp>
#include <asio/error.hpp>
#include <cstddef>
#include <utility>

#include "harness/net/watchdog.h"

namespace smtp {

// kPassCount: hand the byte count on (void(error_code, size_t)) or drop it
// (void(error_code)), for the write that is complete or failed.
template <typename Handler, bool kPassCount>
class DeadlineHandler {
 public:
  DeadlineHandler(Watchdog& watchdog, Handler handler)
      : watchdog_(&watchdog), handler_(std::move(handler)) {}

  void operator()(asio::error_code ec, size_t n) {
    watchdog_->Disarm();
    if (watchdog_->timed_out() && ec == asio::error::operation_aborted) ec = asio::error::timed_out;
    if constexpr (kPassCount) {
      std::move(handler_)(ec, n);
    } else {
      std::move(handler_)(ec);
    }
  }

  const Handler& handler() const { return handler_; }

 private:
  Watchdog* watchdog_;
  Handler handler_;
};

}  // namespace smtp

namespace asio {

template <template <typename, typename> class Associator, typename Handler, bool kPassCount,
          typename DefaultCandidate>
struct associator<Associator, smtp::DeadlineHandler<Handler, kPassCount>, DefaultCandidate> {
  using type = typename Associator<Handler, DefaultCandidate>::type;
  static type get(const smtp::DeadlineHandler<Handler, kPassCount>& h,
                  const DefaultCandidate& c = DefaultCandidate()) noexcept {
    return Associator<Handler, DefaultCandidate>::get(h.handler(), c);
  }
};

}  // namespace asio
