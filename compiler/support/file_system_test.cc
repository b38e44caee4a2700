#include "compiler/support/file_system.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace pipec::support {
namespace {

TEST(FileSystem, NormalizePath) {
  EXPECT_EQ(NormalizePath("a/./b/../c"), "a/c");
  EXPECT_EQ(NormalizePath("/x//y/"), "/x/y");
  EXPECT_EQ(NormalizePath("../a"), "../a");
  EXPECT_EQ(NormalizePath("./"), ".");
  EXPECT_EQ(JoinPath(".", "ci/a.yml"), "ci/a.yml");
  EXPECT_EQ(JoinPath("repo", "/ci/a.yml"), "repo/ci/a.yml");
}

TEST(FileSystem, MemoryListsUnderRoot) {
  MemoryFileSystem fs;
  fs.Add("r/a.yml", "x");
  fs.Add("r/b/c.yml", "y");
  fs.Add("other/d.yml", "z");
  EXPECT_EQ(fs.ListFiles("r", 100), (std::vector<std::string>{"a.yml", "b/c.yml"}));
  EXPECT_EQ(fs.ListFiles("r", 1).size(), 1u);
  EXPECT_EQ(fs.Read("r/./a.yml").value_or(""), "x");
  EXPECT_FALSE(fs.Read("r/missing.yml"));
}

TEST(FileSystem, MemoryStatTellsFilesFromDirectories) {
  MemoryFileSystem fs;
  fs.Add("r/b/c.pipe", "pipeline");
  EXPECT_EQ(fs.Stat("r/b/c.pipe").kind, FileInfo::Kind::File);
  EXPECT_EQ(fs.Stat("./r/b/../b/c.pipe").size, 8u);
  EXPECT_EQ(fs.Stat("r/b").kind, FileInfo::Kind::Directory);
  EXPECT_EQ(fs.Stat("r").kind, FileInfo::Kind::Directory);
  EXPECT_EQ(fs.Stat("r/b/c").kind, FileInfo::Kind::Missing);  // a prefix of a name is not a directory
  EXPECT_EQ(fs.Stat("nope").kind, FileInfo::Kind::Missing);
}

TEST(FileSystem, RealStat) {
  EXPECT_EQ(RealFileSystem().Stat("/").kind, FileInfo::Kind::Directory);
  EXPECT_EQ(RealFileSystem().Stat("/definitely/not/here").kind, FileInfo::Kind::Missing);
  EXPECT_EQ(RealFileSystem().Stat("/dev/null").kind, FileInfo::Kind::Other);
}

TEST(FileSystem, RealReadGivesTheWholeFile) {
  std::filesystem::path dir = std::filesystem::temp_directory_path() / ("pipec-fs-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::string big(300'000, 'x');
  big[123'456] = '\0';  // bytes, not a C string
  std::ofstream(dir / "big", std::ios::binary) << big;
  std::ofstream(dir / "empty", std::ios::binary).flush();
  EXPECT_EQ(RealFileSystem().Read((dir / "big").string()), big);
  EXPECT_EQ(RealFileSystem().Read((dir / "empty").string()), "");
  EXPECT_EQ(RealFileSystem().Read((dir / "missing").string()), std::nullopt);
  EXPECT_EQ(RealFileSystem().Read(dir.string()), std::nullopt);  // a directory
  std::filesystem::remove_all(dir);
  // A file whose size the file system does not know reads to its end all the same.
  std::optional<std::string> status = RealFileSystem().Read("/proc/self/status");
  ASSERT_TRUE(status);
  EXPECT_NE(status->find("Name:"), std::string::npos);
}

}  // namespace
}  // namespace pipec::support
