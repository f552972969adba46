// Lenient readers of a parsed JSON report for the HTML writer (internal to
// harness/report). A report given to `smtp-harness report` may be old,
// hand-edited or from a newer version: a missing field or one of the wrong
// type reads as the default, never throws.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace smtp::html {

using Json = nlohmann::ordered_json;

inline const Json& Field(const Json& j, const char* key) {
  static const Json kNull;
  if (!j.is_object()) return kNull;
  auto it = j.find(key);
  return it == j.end() ? kNull : *it;
}

inline std::string Str(const Json& j, const char* key, const std::string& fallback = "") {
  const Json& v = Field(j, key);
  return v.is_string() ? v.get<std::string>() : fallback;
}

inline double Num(const Json& j, const char* key, double fallback = 0) {
  const Json& v = Field(j, key);
  return v.is_number() ? v.get<double>() : fallback;
}

inline long long Int(const Json& j, const char* key, long long fallback = 0) {
  const Json& v = Field(j, key);
  return v.is_number() ? static_cast<long long>(v.get<double>()) : fallback;
}

inline bool Bool(const Json& j, const char* key) {
  const Json& v = Field(j, key);
  return v.is_boolean() && v.get<bool>();
}

inline const Json& Array(const Json& j, const char* key) {
  static const Json kEmpty = Json::array();
  const Json& v = Field(j, key);
  return v.is_array() ? v : kEmpty;
}

}  // namespace smtp::html
