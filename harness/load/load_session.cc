#include "harness/load/load_session.h"

#include <asio/experimental/as_tuple.hpp>
#include <memory>

#include "harness/load/load_connection.h"
#include "harness/runner/step_problem.h"
#include "harness/scenario/reply_matcher_eval.h"

namespace smtp {

std::optional<TicketDispenser::Clock::time_point> TicketDispenser::Claim() {
  if (cancel_ && cancel_->load(std::memory_order_relaxed)) return std::nullopt;
  auto now = Clock::now();
  if (end_ && now >= *end_) return std::nullopt;
  uint64_t k = next_.fetch_add(1, std::memory_order_relaxed);
  if (total_ && k >= total_) return std::nullopt;
  if (rate_ <= 0) return now;
  auto due = start_ +
             std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(k / rate_));
  if (end_ && due >= *end_) return std::nullopt;
  return due;
}

namespace {

using Clock = std::chrono::steady_clock;

uint64_t NanosSince(Clock::time_point t) {
  return static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - t).count());
}

// A step that did not pass: which (-1: before any step) and why.
struct Problem : StepProblem {
  Problem() = default;
  Problem(int step_index, StepProblem p) : StepProblem(std::move(p)), step(step_index) {}
  int step = -1;
};

Problem Error(int step, std::string what, std::string expected = "") {
  return Problem(step, StepProblem{true, std::move(what), "", std::move(expected)});
}

class Lane {
 public:
  Lane(asio::io_context& io, asio::ssl::context* tls, const LoadShared& shared, LoadStats& stats)
      : io_(io), tls_(tls), sh_(shared), plan_(*shared.plan), stats_(stats), vars_(plan_.vars) {}

  asio::awaitable<void> Run();

 private:
  asio::awaitable<std::optional<Problem>> Open();
  asio::awaitable<std::optional<Problem>> RunOps(size_t begin, size_t end);
  asio::awaitable<std::optional<Problem>> RunOp(const LoadOp& op);
  void Finish(const std::optional<Problem>& p, Clock::time_point started);

  asio::io_context& io_;
  asio::ssl::context* tls_;
  const LoadShared& sh_;
  const LoadPlan& plan_;
  LoadStats& stats_;
  VarMap vars_;
  std::shared_ptr<LoadConnection> conn_;
  std::optional<EhloInfo> ehlo_;
};

asio::awaitable<std::optional<Problem>> Lane::RunOp(const LoadOp& op) {
  switch (op.kind) {
    case LoadOp::Kind::kWrite: {
      Status s;
      if (op.expand) {
        auto text = Expand(op.bytes, vars_);
        if (!text.ok()) co_return Error(op.step, text.status().message());
        s = co_await conn_->Write(EncodeLoadBytes(op.encode, *text), op.timeout);
      } else {
        s = co_await conn_->Write(op.bytes, op.timeout);
      }
      if (!s.ok()) co_return Problem(op.step, WriteProblem(s, op.timeout));
      co_return std::nullopt;
    }
    case LoadOp::Kind::kExpect: {
      auto reply = co_await conn_->ReadReply(op.timeout);
      if (!reply.ok()) {
        Problem p(op.step, ReadProblem(reply.status(), op.timeout));
        p.expected = DescribeReplyMatcher(op.matcher);
        co_return p;
      }
      if (op.ehlo_reply && reply->code == 250) ehlo_ = ParseEhlo(*reply);
      MatchOutcome m = Match(op.matcher, *reply, vars_);
      if (!m.ok)
        co_return Problem(op.step,
                          StepProblem{false, OneLine(reply->ToDisplay()), m.reason, m.expected});
      if (op.message_reply) stats_.RecordMessage();
      co_return std::nullopt;
    }
    case LoadOp::Kind::kStartTls: {
      Status s = co_await conn_->StartTls(op.timeout);
      ehlo_.reset();
      if (!s.ok()) co_return Error(op.step, s.message(), "TLS handshake");
      co_return std::nullopt;
    }
    case LoadOp::Kind::kSleep: {
      asio::steady_timer t(io_, op.sleep);
      co_await t.async_wait(asio::experimental::as_tuple(asio::use_awaitable));
      co_return std::nullopt;
    }
    case LoadOp::Kind::kExpectClose: {
      Status s = co_await conn_->WaitForClose(op.timeout);
      if (s.ok()) co_return std::nullopt;
      std::string actual = s.IsTimeout()
                               ? "connection still open after " + FormatDuration(op.timeout)
                           : s.code() == Status::Code::kProtocol ? "more data instead of a close"
                                                                 : "connection error";
      co_return Problem(op.step,
                        StepProblem{false, std::move(actual), "",
                                    "connection closed within " + FormatDuration(op.timeout)});
    }
  }
  co_return Error(op.step, "unknown operation");
}

