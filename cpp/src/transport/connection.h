// One client's view of the transport: a leased channel plus what travels with every call
// (task hub, token, user agent), deadlines, retries on UNAVAILABLE, re-issued long polls,
// cancellation, and the set of calls in flight so that closing can cancel them.
#ifndef DURABLETASK_SRC_TRANSPORT_CONNECTION_H_
#define DURABLETASK_SRC_TRANSPORT_CONNECTION_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include <grpcpp/alarm.h>
#include <grpcpp/grpcpp.h>

#include "durabletask/cancellation.h"
#include "durabletask/options.h"
#include "durabletask/status.h"
#include "transport/channel_pool.h"
#include "transport/metrics.h"
#include "transport/rpc.h"
#include "transport/token_cache.h"

namespace durabletask::internal {

using Deadline = std::optional<TimePoint>;

// What a call is about, for error messages ("event 'tick' to instance 'abc'"), and how it
// is retried. The description is made from the request, and only when a call fails: a
// successful call never builds the text.
template <typename Request>
struct CallPolicy {
  std::string (*describe)(const Request& request) = nullptr;
  // Long polls: a DEADLINE_EXCEEDED before the caller's own deadline means the server
  // ended the poll early, so the call is issued again.
  bool reissue_on_server_deadline = false;
};

// A call in flight that Close() can cancel. Calls are shared objects: Close() holds a
// reference while it cancels one, outside any lock, because gRPC may run the call's
// completion inline in TryCancel().
class InflightCall : public std::enable_shared_from_this<InflightCall> {
 public:
  virtual ~InflightCall() = default;
  // Must not hold a lock of its own while it calls into gRPC.
  virtual void Cancel() = 0;

 private:
  friend class Connection;
  InflightCall* previous_ = nullptr;
  InflightCall* next_ = nullptr;
};

// The per-call settings of one client.
struct CallSettings {
  std::string task_hub;
  // Shared between clients: one copy per distinct suffix instead of one per client.
  std::shared_ptr<const std::string> user_agent;
  std::string static_authorization;  // "Bearer ..." or empty
  std::shared_ptr<TokenCache> token_cache;
  RetryPolicy retry;
  std::chrono::milliseconds default_deadline{0};
};

// Thread safety: every method may be called from any thread.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(ChannelLease lease, CallSettings settings, std::shared_ptr<Metrics> metrics)
      : lease_(std::move(lease)), settings_(std::move(settings)), metrics_(std::move(metrics)) {}
  ~Connection();

  const std::string& task_hub() const { return settings_.task_hub; }
  StubInterface* stub() const { return lease_.stub(); }
  Metrics* metrics() const { return metrics_.get(); }

  // The deadline of a call given the caller's options and the client's default.
  Deadline ResolveDeadline(const Deadline& deadline, std::chrono::milliseconds timeout) const;

  // Adds deadline and per-call headers to a fresh context.
  Status PrepareContext(grpc::ClientContext* context, const Deadline& deadline) const;

  // A readable error for a finished call; `subject` says what the call was about.
  Status MapStatus(RpcId rpc, const grpc::Status& status, const std::string& subject) const;

  // The outcome of a finished call of `Rpc`: OK, or the error described from `request`.
  template <typename Rpc>
  Status Outcome(const grpc::Status& status, const CallPolicy<typename Rpc::Request>& policy,
                 const typename Rpc::Request& request) const {
    if (status.ok()) return Status::Ok();
    return MapStatus(Rpc::kId, status, policy.describe ? policy.describe(request) : std::string());
  }

  // Backoff before retry number `retry` (1-based).
  std::chrono::milliseconds Backoff(int retry) const;

  const RetryPolicy& retry_policy() const { return settings_.retry; }

  // Registers a call so that Close() can cancel it. Fails once closed.
  bool Register(InflightCall* call);
  void Unregister(InflightCall* call);

  // Cancels every call in flight and waits until they have unregistered and every posted
  // completion has run. Later calls fail with kFailedPrecondition. Called from a
  // completion callback of this connection, it cancels without waiting (the remaining
  // callbacks run after it returns).
  void Close();
  bool closed() const;

  Status ClosedStatus() const;

  // Runs `action` soon on a gRPC thread as a completion of this connection. Close() waits
  // for it as for a call in flight, also when it is posted after closing, so a callback
  // that failed before anything was sent still runs before the client is gone.
  void PostCompletion(std::function<void()> action);

