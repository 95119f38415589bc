// sztp-step-runner: see agentio/step_runner_main.h.
#include "agentio/step_runner_main.h"

int main(int argc, char** argv) {
  return sztp::agentio::runStepMain(argc, argv);
}
