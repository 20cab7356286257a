#include "durabletask/cancellation.h"

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

namespace durabletask {
namespace internal {

// Registrations live in slots that are reused, so that registering and unregistering a
// callback, which every call with a cancellation does, allocates nothing once the slots
// have grown to the number of calls in flight. An id is the slot's index and its
// generation, so a stale id never reaches a slot's later tenant.
class CancellationState {
 public:
  bool IsCancelled() const { return cancelled_.load(std::memory_order_acquire); }

  std::uint64_t Register(std::function<void()> callback) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!cancelled_.load(std::memory_order_relaxed)) {
        std::uint32_t index;
        if (free_.empty()) {
          index = static_cast<std::uint32_t>(slots_.size());
          slots_.emplace_back();
        } else {
          index = free_.back();
          free_.pop_back();
        }
        Slot& slot = slots_[index];
        if (++slot.generation == 0) slot.generation = 1;  // ids are never 0
        slot.callback = std::move(callback);
        slot.active = true;
        return (static_cast<std::uint64_t>(slot.generation) << 32) | index;
      }
    }
    callback();
    return 0;
  }

  void Unregister(std::uint64_t id) {
    auto index = static_cast<std::uint32_t>(id & 0xFFFFFFFFu);
    auto generation = static_cast<std::uint32_t>(id >> 32);
    std::function<void()> released;
    std::unique_lock<std::mutex> lock(mutex_);
    if (index < slots_.size() && slots_[index].active && slots_[index].generation == generation) {
      Slot& slot = slots_[index];
      slot.active = false;
      released = std::move(slot.callback);
      slot.callback = nullptr;
      free_.push_back(index);
      lock.unlock();
      return;  // `released` is destroyed outside the lock
    }
    // The callback may be running now on the cancelling thread: wait it out, unless this
    // is that thread (a callback unregistering itself or a sibling).
    if (dispatching_ && dispatcher_ != std::this_thread::get_id()) {
      dispatched_.wait(lock, [this] { return !dispatching_; });
    }
  }

  void Cancel() {
    std::vector<Slot> slots;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (cancelled_.load(std::memory_order_relaxed)) return;
      cancelled_.store(true, std::memory_order_release);
      dispatching_ = true;
      dispatcher_ = std::this_thread::get_id();
      slots.swap(slots_);
      free_.clear();
    }
    for (Slot& slot : slots) {
      if (slot.active) slot.callback();
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      dispatching_ = false;
    }
    dispatched_.notify_all();
  }

 private:
  struct Slot {
    std::uint32_t generation = 0;
    bool active = false;
    std::function<void()> callback;
  };

  std::mutex mutex_;
  std::condition_variable dispatched_;
  // Written under mutex_; read without it by IsCancelled, which every call asks.
  std::atomic<bool> cancelled_{false};
  bool dispatching_ = false;
  std::thread::id dispatcher_;
  std::vector<Slot> slots_;
  std::vector<std::uint32_t> free_;
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