  // Marks the current thread as running a completion callback of this connection.
  class CallbackScope {
   public:
    explicit CallbackScope(const Connection* connection);
    ~CallbackScope();

   private:
    const Connection* previous_;
  };

  template <typename Rpc>
  Status Unary(const typename Rpc::Request& request, typename Rpc::Response* response,
               const Deadline& caller_deadline, const CancellationToken& cancellation,
               const CallPolicy<typename Rpc::Request>& policy);

  // `done(Status, Response&)` runs exactly once, on a gRPC thread. It is kept inside the
  // call object, so a callable of any type costs no allocation of its own.
  template <typename Rpc, typename Done>
  void UnaryAsync(typename Rpc::Request&& request, const Deadline& caller_deadline,
                  const CancellationToken& cancellation,
                  CallPolicy<typename Rpc::Request> policy, Done done);

 private:
  ChannelLease lease_;
  CallSettings settings_;
  std::shared_ptr<Metrics> metrics_;

  mutable std::mutex mutex_;
  // Made by the first Close() that has to wait for calls: most connections never do, and
  // every client has one.
  std::unique_ptr<std::condition_variable> drained_;
  InflightCall* inflight_ = nullptr;
  int inflight_count_ = 0;
  int posted_count_ = 0;
  bool closed_ = false;
};

bool IsPastDeadline(const Deadline& deadline);

// Keeps gRPC's process-wide callback queue alive from the first callback-API use on
// (see the definition). Called before anything of ours uses that queue; a program that
// only makes blocking calls never creates it and pays nothing for it.
void AnchorCallbackQueue();

// Runs `action` soon on a gRPC thread. Non-blocking calls use it to report early
// failures without running the callback on the caller's thread.
void PostToLibraryThread(std::function<void()> action);

// Sets `alarm` to run `callback` at `deadline` on a gRPC thread. gRPC hands the callback
// over between threads where ThreadSanitizer cannot see it; a mutex taken once the
// callback is built and again before it touches anything makes that ordering visible.
void SetAlarm(grpc::Alarm& alarm, std::chrono::system_clock::time_point deadline,
              std::function<void(bool)> callback);

// ---------------------------------------------------------------------------------------
// Blocking calls.

// A blocking call's registration: cancelling it cancels the gRPC context and wakes a
// backoff sleep.
class SyncCall final : public InflightCall {
 public:
  // A blocking call has no completion callback, so cancelling under its lock is safe.
  void Cancel() override {
    std::lock_guard<std::mutex> lock(mutex);
    cancelled = true;
    if (context != nullptr) context->TryCancel();
    wakeup.notify_all();
  }

  std::mutex mutex;
  std::condition_variable wakeup;
  grpc::ClientContext* context = nullptr;
  // Written under `mutex`; atomic because the calling thread also reads it without.
  std::atomic<bool> cancelled{false};
};

template <typename Rpc>
Status Connection::Unary(const typename Rpc::Request& request, typename Rpc::Response* response,
                         const Deadline& caller_deadline, const CancellationToken& cancellation,
                         const CallPolicy<typename Rpc::Request>& policy) {
  auto shared_call = std::make_shared<SyncCall>();
  SyncCall& call = *shared_call;
  if (!Register(&call)) return ClosedStatus();
  std::uint64_t registration = cancellation.Register([&call] { call.Cancel(); });

  Status result;
  int attempt = 0;
  for (;;) {
    ++attempt;
    if (call.cancelled || cancellation.IsCancelled()) {
      result = Outcome<Rpc>(grpc::Status(grpc::StatusCode::CANCELLED, "cancelled"), policy, request);
      break;
    }
    if (IsPastDeadline(caller_deadline)) {
      result = Outcome<Rpc>(grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED, "deadline exceeded"),
                            policy, request);
      break;
    }

    grpc::ClientContext context;
    if (Status prepared = PrepareContext(&context, caller_deadline); !prepared.ok()) {
      result = prepared;
      break;
    }
    {
      std::lock_guard<std::mutex> lock(call.mutex);
      if (call.cancelled) continue;
      call.context = &context;
    }
    grpc::Status status = Rpc::Call(stub(), &context, request, response);
    {
      std::lock_guard<std::mutex> lock(call.mutex);
      call.context = nullptr;
    }

    bool cancelled = call.cancelled || cancellation.IsCancelled();
    if (status.error_code() == grpc::StatusCode::UNAVAILABLE && !cancelled &&
        attempt < settings_.retry.max_attempts) {
      std::chrono::milliseconds backoff = Backoff(attempt);
      auto wake = std::chrono::steady_clock::now() + backoff;
      if (caller_deadline && *caller_deadline < Clock::now() + backoff) {
        result = Outcome<Rpc>(status, policy, request);
        break;
      }
      if (metrics_) metrics_->Retry();
      std::unique_lock<std::mutex> lock(call.mutex);
      call.wakeup.wait_until(lock, wake, [&call] { return call.cancelled.load(); });
      continue;
    }
    if (status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED &&
        policy.reissue_on_server_deadline && !cancelled && !IsPastDeadline(caller_deadline)) {
      attempt = 0;
      continue;
    }
    if (cancelled && status.error_code() != grpc::StatusCode::OK) {
      status = grpc::Status(grpc::StatusCode::CANCELLED, "cancelled");
    }
    result = Outcome<Rpc>(status, policy, request);
    break;
  }

  cancellation.Unregister(registration);
  if (metrics_) metrics_->CallFinished(Rpc::kId, result.code());
  Unregister(&call);
  return result;
}

