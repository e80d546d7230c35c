// `generic`: any CSV, with its columns named by the user. The fallback of `auto`.
#include "scrutineer/ingest/format.hpp"

namespace scrutineer::ingest {

namespace {

FormatDefaults defaults(const Header&, const FirstValue&) { return {}; }

}  // namespace

Format generic_format() {
  return {"generic",
          "any CSV, columns named by the user",
          nullptr,
          defaults,
          {},
          {"anything else", "`--time` (required), `--time-format` (auto)",
           "`--lon/--lat` or `--x/--y` + `--source-crs`, or none",
           "`--category-column`, or `--category-value` for all", "`--time-zone` is required"}};
}

}  // namespace scrutineer::ingest
