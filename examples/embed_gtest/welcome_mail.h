// The application code under test: sends a welcome mail over SMTP.
#pragma once

#include <cstdint>
#include <string>

// Sends "Welcome, NAME!" to `to` through the SMTP server at host:port.
// Returns "" on success, else what went wrong (the server's reply).
std::string SendWelcomeMail(const std::string& host, uint16_t port, const std::string& to,
                            const std::string& name);
