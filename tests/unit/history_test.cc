// Orchestration history read from the StreamInstanceHistory server stream.
//
// Microsoft's sidecar does not serve StreamInstanceHistory to clients; this fake is what
// proves the request mapping and the flattening of every event kind.
#include <atomic>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "test_support.h"

namespace durabletask {
namespace {

using ::testing::HasSubstr;
using unit::FakeSidecar;
using unit::HasCode;
using unit::IsOk;
using unit::Reply;
using unit::Stamp;

std::vector<::HistoryChunk> SampleHistory() {
  ::HistoryChunk first;
  {
    ::HistoryEvent* event = first.add_events();
    event->set_event_id(-1);
    *event->mutable_timestamp() = Stamp(1700000000, 10);
    auto* started = event->mutable_execution_started();
    started->set_name("ProcessOrder");
    started->mutable_input()->set_value("{\"id\":7}");
    started->mutable_orchestration_instance()->set_instance_id("order-7");
  }
  {
    ::HistoryEvent* event = first.add_events();
    event->set_event_id(0);
    event->mutable_task_scheduled()->set_name("Charge");
    event->mutable_task_scheduled()->mutable_input()->set_value("12.5");
  }
  {
    ::HistoryEvent* event = first.add_events();
    event->set_event_id(1);
    event->mutable_task_failed()->set_task_scheduled_id(0);
    auto* failure = event->mutable_task_failed()->mutable_failure_details();
    failure->set_error_type("Declined");
    failure->mutable_inner_failure()->set_error_type("Timeout");
  }
  ::HistoryChunk second;
  {
    ::HistoryEvent* event = second.add_events();
    event->set_event_id(2);
    *event->mutable_timer_created()->mutable_fire_at() = Stamp(1700000100, 0);
  }
  {
    ::HistoryEvent* event = second.add_events();
    event->set_event_id(3);
    *event->mutable_timer_fired()->mutable_fire_at() = Stamp(1700000100, 0);
    event->mutable_timer_fired()->set_timer_id(2);
  }
  {
    ::HistoryEvent* event = second.add_events();
    event->set_event_id(4);
    event->mutable_sub_orchestration_instance_created()->set_name("Ship");
    event->mutable_sub_orchestration_instance_created()->set_instance_id("ship-1");
  }
  {
    ::HistoryEvent* event = second.add_events();
    event->set_event_id(5);
    event->mutable_event_raised()->set_name("Approved");
    event->mutable_event_raised()->mutable_input()->set_value("true");
  }
  {
    ::HistoryEvent* event = second.add_events();
    event->set_event_id(6);
    event->mutable_event_sent()->set_name("Notify");
    event->mutable_event_sent()->set_instance_id("other");
  }
  {
    ::HistoryEvent* event = second.add_events();
    event->set_event_id(7);
    event->mutable_execution_rewound()->mutable_reason()->set_value("fixed");
  }
  {
    ::HistoryEvent* event = second.add_events();
    event->set_event_id(8);
    event->mutable_execution_completed()->set_orchestration_status(
        ::ORCHESTRATION_STATUS_COMPLETED);
    event->mutable_execution_completed()->mutable_result()->set_value("\"done\"");
  }
  {
    ::HistoryEvent* event = second.add_events();
    event->set_event_id(9);  // no event type: a kind this client does not model
  }
  return {first, second};
}

class History : public ::testing::Test {
 protected:
  void SetUp() override {
    ClientOptions options = unit::FakeOptions(fake_);
    options.task_hub = "orders";
    client_ = unit::MakeClient(options);
    ASSERT_NE(client_, nullptr);
  }

