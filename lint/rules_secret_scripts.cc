// Shell-aware scans of run scripts: what a script does with the secrets its job binds.
// Scripts are lexed (shell_lexer.h) so that a pipeline into `docker login --password-stdin`
// is not "printing", a redirect into a file is not the log, and `'$X'` expands nothing.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "compiler/import/secret_names.h"
#include "compiler/support/file_system.h"
#include "compiler/support/one_of.h"
#include "compiler/support/shell_lexer.h"
#include "lint/credentials.h"
#include "lint/rules.h"
#include "lint/script_map.h"
#include "lint/shell_words.h"

namespace pipec::lint {
namespace {

using shell::LexShell;
using shell::ShellCommand;
using shell::ShellRedirect;
using shell::ShellVarRef;
using shell::ShellWord;
using support::OneOf;

bool IsInterpreter(std::string_view n) {
  return IsShell(n) || OneOf(n, {"python", "python3", "perl", "ruby", "node", "php"});
}
bool IsDownloader(std::string_view n) { return OneOf(n, {"curl", "wget", "fetch"}); }
// Commands that pass (a transformation of) their input on to stdout.
bool IsFilter(std::string_view n) {
  return OneOf(n, {"base64", "sed", "tr", "cut", "awk", "rev", "xxd", "od", "hexdump", "grep",
                   "head", "tail", "sort", "uniq", "cat", "jq", "yq", "iconv", "fold", "tee",
                   "xargs"});
}
// Builtins and commands whose arguments are not visible in the process list of other users,
// or that are handled by other rules (printing, assignments).
bool IsNotAProcess(std::string_view n) {
  return OneOf(n, {"echo", "printf", "print", "export", "local", "declare", "typeset", "readonly",
                   "test", "[", "[[", "read", "set", "unset", "cd", ":", "true", "false", "let",
                   "return", "exit", "shift", "source", ".", "printenv", "eval", "if", "case"});
}

// A path as written in a script or an output, relative to the workspace: the vendors'
// workspace variables dropped, then normalized as every path is (support/file_system.h).
std::string WorkspaceRelative(std::string p) {
  for (std::string_view prefix : {"$CI_PROJECT_DIR/", "${CI_PROJECT_DIR}/", "$GITHUB_WORKSPACE/",
                                  "${GITHUB_WORKSPACE}/"})
    if (p.rfind(prefix, 0) == 0) p.erase(0, prefix.size());
  return p.empty() ? p : support::NormalizePath(p);
}

struct Secrets {
  // env name -> declaration (may be null for imported YAML without a declaration)
  std::map<std::string, const ir::Secret*, std::less<>> by_env;
  std::map<std::string, std::string, std::less<>> secret_of_env;
  bool Has(std::string_view env) const { return by_env.count(env) > 0; }
  bool IsFile(std::string_view env) const {
    auto it = by_env.find(env);
    return it != by_env.end() && it->second && it->second->file;
  }
  bool IsMasked(std::string_view env) const {
    auto it = by_env.find(env);
    if (it == by_env.end()) return inline_names.count(env) > 0;  // GitHub redacts its secrets
    return it->second && it->second->masked;
  }
  // GitHub: `${{ secrets.X }}` written into a script (substituted before the shell runs).
  bool inline_expressions = false;
  std::set<std::string, std::less<>> inline_names;  // the ones this job's scripts write

  // The secret a reference reads: an env name bound to a secret, or `secrets.X` written
  // inline ("" when neither). GITHUB_TOKEN is a per-run token GitHub creates, not a stored
  // secret; its uses are judged by the permissions it is given, not here.
  std::string SecretOf(const ShellVarRef& v) const {
    if (!v.expression) return Has(v.name) ? v.name : "";
    return inline_expressions ? InlineSecret(v.name) : "";
  }
  static std::string InlineSecret(std::string_view expr) {
    if (expr.size() <= 8 || expr.substr(0, 8) != "secrets.") return "";
    std::string name(expr.substr(8));
    size_t end = 0;
    while (end < name.size() && (std::isalnum(static_cast<unsigned char>(name[end])) || name[end] == '_')) ++end;
    if (end != name.size()) return "";  // `secrets.A || secrets.B`, `format(...)`: not one value
    std::string upper = name;
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return upper == "GITHUB_TOKEN" ? "" : name;
  }
  // The pipeline's name of the secret a finding shows as `shown` (an env name bound to it,
  // `secrets.X`, or `$NAME` of a guessed credential): the finding's subject.
  std::string DeclaredName(std::string_view shown) const {
    if (auto it = secret_of_env.find(shown); it != secret_of_env.end()) return it->second;
    if (shown.starts_with("secrets.")) shown.remove_prefix(8);
    if (shown.starts_with("$")) shown.remove_prefix(1);
    return std::string(shown);
  }
  // Env names bound to per-job tokens (IsPerJobToken): masked, revoked after the job.
  std::set<std::string, std::less<>> per_job;
  // Stored secrets this job can read (per-job tokens left out).
  bool Any() const { return by_env.size() > per_job.size() || !inline_names.empty(); }
};

class ScriptScan {
 public:
  // `later`: what the same shell runs after this script (GitLab and Pipe run a job's setup and
  // main lines in one shell; every GitHub step is a shell of its own).
  ScriptScan(RuleContext& ctx, const ir::Job& job, const Secrets& secrets, const ir::Step& step,
             std::string script, std::string later)
      : ctx_(ctx),
        job_(job),
        secrets_(secrets),
        script_(std::move(script)),
        later_(std::move(later)),
        map_(ctx.sources(), step.range, script_) {}

