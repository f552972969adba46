// Non-blocking send and receive on a connected socket, for the fast paths
// that try an operation directly before going through the io_context.
// MSG_DONTWAIT makes only this call non-blocking, so the socket needs no
// ioctl(FIONBIO) per connection. Errors come back as Asio's: would_block
// when nothing could be done now, eof when the peer has closed.
#pragma once

#include <asio/ip/tcp.hpp>
#include <string_view>
#include <utility>

namespace smtp {

// Sends what fits in the socket buffer now; returns the byte count.
std::pair<asio::error_code, size_t> TrySend(asio::ip::tcp::socket& socket, std::string_view bytes);

// Receives what is there now, at most `size` bytes.
std::pair<asio::error_code, size_t> TryReceive(asio::ip::tcp::socket& socket, char* data,
                                               size_t size);

}  // namespace smtp
