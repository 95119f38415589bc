#include "agentio/step_record.h"

#include <nlohmann/json.hpp>

#include "agentio/agentio_error.h"

namespace sztp::agentio {
namespace {

using nlohmann::json;

constexpr int kVersion = 1;
constexpr std::size_t kMaxArgs = 4096;
constexpr std::size_t kMaxEnvironment = 4096;

Error invalid(std::string_view detail) {
  return Error(AgentIoErrc::StepRecordInvalid, detail);
}

Result<json> parseObject(std::string_view text) {
  if (text.size() > kMaxRecordBytes) {
    return invalid("step record larger than 1 MiB");
  }
  json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object()) {
    return invalid("step record is not a JSON object");
  }
  const auto version = doc.find("version");
  if (version == doc.end() || !version->is_number_integer() || *version != kVersion) {
    return invalid("step record has no supported version");
  }
  return doc;
}

template <class T>
Result<T> integer(const json& doc, const char* key, T min, T max) {
  const auto it = doc.find(key);
  if (it == doc.end() || !it->is_number_integer()) {
    return invalid(std::string("step record field ") + key + " is missing or not an integer");
  }
  // Compare in the wider type before narrowing: the value is untrusted.
  if (it->is_number_unsigned()) {
    const auto v = it->get<std::uint64_t>();
    if (v > static_cast<std::uint64_t>(max) || (min >= 0 && v < static_cast<std::uint64_t>(min))) {
      return invalid(std::string("step record field ") + key + " is out of range");
    }
    return static_cast<T>(v);
  }
  const auto v = it->get<std::int64_t>();
  if (v < static_cast<std::int64_t>(min) ||
      (v >= 0 && static_cast<std::uint64_t>(v) > static_cast<std::uint64_t>(max))) {
    return invalid(std::string("step record field ") + key + " is out of range");
  }
  return static_cast<T>(v);
}

Result<bool> boolean(const json& doc, const char* key) {
  const auto it = doc.find(key);
  if (it == doc.end() || !it->is_boolean()) {
    return invalid(std::string("step record field ") + key + " is missing or not a boolean");
  }
  return it->get<bool>();
}

// Strings in records are what the agent put there: valid UTF-8 is not
// guaranteed (an argv may carry any bytes), so dump() replaces bad sequences
// rather than throwing.
std::string dump(const json& doc) {
  return doc.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace

std::string encodeStepSpec(const StepSpec& spec) {
  json doc = json::object();
  doc["version"] = kVersion;
  doc["stepId"] = spec.command.stepId;
  doc["argv"] = spec.command.argv;
  doc["environment"] = spec.command.environment;
  doc["timeoutSeconds"] = spec.command.timeout.count();
  doc["maxOutput"] = spec.command.maxOutput;
  doc["killGraceSeconds"] = spec.killGrace.count();
  return dump(doc);
}

Result<StepSpec> parseStepSpec(std::string_view text) {
  auto doc = parseObject(text);
  if (!doc) {
    return std::move(doc).error();
  }
  StepSpec spec;
  const auto stepId = doc->find("stepId");
  if (stepId == doc->end() || !stepId->is_string()) {
    return invalid("step record field stepId is missing or not a string");
  }
  spec.command.stepId = stepId->get<std::string>();
  const auto argv = doc->find("argv");
  if (argv == doc->end() || !argv->is_array() || argv->empty() || argv->size() > kMaxArgs) {
    return invalid("step record field argv is missing, empty or too long");
  }
  for (const auto& arg : *argv) {
    if (!arg.is_string()) {
      return invalid("step record argv holds a non-string");
    }
    spec.command.argv.push_back(arg.get<std::string>());
  }
  const auto env = doc->find("environment");
  if (env == doc->end() || !env->is_object() || env->size() > kMaxEnvironment) {
    return invalid("step record field environment is missing or too large");
  }
  for (const auto& [name, value] : env->items()) {
    if (!value.is_string() || name.empty() || name.find('=') != std::string::npos) {
      return invalid("step record environment holds an invalid entry");
    }
    spec.command.environment[name] = value.get<std::string>();
  }
  constexpr std::int64_t kMaxSeconds = 7 * 24 * 3600;
  auto timeout = integer<std::int64_t>(*doc, "timeoutSeconds", 1, kMaxSeconds);
  auto maxOutput = integer<std::uint64_t>(*doc, "maxOutput", 0, 64 * 1024 * 1024);
  auto grace = integer<std::int64_t>(*doc, "killGraceSeconds", 0, 3600);
  if (!timeout) {
    return std::move(timeout).error();
  }
  if (!maxOutput) {
    return std::move(maxOutput).error();
  }
  if (!grace) {
    return std::move(grace).error();
  }
  spec.command.timeout = std::chrono::seconds(*timeout);
  spec.command.maxOutput = static_cast<std::size_t>(*maxOutput);
  spec.killGrace = std::chrono::seconds(*grace);
  return spec;
}

std::string encodeStepOutcome(const StepOutcome& outcome) {
  json doc = json::object();
  doc["version"] = kVersion;
  doc["exitCode"] = outcome.exitCode;
  doc["timedOut"] = outcome.timedOut;
  doc["signal"] = outcome.signal;
  doc["omittedBytes"] = outcome.omittedBytes;
  doc["durationMs"] = outcome.durationMs;
  return dump(doc);
}

Result<StepOutcome> parseStepOutcome(std::string_view text) {
  auto doc = parseObject(text);
  if (!doc) {
    return std::move(doc).error();
  }
  StepOutcome outcome;
  auto exitCode = integer<int>(*doc, "exitCode", -1, 255);
  auto timedOut = boolean(*doc, "timedOut");
  auto signal = integer<int>(*doc, "signal", 0, 128);
  auto omitted = integer<std::uint64_t>(*doc, "omittedBytes", 0, UINT64_MAX);
  auto duration = integer<std::int64_t>(*doc, "durationMs", 0, INT64_MAX);
  for (const Error* e :
       {exitCode ? nullptr : &exitCode.error(), timedOut ? nullptr : &timedOut.error(),
        signal ? nullptr : &signal.error(), omitted ? nullptr : &omitted.error(),
        duration ? nullptr : &duration.error()}) {
    if (e != nullptr) {
      return *e;
    }
  }
  outcome.exitCode = *exitCode;
  outcome.timedOut = *timedOut;
  outcome.signal = *signal;
  outcome.omittedBytes = *omitted;
  outcome.durationMs = *duration;
  return outcome;
}

Result<std::string> stepDirectoryName(std::string_view stepId) {
  if (stepId.empty()) {
    return Error(AgentIoErrc::StepInvalid, "empty step id");
  }
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string name;
  for (std::size_t i = 0; i < stepId.size(); ++i) {
    const auto c = static_cast<unsigned char>(stepId[i]);
    const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '_' || c == '-' || (c == '.' && i > 0);
    if (keep) {
      name.push_back(static_cast<char>(c));
    } else {
      name.push_back('%');
      name.push_back(kHex[c >> 4]);
      name.push_back(kHex[c & 0xF]);
    }
  }
  if (name.size() > 200) {
    return Error(AgentIoErrc::StepInvalid, "step id too long");
  }
  return name;
}

}  // namespace sztp::agentio
