// SHA-256 (FIPS 180-4, NIST 2015) of files and text, to record the inputs of a run.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace scrutineer::recipe {

// Lower-case hex digest of `data`.
std::string sha256_hex(std::string_view data);
// The same of a file's bytes, read in blocks. Throws IoError when it cannot be read.
std::string sha256_file(const std::filesystem::path& path);

}  // namespace scrutineer::recipe
