// What a server-mode run keeps, whatever the client under test sends
// (docs/grading.md "Limits"): each bound keeps grade's memory and its
// reports small against a hostile client. Past a bound the run says which
// one was reached.
#pragma once

#include <cstddef>

namespace smtp {

// A message larger than this (or the scenario's `server: {max_message_size}`)
// is refused with 552 after its final dot and fails its step; SIZE is
// advertised in replies to EHLO. Only this much of it is kept.
inline constexpr size_t kGradeDefaultMaxMessage = 10u << 20;
// Transcript text kept per session; later lines are counted, not kept.
inline constexpr size_t kGradeTranscriptBytes = 1u << 20;
// One transcript line's text (longer lines are cut with a note).
inline constexpr size_t kGradeTranscriptLine = 4096;
// Commands the client may send after the script stopped (each answered 503)
// before the session is closed with 421.
inline constexpr size_t kGradeUnexpectedCommands = 1000;
// Unexpected commands listed in the session report.
inline constexpr size_t kGradeUnexpectedKept = 100;
// A step's `received` (the bytes shown for it).
inline constexpr size_t kGradeShownBytes = 64u << 10;
// Every byte the client sent, kept for the report (`received_bytes`).
inline constexpr size_t kGradeReceivedBytes = 1u << 20;
// One scenario result in a report, as JSON (escaped): past it the largest
// texts (output, received bytes, transcript) are cut, saying so.
inline constexpr size_t kGradeReportBytes = 4u << 20;

}  // namespace smtp
