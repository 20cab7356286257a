// A GoogleTest environment that starts one multi-hub sidecar for the whole test binary.
#ifndef DURABLETASK_TESTS_SUPPORT_SIDECAR_ENVIRONMENT_H_
#define DURABLETASK_TESTS_SUPPORT_SIDECAR_ENVIRONMENT_H_

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "durabletask/durabletask.h"
#include "sidecar_process.h"

namespace durabletask::testing {

// Hubs with a worker from the start; hubs named "load-..." are created on first use.
inline const std::vector<std::string>& SidecarHubs() {
  static const std::vector<std::string> hubs = {"alpha", "beta", "gamma", "default"};
  return hubs;
}
inline const char* kLoadHubPrefix = "load-";

class SidecarEnvironment : public ::testing::Environment {
 public:
  void SetUp() override;
  void TearDown() override;

  static const std::string& Address();
  static int Port();
};

// Options for a client of `hub` on the shared sidecar.
ClientOptions OptionsFor(const std::string& hub);
std::unique_ptr<Client> ClientFor(const std::string& hub);

// Polls `condition` until it holds or `timeout` passes.
bool Eventually(const std::function<bool()>& condition,
                std::chrono::milliseconds timeout = std::chrono::seconds(20));

}  // namespace durabletask::testing

#endif  // DURABLETASK_TESTS_SUPPORT_SIDECAR_ENVIRONMENT_H_
