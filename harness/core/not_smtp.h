// Recognises a peer that is not an SMTP server from its first bytes, so a
// wrong port gets a sentence a user can act on ("the server sent an HTTP
// response: is this the right port?") instead of "expected 220, got no reply".
// Pure: the caller decides when to look (the greeting, or a probe's answer).
#pragma once

#include <string>
#include <string_view>

namespace smtp {

// What the peer is, as advice, when `first_bytes` show it is not speaking
// SMTP in the clear (HTTP, TLS, SSH, POP3, IMAP); "" when they could be SMTP
// or say nothing.
std::string DescribeNonSmtpPeer(std::string_view first_bytes);

}  // namespace smtp
