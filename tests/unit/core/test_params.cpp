// Parameter declarations and typed values.
#include <gtest/gtest.h>

#include "scrutineer/core/error.hpp"
#include "scrutineer/core/params.hpp"

namespace scrutineer {

namespace {
ParamSet example() {
  return ParamSet({{"bandwidth", "200", "metres", "open_cp", {}},
                   {"kernel", "quartic", "kernel shape", "", {"quartic", "gaussian"}},
                   {"cells", "", "how many cells", "", {}},
                   {"warm", "true", "warm start", "", {}}});
}
}  // namespace

TEST(Params, DefaultsAndAssignments) {
  auto p = example();
  EXPECT_DOUBLE_EQ(p.number("bandwidth"), 200.0);
  p.set_all("bandwidth=150.5,kernel=gaussian,cells=20");
  EXPECT_DOUBLE_EQ(p.number("bandwidth"), 150.5);
  EXPECT_EQ(p.text("kernel"), "gaussian");
  EXPECT_EQ(p.integer("cells"), 20);
  EXPECT_TRUE(p.flag("warm"));
  EXPECT_EQ(p.values().at("cells"), "20");
}

TEST(Params, ErrorsNameTheParameter) {
  auto p = example();
  EXPECT_THROW(p.integer("cells"), ConfigError);  // required, not given
  EXPECT_THROW(p.set("nope", "1"), ConfigError);
  EXPECT_THROW(p.set("kernel", "box"), ConfigError);
  EXPECT_THROW(p.set_all("bandwidth"), ConfigError);
  p.set("bandwidth", "12x");
  try {
    p.number("bandwidth");
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("bandwidth"), std::string::npos);
  }
  p.set("warm", "maybe");
  EXPECT_THROW(p.flag("warm"), ConfigError);
}

}  // namespace scrutineer
