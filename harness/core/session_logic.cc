#include "harness/core/session_logic.h"

namespace smtp {

std::string_view SessionEndName(SessionEnd end) {
  switch (end) {
    case SessionEnd::kClientClosed:
      return "client closed";
    case SessionEnd::kIdleTimeout:
      return "idle timeout";
    case SessionEnd::kCommandTimeout:
      return "command timeout";
    case SessionEnd::kDataTimeout:
      return "data timeout";
    case SessionEnd::kServerStopping:
      return "server stopping";
    case SessionEnd::kServerStopped:
      return "server stopped";
    case SessionEnd::kClosedByServer:
      return "closed by server";
  }
  return "?";
}

bool IsTimeout(SessionEnd end) {
  return end == SessionEnd::kIdleTimeout || end == SessionEnd::kCommandTimeout ||
         end == SessionEnd::kDataTimeout;
}

}  // namespace smtp