asio::awaitable<std::optional<Problem>> Lane::RunOps(size_t begin, size_t end) {
  Clock::time_point step_start = Clock::now();
  for (size_t i = begin; i < end; ++i) {
    const LoadOp& op = plan_.ops[i];
    if (op.step_first) {
      step_start = Clock::now();
      bool missing = false;
      for (const auto& ext : op.required_extensions)
        missing = missing || !ehlo_ || !ehlo_->Has(ext);
      if (missing) {  // skipped, as `run` does
        while (i + 1 < end && plan_.ops[i + 1].step == op.step) ++i;
        continue;
      }
    }
    auto p = co_await RunOp(op);
    if (p && op.optional && !p->error) {  // noted by `run`, not failed
      while (i + 1 < end && plan_.ops[i + 1].step == op.step) ++i;
      continue;
    }
    if (p) co_return p;
    if (op.step_last) stats_.RecordStep(op.step, NanosSince(step_start));
  }
  co_return std::nullopt;
}

asio::awaitable<std::optional<Problem>> Lane::Open() {
  if (conn_) conn_->Close();
  conn_ = std::make_shared<LoadConnection>(io_, tls_);
  ehlo_.reset();
  if (plan_.has_captures) vars_ = plan_.vars;
  auto t0 = Clock::now();
  Status s = co_await conn_->Connect(sh_.endpoint, sh_.implicit_tls, sh_.connect_timeout);
  if (!s.ok()) {
    conn_->Close();  // also cancels its deadline timer, which holds a reference
    conn_.reset();
    co_return Error(-1, "cannot connect: " + s.message(), "connection");
  }
  stats_.RecordConnect(NanosSince(t0));
  co_return std::nullopt;
}

void Lane::Finish(const std::optional<Problem>& p, Clock::time_point started) {
  if (!p) {
    stats_.RecordOk(NanosSince(started));
    sh_.progress->done.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  std::string where = sh_.file;
  if (p->step >= 0) {
    int line = static_cast<size_t>(p->step) < sh_.step_lines.size() ? sh_.step_lines[p->step] : 0;
    // Appended piece by piece: GCC 12's -Wrestrict misfires on the chain.
    where.append(":").append(std::to_string(line)).append(": step ");
    where.append(std::to_string(p->step)).append(" (").append(plan_.step_labels[p->step]);
    where.append(")");
  }
  std::string message = StepFailureMessage(where, p->expected, *p);
  stats_.RecordFailure(p->error, p->step, p->expected, p->actual, message);
  (p->error ? sh_.progress->errors : sh_.progress->failed).fetch_add(1, std::memory_order_relaxed);
  sh_.progress->done.fetch_add(1, std::memory_order_relaxed);
  if (conn_) conn_->Close();
  conn_.reset();
}

asio::awaitable<void> Lane::Run() {
  asio::steady_timer pace(io_);
  std::optional<Clock::time_point> due = sh_.tickets->Claim();
  while (due) {
    if (*due > Clock::now()) {
      pace.expires_at(*due);
      co_await pace.async_wait(asio::experimental::as_tuple(asio::use_awaitable));
    }
    auto started = Clock::now();
    if (!sh_.reuse) {
      auto p = co_await Open();
      if (!p) p = co_await RunOps(0, plan_.ops.size());
      Finish(p, started);
      if (conn_) conn_->Close();
      conn_.reset();
      due = sh_.tickets->Claim();
      continue;
    }
    // --reuse: the setup once per connection, then one transaction per
    // ticket; the last transaction's verdict includes the QUIT.
    std::optional<Problem> p;
    if (!conn_) {
      p = co_await Open();
      if (!p) p = co_await RunOps(0, plan_.tx_begin);
    }
    if (!p) p = co_await RunOps(plan_.tx_begin, plan_.tx_end);
    due = sh_.tickets->Claim();
    if (!p && !due) p = co_await RunOps(plan_.tx_end, plan_.ops.size());
    Finish(p, started);
  }
  if (conn_) conn_->Close();
  conn_.reset();
}

}  // namespace

void SpawnLoadLanes(asio::io_context& io, asio::ssl::context* tls, const LoadShared& shared,
                    int lanes, LoadStats& stats) {
  for (int i = 0; i < lanes; ++i) {
    auto lane = std::make_shared<Lane>(io, tls, shared, stats);
    asio::co_spawn(
        io, [lane]() -> asio::awaitable<void> { co_await lane->Run(); },
        [](std::exception_ptr e) {
          if (e) std::rethrow_exception(e);
        });
  }
}

}  // namespace smtp
