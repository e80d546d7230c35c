// Test helpers of the recipe tests: a fresh folder per test, a file's bytes, and a small synthetic
// city written into it.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "scrutineer/synth/city.hpp"

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

// The small world of the door tests: 2 x 2 neighbourhoods of 5 x 5 cells over `days` days
// (synth::generate_city's other defaults), written to folder/city.
inline scrutineer::synth::City write_small_city(const std::filesystem::path& folder,
                                                std::int32_t days) {
  scrutineer::synth::CityOptions options;
  options.neighbourhoods_x = options.neighbourhoods_y = 2;
  options.cells_per_side = 5;
  options.days = days;
  auto city = scrutineer::synth::generate_city(options);
  scrutineer::synth::write_city(city, folder / "city");
  return city;
}

}  // namespace recipe_test
