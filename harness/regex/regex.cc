#include "harness/regex/regex.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <cctype>

namespace smtp {
namespace {

using Clock = std::chrono::steady_clock;

constexpr uint32_t kOvectorPairs = 16;
constexpr size_t kJitStackStart = 32 * 1024;
constexpr size_t kJitStackMax = 1024 * 1024;
// PCRE2 (10.41 and later) keeps the backtracking frames of a match in its
// match block for the next call; after a large subject the thread's block is
// replaced so it does not keep up to kRegexHeapLimitKiB for good.
constexpr size_t kRenewAfterSubject = 64 * 1024;
// The callout number that marks "a new start position" (see Compile).
constexpr uint32_t kStartCallout = 255;

struct CodeDeleter {
  void operator()(pcre2_code* c) const { pcre2_code_free(c); }
};
using CodePtr = std::unique_ptr<pcre2_code, CodeDeleter>;

std::string ErrorText(int code) {
  PCRE2_UCHAR buf[256];
  int n = pcre2_get_error_message(code, buf, sizeof(buf));
  if (n < 0) return "PCRE2 error " + std::to_string(code);
  return std::string(reinterpret_cast<const char*>(buf), static_cast<size_t>(n));
}

CodePtr CompileRaw(const std::string& pattern, uint32_t options, uint32_t newline, int* error,
                   size_t* offset) {
  pcre2_compile_context* cc = pcre2_compile_context_create(nullptr);
  pcre2_set_newline(cc, newline);
  PCRE2_SIZE off = 0;
  pcre2_code* code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(),
                                   options, error, &off, cc);
  pcre2_compile_context_free(cc);
  if (offset) *offset = off;
  return CodePtr(code);
}

uint32_t CaptureCount(const pcre2_code* code) {
  uint32_t n = 0;
  pcre2_pattern_info(code, PCRE2_INFO_CAPTURECOUNT, &n);
  return n;
}

// Leading "(*UTF)", "(*LIMIT_MATCH=10)", "(*CRLF)": they must stay at the very
// start of the pattern, in front of the start callout.
size_t LeadingVerbsLength(std::string_view p) {
  size_t i = 0;
  while (p.compare(i, 2, "(*") == 0) {
    size_t j = i + 2;
    while (j < p.size() &&
           (std::isupper(static_cast<unsigned char>(p[j])) ||
            std::isdigit(static_cast<unsigned char>(p[j])) || p[j] == '_' || p[j] == '=')) {
      ++j;
    }
    if (j >= p.size() || p[j] != ')' || j == i + 2) break;
    i = j + 1;
  }
  return i;
}

std::string Shown(const std::string& pattern) {
  if (pattern.size() <= 60) return "/" + pattern + "/";
  return "/" + pattern.substr(0, 57) + ".../";
}

struct CalloutState {
  Clock::time_point deadline;
  bool timed_out = false;
};

int OnCallout(pcre2_callout_block* block, void* data) {
  if (block->callout_number != kStartCallout) return 0;  // the pattern's own (?C)
  auto* state = static_cast<CalloutState*>(data);
  if (Clock::now() < state->deadline) return 0;
  state->timed_out = true;
  return PCRE2_ERROR_CALLOUT;
}

// Per-thread match resources: limits, a JIT stack, a match block.
struct Scratch {
  pcre2_match_context* context = nullptr;
  pcre2_jit_stack* jit_stack = nullptr;
  pcre2_match_data* data = nullptr;

  Scratch() {
    context = pcre2_match_context_create(nullptr);
    pcre2_set_match_limit(context, kRegexMatchLimit);
    pcre2_set_depth_limit(context, kRegexDepthLimit);
    pcre2_set_heap_limit(context, kRegexHeapLimitKiB);
    jit_stack = pcre2_jit_stack_create(kJitStackStart, kJitStackMax, nullptr);
    if (jit_stack) pcre2_jit_stack_assign(context, nullptr, jit_stack);
    data = pcre2_match_data_create(kOvectorPairs, nullptr);
  }
  ~Scratch() {
    pcre2_match_data_free(data);
    pcre2_jit_stack_free(jit_stack);
    pcre2_match_context_free(context);
  }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;

