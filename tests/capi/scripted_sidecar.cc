// A sidecar that answers from a fixed script, for what Microsoft's in-memory sidecar does
// not serve (instance id listings, entities, history) and for instance metadata with
// every field filled in. Same contract as tests/sidecar: it prints
// `LISTENING 127.0.0.1:<port>` when ready and exits when its stdin closes.
//
// The answers depend on the request only, so test_scripted.c can page through them in
// any order.
#include <grpcpp/grpcpp.h>

#include <cstdio>
#include <iostream>
#include <string>

#include "task_hub_sidecar.grpc.pb.h"

namespace {

// 2023-11-14T22:13:20Z, a time the tests can compare exactly.
constexpr long long kModifiedSeconds = 1700000000;

google::protobuf::Timestamp At(long long seconds) {
  google::protobuf::Timestamp timestamp;
  timestamp.set_seconds(seconds);
  return timestamp;
}

void SetText(google::protobuf::StringValue* field, const std::string& text) {
  field->set_value(text);
}

// A failure whose cause is another failure, as an activity failing inside an
// orchestration reports it.
void FillFailure(::TaskFailureDetails* failure) {
  failure->set_error_type("System.InvalidOperationException");
  failure->set_error_message("outer failure");
  SetText(failure->mutable_stack_trace(), "at Outer()");
  failure->set_is_non_retriable(true);
  ::TaskFailureDetails* inner = failure->mutable_inner_failure();
  inner->set_error_type("System.IO.IOException");
  inner->set_error_message("root cause");
}

void FillEntity(::EntityMetadata* entity, const std::string& id, bool include_state) {
  entity->set_instance_id(id);
  *entity->mutable_last_modified_time() = At(kModifiedSeconds);
  entity->set_backlog_queue_size(3);
  SetText(entity->mutable_locked_by(), "orchestration-7");
  if (include_state) SetText(entity->mutable_serialized_state(), "5");
}

class ScriptedSidecar final : public ::TaskHubSidecarService::Service {
 public:
  grpc::Status Hello(grpc::ServerContext*, const google::protobuf::Empty*,
                     google::protobuf::Empty*) override {
    return grpc::Status::OK;
  }

  grpc::Status GetInstance(grpc::ServerContext*, const ::GetInstanceRequest* request,
                           ::GetInstanceResponse* response) override {
    if (request->instance_id() != "rich") return grpc::Status::OK;
    response->set_exists(true);
    ::OrchestrationState* state = response->mutable_orchestration_state();
    state->set_instance_id("rich");
    state->set_name("Rich");
    SetText(state->mutable_version(), "2.0");
    state->set_orchestration_status(::ORCHESTRATION_STATUS_FAILED);
    *state->mutable_scheduled_start_timestamp() = At(kModifiedSeconds - 60);
    *state->mutable_created_timestamp() = At(kModifiedSeconds - 50);
    *state->mutable_last_updated_timestamp() = At(kModifiedSeconds - 10);
    *state->mutable_completed_timestamp() = At(kModifiedSeconds);
    if (request->get_inputs_and_outputs()) {
      SetText(state->mutable_input(), "{\"in\":1}");
      SetText(state->mutable_output(), "{\"out\":2}");
      SetText(state->mutable_custom_status(), "\"step 3\"");
    }
    FillFailure(state->mutable_failure_details());
    SetText(state->mutable_execution_id(), "execution-1");
    SetText(state->mutable_parent_instance_id(), "parent-1");
    (*state->mutable_tags())["owner"] = "capi";
    return grpc::Status::OK;
  }

  grpc::Status ListInstanceIds(grpc::ServerContext*, const ::ListInstanceIdsRequest* request,
                               ::ListInstanceIdsResponse* response) override {
    if (!request->has_last_instance_key()) {
      response->add_instance_ids("done-1");
      response->add_instance_ids("done-2");
      SetText(response->mutable_last_instance_key(), "after-2");
    } else if (request->last_instance_key().value() == "after-2") {
      response->add_instance_ids("done-3");
    }
    return grpc::Status::OK;
  }

