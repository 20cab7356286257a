// Conversions between the protocol's messages and the library's value types.
#ifndef DURABLETASK_SRC_CLIENT_CODEC_H_
#define DURABLETASK_SRC_CLIENT_CODEC_H_

#include <optional>
#include <string>
#include <vector>

#include "durabletask/types.h"
#include "task_hub_sidecar.pb.h"

namespace durabletask::internal {

google::protobuf::Timestamp ToTimestamp(TimePoint time);
TimePoint FromTimestamp(const google::protobuf::Timestamp& timestamp);

OrchestrationMetadata FromProto(const ::OrchestrationState& state);
FailureDetails FromProto(const ::TaskFailureDetails& failure);
HistoryEvent FromProto(const ::HistoryEvent& event);
EntityMetadata FromProto(const ::EntityMetadata& entity);

::OrchestrationStatus ToProto(RuntimeStatus status);

// The protocol's reuse policy lists what may be replaced: every status not deduplicated.
::OrchestrationIdReusePolicy ReusePolicyFor(const std::vector<RuntimeStatus>& dedupe_statuses);

}  // namespace durabletask::internal

#endif  // DURABLETASK_SRC_CLIENT_CODEC_H_