  void Run() {
    std::vector<ShellCommand> cmds = LexShell(script_);
    for (size_t i = 0; i < cmds.size(); ++i) {
      const ShellCommand& c = cmds[i];
      CheckTrace(cmds, i);
      CheckUrlAndArgs(c);
      CheckDownloadAndRun(cmds, i);
      // Secret data coming out of this command, and where it ends up.
      std::string what;
      size_t at = 0, len = 0;
      std::string secret;
      DiagKind kind{};
      if (EmitsSecret(c, what, secret, at, len)) {
        kind = DiagKind::SecretEchoed;
      } else if (DumpsEnv(c)) {
        kind = DiagKind::SecretEnvDump;
        what = std::string(c.Name());
        at = c.words[0].offset;
        len = c.words[0].raw.size();
      } else {
        continue;
      }
      Follow(cmds, i, kind, what, secret, at, len);
    }
  }

 private:
  SourceRange At(size_t offset, size_t len) const { return map_.At(offset, len); }

  bool HasSecrets() const { return secrets_.Any(); }

  // The secrets this job binds, as a finding shows them; their pipeline names go to `subjects`.
  std::string SecretList(bool with_inline = true, std::vector<std::string>* subjects = nullptr) const {
    std::string out;
    for (const auto& [env, name] : secrets_.secret_of_env)
      if (!secrets_.per_job.count(env)) {
        out += (out.empty() ? "" : ", ") + env;
        if (subjects) subjects->push_back(name);
      }
    if (with_inline)
      for (const std::string& name : secrets_.inline_names) {
        out += (out.empty() ? "secrets." : ", secrets.") + name;
        if (subjects) subjects->push_back(name);
      }
    return out;
  }

  // How a finding names the reference: `$X`, or `${{ secrets.X }}`.
  static std::string Shown(const ShellVarRef& v) {
    return v.expression ? fmt::format("${{{{ {} }}}}", v.name) : "$" + v.name;
  }

  // `echo $X`, `printf ... $X`, `cat <<< $X`, heredocs, `printenv X`, `cat $FILE_SECRET`.
  bool EmitsSecret(const ShellCommand& c, std::string& what, std::string& secret, size_t& at,
                   size_t& len) const {
    std::string_view name = c.Name();
    auto take = [&](const ShellVarRef& v) {
      what = fmt::format("`{}` of {}", name, Shown(v));
      secret = secrets_.SecretOf(v);
      at = v.offset;
      len = v.length;  // `$X` or `${X`: the range ends right after the name
      return true;
    };
    auto leaks = [&](const ShellVarRef& v) {
      return !secrets_.SecretOf(v).empty() && (v.expression || !secrets_.IsFile(v.name));
    };
    if (OneOf(name, {"echo", "printf", "print"})) {
      for (size_t w = 1; w < c.words.size(); ++w)
        for (const ShellVarRef& v : c.words[w].vars)
          if (leaks(v)) return take(v);
    }
    // A here-string or heredoc feeds the command's stdin: printed only by a command that
    // passes its input on (`cat <<< $X`), not by one that consumes it (`read x <<< "$X"`,
    // `gpg-preset-passphrase <<< "$P"`, `kubectl apply -f - <<EOF`).
    for (const ShellRedirect& r : c.redirects) {
      if (!IsFilter(name)) break;
      if (r.op == "<<<")
        for (const ShellVarRef& v : r.target.vars)
          if (leaks(v)) return take(v);
      if (r.op == "<<" || r.op == "<<-")
        for (const ShellVarRef& v : r.heredoc_vars)
          if (leaks(v)) return take(v);
    }
    if (name == "printenv") {
      for (size_t w = 1; w < c.words.size(); ++w)
        if (secrets_.Has(c.words[w].value)) {
          what = fmt::format("`printenv {}`", c.words[w].value);
          secret = c.words[w].value;
          at = c.words[w].offset;
          len = c.words[w].raw.size();
          return true;
        }
    }
    // A file secret's contents, read to stdout.
    if (OneOf(name, {"cat", "head", "tail", "base64", "xxd", "od", "less", "more"})) {
      for (size_t w = 1; w < c.words.size(); ++w)
        for (const ShellVarRef& v : c.words[w].vars)
          if (!v.expression && secrets_.IsFile(v.name)) return take(v);
    }
    return false;
  }

