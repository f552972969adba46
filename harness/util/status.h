// Status and Result<T>: errors as values at module borders (as in leveldb).
//
// A Status is ok or carries a code and a one-line message meant for a user.
// Result<T> holds either a value or a non-ok Status. Neither throws; callers
// propagate with `if (!s.ok()) return s;`. Both are [[nodiscard]]: a
// dropped error is a compile warning (an error in CI).
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <utility>

namespace smtp {

class [[nodiscard]] Status {
 public:
  enum class Code {
    kOk,
    kInvalidArgument,  // bad input: a malformed line, an invalid scenario
    kProtocol,         // the peer broke the protocol
    kTimeout,          // a deadline passed
    kClosed,           // the peer closed the connection
    kIo,               // connect/read/write failed
    kTls,              // TLS handshake or certificate failure
    kNotFound,
    kInternal,
  };

  Status() = default;
  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string m) {
    return Status(Code::kInvalidArgument, std::move(m));
  }
  static Status Protocol(std::string m) { return Status(Code::kProtocol, std::move(m)); }
  static Status Timeout(std::string m) { return Status(Code::kTimeout, std::move(m)); }
  static Status Closed(std::string m) { return Status(Code::kClosed, std::move(m)); }
  static Status Io(std::string m) { return Status(Code::kIo, std::move(m)); }
  static Status Tls(std::string m) { return Status(Code::kTls, std::move(m)); }
  static Status NotFound(std::string m) { return Status(Code::kNotFound, std::move(m)); }
  static Status Internal(std::string m) { return Status(Code::kInternal, std::move(m)); }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  bool IsTimeout() const { return code_ == Code::kTimeout; }
  bool IsClosed() const { return code_ == Code::kClosed; }

  // The same code with `context` put in front of the message.
  Status Prefixed(const std::string& context) const {
    return ok() ? *this : Status(code_, context + ": " + message_);
  }

 private:
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}
  Code code_ = Code::kOk;
  std::string message_;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}         // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {  // NOLINT: implicit by design
    assert(!status_.ok());
  }

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }
  T& operator*() & { return *value_; }
  const T& operator*() const& { return *value_; }

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace smtp
