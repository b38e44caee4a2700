#include "runtime/fs.h"

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include <fmt/format.h>

namespace fs = std::filesystem;

namespace pipec::runtime {

namespace {

// Closes a descriptor on every path out.
struct Fd {
  int fd = -1;
  explicit Fd(int f) : fd(f) {}
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
};

std::string Errno(const std::string& what, const std::string& path) {
  return fmt::format("{} {}: {}", what, path, std::strerror(errno));
}

bool IsInside(const fs::path& root, const fs::path& p) {
  auto r = root.begin(), q = p.begin();
  for (; r != root.end(); ++r, ++q)
    if (q == p.end() || *r != *q) return false;
  return true;
}

}  // namespace

std::string CopyFile(const std::string& from, const std::string& to) {
  Fd in(::open(from.c_str(), O_RDONLY | O_CLOEXEC));
  if (in.fd < 0) return Errno("cannot open", from);
  struct stat st;
  if (::fstat(in.fd, &st) != 0) return Errno("cannot stat", from);
  ::unlink(to.c_str());  // never write through an existing file or link at the target
  Fd out(::open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, st.st_mode & 07777));
  if (out.fd < 0) return Errno("cannot create", to);
  if (::ioctl(out.fd, FICLONE, in.fd) == 0) return "";
  // No reflink here (ext4, tmpfs, across filesystems): copy the bytes.
  off_t left = st.st_size;
  while (left > 0) {
    ssize_t n = ::copy_file_range(in.fd, nullptr, out.fd, nullptr, static_cast<size_t>(left), 0);
    if (n <= 0) break;
    left -= n;
  }
  if (left > 0) {
    if (::lseek(in.fd, st.st_size - left, SEEK_SET) < 0) return Errno("cannot read", from);
    char buf[1 << 16];
    for (;;) {
      ssize_t n = ::read(in.fd, buf, sizeof buf);
      if (n < 0) return Errno("cannot read", from);
      if (n == 0) break;
      for (ssize_t done = 0; done < n;) {
        ssize_t w = ::write(out.fd, buf + done, static_cast<size_t>(n - done));
        if (w < 0) return Errno("cannot write", to);
        done += w;
      }
    }
  }
  ::fchmod(out.fd, st.st_mode & 07777);
  return "";
}

namespace {

std::string CopyTreeAt(const std::string& from, const std::string& to,
                       const std::optional<std::string>& follow_inside, int depth) {
  // Symlinks followed inside a workspace can form loops (dir/self -> ..): bound the walk.
  if (depth > 64) return fmt::format("{}: nested too deep (a symlink loop?)", from);
  std::error_code ec;
  fs::path src(from), dst(to);
  fs::create_directories(dst.parent_path(), ec);
  auto status = fs::symlink_status(src, ec);
  if (ec) return fmt::format("cannot read {}: {}", from, ec.message());
  if (fs::is_symlink(status)) {
    if (follow_inside) {
      fs::path real = fs::weakly_canonical(src, ec);
      fs::path root = fs::weakly_canonical(*follow_inside, ec);
      if (!IsInside(root, real))
        return fmt::format("{} is a symlink that leaves the workspace (to {}): refused", from, real.string());
      if (!fs::exists(real, ec)) return fmt::format("{} is a dangling symlink", from);
      return CopyTreeAt(real.string(), to, follow_inside, depth + 1);
    }
    fs::path target = fs::read_symlink(src, ec);
    if (ec) return fmt::format("cannot read link {}: {}", from, ec.message());
    fs::remove(dst, ec);
    fs::create_symlink(target, dst, ec);
    if (ec) return fmt::format("cannot create link {}: {}", to, ec.message());
    return "";
  }
  if (fs::is_directory(status)) {
    fs::create_directories(dst, ec);
    if (ec) return fmt::format("cannot create {}: {}", to, ec.message());
    std::vector<fs::path> children;
    for (const auto& e : fs::directory_iterator(src, ec)) children.push_back(e.path());
    if (ec) return fmt::format("cannot list {}: {}", from, ec.message());
    for (const fs::path& c : children)
      if (std::string err = CopyTreeAt(c.string(), (dst / c.filename()).string(), follow_inside, depth + 1);
          !err.empty())
        return err;
    return "";
  }
  if (fs::is_regular_file(status)) return CopyFile(from, to);
  return fmt::format("{} is not a regular file, directory or symlink", from);
}

}  // namespace

std::string CopyTree(const std::string& from, const std::string& to,
                     const std::optional<std::string>& follow_inside) {
  return CopyTreeAt(from, to, follow_inside, 0);
}

std::string CheckRelative(const std::string& rel) {
  if (rel.empty()) return "the path is empty";
  fs::path p(rel);
  if (p.is_absolute()) return fmt::format("\"{}\" is absolute; paths are relative to the workspace", rel);
  for (const auto& part : p)
    if (part == "..") return fmt::format("\"{}\" leaves the workspace (\"..\")", rel);
  return "";
}

std::string CheckResolvesInside(const std::string& root, const std::string& rel) {
  if (std::string err = CheckRelative(rel); !err.empty()) return err;
  std::error_code ec;
  fs::path real_root = fs::canonical(root, ec);
  if (ec) return fmt::format("cannot resolve {}: {}", root, ec.message());
  fs::path real = fs::weakly_canonical(fs::path(root) / rel, ec);
  if (ec) return fmt::format("cannot resolve {}: {}", rel, ec.message());
  if (!IsInside(real_root, real))
    return fmt::format("\"{}\" resolves through a symlink to {}, outside the workspace: refused", rel,
                       real.string());
  return "";
}

std::optional<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string WriteFile(const std::string& path, const std::string& text, int mode) {
  std::error_code ec;
  fs::create_directories(fs::path(path).parent_path(), ec);
  ::unlink(path.c_str());
  Fd out(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode));
  if (out.fd < 0) return Errno("cannot create", path);
  for (size_t done = 0; done < text.size();) {
    ssize_t w = ::write(out.fd, text.data() + done, text.size() - done);
    if (w < 0) return Errno("cannot write", path);
    done += static_cast<size_t>(w);
  }
  return "";
}

}  // namespace pipec::runtime
