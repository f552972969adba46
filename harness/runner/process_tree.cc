#include "harness/runner/process_tree.h"

#include <dirent.h>
#include <signal.h>
#include <sys/stat.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <unordered_map>

namespace smtp {
namespace {

struct ProcEntry {
  pid_t ppid = 0;
  char state = '?';
};

// pid -> (ppid, state) for every process; /proc/PID/stat's comm may hold
// spaces and parentheses, so the fields are read after the last ')'.
std::unordered_map<pid_t, ProcEntry> ReadProcessTable() {
  std::unordered_map<pid_t, ProcEntry> table;
  DIR* dir = opendir("/proc");
  if (!dir) return table;
  while (dirent* e = readdir(dir)) {
    char* end = nullptr;
    long pid = std::strtol(e->d_name, &end, 10);
    if (pid <= 0 || *end != '\0') continue;
    std::ifstream in(std::string("/proc/") + e->d_name + "/stat");
    std::string line;
    if (!std::getline(in, line)) continue;
    size_t close = line.rfind(')');
    if (close == std::string::npos || close + 2 >= line.size()) continue;
    std::istringstream rest(line.substr(close + 2));
    ProcEntry p;
    rest >> p.state >> p.ppid;
    if (rest) table[static_cast<pid_t>(pid)] = p;
  }
  closedir(dir);
  return table;
}

}  // namespace

std::vector<pid_t> DescendantsOf(pid_t root) {
  auto table = ReadProcessTable();
  std::unordered_map<pid_t, std::vector<pid_t>> children;
  for (const auto& [pid, p] : table) children[p.ppid].push_back(pid);
  std::vector<pid_t> out;
  std::vector<pid_t> todo = {root};
  std::set<pid_t> seen = {root};
  while (!todo.empty()) {
    pid_t p = todo.back();
    todo.pop_back();
    for (pid_t c : children[p]) {
      if (!seen.insert(c).second) continue;
      todo.push_back(c);
      if (table[c].state != 'Z' && table[c].state != 'X') out.push_back(c);
    }
  }
  return out;
}

int FreezeAndKillDescendants(pid_t root, bool including_root) {
  if (including_root) kill(root, SIGSTOP);
  std::set<pid_t> frozen;
  for (int round = 0; round < 200; ++round) {
    bool found_new = false;
    for (pid_t p : DescendantsOf(root)) {
      if (frozen.insert(p).second) {
        kill(p, SIGSTOP);
        found_new = true;
      }
    }
    if (!found_new) break;
    // A SIGSTOP takes effect when the process next runs in the kernel; give
    // a process that was mid-fork the moment to show its child.
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  // Only what is still under `root` now: a pid that died meanwhile may
  // already name someone else's process.
  for (pid_t p : DescendantsOf(root)) kill(p, SIGKILL);
  if (including_root) kill(root, SIGKILL);
  return static_cast<int>(frozen.size());
}

void SignalDescendants(pid_t root, int sig) {
  for (pid_t p : DescendantsOf(root)) kill(p, sig);
}

int CountProcessesOf(uid_t uid) {
  int n = 0;
  DIR* dir = opendir("/proc");
  if (!dir) return 0;
  while (dirent* e = readdir(dir)) {
    char* end = nullptr;
    long pid = std::strtol(e->d_name, &end, 10);
    if (pid <= 0 || *end != '\0') continue;
    struct stat st;
    if (stat((std::string("/proc/") + e->d_name).c_str(), &st) == 0 && st.st_uid == uid) ++n;
  }
  closedir(dir);
  return n;
}

}  // namespace smtp
