#include "agent/driver.h"

#include <deque>

#include "agent/agent_error.h"
#include "agent/events.h"
#include "common/codec_error.h"
#include "common/hex.h"
#include "trust/trust_error.h"

namespace sztp::agent {

using model::ProgressType;

/// The explicit work list of the §5.3/§5.5 recursion for one cycle:
/// redirect targets go to the front, so a redirect's servers are tried
/// before the enclosing list continues (D35, D41).
struct Driver::Work {
  std::deque<WorkItem> items;
  std::string lastReason;
  std::string lastDetail;
};

namespace {

std::string progressName(ProgressType type) {
  return std::string(model::progressTypeName(type));
}

std::map<std::string, std::string> sessionFields(const OnboardingSession& s) {
  return {{"session", s.id}, {"origin", s.origin}};
}

}  // namespace

Driver::Driver(const AgentSettings& settings, Ports ports, DeviceIdentity identity)
    : settings_(settings), ports_(std::move(ports)), identity_(std::move(identity)) {}

void Driver::ensureLoaded() {
  if (loaded_) {
    return;
  }
  loaded_ = true;
  auto loaded = ports_.store.load();
  if (!loaded) {
    emitEvent(ports_.events, EventId::StateCorrupt, loaded.error().message(), {}, "state-corrupt");
    return;
  }
  if (!loaded->has_value()) {
    return;
  }
  auto parsed = parseState(**loaded);
  if (!parsed) {
    emitEvent(ports_.events, EventId::StateCorrupt, parsed.error().describe(), {}, "state-corrupt");
    return;
  }
  state_ = std::move(parsed).value();
  emitEvent(ports_.events, EventId::StateResumed,
            "state loaded: phase " + std::string(phaseName(state_.phase)),
            {{"phase", std::string(phaseName(state_.phase))}});
}

Status Driver::save() {
  state_.lastUpdate = ports_.clock.now();
  if (auto saved = ports_.store.save(encodeState(state_)); !saved) {
    return Error(make_error_code(AgentErrc::StateSaveFailed), saved.error().describe());
  }
  return {};
}

void Driver::setError(std::string_view reason, const std::string& message, std::string_view step) {
  state_.lastError = LastError{std::string(reason), message, std::string(step)};
}

void Driver::recordAttempt(SourceKind source, const std::string& origin, const std::string& server,
                           std::string outcome, std::string reason, std::string detail) {
  if (state_.attempts.size() >= kMaxStateListEntries) {
    state_.attempts.erase(state_.attempts.begin());
  }
  state_.attempts.push_back(AttemptRecord{state_.cycles, std::string(sourceKindName(source)),
                                          origin, server, std::move(outcome), std::move(reason),
                                          std::move(detail)});
}

// ---------------------------------------------------------------- cycles

Result<CycleOutcome> Driver::runCycle() {
  ensureLoaded();
  if (!settings_.enabled) {
    // The phase is left as it is: "disabled" is the flag (status.h), and
    // overwriting the phase would forget a completed provisioning (or a
    // pending reboot), so that `ztp enable` provisioned the device again.
    emitEvent(ports_.events, EventId::Disabled, "provisioning is disabled", {},
              "provisioning-disabled");
    return CycleOutcome{CycleOutcome::Kind::Disabled, "provisioning-disabled", {}};
  }
  if (state_.phase == Phase::Disabled) {
    state_.phase = Phase::Idle;  // Enabled again (a state saved by an earlier version).
  }
  if (state_.phase == Phase::Completed) {
    emitEvent(ports_.events, EventId::AlreadyCompleted,
              "bootstrapping already completed; nothing to do");
    return CycleOutcome{CycleOutcome::Kind::Completed, {}, {}};
  }
  auto resumed = resume();
  if (!resumed) {
    return std::move(resumed).error();
  }
  if (*resumed) {
    return **resumed;
  }
  return discover();
}

Result<std::optional<CycleOutcome>> Driver::resume() {
  using Kind = CycleOutcome::Kind;
  if (state_.phase == Phase::AwaitingReboot && state_.session) {
    auto& session = *state_.session;
    const std::string bootId = ports_.platform.bootId();
    if (bootId != session.bootImage.bootIdAtReboot) {
      // The reboot happened: the bootstrapping process runs again from the
      // start; the image criteria are now met (or not, D44: see
      // decideBootImage with installedImage).
      emitEvent(ports_.events, EventId::ResumedAfterReboot,
                "new boot after installing a boot image; starting a new cycle",
                {{"os-version", ports_.platform.osVersion().value_or("")}});
      session.bootImage.status = ImageStatus::Complete;
      state_.phase = Phase::Idle;
      if (auto s = save(); !s) {
        return std::move(s).error();
      }
      return std::optional<CycleOutcome>();
    }
    auto end = reboot();
    if (!end) {
      return std::move(end).error();
    }
    if (*end == SessionEnd::Rebooting) {
      return std::optional<CycleOutcome>(CycleOutcome{Kind::Rebooting, {}, {}});
    }
    return std::optional<CycleOutcome>(CycleOutcome{
        Kind::Failed, state_.lastError ? state_.lastError->reason : std::string(), {}});
  }
  if (state_.phase == Phase::Onboarding && state_.session) {
    emitEvent(ports_.events, EventId::StateResumed, "resuming onboarding session",
              sessionFields(*state_.session));
    auto end = runSession();
    if (!end) {
      return std::move(end).error();
    }
    switch (*end) {
      case SessionEnd::Completed:
        return std::optional<CycleOutcome>(CycleOutcome{Kind::Completed, {}, {}});
      case SessionEnd::Rebooting:
        return std::optional<CycleOutcome>(CycleOutcome{Kind::Rebooting, {}, {}});
      case SessionEnd::Stopped:
        return std::optional<CycleOutcome>(CycleOutcome{Kind::Stopped, {}, {}});
      case SessionEnd::Failed:
        break;
    }
    state_.phase = Phase::Failed;
    ++state_.failedCycles;
    if (auto s = save(); !s) {
      return std::move(s).error();
    }
    return std::optional<CycleOutcome>(
        CycleOutcome{Kind::Failed, state_.lastError ? state_.lastError->reason : std::string(),
                     state_.lastError ? state_.lastError->message : std::string()});
  }
  return std::optional<CycleOutcome>();
}

Result<CycleOutcome> Driver::discover() {
  const TimePoint now = ports_.clock.now();
  ++state_.cycles;
  if (!state_.firstStart) {
    state_.firstStart = now;
  }
  state_.cycleStart = now;
  state_.attempts.clear();
  state_.discovered.clear();
  state_.phase = Phase::Discovering;
  state_.currentStep = "discovery";
  if (auto s = save(); !s) {
    return std::move(s).error();
  }
  emitEvent(ports_.events, EventId::CycleStarted,
            "bootstrapping cycle " + std::to_string(state_.cycles) + " started",
            {{"cycle", std::to_string(state_.cycles)}});

  Work work;
  for (SourceKind kind : settings_.sourceOrder) {
    for (SourceProvider* provider : ports_.sources) {
      if (provider->kind() != kind) {
        continue;
      }
      auto end = processSource(*provider, work);
      if (!end) {
        return std::move(end).error();
      }
      if (*end == SessionEnd::Completed) {
        return CycleOutcome{CycleOutcome::Kind::Completed, {}, {}};
      }
      if (*end == SessionEnd::Rebooting) {
        return CycleOutcome{CycleOutcome::Kind::Rebooting, {}, {}};
      }
      if (*end == SessionEnd::Stopped) {
        return CycleOutcome{CycleOutcome::Kind::Stopped, {}, {}};
      }
    }
  }

  ++state_.failedCycles;
  state_.phase = Phase::Failed;
  state_.currentStep.clear();
  std::string reason = work.lastReason.empty() ? "no-source-bootstrapped" : work.lastReason;
  if (work.lastReason.empty()) {
    setError(
        reason,
        std::string(agentCategory().message(static_cast<int>(AgentErrc::NoSourceBootstrapped))),
        "discovery");
  }
  if (auto s = save(); !s) {
    return std::move(s).error();
  }
  emitEvent(ports_.events, EventId::CycleFailed,
            "cycle " + std::to_string(state_.cycles) + " did not bootstrap the device",
            {{"cycle", std::to_string(state_.cycles)}}, reason);
  return CycleOutcome{CycleOutcome::Kind::NothingBootstrapped, reason, work.lastDetail};
}

Result<std::optional<Driver::SessionEnd>> Driver::processSource(SourceProvider& provider,
                                                                Work& work) {
  const SourceKind kind = provider.kind();
  const std::string kindName(sourceKindName(kind));
  emitEvent(ports_.events, EventId::SourceAsked, "asking source " + kindName,
            {{"source", kindName}});
  auto yields = provider.discover();
  if (!yields) {
    const std::string reason = reasonOf(yields.error());
    recordAttempt(kind, kindName, {}, "failed", reason, yields.error().message());
    work.lastReason = "source-failed";
    work.lastDetail = yields.error().describe();
    emitEvent(ports_.events, EventId::SourceFailed, yields.error().message(),
              {{"source", kindName}}, "source-failed");
    return std::optional<SessionEnd>();
  }
  if (yields->empty()) {
    recordAttempt(kind, kindName, {}, "nothing");
    emitEvent(ports_.events, EventId::SourceNothing, "source " + kindName + " has nothing",
              {{"source", kindName}});
    return std::optional<SessionEnd>();
  }
  for (const SourceYield& yield : *yields) {
    DiscoveryRecord seen{kindName, yield.origin, {}};
    for (const auto& server : yield.servers) {
      seen.servers.push_back(serverLabel(server));
    }
    if (state_.discovered.size() < kMaxStateListEntries) {
      state_.discovered.push_back(seen);
    }
    recordAttempt(kind, yield.origin, {}, "yielded");
    emitEvent(ports_.events, EventId::SourceYielded,
              "source " + kindName + " yielded " +
                  (yield.data ? std::string("bootstrapping data")
                              : std::to_string(yield.servers.size()) + " server(s)"),
              {{"source", kindName}, {"origin", yield.origin}});
    if (yield.data) {
      // Data from a source is untrusted (X1, X3): it must be signed.
      auto end = processData(*yield.data, nullptr, kind, yield.origin, std::nullopt, false,
                             std::nullopt, work);
      if (!end) {
        return std::move(end).error();
      }
      if (*end && **end != SessionEnd::Failed) {
        return end;
      }
    }
    for (auto& item : sourceTargets(yield, identity_)) {
      work.items.push_back(std::move(item));
    }
    while (!work.items.empty()) {
      WorkItem item = std::move(work.items.front());
      work.items.pop_front();
      auto end = processServer(item, work);
      if (!end) {
        return std::move(end).error();
      }
      if (*end && **end != SessionEnd::Failed) {
        return end;
      }
    }
  }
  return std::optional<SessionEnd>();
}

Result<std::optional<Driver::SessionEnd>> Driver::processServer(const WorkItem& item, Work& work) {
  const std::string label = serverLabel(item.endpoint.server);
  const bool authenticate = !item.endpoint.trustAnchors.empty();
  std::optional<Bytes> nonce;
  if (settings_.sendNonce) {
    nonce = ports_.platform.randomBytes(nonceLength(settings_));  // D28
  }
  auto input = makeRequest(settings_, identity_, authenticate, nonce);
  state_.currentStep = "contacting " + label;
  emitEvent(ports_.events, EventId::ServerContacting, "get-bootstrapping-data to " + label,
            {{"server", label},
             {"depth", std::to_string(item.depth)},
             {"provisional", authenticate ? "false" : "true"}});
  auto answer = ports_.client.getBootstrappingData(item.endpoint, input);
  if (!answer) {
    const std::string reason = reasonOf(answer.error());
    recordAttempt(item.source, item.origin, label, "failed", reason, answer.error().message());
    // `ztp status` names what went wrong (server-certificate-untrusted,
    // server-connect-failed, the server's own error code), not just that the
    // server failed (issue 4 "Bad input": `ztp status` says why).
    work.lastReason = reason.empty() ? "server-failed" : reason;
    work.lastDetail = label + ": " + answer.error().describe();
    setError(work.lastReason, work.lastDetail, "server");
    emitEvent(ports_.events, EventId::ServerFailed, label + ": " + answer.error().describe(),
              {{"server", label}}, "server-failed");
    if (!item.endpoint.trustAnchors.empty() && isUnusableAnswer(reason)) {
      // The handshake authenticated the server and then its answer could
      // not be read: it hears why (issue 4 "Bad input").
      if (auto reported = reportRejection(item, reason, answer.error().message()); !reported) {
        return std::move(reported).error();
      }
    }
    return std::optional<SessionEnd>();
  }
  emitEvent(
      ports_.events, answer->tlsTrusted ? EventId::ServerTlsTrusted : EventId::ServerTlsProvisional,
      answer->tlsTrusted ? label + " authenticated (" + answer->address + ")"
                         : label + " not authenticated: provisional (" + answer->address + ")",
      {{"server", label}, {"address", answer->address}});
  trust::BootstrappingData data{answer->output.conveyedInformation, answer->output.ownerCertificate,
                                answer->output.ownershipVoucher};
  return processData(data, &item, item.source, item.origin, answer->output.reportingLevel,
                     answer->tlsTrusted, nonce, work);
}

Status Driver::reportRejection(const WorkItem& item, const std::string& reason,
                               const std::string& message) {
  // Saved first: the report is a side effect (issue 4 "Crash safety").
  if (auto saved = save(); !saved) {
    return saved;
  }
  model::ReportProgressInput input;
  input.progressType = ProgressType::ParsingError;
  input.message = reportMessage(reason, message);
  if (auto sent = ports_.client.reportProgress(item.endpoint, input); sent) {
    ++state_.reportsSent;
  } else {
    ++state_.reportsFailed;
  }
  return {};
}

Result<std::optional<Driver::SessionEnd>> Driver::processData(
    const trust::BootstrappingData& data, const WorkItem* item, SourceKind source,
    const std::string& origin, std::optional<model::ReportingLevel> level, bool tlsTrusted,
    const std::optional<Bytes>& nonce, Work& work) {
  const std::string label = item ? serverLabel(item->endpoint.server) : std::string();
  std::vector<trust::CheckRecord> checks;
  auto context = makeValidationContext(settings_, identity_, tlsTrusted, nonce, ports_.clock.now());
  auto validated = trust::validateBootstrappingData(data, context, &checks);  // D16–D33
  for (const auto& check : checks) {
    emitEvent(ports_.events, EventId::DataCheck,
              check.rule + " " + check.name + " " + std::string(trust::outcomeName(check.outcome)) +
                  (check.detail.empty() ? "" : ": " + check.detail),
              {{"rule", check.rule}, {"check", check.name}});
  }
  if (!validated) {
    const std::string reason = reasonOf(validated.error());
    recordAttempt(source, origin, label, "refused", reason, validated.error().message());
    work.lastReason = reason;
    work.lastDetail = validated.error().message();
    setError(reason, validated.error().message(), "validation");
    emitEvent(ports_.events, EventId::DataRejected, validated.error().message(),
              {{"server", label}, {"origin", origin}}, reason);
    emitEvent(ports_.events, EventId::TrustStateChanged, "trust-state FALSE",
              {{"trust-state", "false"}});
    if (item && tlsTrusted) {
      // The matching error goes to a trusted server (issue 4 "Bad input", D43).
      if (auto reported = reportRejection(*item, reason, validated.error().message()); !reported) {
        return std::move(reported).error();
      }
    }
    return std::optional<SessionEnd>();
  }
  emitEvent(
      ports_.events, EventId::DataValidated,
      std::string(validated->signedData ? "signed" : "unsigned") + " bootstrapping data validated",
      {{"server", label}, {"origin", origin}});
  emitEvent(ports_.events, EventId::TrustStateChanged,
            validated->trusted ? "trust-state TRUE" : "trust-state FALSE",
            {{"trust-state", validated->trusted ? "true" : "false"}});

  if (const auto* redirect = std::get_if<model::RedirectInformation>(&validated->information)) {
    const int depth = item ? item->depth + 1 : 1;
    if (depth > settings_.maxRedirectDepth) {  // D18
      const std::string detail =
          "depth " + std::to_string(depth) + " > " + std::to_string(settings_.maxRedirectDepth);
      recordAttempt(source, origin, label, "refused", "redirect-depth-exceeded", detail);
      work.lastReason = "redirect-depth-exceeded";
      work.lastDetail = detail;
      setError(work.lastReason, detail, "redirect");
      emitEvent(ports_.events, EventId::RedirectDepthExceeded, detail, {{"server", label}},
                "redirect-depth-exceeded");
      if (item && tlsTrusted) {
        if (auto reported = reportRejection(*item, work.lastReason, detail); !reported) {
          return std::move(reported).error();
        }
      }
      return std::optional<SessionEnd>();
    }
    auto targets = redirectTargets(*redirect, validated->trusted, depth, source, origin, identity_);
    recordAttempt(source, origin, label, "redirected");
    for (auto it = targets.rbegin(); it != targets.rend(); ++it) {
      emitEvent(ports_.events, EventId::RedirectFollowed,
                "redirect to " + serverLabel(it->endpoint.server),
                {{"server", serverLabel(it->endpoint.server)},
                 {"depth", std::to_string(depth)},
                 {"authenticated", it->endpoint.trustAnchors.empty() ? "false" : "true"}});
      work.items.push_front(std::move(*it));
    }
    return std::optional<SessionEnd>();
  }

  const auto& onboarding = std::get<model::OnboardingInformation>(validated->information);
  if (!validated->trusted) {
    // D19: exit the algorithm for this data without processing it. (The
    // validator already refuses unsigned onboarding from an untrusted source.)
    recordAttempt(source, origin, label, "refused", "unsigned-onboarding-untrusted-source");
    work.lastReason = "unsigned-onboarding-untrusted-source";
    return std::optional<SessionEnd>();
  }
  recordAttempt(source, origin, label, "onboarded");

  OnboardingSession session;
  session.id = "s" + std::to_string(++state_.sessionCounter);
  session.origin = origin;
  if (item) {
    ServerRecord record;
    record.host = item->endpoint.server.host;
    record.port = item->endpoint.server.port;
    for (const auto& anchor : item->endpoint.trustAnchors) {
      record.trustAnchors.push_back(anchor.toDer());
    }
    record.sendBasicAuth = item->endpoint.sendBasicAuth;
    session.server = std::move(record);
  }
  session.serverTrusted = item != nullptr && tlsTrusted;
  session.signedData = validated->signedData;
  session.reportingLevel = level.value_or(model::ReportingLevel::Minimal);
  session.onboarding =
      model::encodeConveyedInformation(validated->information, model::Encoding::Json);
  for (const auto& c : checks) {
    session.checks.push_back(CheckEntry{c.rule, c.name, c.outcome, c.detail});
  }
  session.nonce = nonce;
  if (onboarding.bootImage) {
    session.bootImage.status = ImageStatus::Pending;
    session.bootImage.osName = onboarding.bootImage->osName;
    session.bootImage.osVersion = onboarding.bootImage->osVersion;
  }
  auto initial = [](bool present) {
    StepProgress p;
    p.status = present ? StepStatus::Pending : StepStatus::Skipped;
    return p;
  };
  session.preScript = initial(onboarding.preConfigurationScript.has_value());
  session.config = initial(onboarding.configuration.has_value());
  session.postScript = initial(onboarding.postConfigurationScript.has_value());
  session.install = initial(onboarding.bootImage.has_value());
  session.reboot = initial(onboarding.bootImage.has_value());
  if (state_.session && state_.session->interrupted &&
      state_.session->onboarding == session.onboarding) {
    // The same onboarding information after an interrupted step: what the
    // earlier session completed has taken effect and is not repeated.
    const auto& previous = *state_.session;
    auto keep = [](const StepProgress& before, StepProgress& now) {
      if (before.status == StepStatus::Done || before.status == StepStatus::Warning) {
        now = before;
      }
    };
    keep(previous.preScript, session.preScript);
    keep(previous.config, session.config);
    keep(previous.postScript, session.postScript);
    session.warnings = previous.warnings;
    emitEvent(ports_.events, EventId::StepRecovered,
              "keeping the steps completed by interrupted session " + previous.id,
              {{"session", session.id}, {"previous-session", previous.id}});
  }
  state_.session = std::move(session);
  state_.phase = Phase::Onboarding;
  if (auto s = save(); !s) {
    return std::move(s).error();
  }
  auto end = runSession();
  if (!end) {
    return std::move(end).error();
  }
  if (*end == SessionEnd::Failed && state_.lastError) {
    work.lastReason = state_.lastError->reason;
    work.lastDetail = state_.lastError->message;
  }
  return std::optional<SessionEnd>(*end);
}

// ---------------------------------------------------------------- onboarding (§5.6)

std::optional<ServerEndpoint> Driver::sessionEndpoint() const {
  const auto& session = *state_.session;
  if (!session.server) {
    return std::nullopt;
  }
  ServerEndpoint endpoint;
  endpoint.server = ServerRef{session.server->host, session.server->port, std::nullopt};
  for (const auto& der : session.server->trustAnchors) {
    if (auto cert = crypto::Certificate::fromDer(der)) {
      endpoint.trustAnchors.push_back(std::move(cert).value());
    }
  }
  endpoint.sendBasicAuth = session.server->sendBasicAuth && !endpoint.trustAnchors.empty();
  return endpoint;
}

Status Driver::report(ProgressType type, const std::string& message, bool withHostKeys) {
  auto& session = *state_.session;
  const std::string name = progressName(type);
  if (!shouldReport(type, session)) {
    return {};
  }
  for (const auto& sent : session.reportsSent) {
    if (sent == name) {
      return {};  // Sent before a restart.
    }
  }
  auto endpoint = sessionEndpoint();
  if (!endpoint) {
    return {};
  }
  if (auto s = save(); !s) {
    return s;
  }
  model::ReportProgressInput input;
  input.progressType = type;
  if (!message.empty()) {
    input.message = message;
  }
  if (withHostKeys) {  // D55: only with bootstrap-complete.
    input.sshHostKeys = ports_.platform.sshHostKeys();
    input.trustAnchorCerts = ports_.platform.trustAnchorCerts();
  }
  auto sent = ports_.client.reportProgress(*endpoint, input);
  if (!sent) {
    ++state_.reportsFailed;
    emitEvent(ports_.events, EventId::ReportFailed, name + ": " + sent.error().describe(),
              {{"progress-type", name}, {"session", session.id}}, "server-refused");
    return Error(make_error_code(AgentErrc::ServerRefused), name + ": " + sent.error().describe());
  }
  ++state_.reportsSent;
  session.reportsSent.push_back(name);
  emitEvent(ports_.events, EventId::ReportSent, name + " accepted",
            {{"progress-type", name}, {"session", session.id}});
  return {};
}

Result<Driver::SessionEnd> Driver::failSession(ProgressType type, std::string_view reason,
                                               const std::string& detail, std::string_view step) {
  auto& session = *state_.session;
  session.interrupted = reason == "step-interrupted";
  setError(reason, detail, step);
  emitEvent(ports_.events, EventId::StepError, detail,
            {{"session", session.id}, {"step", std::string(step)}}, reason);
  // D41: back to the enclosing loop; the session is over.
  state_.phase = Phase::Discovering;
  state_.currentStep.clear();
  (void)report(type, reportMessage(reason, detail));  // Best effort (D43, D47, D48, D50).
  if (auto s = save(); !s) {
    return std::move(s).error();
  }
  return SessionEnd::Failed;
}

Result<StepResult> Driver::runOrRecover(StepProgress& step, StepCommand command) {
  if (step.status == StepStatus::Started && !step.stepId.empty()) {
    auto recovered = ports_.steps.recover(step.stepId);
    if (!recovered || !recovered->has_value()) {
      return Error(make_error_code(AgentErrc::StepInterrupted),
                   step.stepId + (recovered ? "" : ": " + recovered.error().describe()));
    }
    emitEvent(ports_.events, EventId::StepRecovered,
              step.stepId + " finished with exit code " + std::to_string((*recovered)->exitCode),
              {{"step-id", step.stepId}});
    StepResult result = std::move(**recovered);
    step.exitCode = result.exitCode;
    step.timedOut = result.timedOut;
    step.outputTail = outputTail(result.output, settings_.reportOutputTail);
    return result;
  }
  step.status = StepStatus::Started;
  step.stepId = command.stepId;
  if (auto s = save(); !s) {
    return std::move(s).error();
  }
  auto result = ports_.steps.run(command);
  if (!result) {
    return std::move(result).error();
  }
  step.exitCode = result->exitCode;
  step.timedOut = result->timedOut;
  step.outputTail = outputTail(result->output, settings_.reportOutputTail);
  return result;
}

Result<Driver::SessionEnd> Driver::runSession() {
  auto& session = *state_.session;
  auto parsed = model::parseConveyedInformation(session.onboarding, model::Encoding::Json);
  if (!parsed || !std::holds_alternative<model::OnboardingInformation>(*parsed)) {
    return failSession(ProgressType::BootstrapError, "state-corrupt",
                       "the stored onboarding information is unreadable", "parsing");
  }
  const auto info = std::get<model::OnboardingInformation>(std::move(parsed).value());

  // Step 1 (D42).
  state_.currentStep = "bootstrap-initiated";
  if (auto sent = report(ProgressType::BootstrapInitiated, {}); !sent) {
    if (sent.error() == make_error_code(AgentErrc::StateSaveFailed)) {
      return Error(sent.error());
    }
    state_.currentStep.clear();
    setError("bootstrap-initiated-rejected", sent.error().describe(), "bootstrap-initiated");
    emitEvent(ports_.events, EventId::StepError, sent.error().describe(), {{"session", session.id}},
              "bootstrap-initiated-rejected");
    state_.phase = Phase::Discovering;
    if (auto s = save(); !s) {
      return std::move(s).error();
    }
    return SessionEnd::Failed;
  }
  // Step 2 (D43): the data was parsed and validated before the session began.
  (void)report(ProgressType::ParsingInitiated, {});
  (void)report(ProgressType::ParsingComplete, {});

  // Between steps (never inside one): a requested stop saves the state and
  // ends the run; the next start resumes the session at the next step.
  auto stopHere = [this]() -> Result<bool> {
    if (!stopRequested_ || !stopRequested_()) {
      return false;
    }
    if (auto s = save(); !s) {
      return std::move(s).error();
    }
    return true;
  };
  using Step = Result<std::optional<SessionEnd>>;
  for (auto stage : {0, 1, 2, 3}) {
    auto stop = stopHere();
    if (!stop) {
      return std::move(stop).error();
    }
    if (*stop) {
      return SessionEnd::Stopped;
    }
    Step step = std::optional<SessionEnd>();
    switch (stage) {
      case 0:
        step = bootImageStep(info);  // Step 3 (D44–D47).
        break;
      case 1:
        if (info.preConfigurationScript) {
          step = scriptStep(state_.session->preScript, *info.preConfigurationScript, false);
        }
        break;
      case 2:
        step = configStep(info);  // Step 5 (D50).
        break;
      case 3:
        if (info.postConfigurationScript) {
          step = scriptStep(state_.session->postScript, *info.postConfigurationScript, true);
        }
        break;
    }
    if (!step) {
      return std::move(step).error();
    }
    if (*step) {
      return **step;
    }
  }
  auto stop = stopHere();
  if (!stop) {
    return std::move(stop).error();
  }
  if (*stop) {
    return SessionEnd::Stopped;
  }
  return completeStep();
}

Result<std::optional<Driver::SessionEnd>> Driver::bootImageStep(
    const model::OnboardingInformation& info) {
  using None = std::optional<SessionEnd>;
  auto& session = *state_.session;
  auto& image = session.bootImage;
  if (!info.bootImage || image.status == ImageStatus::NotNeeded ||
      image.status == ImageStatus::Complete) {
    return None();
  }
  state_.currentStep = "boot-image";
  if (image.status == ImageStatus::Pending) {
    const auto decision =
        decideBootImage(*info.bootImage, ports_.platform.osName(), ports_.platform.osVersion(),
                        state_.installedImage, ports_.platform.bootId());
    if (decision == ImageDecision::NotNeeded) {
      const bool ours = state_.installedImage &&
                        state_.installedImage->osVersion == info.bootImage->osVersion &&
                        state_.installedImage->osName == info.bootImage->osName;
      image.status = ours ? ImageStatus::Complete : ImageStatus::NotNeeded;
      if (ours) {
        (void)report(ProgressType::BootImageComplete, {});
      }
      return None();
    }
    if (decision == ImageDecision::NotRunningAfterReboot) {
      image.status = ImageStatus::Failed;
      auto end = failSession(ProgressType::BootImageError, "boot-image-not-running-after-reboot",
                             "running " + ports_.platform.osVersion().value_or("?") +
                                 ", installed " + info.bootImage->osVersion.value_or("?"),
                             "boot-image");
      if (!end) {
        return std::move(end).error();
      }
      return None(*end);
    }
    (void)report(ProgressType::BootImageMismatch,
                 "running " + ports_.platform.osName().value_or("?") + " " +
                     ports_.platform.osVersion().value_or("?"));  // D47 [O]
    (void)report(ProgressType::BootImageInitiated, {});
    auto fail = [&](std::string_view reason, const std::string& detail) -> Result<None> {
      image.status = ImageStatus::Failed;
      auto end = failSession(ProgressType::BootImageError, reason, detail, "boot-image");
      if (!end) {
        return std::move(end).error();
      }
      return None(*end);
    };
    if (info.bootImage->imageVerification.empty()) {  // D46
      return fail("boot-image-no-verification", "no image-verification hash");
    }
    if (settings_.installCommand.empty()) {
      return fail("boot-image-install-failed", "no installer command is configured");
    }
    const std::uint64_t needed =
        settings_.requiredFreeBytes ? settings_.requiredFreeBytes : settings_.maxImageBytes;
    if (needed > 0) {
      auto free = ports_.platform.freeBytes(settings_.workDirectory);
      if (!free) {
        return fail("insufficient-space", free.error().describe());
      }
      if (*free < needed) {
        return fail("insufficient-space",
                    std::to_string(*free) + " bytes free, " + std::to_string(needed) + " needed");
      }
    }
    // Named by the image's hash, not the session: a download cut in one
    // cycle resumes from its .part in the next session (the downloader's
    // Range + If-Range), and another image never continues this one's part.
    const Bytes& hash = info.bootImage->imageVerification.front().hashValue;
    image.path = settings_.workDirectory + "/boot-image-" +
                 hexEncode(ByteView(hash.data(), std::min<std::size_t>(hash.size(), 8)));
    image.status = ImageStatus::Downloading;
  }
  if (image.status == ImageStatus::Downloading) {
    auto end = downloadImage(*info.bootImage);
    if (!end) {
      return std::move(end).error();
    }
    if (*end) {
      return end;
    }
  }
  if (image.status == ImageStatus::Verified || image.status == ImageStatus::Installing) {
    image.status = ImageStatus::Installing;
    StepCommand command;
    command.stepId = session.id + "/install";
    command.argv = expandArgv(settings_.installCommand, "{image}", image.path);
    command.environment = settings_.commandEnvironment;
    command.environment["SZTP_SESSION"] = session.id;
    command.environment["SZTP_STEP"] = "install";
    command.timeout = settings_.installTimeout;
    emitEvent(ports_.events, EventId::StepInitiated, "installing boot image",
              {{"session", session.id}, {"step", "install"}});
    auto result = runOrRecover(session.install, std::move(command));
    auto& current = *state_.session;
    if (!result || result->exitCode != 0 || result->timedOut) {
      if (!result && result.error() == make_error_code(AgentErrc::StateSaveFailed)) {
        return std::move(result).error();
      }
      current.install.status = StepStatus::Failed;
      current.bootImage.status = ImageStatus::Failed;
      const bool interrupted =
          !result && result.error() == make_error_code(AgentErrc::StepInterrupted);
      const std::string detail =
          !result
              ? result.error().describe()
              : (result->timedOut ? std::string("timed out")
                                  : "exit code " + std::to_string(result->exitCode)) +
                    (current.install.outputTail.empty() ? "" : "; " + current.install.outputTail);
      auto end = failSession(ProgressType::BootImageError,
                             interrupted ? "step-interrupted" : "boot-image-install-failed", detail,
                             "boot-image");
      if (!end) {
        return std::move(end).error();
      }
      return None(*end);
    }
    current.install.status = StepStatus::Done;
    current.bootImage.status = ImageStatus::Installed;
    if (auto s = save(); !s) {
      return std::move(s).error();
    }
  }
  if (image.status == ImageStatus::Installed) {
    // D47: try to report before rebooting; a failure does not stop the reboot.
    (void)report(ProgressType::BootImageInstalledRebooting, {});
    auto& current = *state_.session;
    current.bootImage.bootIdAtReboot = ports_.platform.bootId();
    current.bootImage.status = ImageStatus::Rebooting;
    state_.installedImage = InstalledImage{info.bootImage->osName, info.bootImage->osVersion,
                                           current.bootImage.bootIdAtReboot};
    state_.phase = Phase::AwaitingReboot;
    state_.currentStep = "reboot";
    // reboot() saves before running the command.
    auto end = reboot();
    if (!end) {
      return std::move(end).error();
    }
    return None(*end);
  }
  return None();
}

/// How often a running download's progress is saved for `ztp status`.
constexpr std::uint64_t kProgressSaveBytes = std::uint64_t{16} << 20;

Result<std::optional<Driver::SessionEnd>> Driver::downloadImage(const model::BootImage& image) {
  using None = std::optional<SessionEnd>;
  auto& progress = state_.session->bootImage;
  std::vector<Bytes> hashes;
  for (const auto& v : image.imageVerification) {
    hashes.push_back(v.hashValue);
  }
  // Resume with the URI in use when the agent stopped, then the rest in order (D45).
  std::size_t first = 0;
  for (std::size_t i = 0; i < image.downloadUris.size(); ++i) {
    if (image.downloadUris[i] == progress.uri) {
      first = i;
    }
  }
  // Every URI's failure goes into the error, so that `ztp status` and the
  // report show a hash mismatch on one mirror even when the last one was
  // merely unreachable.
  std::string failures;
  for (std::size_t i = first; i < image.downloadUris.size(); ++i) {
    const std::string& uri = image.downloadUris[i];
    progress.uri = uri;
    if (auto s = save(); !s) {
      return std::move(s).error();
    }
    DownloadRequest request;
    request.uri = uri;
    request.destinationPath = progress.path;
    request.sha256 = hashes;
    request.maxBytes = settings_.maxImageBytes;
    request.timeout = settings_.downloadTimeout;
    // `ztp status` shows the download's progress: the state is saved at every
    // kProgressSaveBytes boundary (a small, fsynced document; a few dozen
    // saves for a large image). A failed save only delays what status shows.
    std::uint64_t nextSave = progress.bytes + kProgressSaveBytes;
    request.progress = [this, &nextSave, uri](std::uint64_t bytes,
                                              std::optional<std::uint64_t> total) {
      if (!state_.session) {
        return;
      }
      state_.session->bootImage.bytes = bytes;
      state_.session->bootImage.total = total;
      if (bytes >= nextSave) {
        nextSave = bytes + kProgressSaveBytes;
        (void)save();
        emitEvent(ports_.events, EventId::DownloadProgress,
                  "downloaded " + std::to_string(bytes) +
                      (total ? " of " + std::to_string(*total) : std::string()) + " bytes",
                  {{"session", state_.session->id}, {"step", "download"}, {"uri", uri}});
      }
    };
    emitEvent(ports_.events, EventId::StepInitiated, "downloading " + uri,
              {{"session", state_.session->id}, {"step", "download"}, {"uri", uri}});
    auto result = ports_.downloader.download(request);
    if (result) {
      auto& current = state_.session->bootImage;
      current.bytes = result->bytes;
      current.total = result->bytes;
      current.status = ImageStatus::Verified;
      emitEvent(ports_.events, EventId::StepComplete,
                "boot image downloaded and verified (" + std::to_string(result->bytes) + " bytes)",
                {{"session", state_.session->id}, {"step", "download"}, {"uri", uri}});
      if (auto s = save(); !s) {
        return std::move(s).error();
      }
      return None();
    }
    const std::string failure = uri + ": " + result.error().describe();
    failures += (failures.empty() ? "" : "; ") + failure;
    emitEvent(ports_.events, EventId::StepWarning, failure,
              {{"session", state_.session->id}, {"step", "download"}, {"uri", uri}},
              reasonOf(result.error()));
  }
  state_.session->bootImage.status = ImageStatus::Failed;
  auto end = failSession(ProgressType::BootImageError, "boot-image-download-failed",
                         failures.empty() ? "no download-uri" : failures, "boot-image");
  if (!end) {
    return std::move(end).error();
  }
  return None(*end);
}

Result<Driver::SessionEnd> Driver::reboot() {
  auto& session = *state_.session;
  if (session.reboot.status == StepStatus::Started) {
    auto recovered = ports_.steps.recover(session.reboot.stepId);
    if (recovered && recovered->has_value() && (*recovered)->exitCode == 0 &&
        !(*recovered)->timedOut) {
      return SessionEnd::Rebooting;  // Issued; the system is going down.
    }
    if (recovered && recovered->has_value()) {
      state_.session->reboot.status = StepStatus::Failed;
      return failSession(ProgressType::BootImageError, "reboot-failed",
                         "exit code " + std::to_string((*recovered)->exitCode), "reboot");
    }
    // Never ran to completion and we are still in the same boot: a reboot
    // has no effect that could be doubled, so issue it again.
    session.reboot.status = StepStatus::Pending;
    session.reboot.stepId += "+";
  }
  StepCommand command;
  command.stepId = session.reboot.stepId.empty() ? session.id + "/reboot" : session.reboot.stepId;
  command.argv = settings_.rebootCommand;
  command.environment = settings_.commandEnvironment;
  command.timeout = settings_.rebootTimeout;
  emitEvent(ports_.events, EventId::RebootRequested, "rebooting into the new boot image",
            {{"session", session.id}, {"boot-id", session.bootImage.bootIdAtReboot}});
  auto result = runOrRecover(session.reboot, std::move(command));
  if (!result) {
    if (result.error() == make_error_code(AgentErrc::StateSaveFailed)) {
      return std::move(result).error();
    }
    state_.session->reboot.status = StepStatus::Failed;
    return failSession(ProgressType::BootImageError, "reboot-failed", result.error().describe(),
                       "reboot");
  }
  if (result->exitCode != 0 || result->timedOut) {
    state_.session->reboot.status = StepStatus::Failed;
    return failSession(ProgressType::BootImageError, "reboot-failed",
                       "exit code " + std::to_string(result->exitCode), "reboot");
  }
  state_.session->reboot.status = StepStatus::Done;
  if (auto s = save(); !s) {
    return std::move(s).error();
  }
  return SessionEnd::Rebooting;
}

Result<std::optional<Driver::SessionEnd>> Driver::scriptStep(StepProgress& step,
                                                             const Bytes& script, bool post) {
  using None = std::optional<SessionEnd>;
  if (step.status == StepStatus::Done || step.status == StepStatus::Warning ||
      step.status == StepStatus::Skipped) {
    return None();
  }
  auto& session = *state_.session;
  const std::string name = post ? "post-script" : "pre-script";
  state_.currentStep = name;
  const auto initiated =
      post ? ProgressType::PostScriptInitiated : ProgressType::PreScriptInitiated;
  const auto warning = post ? ProgressType::PostScriptWarning : ProgressType::PreScriptWarning;
  const auto error = post ? ProgressType::PostScriptError : ProgressType::PreScriptError;
  const auto complete = post ? ProgressType::PostScriptComplete : ProgressType::PreScriptComplete;

  const std::string path = settings_.workDirectory + "/" + session.id + "-" + name;
  if (step.status == StepStatus::Pending) {
    (void)report(initiated, {});
    emitEvent(ports_.events, EventId::StepInitiated, name + " started",
              {{"session", session.id}, {"step", name}});
    // Staging the script is idempotent, so it needs no record of its own.
    if (auto written = ports_.platform.writeFile(path, script, true); !written) {
      step.status = StepStatus::Failed;
      auto end = failSession(error, post ? "post-script-error" : "pre-script-error",
                             written.error().describe(), name);
      if (!end) {
        return std::move(end).error();
      }
      return None(*end);
    }
  }
  StepCommand command;
  command.stepId = session.id + "/" + name;
  command.argv = {path};
  command.environment = settings_.commandEnvironment;
  command.environment["SZTP_SESSION"] = session.id;
  command.environment["SZTP_STEP"] = name;
  command.timeout = settings_.scriptTimeout;
  auto result = runOrRecover(step, std::move(command));
  if (!result) {
    if (result.error() == make_error_code(AgentErrc::StateSaveFailed)) {
      return std::move(result).error();
    }
    step.status = StepStatus::Failed;
    const bool interrupted = result.error() == make_error_code(AgentErrc::StepInterrupted);
    auto end = failSession(
        error, interrupted ? "step-interrupted" : (post ? "post-script-error" : "pre-script-error"),
        result.error().describe(), name);
    if (!end) {
      return std::move(end).error();
    }
    return None(*end);
  }
  const std::string tail = step.outputTail;
  switch (classifyScript(*result)) {
    case ScriptVerdict::Success:
      step.status = StepStatus::Done;
      emitEvent(ports_.events, EventId::StepComplete, name + " succeeded",
                {{"session", session.id}, {"step", name}});
      (void)report(complete, tail);
      break;
    case ScriptVerdict::Warning: {  // D49: soft error, continue.
      step.status = StepStatus::Warning;
      const std::string reason = post ? "post-script-warning" : "pre-script-warning";
      state_.session->warnings.push_back(reason);
      emitEvent(ports_.events, EventId::StepWarning, name + " exited with 1: " + tail,
                {{"session", session.id}, {"step", name}}, reason);
      (void)report(warning, reportMessage(reason, tail));
      break;
    }
    case ScriptVerdict::Error:
    case ScriptVerdict::Timeout: {
      step.status = StepStatus::Failed;
      const bool timeout = result->timedOut;
      const std::string detail =
          (timeout ? std::string("timed out") : "exit code " + std::to_string(result->exitCode)) +
          (tail.empty() ? "" : "; output: " + tail);
      auto end = failSession(
          error, timeout ? "script-timeout" : (post ? "post-script-error" : "pre-script-error"),
          detail, name);
      if (!end) {
        return std::move(end).error();
      }
      return None(*end);
    }
  }
  if (auto s = save(); !s) {
    return std::move(s).error();
  }
  return None();
}

Result<std::optional<Driver::SessionEnd>> Driver::configStep(
    const model::OnboardingInformation& info) {
  using None = std::optional<SessionEnd>;
  auto& session = *state_.session;
  auto& step = session.config;
  if (!info.configuration || step.status == StepStatus::Done ||
      step.status == StepStatus::Skipped) {
    return None();
  }
  state_.currentStep = "config";
  const auto handling = info.configurationHandling.value_or(model::ConfigurationHandling::Merge);
  const std::string handlingName(model::configurationHandlingName(handling));
  const auto& argv = handling == model::ConfigurationHandling::Merge
                         ? settings_.configMergeCommand
                         : settings_.configReplaceCommand;
  auto fail = [&](std::string_view reason, const std::string& detail) -> Result<None> {
    state_.session->config.status = StepStatus::Failed;
    auto end = failSession(ProgressType::ConfigError, reason, detail, "config");
    if (!end) {
      return std::move(end).error();
    }
    return None(*end);
  };
  if (step.status == StepStatus::Pending) {
    (void)report(ProgressType::ConfigInitiated, {});
    emitEvent(ports_.events, EventId::StepInitiated,
              "applying configuration (" + handlingName + ")",
              {{"session", session.id}, {"step", "config"}});
  }
  if (argv.empty()) {
    // Default: the configuration goes into the configuration directory; the
    // write is atomic and idempotent (same content), so it needs no runner.
    step.status = StepStatus::Started;
    if (auto s = save(); !s) {
      return std::move(s).error();
    }
    const std::string dir = settings_.configDirectory;
    if (auto w = ports_.platform.writeFile(dir + "/sztp-configuration", *info.configuration, false);
        !w) {
      return fail("config-apply-failed", w.error().describe());
    }
    if (auto w = ports_.platform.writeFile(dir + "/sztp-configuration-handling",
                                           asBytes(handlingName + "\n"), false);
        !w) {
      return fail("config-apply-failed", w.error().describe());
    }
  } else {
    const std::string path = settings_.workDirectory + "/" + session.id + "-configuration";
    if (step.status == StepStatus::Pending) {
      if (auto w = ports_.platform.writeFile(path, *info.configuration, false); !w) {
        return fail("config-apply-failed", w.error().describe());
      }
    }
    StepCommand command;
    command.stepId = session.id + "/config";
    command.argv = expandArgv(argv, "{config}", path);
    command.environment = settings_.commandEnvironment;
    command.environment["SZTP_SESSION"] = session.id;
    command.environment["SZTP_STEP"] = "config";
    command.environment["SZTP_CONFIG_HANDLING"] = handlingName;
    command.timeout = settings_.applyTimeout;
    auto result = runOrRecover(step, std::move(command));
    if (!result) {
      if (result.error() == make_error_code(AgentErrc::StateSaveFailed)) {
        return std::move(result).error();
      }
      const bool interrupted = result.error() == make_error_code(AgentErrc::StepInterrupted);
      return fail(interrupted ? "step-interrupted" : "config-apply-failed",
                  result.error().describe());
    }
    if (result->exitCode != 0 || result->timedOut) {
      return fail(result->timedOut ? "script-timeout" : "config-apply-failed",
                  (result->timedOut ? std::string("timed out")
                                    : "exit code " + std::to_string(result->exitCode)) +
                      (state_.session->config.outputTail.empty()
                           ? ""
                           : "; output: " + state_.session->config.outputTail));
    }
  }
  state_.session->config.status = StepStatus::Done;
  emitEvent(ports_.events, EventId::StepComplete, "configuration applied (" + handlingName + ")",
            {{"session", state_.session->id}, {"step", "config"}});
  (void)report(ProgressType::ConfigComplete, {});
  if (auto s = save(); !s) {
    return std::move(s).error();
  }
  return None();
}

Result<Driver::SessionEnd> Driver::completeStep() {
  auto& session = *state_.session;
  state_.currentStep = "bootstrap-complete";
  if (!session.warnings.empty()) {  // D51
    std::string message;
    for (const auto& w : session.warnings) {
      message += (message.empty() ? "" : ", ") + w;
    }
    (void)report(ProgressType::BootstrapWarning, message);
  }
  if (auto sent = report(ProgressType::BootstrapComplete, {}, true); !sent) {  // D52, D55
    if (sent.error() == make_error_code(AgentErrc::StateSaveFailed)) {
      return Error(sent.error());
    }
    return failSession(ProgressType::BootstrapError, "bootstrap-complete-rejected",
                       sent.error().describe(), "bootstrap-complete");
  }
  state_.phase = Phase::Completed;
  state_.completedAt = ports_.clock.now();
  state_.currentStep.clear();
  state_.lastError.reset();
  state_.failedCycles = 0;
  if (auto s = save(); !s) {
    return std::move(s).error();
  }
  emitEvent(ports_.events, EventId::Completed, "bootstrapping completed",
            sessionFields(*state_.session));
  ports_.steps.clear();
  return SessionEnd::Completed;
}

// ---------------------------------------------------------------- retries

RunOutcome Driver::run(const std::function<bool()>& stopRequested) {
  stopRequested_ = stopRequested;
  RunOutcome outcome;
  while (true) {
    if (stopRequested && stopRequested()) {
      outcome.kind = RunOutcome::Kind::Stopped;
      return outcome;
    }
    auto cycle = runCycle();
    ++outcome.cycles;
    if (!cycle) {
      outcome.kind = RunOutcome::Kind::Error;
      outcome.reason = reasonOf(cycle.error());
      return outcome;
    }
    switch (cycle->kind) {
      case CycleOutcome::Kind::Completed:
        outcome.kind = RunOutcome::Kind::Completed;
        return outcome;
      case CycleOutcome::Kind::Rebooting:
        outcome.kind = RunOutcome::Kind::Rebooting;
        return outcome;
      case CycleOutcome::Kind::Disabled:
        outcome.kind = RunOutcome::Kind::Disabled;
        return outcome;
      case CycleOutcome::Kind::Stopped:
        outcome.kind = RunOutcome::Kind::Stopped;
        return outcome;
      case CycleOutcome::Kind::NothingBootstrapped:
      case CycleOutcome::Kind::Failed:
        outcome.reason = cycle->reason;
        break;
    }
    if (settings_.retry.maxCycles != 0 && outcome.cycles >= settings_.retry.maxCycles) {
      outcome.kind = RunOutcome::Kind::GaveUp;
      return outcome;
    }
    if (stopRequested && stopRequested()) {
      outcome.kind = RunOutcome::Kind::Stopped;
      return outcome;
    }
    const Bytes random = ports_.platform.randomBytes(4);
    std::uint32_t r = 0;
    for (auto b : random) {
      r = (r << 8) | b;
    }
    const auto delay =
        backoffDelay(settings_.retry, std::max<std::uint32_t>(state_.failedCycles, 1),
                     static_cast<double>(r) / 4294967296.0);
    emitEvent(ports_.events, EventId::BackoffSleep,
              "waiting " + std::to_string(delay.count()) + " ms before the next cycle",
              {{"delay-ms", std::to_string(delay.count())},
               {"failed-cycles", std::to_string(state_.failedCycles)}});
    ports_.platform.sleepFor(delay);
  }
}

}  // namespace sztp::agent
