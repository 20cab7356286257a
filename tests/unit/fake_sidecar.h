// An in-process stand-in for the Durable Task sidecar: a real gRPC server on a loopback
// port that records every request (with its headers and deadline) and answers from a
// script. Tests use it to prove what the client puts on the wire and how it reacts to
// faults, including for RPCs that Microsoft's own sidecar does not serve.
//
// Thread safety: every method may be called from any thread while the server runs.
#ifndef DURABLETASK_TESTS_UNIT_FAKE_SIDECAR_H_
#define DURABLETASK_TESTS_UNIT_FAKE_SIDECAR_H_

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "task_hub_sidecar.grpc.pb.h"

namespace durabletask::unit {

// How the fake answers one call. Unscripted calls get the method's default reply, which
// is OK with an empty response unless SetDefault says otherwise.
struct Reply {
  grpc::StatusCode code = grpc::StatusCode::OK;
  std::string message;
  // Held before answering; the wait ends early when the caller cancels or the server stops.
  std::chrono::milliseconds delay{0};
  // Copied into the answer when set; must be the method's response type.
  std::shared_ptr<const google::protobuf::Message> response;
  // StreamInstanceHistory only: the chunks written before the final status.
  std::vector<::HistoryChunk> chunks;

  static Reply Ok() { return Reply(); }
  template <typename Message>
  static Reply With(const Message& response) {
    Reply reply;
    reply.response = std::make_shared<Message>(response);
    return reply;
  }
  static Reply Fail(grpc::StatusCode code, std::string message = "scripted failure") {
    Reply reply;
    reply.code = code;
    reply.message = std::move(message);
    return reply;
  }
  static Reply Stream(std::vector<::HistoryChunk> chunks) {
    Reply reply;
    reply.chunks = std::move(chunks);
    return reply;
  }
  Reply& After(std::chrono::milliseconds wait) {
    delay = wait;
    return *this;
  }
};

// One request as the fake received it.
struct RecordedCall {
  std::string method;
  std::shared_ptr<const google::protobuf::Message> request;
  std::multimap<std::string, std::string> metadata;
  std::chrono::system_clock::time_point deadline;
  std::chrono::steady_clock::time_point received_at;

  // The first value of a header, or "" when absent.
  std::string Header(const std::string& key) const;
  bool HasHeader(const std::string& key) const { return metadata.count(key) != 0; }

  // The request as its type; an empty message when nothing was recorded.
  template <typename Message>
  const Message& As() const {
    static const Message kNothing;
    if (!request) return kNothing;
    return dynamic_cast<const Message&>(*request);
  }
};

class FakeSidecar final : public ::TaskHubSidecarService::Service {
 public:
  // Starts listening on 127.0.0.1 with a port chosen by the system.
  FakeSidecar();
  ~FakeSidecar() override;
  FakeSidecar(const FakeSidecar&) = delete;
  FakeSidecar& operator=(const FakeSidecar&) = delete;

  // "127.0.0.1:<port>"; still names the port after Stop(), when nothing listens there.
  std::string address() const;
  int port() const { return port_; }

  // Stops answering and closes the port. Idempotent.
  void Stop();

  // Scripted replies are used in order, one per call; when they run out the default
  // reply answers.
  void Enqueue(const std::string& method, Reply reply);
  void EnqueueFailures(const std::string& method, grpc::StatusCode code, int count);
  void SetDefault(const std::string& method, Reply reply);

  // Every call received so far for `method` (all methods when empty), oldest first.
  std::vector<RecordedCall> Calls(const std::string& method = "") const;
  int CallCount(const std::string& method = "") const;
  // The latest call of `method`; when there was none, a test failure and an empty record.
  RecordedCall LastCall(const std::string& method) const;

  template <typename Message>
  std::vector<Message> Requests(const std::string& method) const {
    std::vector<Message> requests;
    for (const RecordedCall& call : Calls(method)) requests.push_back(call.As<Message>());
    return requests;
  }

