#include "harness/report/send_json.h"

#include <cmath>
#include <nlohmann/json.hpp>

namespace smtp {

std::string RenderSendJson(const SendOutcome& o, int exit_code) {
  using nlohmann::json;
  json j;
  j["ok"] = o.ok();
  j["exit_code"] = exit_code;
  j["phase"] = o.ok() ? json(nullptr) : json(SendPhaseName(o.failed));
  j["error"] = o.ok() ? json(nullptr) : json(o.error);
  j["server"] = o.server;
  j["helo"] = o.helo;
  j["esmtp"] = o.esmtp;
  j["tls"] = o.tls;
  j["authenticated"] = o.authenticated;
  j["pipelining"] = o.pipelined;
  j["chunking"] = o.chunked;
  j["smtputf8"] = o.smtputf8;
  j["accepted"] = json::array();
  for (const auto& r : o.accepted) j["accepted"].push_back(r.address);
  j["rejected"] = json::array();
  for (const auto& r : o.rejected) {
    j["rejected"].push_back({{"address", r.address}, {"code", r.code}, {"reply", r.reply}});
  }
  auto reply_json = [](const std::optional<Reply>& r) {
    if (!r) return json(nullptr);
    return json{{"code", r->code}, {"text", r->Text()}, {"line", ReplyOneLine(*r)}};
  };
  j["final_reply"] = reply_json(o.final_reply);
  j["reply"] = reply_json(o.reply);
  j["queue_id"] = o.queue_id.empty() ? json(nullptr) : json(o.queue_id);
  json timings = json::object();
  for (const auto& [phase, ms] : o.timings_ms) timings[phase] = std::round(ms * 1000) / 1000;
  j["timings_ms"] = timings;
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace smtp