  bool DumpsEnv(const ShellCommand& c) const {
    // Only the environment is dumped: inline `${{ secrets.X }}` values are not in it.
    if (secrets_.by_env.size() <= secrets_.per_job.size()) return false;
    std::string_view name = c.Name();
    auto only_options = [&] {
      for (size_t w = 1; w < c.words.size(); ++w)
        if (c.words[w].value.empty() || c.words[w].value[0] != '-') return false;
      return true;
    };
    if (name == "env" || name == "printenv") return only_options();
    if (name == "export" || name == "declare" || name == "typeset") {
      if (c.words.size() == 1) return name == "export";
      return only_options() && std::any_of(c.words.begin() + 1, c.words.end(), [](const ShellWord& w) {
               return w.value == "-p" || w.value == "-x" || w.value == "-px";
             });
    }
    if (name == "set") return c.words.size() == 1;
    return false;
  }

  // Follows the data of command `i` through filters and tee to the log or to files.
  void Follow(const std::vector<ShellCommand>& cmds, size_t i, DiagKind kind,
              const std::string& what, const std::string& secret, size_t at, size_t len) {
    // `${X:0:4}`, `${X#prefix}`, `${X/a/b}`...: a piece of the secret, which masking misses.
    bool transformed = kind == DiagKind::SecretEchoed && at + len < script_.size() &&
                       script_.compare(at, 2, "${") == 0 &&
                       std::string_view(":#%/^,").find(script_[at + len]) != std::string_view::npos;
    size_t j = i;
    while (true) {
      const ShellCommand& c = cmds[j];
      CheckWrites(c, kind, what, secret);
      if (WritesToOutputFile(c)) return;  // `base64 --decode --output FILE`
      if (!c.piped_out) {
        if (c.StdoutToLog()) Leak(kind, what, secret, transformed, at, len);
        return;
      }
      if (j + 1 >= cmds.size() || !IsFilter(cmds[j + 1].Name())) return;  // consumed
      ++j;
      if (cmds[j].Name() != "tee" && cmds[j].Name() != "cat") transformed = true;
    }
  }

  // A filter told to write its result to a file (`--output FILE`, `--output=FILE`, `sort -o`,
  // `base64 -o`): nothing reaches stdout.
  static bool WritesToOutputFile(const ShellCommand& c) {
    for (size_t w = 1; w < c.words.size(); ++w) {
      const std::string& v = c.words[w].value;
      if (v == "--output" || v.rfind("--output=", 0) == 0 || v == "--out" || v.rfind("--out=", 0) == 0)
        return true;
      if (v == "-o" && OneOf(c.Name(), {"sort", "base64", "iconv", "gpg"})) return true;
      if (v == "-out" && c.Name() == "openssl") return true;
    }
    return false;
  }

  void Leak(DiagKind kind, const std::string& what, const std::string& secret, bool transformed,
            size_t at, size_t len) {
    if (kind == DiagKind::SecretEnvDump) {
      std::vector<std::string> subjects;
      std::string list = SecretList(false, &subjects);
      if (Diagnostic* d = ctx_.Report(
              kind, At(at, len),
              fmt::format("{} prints every environment variable to the job log, including the "
                          "secrets this job binds ({})",
                          what, list))) {
        d->AboutJob(job_.name).Note({}, "masking hides exact values only; print the variables you need by name");
        d->subject.secrets = std::move(subjects);
      }
      return;
    }
    Diagnostic* d = ctx_.Report(
        kind, At(at, len),
        fmt::format("{} prints secret {} to the job log{}", what, secret,
                    transformed ? " (transformed, so masking cannot hide it)" : ""));
    if (!d) return;
    d->AboutJob(job_.name).AboutSecret(secrets_.DeclaredName(secret));
    if (secrets_.IsMasked(secret) && !transformed) {
      d->severity = Severity::Warning;
      d->Note({}, "the secret is masked, so the log hides its exact value; any derived value "
                  "(base64, a substring, JSON) is printed in clear");
    }
    d->Note({}, "pipe the secret into the command that needs it, e.g. "
                "`printf '%s' \"$X\" | tool --password-stdin`");
  }

  // Redirects and `tee` arguments that write the data into an artifact, cache or report.
  void CheckWrites(const ShellCommand& c, DiagKind kind, const std::string& what, const std::string& secret) {
    std::vector<const ShellWord*> targets;
    for (const ShellRedirect& r : c.redirects)
      if ((r.op == ">" || r.op == ">>" || r.op == ">|" || r.op == "&>" || r.op == "&>>") &&
          (r.fd == -1 || r.fd == 1))
        targets.push_back(&r.target);
    if (c.Name() == "tee")
      for (size_t w = 1; w < c.words.size(); ++w)
        if (c.words[w].value.empty() || c.words[w].value[0] != '-') targets.push_back(&c.words[w]);
    for (const ShellWord* t : targets) {
      std::string where = Published(WorkspaceRelative(t->value));
      if (where.empty()) continue;
      if (Diagnostic* d = ctx_.Report(
              DiagKind::SecretWrittenToArtifact, At(t->offset, t->raw.size()),
              fmt::format("{} is written to {}, which {}; masking does not apply to files",
                          kind == DiagKind::SecretEnvDump ? what + " (every variable, secrets included)" : what,
                          t->value, where)))
        d->AboutJob(job_.name).AboutSecret(secret.empty() ? "" : secrets_.DeclaredName(secret));
    }
  }

