#include "agentio/sources/source_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace sztp::agentio {

std::optional<Bytes> readFileCapped(const std::string& path, std::size_t maxBytes, bool noFollow) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | (noFollow ? O_NOFOLLOW : 0));
  if (fd < 0) {
    return std::nullopt;
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return std::nullopt;
  }
  Bytes out;
  const std::size_t limit = maxBytes + 1;
  out.resize(std::min<std::size_t>(limit, static_cast<std::size_t>(st.st_size) + 1));
  std::size_t have = 0;
  for (;;) {
    if (have == out.size()) {
      if (out.size() >= limit) {
        break;
      }
      out.resize(std::min(limit, out.size() * 2 + 4096));
    }
    const ssize_t n = ::read(fd, out.data() + have, out.size() - have);
    if (n < 0) {
      ::close(fd);
      return std::nullopt;
    }
    if (n == 0) {
      break;
    }
    have += static_cast<std::size_t>(n);
  }
  ::close(fd);
  out.resize(have);
  return out;
}

std::string underRoot(const std::string& root, const std::string& path) {
  std::string rel = path;
  while (!rel.empty() && rel.front() == '/') {
    rel.erase(rel.begin());
  }
  if (root.empty() || root == "/") {
    return "/" + rel;
  }
  std::string base = root;
  while (base.size() > 1 && base.back() == '/') {
    base.pop_back();
  }
  return base + "/" + rel;
}

}  // namespace sztp::agentio
