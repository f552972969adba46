// libFuzzer target: ParseCommand and the MAIL FROM / RCPT TO path grammar
// (ParseMailFrom, ParseRcptTo, ParseMailbox) on arbitrary bytes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "harness/core/command.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto command = smtp::ParseCommand(input);
  if (command.ok()) {
    if (command->verb.empty()) std::abort();
    if (command->verb == "MAIL") {
      auto path = smtp::ParseMailFrom(command->args);
      if (path.ok()) {
        (void)path->Address();
        (void)path->Param("SIZE");
      }
    } else if (command->verb == "RCPT") {
      auto path = smtp::ParseRcptTo(command->args);
      if (path.ok()) {
        (void)path->Address();
        (void)path->Param("NOTIFY");
      }
    }
  }
  // The path parsers also see arguments that did not come through ParseCommand.
  (void)smtp::ParseMailFrom(input);
  (void)smtp::ParseRcptTo(input);
  auto mailbox = smtp::ParseMailbox(input);
  if (mailbox.ok()) (void)mailbox->Address();
  return 0;
}