  // Why a path is published ("" when it is not): an output, a report, or a cache path.
  std::string Published(const std::string& path) const {
    if (path.empty()) return "";
    auto under = [&](const std::string& root) {
      std::string r = WorkspaceRelative(root);
      return path == r || (path.size() > r.size() && path.compare(0, r.size(), r) == 0 &&
                           path[r.size()] == '/');
    };
    for (const ir::Output& o : job_.outputs) {
      if (o.path.empty() || !under(o.path)) continue;
      if (o.kind == ir::OutputKind::Dotenv) return fmt::format("is the dotenv report {}", o.name);
      if (IsValue(o.kind)) return fmt::format("becomes the value output {}", o.name);
      return fmt::format("is uploaded as output {}", o.name);
    }
    for (const std::string& cname : job_.caches)
      for (const ir::Cache& cache : ctx_.pipeline().caches)
        if (cache.name == cname)
          for (const std::string& cp : cache.paths)
            if (under(cp)) return fmt::format("is saved in cache {}", cname);
    return "";
  }

  // Variables this job's scripts read whose names look like credentials ($NPM_TOKEN), for a
  // job that binds no declared secret (a token from an earlier step, the runner's env).
  std::set<std::string> CredentialReads() const {
    std::set<std::string> names;
    for (const ir::Step& s : job_.steps)
      if (s.kind == ir::Step::Kind::Run)
        for (const ShellVarRef& v : shell::ScriptVars(RenderText(s.script)))
          if (!v.expression && CredentialLikeName(v.name) && !IsPerJobToken(ctx_.pipeline(), v.name))
            names.insert("$" + v.name);
    return names;
  }

  // What `set -x` makes the shell print: the commands after it (up to `set +x`), in this
  // script and what the same shell runs later, with their words and assignments expanded
  // (redirections and the environment are not printed). The secrets they expand, or, in a
  // job that binds none, the credential-looking variables ("" when none: tracing shows
  // nothing secret).
  std::set<std::string> TracedSecrets(const std::vector<ShellCommand>& cmds, size_t from) const {
    std::set<std::string> names;
    auto scan = [&](const std::vector<ShellCommand>& list, size_t start) {
      for (size_t i = start; i < list.size(); ++i) {
        const ShellCommand& c = list[i];
        if (c.Name() == "set" && c.words.size() > 1 && c.words[1].value.starts_with("+") &&
            (c.words[1].value.find('x') != std::string::npos ||
             (c.words[1].value == "+o" && c.words.size() > 2 && c.words[2].value == "xtrace")))
          return false;  // `set +x`: tracing ends here
        auto take = [&](const ShellWord& w) {
          for (const ShellVarRef& v : w.vars) {
            if (HasSecrets()) {
              std::string secret = secrets_.SecretOf(v);
              if (!secret.empty() && (v.expression || !secrets_.per_job.count(v.name)))
                names.insert(v.expression ? "secrets." + secret : v.name);
            } else if (!v.expression && CredentialLikeName(v.name) &&
                       !IsPerJobToken(ctx_.pipeline(), v.name)) {
              names.insert("$" + v.name);
            }
          }
        };
        for (const ShellWord& w : c.assignments) take(w);
        for (const ShellWord& w : c.words) take(w);
      }
      return true;
    };
    if (scan(cmds, from + 1) && !later_.empty()) scan(LexShell(later_), 0);
    return names;
  }

  void CheckTrace(const std::vector<ShellCommand>& cmds, size_t i) {
    const ShellCommand& c = cmds[i];
    std::string_view name = c.Name();
    bool trace = false;
    size_t w = 1;
    if (name == "set" || IsShell(name)) {
      for (; w < c.words.size(); ++w) {
        const std::string& v = c.words[w].value;
        // `-x`, `-ex`, `-eux`...: a cluster of single-letter options that contains x.
        if (v.size() > 1 && v[0] == '-' && v[1] != '-' && v.find('x') != std::string::npos &&
            v.find_first_not_of("-abeEfhkmnpPtuvxBCHo") == std::string::npos) {
          trace = true;
          break;
        }
        if (v == "-o" && w + 1 < c.words.size() && c.words[w + 1].value == "xtrace") {
          trace = true;
          break;
        }
        if (IsShell(name) && !v.empty() && v[0] != '-') break;  // the script operand
      }
    }
    if (!trace) return;
    // `bash -x script.sh` traces a script pipec does not see: whatever this job binds may be
    // expanded there. `set -x` traces the commands that follow it here.
    std::string shown;
    std::vector<std::string> subjects;
    if (name != "set" && HasSecrets()) {
      shown = SecretList(true, &subjects);
    } else {
      for (const std::string& n : name == "set" ? TracedSecrets(cmds, i) : CredentialReads()) {
        shown += (shown.empty() ? "" : ", ") + n;
        subjects.push_back(secrets_.DeclaredName(n));
      }
    }
    if (shown.empty()) return;
    if (Diagnostic* d = ctx_.Report(
            DiagKind::SecretShellTrace, At(c.words[w].offset, c.words[w].raw.size()),
            HasSecrets()
                ? fmt::format("shell tracing prints every expanded command, with the secrets this "
                              "job binds ({})",
                              shown)
                : fmt::format("shell tracing prints every expanded command, with {}, which this "
                              "job reads and whose name looks like a credential",
                              shown))) {
      d->AboutJob(job_.name).Note({}, "remove the x flag, or trace only the commands that do not touch secrets");
      d->subject.secrets = std::move(subjects);
    }
  }