// ---------------------------------------------------------------------------------------
// Non-blocking calls, on gRPC's callback API. The call object keeps itself alive and is
// released after its completion callback has run. It holds the request, the response
// and the caller's callable in one allocation.

template <typename Rpc, typename Done>
class AsyncUnaryCall final : public InflightCall {
 public:
  using Request = typename Rpc::Request;
  using Response = typename Rpc::Response;

  // The request is moved in once: a protobuf move is a swap plus an empty message.
  AsyncUnaryCall(std::shared_ptr<Connection> connection, Request&& request, Deadline deadline,
                 CancellationToken cancellation, CallPolicy<Request> policy, Done done)
      : connection_(std::move(connection)), request_(std::move(request)),
        deadline_(deadline), cancellation_(std::move(cancellation)),
        policy_(policy), done_(std::move(done)) {}

  // The call keeps itself alive until its completion callback has run.
  void Start(std::shared_ptr<AsyncUnaryCall> self) {
    self_ = std::move(self);
    if (!connection_->Register(this)) {
      // Nothing was sent; report on a gRPC thread as promised, through an alarm.
      Status closed = connection_->ClosedStatus();
      connection_->PostCompletion([this, closed] { Finish(closed, /*registered=*/false); });
      return;
    }
    registration_ = cancellation_.Register([this] { Cancel(); });
    Attempt();
  }