  FakeSidecar fake_;
  std::unique_ptr<Client> client_;
};

TEST_F(History, GetHistorySendsTheInstanceIdAndFlattensEveryEvent) {
  fake_.Enqueue("StreamInstanceHistory", Reply::Stream(SampleHistory()));

  Result<std::vector<HistoryEvent>> history = client_->GetHistory("order-7");
  ASSERT_THAT(history, IsOk());

  auto request = fake_.LastCall("StreamInstanceHistory").As<::StreamInstanceHistoryRequest>();
  EXPECT_EQ(request.instance_id(), "order-7");
  EXPECT_FALSE(request.has_execution_id());
  EXPECT_FALSE(request.for_work_item_processing());
  EXPECT_EQ(fake_.LastCall("StreamInstanceHistory").Header("taskhub"), "orders");

  const std::vector<HistoryEvent>& events = *history;
  ASSERT_EQ(events.size(), 11u);
  EXPECT_EQ(events[0].event_id, -1);
  EXPECT_EQ(events[0].kind, HistoryEventKind::kExecutionStarted);
  EXPECT_EQ(events[0].timestamp, unit::At(1700000000, 10));
  EXPECT_EQ(events[0].name, "ProcessOrder");
  EXPECT_EQ(events[0].payload, std::optional<std::string>("{\"id\":7}"));
  EXPECT_EQ(events[0].instance_id, "order-7");

  EXPECT_EQ(events[1].kind, HistoryEventKind::kTaskScheduled);
  EXPECT_EQ(events[1].name, "Charge");
  EXPECT_EQ(events[1].payload, std::optional<std::string>("12.5"));
  EXPECT_FALSE(events[1].timestamp.has_value());

  EXPECT_EQ(events[2].kind, HistoryEventKind::kTaskFailed);
  EXPECT_EQ(events[2].task_scheduled_id, 0);
  ASSERT_TRUE(events[2].failure_details.has_value());
  EXPECT_EQ(events[2].failure_details->error_type, "Declined");
  ASSERT_NE(events[2].failure_details->inner_failure, nullptr);
  EXPECT_EQ(events[2].failure_details->inner_failure->error_type, "Timeout");

  EXPECT_EQ(events[3].kind, HistoryEventKind::kTimerCreated);
  EXPECT_EQ(events[3].fire_at, unit::At(1700000100));
  EXPECT_EQ(events[4].kind, HistoryEventKind::kTimerFired);
  EXPECT_EQ(events[4].task_scheduled_id, 2);
  EXPECT_EQ(events[5].kind, HistoryEventKind::kSubOrchestrationCreated);
  EXPECT_EQ(events[5].name, "Ship");
  EXPECT_EQ(events[5].instance_id, "ship-1");
  EXPECT_FALSE(events[5].payload.has_value());
  EXPECT_EQ(events[6].kind, HistoryEventKind::kEventRaised);
  EXPECT_EQ(events[6].name, "Approved");
  EXPECT_EQ(events[6].payload, std::optional<std::string>("true"));
  EXPECT_EQ(events[7].kind, HistoryEventKind::kEventSent);
  EXPECT_EQ(events[7].instance_id, "other");
  EXPECT_EQ(events[8].kind, HistoryEventKind::kExecutionRewound);
  EXPECT_EQ(events[8].payload, std::optional<std::string>("fixed"));
  EXPECT_EQ(events[9].kind, HistoryEventKind::kExecutionCompleted);
  EXPECT_EQ(events[9].runtime_status, std::optional<RuntimeStatus>(RuntimeStatus::kCompleted));
  EXPECT_EQ(events[9].payload, std::optional<std::string>("\"done\""));
}

TEST_F(History, UnmodelledEventKindSurfacesAsUnknown) {
  fake_.Enqueue("StreamInstanceHistory", Reply::Stream(SampleHistory()));
  Result<HistoryStream> stream = client_->StreamHistory("order-7");
  ASSERT_THAT(stream, IsOk());
  std::vector<HistoryEvent> events;
  for (;;) {
    Result<std::optional<HistoryEvent>> next = stream->Next();
    ASSERT_THAT(next, IsOk());
    if (!next->has_value()) break;
    events.push_back(**next);
  }
  ASSERT_EQ(events.size(), 11u);
  EXPECT_EQ(events.back().event_id, 9);
  EXPECT_EQ(events.back().kind, HistoryEventKind::kUnknown);
}

TEST_F(History, StreamEndsWithTheServersErrorAfterTheEventsItSent) {
  Reply reply = Reply::Stream(SampleHistory());
  reply.code = grpc::StatusCode::NOT_FOUND;
  reply.message = "gone";
  fake_.Enqueue("StreamInstanceHistory", reply);

  Result<HistoryStream> stream = client_->StreamHistory("order-7");
  ASSERT_THAT(stream, IsOk());
  int delivered = 0;
  Status end;
  for (;;) {
    Result<std::optional<HistoryEvent>> next = stream->Next();
    if (!next.ok()) {
      end = next.status();
      break;
    }
    ASSERT_TRUE(next->has_value()) << "stream ended without the server's error";
    ++delivered;
  }
  EXPECT_EQ(delivered, 11);
  EXPECT_THAT(end, HasCode(StatusCode::kNotFound));
  EXPECT_THAT(end.message(), HasSubstr("StreamInstanceHistory"));
  EXPECT_THAT(end.message(), HasSubstr("instance 'order-7'"));
  // The end is sticky: asking again returns the same error, without another call.
  EXPECT_THAT(stream->Next(), HasCode(StatusCode::kNotFound));
  EXPECT_EQ(fake_.CallCount("StreamInstanceHistory"), 1);
}

TEST_F(History, GetHistoryReturnsTheErrorInsteadOfAPartialHistory) {
  Reply reply = Reply::Stream(SampleHistory());
  reply.code = grpc::StatusCode::INTERNAL;
  fake_.Enqueue("StreamInstanceHistory", reply);
  EXPECT_THAT(client_->GetHistory("order-7"), HasCode(StatusCode::kInternal));
}

TEST_F(History, EmptyHistoryIsAnEmptyList) {
  Result<std::vector<HistoryEvent>> history = client_->GetHistory("new");
  ASSERT_THAT(history, IsOk());
  EXPECT_TRUE(history->empty());
}

TEST_F(History, AsyncHistoryCollectsEveryEventOnALibraryThread) {
  fake_.Enqueue("StreamInstanceHistory", Reply::Stream(SampleHistory()));
  unit::Probe<Result<std::vector<HistoryEvent>>> probe;
  client_->GetHistoryAsync("order-7", {}, probe.Callback());
  ASSERT_TRUE(probe.Wait());
  Result<std::vector<HistoryEvent>> history = probe.value();
  ASSERT_THAT(history, IsOk());
  EXPECT_EQ(history->size(), 11u);
  EXPECT_EQ(history->front().kind, HistoryEventKind::kExecutionStarted);
  EXPECT_NE(probe.thread(), std::this_thread::get_id());
  EXPECT_EQ(
      fake_.LastCall("StreamInstanceHistory").As<::StreamInstanceHistoryRequest>().instance_id(),
      "order-7");
}

TEST_F(History, AsyncHistoryReportsTheServersError) {
  fake_.Enqueue("StreamInstanceHistory", Reply::Fail(grpc::StatusCode::NOT_FOUND));
  unit::Probe<Result<std::vector<HistoryEvent>>> probe;
  client_->GetHistoryAsync("ghost", {}, probe.Callback());
  ASSERT_TRUE(probe.Wait());
  EXPECT_THAT(probe.value(), HasCode(StatusCode::kNotFound));
}

TEST_F(History, HistoryStreamHonoursTheCallTimeout) {
  fake_.Enqueue("StreamInstanceHistory",
                Reply::Stream(SampleHistory()).After(std::chrono::seconds(10)));
  Result<HistoryStream> stream =
      client_->StreamHistory("slow", CallOptions::WithTimeout(std::chrono::milliseconds(200)));
  ASSERT_THAT(stream, IsOk());
  EXPECT_THAT(stream->Next(), HasCode(StatusCode::kDeadlineExceeded));
}

TEST_F(History, AbandoningAStreamMidwayCancelsItCleanly) {
  fake_.Enqueue("StreamInstanceHistory", Reply::Stream(SampleHistory()));
  {
    Result<HistoryStream> stream = client_->StreamHistory("order-7");
    ASSERT_THAT(stream, IsOk());
    ASSERT_THAT(stream->Next(), IsOk());
  }
  EXPECT_THAT(client_->Ping(), IsOk());
}

TEST_F(History, CloseCancelsAnOpenStreamAndWaitsUntilItIsReleased) {
  fake_.Enqueue("StreamInstanceHistory",
                Reply::Stream(SampleHistory()).After(std::chrono::seconds(30)));
  std::optional<Result<HistoryStream>> stream(client_->StreamHistory("slow"));
  ASSERT_THAT(*stream, IsOk());
  ASSERT_TRUE(fake_.WaitForCalls("StreamInstanceHistory", 1));

  std::atomic<bool> closed{false};
  std::thread closer([this, &closed] {
    client_->Close();
    closed = true;
  });
  EXPECT_THAT((*stream)->Next(), HasCode(StatusCode::kCancelled));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_FALSE(closed.load()) << "Close returned while the stream was still held";
  stream.reset();
  closer.join();
  EXPECT_TRUE(closed.load());
}

TEST_F(History, MovedFromStreamReportsFailedPrecondition) {
  Result<HistoryStream> stream = client_->StreamHistory("x");
  ASSERT_THAT(stream, IsOk());
  HistoryStream taken = std::move(*stream);
  EXPECT_THAT(stream->Next(), HasCode(StatusCode::kFailedPrecondition));
  Result<std::optional<HistoryEvent>> end = taken.Next();
  ASSERT_THAT(end, IsOk());
  EXPECT_FALSE(end->has_value());
}

}  // namespace
}  // namespace durabletask
