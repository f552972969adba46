// The conversation of one scenario as a sequence diagram in SVG: a client
// lane and a server lane, each command and reply an arrow with its time,
// STARTTLS/TLS and AUTH exchanges marked, the failing step drawn in red with
// a box saying what was expected and what arrived. Wire bytes are escaped
// (html_escape.h) so a bare LF, a bare CR or a NUL shows as a red token.
//
// Long runs of lines (a message body, a big EHLO reply) are folded in the
// diagram; their full text comes back separately, as <details> blocks the
// page puts under the diagram, each linked from its fold.
//
// The SVG uses presentation attributes (fill, stroke, font) and no ids, so
// it renders the same without the page's stylesheet (Gradescope output) and
// any number of diagrams can share a page. Classes name the parts for the
// page's CSS and for tests: svg.seq, g.lane.client|server, g.msg.c2s|s2c
// (.fail .auth .tls), g.note (.tls), g.failbox. Pure: JSON in, text out.
#pragma once

#include <cstddef>
#include <string>

#include "harness/report/html_json.h"

namespace smtp::html {

struct SequenceOptions {
  std::string id_prefix = "sc";  // folds get ids id_prefix + "-fold-N"
  size_t max_rows = 400;         // arrows and notes drawn; the rest is summarised
  size_t max_label_lines = 8;    // an arrow with more lines is folded
};

struct SequenceDiagram {
  std::string svg;    // <svg class="seq" ...>...</svg>
  std::string folds;  // HTML: one <details class="fold"> per folded arrow
};

// `scenario` is one element of the JSON report's "scenarios" array.
SequenceDiagram RenderSequenceDiagram(const Json& scenario, const SequenceOptions& options = {});

}  // namespace smtp::html