  // Waits until `count` calls of `method` have arrived; false on timeout.
  bool WaitForCalls(const std::string& method, int count,
                    std::chrono::milliseconds timeout = std::chrono::seconds(5)) const;

  grpc::Status Hello(grpc::ServerContext* context, const google::protobuf::Empty* request,
                     google::protobuf::Empty* response) override;
  grpc::Status StartInstance(grpc::ServerContext* context, const ::CreateInstanceRequest* request,
                             ::CreateInstanceResponse* response) override;
  grpc::Status GetInstance(grpc::ServerContext* context, const ::GetInstanceRequest* request,
                           ::GetInstanceResponse* response) override;
  grpc::Status RewindInstance(grpc::ServerContext* context, const ::RewindInstanceRequest* request,
                              ::RewindInstanceResponse* response) override;
  grpc::Status RestartInstance(grpc::ServerContext* context,
                               const ::RestartInstanceRequest* request,
                               ::RestartInstanceResponse* response) override;
  grpc::Status WaitForInstanceStart(grpc::ServerContext* context,
                                    const ::GetInstanceRequest* request,
                                    ::GetInstanceResponse* response) override;
  grpc::Status WaitForInstanceCompletion(grpc::ServerContext* context,
                                         const ::GetInstanceRequest* request,
                                         ::GetInstanceResponse* response) override;
  grpc::Status RaiseEvent(grpc::ServerContext* context, const ::RaiseEventRequest* request,
                          ::RaiseEventResponse* response) override;
  grpc::Status TerminateInstance(grpc::ServerContext* context, const ::TerminateRequest* request,
                                 ::TerminateResponse* response) override;
  grpc::Status SuspendInstance(grpc::ServerContext* context, const ::SuspendRequest* request,
                               ::SuspendResponse* response) override;
  grpc::Status ResumeInstance(grpc::ServerContext* context, const ::ResumeRequest* request,
                              ::ResumeResponse* response) override;
  grpc::Status QueryInstances(grpc::ServerContext* context, const ::QueryInstancesRequest* request,
                              ::QueryInstancesResponse* response) override;
  grpc::Status ListInstanceIds(grpc::ServerContext* context,
                               const ::ListInstanceIdsRequest* request,
                               ::ListInstanceIdsResponse* response) override;
  grpc::Status PurgeInstances(grpc::ServerContext* context, const ::PurgeInstancesRequest* request,
                              ::PurgeInstancesResponse* response) override;
  grpc::Status StreamInstanceHistory(grpc::ServerContext* context,
                                     const ::StreamInstanceHistoryRequest* request,
                                     grpc::ServerWriter<::HistoryChunk>* writer) override;
  grpc::Status SignalEntity(grpc::ServerContext* context, const ::SignalEntityRequest* request,
                            ::SignalEntityResponse* response) override;
  grpc::Status GetEntity(grpc::ServerContext* context, const ::GetEntityRequest* request,
                         ::GetEntityResponse* response) override;
  grpc::Status QueryEntities(grpc::ServerContext* context, const ::QueryEntitiesRequest* request,
                             ::QueryEntitiesResponse* response) override;
  grpc::Status CleanEntityStorage(grpc::ServerContext* context,
                                  const ::CleanEntityStorageRequest* request,
                                  ::CleanEntityStorageResponse* response) override;

 private:
  // Records the call and picks its reply.
  Reply Receive(const std::string& method, grpc::ServerContext* context,
                const google::protobuf::Message& request);
  // Holds for the reply's delay; false when the caller went away meanwhile.
  bool Hold(const Reply& reply, grpc::ServerContext* context);
  grpc::Status Answer(const std::string& method, grpc::ServerContext* context,
                      const google::protobuf::Message& request,
                      google::protobuf::Message* response);

  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  std::map<std::string, std::deque<Reply>> scripted_;
  std::map<std::string, Reply> defaults_;
  std::vector<RecordedCall> calls_;
  bool stopping_ = false;

  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
};

}  // namespace durabletask::unit

#endif  // DURABLETASK_TESTS_UNIT_FAKE_SIDECAR_H_