  void CheckUrlAndArgs(const ShellCommand& c) {
    if (secrets_.by_env.empty() && secrets_.inline_names.empty()) return;
    auto scan = [&](const ShellWord& w, bool argument) {
      for (const ShellVarRef& v : w.vars) {
        std::string secret = secrets_.SecretOf(v);
        if (secret.empty()) continue;
        // Inside `scheme://...@`: a credential in a URL ends up in logs, remotes and caches.
        size_t rel = v.offset - w.offset;
        size_t scheme = w.raw.rfind("://", rel);
        if (scheme != std::string::npos) {
          size_t at_sign = w.raw.find('@', rel);
          size_t slash = w.raw.find('/', scheme + 3);
          if (at_sign != std::string::npos && (slash == std::string::npos || slash > at_sign)) {
            // `https://gitlab-ci-token:${CI_JOB_TOKEN}@...` is the URL GitLab documents; the
            // token is masked and expires with the job.
            if (!v.expression && secrets_.per_job.count(v.name)) continue;
            if (Diagnostic* d = ctx_.Report(
                    DiagKind::SecretInUrl, At(v.offset, v.length),
                    fmt::format("secret {} is written into a URL", secret)))
              d->AboutJob(job_.name).AboutSecret(secrets_.DeclaredName(secret)).Note({}, "URLs are printed by tools, stored in .git/config and caches; use a "
                          "credential helper or an Authorization header read from a file");
            continue;
          }
        }
        // A user name, an id or a key fingerprint kept in the secret store gives no access.
        if (argument && (v.expression || !secrets_.IsFile(v.name)) && !PathArgument(c, w, v) &&
            !import::NamesIdentifier(secret)) {
          if (Diagnostic* d = ctx_.Report(
                  DiagKind::SecretOnCommandLine, At(v.offset, v.length),
                  v.expression ? fmt::format("secret {} is written inline (`{}`) into the command "
                                             "line of `{}`",
                                             secret, Shown(v), c.Name())
                               : fmt::format("secret {} is passed on the command line of `{}`",
                                             secret, c.Name())))
            d->AboutJob(job_.name).AboutSecret(secrets_.DeclaredName(secret)).Note({}, v.expression
                            ? "any process on the runner can read command lines, and the value "
                              "becomes part of the script text; bind it in the step's `env:` and "
                              "pass it on stdin or in a file"
                            : "any process on the runner can read command lines; pass it on stdin "
                              "(`--password-stdin`), in a file, or through the environment");
        }
      }
    };
    for (const ShellWord& a : c.assignments) {
      scan(a, false);
      InlineAssignment(a);
    }
    if (c.Name() == "export" || c.Name() == "declare" || c.Name() == "local" || c.Name() == "readonly")
      for (size_t w = 1; w < c.words.size(); ++w) InlineAssignment(c.words[w]);
    bool external = !c.words.empty() && !IsNotAProcess(c.Name());
    for (size_t w = 1; w < c.words.size(); ++w) scan(c.words[w], external);
  }

  // `TOKEN=${{ secrets.X }}` / `export TOKEN=${{ secrets.X }}` in a GitHub `run:`: the
  // expression is substituted into the script before it runs, so the secret is part of the
  // script file the runner writes, and of any trace of it. GitHub still masks it in logs, and
  // the assignment is otherwise harmless: a note that says how to keep it out.
  void InlineAssignment(const ShellWord& w) {
    size_t eq = w.value.find('=');
    if (eq == std::string::npos) return;
    for (const ShellVarRef& v : w.vars) {
      if (!v.expression || v.offset < w.offset + eq) continue;
      std::string secret = secrets_.SecretOf(v);
      if (secret.empty()) continue;
      if (Diagnostic* d = ctx_.Report(
              DiagKind::SecretInline, At(v.offset, v.length),
              fmt::format("secret {} is written inline (`{}`) into the script of job {}: the runner "
                          "writes the script, secret included, to a file before it runs",
                          secret, Shown(v), job_.name))) {
        d->AboutJob(job_.name).AboutSecret(secrets_.DeclaredName(secret));
        d->Note({}, fmt::format("bind it in the step's `env:` ({}: ${{{{ secrets.{} }}}}) and read the "
                                "variable; logs mask it either way",
                                w.value.substr(0, eq).rfind(' ') == std::string::npos ? w.value.substr(0, eq) : "NAME",
                                secret));
      }
      return;
    }
  }

