// Edit distance and "did you mean" for words a user typed: the nearest of a
// list of known names (subcommands, options). Pure.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace smtp {

// Optimal string alignment distance: insertions, deletions, substitutions
// and transpositions of two adjacent characters each cost 1 ("bdoy" is 1
// from "body"). Case-sensitive.
size_t EditDistance(std::string_view a, std::string_view b);

// The candidate `word` most likely meant: the unique one it is a prefix of,
// else the nearest by EditDistance if that is at most a third of the longer
// word's length (at least 1), ties to the first listed. "" when none is close.
std::string NearestName(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace smtp
