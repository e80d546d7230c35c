// Reading a whole small file (a recipe, a JSON document) with a size bound: only regular files
// (a FIFO or /dev/zero would never end), and none larger than the bound, so memory stays bounded
// whatever path is given.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>

namespace scrutineer::io {

// The text of `path`. Throws IoError when it cannot be opened or is not a regular file (a FIFO, a
// device such as /dev/zero, a folder), InputError when it holds more than `max_bytes`. `what`
// names the file in messages ("recipe").
std::string read_small_file(const std::filesystem::path& path, std::size_t max_bytes,
                            const std::string& what);

}  // namespace scrutineer::io
