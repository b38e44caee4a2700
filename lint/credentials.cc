#include "lint/credentials.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <memory>

#include "compiler/support/regex.h"

namespace pipec::lint {
namespace {

struct Pattern {
  const char* kind;
  std::vector<std::string_view> keywords;  // cheap pre-check before the regex (case-sensitive)
  support::LazyRegex re;  // RE2 (compiler/support/regex.h): linear, constant stack
  double min_entropy;  // matches at or below are dropped (0 = no check)
  int group;           // capture group holding the credential
};

const std::vector<Pattern>& Patterns() {
  static const std::vector<Pattern> kPatterns = [] {
    auto re = [](const char* s) { return support::LazyRegex(s); };
    std::vector<Pattern> v;
    v.push_back({"AWS access key id", {"AKIA", "ASIA", "ABIA", "ACCA", "A3T"},
                 re(R"(\b((?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})\b)"), 3, 1});
    v.push_back({"Google API key", {"AIza"}, re(R"(\b(AIza[\w-]{35}))"), 4, 1});
    v.push_back({"GitHub personal access token", {"ghp_"}, re(R"((ghp_[0-9a-zA-Z]{36}))"), 3, 1});
    v.push_back({"GitHub fine-grained token", {"github_pat_"}, re(R"((github_pat_\w{82}))"), 3, 1});
    v.push_back({"GitHub app token", {"ghu_", "ghs_"}, re(R"(((?:ghu|ghs)_[0-9a-zA-Z]{36}))"), 3, 1});
    v.push_back({"GitHub OAuth token", {"gho_", "ghr_"}, re(R"((gh[or]_[0-9a-zA-Z]{36}))"), 3, 1});
    v.push_back({"GitLab personal access token", {"glpat-"}, re(R"((glpat-[\w-]{20,300}))"), 3, 1});
    v.push_back({"GitLab pipeline trigger token", {"glptt-"}, re(R"((glptt-[0-9a-f]{40}))"), 3, 1});
    v.push_back({"GitLab runner token", {"glrt-", "GR1348941"},
                 re(R"((glrt-[0-9a-zA-Z_\-]{20}|GR1348941[\w-]{20}))"), 3, 1});
    v.push_back({"GitLab deploy token", {"gldt-"}, re(R"((gldt-[0-9a-zA-Z_\-]{20}))"), 3, 1});
    v.push_back({"GitLab CI/CD job token", {"glcbt-"},
                 re(R"((glcbt-[0-9a-zA-Z]{1,5}_[0-9a-zA-Z_-]{20}))"), 3, 1});
    v.push_back({"npm access token", {"npm_"}, re(R"(\b(npm_[a-zA-Z0-9]{36}))"), 2, 1});
    v.push_back({"PyPI upload token", {"pypi-AgEIcHlwaS5vcmc"},
                 re(R"((pypi-AgEIcHlwaS5vcmc[\w-]{50,1000}))"), 3, 1});
    v.push_back({"Docker Hub token", {"dckr_"},
                 re(R"(\b(dckr_(?:pat_[A-Za-z0-9_-]{27}|oat_[A-Za-z0-9_-]{32})))"), 3, 1});
    v.push_back({"Slack token", {"xox"}, re(R"((xox[baprse]-[0-9]{10,13}-[0-9a-zA-Z-]{10,}))"), 3, 1});
    v.push_back({"Slack webhook URL", {"hooks.slack.com"},
                 re(R"(((?:https?://)?hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9+/]{43,56}))"),
                 0, 1});
    v.push_back({"Discord webhook URL", {"discord"},
                 re(R"((https://(?:(?:ptb|canary)\.)?discord(?:app)?\.com/api/webhooks/[0-9]{17,20}/[A-Za-z0-9_-]{60,80}))"),
                 0, 1});
    v.push_back({"JSON Web Token", {"eyJ"},
                 re(R"(\b(ey[a-zA-Z0-9]{17,}\.ey[a-zA-Z0-9/\\_-]{17,}\.(?:[a-zA-Z0-9/\\_-]{10,}={0,2})?))"),
                 3, 1});
    v.push_back({"Terraform Cloud token", {"atlasv1"},
                 re(R"(([a-zA-Z0-9]{14}\.atlasv1\.[a-zA-Z0-9\-_=]{60,70}))"), 3.5, 1});
    v.push_back({"Vault service token", {"hvs."}, re(R"(\b(hvs\.[A-Za-z0-9_-]{24,}))"), 3.5, 1});
    v.push_back({"Artifactory API key", {"AKCp"}, re(R"(\b(AKCp[A-Za-z0-9]{69})\b)"), 4.5, 1});
    v.push_back({"credential in a curl header", {"curl"},
                 re(R"(\bcurl\b.*?(?:-H|--header)[ =]?["'][Aa]uthorization:[ \t]*(?:Basic|Bearer|Token|Api-Token)[ \t]+([\w=~@.+/-]{8,}))"),
                 2.75, 1});
    v.push_back({"password in a URL", {"://"},
                 re(R"([a-zA-Z][a-zA-Z0-9+.-]*://[^\s:/@'"$]+:([^\s:/@'"$]{6,})@[A-Za-z0-9.-]+)"), 2.5,
                 1});
    return v;
  }();
  return kPatterns;
}

// Which patterns have a keyword in a line, in one pass over the line: a table of the keywords'
// first two bytes says where one may start, and only there are they compared (a search of the
// line per keyword, 35 per line, was 3.5% of a 10,000-job check).
class KeywordIndex {
 public:
  explicit KeywordIndex(const std::vector<Pattern>& patterns) : by_pair_(1 << 16) {
    for (size_t p = 0; p < patterns.size(); ++p)
      for (std::string_view k : patterns[p].keywords) {
        if (k.size() < 2) std::abort();  // a keyword of ours; every one is longer
        by_pair_[Pair(k[0], k[1])].push_back({k, p});
      }
  }

  // found[p] is set for each pattern p with a keyword in `line`.
  void Find(std::string_view line, std::vector<char>& found) const {
    for (size_t i = 0; i + 1 < line.size(); ++i)
      for (const Entry& e : by_pair_[Pair(line[i], line[i + 1])])
        if (line.substr(i, e.keyword.size()) == e.keyword) found[e.pattern] = 1;
  }

 private:
  struct Entry {
    std::string_view keyword;
    size_t pattern;
  };
  static size_t Pair(char a, char b) {
    return static_cast<size_t>(static_cast<unsigned char>(a)) << 8 | static_cast<unsigned char>(b);
  }
  std::vector<std::vector<Entry>> by_pair_;
};

constexpr std::array<std::string_view, 14> kDummyWords = {
    "example", "placeholder", "changeme", "redacted", "your_", "your-", "xxxxxx", "dummy",
    "sample", "fake", "notreal", "foobar", "<", "***"};

bool IsDummy(std::string_view v) {
  std::string lower(v);
  std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
  for (std::string_view w : kDummyWords)
    if (lower.find(w) != std::string::npos) return true;
  return std::all_of(v.begin(), v.end(), [&](char c) { return c == v.front(); });
}

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), ::tolower);
  return out;
}

// Whether the line holds, in any case, one of the words that make an assignment worth the
// two regexes. Compared in place: lowering a copy of every line of every script (most longer
// than the short-string buffer) was a malloc per line. ASCII only, as ::tolower in the C locale.
bool HasAssignmentKeyword(std::string_view line) {
  static constexpr std::array<std::string_view, 7> kWords = {"pass", "secret", "token", "key",
                                                             "auth", "cred", "pwd"};
  auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
  for (size_t i = 0; i < line.size(); ++i) {
    char c = lower(line[i]);
    if (c != 'p' && c != 's' && c != 't' && c != 'k' && c != 'a' && c != 'c') continue;
    for (std::string_view w : kWords) {
      if (w[0] != c || line.size() - i < w.size()) continue;
      size_t k = 1;
      while (k < w.size() && lower(line[i + k]) == w[k]) ++k;
      if (k == w.size()) return true;
    }
  }
  return false;
}

// Names that hold secrets, matched on whole `_`/`-`/`.` separated parts (so BYPASS is not PASS).
bool SecretLikeName(std::string_view name) {
  std::string n = Lower(name);
  for (char& c : n)
    if (c == '-' || c == '.') c = '_';
  // Parts that say the value is not the secret itself.
  static constexpr std::array<std::string_view, 18> kHarmless = {
      "url", "uri", "name", "id", "file", "path", "dir", "version", "type", "user", "username",
      "host", "endpoint", "region", "hash", "sha", "digest", "checksum"};
  std::vector<std::string_view> parts;
  std::string_view rest = n;
  while (!rest.empty()) {
    size_t u = rest.find('_');
    parts.push_back(rest.substr(0, u));
    if (u == std::string_view::npos) break;
    rest.remove_prefix(u + 1);
  }
  if (!parts.empty() &&
      std::find(kHarmless.begin(), kHarmless.end(), parts.back()) != kHarmless.end())
    return false;
  if (n == "public_key" || n == "csrf_token" || n == "key_name" || n == "secret_name") return false;
  // A cache key, a lock key, a sort key... names a thing; only the value could say otherwise.
  for (std::string_view part : parts)
    if (part == "cache" || part == "lock" || part == "sort" || part == "primary" || part == "partition")
      return false;
  static constexpr std::array<std::string_view, 14> kSecret = {
      "password", "passwd", "pwd", "pass", "secret", "token", "apikey", "key", "credential",
      "credentials", "creds", "auth", "pat", "private"};
  for (std::string_view part : parts)
    if (std::find(kSecret.begin(), kSecret.end(), part) != kSecret.end()) return true;
  return n.find("password") != std::string::npos || n.find("secret") != std::string::npos ||
         n.find("token") != std::string::npos || n.find("apikey") != std::string::npos;
}

}  // namespace

bool CredentialLikeName(std::string_view name) { return SecretLikeName(name); }

double ShannonEntropy(std::string_view s) {
  if (s.empty()) return 0;
  std::array<int, 256> counts{};
  for (unsigned char c : s) ++counts[c];
  double h = 0;
  for (int c : counts) {
    if (!c) continue;
    double p = static_cast<double>(c) / s.size();
    h -= p * std::log2(p);
  }
  return h;
}

// Whether a value has the shape of a generated credential rather than of a name: a run of at
// least 12 characters between separators that mixes letters and digits (or cases), or a long
// unbroken hex or base64 string. `node-modules-v1-2023`, `pip-3.11-linux` and
// `release_2024_01_15` are names: every piece is a word, a number or short.
bool RandomLooking(std::string_view value) {
  size_t start = 0;
  for (size_t i = 0; i <= value.size(); ++i) {
    if (i < value.size() && std::string_view("-_./:,@").find(value[i]) == std::string_view::npos)
      continue;
    std::string_view piece = value.substr(start, i - start);
    start = i + 1;
    if (piece.size() < 12) continue;
    bool lower = std::any_of(piece.begin(), piece.end(), ::islower);
    bool upper = std::any_of(piece.begin(), piece.end(), ::isupper);
    bool digit = std::any_of(piece.begin(), piece.end(), ::isdigit);
    if ((lower || upper) && digit && ShannonEntropy(piece) > 3.0) return true;
    if (lower && upper && piece.size() >= 20 && ShannonEntropy(piece) > 3.5) return true;
  }
  return false;
}

bool LooksLikeSecretAssignment(std::string_view name, std::string_view value) {
  if (!SecretLikeName(name)) return false;
  if (value.size() < 10 || value.size() > 200) return false;
  if (value.find('$') != std::string_view::npos || value.find("{{") != std::string_view::npos)
    return false;  // a reference, not a literal
  if (value.find_first_of(" \t\n") != std::string_view::npos) return false;
  bool digit = std::any_of(value.begin(), value.end(), ::isdigit);
  bool alpha = std::any_of(value.begin(), value.end(), ::isalpha);
  if (!digit || !alpha) return false;  // gitleaks: letters-only values are words, not keys
  if (IsDummy(value)) return false;
  return ShannonEntropy(value) > 3.5 && RandomLooking(value);
}

std::vector<CredentialMatch> FindCredentials(std::string_view text) {
  std::vector<CredentialMatch> out;
  if (text.empty()) return out;  // no line to scan (a job without an image)
  auto overlaps = [&](size_t off, size_t len) {
    return std::any_of(out.begin(), out.end(), [&](const CredentialMatch& m) {
      return off < m.offset + m.length && m.offset < off + len;
    });
  };
  // Private key blocks span lines: scan the whole text.
  for (size_t at = text.find("-----BEGIN"); at != std::string_view::npos;
       at = text.find("-----BEGIN", at + 1)) {
    size_t hdr_end = text.find("-----", at + 10);
    if (hdr_end == std::string_view::npos || hdr_end - at > 110) continue;
    std::string_view header = text.substr(at, hdr_end - at);
    if (header.find("PRIVATE KEY") == std::string_view::npos) continue;
    size_t end = text.find("-----END", hdr_end + 5);
    if (end == std::string_view::npos || end - (hdr_end + 5) < 64) continue;
    out.push_back({"private key", at, hdr_end + 5 - at});
  }
  // Everything else is line-based, with a keyword pre-check before any regex runs.
  const std::vector<Pattern>& patterns = Patterns();
  static const KeywordIndex kKeywords(patterns);
  // Which patterns' keywords a line has; kept between calls (tens of thousands of texts).
  thread_local std::vector<char> found;
  found.resize(patterns.size());
  size_t line_start = 0;
  while (line_start <= text.size()) {
    size_t eol = text.find('\n', line_start);
    if (eol == std::string_view::npos) eol = text.size();
    std::string_view line = text.substr(line_start, eol - line_start);
    std::fill(found.begin(), found.end(), 0);
    kKeywords.Find(line, found);
    for (size_t pi = 0; pi < patterns.size(); ++pi) {
      if (!found[pi]) continue;
      const Pattern& p = patterns[pi];
      support::ForEachMatch(p.re.Get(), line, [&](const support::RegexGroups& m) {
        std::string_view value = m[p.group];
        if (value.empty() || value[0] == '$') return;
        if (p.min_entropy > 0 && ShannonEntropy(value) <= p.min_entropy) return;
        if (IsDummy(value) || (value.size() >= 7 && value.substr(value.size() - 7) == "EXAMPLE"))
          return;
        size_t off = line_start + support::OffsetIn(line, value);
        if (!overlaps(off, value.size())) out.push_back({p.kind, off, value.size()});
      });
    }
    // NAME=value / NAME: value / --password value
    static const support::LazyRegex kAssign(
        R"(([A-Za-z_][A-Za-z0-9_.-]{1,60})[ \t]*(?:=|:=|:|=>)[ \t]*["']?([A-Za-z0-9_.=+/~@-]{10,150}))");
    static const support::LazyRegex kOption(
        R"(--?([A-Za-z][A-Za-z0-9_-]{0,40})[ =]["']?([A-Za-z0-9_.=+/~@-]{10,150}))");
    if (HasAssignmentKeyword(line)) {
      for (const support::LazyRegex* re : {&kAssign, &kOption}) {
        support::ForEachMatch(re->Get(), line, [&](const support::RegexGroups& m) {
          std::string_view name = m[1], value = m[2];
          if (!LooksLikeSecretAssignment(name, value)) return;
          size_t off = line_start + support::OffsetIn(line, value);
          if (!overlaps(off, value.size()))
            out.push_back({"credential assigned to " + std::string(name), off, value.size()});
        });
      }
    }
    if (eol == text.size()) break;
    line_start = eol + 1;
  }
  std::sort(out.begin(), out.end(),
            [](const CredentialMatch& a, const CredentialMatch& b) { return a.offset < b.offset; });
  return out;
}

}  // namespace pipec::lint