  // `--key-file $KEY`, `--key-file=$KEY`, `-i $SSH_KEY_PATH`: the option takes a file name,
  // so the variable holds a path, not the credential (issue 14 d).
  static bool PathArgument(const ShellCommand& c, const ShellWord& w, const ShellVarRef& v) {
    if (v.expression) return false;
    auto names_file = [](std::string_view opt) {
      if (opt.empty() || opt[0] != '-') return false;
      std::string o(opt);
      for (char& ch : o) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      return o.find("file") != std::string::npos || o.find("path") != std::string::npos ||
             o.find("-dir") != std::string::npos || o == "-i" || o == "--identity";
    };
    size_t eq = w.value.find('=');
    if (eq != std::string::npos && w.value[0] == '-' && w.offset + eq < v.offset)
      return names_file(std::string_view(w.value).substr(0, eq));
    for (size_t i = 1; i < c.words.size(); ++i)
      if (&c.words[i] == &w) return names_file(c.words[i - 1].value);
    return false;
  }

  void CheckDownloadAndRun(const std::vector<ShellCommand>& cmds, size_t i) {
    const ShellCommand& c = cmds[i];
    auto report = [&](const ShellWord& where, std::string_view how) {
      Diagnostic* d = ctx_.Report(
          DiagKind::CurlPipeShell, At(where.offset, where.raw.size()),
          fmt::format("{} runs downloaded code without verifying it", how));
      if (!d) return;
      d->AboutJob(job_.name);
      if (HasSecrets())
        d->Note({}, fmt::format("the downloaded code runs with this job's secrets in its "
                                "environment ({})",
                                SecretList()));
      d->Note({}, "download to a file, check its checksum or signature, then run it");
    };
    // curl ... | [sudo] sh
    if (IsDownloader(c.Name()) && c.piped_out) {
      for (size_t j = i + 1; j < cmds.size() && cmds[j].pipeline == c.pipeline; ++j) {
        std::string_view n = cmds[j].Name();
        if (n == "sudo" && cmds[j].words.size() > 1) n = cmds[j].words[1].value;
        if (IsInterpreter(n)) {
          report(c.words[0], fmt::format("`{} | {}`", c.Name(), n));
          break;
        }
      }
    }
    // sh -c "$(curl ...)", bash <(curl ...), eval "$(curl ...)", source <(curl ...)
    std::string_view n = c.Name();
    if (IsInterpreter(n) || n == "eval" || n == "source" || n == ".") {
      for (size_t w = 1; w < c.words.size(); ++w)
        for (const std::string& inner : c.words[w].substs)
          for (const ShellCommand& ic : LexShell(inner))
            if (IsDownloader(ic.Name())) {
              report(c.words[w], fmt::format("`{}` of a `{}` download", n, ic.Name()));
              return;
            }
    }
    CheckInsecureDownload(c);
    // curl -o install.sh URL; ...; sh install.sh (or ./install.sh, chmod +x then run): the
    // same as a pipe unless a checksum or signature check names the file in between. The run
    // may be on a later line (GitLab and Pipe run a job's lines in one shell); the finding is
    // at the download.
    if (!IsDownloader(n)) return;
    std::string file = DownloadTarget(c);
    if (file.empty()) return;
    std::vector<ShellCommand> rest(cmds.begin() + static_cast<std::ptrdiff_t>(i) + 1, cmds.end());
    for (ShellCommand& later : LexShell(later_)) rest.push_back(std::move(later));
    for (size_t k = 0; k < rest.size(); ++k) {
      const ShellCommand& r = rest[k];
      // `echo "<hash>  install.sh" | sha256sum -c -`: the pipeline names the file and checks it.
      bool piped_check = false, piped_names = false;
      for (size_t m = k; m < rest.size(); ++m) {
        const ShellCommand& q = rest[m];
        piped_check |= IsVerifier(q.Name());
        for (const ShellWord& w : q.words) piped_names |= w.value.find(file) != std::string::npos;
        if (!q.piped_out) break;
      }
      if (Verifies(r, file) || (r.piped_out && piped_check && piped_names)) return;
      if (std::string how = RunsFile(r, file); !how.empty()) {
        report(c.words[0], fmt::format("`{}` downloads {}, and `{}` then", n, file, how));
        return;
      }
    }
  }

  static bool IsVerifier(std::string_view n) {
    static constexpr std::string_view kVerifiers[] = {
        "sha256sum", "sha512sum", "sha1sum", "md5sum", "shasum", "gpg",
        "gpgv",      "cosign",    "minisign", "openssl", "b2sum", "slsa-verifier"};
    return std::find(std::begin(kVerifiers), std::end(kVerifiers), n) != std::end(kVerifiers);
  }

  // A checksum or signature check that names the file.
  static bool Verifies(const ShellCommand& c, const std::string& file) {
    if (!IsVerifier(c.Name())) return false;
    return std::any_of(c.words.begin(), c.words.end(), [&](const ShellWord& w) { return NamesFile(w, file); }) ||
           std::any_of(c.redirects.begin(), c.redirects.end(),
                       [&](const ShellRedirect& r) { return NamesFile(r.target, file); });
  }

