// What a Client object points at: its connection, name, task hub and options.
#ifndef DURABLETASK_SRC_CLIENT_CLIENT_CORE_H_
#define DURABLETASK_SRC_CLIENT_CLIENT_CORE_H_

#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "durabletask/options.h"
#include "transport/channel_pool.h"
#include "transport/connection.h"
#include "transport/metrics.h"

namespace durabletask::internal {

// What the clients of one set of options share: the options apart from the task hub
// (which is empty here), and what is derived from them once for all those clients: the
// channel settings and their key, and the user agent. Clients whose options differ only
// in the task hub share one profile, so that strings such as the TLS material are held
// once instead of once per client, and a client for a new task hub skips the work of
// validating and deriving again what an earlier client's profile already holds.
struct Profile {
  ClientOptions options;
  ChannelSettings channel;
  std::string channel_key;
  std::shared_ptr<const std::string> user_agent;
};
using ClientProfile = std::shared_ptr<const Profile>;

// Checks what ValidateOptions checks of a task hub name alone.
Status ValidateTaskHub(const std::string& task_hub);

// Hands out one profile per distinct set of options, for as long as a client uses it.
// Options with a token provider get a profile of their own: providers cannot be compared.
//
// Thread safety: every method may be called from any thread.
class ProfileTable {
 public:
  // A key that is equal exactly when two options are, the task hub and the token
  // provider left out.
  static std::string Key(const ClientOptions& options);
  // The same, written into `key` (whose room is reused).
  static void KeyInto(const ClientOptions& options, std::string* key);

  // The live profile made for options with this key, or null.
  ClientProfile Find(const std::string& key) const;

  // The shared profile of `options`, whose task hub must be empty and which must be
  // valid (ValidateOptions): made and derived now, and kept unless a client already
  // holds one for these options (then that one is returned). Callers look first with
  // Find. `key` is Key(options) when the caller has it already, or empty.
  Result<ClientProfile> Intern(ClientOptions options, std::string key = std::string());

  // Profiles known to the table, including ones no client uses any more that have not
  // been pruned yet.
  size_t size() const;

 private:
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::weak_ptr<const Profile>> profiles_;
  size_t prune_at_ = 16;
};

// A client's state and its connection in one object, so that a client costs one heap
// block: the core is the connection, with the client's name and profile added. Calls in
// flight hold the connection, and with it the core, until their callbacks have run.
class ClientCore : public Connection {
 public:
  // Validates the options and leases a channel from `pool`; no network I/O. With
  // `profiles`, the options are shared with other clients of the same table.
  static Result<std::shared_ptr<ClientCore>> Create(std::string name, ClientOptions options,
                                                    const std::shared_ptr<ChannelPool>& pool,
                                                    std::shared_ptr<Metrics> metrics,
                                                    ProfileTable* profiles = nullptr);

  const std::string& name() const { return name_ ? *name_ : task_hub(); }
  // The options apart from the task hub, shared with other clients.
  const ClientOptions& profile() const { return profile_->options; }
  // The options as given, task hub included: a copy.
  ClientOptions options() const;
  Connection* connection() { return this; }
  size_t payload_limit() const;

 protected:
  ClientCore(ChannelLease lease, CallSettings settings, std::shared_ptr<Metrics> metrics)
      : Connection(std::move(lease), std::move(settings), std::move(metrics)) {}

 private:
  // Null when the name is the task hub, as for most clients (the factory's rule), so
  // that they do not hold the name twice nor pay for an empty string.
  std::unique_ptr<const std::string> name_;
  ClientProfile profile_;
};

}  // namespace durabletask::internal

#endif  // DURABLETASK_SRC_CLIENT_CLIENT_CORE_H_
