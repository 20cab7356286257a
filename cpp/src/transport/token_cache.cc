#include "transport/token_cache.h"

#include "common/logging.h"
#include "common/text.h"

namespace durabletask::internal {

Result<std::string> TokenCache::Get() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    auto now = Clock::now();
    if (token_ && now + refresh_margin_ < token_->expires_at) return "Bearer " + token_->token;
    if (!refreshing_) break;

    int seen = refresh_count_;
    refreshed_.wait(lock, [&] { return refresh_count_ != seen; });
    if (!last_error_.ok()) return last_error_;
    // A token that expires inside the margin is still better than none once refreshed.
    if (token_ && Clock::now() < token_->expires_at) return "Bearer " + token_->token;
  }

  refreshing_ = true;
  lock.unlock();
  Result<AccessToken> fresh = provider_
                                  ? provider_()
                                  : Result<AccessToken>(Status(StatusCode::kUnauthenticated,
                                                               "no token provider"));
  if (fresh.ok() && (fresh->token.empty() || !IsHeaderSafe(fresh->token))) {
    fresh = Status(StatusCode::kUnauthenticated,
                   "token provider returned an empty or malformed token");
  }
  lock.lock();

  refreshing_ = false;
  ++refresh_count_;
  if (fresh.ok()) {
    token_ = fresh.value();
    last_error_ = Status::Ok();
  } else {
    last_error_ = Status(fresh.status().code() == StatusCode::kOk ? StatusCode::kUnauthenticated
                                                                  : fresh.status().code(),
                         "token refresh failed: " + fresh.status().message());
  }
  refreshed_.notify_all();

  if (!fresh.ok()) {
    Log(LogLevel::kWarning, "token", last_error_.message());
    return last_error_;
  }
  Log(LogLevel::kDebug, "token", "refreshed the bearer token");
  return "Bearer " + token_->token;
}

int TokenCache::refresh_count() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return refresh_count_;
}

}  // namespace durabletask::internal
