// Corpus replay driver: runs every file of the given directories through a
// fuzz target's LLVMFuzzerTestOneInput, so each seed corpus is also an
// ordinary CTest test built with any compiler (docs/fuzzing.md).
// Fails when a directory holds no file, so a lost corpus cannot pass silently.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s CORPUS_DIR...\n", argv[0]);
    return 2;
  }
  for (int i = 1; i < argc; ++i) {
    std::size_t count = 0;
    std::error_code ec;
    for (const auto& entry : fs::recursive_directory_iterator(argv[i], ec)) {
      if (!entry.is_regular_file()) {
        continue;
      }
      std::ifstream in(entry.path(), std::ios::binary);
      std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                                      std::istreambuf_iterator<char>());
      LLVMFuzzerTestOneInput(bytes.data(), bytes.size());
      ++count;
    }
    if (ec || count == 0) {
      std::fprintf(stderr, "no corpus files in %s\n", argv[i]);
      return 1;
    }
    std::printf("%s: %zu inputs replayed\n", argv[i], count);
  }
  return 0;
}
