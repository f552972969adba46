#include "harness/scenario/transcript_form.h"

#include <cctype>

#include "harness/scenario/standard_replies.h"
#include "harness/util/ascii.h"

namespace smtp {
namespace {

bool IsContinuation(const std::string& text) { return text.size() >= 4 && text[3] == '-'; }

bool IsDataCommand(const std::string& text) {
  std::string t = text;
  while (!t.empty() && t.back() == ' ') t.pop_back();
  return Upper(t) == "DATA";
}

bool IsStartTls(const std::string& text) { return Upper(text) == "STARTTLS"; }

std::string Line(const SourcePos& p) { return std::to_string(p.line); }

// One reply: consecutive S: lines while they are "NNN-" continuations.
struct ReplyGroup {
  std::string text;  // lines joined by '\n'
  SourcePos pos;
};

class Builder {
 public:
  Builder(ScenarioMode mode, Diagnostics& diag) : mode_(mode), diag_(diag) {}

  std::vector<Step> Build(const std::vector<TranscriptLine>& lines) {
    for (size_t i = 0; i < lines.size(); ++i) {
      const auto& l = lines[i];
      if (in_data_) {
        if (l.dir == 'C') {
          if (l.text == ".") {
            FinishData(l);
          } else {
            data_lines_.push_back(l.text);
          }
          continue;
        }
        diag_.Add(l.pos, "transcript: server reply inside the message that started at line " +
                             Line(data_pos_) + " (end the message with 'C: .')");
        in_data_ = false;
        while (IsContinuation(lines[i].text) && i + 1 < lines.size() && lines[i + 1].dir == 'S')
          ++i;
        continue;  // that reply answers nothing we know of
      }
      if (l.dir == 'C') {
        OnCommand(l);
        continue;
      }
      ReplyGroup g{l.text, l.pos};
      while (IsContinuation(lines[i].text) && i + 1 < lines.size() && lines[i + 1].dir == 'S') {
        ++i;
        g.text += "\n" + lines[i].text;
      }
      OnReply(g);
    }
    if (in_data_) {
      diag_.Add(data_pos_, "transcript: the message that starts here is not ended by 'C: .'");
    }
    if (!replies_.empty()) {
      diag_.Add(pending_.front().pos, PipelineMismatch());
    } else {
      for (const auto& c : pending_) Push(MakeCommandStep(c));  // e.g. a final QUIT
    }
    if (steps_.empty()) diag_.Add(first_pos_, "transcript: has no C: or S: lines");
    return std::move(steps_);
  }

  void set_first_pos(SourcePos p) { first_pos_ = p; }

 private:
  std::string PipelineMismatch() const {
    return "transcript: " + std::to_string(pending_.size()) +
           " commands sent together (from line " + Line(pending_.front().pos) + ") but only " +
           std::to_string(replies_.size()) +
           (replies_.size() == 1 ? " reply follows" : " replies follow") + " them";
  }

  void OnCommand(const TranscriptLine& l) {
    if (!replies_.empty()) {
      diag_.Add(l.pos, PipelineMismatch());
      pending_.clear();
      replies_.clear();
    }
    if (awaiting_data_reply_) {
      Push(std::move(data_step_));  // the message got no reply in the transcript
      awaiting_data_reply_ = false;
    }
    pending_.push_back(l);
  }

  void OnReply(const ReplyGroup& g) {
    if (g.text.empty() || !std::isdigit(static_cast<unsigned char>(g.text[0]))) {
      diag_.Add(g.pos, "transcript: a reply must start with its code (e.g. 'S: 250 *'), got '" +
                           g.text + "'");
      return;
    }
    if (awaiting_data_reply_) {
      SetReply(data_step_, g);
      Push(std::move(data_step_));
      awaiting_data_reply_ = false;
      return;
    }
    if (pending_.empty()) {
      if (steps_.empty()) {
        Step s;
        s.pos = g.pos;
        s.kind = mode_ == ScenarioMode::kClient ? StepKind::kExpect : StepKind::kReply;
        SetReply(s, g);
        Push(std::move(s));
      } else {
        diag_.Add(g.pos,
                  "transcript: reply with no command before it (each S: reply after the "
                  "greeting answers a C: line)");
      }
      return;
    }
    replies_.push_back(g);
    if (replies_.size() < pending_.size()) return;
    bool data = IsDataCommand(pending_.back().text) && g.text.rfind("354", 0) == 0;
    if (mode_ == ScenarioMode::kServer || pending_.size() == 1) {
      for (size_t k = 0; k < pending_.size(); ++k) {
        Step s = MakeCommandStep(pending_[k]);
        SetReply(s, replies_[k]);
        Push(std::move(s));
      }
    } else {
      Step s;
      s.kind = StepKind::kPipeline;
      s.pos = pending_.front().pos;
      for (size_t k = 0; k < pending_.size(); ++k) {
        s.lines.push_back(pending_[k].text);
        s.expect.push_back(GlobMatcher(replies_[k]));
      }
      Push(std::move(s));
    }
    pending_.clear();
    replies_.clear();
    if (data) {
      in_data_ = true;
      data_lines_.clear();
      data_pos_ = g.pos;
      data_pos_.line += 1;
      data_pos_.column = g.pos.column;
    }
  }