  void Cancel() override {
    std::shared_ptr<InflightCall> keep_alive = shared_from_this();
    grpc::ClientContext* context;
    std::shared_ptr<grpc::ClientContext> keep_context;
    std::shared_ptr<grpc::Alarm> alarm;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      cancelled_ = true;
      context = context_;
      keep_context = later_context_;
      alarm = alarm_;
    }
    if (context != nullptr) context->TryCancel();
    if (alarm) alarm->Cancel();
  }

 private:
  // Entry points that gRPC runs on its own threads (Attempt from an alarm, OnDone,
  // Finish through an alarm) take mutex_ before they touch anything: gRPC's internal
  // ordering is invisible to ThreadSanitizer, the mutex is not.
  void Attempt() {
    // Early failures complete through an alarm, so the callback never runs on the
    // thread that started the call. Cancellation wins over the deadline, and both over
    // a failure to prepare the headers.
    bool past_deadline = IsPastDeadline(deadline_);
    grpc::ClientContext* context = nullptr;
    std::shared_ptr<grpc::ClientContext> later_context;
    Status prepared;
    if (!past_deadline) {
      // A context serves one attempt only. The first lives inside the call object; a
      // retry's is shared, so that a Cancel() still using the previous one keeps it.
      if (!first_context_) {
        context = &first_context_.emplace();
      } else {
        later_context = std::make_shared<grpc::ClientContext>();
        context = later_context.get();
      }
      prepared = connection_->PrepareContext(context, deadline_);
    }
    bool cancelled;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      ++attempt_;
      cancelled = cancelled_ || cancellation_.IsCancelled();
      // From here on a Cancel() finds the context and cancels the call in gRPC.
      if (!cancelled && !past_deadline && prepared.ok()) {
        context_ = context;
        later_context_ = std::move(later_context);
      }
    }
    if (cancelled) {
      FinishSoon(connection_->Outcome<Rpc>(grpc::Status(grpc::StatusCode::CANCELLED, "cancelled"),
                                           policy_, request_));
    } else if (past_deadline) {
      FinishSoon(connection_->Outcome<Rpc>(
          grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED, "deadline exceeded"), policy_,
          request_));
    } else if (!prepared.ok()) {
      FinishSoon(std::move(prepared));
    } else {
      Rpc::Start(connection_->stub(), context, &request_, &response_,
                 [this](grpc::Status status) { OnDone(std::move(status)); });
    }
  }

  void OnDone(grpc::Status status) {
    bool cancelled;
    int attempt;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      cancelled = cancelled_ || cancellation_.IsCancelled();
      attempt = attempt_;
    }
    if (status.error_code() == grpc::StatusCode::UNAVAILABLE && !cancelled &&
        attempt < connection_->retry_policy().max_attempts) {
      std::chrono::milliseconds backoff = connection_->Backoff(attempt);
      if (!deadline_ || Clock::now() + backoff < *deadline_) {
        if (connection_->metrics()) connection_->metrics()->Retry();
        std::lock_guard<std::mutex> lock(mutex_);
        alarm_ = std::make_shared<grpc::Alarm>();
        SetAlarm(*alarm_, std::chrono::system_clock::now() + backoff, [this](bool fired) {
          if (!fired) {
            std::lock_guard<std::mutex> lock(mutex_);
            cancelled_ = true;
          }
          Attempt();
        });
        return;
      }
    }
    if (status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED &&
        policy_.reissue_on_server_deadline && !cancelled && !IsPastDeadline(deadline_)) {
      {
        std::lock_guard<std::mutex> lock(mutex_);
        attempt_ = 0;
      }
      Attempt();
      return;
    }
    if (cancelled && !status.ok()) status = grpc::Status(grpc::StatusCode::CANCELLED, "cancelled");
    Finish(connection_->Outcome<Rpc>(status, policy_, request_));
  }

  void FinishSoon(Status status) {
    auto alarm = std::make_shared<grpc::Alarm>();
    {
      std::lock_guard<std::mutex> lock(mutex_);
      alarm_ = alarm;
    }
    // Not under mutex_: the alarm is due at once and its Finish may release this call on
    // another thread before Set returns, so nothing of the call is touched after it.
    SetAlarm(*alarm, std::chrono::system_clock::now(),
             [this, status = std::move(status)](bool) { Finish(status); });
  }

  void Finish(Status status, bool registered = true) {
    if (registered) cancellation_.Unregister(registration_);
    if (connection_->metrics()) connection_->metrics()->CallFinished(Rpc::kId, status.code());
    {
      Connection::CallbackScope scope(connection_.get());
      done_(std::move(status), response_);
    }
    if (registered) connection_->Unregister(this);
    // Dropping the alarm inside its own callback is allowed by gRPC (it holds a
    // reference while the callback runs).
    std::shared_ptr<AsyncUnaryCall> self = std::move(self_);
  }

  std::shared_ptr<Connection> connection_;
  Request request_;
  Response response_;
  Deadline deadline_;
  CancellationToken cancellation_;
  CallPolicy<Request> policy_;
  Done done_;

  std::shared_ptr<AsyncUnaryCall> self_;
  std::mutex mutex_;
  // The context of the attempt in flight: first_context_, or later_context_ for a retry.
  grpc::ClientContext* context_ = nullptr;
  std::optional<grpc::ClientContext> first_context_;
  std::shared_ptr<grpc::ClientContext> later_context_;
  std::shared_ptr<grpc::Alarm> alarm_;
  bool cancelled_ = false;
  int attempt_ = 0;
  std::uint64_t registration_ = 0;
};

template <typename Rpc, typename Done>
void Connection::UnaryAsync(typename Rpc::Request&& request, const Deadline& caller_deadline,
                            const CancellationToken& cancellation,
                            CallPolicy<typename Rpc::Request> policy, Done done) {
  AnchorCallbackQueue();
  auto call = std::make_shared<AsyncUnaryCall<Rpc, Done>>(
      shared_from_this(), std::move(request), caller_deadline, cancellation, policy,
      std::move(done));
  call->Start(call);
}

}  // namespace durabletask::internal

#endif  // DURABLETASK_SRC_TRANSPORT_CONNECTION_H_
