#include "runtime/artifacts.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "runtime/cache.h"
#include "runtime/fs.h"

namespace fs = std::filesystem;

namespace pipec::runtime {
namespace {

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "pipec-art-XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string operator/(const std::string& rel) const { return path_ + "/" + rel; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

TEST(ParseValue, TypesAndTrims) {
  std::string v;
  EXPECT_EQ(ParseValue(plan::ArtifactKind::Bool, " True\n", &v), "");
  EXPECT_EQ(v, "true");
  EXPECT_EQ(ParseValue(plan::ArtifactKind::Int, "0042\n", &v), "");
  EXPECT_EQ(v, "42");
  EXPECT_EQ(ParseValue(plan::ArtifactKind::Float, "1.5e3", &v), "");
  EXPECT_EQ(ParseValue(plan::ArtifactKind::String, "  two words \n", &v), "");
  EXPECT_EQ(v, "two words");
  EXPECT_EQ(ParseValue(plan::ArtifactKind::Bool, "yes", &v), "expected true or false, got \"yes\"");
  EXPECT_EQ(ParseValue(plan::ArtifactKind::Int, "4.2", &v), "expected an integer, got \"4.2\"");
  EXPECT_EQ(ParseValue(plan::ArtifactKind::Float, "", &v), "expected a number, got \"\"");
}

TEST(Artifacts, CollectsAndRestoresFilesDirsAndValues) {
  TempDir t;
  std::string ws = t / "ws", ws2 = t / "ws2";
  fs::create_directories(ws + "/out/sub");
  fs::create_directories(ws2);
  WriteFile(ws + "/out/sub/a.txt", "A");
  WriteFile(ws + "/out/link-inside", "");
  fs::remove(ws + "/out/link-inside");
  fs::create_symlink("sub/a.txt", ws + "/out/link-inside");  // inside: its content is stored
  WriteFile(ws + "/n.txt", "7\n");
  plan::Job producer;
  producer.name = "p";
  producer.outputs = {{"out", plan::ArtifactKind::Dir, "out"}, {"n", plan::ArtifactKind::Int, "n.txt"}};
  ArtifactStore store(t / "store");
  std::map<std::string, std::string> values;
  ASSERT_EQ(store.Collect(producer, ws, &values), "");
  EXPECT_EQ(values["n"], "7");
  ASSERT_EQ(store.SaveValues("p", values), "");
  plan::Job consumer;
  consumer.name = "c";
  consumer.inputs = {{"out", "p", "out", plan::ArtifactKind::Dir, "deps/out"}, {"n", "p", "n", plan::ArtifactKind::Int, "n.txt"}};
  ASSERT_EQ(store.Restore(consumer, ws2), "");
  EXPECT_EQ(ReadFile(ws2 + "/deps/out/sub/a.txt"), "A");
  EXPECT_EQ(ReadFile(ws2 + "/deps/out/link-inside"), "A");
  EXPECT_FALSE(fs::is_symlink(ws2 + "/deps/out/link-inside"));
  EXPECT_EQ(ReadFile(ws2 + "/n.txt"), "7\n");
}

TEST(Artifacts, RefusesEscapes) {
  TempDir t;
  std::string ws = t / "ws";
  fs::create_directories(ws + "/d");
  WriteFile(t / "secret.txt", "S");
  fs::create_symlink(t / "secret.txt", ws + "/f");
  fs::create_symlink("..", ws + "/up");
  fs::create_symlink(t.path(), ws + "/d/root");
  ArtifactStore store(t / "store");
  std::map<std::string, std::string> values;
  plan::Job j;
  j.name = "j";
  j.outputs = {{"f", plan::ArtifactKind::File, "f"}};
  EXPECT_NE(store.Collect(j, ws, &values).find("outside the workspace: refused"), std::string::npos);
  j.outputs = {{"f", plan::ArtifactKind::File, "up/secret.txt"}};
  EXPECT_NE(store.Collect(j, ws, &values).find("outside the workspace: refused"), std::string::npos);
  j.outputs = {{"d", plan::ArtifactKind::Dir, "d"}};
  EXPECT_NE(store.Collect(j, ws, &values).find("leaves the workspace"), std::string::npos);
  j.outputs = {{"abs", plan::ArtifactKind::File, "/etc/hostname"}};
  EXPECT_NE(store.Collect(j, ws, &values).find("is absolute"), std::string::npos);
  EXPECT_FALSE(fs::exists(t / "store/j/f"));
  // Restoring into a path whose parent is a symlink out of the workspace is refused too.
  plan::Job c;
  c.name = "c";
  c.inputs = {{"x", "j", "f", plan::ArtifactKind::File, "up/planted.txt"}};
  EXPECT_NE(store.Restore(c, ws).find("refused"), std::string::npos);
  EXPECT_FALSE(fs::exists(t / "planted.txt"));
}

TEST(Cache, KeyFollowsKeyFilesAndRoundTrips) {
  TempDir t;
  WriteFile(t / "lock.txt", "v1");
  plan::Cache c{"deps", "py-", {"lock.txt"}, {".cache"}, plan::CachePolicy::PullPush};
  std::string k1 = CacheKey(c, t.path());
  EXPECT_EQ(k1.rfind("deps-py-", 0), 0u);
  EXPECT_EQ(CacheKey(c, t.path()), k1);
  WriteFile(t / "lock.txt", "v2");
  EXPECT_NE(CacheKey(c, t.path()), k1);

  std::string ws = t / "ws", ws2 = t / "ws2";
  WriteFile(ws + "/.cache/x", "cached");
  ASSERT_EQ(SaveCache(c, t / "cache/k", ws), "");
  fs::create_directories(ws2);
  ASSERT_EQ(RestoreCache(c, t / "cache/k", ws2), "");
  EXPECT_EQ(ReadFile(ws2 + "/.cache/x"), "cached");
  EXPECT_EQ(RestoreCache(c, t / "cache/none", ws2), "");  // nothing cached yet is fine
}

// A virtualenv: its interpreter links point outside the workspace. The cache keeps every
// symlink as a symlink with its target, as GitLab's cache archive does.
TEST(Cache, KeepsSymlinksAsSymlinks) {
  TempDir t;
  plan::Cache c{"venv", "", {}, {".venv"}, plan::CachePolicy::PullPush};
  std::string ws = t / "ws", ws2 = t / "ws2";
  WriteFile(t / "outside/python3", "interpreter");
  fs::create_directories(ws + "/.venv/bin");
  fs::create_symlink(t / "outside/python3", ws + "/.venv/bin/python3");  // absolute, outside
  fs::create_symlink("python3", ws + "/.venv/bin/python");               // relative, inside
  fs::create_symlink("bin", ws + "/.venv/scripts");                      // a directory link
  WriteFile(ws + "/.venv/pyvenv.cfg", "home = /usr/bin\n");
  ASSERT_EQ(SaveCache(c, t / "cache/k", ws), "");
  EXPECT_TRUE(fs::is_symlink(t / "cache/k/.venv/bin/python3"));
  fs::create_directories(ws2);
  ASSERT_EQ(RestoreCache(c, t / "cache/k", ws2), "");
  EXPECT_EQ(fs::read_symlink(ws2 + "/.venv/bin/python3"), fs::path(t / "outside/python3"));
  EXPECT_EQ(fs::read_symlink(ws2 + "/.venv/bin/python"), fs::path("python3"));
  EXPECT_EQ(fs::read_symlink(ws2 + "/.venv/scripts"), fs::path("bin"));
  EXPECT_EQ(ReadFile(ws2 + "/.venv/bin/python"), "interpreter");  // resolves as before
  EXPECT_EQ(ReadFile(t / "outside/python3"), "interpreter");      // never copied over or into
}

// A workspace folder that is a link out of the workspace is never restored through (the
// restore would delete and write outside), nor saved through.
TEST(Cache, NeverFollowsALinkOutOfTheWorkspace) {
  TempDir t;
  plan::Cache c{"deps", "", {}, {"out/deps"}, plan::CachePolicy::PullPush};
  std::string ws = t / "ws";
  WriteFile(t / "cache/k/out/deps/pkg", "cached");
  WriteFile(t / "elsewhere/deps/keep", "precious");
  fs::create_directories(ws);
  fs::create_symlink(t / "elsewhere", ws + "/out");
  std::string err = RestoreCache(c, t / "cache/k", ws);
  EXPECT_NE(err.find("outside the workspace: refused"), std::string::npos) << err;
  EXPECT_EQ(ReadFile(t / "elsewhere/deps/keep"), "precious");
  EXPECT_FALSE(fs::exists(t / "elsewhere/deps/pkg"));
  err = SaveCache(c, t / "cache/k2", ws);
  EXPECT_NE(err.find("outside the workspace: refused"), std::string::npos) << err;
}

}  // namespace
}  // namespace pipec::runtime
