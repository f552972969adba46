#include "harness/record/client_stream.h"

#include <cctype>

#include "harness/util/ascii.h"

namespace smtp {
namespace {}  // namespace

bool IsDataCommand(std::string_view line) {
  while (!line.empty() && line.back() == ' ') line.remove_suffix(1);
  return Upper(line) == "DATA";
}

std::optional<size_t> ParseBdatSize(std::string_view line) {
  std::string up = Upper(line);
  while (!up.empty() && up.back() == ' ') up.pop_back();
  if (up.rfind("BDAT ", 0) != 0) return std::nullopt;
  std::string_view rest = std::string_view(up).substr(5);
  size_t digits = 0;
  while (digits < rest.size() && std::isdigit(static_cast<unsigned char>(rest[digits]))) ++digits;
  std::string_view tail = rest.substr(digits);
  if (!tail.empty() && tail != " LAST") return std::nullopt;
  // Up to 20 digits, as the servers take (RFC 1870's SIZE); past 64 bits the
  // chunk is as long as the client goes on.
  auto size = ParseDecimal(rest.substr(0, digits), 20);
  if (!size) return std::nullopt;
  return size->value;
}

std::optional<ClientItem> ClientStream::Next() {
  if (chunk_left_) {
    chunk_ += lines_.TakeRaw(*chunk_left_ - chunk_.size());
    if (chunk_.size() < *chunk_left_) return std::nullopt;
    chunk_left_.reset();
    awaiting_.push_back(Awaiting::kCommand);  // the chunk's reply comes after its octets
    return ClientItem{ClientItem::Kind::kChunk, std::move(chunk_)};
  }
  auto line = lines_.Next();
  if (!line) return std::nullopt;
  if (in_data_) {
    if (line->text == ".") {
      in_data_ = false;
      awaiting_.push_back(Awaiting::kCommand);  // the reply to the message
    }
    return ClientItem{ClientItem::Kind::kDataLine, std::move(line->text)};
  }
  if (auto size = ParseBdatSize(line->text)) {
    chunk_left_ = *size;
    chunk_.clear();
  } else {
    awaiting_.push_back(IsDataCommand(line->text) ? Awaiting::kData : Awaiting::kCommand);
  }
  return ClientItem{ClientItem::Kind::kCommand, std::move(line->text)};
}

void ClientStream::OnReply(int code) {
  if (awaiting_.empty()) return;  // the greeting, or a reply to nothing we saw
  Awaiting a = awaiting_.front();
  awaiting_.pop_front();
  if (a == Awaiting::kData && code == 354) in_data_ = true;
}

void ClientStream::DiscardBuffered() { lines_.TakeRaw(); }

}  // namespace smtp
