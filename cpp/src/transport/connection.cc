#include "transport/connection.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "common/logging.h"

namespace durabletask::internal {
namespace {

thread_local const Connection* current_callback_connection = nullptr;

std::mutex& AlarmHandover() {
  static std::mutex* handover = new std::mutex();  // never destroyed: alarms may fire at exit
  return *handover;
}

// gRPC serves the callback API of every channel from one process-wide completion queue
// that is reference counted by the channels using it. When the last such channel goes,
// gRPC shuts the queue down and joins its threads; if that happens on one of those
// threads (a channel released from a completion callback) or races a new channel
// starting up, gRPC aborts ("assertion failed: prior > 0"). Clients come and go all the
// time here, so one channel that has made a callback-API call is kept for the life of
// the process, from the first use of the queue by this library on: the count never
// reaches zero and the queue is never torn down.
// The anchor's only call targets a local socket path with an already-expired deadline,
// so it does no network I/O.
// The anchor stays reachable through a static pointer, so that leak checkers run by us
// and by programs embedding the library see it as the process-lifetime object it is,
// not as memory lost. The pointer is volatile because nothing reads it: the compiler
// would otherwise drop it.
struct CallbackQueueAnchor {
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<::TaskHubSidecarService::Stub> stub;
  grpc::ClientContext context;
  ::google::protobuf::Empty request;
  ::google::protobuf::Empty response;
};

}  // namespace

void AnchorCallbackQueue() {
  static CallbackQueueAnchor* volatile anchor = [] {
    auto* created = new CallbackQueueAnchor();
    created->channel = grpc::CreateChannel("unix:/nonexistent/durabletask-callback-anchor",
                                           grpc::InsecureChannelCredentials());
    created->stub = ::TaskHubSidecarService::NewStub(created->channel);
    created->context.set_deadline(std::chrono::system_clock::now());
    created->stub->async()->Hello(&created->context, &created->request, &created->response,
                                  [](grpc::Status) {});
    return created;
  }();
  (void)anchor;
}

bool IsPastDeadline(const Deadline& deadline) {
  return deadline && Clock::now() >= *deadline;
}

void PostToLibraryThread(std::function<void()> action) {
  auto alarm = std::make_shared<grpc::Alarm>();
  SetAlarm(*alarm, std::chrono::system_clock::now(),
           [alarm, action = std::move(action)](bool) mutable {
             action();
             // Releasing the alarm inside its own callback is allowed: gRPC holds a
             // reference while the callback runs.
             alarm.reset();
           });
}

void SetAlarm(grpc::Alarm& alarm, std::chrono::system_clock::time_point deadline,
              std::function<void(bool)> callback) {
  AnchorCallbackQueue();
  std::function<void(bool)> entry = [callback = std::move(callback)](bool fired) {
    { std::lock_guard<std::mutex> handover(AlarmHandover()); }
    callback(fired);
  };
  // Not held across Set, in case gRPC runs the callback on this thread before returning.
  { std::lock_guard<std::mutex> handover(AlarmHandover()); }
  alarm.Set(deadline, std::move(entry));
}

Connection::~Connection() { Close(); }

Deadline Connection::ResolveDeadline(const Deadline& deadline,
                                     std::chrono::milliseconds timeout) const {
  Deadline resolved = deadline;
  if (timeout.count() > 0) {
    TimePoint by_timeout = Clock::now() + timeout;
    if (!resolved || by_timeout < *resolved) resolved = by_timeout;
  }
  if (!resolved && settings_.default_deadline.count() > 0) {
    resolved = Clock::now() + settings_.default_deadline;
  }
  return resolved;
}

Status Connection::PrepareContext(grpc::ClientContext* context, const Deadline& deadline) const {
  if (deadline) context->set_deadline(*deadline);
  if (!settings_.task_hub.empty()) context->AddMetadata("taskhub", settings_.task_hub);
  if (settings_.user_agent) context->AddMetadata("x-user-agent", *settings_.user_agent);
  if (settings_.token_cache) {
    Result<std::string> authorization = settings_.token_cache->Get();
    if (!authorization.ok()) return authorization.status();
    context->AddMetadata("authorization", *authorization);
  } else if (!settings_.static_authorization.empty()) {
    context->AddMetadata("authorization", settings_.static_authorization);
  }
  return Status::Ok();
}

Status Connection::MapStatus(RpcId rpc, const grpc::Status& status,
                             const std::string& subject) const {
  if (status.ok()) return Status::Ok();
  std::string message = std::string(RpcName(rpc)) + " failed";
  if (!subject.empty()) message += " for " + subject;
  if (!settings_.task_hub.empty()) message += " in task hub '" + settings_.task_hub + "'";
  if (!status.error_message().empty()) message += ": " + status.error_message();
  return Status(static_cast<StatusCode>(status.error_code()), std::move(message));
}

std::chrono::milliseconds Connection::Backoff(int retry) const {
  const RetryPolicy& policy = settings_.retry;
  double scaled = static_cast<double>(policy.initial_backoff.count()) *
                  std::pow(policy.backoff_multiplier, std::max(0, retry - 1));
  double capped = std::min(scaled, static_cast<double>(policy.max_backoff.count()));
  return std::chrono::milliseconds(static_cast<long long>(capped));
}

bool Connection::Register(InflightCall* call) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (closed_) return false;
  call->previous_ = nullptr;
  call->next_ = inflight_;
  if (inflight_ != nullptr) inflight_->previous_ = call;
  inflight_ = call;
  ++inflight_count_;
  return true;
}

