// Base64 for the AUTH exchanges the runner drives (RFC 4954 initial
// responses, LOGIN username/password). Kept here, small, so the runner does
// not depend on the client's MIME helpers.
#pragma once

#include <string>
#include <string_view>

namespace smtp {

std::string Base64EncodeForSasl(std::string_view bytes);

}  // namespace smtp