  void FinishData(const TranscriptLine& dot) {
    in_data_ = false;
    Step s;
    s.pos = data_pos_;
    if (mode_ == ScenarioMode::kClient) {
      s.kind = StepKind::kDataRaw;
      for (const auto& l : data_lines_) s.text += l + "\r\n";
      s.text += ".\r\n";
    } else {
      // Line by line, each a glob like the command lines, and every line
      // counts: a blank line at the end of the message is part of it.
      s.kind = StepKind::kExpectData;
      std::string message;
      for (const auto& line : data_lines_) {
        std::string l = line;
        if (l.rfind("..", 0) == 0) l.erase(0, 1);  // the wire form is dot-stuffed
        message += l + "\n";
      }
      s.data.glob = message;
      s.data.pos = data_pos_;
    }
    (void)dot;
    data_step_ = std::move(s);
    awaiting_data_reply_ = true;
  }

  Step MakeCommandStep(const TranscriptLine& c) const {
    Step s;
    s.pos = c.pos;
    if (mode_ == ScenarioMode::kClient) {
      s.kind = IsStartTls(c.text) ? StepKind::kStartTls : StepKind::kSend;
      s.text = c.text;
    } else {
      s.kind = StepKind::kExpectCommand;
      s.command.glob = c.text;
      s.command.pos = c.pos;
    }
    return s;
  }

  static ReplyMatcher GlobMatcher(const ReplyGroup& g) {
    ReplyMatcher m;
    m.glob = g.text;
    m.pos = g.pos;
    return m;
  }

  void SetReply(Step& s, const ReplyGroup& g) {
    if (mode_ == ScenarioMode::kClient) {
      s.expect = {GlobMatcher(g)};
      return;
    }
    auto text = ExpandStandardReply(g.text);
    if (!text.ok()) {
      diag_.Add(g.pos, "transcript: " + text.status().message());
      return;
    }
    s.text = *text;
  }

  void Push(Step s) {
    s.index = static_cast<int>(steps_.size());
    steps_.push_back(std::move(s));
  }

  ScenarioMode mode_;
  Diagnostics& diag_;
  SourcePos first_pos_;
  std::vector<Step> steps_;
  std::vector<TranscriptLine> pending_;
  std::vector<ReplyGroup> replies_;
  bool in_data_ = false;
  SourcePos data_pos_;
  std::vector<std::string> data_lines_;
  bool awaiting_data_reply_ = false;
  Step data_step_;
};

}  // namespace

std::vector<TranscriptLine> SplitTranscript(std::string_view text,
                                            const std::function<SourcePos(int)>& pos_of,
                                            Diagnostics& diag) {
  std::vector<TranscriptLine> out;
  size_t start = 0;
  int index = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    std::string_view line =
        text.substr(start, nl == std::string_view::npos ? text.npos : nl - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    std::string_view trimmed = line;
    while (!trimmed.empty() && (trimmed.front() == ' ' || trimmed.front() == '\t')) {
      trimmed.remove_prefix(1);
    }
    if (!trimmed.empty() && trimmed.front() != '#') {
      if (trimmed.size() >= 2 && (trimmed[0] == 'C' || trimmed[0] == 'S') && trimmed[1] == ':') {
        TranscriptLine tl;
        tl.dir = trimmed[0];
        std::string_view rest = trimmed.substr(2);
        if (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
        tl.text = std::string(rest);
        tl.pos = pos_of(index);
        if (tl.dir == 'C' && tl.text.find('\r') != std::string::npos) {
          diag.Add(tl.pos,
                   "transcript: a C: line cannot contain CR (a line break inside the line; an "
                   "unclosed quote?)");
        }
        out.push_back(std::move(tl));
      } else {
        diag.Add(pos_of(index), "transcript: line must start with 'C:' or 'S:', got '" +
                                    std::string(trimmed.substr(0, 40)) + "'");
      }
    }
    if (nl == std::string_view::npos) break;
    start = nl + 1;
    ++index;
  }
  return out;
}

std::vector<Step> BuildTranscriptSteps(const std::vector<TranscriptLine>& lines, ScenarioMode mode,
                                       Diagnostics& diag) {
  Builder b(mode, diag);
  if (!lines.empty()) b.set_first_pos(lines.front().pos);
  return b.Build(lines);
}

}  // namespace smtp