  // How the command runs the file (`sh install.sh`, `./install.sh`), or "".
  static std::string RunsFile(const ShellCommand& c, const std::string& file) {
    if (c.words.empty()) return "";
    if (NamesFile(c.words[0], file) && c.words[0].value.find('/') != std::string::npos)
      return c.words[0].value;
    bool sudo = c.Name() == "sudo" && c.words.size() > 1;
    std::string_view runner = sudo ? std::string_view(c.words[1].value) : c.Name();
    if (!IsInterpreter(runner) && runner != "source" && runner != ".") return "";
    for (size_t w = sudo ? 2 : 1; w < c.words.size(); ++w) {
      if (!c.words[w].value.empty() && c.words[w].value[0] == '-') continue;
      // the first operand is the script; later ones are its arguments
      return NamesFile(c.words[w], file) ? fmt::format("{} {}", runner, c.words[w].value) : "";
    }
    return "";
  }

  // The file a curl or wget command writes, or "" (stdout, or unknown).
  static std::string DownloadTarget(const ShellCommand& c) {
    bool wget = c.Name() == "wget";
    std::string url;
    for (const ShellWord& w : c.words)
      if (w.value.rfind("http://", 0) == 0 || w.value.rfind("https://", 0) == 0) url = w.value;
    auto remote_name = [&]() -> std::string {
      std::string path = url.substr(0, url.find_first_of("?#"));
      size_t slash = path.rfind('/');
      return slash == std::string::npos || slash + 1 >= path.size() || path.find("://") + 2 == slash
                 ? std::string()
                 : path.substr(slash + 1);
    };
    for (size_t i = 1; i < c.words.size(); ++i) {
      const std::string& v = c.words[i].value;
      std::string next = i + 1 < c.words.size() ? c.words[i + 1].value : "";
      if (v == "--output" || (!wget && v == "-o") || (wget && v == "-O"))
        return next == "-" ? "" : next;
      if (v.rfind("--output=", 0) == 0) return v.substr(9);
      if (wget && v.rfind("--output-document=", 0) == 0) {
        std::string f = v.substr(18);
        return f == "-" ? "" : f;
      }
      if (!wget && (v == "-O" || v == "--remote-name")) return remote_name();
      // a cluster of short options: -fsSLo FILE, -fsSLO
      if (v.size() > 2 && v[0] == '-' && v[1] != '-') {
        char last = v.back();
        if ((!wget && last == 'o') || (wget && last == 'O')) return next == "-" ? "" : next;
        if (!wget && last == 'O') return remote_name();
      }
    }
    if (wget && !c.piped_out && !url.empty()) {
      // wget writes the URL's last path segment unless told otherwise (-q -O- aside)
      for (const ShellRedirect& r : c.redirects)
        if (r.op == ">" && (r.fd == -1 || r.fd == 1)) return "";
      return remote_name();
    }
    for (const ShellRedirect& r : c.redirects)  // curl URL > install.sh
      if ((r.op == ">" || r.op == ">|") && (r.fd == -1 || r.fd == 1)) return r.target.value;
    return "";
  }

