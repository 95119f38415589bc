#include "conformance/yang_validator.h"

#include <libyang/libyang.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>
#include <sstream>

namespace sztp::conformance {
namespace {

constexpr std::string_view kBootstrapServerModule = "ietf-sztp-bootstrap-server";

/// Child exit codes; anything else (or a signal) means the child crashed.
constexpr int kChildValid = 0;
constexpr int kChildInvalid = 1;
constexpr int kChildHarnessError = 2;
constexpr int kChildUnsupported = 3;

/// Modules loaded as implemented. ietf-ztp-types and ietf-crypto-types must
/// be listed explicitly: imported only, their identities cannot be resolved
/// in identityref values ("unable to map prefix", checklist §4 point 5).
constexpr std::array<const char*, 8> kModules = {
    "ietf-restconf",           "ietf-sztp-bootstrap-server",
    "ietf-sztp-conveyed-info", "ietf-voucher",
    "ietf-ztp-types",          "ietf-sztp-csr",
    "ietf-crypto-types",       "ietf-keystore",
};

struct YangData {
  const char* module;
  const char* name;  ///< The rc:yang-data argument.
};

YangData yangDataOf(PayloadKind kind) {
  switch (kind) {
    case PayloadKind::ConveyedInformation:
      return {"ietf-sztp-conveyed-info", "conveyed-information"};
    case PayloadKind::Voucher:
      return {"ietf-voucher", "voucher-artifact"};
    case PayloadKind::RestconfErrors:
      return {"ietf-restconf", "yang-errors"};
    case PayloadKind::CsrRequest:
      // An sx:structure (RFC 8791), parsed like yang-data by libyang's
      // structure plugin.
      return {"ietf-sztp-csr", "csr-request"};
    default:
      return {nullptr, nullptr};
  }
}

struct Operation {
  std::string_view rpcName;
  bool isOutput = false;
};

std::optional<Operation> operationOf(PayloadKind kind) {
  switch (kind) {
    case PayloadKind::GetBootstrappingDataInput:
      return Operation{"get-bootstrapping-data", false};
    case PayloadKind::GetBootstrappingDataOutput:
      return Operation{"get-bootstrapping-data", true};
    case PayloadKind::ReportProgressInput:
      return Operation{"report-progress", false};
    default:
      return std::nullopt;
  }
}

bool isSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

std::size_t skipSpace(std::string_view text, std::size_t at) {
  while (at < text.size() && isSpace(text[at])) {
    ++at;
  }
  return at;
}

std::optional<std::string> rewrapJson(std::string_view text, std::string_view envelope,
                                      std::string_view rpcName) {
  std::size_t at = skipSpace(text, 0);
  if (at >= text.size() || text[at] != '{') {
    return std::nullopt;
  }
  at = skipSpace(text, at + 1);
  const std::string member =
      "\"" + std::string(kBootstrapServerModule) + ":" + std::string(envelope) + "\"";
  if (text.substr(at, member.size()) != member) {
    return std::nullopt;
  }
  std::string out(text.substr(0, at));
  out += "\"" + std::string(kBootstrapServerModule) + ":" + std::string(rpcName) + "\"";
  out += text.substr(at + member.size());
  return out;
}

/// Skips whitespace, an XML declaration and comments before the root element.
std::optional<std::size_t> skipXmlProlog(std::string_view text) {
  std::size_t at = skipSpace(text, 0);
  while (true) {
    if (text.substr(at, 2) == "<?") {
      std::size_t end = text.find("?>", at);
      if (end == std::string_view::npos) {
        return std::nullopt;
      }
      at = skipSpace(text, end + 2);
    } else if (text.substr(at, 4) == "<!--") {
      std::size_t end = text.find("-->", at);
      if (end == std::string_view::npos) {
        return std::nullopt;
      }
      at = skipSpace(text, end + 3);
    } else {
      return at;
    }
  }
}

std::optional<std::string> rewrapXml(std::string_view text, std::string_view envelope,
                                     std::string_view rpcName) {
  std::optional<std::size_t> start = skipXmlProlog(text);
  if (!start) {
    return std::nullopt;
  }
  const std::string open = "<" + std::string(envelope);
  std::size_t nameEnd = *start + open.size();
  if (text.substr(*start, open.size()) != open || nameEnd >= text.size() ||
      !(isSpace(text[nameEnd]) || text[nameEnd] == '/' || text[nameEnd] == '>')) {
    return std::nullopt;
  }
  // End of the start tag; attribute values may hold '>' only inside quotes.
  std::size_t tagEnd = nameEnd;
  char quote = 0;
  for (; tagEnd < text.size(); ++tagEnd) {
    char c = text[tagEnd];
    if (quote != 0) {
      quote = c == quote ? 0 : quote;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '>') {
      break;
    }
  }
  if (tagEnd >= text.size()) {
    return std::nullopt;
  }
  std::string out(text.substr(0, *start));
  out += "<" + std::string(rpcName);
  if (text[tagEnd - 1] == '/') {  // <input xmlns="..."/>: no end tag.
    out += text.substr(nameEnd);
    return out;
  }
  // The end tag is the last markup of the document.
  std::size_t close = text.rfind("</");
  const std::string closeName = "</" + std::string(envelope);
  if (close == std::string_view::npos || close <= tagEnd ||
      text.substr(close, closeName.size()) != closeName) {
    return std::nullopt;
  }
  std::size_t after = skipSpace(text, close + closeName.size());
  if (after >= text.size() || text[after] != '>' || skipSpace(text, after + 1) != text.size()) {
    return std::nullopt;
  }
  out += text.substr(nameEnd, close - nameEnd);
  out += "</" + std::string(rpcName);
  out += text.substr(close + closeName.size());
  return out;
}

}  // namespace

std::optional<std::string> unwrapStructure(std::string_view text, model::Encoding encoding,
                                           std::string_view module, std::string_view ns,
                                           std::string_view name) {
  if (encoding == model::Encoding::Json) {
    const auto parsed = nlohmann::json::parse(text, nullptr, false);
    const std::string top = std::string(module) + ":" + std::string(name);
    if (parsed.is_discarded() || !parsed.is_object() || parsed.size() != 1 ||
        !parsed.contains(top) || !parsed[top].is_object()) {
      return std::nullopt;
    }
    std::string out;
    for (const auto& [key, value] : parsed[top].items()) {
      // Top-level members are module-qualified (RFC 7951 §4); inside the
      // structure they inherited the qualification.
      nlohmann::json child = nlohmann::json::object();
      child[key.find(':') == std::string::npos ? std::string(module) + ":" + key : key] = value;
      out += (out.empty() ? "" : std::string(1, '\0')) + child.dump();
    }
    return out;
  }
  pugi::xml_document document;
  const std::string copy(text);
  if (!document.load_buffer(copy.data(), copy.size(), pugi::parse_default)) {
    return std::nullopt;
  }
  const pugi::xml_node root = document.document_element();
  if (std::string_view(root.name()) != name ||
      std::string_view(root.attribute("xmlns").value()) != ns) {
    return std::nullopt;
  }
  std::ostringstream out;
  for (pugi::xml_node child = root.first_child(); child; child = child.next_sibling()) {
    if (child.type() != pugi::node_element) {
      continue;
    }
    pugi::xml_document single;
    pugi::xml_node copied = single.append_copy(child);
    // The default namespace was declared on the structure's element.
    if (!copied.attribute("xmlns")) {
      copied.prepend_attribute("xmlns") = std::string(ns).c_str();
    }
    if (out.tellp() > 0) {
      out << '\0';
    }
    copied.print(out, "", pugi::format_raw);
  }
  return out.str();
}

namespace {

const lysc_ext_instance* findYangData(const ly_ctx* context, const YangData& data) {
  const lys_module* module = ly_ctx_get_module_implemented(context, data.module);
  if (module == nullptr || module->compiled == nullptr) {
    return nullptr;
  }
  const lysc_ext_instance* exts = module->compiled->exts;
  if (exts == nullptr) {
    return nullptr;
  }
  // A libyang sized array: the count sits just before the first element.
  // (LY_ARRAY_COUNT casts the const away, which -Wcast-qual rejects.)
  const LY_ARRAY_COUNT_TYPE count = *(reinterpret_cast<const LY_ARRAY_COUNT_TYPE*>(exts) - 1);
  for (LY_ARRAY_COUNT_TYPE index = 0; index < count; ++index) {
    const lysc_ext_instance& ext = exts[index];
    if (ext.argument != nullptr && std::strcmp(ext.argument, data.name) == 0) {
      return &ext;
    }
  }
  return nullptr;
}

/// True when the parsed (not validated) `tree` has a top-level node of
/// `module`. Validation would add implicit nodes of other modules (libyang
/// puts an empty ietf-yang-schema-mount `schema-mounts` even into a yang-data
/// tree parsed from `{}`), so only the module is a proof.
bool holdsDataOf(const lyd_node* tree, const lys_module* module) {
  for (const lyd_node* node = tree; node != nullptr; node = node->next) {
    if (node->schema != nullptr && node->schema->module == module) {
      return true;
    }
  }
  return false;
}

/// True when every top-level node of `module` in the parsed (not validated)
/// `tree` is an empty non-presence container of a choice case: libyang flags
/// those LYD_DEFAULT, and validating them is the use-after-free described in
/// the header.
bool onlyEmptyCaseContainers(const lyd_node* tree, const lys_module* module) {
  bool any = false;
  for (const lyd_node* node = tree; node != nullptr; node = node->next) {
    if (node->schema == nullptr || node->schema->module != module) {
      continue;
    }
    const lysc_node* parent = node->schema->parent;
    const bool inCase = parent != nullptr && (parent->nodetype & (LYS_CASE | LYS_CHOICE)) != 0;
    if ((node->flags & LYD_DEFAULT) == 0 || !inCase) {
      return false;
    }
    any = true;
  }
  return any;
}

/// Every error libyang stored for `context`, one per line, with its data path.
std::string collectErrors(const ly_ctx* context, LY_ERR result) {
  std::string message;
  for (const ly_err_item* item = ly_err_first(context); item != nullptr; item = item->next) {
    if (item->level != LY_LLERR || item->msg == nullptr) {
      continue;
    }
    if (!message.empty()) {
      message += "\n";
    }
    message += item->msg;
    if (item->path != nullptr) {
      message += std::string(" (path ") + item->path + ")";
    }
  }
  if (message.empty()) {
    message =
        "libyang returned error " + std::to_string(static_cast<int>(result)) + " without a message";
  }
  return message;
}

void writeAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      return;
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
}

}  // namespace

