#include "harness/util/descriptor_path.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

namespace smtp {
namespace {

TEST(DescriptorNamed, TheNamesLinuxGivesDescriptors) {
  EXPECT_EQ(DescriptorNamed("/dev/stdin"), 0);
  EXPECT_EQ(DescriptorNamed("/dev/stdout"), 1);
  EXPECT_EQ(DescriptorNamed("/dev/stderr"), 2);
  EXPECT_EQ(DescriptorNamed("/dev/fd/2"), 2);
  EXPECT_EQ(DescriptorNamed("/dev/./fd/../fd/7"), 7);
  EXPECT_EQ(DescriptorNamed("/proc/self/fd/2"), 2);
  EXPECT_EQ(DescriptorNamed("/proc/thread-self/fd/1"), 1);
  EXPECT_EQ(DescriptorNamed("/proc/" + std::to_string(::getpid()) + "/fd/3"), 3);
}

TEST(DescriptorNamed, OtherPathsAreNot) {
  EXPECT_EQ(DescriptorNamed("-"), std::nullopt);
  EXPECT_EQ(DescriptorNamed(""), std::nullopt);
  EXPECT_EQ(DescriptorNamed("/dev/null"), std::nullopt);
  EXPECT_EQ(DescriptorNamed("/dev/fd/x"), std::nullopt);
  EXPECT_EQ(DescriptorNamed("/dev/fd/"), std::nullopt);
  EXPECT_EQ(DescriptorNamed("/proc/1/fd/1"), std::nullopt);  // another process's
  EXPECT_EQ(DescriptorNamed("report.json"), std::nullopt);
}

TEST(DescriptorNamed, LinksAndRelativeNames) {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("descriptor-path-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  fs::create_symlink("/dev/stderr", dir / "err");
  fs::create_symlink("err", dir / "err2");
  fs::create_symlink("/dev/fd", dir / "fds");
  EXPECT_EQ(DescriptorNamed((dir / "err2").string()), 2);
  EXPECT_EQ(DescriptorNamed((dir / "fds" / "5").string()), 5);
  auto cwd = fs::current_path();
  fs::current_path("/dev");
  EXPECT_EQ(DescriptorNamed("stderr"), 2);
  fs::current_path(cwd);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace smtp