  // Code or packages fetched over plain HTTP (anyone on the path can change them), and
  // `pip install` of a URL that names no fixed content (no #sha256= hash, no commit).
  void CheckInsecureDownload(const ShellCommand& c) {
    std::string_view n = c.Name();
    auto code_like = [](std::string_view path) {
      path = path.substr(0, path.find_first_of("?#"));
      static constexpr std::string_view kExt[] = {
          ".sh",  ".bash", ".py",  ".pl",  ".rb",  ".ps1", ".tar.gz", ".tgz", ".tar.xz", ".tar.bz2",
          ".zip", ".deb",  ".rpm", ".apk", ".whl", ".jar", ".exe",    ".msi", ".bin",    ".run",
          ".AppImage", ".gem", ".nupkg", ".pkg", ".dmg"};
      return std::any_of(std::begin(kExt), std::end(kExt), [&](std::string_view e) {
        return path.size() > e.size() && path.substr(path.size() - e.size()) == e;
      });
    };
    auto public_host = [](std::string_view url) {
      std::string_view rest = url.substr(url.find("://") + 3);
      std::string_view host = rest.substr(0, rest.find_first_of("/:"));
      if (host.find('.') == std::string_view::npos || host.find('$') != std::string_view::npos) return false;
      for (std::string_view p : {"127.", "10.", "192.168.", "169.254.", "localhost"})
        if (host.rfind(p, 0) == 0) return false;
      return true;
    };
    if (IsDownloader(n)) {
      for (const ShellWord& w : c.words)
        if (w.value.rfind("http://", 0) == 0 && public_host(w.value) &&
            (code_like(w.value) || c.piped_out)) {
          if (Diagnostic* d = ctx_.Report(
                  DiagKind::InsecureDownload, At(w.offset, w.raw.size()),
                  fmt::format("`{}` fetches {} over plain HTTP: anyone on the network path can "
                              "replace it",
                              n, w.value))) {
            d->AboutJob(job_.name);
            d->Note({}, "use https://, and check a pinned checksum or signature of what you run");
          }
          return;
        }
      return;
    }
    bool pip = n == "pip" || n == "pip3" ||
               ((n == "python" || n == "python3") && c.words.size() > 2 && c.words[1].value == "-m" &&
                c.words[2].value == "pip");
    if (!pip || std::none_of(c.words.begin(), c.words.end(),
                             [](const ShellWord& w) { return w.value == "install"; }))
      return;
    for (const ShellWord& w : c.words) {
      const std::string& v = w.value;
      bool url = v.rfind("http://", 0) == 0 || v.rfind("https://", 0) == 0;
      bool vcs = v.rfind("git+", 0) == 0 || v.find("@git+") != std::string::npos;
      if (!url && !vcs) continue;
      if (v.find('$') != std::string::npos) continue;
      if (url && (v.find("#sha256=") != std::string::npos || v.find("#sha512=") != std::string::npos))
        continue;
      if (vcs) {  // git+https://host/repo@<40-hex commit>
        size_t at = v.rfind('@');
        std::string ref = at == std::string::npos ? "" : v.substr(at + 1, v.find_first_of("#", at) - at - 1);
        if (ref.size() == 40 && std::all_of(ref.begin(), ref.end(), [](char ch) { return std::isxdigit(static_cast<unsigned char>(ch)); }))
          continue;
      }
      if (url && !code_like(v) && v.rfind("http://", 0) != 0) continue;  // an index page, not a package
      if (Diagnostic* d = ctx_.Report(
              DiagKind::InsecureDownload, At(w.offset, w.raw.size()),
              fmt::format("`pip install {}` installs whatever that address serves when the job "
                          "runs{}",
                          v, v.rfind("http://", 0) == 0 ? ", over plain HTTP" : ""))) {
        d->AboutJob(job_.name);
        d->Note({}, vcs ? "pin the commit: git+https://host/repo@<40-character sha>"
                        : "append the file's hash (#sha256=...) or install from an index with "
                          "--require-hashes");
      }
      return;
    }
  }

  RuleContext& ctx_;
  const ir::Job& job_;
  const Secrets& secrets_;
  std::string script_;
  std::string later_;
  ScriptMap map_;
};

}  // namespace

void CheckSecretScripts(RuleContext& ctx) {
  const ir::Pipeline& p = ctx.pipeline();
  std::map<std::string_view, const ir::Secret*> decls;
  for (const ir::Secret& s : p.secrets) decls.emplace(s.name, &s);
  for (const ir::Job& j : p.jobs) {
    Secrets secrets;
    for (const ir::EnvVar& e : j.env) {
      if (e.secret.empty()) continue;
      auto it = decls.find(e.secret);
      secrets.by_env[e.name] = it == decls.end() ? nullptr : it->second;
      secrets.secret_of_env[e.name] = e.secret;
      if (IsPerJobToken(p, e.secret)) secrets.per_job.insert(e.name);
    }
    secrets.inline_expressions = p.origin == ir::Origin::GitHub;
    // GitHub: a secret bound in one step's `env:` is in that step's environment only (the
    // importer keeps it in the job's env and, with no value, in the step's env map).
    std::map<std::string, int> bindings, step_bindings;
    for (const ir::EnvVar& e : j.env)
      if (!e.secret.empty()) ++bindings[e.name];
    if (p.origin == ir::Origin::GitHub)
      for (const ir::Step& s : j.steps)
        for (const auto& [name, value] : s.env)
          if (value.parts.empty() && bindings.count(name)) ++step_bindings[name];
    for (size_t k = 0; k < j.steps.size(); ++k) {
      const ir::Step& s = j.steps[k];
      if (s.kind != ir::Step::Kind::Run) continue;
      std::string_view shell = s.shell.empty() ? std::string_view(j.shell) : s.shell;
      if (shell == "pwsh" || shell == "powershell" || shell == "cmd" || shell == "python")
        continue;  // not a POSIX shell: the lexer would only guess
      Secrets here = secrets;
      for (const auto& [name, count] : step_bindings) {
        auto own = s.env.find(name);
        bool in_this_step = own != s.env.end() && own->second.parts.empty();
        if (count == bindings[name] && !in_this_step) {  // bound only by other steps
          here.by_env.erase(name);
          here.secret_of_env.erase(name);
          here.per_job.erase(name);
        }
      }
      std::string script = RenderText(s.script);
      // `${{ secrets.X }}` is in this step's text only, never in any environment.
      if (here.inline_expressions)
        for (const ShellVarRef& v : shell::ScriptVars(script))
          if (v.expression)
            if (std::string name = Secrets::InlineSecret(v.name); !name.empty())
              here.inline_names.insert(name);
      ScriptScan(ctx, j, here, s, std::move(script), LaterInSameShell(p, j, k)).Run();
    }
  }
}

}  // namespace pipec::lint