std::string_view payloadKindName(PayloadKind kind) {
  switch (kind) {
    case PayloadKind::ConveyedInformation:
      return "conveyed-information";
    case PayloadKind::Voucher:
      return "voucher";
    case PayloadKind::RestconfErrors:
      return "restconf-errors";
    case PayloadKind::GetBootstrappingDataInput:
      return "get-bootstrapping-data-input";
    case PayloadKind::GetBootstrappingDataOutput:
      return "get-bootstrapping-data-output";
    case PayloadKind::ReportProgressInput:
      return "report-progress-input";
    case PayloadKind::CsrRequest:
      return "csr-request";
    case PayloadKind::KeystoreData:
      return "keystore-data";
  }
  return "?";
}

std::string_view verdictName(Verdict verdict) {
  switch (verdict) {
    case Verdict::Valid:
      return "valid";
    case Verdict::Invalid:
      return "invalid";
    case Verdict::TimedOut:
      return "timed out";
    case Verdict::Unsupported:
      return "not checkable by libyang";
    case Verdict::Failed:
      return "harness failure";
  }
  return "?";
}

std::optional<std::string> rewrapRestconfOperation(std::string_view text, model::Encoding encoding,
                                                   std::string_view rpcName, bool isOutput) {
  std::string_view envelope = isOutput ? "output" : "input";
  return encoding == model::Encoding::Json ? rewrapJson(text, envelope, rpcName)
                                           : rewrapXml(text, envelope, rpcName);
}

