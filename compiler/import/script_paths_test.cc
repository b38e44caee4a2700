#include "compiler/import/script_paths.h"

#include <gtest/gtest.h>

namespace pipec::import {
namespace {

std::string Show(std::string_view line) {
  std::string out;
  for (const ScriptPath& p : ScriptPaths(line))
    out += (out.empty() ? "" : " ") + p.path + (p.writes ? "(w)" : "") + "@" +
           std::to_string(p.offset);
  return out;
}

TEST(ScriptPaths, ReadsAndWrites) {
  EXPECT_EQ(Show("python train.py --data data/train.csv > out/log.txt"),
            "train.py@7 data/train.csv@23 out/log.txt(w)@40");
  EXPECT_EQ(Show("./dist/app --serve"), "dist/app@0");
  EXPECT_EQ(Show("cp build/app.bin release/"), "build/app.bin@3 release(w)@17");
  EXPECT_EQ(Show("mkdir -p public && cat public/index.html"), "public(w)@9 public/index.html@23");
  EXPECT_EQ(Show("curl -o reports/x.json https://example.com/a/b"), "reports/x.json(w)@8");
}

TEST(ScriptPaths, SkipsWhatItCannotResolve) {
  EXPECT_EQ(Show("tar xf $ARCHIVE dist/*.whl ~/x /abs/path ../up"), "");
  EXPECT_EQ(Show("pip install numpy==1.2.3 python3.11 1.2.3"), "");
  EXPECT_EQ(Show("FOO=bar/baz run.sh # comment.txt"), "run.sh@12");
  EXPECT_EQ(Show("echo 'quoted dir/file.txt'"), "");  // one word with a space: not a path
  EXPECT_EQ(Show("cat \"a b/c.txt\" x/y.txt"), "x/y.txt@16");
}

TEST(ScriptPaths, CanonicalForm) {
  EXPECT_EQ(CanonicalArtifactPath("./dist//app/"), "dist/app");
  EXPECT_EQ(CanonicalArtifactPath("model.pkl"), "model.pkl");
}

}  // namespace
}  // namespace pipec::import
