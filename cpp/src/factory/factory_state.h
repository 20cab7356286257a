// The shared state behind a factory and a provider: the transport choice, named
// configuration, the channel pool, the client profiles and the metrics.
#ifndef DURABLETASK_SRC_FACTORY_FACTORY_STATE_H_
#define DURABLETASK_SRC_FACTORY_FACTORY_STATE_H_

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "client/client_core.h"
#include "durabletask/factory.h"
#include "transport/channel_pool.h"
#include "transport/metrics.h"

namespace durabletask::internal {

// The configuration a builder collects; copied into the factory it builds.
struct FactoryConfiguration {
  bool transport_configured = false;
  ClientOptions base;
  std::vector<ConfigureOptions> for_all;
  std::map<std::string, std::vector<ConfigureOptions>> for_name;
  std::chrono::milliseconds channel_idle_timeout = std::chrono::seconds(30);
};

// Thread safety: every method may be called from any thread.
class FactoryState {
 public:
  explicit FactoryState(FactoryConfiguration configuration);

  // Composes options in the documented order and applies the name-as-hub rule.
  Result<ClientOptions> Compose(const std::string& name, const ConfigureOptions* extra) const;
  Result<std::shared_ptr<ClientCore>> CreateCore(const std::string& name,
                                                 const ConfigureOptions* extra);

  void AddForAll(ConfigureOptions configure);
  void AddForName(const std::string& name, ConfigureOptions configure);

  const std::shared_ptr<Metrics>& metrics() const { return metrics_; }
  const std::shared_ptr<ChannelPool>& pool() const { return pool_; }

 private:
  mutable std::mutex mutex_;
  FactoryConfiguration configuration_;
  std::shared_ptr<Metrics> metrics_;
  std::shared_ptr<ChannelPool> pool_;
  ProfileTable profiles_;
};

}  // namespace durabletask::internal

#endif  // DURABLETASK_SRC_FACTORY_FACTORY_STATE_H_