std::unique_ptr<YangValidator> YangValidator::load(const std::string& yangDir, std::string& error) {
  ly_ctx* context = nullptr;
  LY_ERR result =
      ly_ctx_new(yangDir.c_str(), LY_CTX_NO_YANGLIBRARY | LY_CTX_DISABLE_SEARCHDIR_CWD, &context);
  if (result != LY_SUCCESS || context == nullptr) {
    error = "ly_ctx_new(" + yangDir + ") failed with " + std::to_string(static_cast<int>(result));
    return nullptr;
  }
  std::unique_ptr<YangValidator> validator(new YangValidator(context));
  const char* allFeatures[] = {"*", nullptr};
  for (const char* name : kModules) {
    if (ly_ctx_load_module(context, name, nullptr, allFeatures) == nullptr) {
      const char* detail = ly_errmsg(context);
      error = std::string("cannot load ") + name + " from " + yangDir + ": " +
              (detail != nullptr ? detail : "no libyang message");
      return nullptr;
    }
  }
  for (PayloadKind kind : {PayloadKind::ConveyedInformation, PayloadKind::Voucher,
                           PayloadKind::RestconfErrors, PayloadKind::CsrRequest}) {
    YangData data = yangDataOf(kind);
    if (findYangData(context, data) == nullptr) {
      error = std::string("no compiled yang-data '") + data.name + "' in " + data.module;
      return nullptr;
    }
  }
  return validator;
}

