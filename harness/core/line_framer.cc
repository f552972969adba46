#include "harness/core/line_framer.h"

#include <utility>

namespace smtp {

std::optional<FramedLine> LineFramer::Next() {
  while (true) {
    size_t lf = buffer_.find('\n', pos_);
    if (discarding_) {
      if (lf == std::string::npos) {
        if (buffered() > 0) discarded_cr_ = buffer_.back() == '\r';
        pos_ = buffer_.size();
        Compact();
        return std::nullopt;
      }
      // A CR that ended the previous read and this LF make a CRLF.
      after_bare_lf_ = lf > pos_ ? buffer_[lf - 1] != '\r' : !discarded_cr_;
      pos_ = lf + 1;
      discarding_ = false;
      continue;
    }
    if (lf == std::string::npos) {
      if (buffered() > max_) {
        // Report the overlong line now and drop the rest of it as it arrives.
        FramedLine line;
        line.text = buffer_.substr(pos_, max_);
        line.too_long = true;
        line.after_bare_lf = std::exchange(after_bare_lf_, false);
        discarded_cr_ = buffer_.back() == '\r';
        pos_ = buffer_.size();
        discarding_ = true;
        Compact();
        return line;
      }
      Compact();
      return std::nullopt;
    }
    FramedLine line;
    size_t end = lf;
    if (end > pos_ && buffer_[end - 1] == '\r') {
      --end;
      line.ending = LineEnding::kCrlf;
    } else {
      line.ending = LineEnding::kBareLf;
    }
    size_t total = lf + 1 - pos_;                     // counts the line ending as sent
    if (line.ending == LineEnding::kBareLf) ++total;  // as if it had been CRLF
    line.text = buffer_.substr(pos_, end - pos_);
    line.after_bare_lf = std::exchange(after_bare_lf_, false);
    line.bare_cr = line.text.find('\r') != std::string::npos;
    if (total > max_) {
      line.too_long = true;
      // Only shorten: a line over the limit by its ending alone keeps its text
      // (resize() would pad it with NULs the client never sent).
      if (line.text.size() > max_) line.text.resize(max_);
    }
    pos_ = lf + 1;
    Compact();
    return line;
  }
}

bool LineFramer::OverLongPartialLine() const {
  return !discarding_ && buffer_.find('\n', pos_) == std::string::npos && buffered() > max_;
}

std::string LineFramer::TakeRaw(size_t max) {
  size_t n = std::min(max, buffered());
  std::string out = buffer_.substr(pos_, n);
  pos_ += n;
  Compact();
  return out;
}

void LineFramer::Compact() {
  if (pos_ == buffer_.size()) {
    buffer_.clear();
    pos_ = 0;
  } else if (pos_ > 4096 && pos_ * 2 > buffer_.size()) {
    buffer_.erase(0, pos_);
    pos_ = 0;
  }
}

}  // namespace smtp
