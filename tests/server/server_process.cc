#include "server_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <thread>

namespace sztp::server::testing {

ServerProcess::~ServerProcess() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
}

bool ServerProcess::start(const std::string& binary, const std::filesystem::path& config,
                          const std::filesystem::path& logFile,
                          const std::vector<std::string>& listeners, std::chrono::seconds timeout) {
  logFile_ = logFile;
  // The server logs to the file, not the journal; unset in the parent: a
  // forked child of a threaded process must not touch libc's locks.
  ::unsetenv("JOURNAL_STREAM");
  pid_ = ::fork();
  if (pid_ == 0) {
    const int fd = ::open(logFile.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::dup2(fd, STDERR_FILENO);
    ::dup2(fd, STDOUT_FILENO);
    ::execl(binary.c_str(), binary.c_str(), "--config", config.c_str(), "--log-level", "debug",
            static_cast<char*>(nullptr));
    ::_exit(127);
  }
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    const std::string text = log();
    for (const auto& name : listeners) {
      const std::string marker = "SZTP-S0003 listening: " + name + " on port ";
      const auto at = text.find(marker);
      if (at != std::string::npos) {
        ports_[name] = static_cast<std::uint16_t>(std::atoi(text.c_str() + at + marker.size()));
      }
    }
    if (ports_.size() == listeners.size()) {
      return true;
    }
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

std::uint16_t ServerProcess::port(const std::string& listener) const {
  const auto found = ports_.find(listener);
  return found == ports_.end() ? 0 : found->second;
}

int ServerProcess::signal(int signal, std::chrono::seconds timeout) {
  if (pid_ <= 0) {
    return -1;
  }
  ::kill(pid_, signal);
  if (signal == SIGHUP) {
    return 0;
  }
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return -1;
}

bool ServerProcess::waitForLog(const std::string& text, std::chrono::seconds timeout) const {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (log().find(text) != std::string::npos) {
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

std::string ServerProcess::log() const {
  std::ifstream in(logFile_);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace sztp::server::testing
