// Cooperative cancellation of calls, blocking or not.
#ifndef DURABLETASK_CANCELLATION_H_
#define DURABLETASK_CANCELLATION_H_

#include <cstdint>
#include <functional>
#include <memory>

#include "durabletask/export.h"

namespace durabletask {

namespace internal {
class CancellationState;
}

// Observes a CancellationSource. A default-constructed token is never cancelled.
// Copies observe the same source.
//
// Thread safety: all members may be called from any thread.
class DT_API CancellationToken {
 public:
  CancellationToken() = default;

  bool IsCancelled() const;

  // Runs `callback` once when the source is cancelled (at once, on this thread, if it
  // already is). Returns an id for Unregister; 0 when the callback ran already or the
  // token can never be cancelled.
  std::uint64_t Register(std::function<void()> callback) const;

  // After Unregister returns, the callback is not running and will not run.
  void Unregister(std::uint64_t id) const;

 private:
  friend class CancellationSource;
  explicit CancellationToken(std::shared_ptr<internal::CancellationState> state)
      : state_(std::move(state)) {}
  std::shared_ptr<internal::CancellationState> state_;
};

// Owns a cancellation signal. Cancel() runs every registered callback once.
//
// Thread safety: all members may be called from any thread.
class DT_API CancellationSource {
 public:
  CancellationSource();
  CancellationToken token() const { return CancellationToken(state_); }
  void Cancel();
  bool IsCancelled() const;

 private:
  std::shared_ptr<internal::CancellationState> state_;
};

}  // namespace durabletask

#endif  // DURABLETASK_CANCELLATION_H_