  void Renew() {
    pcre2_match_data_free(data);
    data = pcre2_match_data_create(kOvectorPairs, nullptr);
  }
};

Scratch& ThreadScratch() {
  thread_local Scratch scratch;
  return scratch;
}

}  // namespace

struct Regex::Impl {
  std::string pattern;
  CodePtr code;
  uint32_t captures = 0;
  bool jit = false;
  bool timed = false;  // has the start callout, so the time limit applies
};

Result<Regex> Regex::Compile(std::string_view pattern_view, unsigned flags, CompileError* error) {
  const std::string pattern(pattern_view);
  uint32_t options = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF;
  if (flags & kCaseless) options |= PCRE2_CASELESS;
  if (flags & kMultiline) options |= PCRE2_MULTILINE;
  const uint32_t newline = flags & kAnyCrlf ? PCRE2_NEWLINE_ANYCRLF : PCRE2_NEWLINE_LF;

  // The pattern as written: its errors and offsets are the user's.
  int code_error = 0;
  size_t offset = 0;
  CodePtr plain = CompileRaw(pattern, options, newline, &code_error, &offset);
  if (!plain) {
    std::string why = ErrorText(code_error);
    if (error) *error = CompileError{offset, why};
    return Status::InvalidArgument(why + " at offset " + std::to_string(offset));
  }
  auto impl = std::make_shared<Impl>();
  impl->pattern = pattern;
  impl->captures = CaptureCount(plain.get());

  // PCRE2 has no time limit, and its match limit restarts at every start
  // position. A callout at the front of the pattern runs once per start
  // position and checks the clock. The pattern goes inside a group (so the
  // callout precedes every top-level alternative); "\E" closes a trailing
  // \Q, and a newline ends a trailing (?x) comment. Should no form compile
  // to the same groups, the pattern runs without the time limit.
  size_t verbs = LeadingVerbsLength(pattern);
  const std::string head = pattern.substr(0, verbs) + "(?C" + std::to_string(kStartCallout) +
                           ")(?:" + pattern.substr(verbs);
  for (const char* tail : {"\\E)", "\\E\n)"}) {
    CodePtr wrapped = CompileRaw(head + tail, options, newline, &code_error, nullptr);
    if (wrapped && CaptureCount(wrapped.get()) == impl->captures) {
      impl->code = std::move(wrapped);
      impl->timed = true;
      break;
    }
  }
  if (!impl->code) impl->code = std::move(plain);
  impl->jit = pcre2_jit_compile(impl->code.get(), PCRE2_JIT_COMPLETE) == 0;
  return Regex(std::move(impl));
}

Result<bool> Regex::Search(std::string_view subject) const {
  return Run(subject, 0, -1, nullptr, nullptr);
}

Result<std::optional<std::string>> Regex::SearchGroup(std::string_view subject, int group) const {
  std::optional<std::string> out;
  auto found = Run(subject, 0, group, &out, nullptr);
  if (!found.ok()) return found.status();
  return out;
}

Result<std::optional<Regex::Match>> Regex::Find(std::string_view subject, size_t from) const {
  if (from > subject.size()) return std::optional<Match>();
  Match match;
  auto found = Run(subject, from, -1, nullptr, &match);
  if (!found.ok()) return found.status();
  if (!*found) return std::optional<Match>();
  return std::optional<Match>(std::move(match));
}

