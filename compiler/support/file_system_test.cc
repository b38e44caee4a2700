#include "compiler/support/file_system.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace pipec::support
