#include "harness/scenario/transcript_writer.h"

#include <vector>

#include "harness/scenario/yaml_reader.h"
#include "harness/util/lines.h"

namespace smtp {
namespace {

size_t Indent(const std::string& line) {
  size_t i = 0;
  while (i < line.size() && line[i] == ' ') ++i;
  return i;
}

bool Blank(const std::string& line) { return line.find_first_not_of(" \t\r") == std::string::npos; }

}  // namespace

std::string WriteTranscriptForm(const Transcript& entries) {
  std::string out;
  for (const auto& e : entries) {
    if (e.dir != 'C' && e.dir != 'S') continue;
    out += e.dir;
    out += ':';
    if (!e.text.empty()) out += ' ';
    for (char c : e.text) {
      if (c == '$') out += '$';  // "$$" reads back as "$", never as ${var}
      out += c;
    }
    out += '\n';
  }
  return out;
}

Result<TranscriptBlock> FindTranscriptBlock(const std::string& yaml) {
  Diagnostics diag("scenario");
  auto root = ParseYamlDocument(yaml, diag);
  if (!root) return Status::InvalidArgument(JoinDiagnostics(diag.Sorted()));
  YAML::Node node = root->IsMap() ? (*root)["transcript"] : YAML::Node();
  if (!node || !node.IsScalar()) {
    return Status::InvalidArgument("the scenario has no 'transcript:' to rewrite");
  }
  YAML::Mark mark = node.Mark();
  if (mark.pos < 0 || static_cast<size_t>(mark.pos) >= yaml.size() || yaml[mark.pos] != '|') {
    return Status::InvalidArgument(
        "only a literal block transcript ('transcript: |') can be rewritten");
  }
  TranscriptBlock b;
  b.lines = SplitLines(yaml);
  b.first = static_cast<size_t>(mark.line) + 1;  // first content line
  size_t key_indent = Indent(b.lines[mark.line]);
  b.indent = key_indent + 2;
  b.last = b.first;  // one past the last content line
  bool seen = false;
  for (size_t i = b.first; i < b.lines.size(); ++i) {
    if (Blank(b.lines[i])) continue;
    if (!seen) {
      b.indent = Indent(b.lines[i]);
      seen = true;
      if (b.indent <= key_indent) {  // an empty block
        b.indent = key_indent + 2;
        break;
      }
    } else if (Indent(b.lines[i]) < b.indent) {
      break;
    }
    b.last = i + 1;
  }
  return b;
}

Result<std::string> ReplaceTranscriptBlock(const std::string& yaml, const std::string& transcript) {
  auto b = FindTranscriptBlock(yaml);
  if (!b.ok()) return b.status();
  std::string out;
  for (size_t i = 0; i < b->first && i < b->lines.size(); ++i) out += b->lines[i] + "\n";
  for (const auto& l : SplitLines(transcript)) out += std::string(b->indent, ' ') + l + "\n";
  for (size_t i = b->last; i < b->lines.size(); ++i) out += b->lines[i] + "\n";
  if (!yaml.empty() && yaml.back() != '\n' && !out.empty()) out.pop_back();
  return out;
}

}  // namespace smtp
