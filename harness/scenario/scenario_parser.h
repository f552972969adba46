// ScenarioParser: walks one scenario document and fills a Scenario, reporting
// every problem through YamlReader. Internal to the loader; its methods are
// split over scenario_parser.cc (top level), step_parser.cc (steps) and
// matcher_parser.cc (reply, command and data matchers).
#pragma once

#include <set>
#include <string>
#include <vector>

#include "harness/scenario/model.h"
#include "harness/scenario/scenario_loader.h"
#include "harness/scenario/yaml_reader.h"

namespace smtp {

class ScenarioParser {
 public:
  ScenarioParser(YamlReader& reader, const LoadOptions& options, std::string base_dir,
                 const std::string& source)
      : r_(reader), options_(options), base_dir_(std::move(base_dir)), source_(source) {}

  void ParseRoot(const YAML::Node& root, Scenario& scenario);

 private:
  // top level (scenario_parser.cc)
  void ParseVars(const YAML::Node& node, Scenario& s);
  void ParseServerModeKeys(const YAML::Node& root, Scenario& s);
  void ParseTranscript(const YAML::Node& node, Scenario& s);
  void CheckTarget(const YAML::Node& node, const std::string& target);

  // steps (step_parser.cc)
  void ParseSteps(const YAML::Node& node, Scenario& s);
  bool ParseClientStep(const YAML::Node& node, Step& step);
  bool ParseServerStep(const YAML::Node& node, Step& step);
  void ParseCommonStepKeys(const YAML::Node& node, Step& step);
  // Server mode: `repeat: {min, max}` and `optional: true` on an expect step.
  void ParseRepetition(const YAML::Node& node, Step& step);
  void ParseData(const YAML::Node& node, Step& step);
  void ParseAuth(const YAML::Node& node, Step& step);
  void ParseMail(const YAML::Node& node, Step& step);
  void ParseStartTls(const YAML::Node& node, Step& step);
  void ParseServerReply(const YAML::Node& node, Step& step);
  // `delay:` and `split:` on a server-mode step that sends a reply.
  void ParseReplyPacing(const YAML::Node& node, Step& step);
  // After a step: its captures become defined for later steps.
  void DefineCaptures(const Step& step);

  // matchers (matcher_parser.cc)
  std::optional<ReplyMatcher> ParseReplyMatcher(const YAML::Node& node, int depth = 0);
  std::optional<CommandMatcher> ParseCommandMatcher(const YAML::Node& node);
  std::optional<DataMatcher> ParseDataMatcher(const YAML::Node& node);
  bool CheckCodePattern(const YAML::Node& node, const std::string& code);

  // Reports ${...} references in `text` that nothing defines at this point.
  void CheckVars(const YAML::Node& node, const std::string& text, std::string_view what);
  void CheckVars(SourcePos pos, const std::string& text, std::string_view what);
  // A command line (send, a pipeline entry) holds no CR or LF.
  void CheckCommandLine(const YAML::Node& node, const std::string& line, std::string_view what);

  YamlReader& r_;
  const LoadOptions& options_;
  std::string base_dir_;
  const std::string& source_;
  ScenarioMode mode_ = ScenarioMode::kClient;
  std::set<std::string> defined_;  // variables defined so far
};

}  // namespace smtp
