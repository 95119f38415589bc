#include "model/instance_identifier.h"

namespace sztp::model {
namespace {

bool isNameStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool isNameChar(char c) {
  return isNameStart(c) || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

// Calls `onPrefix(begin, length)` for each prefix; walks quotes so that text
// inside predicate values is never taken for a name.
template <class OnPrefix>
void forEachPrefix(std::string_view path, OnPrefix onPrefix) {
  char quote = 0;
  bool atNameStart = false;
  for (std::size_t i = 0; i < path.size(); ++i) {
    const char c = path[i];
    if (quote != 0) {
      if (c == quote) {
        quote = 0;
      }
      continue;
    }
    if (c == '\'' || c == '"') {
      quote = c;
      atNameStart = false;
      continue;
    }
    if (c == '/' || c == '[') {
      atNameStart = true;
      continue;
    }
    if (atNameStart && isNameStart(c)) {
      std::size_t end = i;
      while (end < path.size() && isNameChar(path[end])) {
        ++end;
      }
      if (end < path.size() && path[end] == ':') {
        onPrefix(i, end - i);
      }
      i = end - 1;
    }
    atNameStart = false;
  }
}

}  // namespace

std::string rewriteInstanceIdentifierPrefixes(
    std::string_view path,
    const std::function<std::optional<std::string>(std::string_view)>& resolve) {
  std::string out;
  std::size_t copied = 0;
  forEachPrefix(path, [&](std::size_t begin, std::size_t length) {
    if (auto module = resolve(path.substr(begin, length))) {
      out.append(path.substr(copied, begin - copied));
      out += *module;
      copied = begin + length;
    }
  });
  out.append(path.substr(copied));
  return out;
}

std::vector<YangModule> instanceIdentifierModules(std::string_view path) {
  std::vector<YangModule> modules;
  forEachPrefix(path, [&](std::size_t begin, std::size_t length) {
    const auto module = moduleByName(path.substr(begin, length));
    if (!module) {
      return;
    }
    for (const auto& known : modules) {
      if (known.name == module->name) {
        return;
      }
    }
    modules.push_back(*module);
  });
  return modules;
}

}  // namespace sztp::model
