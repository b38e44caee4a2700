#include "runtime/changes.h"

#include <gtest/gtest.h>

#include "runtime/condition.h"

namespace pipec::runtime {
namespace {

// An in-memory git: answers the commands ChangedFiles runs and records them.
struct FakeGit {
  std::map<std::string, std::string> commits;  // ref -> sha
  std::string origin_head;                     // "" = none
  std::string merge_base = "base0000";
  std::vector<std::string> changed;            // paths the diff reports (already filtered)
  std::vector<std::string> untracked;
  std::vector<std::vector<std::string>> calls;

  GitRunner Runner() {
    return [this](const std::vector<std::string>& args, std::string* out) {
      calls.push_back(args);
      const std::string& cmd = args.at(0);
      if (cmd == "symbolic-ref") {
        if (origin_head.empty()) return 1;
        *out = "refs/remotes/" + origin_head + "\n";
        return 0;
      }
      if (cmd == "rev-parse") {
        std::string ref = args.back().substr(0, args.back().size() - std::string("^{commit}").size());
        auto it = commits.find(ref);
        if (it == commits.end()) return 1;
        *out = it->second + "\n";
        return 0;
      }
      if (cmd == "merge-base") {
        if (merge_base.empty()) return 1;
        *out = merge_base + "\n";
        return 0;
      }
      const std::vector<std::string>& list = cmd == "diff" ? changed : untracked;
      for (const std::string& p : list) *out += p + "\n";
      return 0;
    };
  }
};

TEST(ChangedFiles, DefaultBaseIsOriginHead) {
  FakeGit git;
  git.origin_head = "origin/trunk";
  git.commits = {{"origin/trunk", "t1"}, {"main", "m1"}};
  std::string error, note;
  auto files = ChangedFiles::Open(git.Runner(), std::nullopt, &error, &note);
  ASSERT_TRUE(files) << error << note;
  EXPECT_EQ(files->base_ref(), "origin/trunk");
  EXPECT_EQ(files->merge_base(), "base0000");
  EXPECT_EQ(git.calls.back(), (std::vector<std::string>{"merge-base", "t1", "HEAD"}));
}

TEST(ChangedFiles, DefaultBaseFallsBackToMainThenMaster) {
  FakeGit git;
  git.commits = {{"master", "m2"}};
  std::string error, note;
  auto files = ChangedFiles::Open(git.Runner(), std::nullopt, &error, &note);
  ASSERT_TRUE(files);
  EXPECT_EQ(files->base_ref(), "master");
}

TEST(ChangedFiles, NoDefaultBranchIsANoteAndEverythingHolds) {
  FakeGit git;
  std::string error, note;
  EXPECT_FALSE(ChangedFiles::Open(git.Runner(), std::nullopt, &error, &note));
  EXPECT_EQ(error, "");
  EXPECT_NE(note.find("every `changed [...]` holds"), std::string::npos);
}

TEST(ChangedFiles, UnknownExplicitBaseIsAnError) {
  FakeGit git;
  git.commits = {{"main", "m1"}};
  std::string error, note;
  EXPECT_FALSE(ChangedFiles::Open(git.Runner(), std::string("nope"), &error, &note));
  EXPECT_EQ(error, "--base nope: git knows no such commit");
}

TEST(ChangedFiles, UnrelatedHistoryWithExplicitBaseIsAnError) {
  FakeGit git;
  git.commits = {{"other", "o1"}};
  git.merge_base = "";
  std::string error, note;
  EXPECT_FALSE(ChangedFiles::Open(git.Runner(), std::string("other"), &error, &note));
  EXPECT_EQ(error, "--base `other` shares no history with HEAD");
}

TEST(ChangedFiles, AnyAsksGitWithGlobPathspecsAndRemembers) {
  FakeGit git;
  git.commits = {{"main", "m1"}};
  std::string error, note;
  auto files = ChangedFiles::Open(git.Runner(), std::string("main"), &error, &note);
  ASSERT_TRUE(files);
  git.changed = {};
  git.untracked = {"api/new.py"};
  EXPECT_TRUE(files->Any({"api/**/*"}));
  size_t calls = git.calls.size();
  EXPECT_EQ(git.calls[calls - 2], (std::vector<std::string>{"diff", "--name-only", "--no-renames", "base0000", "--",
                                                            ":(glob)api/**/*", ":(exclude).pipec"}));
  EXPECT_EQ(git.calls[calls - 1], (std::vector<std::string>{"ls-files", "--others", "--exclude-standard", "--",
                                                            ":(glob)api/**/*", ":(exclude).pipec"}));
  EXPECT_TRUE(files->Any({"api/**/*"}));
  EXPECT_EQ(git.calls.size(), calls);  // memoized
  git.untracked.clear();
  EXPECT_FALSE(files->Any({"docs/**/*"}));
  git.changed = {"docs/x.md"};
  EXPECT_FALSE(files->Any({"docs/**/*"}));  // memoized for the run: one answer per list
  EXPECT_TRUE(files->Any({"docs/**/*", "README.md"}));
}

TEST(ChangedFiles, ConditionUsesTheContext) {
  plan::Condition c;
  c.op = plan::CondOp::Changed;
  c.paths = {"api/**/*"};
  EvalContext ctx;
  EXPECT_TRUE(EvaluateCondition(c, ctx));  // no diff: holds
  ctx.changed = [](const std::vector<std::string>& globs) { return globs[0] == "docs/**/*"; };
  EXPECT_FALSE(EvaluateCondition(c, ctx));
  c.paths = {"docs/**/*"};
  EXPECT_TRUE(EvaluateCondition(c, ctx));
  EXPECT_EQ(DescribeCondition(c), "changed [\"docs/**/*\"]");
}

}  // namespace
}  // namespace pipec::runtime
