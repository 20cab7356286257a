// Orchestration history: a server stream, read blocking (HistoryStream) or collected
// through the callback API (GetHistoryAsync).
//
// Limitation: a history stream is not retried on UNAVAILABLE, because events already
// handed to the caller could be delivered twice; the caller sees the error instead.
#include <deque>

#include "client/client_core.h"
#include "client/codec.h"
#include "common/text.h"
#include "durabletask/client.h"
#include "transport/connection.h"

namespace durabletask {
namespace internal {
namespace {

// What a history call is about, for its error message; made only when it fails.
std::string Subject(const std::string& instance_id) { return "instance '" + instance_id + "'"; }

}  // namespace

class HistoryReader {
 public:
  HistoryReader(std::shared_ptr<ClientCore> core, std::string instance_id)
      : core_(std::move(core)), instance_id_(std::move(instance_id)),
        call_(std::make_shared<SyncCall>()) {
  }

  ~HistoryReader() {
    cancellation_.Unregister(registration_);
    if (reader_ && !finished_) {
      context_.TryCancel();
      ::HistoryChunk ignored;
      while (reader_->Read(&ignored)) {
      }
      reader_->Finish();
    }
    {
      std::lock_guard<std::mutex> lock(call_->mutex);
      call_->context = nullptr;
    }
    if (registered_) {
      core_->connection()->Unregister(call_.get());
      if (core_->connection()->metrics()) {
        core_->connection()->metrics()->CallFinished(RpcId::kStreamInstanceHistory, final_code_);
      }
    }
  }

  Status Open(const CallOptions& call) {
    Connection& connection = *core_->connection();
    if (Status s = CheckName("instance id", instance_id_); !s.ok()) return s;
    if (!connection.Register(call_.get())) return connection.ClosedStatus();
    registered_ = true;
    {
      std::lock_guard<std::mutex> lock(call_->mutex);
      call_->context = &context_;
    }
    if (call.cancellation.IsCancelled()) context_.TryCancel();
    Status prepared =
        connection.PrepareContext(&context_, connection.ResolveDeadline(call.deadline, call.timeout));
    if (!prepared.ok()) {
      final_code_ = prepared.code();
      return prepared;
    }
    ::StreamInstanceHistoryRequest request;
    request.set_instance_id(instance_id_);
    reader_ = connection.stub()->StreamInstanceHistory(&context_, request);
    cancellation_ = call.cancellation;
    registration_ = cancellation_.Register([call = call_] { call->Cancel(); });
    return Status::Ok();
  }

  Result<std::optional<HistoryEvent>> Next() {
    while (buffered_.empty()) {
      if (finished_) return final_;
      ::HistoryChunk chunk;
      if (reader_->Read(&chunk)) {
        for (const auto& event : chunk.events()) buffered_.push_back(FromProto(event));
        continue;
      }
      grpc::Status status = reader_->Finish();
      finished_ = true;
      cancellation_.Unregister(registration_);
      final_code_ = static_cast<StatusCode>(status.error_code());
      if (status.ok()) {
        final_ = std::optional<HistoryEvent>();
      } else {
        final_ = core_->connection()->MapStatus(RpcId::kStreamInstanceHistory, status,
                                                  Subject(instance_id_));
      }
      return final_;
    }
    HistoryEvent event = std::move(buffered_.front());
    buffered_.pop_front();
    return std::optional<HistoryEvent>(std::move(event));
  }

