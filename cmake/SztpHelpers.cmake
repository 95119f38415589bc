# Project-wide compile options and the three helpers every CMakeLists uses:
# sztp_library, sztp_test and sztp_fuzzer.

add_library(sztp_options INTERFACE)
target_compile_options(sztp_options INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wcast-qual -Wformat=2
  -Wimplicit-fallthrough)
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  # GCC 12 reports std::string concatenation as overlapping memcpy at -O2/-O3
  # (false positive, GCC bug 105329); fixed in GCC 13.
  target_compile_options(sztp_options INTERFACE -Wno-restrict)
  # GCC 12 at -O2 also reports the inactive members of a moved std::variant
  # (registry::Change) as maybe-uninitialized (GCC bugs 80635, 105593);
  # GCC 13 and Clang do not. Debug builds keep the warning.
  target_compile_options(sztp_options INTERFACE $<$<NOT:$<CONFIG:Debug>>:-Wno-maybe-uninitialized>)
endif()
if(SZTP_WERROR)
  target_compile_options(sztp_options INTERFACE -Werror)
endif()
if(SZTP_SANITIZE)
  target_compile_options(sztp_options INTERFACE
    -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
  target_link_options(sztp_options INTERFACE -fsanitize=address,undefined)
endif()
if(SZTP_BUILD_FUZZERS)
  # Coverage instrumentation for every library, not only each fuzz target's own
  # file: without it libFuzzer is blind inside the parsers it is meant to explore.
  target_compile_options(sztp_options INTERFACE -fsanitize=fuzzer-no-link)
endif()
target_include_directories(sztp_options INTERFACE ${PROJECT_SOURCE_DIR}/src/lib)

# sztp_library(<name> SOURCES ... [DEPS ...]) -> static library sztp_<name>.
function(sztp_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(sztp_${name} STATIC ${ARG_SOURCES})
  target_link_libraries(sztp_${name} PUBLIC sztp_options ${ARG_DEPS})
endfunction()

# sztp_test(<name> SOURCES ... [DEPS ...] [LABELS ...] [TIMEOUT s]) -> a GoogleTest
# program under build/tests whose cases CTest discovers one by one.
function(sztp_test name)
  cmake_parse_arguments(ARG "" "TIMEOUT" "SOURCES;DEPS;LABELS" ${ARGN})
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 120)
  endif()
  if(NOT ARG_LABELS)
    set(ARG_LABELS ${name})
  endif()
  add_executable(${name} ${ARG_SOURCES})
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
  target_link_libraries(${name} PRIVATE sztp_options ${ARG_DEPS} GTest::gtest GTest::gtest_main)
  target_compile_definitions(${name} PRIVATE
    SZTP_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    SZTP_BINARY_DIR="${CMAKE_BINARY_DIR}")
  # The program name prefixes each case, so `ctest -R dhcp` finds all of dhcp_test.
  gtest_discover_tests(${name}
    TEST_PREFIX "${name}."
    PROPERTIES LABELS "${ARG_LABELS}" TIMEOUT ${ARG_TIMEOUT}
    DISCOVERY_TIMEOUT 60)
endfunction()

# sztp_fuzzer(<name> SOURCE file DEPS ...) -> with SZTP_BUILD_FUZZERS a libFuzzer
# binary fuzz_<name>; always a corpus replay test corpus_<name> that runs every
# file of src/fuzz/corpus/<name>/ through the same entry point (no clang needed).
function(sztp_fuzzer name)
  cmake_parse_arguments(ARG "" "SOURCE" "DEPS" ${ARGN})
  set(corpus ${PROJECT_SOURCE_DIR}/src/fuzz/corpus/${name})
  if(SZTP_BUILD_FUZZERS)
    add_executable(fuzz_${name} ${ARG_SOURCE})
    target_link_libraries(fuzz_${name} PRIVATE sztp_options ${ARG_DEPS})
    target_compile_options(fuzz_${name} PRIVATE -fsanitize=fuzzer)
    target_link_options(fuzz_${name} PRIVATE -fsanitize=fuzzer)
  endif()
  if(SZTP_BUILD_TESTS)
    add_executable(corpus_${name} ${ARG_SOURCE} ${PROJECT_SOURCE_DIR}/src/fuzz/replay_main.cc)
    set_target_properties(corpus_${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
    target_link_libraries(corpus_${name} PRIVATE sztp_options ${ARG_DEPS})
    add_test(NAME corpus.${name} COMMAND corpus_${name} ${corpus})
    set_tests_properties(corpus.${name} PROPERTIES LABELS "fuzz-corpus" TIMEOUT 300)
  endif()
endfunction()

include(GoogleTest OPTIONAL)
