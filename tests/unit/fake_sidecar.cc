#include "fake_sidecar.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>

namespace durabletask::unit {

std::string RecordedCall::Header(const std::string& key) const {
  auto found = metadata.find(key);
  return found == metadata.end() ? std::string() : found->second;
}

FakeSidecar::FakeSidecar() {
  grpc::ServerBuilder builder;
  // With SO_REUSEPORT a port chosen by the system may still belong to a server of an
  // earlier test that is shutting down, and calls meant for this fake would reach it.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
  builder.RegisterService(this);
  server_ = builder.BuildAndStart();
  if (!server_ || port_ == 0) {
    // Every test that uses the fake depends on it; there is nothing sensible to go on with.
    std::fprintf(stderr, "fake sidecar: could not listen on 127.0.0.1\n");
    std::abort();
  }
}

FakeSidecar::~FakeSidecar() { Stop(); }

std::string FakeSidecar::address() const { return "127.0.0.1:" + std::to_string(port_); }

void FakeSidecar::Stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  changed_.notify_all();
  // Delayed handlers see `stopping_` and return, so a short grace period is enough.
  server_->Shutdown(std::chrono::system_clock::now() + std::chrono::milliseconds(200));
  server_->Wait();
}

void FakeSidecar::Enqueue(const std::string& method, Reply reply) {
  std::lock_guard<std::mutex> lock(mutex_);
  scripted_[method].push_back(std::move(reply));
}

void FakeSidecar::EnqueueFailures(const std::string& method, grpc::StatusCode code, int count) {
  for (int i = 0; i < count; ++i) Enqueue(method, Reply::Fail(code));
}

void FakeSidecar::SetDefault(const std::string& method, Reply reply) {
  std::lock_guard<std::mutex> lock(mutex_);
  defaults_[method] = std::move(reply);
}

std::vector<RecordedCall> FakeSidecar::Calls(const std::string& method) const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<RecordedCall> selected;
  for (const RecordedCall& call : calls_) {
    if (method.empty() || call.method == method) selected.push_back(call);
  }
  return selected;
}

int FakeSidecar::CallCount(const std::string& method) const {
  return static_cast<int>(Calls(method).size());
}

RecordedCall FakeSidecar::LastCall(const std::string& method) const {
  std::vector<RecordedCall> calls = Calls(method);
  if (calls.empty()) {
    // The test goes on with an empty record, so its own expectations say what differs.
    ADD_FAILURE() << "the fake sidecar received no call of " << method;
    RecordedCall nothing;
    nothing.method = method;
    return nothing;
  }
  return calls.back();
}

bool FakeSidecar::WaitForCalls(const std::string& method, int count,
                               std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] {
    int seen = 0;
    for (const RecordedCall& call : calls_) seen += call.method == method ? 1 : 0;
    return seen >= count;
  });
}

Reply FakeSidecar::Receive(const std::string& method, grpc::ServerContext* context,
                           const google::protobuf::Message& request) {
  RecordedCall call;
  call.method = method;
  std::shared_ptr<google::protobuf::Message> copy(request.New());
  copy->CopyFrom(request);
  call.request = std::move(copy);
  for (const auto& [key, value] : context->client_metadata()) {
    call.metadata.emplace(std::string(key.data(), key.size()),
                          std::string(value.data(), value.size()));
  }
  call.deadline = context->deadline();
  call.received_at = std::chrono::steady_clock::now();

  Reply reply;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    calls_.push_back(std::move(call));
    auto& queue = scripted_[method];
    if (!queue.empty()) {
      reply = std::move(queue.front());
      queue.pop_front();
    } else if (auto found = defaults_.find(method); found != defaults_.end()) {
      reply = found->second;
    }
  }
  changed_.notify_all();
  return reply;
}

bool FakeSidecar::Hold(const Reply& reply, grpc::ServerContext* context) {
  if (reply.delay.count() <= 0) return true;
  auto until = std::chrono::steady_clock::now() + reply.delay;
  std::unique_lock<std::mutex> lock(mutex_);
  // Polled, because gRPC offers no wake-up on cancellation to a synchronous handler.
  while (!stopping_ && !context->IsCancelled()) {
    auto now = std::chrono::steady_clock::now();
    if (now >= until) return true;
    changed_.wait_for(lock, std::min<std::chrono::steady_clock::duration>(
                                until - now, std::chrono::milliseconds(5)));
  }
  return false;
}

grpc::Status FakeSidecar::Answer(const std::string& method, grpc::ServerContext* context,
                                 const google::protobuf::Message& request,
                                 google::protobuf::Message* response) {
  Reply reply = Receive(method, context, request);
  if (!Hold(reply, context)) return grpc::Status(grpc::StatusCode::CANCELLED, "caller left");
  if (reply.response) response->CopyFrom(*reply.response);
  return grpc::Status(reply.code, reply.message);
}

grpc::Status FakeSidecar::Hello(grpc::ServerContext* context,
                                const google::protobuf::Empty* request,
                                google::protobuf::Empty* response) {
  return Answer("Hello", context, *request, response);
}

