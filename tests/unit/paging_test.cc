// Pagers: pages are fetched only when needed, the walk stops at the missing token, and an
// error ends it.
#include <string>
#include <vector>

#include "test_support.h"

namespace durabletask {
namespace {

using unit::FakeSidecar;
using unit::HasCode;
using unit::IsOk;
using unit::Reply;

::QueryInstancesResponse InstancesPage(const std::vector<std::string>& ids,
                                       const std::optional<std::string>& next) {
  ::QueryInstancesResponse page;
  for (const std::string& id : ids) page.add_orchestration_state()->set_instance_id(id);
  if (next) page.mutable_continuation_token()->set_value(*next);
  return page;
}

class Paging : public unit::FakeClientTest {};

TEST_F(Paging, QueryPagerFetchesLazilyAndStopsAtTheMissingToken) {
  fake_.Enqueue("QueryInstances", Reply::With(InstancesPage({"a", "b"}, "t2")));
  fake_.Enqueue("QueryInstances", Reply::With(InstancesPage({"c"}, "t3")));
  fake_.Enqueue("QueryInstances", Reply::With(InstancesPage({"d", "e"}, std::nullopt)));

  InstanceQuery query;
  query.page_size = 2;
  query.statuses = {RuntimeStatus::kRunning};
  Pager<OrchestrationMetadata> pager = client_->QueryInstances(query);
  EXPECT_EQ(pager.pages_fetched(), 0);
  EXPECT_EQ(fake_.CallCount("QueryInstances"), 0);

  std::vector<std::pair<std::string, int>> walked;
  for (;;) {
    Result<std::optional<OrchestrationMetadata>> next = pager.Next();
    ASSERT_THAT(next, IsOk());
    if (!next->has_value()) break;
    walked.emplace_back((*next)->instance_id, pager.pages_fetched());
  }

  // Each page is fetched when the first of its items is asked for, not before.
  EXPECT_EQ(walked, (std::vector<std::pair<std::string, int>>{
                        {"a", 1}, {"b", 1}, {"c", 2}, {"d", 3}, {"e", 3}}));
  EXPECT_EQ(pager.pages_fetched(), 3);

  auto requests = fake_.Requests<::QueryInstancesRequest>("QueryInstances");
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_FALSE(requests[0].query().has_continuation_token());
  EXPECT_EQ(requests[1].query().continuation_token().value(), "t2");
  EXPECT_EQ(requests[2].query().continuation_token().value(), "t3");
  for (const auto& request : requests) {
    EXPECT_EQ(request.query().max_instance_count(), 2);
    EXPECT_EQ(request.query().runtime_status_size(), 1);
  }

  Result<std::optional<OrchestrationMetadata>> after_end = pager.Next();
  ASSERT_THAT(after_end, IsOk());
  EXPECT_FALSE(after_end->has_value());
  EXPECT_EQ(fake_.CallCount("QueryInstances"), 3);
}

TEST_F(Paging, QueryPagerStartsAtTheQuerysContinuationToken) {
  fake_.Enqueue("QueryInstances", Reply::With(InstancesPage({"z"}, std::nullopt)));
  InstanceQuery query;
  query.continuation_token = "resume-here";
  Pager<OrchestrationMetadata> pager = client_->QueryInstances(query);
  ASSERT_THAT(pager.Next(), IsOk());
  EXPECT_EQ(fake_.LastCall("QueryInstances")
                .As<::QueryInstancesRequest>()
                .query()
                .continuation_token()
                .value(),
            "resume-here");
}

TEST_F(Paging, EmptyPagesInTheMiddleAreSkipped) {
  fake_.Enqueue("QueryInstances", Reply::With(InstancesPage({}, "t2")));
  fake_.Enqueue("QueryInstances", Reply::With(InstancesPage({"only"}, std::nullopt)));

  Pager<OrchestrationMetadata> pager = client_->QueryInstances(InstanceQuery{});
  Result<std::optional<OrchestrationMetadata>> first = pager.Next();
  ASSERT_THAT(first, IsOk());
  ASSERT_TRUE(first->has_value());
  EXPECT_EQ((*first)->instance_id, "only");
  EXPECT_EQ(pager.pages_fetched(), 2);
}

TEST_F(Paging, ErrorMidwayEndsTheWalkWithTheError) {
  fake_.Enqueue("QueryInstances", Reply::With(InstancesPage({"a"}, "t2")));
  fake_.Enqueue("QueryInstances", Reply::Fail(grpc::StatusCode::PERMISSION_DENIED, "denied"));
  fake_.Enqueue("QueryInstances", Reply::With(InstancesPage({"never"}, std::nullopt)));

  Pager<OrchestrationMetadata> pager = client_->QueryInstances(InstanceQuery{});
  Result<std::optional<OrchestrationMetadata>> first = pager.Next();
  ASSERT_THAT(first, IsOk());
  ASSERT_TRUE(first->has_value());

  Result<std::optional<OrchestrationMetadata>> failed = pager.Next();
  EXPECT_THAT(failed, HasCode(StatusCode::kPermissionDenied));

  Result<std::optional<OrchestrationMetadata>> after = pager.Next();
  ASSERT_THAT(after, IsOk());
  EXPECT_FALSE(after->has_value());
  EXPECT_EQ(fake_.CallCount("QueryInstances"), 2);
  EXPECT_EQ(pager.pages_fetched(), 1);
}

// ListInstanceIds is not served by Microsoft's sidecar; this fake is what proves the
// paging protocol (last_instance_key in, last_instance_key out).
TEST_F(Paging, InstanceIdPagerFollowsTheLastInstanceKey) {
  ::ListInstanceIdsResponse first;
  first.add_instance_ids("x1");
  first.add_instance_ids("x2");
  first.mutable_last_instance_key()->set_value("k2");
  ::ListInstanceIdsResponse second;
  second.add_instance_ids("x3");
  fake_.Enqueue("ListInstanceIds", Reply::With(first));
  fake_.Enqueue("ListInstanceIds", Reply::With(second));

  InstanceIdQuery query;
  query.page_size = 2;
  Pager<std::string> pager = client_->ListInstanceIds(query);
  std::vector<std::string> ids;
  for (;;) {
    Result<std::optional<std::string>> next = pager.Next();
    ASSERT_THAT(next, IsOk());
    if (!next->has_value()) break;
    ids.push_back(**next);
  }
  EXPECT_EQ(ids, (std::vector<std::string>{"x1", "x2", "x3"}));
  auto requests = fake_.Requests<::ListInstanceIdsRequest>("ListInstanceIds");
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_FALSE(requests[0].has_last_instance_key());
  EXPECT_EQ(requests[1].last_instance_key().value(), "k2");
  EXPECT_EQ(requests[1].page_size(), 2);
}

// QueryEntities is not served by Microsoft's sidecar; this fake is what proves the
// request mapping of every page.
TEST_F(Paging, EntityPagerCarriesTheQueryOnEveryPage) {
  ::QueryEntitiesResponse first;
  first.add_entities()->set_instance_id("@counter@a");
  first.mutable_continuation_token()->set_value("e2");
  ::QueryEntitiesResponse second;
  second.add_entities()->set_instance_id("@counter@b");
  fake_.Enqueue("QueryEntities", Reply::With(first));
  fake_.Enqueue("QueryEntities", Reply::With(second));

  EntityQuery query;
  query.instance_id_starts_with = "@counter@";
  query.include_state = true;
  query.page_size = 1;
  Pager<EntityMetadata> pager = client_->QueryEntities(query);
  std::vector<std::string> ids;
  for (;;) {
    Result<std::optional<EntityMetadata>> next = pager.Next();
    ASSERT_THAT(next, IsOk());
    if (!next->has_value()) break;
    ids.push_back((*next)->instance_id);
  }
  EXPECT_EQ(ids, (std::vector<std::string>{"@counter@a", "@counter@b"}));
  auto requests = fake_.Requests<::QueryEntitiesRequest>("QueryEntities");
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_FALSE(requests[0].query().has_continuation_token());
  EXPECT_EQ(requests[1].query().continuation_token().value(), "e2");
  for (const auto& request : requests) {
    EXPECT_EQ(request.query().instance_id_starts_with().value(), "@counter@");
    EXPECT_TRUE(request.query().include_state());
    EXPECT_EQ(request.query().page_size().value(), 1);
  }
}

TEST(Pager, FetchesOnlyWhenTheCurrentPageIsUsedUp) {
  std::vector<std::string> tokens_seen;
  Pager<int> pager(
      [&tokens_seen](const std::string& token) -> Result<Page<int>> {
        tokens_seen.push_back(token);
        if (token == "start") return Page<int>{{1, 2}, std::string("p2")};
        if (token == "p2") return Page<int>{{3}, std::string("p3")};
        return Page<int>{{4}, std::nullopt};
      },
      "start");

  EXPECT_EQ(pager.pages_fetched(), 0);
  EXPECT_EQ(**pager.Next(), 1);
  EXPECT_EQ(pager.pages_fetched(), 1);
  EXPECT_EQ(**pager.Next(), 2);
  EXPECT_EQ(pager.pages_fetched(), 1);
  EXPECT_EQ(**pager.Next(), 3);
  EXPECT_EQ(pager.pages_fetched(), 2);
  EXPECT_EQ(**pager.Next(), 4);
  EXPECT_EQ(pager.pages_fetched(), 3);
  EXPECT_FALSE(pager.Next()->has_value());
  EXPECT_EQ(tokens_seen, (std::vector<std::string>{"start", "p2", "p3"}));
}

TEST(Pager, ErrorIsReturnedOnceAndThenTheWalkIsOver) {
  int fetches = 0;
  Pager<int> pager(
      [&fetches](const std::string&) -> Result<Page<int>> {
        ++fetches;
        return Status(StatusCode::kInternal, "broken");
      },
      "");
  EXPECT_THAT(pager.Next(), HasCode(StatusCode::kInternal));
  Result<std::optional<int>> after = pager.Next();
  ASSERT_THAT(after, IsOk());
  EXPECT_FALSE(after->has_value());
  EXPECT_EQ(fetches, 1);
}

}  // namespace
}  // namespace durabletask
