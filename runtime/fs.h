#pragma once
// File operations the runtime needs, with the safety rules of workspaces and artifacts:
// copies are reflinks where the filesystem can (ioctl FICLONE), else real copies, never
// hard links (a job must not be able to modify the project through its workspace).
#include <optional>
#include <string>

namespace pipec::runtime {

// Copies one regular file (mode bits kept). Returns "" or an error message.
std::string CopyFile(const std::string& from, const std::string& to);

// Copies a file, symlink or directory tree to `to` (created with parents). Symlinks are
// copied as symlinks unless `follow_inside` is set: then each symlink must resolve inside
// `follow_inside` and its target's content is copied instead (artifact collection).
std::string CopyTree(const std::string& from, const std::string& to,
                     const std::optional<std::string>& follow_inside = std::nullopt);

// A relative path that stays inside its root lexically: not absolute, no "..", not empty.
// Returns "" or why it is refused.
std::string CheckRelative(const std::string& rel);

// `root`/`rel` resolved through every symlink must stay inside `root`. Returns "" or why not.
std::string CheckResolvesInside(const std::string& root, const std::string& rel);

// Whole file content; nullopt when unreadable.
std::optional<std::string> ReadFile(const std::string& path);
std::string WriteFile(const std::string& path, const std::string& text, int mode = 0644);

}  // namespace pipec::runtime
