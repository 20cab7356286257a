// What a Client object points at: its name, its composed options and its connection.
#ifndef DURABLETASK_SRC_CLIENT_CLIENT_CORE_H_
#define DURABLETASK_SRC_CLIENT_CLIENT_CORE_H_

#include <memory>
#include <string>

#include "durabletask/options.h"
#include "transport/channel_pool.h"
#include "transport/connection.h"
#include "transport/metrics.h"

namespace durabletask::internal {

class ClientCore {
 public:
  // Validates the options and leases a channel from `pool`; no network I/O.
  static Result<std::shared_ptr<ClientCore>> Create(std::string name, ClientOptions options,
                                                    const std::shared_ptr<ChannelPool>& pool,
                                                    std::shared_ptr<Metrics> metrics);
  ~ClientCore();

  const std::string& name() const { return name_; }
  const ClientOptions& options() const { return options_; }
  const std::shared_ptr<Connection>& connection() const { return connection_; }
  size_t payload_limit() const { return payload_limit_; }

  void Close() { connection_->Close(); }

 protected:
  ClientCore() = default;

 private:
  std::string name_;
  ClientOptions options_;
  std::shared_ptr<Connection> connection_;
  std::shared_ptr<Metrics> metrics_;
  size_t payload_limit_ = 0;
};

}  // namespace durabletask::internal

#endif  // DURABLETASK_SRC_CLIENT_CLIENT_CORE_H_
