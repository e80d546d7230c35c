// Whole small files, read with a bound (see the header).
#include "scrutineer/io/read_file.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "scrutineer/core/error.hpp"
#include "scrutineer/io/atomic_file.hpp"

namespace scrutineer::io {

std::string read_small_file(const std::filesystem::path& path, std::size_t max_bytes,
                            const std::string& what) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK);  // a FIFO must not block the open
  if (fd < 0)
    throw IoError(
        fmt::format("cannot read the {} '{}': {}", what, path.string(), std::strerror(errno)));
  struct Close {
    int fd;
    ~Close() { ::close(fd); }
  } close{fd};
  struct stat st {};
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
    throw IoError(fmt::format(
        "cannot read the {} '{}': it is not a regular file (a FIFO, a device or a folder); give "
        "a file",
        what, path.string()));
  remember_input(static_cast<std::uint64_t>(st.st_dev), static_cast<std::uint64_t>(st.st_ino));
  const auto too_big = [&] {
    return InputError(
        path.string(), 0, 0,
        fmt::format("the {} is larger than {} bytes, the limit for it", what, max_bytes));
  };
  if (static_cast<std::size_t>(st.st_size) > max_bytes) throw too_big();
  std::string text;
  text.resize(max_bytes + 1);
  std::size_t got = 0;
  while (got < text.size()) {  // the file may grow while it is read: read at most the bound + 1
    const auto n = ::read(fd, text.data() + got, text.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0)
      throw IoError(
          fmt::format("cannot read the {} '{}': {}", what, path.string(), std::strerror(errno)));
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  if (got > max_bytes) throw too_big();
  text.resize(got);
  return text;
}

}  // namespace scrutineer::io