Result<bool> Regex::Run(std::string_view subject, size_t from, int group,
                        std::optional<std::string>* out, Match* found) const {
  Scratch& s = ThreadScratch();
  pcre2_match_data* data = s.data;
  pcre2_match_data* own = nullptr;
  const int needed = found ? static_cast<int>(impl_->captures) : group;
  if (needed >= static_cast<int>(kOvectorPairs)) {
    own = pcre2_match_data_create_from_pattern(impl_->code.get(), nullptr);
    data = own;
  }
  CalloutState state{Clock::now() + kRegexTimeLimit};
  pcre2_set_callout(s.context, impl_->timed ? OnCallout : nullptr, &state);
  auto match = [&](uint32_t options) {
    return pcre2_match(impl_->code.get(), reinterpret_cast<PCRE2_SPTR>(subject.data()),
                       subject.size(), from, options, data, s.context);
  };
  int rc = match(subject.size() > kRegexJitMaxSubject ? PCRE2_NO_JIT : 0);
  if (rc == PCRE2_ERROR_JIT_STACKLIMIT) rc = match(PCRE2_NO_JIT);  // the heap holds more

  Result<bool> result = false;
  if (rc >= 0) {
    result = true;
    if (out && group >= 0) {
      *out = std::string();
      uint32_t pairs = pcre2_get_ovector_count(data);
      PCRE2_SIZE* ov = pcre2_get_ovector_pointer(data);
      if (static_cast<uint32_t>(group) < pairs && (rc == 0 || group < rc) &&
          ov[2 * group] != PCRE2_UNSET) {
        *out = std::string(subject.substr(ov[2 * group], ov[2 * group + 1] - ov[2 * group]));
      }
    }
    if (found) {
      uint32_t pairs = pcre2_get_ovector_count(data);
      PCRE2_SIZE* ov = pcre2_get_ovector_pointer(data);
      found->begin = ov[0];
      found->end = ov[1];
      found->groups.assign(impl_->captures + 1, std::nullopt);
      for (uint32_t g = 0; g <= impl_->captures && g < pairs; ++g) {
        if ((rc == 0 || static_cast<int>(g) < rc) && ov[2 * g] != PCRE2_UNSET) {
          found->groups[g] = std::string(subject.substr(ov[2 * g], ov[2 * g + 1] - ov[2 * g]));
        }
      }
    }
  } else if (rc != PCRE2_ERROR_NOMATCH) {
    std::string limit;
    if (state.timed_out) {
      limit = "the time limit (" + std::to_string(kRegexTimeLimit.count()) + " ms for one search)";
    } else if (rc == PCRE2_ERROR_MATCHLIMIT) {
      limit = "the match limit (" + std::to_string(kRegexMatchLimit) + " backtracking steps)";
    } else if (rc == PCRE2_ERROR_DEPTHLIMIT) {
      limit =
          "the depth limit (" + std::to_string(kRegexDepthLimit) + " nested backtracking points)";
    } else if (rc == PCRE2_ERROR_HEAPLIMIT) {
      limit = "the heap limit (" + std::to_string(kRegexHeapLimitKiB / 1024) +
              " MiB of backtracking memory)";
    }
    std::string size = std::to_string(subject.size()) + "-byte text";
    if (limit.empty()) {
      result = Status::Internal("regex " + Shown(impl_->pattern) + " failed on a " + size + ": " +
                                ErrorText(rc));
    } else {
      result = Status::Internal("regex " + Shown(impl_->pattern) + " gave up on a " + size +
                                ": it hit " + limit +
                                "; the pattern backtracks too much (nested repeats such as "
                                "(a+)+, or .* around text that is not there)");
    }
  }
  pcre2_set_callout(s.context, nullptr, nullptr);
  if (own) pcre2_match_data_free(own);
  if (subject.size() > kRenewAfterSubject) s.Renew();
  return result;
}

int Regex::capture_count() const { return static_cast<int>(impl_->captures); }
const std::string& Regex::pattern() const { return impl_->pattern; }
bool Regex::jit() const { return impl_->jit; }

std::string Regex::Escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x80 && !std::isalnum(u)) out += '\\';
    out += c;
  }
  return out;
}

}  // namespace smtp
