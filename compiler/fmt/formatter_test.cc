#include "compiler/fmt/formatter.h"

#include <gtest/gtest.h>

#include "compiler/fmt/equivalence.h"

namespace pipec::formatter {
namespace {

// Formats `src`; fails the test on syntax or internal errors.
std::string Format(const std::string& src) {
  SourceManager sm;
  FileId f = sm.AddFile("t.pipe", src);
  DiagnosticSink sink;
  FormatOutcome r = FormatSource(f, sm, sink);
  EXPECT_EQ(r.internal_error, "");
  EXPECT_TRUE(r.text.has_value()) << (sink.diagnostics().empty() ? "" : sink.diagnostics()[0].message);
  if (!r.text) return "";
  // Idempotent, and the meaning-bearing tokens survive.
  SourceManager sm2;
  FileId f2 = sm2.AddFile("t.pipe", *r.text);
  FormatOutcome again = FormatSource(f2, sm2, sink);
  EXPECT_EQ(again.text.value_or("<error>"), *r.text) << "not idempotent";
  EXPECT_EQ(FirstLayoutDifference(src, *r.text), "");
  return *r.text;
}

TEST(Formatter, OneItemPerLineAndBlankLinesBetweenDeclarations) {
  EXPECT_EQ(Format("pipeline p version 1\non push\non manual\nstages build,test\n"
                   "job lint { stage test  needs unit\n image \"node:20\"  run \"npm run lint\" }\n"
                   "job unit{stage test\nrun \"make test\"}"),
            "pipeline p version 1\n"
            "\n"
            "on push\n"
            "on manual\n"
            "\n"
            "stages build, test\n"
            "\n"
            "job lint {\n"
            "  stage test\n"
            "  needs unit\n"
            "  image \"node:20\"\n"
            "  run \"npm run lint\"\n"
            "}\n"
            "\n"
            "job unit {\n"
            "  stage test\n"
            "  run \"make test\"\n"
            "}\n");
}

TEST(Formatter, KeepsEveryComment) {
  std::string src =
      "# header comment\n"
      "pipeline p version 1   # trailing on the header\n"
      "\n"
      "# about the job\n"
      "job build {  # after the brace\n"
      "  # before stage\n"
      "  stage build # after stage\n"
      "  services [\"a\", # after a\n"
      "     \"b\"]\n"
      "  run \"make\"\n"
      "  # at the end of the body\n"
      "} # after the body\n"
      "# at the end of the file\n";
  EXPECT_EQ(Format(src),
            "# header comment\n"
            "pipeline p version 1  # trailing on the header\n"
            "\n"
            "# about the job\n"
            "job build {  # after the brace\n"
            "  # before stage\n"
            "  stage build  # after stage\n"
            "  services [\n"
            "    \"a\",  # after a\n"
            "    \"b\",\n"
            "  ]\n"
            "  run \"make\"\n"
            "  # at the end of the body\n"
            "}  # after the body\n"
            "# at the end of the file\n");
}

TEST(Formatter, ReindentsTripleStringsAndKeepsOtherStringsVerbatim) {
  EXPECT_EQ(Format("pipeline p version 1\n"
                   "job a { env { X = \"a\\tb\\\"c\" }\n"
                   "run \"\"\"\n"
                   "          set -e\n"
                   "            make  ${{ git.sha }}\n"
                   "                   \"\"\" }\n"),
            "pipeline p version 1\n"
            "\n"
            "job a {\n"
            "  env { X = \"a\\tb\\\"c\" }\n"
            "  run \"\"\"\n"
            "    set -e\n"
            "      make  ${{ git.sha }}\n"
            "  \"\"\"\n"
            "}\n");
}

// Only the lines inside a `"""` string keep their trailing spaces: a `"""` in a comment or in a
// one-line string opens no string (fuzz_fmt, seed 21: `#"""` above a script).
TEST(Formatter, TrailingSpacesKeptOnlyInsideTripleStrings) {
  std::string out = Format(
      "pipeline p version 1\non push\n# a \"\"\" in a comment   \n"
      "job a {\n  env { X = \"q\\\"\\\"\\\"\" }\n  run \"\"\"\n    docker login -u ci \n"
      "    x\n  \"\"\"\n}\n");
  EXPECT_NE(out.find("# a \"\"\" in a comment\n"), std::string::npos) << out;
  EXPECT_NE(out.find("docker login -u ci \n"), std::string::npos) << out;
}

TEST(Formatter, ShortListsOnOneLineLongOnesOnePerLine) {
  std::string many;
  for (int i = 0; i < 12; ++i) many += (i ? ", " : "") + std::string("\"path/number/") + std::to_string(i) + "\"";
  std::string out = Format("pipeline p version 1\non push branches [\n \"main\",\n \"release/*\",\n]\n"
                           "cache c { key files [" + many + "] policy pull paths [\"x\"] }\n");
  EXPECT_EQ(out.substr(0, out.find("cache")),
            "pipeline p version 1\n\non push branches [\"main\", \"release/*\"]\n\n");
  EXPECT_NE(out.find("cache c {\n  key files [\n    \"path/number/0\",\n    \"path/number/1\",\n"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("    \"path/number/11\",\n  ]\n  policy pull\n  paths [\"x\"]\n}\n"), std::string::npos)
      << out;
}

TEST(Formatter, TemplateParametersWithDocsStayOnePerLine) {
  EXPECT_EQ(Format("template t(\n  # Python version.\n  version: string = \"3.11\", n: list[int] = [1,2]) :base(a: 1) {\n"
                   "image \"python:${{ version }}\" }\n"
                   "template base(a: int) { timeout 10m }\n"),
            "template t(\n"
            "  # Python version.\n"
            "  version: string = \"3.11\",\n"
            "  n: list[int] = [1, 2],\n"
            ") : base(a: 1) {\n"
            "  image \"python:${{ version }}\"\n"
            "}\n"
            "\n"
            "template base(a: int) { timeout 10m }\n");
}

TEST(Formatter, MapsConditionsAndRawBlocks) {
  EXPECT_EQ(Format("pipeline p version 1\non manual inputs {force:bool=false\n epochs:int=3}\n"
                   "import std/python(pytest,lint)\n"
                   "job d { when trigger is manual and (inputs.force or not inputs.force)\n"
                   "environment prod { url \"https://x\"  approval manual }\n"
                   "matrix{py:[\"3.10\",\"3.11\"],os:[\"linux\"]}\n"
                   "raw gitlab { interruptible: true tags: [\"a\", \"b\"] }\n"
                   "out m: file \"model.bin\" expire 7d in x = other.y at \"d\" }\n"),
            "pipeline p version 1\n"
            "\n"
            "on manual inputs { force: bool = false, epochs: int = 3 }\n"
            "\n"
            "import std/python (pytest, lint)\n"
            "\n"
            "job d {\n"
            "  when trigger is manual and (inputs.force or not inputs.force)\n"
            "  environment prod { url \"https://x\"  approval manual }\n"
            "  matrix { py: [\"3.10\", \"3.11\"], os: [\"linux\"] }\n"
            "  raw gitlab { interruptible: true, tags: [\"a\", \"b\"] }\n"
            "  out m: file \"model.bin\" expire 7d\n"
            "  in x = other.y at \"d\"\n"
            "}\n");
}

TEST(Formatter, KeepsDetachedCommentsDetached) {
  // A blank line between a comment and a declaration decides whether the comment documents
  // it (template docs, ignore comments), so it survives.
  EXPECT_EQ(Format("# section\n\n# doc\ntemplate t() { timeout 1m }\nvar a: int = 1\n\nvar b: int = 2\nvar c: int = 3\n"),
            "# section\n"
            "\n"
            "# doc\n"
            "template t() { timeout 1m }\n"
            "\n"
            "var a: int = 1\n"
            "\n"
            "var b: int = 2\n"
            "var c: int = 3\n");
}

TEST(Formatter, IgnoreCommentsAfterOneLineJobsStayOnTheJobLine) {
  EXPECT_EQ(Format("pipeline p version 1\njob s { image \"ruby\"  run \"ruby -v\" }  # pipec: ignore[x] why\n"
                   "job e {}  # empty\n"),
            "pipeline p version 1\n"
            "\n"
            "job s { image \"ruby\"  run \"ruby -v\" }  # pipec: ignore[x] why\n"
            "\n"
            "job e {}  # empty\n");
  // Too long for one line: the comment moves after the `{`, still on the job's first line.
  std::string long_run(90, 'x');
  EXPECT_EQ(Format("pipeline p version 1\njob s { image \"ruby\"  run \"" + long_run +
                   "\" }  # pipec: ignore[x] why\n"),
            "pipeline p version 1\n"
            "\n"
            "job s {  # pipec: ignore[x] why\n"
            "  image \"ruby\"\n"
            "  run \"" + long_run + "\"\n"
            "}\n");
}

TEST(Formatter, OneLineBodiesStayOnOneLineWhenTheyFit) {
  // As the author wrote it: one line stays one line (items two spaces apart), a block stays
  // a block, and a one-line body too long for 100 columns becomes a block.
  EXPECT_EQ(Format("pipeline p version 1\non push\njob a {run \"x\"   env {A = \"1\"}}\n"
                   "job b {\n  run \"y\"\n}\n"
                   "job c { run \"" + std::string(95, 'z') + "\" }\n"),
            "pipeline p version 1\n"
            "\n"
            "on push\n"
            "\n"
            "job a { run \"x\"  env { A = \"1\" } }\n"
            "\n"
            "job b {\n"
            "  run \"y\"\n"
            "}\n"
            "\n"
            "job c {\n"
            "  run \"" + std::string(95, 'z') + "\"\n"
            "}\n");
}

TEST(Formatter, RefusesSyntaxErrors) {
  SourceManager sm;
  FileId f = sm.AddFile("bad.pipe", "pipeline p version 1\njob a { stage }\n");
  DiagnosticSink sink;
  FormatOutcome r = FormatSource(f, sm, sink);
  EXPECT_FALSE(r.text.has_value());
  EXPECT_TRUE(sink.has_errors());
}

TEST(Equivalence, SeesChangedTokensAndComments) {
  EXPECT_EQ(FirstLayoutDifference("env { A = 1, B = 2 }", "env {\n  A = 1\n  B = 2\n}"), "");
  EXPECT_EQ(FirstLayoutDifference("needs [a, b,]", "needs [a, b]"), "");
  EXPECT_NE(FirstLayoutDifference("needs a, b", "needs a b"), "");
  EXPECT_NE(FirstLayoutDifference("run \"a  b\"", "run \"a b\""), "");
  EXPECT_NE(FirstLayoutDifference("x # one\n", "x # two\n"), "");
  EXPECT_EQ(FirstLayoutDifference("run \"\"\"\n  a\n\"\"\"", "run \"\"\"\n      a\n    \"\"\""), "");
}

}  // namespace
}  // namespace pipec::formatter
