// A small JSON Schema validator for the subset docs/report.schema.json uses
// (type, enum, required, properties, additionalProperties: false, items,
// $ref to #/$defs/..., minimum, pattern). Test-only: the reports tests and
// the end-to-end tests check produced reports against the schema with it.
#pragma once

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "harness/regex/regex.h"

namespace smtp::testing {

class MiniJsonSchema {
 public:
  explicit MiniJsonSchema(nlohmann::json schema) : root_(std::move(schema)) {}

  static MiniJsonSchema FromFile(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return MiniJsonSchema(nlohmann::json::parse(ss.str()));
  }

  // Every violation, as "path: message"; empty when the document is valid.
  std::vector<std::string> Validate(const nlohmann::json& doc) const {
    std::vector<std::string> errors;
    Check(root_, doc, "$", errors);
    return errors;
  }

 private:
  static bool HasType(const nlohmann::json& v, const std::string& t) {
    if (t == "object") return v.is_object();
    if (t == "array") return v.is_array();
    if (t == "string") return v.is_string();
    if (t == "integer") return v.is_number_integer();
    if (t == "number") return v.is_number();
    if (t == "boolean") return v.is_boolean();
    if (t == "null") return v.is_null();
    return false;
  }

  const nlohmann::json& Resolve(const nlohmann::json& schema) const {
    if (schema.contains("$ref")) {
      std::string ref = schema["$ref"];
      const std::string prefix = "#/$defs/";
      if (ref.rfind(prefix, 0) != 0) throw std::runtime_error("unsupported $ref " + ref);
      return root_.at("$defs").at(ref.substr(prefix.size()));
    }
    return schema;
  }

  void Check(const nlohmann::json& schema_in, const nlohmann::json& v, const std::string& path,
             std::vector<std::string>& errors) const {
    const nlohmann::json& schema = Resolve(schema_in);
    if (schema.contains("type")) {
      bool ok = false;
      std::string want;
      if (schema["type"].is_array()) {
        for (const auto& t : schema["type"]) {
          ok = ok || HasType(v, t);
          if (!want.empty()) want += '|';
          want += t.get<std::string>();
        }
      } else {
        want = schema["type"];
        ok = HasType(v, want);
      }
      if (!ok) {
        errors.push_back(path + ": expected " + want + ", got " + v.dump());
        return;
      }
    }
    if (schema.contains("enum")) {
      bool found = false;
      for (const auto& e : schema["enum"]) found = found || e == v;
      if (!found) errors.push_back(path + ": " + v.dump() + " not in enum");
    }
    if (schema.contains("minimum") && v.is_number() &&
        v.get<double>() < schema["minimum"].get<double>()) {
      errors.push_back(path + ": below minimum");
    }
    if (schema.contains("pattern") && v.is_string() &&
        !Regex::Compile(schema["pattern"].get<std::string>())
             ->Search(v.get<std::string>())
             .value()) {
      errors.push_back(path + ": does not match pattern");
    }
    if (v.is_object()) {
      if (schema.contains("required")) {
        for (const auto& r : schema["required"]) {
          if (!v.contains(r.get<std::string>()))
            errors.push_back(path + ": missing " + r.get<std::string>());
        }
      }
      const auto props = schema.value("properties", nlohmann::json::object());
      for (auto it = v.begin(); it != v.end(); ++it) {
        if (props.contains(it.key())) {
          Check(props[it.key()], it.value(), path + "." + it.key(), errors);
        } else if (schema.contains("additionalProperties") &&
                   schema["additionalProperties"] == false) {
          errors.push_back(path + ": unexpected field " + it.key());
        }
      }
    }
    if (v.is_array() && schema.contains("items")) {
      for (size_t i = 0; i < v.size(); ++i) {
        Check(schema["items"], v[i], path + "[" + std::to_string(i) + "]", errors);
      }
    }
  }

  nlohmann::json root_;
};

}  // namespace smtp::testing
