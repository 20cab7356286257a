#include "sidecar_environment.h"

#include <cstdlib>
#include <thread>

namespace durabletask::testing {
namespace {

SidecarProcess* running = nullptr;

}  // namespace

void SidecarEnvironment::SetUp() {
  running = new SidecarProcess(SidecarHubs(), kLoadHubPrefix);
  std::string error;
  if (!running->Start(&error)) {
    FAIL() << "could not start the sidecar: " << error;
  }
}

void SidecarEnvironment::TearDown() {
  delete running;
  running = nullptr;
}

const std::string& SidecarEnvironment::Address() {
  static const std::string empty;
  return running != nullptr ? running->address() : empty;
}

int SidecarEnvironment::Port() { return running != nullptr ? running->port() : 0; }

ClientOptions OptionsFor(const std::string& hub) {
  ClientOptions options;
  options.address = SidecarEnvironment::Address();
  options.task_hub = hub;
  options.default_deadline = std::chrono::seconds(30);
  return options;
}

std::unique_ptr<Client> ClientFor(const std::string& hub) {
  Result<std::unique_ptr<Client>> client = Client::Create(OptionsFor(hub));
  if (!client.ok()) {
    ADD_FAILURE() << client.status().ToString();
    return nullptr;
  }
  return std::move(client).value();
}

bool Eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
  auto give_up = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < give_up) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return condition();
}

}  // namespace durabletask::testing
