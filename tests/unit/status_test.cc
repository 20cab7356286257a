// Status values, code names, and the names of the library's other enumerations.
#include <grpcpp/grpcpp.h>

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "test_support.h"

namespace durabletask {
namespace {

using unit::HasCode;
using unit::IsOk;

TEST(StatusCodeName, EveryCodeHasItsStableLowercaseName) {
  const std::vector<std::pair<StatusCode, std::string>> expected = {
      {StatusCode::kOk, "ok"},
      {StatusCode::kCancelled, "cancelled"},
      {StatusCode::kUnknown, "unknown"},
      {StatusCode::kInvalidArgument, "invalid_argument"},
      {StatusCode::kDeadlineExceeded, "deadline_exceeded"},
      {StatusCode::kNotFound, "not_found"},
      {StatusCode::kAlreadyExists, "already_exists"},
      {StatusCode::kPermissionDenied, "permission_denied"},
      {StatusCode::kResourceExhausted, "resource_exhausted"},
      {StatusCode::kFailedPrecondition, "failed_precondition"},
      {StatusCode::kAborted, "aborted"},
      {StatusCode::kOutOfRange, "out_of_range"},
      {StatusCode::kUnimplemented, "unimplemented"},
      {StatusCode::kInternal, "internal"},
      {StatusCode::kUnavailable, "unavailable"},
      {StatusCode::kDataLoss, "data_loss"},
      {StatusCode::kUnauthenticated, "unauthenticated"},
      {StatusCode::kNotConfigured, "not_configured"},
  };
  std::set<std::string> seen;
  for (const auto& [code, name] : expected) {
    EXPECT_EQ(StatusCodeName(code), name);
    seen.insert(StatusCodeName(code));
  }
  EXPECT_EQ(seen.size(), expected.size());
}

TEST(StatusCodeName, ValueOutsideTheEnumerationIsUnknown) {
  EXPECT_STREQ(StatusCodeName(static_cast<StatusCode>(77)), "unknown");
}

TEST(StatusCode, ProtocolCodesShareGrpcNumbering) {
  EXPECT_EQ(static_cast<int>(StatusCode::kCancelled), grpc::StatusCode::CANCELLED);
  EXPECT_EQ(static_cast<int>(StatusCode::kInvalidArgument), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(static_cast<int>(StatusCode::kDeadlineExceeded), grpc::StatusCode::DEADLINE_EXCEEDED);
  EXPECT_EQ(static_cast<int>(StatusCode::kNotFound), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(static_cast<int>(StatusCode::kFailedPrecondition),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(static_cast<int>(StatusCode::kUnavailable), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(static_cast<int>(StatusCode::kUnauthenticated), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_GT(static_cast<int>(StatusCode::kNotConfigured), 16);
}

TEST(Status, DefaultIsOk) {
  Status status;
  EXPECT_TRUE(status.ok());
  EXPECT_EQ(status.code(), StatusCode::kOk);
  EXPECT_EQ(status.message(), "");
  EXPECT_TRUE(Status::Ok().ok());
}

TEST(Status, ToStringIsCodeNameThenMessage) {
  EXPECT_EQ(Status().ToString(), "ok");
  EXPECT_EQ(Status(StatusCode::kNotFound, "instance 'abc' in task hub 'orders'").ToString(),
            "not_found: instance 'abc' in task hub 'orders'");
}

TEST(Result, HoldsAValueWhenOk) {
  Result<std::string> result(std::string("id-1"));
  EXPECT_THAT(result, IsOk());
  EXPECT_EQ(*result, "id-1");
  EXPECT_EQ(result->size(), 4u);
  std::string moved = std::move(result).value();
  EXPECT_EQ(moved, "id-1");
}

TEST(Result, HoldsTheStatusWhenFailed) {
  Result<int> result(Status(StatusCode::kAborted, "conflict"));
  EXPECT_FALSE(result.ok());
  EXPECT_THAT(result, HasCode(StatusCode::kAborted));
  EXPECT_EQ(result.status().message(), "conflict");
}

TEST(RuntimeStatus, NamesFollowTheProtocol) {
  EXPECT_STREQ(RuntimeStatusName(RuntimeStatus::kRunning), "Running");
  EXPECT_STREQ(RuntimeStatusName(RuntimeStatus::kCompleted), "Completed");
  EXPECT_STREQ(RuntimeStatusName(RuntimeStatus::kContinuedAsNew), "ContinuedAsNew");
  EXPECT_STREQ(RuntimeStatusName(RuntimeStatus::kFailed), "Failed");
  EXPECT_STREQ(RuntimeStatusName(RuntimeStatus::kCanceled), "Canceled");
  EXPECT_STREQ(RuntimeStatusName(RuntimeStatus::kTerminated), "Terminated");
  EXPECT_STREQ(RuntimeStatusName(RuntimeStatus::kPending), "Pending");
  EXPECT_STREQ(RuntimeStatusName(RuntimeStatus::kSuspended), "Suspended");
  EXPECT_STREQ(RuntimeStatusName(static_cast<RuntimeStatus>(42)), "Unknown");
}

TEST(RuntimeStatus, NumberingMatchesTheProtocolEnumeration) {
  EXPECT_EQ(static_cast<int>(RuntimeStatus::kRunning), ::ORCHESTRATION_STATUS_RUNNING);
  EXPECT_EQ(static_cast<int>(RuntimeStatus::kCompleted), ::ORCHESTRATION_STATUS_COMPLETED);
  EXPECT_EQ(static_cast<int>(RuntimeStatus::kContinuedAsNew),
            ::ORCHESTRATION_STATUS_CONTINUED_AS_NEW);
  EXPECT_EQ(static_cast<int>(RuntimeStatus::kFailed), ::ORCHESTRATION_STATUS_FAILED);
  EXPECT_EQ(static_cast<int>(RuntimeStatus::kCanceled), ::ORCHESTRATION_STATUS_CANCELED);
  EXPECT_EQ(static_cast<int>(RuntimeStatus::kTerminated), ::ORCHESTRATION_STATUS_TERMINATED);
  EXPECT_EQ(static_cast<int>(RuntimeStatus::kPending), ::ORCHESTRATION_STATUS_PENDING);
  EXPECT_EQ(static_cast<int>(RuntimeStatus::kSuspended), ::ORCHESTRATION_STATUS_SUSPENDED);
}

TEST(RuntimeStatus, OnlyCompletedFailedTerminatedAndCanceledAreTerminal) {
  EXPECT_TRUE(IsTerminal(RuntimeStatus::kCompleted));
  EXPECT_TRUE(IsTerminal(RuntimeStatus::kFailed));
  EXPECT_TRUE(IsTerminal(RuntimeStatus::kTerminated));
  EXPECT_TRUE(IsTerminal(RuntimeStatus::kCanceled));
  EXPECT_FALSE(IsTerminal(RuntimeStatus::kRunning));
  EXPECT_FALSE(IsTerminal(RuntimeStatus::kPending));
  EXPECT_FALSE(IsTerminal(RuntimeStatus::kSuspended));
  EXPECT_FALSE(IsTerminal(RuntimeStatus::kContinuedAsNew));
}

TEST(HistoryEventKindName, EveryKindIsNamed) {
  EXPECT_STREQ(HistoryEventKindName(HistoryEventKind::kUnknown), "Unknown");
  EXPECT_STREQ(HistoryEventKindName(HistoryEventKind::kExecutionStarted), "ExecutionStarted");
  EXPECT_STREQ(HistoryEventKindName(HistoryEventKind::kTimerFired), "TimerFired");
  EXPECT_STREQ(HistoryEventKindName(HistoryEventKind::kExecutionRewound), "ExecutionRewound");
  std::set<std::string> names;
  for (int kind = 0; kind <= static_cast<int>(HistoryEventKind::kExecutionRewound); ++kind) {
    names.insert(HistoryEventKindName(static_cast<HistoryEventKind>(kind)));
  }
  EXPECT_EQ(names.size(), static_cast<size_t>(HistoryEventKind::kExecutionRewound) + 1);
  EXPECT_STREQ(HistoryEventKindName(static_cast<HistoryEventKind>(99)), "Unknown");
}

TEST(HealthStateName, EveryStateIsNamed) {
  EXPECT_STREQ(HealthStateName(HealthState::kReachable), "reachable");
  EXPECT_STREQ(HealthStateName(HealthState::kUnreachable), "unreachable");
  EXPECT_STREQ(HealthStateName(HealthState::kNotFound), "not_found");
}

TEST(Version, RuntimeVersionMatchesTheHeader) {
  EXPECT_STREQ(Version(), DURABLETASK_VERSION_STRING);
}

}  // namespace
}  // namespace durabletask
