#include "harness/net/direct_io.h"

#include <sys/socket.h>

#include <cerrno>

namespace smtp {
namespace {

asio::error_code FromErrno(int e) {
  if (e == EAGAIN || e == EWOULDBLOCK || e == EINTR) return asio::error::would_block;
  return asio::error_code(e, asio::system_category());
}

}  // namespace

std::pair<asio::error_code, size_t> TrySend(asio::ip::tcp::socket& socket, std::string_view bytes) {
  ssize_t n =
      ::send(socket.native_handle(), bytes.data(), bytes.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
  if (n < 0) return {FromErrno(errno), 0};
  return {asio::error_code(), static_cast<size_t>(n)};
}

std::pair<asio::error_code, size_t> TryReceive(asio::ip::tcp::socket& socket, char* data,
                                               size_t size) {
  ssize_t n = ::recv(socket.native_handle(), data, size, MSG_DONTWAIT);
  if (n < 0) return {FromErrno(errno), 0};
  if (n == 0 && size > 0) return {asio::error::eof, 0};
  return {asio::error_code(), static_cast<size_t>(n)};
}

}  // namespace smtp