grpc::Status FakeSidecar::StartInstance(grpc::ServerContext* context,
                                        const ::CreateInstanceRequest* request,
                                        ::CreateInstanceResponse* response) {
  return Answer("StartInstance", context, *request, response);
}

grpc::Status FakeSidecar::GetInstance(grpc::ServerContext* context,
                                      const ::GetInstanceRequest* request,
                                      ::GetInstanceResponse* response) {
  return Answer("GetInstance", context, *request, response);
}

grpc::Status FakeSidecar::RewindInstance(grpc::ServerContext* context,
                                         const ::RewindInstanceRequest* request,
                                         ::RewindInstanceResponse* response) {
  return Answer("RewindInstance", context, *request, response);
}

grpc::Status FakeSidecar::RestartInstance(grpc::ServerContext* context,
                                          const ::RestartInstanceRequest* request,
                                          ::RestartInstanceResponse* response) {
  return Answer("RestartInstance", context, *request, response);
}

grpc::Status FakeSidecar::WaitForInstanceStart(grpc::ServerContext* context,
                                               const ::GetInstanceRequest* request,
                                               ::GetInstanceResponse* response) {
  return Answer("WaitForInstanceStart", context, *request, response);
}

grpc::Status FakeSidecar::WaitForInstanceCompletion(grpc::ServerContext* context,
                                                    const ::GetInstanceRequest* request,
                                                    ::GetInstanceResponse* response) {
  return Answer("WaitForInstanceCompletion", context, *request, response);
}

grpc::Status FakeSidecar::RaiseEvent(grpc::ServerContext* context,
                                     const ::RaiseEventRequest* request,
                                     ::RaiseEventResponse* response) {
  return Answer("RaiseEvent", context, *request, response);
}

grpc::Status FakeSidecar::TerminateInstance(grpc::ServerContext* context,
                                            const ::TerminateRequest* request,
                                            ::TerminateResponse* response) {
  return Answer("TerminateInstance", context, *request, response);
}

grpc::Status FakeSidecar::SuspendInstance(grpc::ServerContext* context,
                                          const ::SuspendRequest* request,
                                          ::SuspendResponse* response) {
  return Answer("SuspendInstance", context, *request, response);
}

grpc::Status FakeSidecar::ResumeInstance(grpc::ServerContext* context,
                                         const ::ResumeRequest* request,
                                         ::ResumeResponse* response) {
  return Answer("ResumeInstance", context, *request, response);
}

grpc::Status FakeSidecar::QueryInstances(grpc::ServerContext* context,
                                         const ::QueryInstancesRequest* request,
                                         ::QueryInstancesResponse* response) {
  return Answer("QueryInstances", context, *request, response);
}

grpc::Status FakeSidecar::ListInstanceIds(grpc::ServerContext* context,
                                          const ::ListInstanceIdsRequest* request,
                                          ::ListInstanceIdsResponse* response) {
  return Answer("ListInstanceIds", context, *request, response);
}

grpc::Status FakeSidecar::PurgeInstances(grpc::ServerContext* context,
                                         const ::PurgeInstancesRequest* request,
                                         ::PurgeInstancesResponse* response) {
  return Answer("PurgeInstances", context, *request, response);
}

grpc::Status FakeSidecar::StreamInstanceHistory(grpc::ServerContext* context,
                                                const ::StreamInstanceHistoryRequest* request,
                                                grpc::ServerWriter<::HistoryChunk>* writer) {
  Reply reply = Receive("StreamInstanceHistory", context, *request);
  if (!Hold(reply, context)) return grpc::Status(grpc::StatusCode::CANCELLED, "caller left");
  for (const ::HistoryChunk& chunk : reply.chunks) {
    if (!writer->Write(chunk)) return grpc::Status(grpc::StatusCode::CANCELLED, "caller left");
  }
  return grpc::Status(reply.code, reply.message);
}

grpc::Status FakeSidecar::SignalEntity(grpc::ServerContext* context,
                                       const ::SignalEntityRequest* request,
                                       ::SignalEntityResponse* response) {
  return Answer("SignalEntity", context, *request, response);
}

grpc::Status FakeSidecar::GetEntity(grpc::ServerContext* context, const ::GetEntityRequest* request,
                                    ::GetEntityResponse* response) {
  return Answer("GetEntity", context, *request, response);
}

grpc::Status FakeSidecar::QueryEntities(grpc::ServerContext* context,
                                        const ::QueryEntitiesRequest* request,
                                        ::QueryEntitiesResponse* response) {
  return Answer("QueryEntities", context, *request, response);
}

grpc::Status FakeSidecar::CleanEntityStorage(grpc::ServerContext* context,
                                             const ::CleanEntityStorageRequest* request,
                                             ::CleanEntityStorageResponse* response) {
  return Answer("CleanEntityStorage", context, *request, response);
}

}  // namespace durabletask::unit
