// Starts Microsoft's in-memory Durable Task sidecar (the .NET program in tests/sidecar)
// for a set of task hubs on one port, and stops it.
#ifndef DURABLETASK_TESTS_SUPPORT_SIDECAR_PROCESS_H_
#define DURABLETASK_TESTS_SUPPORT_SIDECAR_PROCESS_H_

#include <sys/types.h>

#include <string>
#include <vector>

namespace durabletask::testing {

class SidecarProcess {
 public:
  // `hubs` are created with a worker each; any hub named with `hub_prefix` is created
  // on first use.
  SidecarProcess(std::vector<std::string> hubs, std::string hub_prefix);
  ~SidecarProcess();

  // Builds the sidecar if its DLL is missing, starts it on a free port and waits for
  // its LISTENING line. Returns false with `error` set on failure.
  bool Start(std::string* error);
  void Stop();

  const std::string& address() const { return address_; }
  int port() const { return port_; }

 private:
  std::vector<std::string> hubs_;
  std::string hub_prefix_;
  pid_t pid_ = -1;
  int stdin_fd_ = -1;
  int stdout_fd_ = -1;
  std::string address_;
  int port_ = 0;
};

// Where the sidecar DLL is (DT_SIDECAR_DLL), building it with `dotnet build` from
// DT_SIDECAR_PROJECT when it is missing.
bool EnsureSidecarBuilt(std::string* dll, std::string* error);

// TCP connections this process holds, established, to 127.0.0.1:`port` (read from
// /proc, matching socket inodes against this process's descriptors).
int CountOwnConnectionsTo(int port);

}  // namespace durabletask::testing

#endif  // DURABLETASK_TESTS_SUPPORT_SIDECAR_PROCESS_H_