YangValidator::~YangValidator() {
  ly_ctx_destroy(context_);
}

int YangValidator::validateInChild(PayloadKind kind, model::Encoding encoding,
                                   const std::string& text, std::string& message) const {
  if (kind == PayloadKind::CsrRequest && text.find('\0') != std::string::npos) {
    // One top-level node of the structure at a time (unwrapStructure).
    std::size_t start = 0;
    while (start <= text.size()) {
      const std::size_t end = std::min(text.find('\0', start), text.size());
      const int code = validateInChild(kind, encoding, text.substr(start, end - start), message);
      if (code != kChildValid) {
        return code;
      }
      start = end + 1;
    }
    return kChildValid;
  }
  ly_log_options(LY_LOSTORE);  // Keep every error for the report; print nothing.
  ly_err_clean(context_, nullptr);
  const LYD_FORMAT format = encoding == model::Encoding::Json ? LYD_JSON : LYD_XML;
  ly_in* in = nullptr;
  if (ly_in_new_memory(text.c_str(), &in) != LY_SUCCESS) {
    message = "ly_in_new_memory failed";
    return kChildHarnessError;
  }
  lyd_node* tree = nullptr;
  LY_ERR result = LY_SUCCESS;
  bool empty = false;
  bool unsupported = false;
  if (kind == PayloadKind::KeystoreData) {
    // Configuration data: parsed strictly, then validated (mandatory nodes,
    // must, choices) for the modules present in it.
    result = lyd_parse_data(context_, nullptr, in, format, LYD_PARSE_STRICT | LYD_PARSE_NO_STATE,
                            LYD_VALIDATE_PRESENT | LYD_VALIDATE_NO_STATE, &tree);
    if (result == LY_SUCCESS) {
      const lys_module* keystore = ly_ctx_get_module_implemented(context_, "ietf-keystore");
      empty = !holdsDataOf(tree, keystore);
    }
  } else if (std::optional<Operation> operation = operationOf(kind)) {
    const lyd_type type = operation->isOutput ? LYD_TYPE_REPLY_YANG : LYD_TYPE_RPC_YANG;
    lyd_node* op = nullptr;
    // lyd_parse_op() parses strictly (unknown nodes, types, lengths) but does
    // not validate; must/when/mandatory are checked by lyd_validate_op(), as
    // yanglint does.
    result = lyd_parse_op(context_, nullptr, in, format, type, &tree, &op);
    if (result == LY_SUCCESS) {
      empty = op == nullptr;
      if (!empty) {
        result = lyd_validate_op(tree, nullptr, type, nullptr);
      }
    }
  } else {
    const lysc_ext_instance* ext = findYangData(context_, yangDataOf(kind));
    // First pass, parse only: did libyang find any node of the module in the
    // document? A validated tree cannot tell: validation drops an empty
    // non-presence container and adds implicit nodes of its own, and `{}` is
    // accepted because the top-level mandatory choice is not enforced.
    result =
        lyd_parse_ext_data(ext, nullptr, in, format, LYD_PARSE_STRICT | LYD_PARSE_ONLY, 0, &tree);
    if (result == LY_SUCCESS) {
      empty = !holdsDataOf(tree, ext->module);
      unsupported = onlyEmptyCaseContainers(tree, ext->module);
      lyd_free_all(tree);
      tree = nullptr;
      if (!empty && !unsupported) {
        ly_in_reset(in);
        result = lyd_parse_ext_data(ext, nullptr, in, format, LYD_PARSE_STRICT, 0, &tree);
      }
    }
  }
  ly_in_free(in, 0);
  lyd_free_all(tree);
  if (result != LY_SUCCESS) {
    message = collectErrors(context_, result);
    return kChildInvalid;
  }
  if (empty) {
    // Count a document with no data node as a failure, so that no test
    // passes on a payload libyang did not actually look at.
    message = "libyang accepted the document but found no data node of the module in it";
    return kChildInvalid;
  }
  if (unsupported) {
    message =
        "libyang 2.1.30 cannot validate a yang-data document whose only node is an empty "
        "non-presence container of a choice case: lyd_parse_ext_data() reads freed memory "
        "(valgrind) and may crash; the document parsed strictly, it was not validated";
    return kChildUnsupported;
  }
  return kChildValid;
}

