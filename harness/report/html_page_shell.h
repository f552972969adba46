// The frame every HTML report shares: doctype, a Content-Security-Policy
// that forbids every fetch and every script (the page needs neither; a
// slip in escaping could then still run nothing, and the browser would log
// the attempt), the inline stylesheet, a title. Self-contained: no fonts,
// images or scripts from anywhere.
#pragma once

#include <string>

namespace smtp::html {

// `title` is plain text (escaped here); `body` is markup.
std::string PageShell(const std::string& title, const std::string& body);

// The stylesheet, for tests and for fragments that want it.
const char* ReportCss();

}  // namespace smtp::html
