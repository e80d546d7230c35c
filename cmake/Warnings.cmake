# Warnings and sanitizers applied to every scrutineer target through scrutineer_options.
add_library(scrutineer_options INTERFACE)
target_compile_options(scrutineer_options INTERFACE -Wall -Wextra -Wpedantic
                       $<$<CXX_COMPILER_ID:GNU>:-Wshadow=local>
                       $<$<BOOL:${SCRUTINEER_WERROR}>:-Werror>)
if(SCRUTINEER_SANITIZE)
  target_compile_options(scrutineer_options INTERFACE -fsanitize=address,undefined
                         -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_link_options(scrutineer_options INTERFACE -fsanitize=address,undefined)
endif()
# GCC 12 reports false -Wrestrict overlaps inside std::string at -O2/-O3 (GCC bug 105329, fixed in 13).
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  target_compile_options(scrutineer_options INTERFACE -Wno-restrict)
endif()
