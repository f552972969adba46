// Server-mode matchers (SPEC §4): does a command line from the client under
// test satisfy an `expect:` CommandMatcher, does a received message satisfy
// an `expect_data:` DataMatcher. Pure functions over strings.
//
// Each returns nullopt on a match, or one sentence saying what differed,
// meant for a student ("the verb is MAIL, expected RCPT"). Bytes from the
// client appear escaped, so a stray "\r" is visible.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "harness/scenario/model.h"

namespace smtp {

// Glob on the whole line: the verb compares case-insensitively, so do the
// FROM:/TO: keywords of MAIL/RCPT (RFC 5321 §2.4); the rest is case-sensitive.
// `verb` may list alternatives, "HELO|EHLO". `arg` globs the argument.
// `regex` (ECMAScript) is searched in the line.
std::optional<std::string> MatchCommandLine(const CommandMatcher& m, std::string_view line);

// `message` is the dot-unstuffed message with CRLF line endings (every line
// ends in CRLF, the terminating "." line excluded). `contains` are
// substrings (LF in the pattern matches CRLF), `headers` globs on unfolded
// header values (names case-insensitive), `regex` is searched in the message
// with its line endings turned into LF, `equals` compares whole messages with
// line endings normalised and trailing line breaks ignored.
std::optional<std::string> MatchMessage(const DataMatcher& m, std::string_view message);

// The matcher as people read it: "HELO *", "MAIL FROM:<*@*>", "/^RCPT/",
// "message containing \"hello\"".
std::string DescribeCommandMatcher(const CommandMatcher& m);
std::string DescribeDataMatcher(const DataMatcher& m);

// True when the matcher can only match QUIT (strict.quit treats it apart).
bool IsQuitMatcher(const CommandMatcher& m);

}  // namespace smtp