Validation YangValidator::validate(PayloadKind kind, model::Encoding encoding,
                                   std::string_view text,
                                   std::chrono::milliseconds timeLimit) const {
  std::string document(text);
  if (std::optional<Operation> operation = operationOf(kind)) {
    std::optional<std::string> rewrapped =
        rewrapRestconfOperation(text, encoding, operation->rpcName, operation->isOutput);
    if (!rewrapped) {
      return {Verdict::Failed, std::string("not a RESTCONF ") +
                                   (operation->isOutput ? "output" : "input") +
                                   " body of ietf-sztp-bootstrap-server"};
    }
    document = std::move(*rewrapped);
  }
  if (kind == PayloadKind::CsrRequest) {
    std::optional<std::string> unwrapped =
        unwrapStructure(text, encoding, "ietf-sztp-csr",
                        "urn:ietf:params:xml:ns:yang:ietf-sztp-csr", "csr-request");
    if (!unwrapped) {
      return {Verdict::Failed, "not an ietf-sztp-csr:csr-request structure"};
    }
    document = std::move(*unwrapped);
  }

  int fds[2];
  if (pipe(fds) != 0) {
    return {Verdict::Failed, std::string("pipe: ") + std::strerror(errno)};
  }
  std::fflush(nullptr);  // Nothing buffered may be written twice.
  const pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    return {Verdict::Failed, std::string("fork: ") + std::strerror(errno)};
  }
  if (pid == 0) {
    // Child: report through the pipe and leave with _exit, so that no atexit
    // handler, static destructor or GoogleTest listener runs twice.
    close(fds[0]);
    // Self-destruct a little after the parent's deadline, so that a spinning
    // libyang cannot outlive a parent that was itself killed (e.g. by the
    // CTest timeout) before it could send SIGKILL.
    alarm(static_cast<unsigned>(std::chrono::ceil<std::chrono::seconds>(timeLimit).count() + 1));
    int code = kChildHarnessError;
    try {
      std::string message;
      code = validateInChild(kind, encoding, document, message);
      writeAll(fds[1], message);
    } catch (...) {
      writeAll(fds[1], "exception in the validating child");
    }
    close(fds[1]);
    _exit(code);
  }

  close(fds[1]);
  const auto deadline = std::chrono::steady_clock::now() + timeLimit;
  std::string output;
  bool timedOut = false;
  while (true) {
    auto remaining = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (remaining.count() <= 0) {
      timedOut = true;
      break;
    }
    pollfd readable{fds[0], POLLIN, 0};
    int ready = poll(&readable, 1, static_cast<int>(remaining.count()));
    if (ready < 0 && errno == EINTR) {
      continue;
    }
    if (ready == 0) {
      timedOut = true;
      break;
    }
    if (ready < 0) {
      break;
    }
    char buffer[4096];
    ssize_t n = read(fds[0], buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      break;  // EOF: the child is exiting.
    }
    output.append(buffer, static_cast<std::size_t>(n));
  }
  close(fds[0]);
  if (timedOut) {
    kill(pid, SIGKILL);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) {
      return {Verdict::Failed, std::string("waitpid: ") + std::strerror(errno)};
    }
  }
  if (timedOut) {
    return {Verdict::TimedOut, "libyang did not finish within " +
                                   std::to_string(timeLimit.count()) +
                                   " ms; the validating child was killed"};
  }
  if (WIFSIGNALED(status)) {
    return {Verdict::Failed,
            "the validating child died of signal " + std::to_string(WTERMSIG(status))};
  }
  switch (WEXITSTATUS(status)) {
    case kChildValid:
      return {Verdict::Valid, output};
    case kChildInvalid:
      return {Verdict::Invalid, output};
    case kChildUnsupported:
      return {Verdict::Unsupported, output};
    default:
      return {Verdict::Failed, "the validating child failed: " + output};
  }
}

}  // namespace sztp::conformance