void Connection::Unregister(InflightCall* call) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (call->previous_ != nullptr) {
    call->previous_->next_ = call->next_;
  } else {
    inflight_ = call->next_;
  }
  if (call->next_ != nullptr) call->next_->previous_ = call->previous_;
  call->previous_ = call->next_ = nullptr;
  if (--inflight_count_ == 0 && drained_) drained_->notify_all();
}

void Connection::Close() {
  std::vector<std::shared_ptr<InflightCall>> calls;
  std::unique_lock<std::mutex> lock(mutex_);
  if (!closed_ && LogEnabled(LogLevel::kDebug)) {
    Log(LogLevel::kDebug, "client",
        "closing a client of task hub '" + settings_.task_hub + "' with " +
            std::to_string(inflight_count_) + " calls in flight");
  }
  closed_ = true;
  // A registered call is alive (it unregisters before it is released), so it can be
  // retained here and cancelled after the lock is dropped.
  for (InflightCall* call = inflight_; call != nullptr; call = call->next_) {
    calls.push_back(call->shared_from_this());
  }
  lock.unlock();
  for (const auto& call : calls) call->Cancel();
  calls.clear();
  lock.lock();
  // Closed from inside one of its own completion callbacks, the connection must not
  // wait: gRPC may queue the cancelled calls' completions on this very thread, behind
  // the callback that is waiting. Those completions then run after Close() returns.
  if (current_callback_connection == this || inflight_count_ + posted_count_ == 0) return;
  if (!drained_) drained_ = std::make_unique<std::condition_variable>();
  drained_->wait(lock, [this] { return inflight_count_ + posted_count_ == 0; });
}

void Connection::PostCompletion(std::function<void()> action) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    ++posted_count_;
  }
  PostToLibraryThread([self = shared_from_this(), action = std::move(action)] {
    {
      CallbackScope scope(self.get());
      action();
    }
    std::lock_guard<std::mutex> lock(self->mutex_);
    --self->posted_count_;
    if (self->drained_) self->drained_->notify_all();
  });
}

bool Connection::closed() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return closed_;
}

Status Connection::ClosedStatus() const {
  return Status(StatusCode::kFailedPrecondition,
                "the client of task hub '" + settings_.task_hub + "' is closed");
}

Connection::CallbackScope::CallbackScope(const Connection* connection)
    : previous_(current_callback_connection) {
  current_callback_connection = connection;
}

Connection::CallbackScope::~CallbackScope() { current_callback_connection = previous_; }

}  // namespace durabletask::internal
