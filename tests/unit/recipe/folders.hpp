// Test helpers of the recipe tests: a fresh folder per test, and a file's bytes.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace recipe_test {

// /tmp/scrutineer_recipe_PID_TEST, empty: tests that run in parallel never share it.
inline std::filesystem::path temp_folder() {
  const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
  const auto path = std::filesystem::temp_directory_path() /
                    ("scrutineer_recipe_" + std::to_string(::getpid()) + "_" + test->name());
  std::filesystem::remove_all(path);
  std::filesystem::create_directories(path);
  return path;
}

inline std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace recipe_test
