// Small text helpers of the scripted session (harness/runner/scripted_session*.cc):
// lines of a reply, the verb of a command, a framed line's bytes, caps for
// what reports keep. Pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "harness/core/line_framer.h"

namespace smtp::script {

// `text`, or its first `cap` bytes and how many more there were.
std::string CapText(const std::string& text, size_t cap);

// The lines of a reply, without their CR; empty lines dropped.
std::vector<std::string> ReplyLines(const std::string& text);

// The line as it came: its text and its ending (CRLF or a bare LF).
std::string Raw(const FramedLine& line);

// The first word, in upper case ("ehlo x" -> "EHLO").
std::string Verb(std::string_view line);

// What a server answers when the script gives no reply for a command.
std::string DefaultReplyFor(const std::string& command);

// Without surrounding spaces, in upper case.
std::string UpperTrim(std::string_view s);

}  // namespace smtp::script
