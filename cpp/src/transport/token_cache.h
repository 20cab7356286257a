// Caches a bearer token and refreshes it ahead of expiry, one refresh at a time.
#ifndef DURABLETASK_SRC_TRANSPORT_TOKEN_CACHE_H_
#define DURABLETASK_SRC_TRANSPORT_TOKEN_CACHE_H_

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>

#include "durabletask/options.h"

namespace durabletask::internal {

// Thread safety: Get() may be called from any number of threads; while one thread runs
// the provider, the others needing a fresh token wait for its answer instead of calling
// the provider themselves.
class TokenCache {
 public:
  TokenCache(TokenProvider provider, std::chrono::milliseconds refresh_margin)
      : provider_(std::move(provider)), refresh_margin_(refresh_margin) {}

  // The `authorization` header value ("Bearer ...").
  Result<std::string> Get();

  int refresh_count() const;

 private:
  TokenProvider provider_;
  std::chrono::milliseconds refresh_margin_;
  mutable std::mutex mutex_;
  std::condition_variable refreshed_;
  std::optional<AccessToken> token_;
  bool refreshing_ = false;
  // Bumped after every refresh, so waiters know that an answer arrived.
  int refresh_count_ = 0;
  Status last_error_;
};

}  // namespace durabletask::internal

#endif  // DURABLETASK_SRC_TRANSPORT_TOKEN_CACHE_H_
