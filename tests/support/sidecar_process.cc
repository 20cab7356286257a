#include "sidecar_process.h"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

namespace durabletask::testing {
namespace {

std::string Env(const char* name, const char* fallback = "") {
  const char* value = std::getenv(name);
  return value != nullptr ? value : fallback;
}

bool FileExists(const std::string& path) {
  struct stat info;
  return stat(path.c_str(), &info) == 0;
}

std::string Join(const std::vector<std::string>& items) {
  std::string joined;
  for (const auto& item : items) {
    if (!joined.empty()) joined += ',';
    joined += item;
  }
  return joined;
}

}  // namespace

bool EnsureSidecarBuilt(std::string* dll, std::string* error) {
  *dll = Env("DT_SIDECAR_DLL");
  if (dll->empty()) {
    *error = "DT_SIDECAR_DLL is not set";
    return false;
  }
  if (FileExists(*dll)) return true;

  std::string project = Env("DT_SIDECAR_PROJECT");
  if (project.empty()) {
    *error = "sidecar DLL '" + *dll + "' is missing and DT_SIDECAR_PROJECT is not set";
    return false;
  }
  std::string out_dir = dll->substr(0, dll->rfind('/'));
  std::string command = "dotnet build -nologo -v:q -c Release '" + project + "' -o '" + out_dir +
                        "' > '" + out_dir + ".build.log' 2>&1";
  if (std::system(command.c_str()) != 0 || !FileExists(*dll)) {
    *error = "building the sidecar failed; see " + out_dir + ".build.log";
    return false;
  }
  return true;
}

SidecarProcess::SidecarProcess(std::vector<std::string> hubs, std::string hub_prefix)
    : hubs_(std::move(hubs)), hub_prefix_(std::move(hub_prefix)) {}

SidecarProcess::~SidecarProcess() { Stop(); }

bool SidecarProcess::Start(std::string* error) {
  std::string dll;
  if (!EnsureSidecarBuilt(&dll, error)) return false;

  int to_child[2];
  int from_child[2];
  if (pipe2(to_child, O_CLOEXEC) != 0 || pipe2(from_child, O_CLOEXEC) != 0) {
    *error = "pipe failed";
    return false;
  }

  std::vector<std::string> args = {"dotnet", dll, "--port", "0", "--hubs", Join(hubs_)};
  if (!hub_prefix_.empty()) {
    args.push_back("--hub-prefix");
    args.push_back(hub_prefix_);
  }
  pid_ = fork();
  if (pid_ == 0) {
    dup2(to_child[0], STDIN_FILENO);
    dup2(from_child[1], STDOUT_FILENO);
    std::vector<char*> argv;
    for (auto& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    execvp("dotnet", argv.data());
    _exit(127);
  }
  close(to_child[0]);
  close(from_child[1]);
  stdin_fd_ = to_child[1];
  stdout_fd_ = from_child[0];
  if (pid_ < 0) {
    *error = "fork failed";
    return false;
  }

  // Read until the LISTENING line, for at most two minutes (a cold .NET start on a
  // loaded two-core machine can take a while).
  std::string buffer;
  auto give_up = std::chrono::steady_clock::now() + std::chrono::minutes(2);
  while (std::chrono::steady_clock::now() < give_up) {
    pollfd poll_fd{stdout_fd_, POLLIN, 0};
    if (poll(&poll_fd, 1, 500) <= 0) continue;
    char chunk[512];
    ssize_t read_bytes = read(stdout_fd_, chunk, sizeof(chunk));
    if (read_bytes <= 0) {
      *error = "the sidecar exited before it was ready";
      Stop();
      return false;
    }
    buffer.append(chunk, static_cast<size_t>(read_bytes));
    size_t line = buffer.find("LISTENING ");
    size_t end = line == std::string::npos ? line : buffer.find('\n', line);
    if (end != std::string::npos) {
      address_ = buffer.substr(line + 10, end - line - 10);
      while (!address_.empty() && (address_.back() == '\r' || address_.back() == ' ')) {
        address_.pop_back();
      }
      port_ = std::atoi(address_.substr(address_.rfind(':') + 1).c_str());
      return port_ > 0;
    }
  }
  *error = "the sidecar did not report LISTENING in time";
  Stop();
  return false;
}

void SidecarProcess::Stop() {
  if (stdin_fd_ >= 0) {
    close(stdin_fd_);
    stdin_fd_ = -1;
  }
  if (pid_ > 0) {
    // Closing stdin asks it to stop; give it ten seconds before forcing the issue.
    for (int i = 0; i < 100; ++i) {
      if (waitpid(pid_, nullptr, WNOHANG) == pid_) {
        pid_ = -1;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
      pid_ = -1;
    }
  }
  if (stdout_fd_ >= 0) {
    close(stdout_fd_);
    stdout_fd_ = -1;
  }
}

int CountOwnConnectionsTo(int port) {
  std::set<std::string> own_inodes;
  if (DIR* fds = opendir("/proc/self/fd")) {
    while (dirent* entry = readdir(fds)) {
      char target[256];
      std::string path = std::string("/proc/self/fd/") + entry->d_name;
      ssize_t length = readlink(path.c_str(), target, sizeof(target) - 1);
      if (length <= 0) continue;
      target[length] = '\0';
      std::string link(target);
      if (link.rfind("socket:[", 0) == 0) own_inodes.insert(link.substr(8, link.size() - 9));
    }
    closedir(fds);
  }

  int count = 0;
  for (const char* table : {"/proc/self/net/tcp", "/proc/self/net/tcp6"}) {
    std::ifstream file(table);
    std::string line;
    std::getline(file, line);  // header
    while (std::getline(file, line)) {
      std::istringstream fields(line);
      std::string slot, local, remote, state, queues, timer, retransmits, uid, timeout, inode;
      fields >> slot >> local >> remote >> state >> queues >> timer >> retransmits >> uid >>
          timeout >> inode;
      if (state != "01") continue;  // ESTABLISHED
      int remote_port = std::stoi(remote.substr(remote.rfind(':') + 1), nullptr, 16);
      if (remote_port == port && own_inodes.count(inode) != 0) ++count;
    }
  }
  return count;
}

}  // namespace durabletask::testing
