// Test helpers of the io tests: a fresh folder under the system's temporary folder.
#pragma once

#include <filesystem>
#include <string>

namespace scrutineer::io::test {

// /tmp/scrutineer-test-NAME, empty.
inline std::filesystem::path fresh_dir(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() / ("scrutineer-test-" + name);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

}  // namespace scrutineer::io::test
