#include "key_loader.h"

#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "common/io_error.h"

namespace sztp::server {

bootstrap::SigningKeyLoader fileKeyLoader(std::filesystem::path baseDir) {
  return [baseDir = std::move(baseDir)](const std::string& keyRef) -> Result<crypto::PrivateKey> {
    std::string ref = keyRef;
    if (ref.rfind("file:", 0) == 0) {
      ref = ref.substr(5);
    } else if (const auto colon = ref.find(':');
               colon != std::string::npos && ref.find('/') > colon) {
      return Error(
          IoErrc::FileUnreadable,
          "key reference \"" + ref + "\": only file: references are supported by this server");
    }
    std::filesystem::path path(ref);
    if (path.is_relative()) {
      path = baseDir / path;
    }
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0) {
      return Error(IoErrc::FileUnreadable, path.string() + ": cannot stat");
    }
    if ((info.st_mode & S_IROTH) != 0) {
      return Error(IoErrc::FileUnreadable,
                   path.string() +
                       " is readable by every user; chmod 600 it (an owner key "
                       "signs every device's instructions, an LDevID CA key issues "
                       "device identities)");
    }
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    if (!in) {
      return Error(IoErrc::FileUnreadable, path.string());
    }
    auto key = crypto::PrivateKey::fromPem(text.str());
    if (!key) {
      return std::move(key).error().addContext(path.string());
    }
    return key;
  };
}

}  // namespace sztp::server
