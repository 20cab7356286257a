#include "durabletask/cancellation.h"

#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

namespace durabletask {
namespace internal {

class CancellationState {
 public:
  bool IsCancelled() {
    std::lock_guard<std::mutex> lock(mutex_);
    return cancelled_;
  }

  std::uint64_t Register(std::function<void()> callback) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!cancelled_) {
        std::uint64_t id = next_id_++;
        callbacks_.emplace(id, std::move(callback));
        return id;
      }
    }
    callback();
    return 0;
  }

  void Unregister(std::uint64_t id) {
    std::unique_lock<std::mutex> lock(mutex_);
    if (callbacks_.erase(id) != 0) return;
    // The callback may be running now on the cancelling thread: wait it out, unless this
    // is that thread (a callback unregistering itself or a sibling).
    if (dispatching_ && dispatcher_ != std::this_thread::get_id()) {
      dispatched_.wait(lock, [this] { return !dispatching_; });
    }
  }

  void Cancel() {
    std::map<std::uint64_t, std::function<void()>> callbacks;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (cancelled_) return;
      cancelled_ = true;
      dispatching_ = true;
      dispatcher_ = std::this_thread::get_id();
      callbacks.swap(callbacks_);
    }
    for (auto& [id, callback] : callbacks) {
      (void)id;
      callback();
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      dispatching_ = false;
    }
    dispatched_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable dispatched_;
  bool cancelled_ = false;
  bool dispatching_ = false;
  std::thread::id dispatcher_;
  std::uint64_t next_id_ = 1;
  std::map<std::uint64_t, std::function<void()>> callbacks_;
};

}  // namespace internal

bool CancellationToken::IsCancelled() const { return state_ && state_->IsCancelled(); }

std::uint64_t CancellationToken::Register(std::function<void()> callback) const {
  if (!state_) return 0;
  return state_->Register(std::move(callback));
}

void CancellationToken::Unregister(std::uint64_t id) const {
  if (state_ && id != 0) state_->Unregister(id);
}

CancellationSource::CancellationSource()
    : state_(std::make_shared<internal::CancellationState>()) {}

void CancellationSource::Cancel() { state_->Cancel(); }

bool CancellationSource::IsCancelled() const { return state_->IsCancelled(); }

}  // namespace durabletask
