// sztp reason-codes: the catalogue of stable reason codes (docs/reason-codes.md).
#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>

#include "catalog/reason_catalog.h"
#include "command.h"
#include "inspect/describe.h"

namespace sztp::cli {

void addReasonCodesCommand(CLI::App& root, Commands& commands, const Context& /*context*/) {
  auto json = std::make_shared<bool>(false);
  auto* cmd = root.add_subcommand(
      "reason-codes",
      "List every stable reason code with the sentence that tells an operator what to fix");
  cmd->add_flag("--json", *json, "Print JSON");
  commands.push_back(
      {cmd, [json] {
         nlohmann::json out = nlohmann::json::array();
         for (const auto* category : catalog::allReasonCategories()) {
           for (const auto& info : category->reasons()) {
             if (*json) {
               out.push_back(
                   {{"code", info.code}, {"layer", category->name()}, {"message", info.message}});
             } else {
               std::cout << std::left << std::setw(42) << info.code << info.message << "\n";
             }
           }
         }
         if (*json) {
           std::cout << inspect::toJsonText(out) << "\n";
         }
         return kExitOk;
       }});
}

}  // namespace sztp::cli
