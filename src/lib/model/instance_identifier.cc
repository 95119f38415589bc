#include "model/instance_identifier.h"

namespace sztp::model {
namespace {

bool isNameStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool isNameChar(char c) {
  return isNameStart(c) || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

// Calls `onName(begin, prefixLength, inPredicate)` for each node name; a
// prefixLength of 0 means the name is unprefixed. Walks quotes so that text
// inside predicate values is never taken for a name.
template <class OnName>
void forEachName(std::string_view path, OnName onName) {
  char quote = 0;
  bool atNameStart = false;
  bool inPredicate = false;
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
      inPredicate = c == '[';
      atNameStart = true;
      continue;
    }
    if (c == ']') {
      inPredicate = false;
    }
    if (atNameStart && isNameStart(c)) {
      std::size_t end = i;
      while (end < path.size() && isNameChar(path[end])) {
        ++end;
      }
      onName(i, end < path.size() && path[end] == ':' ? end - i : 0, inPredicate);
      i = end - 1;
    }
    atNameStart = false;
  }
}

// Calls `onPrefix(begin, length)` for each prefix.
template <class OnPrefix>
void forEachPrefix(std::string_view path, OnPrefix onPrefix) {
  forEachName(path, [&](std::size_t begin, std::size_t prefixLength, bool) {
    if (prefixLength > 0) {
      onPrefix(begin, prefixLength);
    }
  });
}

}  // namespace

std::string qualifyEveryInstanceIdentifierName(std::string_view jsonForm) {
  std::string out;
  std::size_t copied = 0;
  std::string stepModule;
  forEachName(jsonForm, [&](std::size_t begin, std::size_t prefixLength, bool inPredicate) {
    if (prefixLength > 0) {
      if (!inPredicate) {
        stepModule = std::string(jsonForm.substr(begin, prefixLength));
      }
    } else if (!stepModule.empty()) {
      out.append(jsonForm.substr(copied, begin - copied));
      out += stepModule + ":";
      copied = begin;
    }
  });
  out.append(jsonForm.substr(copied));
  return out;
}

std::string qualifyInstanceIdentifierLikeJson(std::string_view fullyQualified) {
  std::string out;
  std::size_t copied = 0;
  std::string stepModule;
  forEachName(fullyQualified, [&](std::size_t begin, std::size_t prefixLength, bool inPredicate) {
    if (prefixLength == 0) {
      return;
    }
    const std::string prefix(fullyQualified.substr(begin, prefixLength));
    if (prefix == stepModule) {
      out.append(fullyQualified.substr(copied, begin - copied));
      copied = begin + prefixLength + 1;
    } else if (!inPredicate) {
      stepModule = prefix;
    }
  });
  out.append(fullyQualified.substr(copied));
  return out;
}

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
