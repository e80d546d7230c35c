// libFuzzer target for the recipe parser (toml++ and recipe::parse_recipe_text): any bytes must
// give a Recipe or a documented error (scrutineer::Error), never a crash, a hang or undefined
// behaviour.
#include <cstddef>
#include <cstdint>
#include <string>

#include "scrutineer/core/error.hpp"
#include "scrutineer/recipe/recipe.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    (void)scrutineer::recipe::parse_recipe_text("fuzz.toml", text, "/nonexistent-data");
  } catch (const scrutineer::Error&) {
  }
  return 0;
}
