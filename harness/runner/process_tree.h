// The processes under a given one, read from /proc, and a sweep that ends
// them all: used by the subreaper containment (ProcessRunner) and by tests
// that check nothing a client started is left.
//
// Freezing first matters: a stopped process cannot fork, so after a round
// that finds no new descendant the set is complete, and killing it leaves
// nothing that could have started another.
#pragma once

#include <sys/types.h>

#include <vector>

namespace smtp {

// Every live process whose parent chain leads to `root` (not `root` itself),
// as /proc shows them now. Zombies are left out: they run nothing.
std::vector<pid_t> DescendantsOf(pid_t root);

// SIGSTOPs every descendant of `root` until no new one appears, then
// SIGKILLs them (and `root` too when `including_root`). Returns how many
// descendants it found.
int FreezeAndKillDescendants(pid_t root, bool including_root);

// SIGTERM to every descendant of `root`.
void SignalDescendants(pid_t root, int sig);

// How many processes (not threads) of `uid` are running.
int CountProcessesOf(uid_t uid);

}  // namespace smtp