 private:
  std::shared_ptr<ClientCore> core_;
  std::string instance_id_;
  std::shared_ptr<SyncCall> call_;
  grpc::ClientContext context_;
  std::unique_ptr<grpc::ClientReaderInterface<::HistoryChunk>> reader_;
  CancellationToken cancellation_;
  std::uint64_t registration_ = 0;
  std::deque<HistoryEvent> buffered_;
  bool registered_ = false;
  bool finished_ = false;
  StatusCode final_code_ = StatusCode::kCancelled;
  Result<std::optional<HistoryEvent>> final_ = std::optional<HistoryEvent>();
};

// Collects a whole history on gRPC's callback API.
class AsyncHistoryCall final : public grpc::ClientReadReactor<::HistoryChunk>,
                               public InflightCall {
 public:
  AsyncHistoryCall(std::shared_ptr<ClientCore> core, std::string instance_id,
                   CancellationToken cancellation, Callback<std::vector<HistoryEvent>> done)
      : core_(std::move(core)), cancellation_(std::move(cancellation)), done_(std::move(done)) {
    request_.set_instance_id(std::move(instance_id));
  }

  // Returns false (and does nothing) if the client is closed.
  bool Start(std::shared_ptr<AsyncHistoryCall> self, const Deadline& deadline, Status* error) {
    Connection& connection = *core_->connection();
    if (!connection.Register(this)) {
      *error = connection.ClosedStatus();
      return false;
    }
    Status prepared = connection.PrepareContext(&context_, deadline);
    if (!prepared.ok()) {
      connection.Unregister(this);
      *error = prepared;
      return false;
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      self_ = std::move(self);
      registration_ = cancellation_.Register([this] { Cancel(); });
    }
    AnchorCallbackQueue();
    connection.stub()->async()->StreamInstanceHistory(&context_, &request_, this);
    StartRead(&chunk_);
    StartCall();
    return true;
  }

  void Cancel() override { context_.TryCancel(); }

  // gRPC runs reactions one at a time but on varying threads; the mutex makes that
  // ordering visible to ThreadSanitizer.
  void OnReadDone(bool ok) override {
    if (!ok) return;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      for (const auto& event : chunk_.events()) events_.push_back(FromProto(event));
    }
    StartRead(&chunk_);
  }

  void OnDone(const grpc::Status& status) override {
    { std::lock_guard<std::mutex> lock(mutex_); }
    cancellation_.Unregister(registration_);
    Connection& connection = *core_->connection();
    Status mapped = status.ok() ? Status::Ok()
                                : connection.MapStatus(RpcId::kStreamInstanceHistory, status,
                                                       Subject(request_.instance_id()));
    if (connection.metrics()) {
      connection.metrics()->CallFinished(RpcId::kStreamInstanceHistory, mapped.code());
    }
    {
      Connection::CallbackScope scope(&connection);
      if (mapped.ok()) {
        done_(std::move(events_));
      } else {
        done_(std::move(mapped));
      }
    }
    connection.Unregister(this);
    std::shared_ptr<AsyncHistoryCall> self = std::move(self_);
  }

 private:
  std::shared_ptr<ClientCore> core_;
  CancellationToken cancellation_;
  Callback<std::vector<HistoryEvent>> done_;
  ::StreamInstanceHistoryRequest request_;
  ::HistoryChunk chunk_;
  grpc::ClientContext context_;
  std::mutex mutex_;
  std::vector<HistoryEvent> events_;
  std::uint64_t registration_ = 0;
  std::shared_ptr<AsyncHistoryCall> self_;
};

}  // namespace internal

HistoryStream::HistoryStream(std::unique_ptr<internal::HistoryReader> reader)
    : reader_(std::move(reader)) {}
HistoryStream::HistoryStream(HistoryStream&&) noexcept = default;
HistoryStream& HistoryStream::operator=(HistoryStream&&) noexcept = default;
HistoryStream::~HistoryStream() = default;

Result<std::optional<HistoryEvent>> HistoryStream::Next() {
  if (!reader_) return Status(StatusCode::kFailedPrecondition, "the history stream was moved from");
  return reader_->Next();
}

Result<HistoryStream> Client::StreamHistory(const std::string& instance_id, const CallOptions& call) {
  auto reader = std::make_unique<internal::HistoryReader>(core_, instance_id);
  if (Status opened = reader->Open(call); !opened.ok()) return opened;
  return HistoryStream(std::move(reader));
}

Result<std::vector<HistoryEvent>> Client::GetHistory(const std::string& instance_id,
                                                     const CallOptions& call) {
  Result<HistoryStream> stream = StreamHistory(instance_id, call);
  if (!stream.ok()) return stream.status();
  std::vector<HistoryEvent> events;
  for (;;) {
    Result<std::optional<HistoryEvent>> next = stream->Next();
    if (!next.ok()) return next.status();
    if (!next->has_value()) return events;
    events.push_back(std::move(**next));
  }
}

void Client::GetHistoryAsync(const std::string& instance_id, const CallOptions& call,
                             Callback<std::vector<HistoryEvent>> done) {
  if (!done) done = [](Result<std::vector<HistoryEvent>>) {};
  Status error = internal::CheckName("instance id", instance_id);
  if (error.ok()) {
    auto history = std::make_shared<internal::AsyncHistoryCall>(core_, instance_id,
                                                                call.cancellation, done);
    internal::Deadline deadline = core_->connection()->ResolveDeadline(call.deadline, call.timeout);
    if (history->Start(history, deadline, &error)) return;
  }
  core_->connection()->PostCompletion([done, error] { done(error); });
}

}  // namespace durabletask
