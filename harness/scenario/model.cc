#include "harness/scenario/model.h"

namespace smtp {

const char* StepKindName(StepKind kind) {
  switch (kind) {
    case StepKind::kExpect:
      return "expect";
    case StepKind::kSend:
      return "send";
    case StepKind::kSendRaw:
      return "send_raw";
    case StepKind::kPipeline:
      return "pipeline";
    case StepKind::kData:
      return "data";
    case StepKind::kDataRaw:
      return "data_raw";
    case StepKind::kStartTls:
      return "starttls";
    case StepKind::kAuth:
      return "auth";
    case StepKind::kMail:
      return "mail";
    case StepKind::kSleep:
      return "sleep";
    case StepKind::kExpectClose:
      return "expect_close";
    case StepKind::kReply:
      return "reply";
    case StepKind::kExpectCommand:
      return "expect";
    case StepKind::kExpectData:
      return "expect_data";
  }
  return "unknown";
}

}  // namespace smtp
