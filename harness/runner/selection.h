// Which scenarios of a suite run: --filter (a glob on names) and --shard K/N
// (the K-th of N deterministic slices, for CI matrices). Slicing is
// round-robin over the sorted, filtered list, so slices stay balanced and
// the union of all N slices is exactly the whole list.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "harness/scenario/model.h"
#include "harness/util/status.h"

namespace smtp {

struct Shard {
  int index = 0;  // K, 1-based
  int count = 0;  // N
};

// "2/4" -> {2, 4}. Errors: "invalid --shard '5/4': expected K/N with 1 <= K <= N".
Result<Shard> ParseShard(const std::string& text);

// Indices into `names` that the filter and shard select, in order. An empty
// filter selects all; shard.count == 0 means no sharding.
std::vector<size_t> SelectIndices(const std::vector<std::string>& names, const std::string& filter,
                                  Shard shard);

// Why SelectIndices chose nothing, for the error (or the --allow-empty note)
// of a run that selects zero scenarios: "--filter 'zzz*' matched none of the
// 42 scenarios", "--shard 4/4 is empty: 3 scenarios fill only 3 of 4
// shards"; "" when something was selected.
std::string DescribeEmptySelection(const std::vector<std::string>& names, const std::string& filter,
                                   Shard shard);

}  // namespace smtp