  grpc::Status StreamInstanceHistory(grpc::ServerContext*,
                                     const ::StreamInstanceHistoryRequest* request,
                                     grpc::ServerWriter<::HistoryChunk>* writer) override {
    if (request->instance_id() != "with-history") {
      return grpc::Status(grpc::StatusCode::NOT_FOUND, "no history for this instance");
    }
    ::HistoryChunk first;
    ::HistoryEvent* started = first.add_events();
    started->set_event_id(-1);
    *started->mutable_timestamp() = At(kModifiedSeconds - 50);
    started->mutable_execution_started()->set_name("Sample");
    SetText(started->mutable_execution_started()->mutable_input(), "\"in\"");
    ::HistoryEvent* scheduled = first.add_events();
    scheduled->set_event_id(0);
    scheduled->mutable_task_scheduled()->set_name("SayHello");
    ::HistoryEvent* failed = first.add_events();
    failed->set_event_id(1);
    failed->mutable_task_failed()->set_task_scheduled_id(0);
    FillFailure(failed->mutable_task_failed()->mutable_failure_details());
    writer->Write(first);

    ::HistoryChunk second;
    ::HistoryEvent* timer = second.add_events();
    timer->set_event_id(2);
    *timer->mutable_timer_created()->mutable_fire_at() = At(kModifiedSeconds);
    ::HistoryEvent* completed = second.add_events();
    completed->set_event_id(3);
    completed->mutable_execution_completed()->set_orchestration_status(
        ::ORCHESTRATION_STATUS_FAILED);
    FillFailure(completed->mutable_execution_completed()->mutable_failure_details());
    writer->Write(second);
    return grpc::Status::OK;
  }

  grpc::Status SignalEntity(grpc::ServerContext*, const ::SignalEntityRequest* request,
                            ::SignalEntityResponse*) override {
    if (request->request_id().empty()) {
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "a signal needs a request id");
    }
    return grpc::Status::OK;
  }

  grpc::Status GetEntity(grpc::ServerContext*, const ::GetEntityRequest* request,
                         ::GetEntityResponse* response) override {
    if (request->instance_id() != "@counter@one") return grpc::Status::OK;
    response->set_exists(true);
    FillEntity(response->mutable_entity(), "@counter@one", request->include_state());
    return grpc::Status::OK;
  }

  grpc::Status QueryEntities(grpc::ServerContext*, const ::QueryEntitiesRequest* request,
                             ::QueryEntitiesResponse* response) override {
    const ::EntityQuery& query = request->query();
    if (!query.has_continuation_token()) {
      FillEntity(response->add_entities(), "@counter@one", query.include_state());
      FillEntity(response->add_entities(), "@counter@two", query.include_state());
      SetText(response->mutable_continuation_token(), "page-2");
    } else if (query.continuation_token().value() == "page-2") {
      FillEntity(response->add_entities(), "@counter@three", query.include_state());
    }
    return grpc::Status::OK;
  }

  grpc::Status CleanEntityStorage(grpc::ServerContext*, const ::CleanEntityStorageRequest* request,
                                  ::CleanEntityStorageResponse* response) override {
    if (!request->has_continuation_token()) {
      response->set_empty_entities_removed(2);
      response->set_orphaned_locks_released(1);
      SetText(response->mutable_continuation_token(), "more");
    } else {
      response->set_empty_entities_removed(1);
    }
    return grpc::Status::OK;
  }
};

}  // namespace

int main() {
  ScriptedSidecar service;
  int port = 0;
  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server || port == 0) {
    std::fprintf(stderr, "scripted sidecar: could not listen on 127.0.0.1\n");
    return 1;
  }
  std::printf("LISTENING 127.0.0.1:%d\n", port);
  std::fflush(stdout);

  // The parent stops us by closing our stdin.
  std::string ignored;
  while (std::getline(std::cin, ignored)) {
  }
  server->Shutdown();
  return 0;
}
