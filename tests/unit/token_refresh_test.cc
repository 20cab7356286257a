// Bearer tokens from a TokenProvider: shared refreshes, the refresh margin, failures.
#include <atomic>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "test_support.h"
#include "transport/token_cache.h"

namespace durabletask {
namespace {

using std::chrono::milliseconds;
using ::testing::HasSubstr;
using unit::FakeSidecar;
using unit::HasCode;
using unit::IsOk;

// Hands out "tok-1", "tok-2", ... each valid for `lifetime`, counting the calls.
struct CountingProvider {
  std::shared_ptr<std::atomic<int>> calls = std::make_shared<std::atomic<int>>(0);
  milliseconds lifetime = std::chrono::hours(1);
  milliseconds work = milliseconds(0);

  TokenProvider provider() const {
    auto counter = calls;
    milliseconds valid_for = lifetime;
    milliseconds takes = work;
    return [counter, valid_for, takes]() -> Result<AccessToken> {
      int number = ++*counter;
      if (takes.count() > 0) std::this_thread::sleep_for(takes);
      return AccessToken{"tok-" + std::to_string(number), Clock::now() + valid_for};
    };
  }
};

class TokenRefresh : public ::testing::Test {
 protected:
  std::unique_ptr<Client> ClientWith(TokenProvider provider,
                                     milliseconds margin = std::chrono::minutes(5)) {
    ClientOptions options = unit::FakeOptions(fake_);
    options.token_provider = std::move(provider);
    options.token_refresh_margin = margin;
    options.allow_insecure_credentials = true;
    return unit::MakeClient(options);
  }

  std::vector<std::string> AuthorizationHeaders() const {
    std::vector<std::string> headers;
    for (const auto& call : fake_.Calls()) headers.push_back(call.Header("authorization"));
    return headers;
  }

  FakeSidecar fake_;
};

TEST_F(TokenRefresh, SixteenConcurrentCallsShareExactlyOneRefresh) {
  CountingProvider tokens;
  tokens.work = milliseconds(100);
  std::unique_ptr<Client> client = ClientWith(tokens.provider());
  ASSERT_NE(client, nullptr);

  std::promise<void> go;
  std::shared_future<void> start = go.get_future().share();
  std::atomic<int> succeeded{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 16; ++i) {
    threads.emplace_back([&client, &succeeded, start] {
      start.wait();
      if (client->Ping().ok()) ++succeeded;
    });
  }
  go.set_value();
  for (std::thread& thread : threads) thread.join();

  EXPECT_EQ(succeeded.load(), 16);
  EXPECT_EQ(tokens.calls->load(), 1);
  std::vector<std::string> headers = AuthorizationHeaders();
  ASSERT_EQ(headers.size(), 16u);
  for (const std::string& header : headers) EXPECT_EQ(header, "Bearer tok-1");
}

TEST_F(TokenRefresh, TokenOutsideTheMarginIsReused) {
  CountingProvider tokens;
  std::unique_ptr<Client> client = ClientWith(tokens.provider());
  ASSERT_NE(client, nullptr);

  for (int i = 0; i < 3; ++i) ASSERT_THAT(client->Ping(), IsOk());
  EXPECT_EQ(tokens.calls->load(), 1);
  EXPECT_EQ(AuthorizationHeaders(),
            (std::vector<std::string>{"Bearer tok-1", "Bearer tok-1", "Bearer tok-1"}));
}

TEST_F(TokenRefresh, TokenWithinTheRefreshMarginIsRefreshedBeforeUse) {
  CountingProvider tokens;
  tokens.lifetime = std::chrono::minutes(1);
  std::unique_ptr<Client> client = ClientWith(tokens.provider(), std::chrono::minutes(5));
  ASSERT_NE(client, nullptr);

  ASSERT_THAT(client->Ping(), IsOk());
  ASSERT_THAT(client->Ping(), IsOk());
  EXPECT_EQ(tokens.calls->load(), 2);
  EXPECT_EQ(AuthorizationHeaders(), (std::vector<std::string>{"Bearer tok-1", "Bearer tok-2"}));
}

TEST_F(TokenRefresh, ProviderFailureFailsTheCallAndSendsNothing) {
  std::unique_ptr<Client> client = ClientWith(
      [] { return Result<AccessToken>(Status(StatusCode::kUnauthenticated, "vault sealed")); });
  ASSERT_NE(client, nullptr);

  Status status = client->RaiseEvent("i", "e");
  EXPECT_THAT(status, HasCode(StatusCode::kUnauthenticated));
  EXPECT_THAT(status.message(), HasSubstr("token refresh failed"));
  EXPECT_THAT(status.message(), HasSubstr("vault sealed"));
  EXPECT_EQ(fake_.CallCount(), 0);
}

TEST_F(TokenRefresh, ProviderErrorCodeIsKept) {
  std::unique_ptr<Client> client = ClientWith(
      [] { return Result<AccessToken>(Status(StatusCode::kPermissionDenied, "no role")); });
  ASSERT_NE(client, nullptr);
  EXPECT_THAT(client->Ping(), HasCode(StatusCode::kPermissionDenied));
}

TEST_F(TokenRefresh, EmptyOrMalformedTokenFailsWithUnauthenticated) {
  std::unique_ptr<Client> empty = ClientWith([] {
    return Result<AccessToken>(AccessToken{"", TimePoint::max()});
  });
  ASSERT_NE(empty, nullptr);
  EXPECT_THAT(empty->Ping(), HasCode(StatusCode::kUnauthenticated));

  std::unique_ptr<Client> malformed = ClientWith([] {
    return Result<AccessToken>(AccessToken{"a\r\nb", TimePoint::max()});
  });
  ASSERT_NE(malformed, nullptr);
  Status status = malformed->Ping();
  EXPECT_THAT(status, HasCode(StatusCode::kUnauthenticated));
  EXPECT_EQ(fake_.CallCount(), 0);
}

TEST_F(TokenRefresh, FailureIsNotCachedAndTheNextCallAsksAgain) {
  auto calls = std::make_shared<std::atomic<int>>(0);
  std::unique_ptr<Client> client = ClientWith([calls]() -> Result<AccessToken> {
    if (++*calls == 1) return Status(StatusCode::kUnavailable, "identity endpoint down");
    return AccessToken{"second", Clock::now() + std::chrono::hours(1)};
  });
  ASSERT_NE(client, nullptr);

  EXPECT_THAT(client->Ping(), HasCode(StatusCode::kUnavailable));
  EXPECT_THAT(client->Ping(), IsOk());
  EXPECT_EQ(calls->load(), 2);
  EXPECT_EQ(fake_.LastCall("Hello").Header("authorization"), "Bearer second");
}

TEST_F(TokenRefresh, AsyncCallReportsProviderFailureThroughItsCallback) {
  std::unique_ptr<Client> client = ClientWith(
      [] { return Result<AccessToken>(Status(StatusCode::kUnauthenticated, "expired secret")); });
  ASSERT_NE(client, nullptr);

  unit::StatusProbe probe;
  client->TerminateAsync("i", {}, {}, probe.Callback());
  ASSERT_TRUE(probe.Wait());
  EXPECT_THAT(probe.value(), HasCode(StatusCode::kUnauthenticated));
  EXPECT_NE(probe.thread(), std::this_thread::get_id());
  EXPECT_EQ(fake_.CallCount(), 0);
}

TEST_F(TokenRefresh, StreamedHistoryCarriesTheToken) {
  CountingProvider tokens;
  std::unique_ptr<Client> client = ClientWith(tokens.provider());
  ASSERT_NE(client, nullptr);
  ASSERT_THAT(client->GetHistory("h"), IsOk());
  EXPECT_EQ(fake_.LastCall("StreamInstanceHistory").Header("authorization"), "Bearer tok-1");
}

TEST(TokenCache, WaitersOfAFailedRefreshAllGetTheErrorFromOneProviderCall) {
  auto calls = std::make_shared<std::atomic<int>>(0);
  internal::TokenCache cache(
      [calls]() -> Result<AccessToken> {
        ++*calls;
        std::this_thread::sleep_for(milliseconds(100));
        return Status(StatusCode::kUnauthenticated, "nope");
      },
      milliseconds(0));

  std::promise<void> go;
  std::shared_future<void> start = go.get_future().share();
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&cache, &failures, start] {
      start.wait();
      if (cache.Get().status().code() == StatusCode::kUnauthenticated) ++failures;
    });
  }
  go.set_value();
  for (std::thread& thread : threads) thread.join();

  EXPECT_EQ(failures.load(), 8);
  // Threads that arrive after the failed refresh try again themselves, so only an upper
  // bound is certain; all eight starting together makes one call the usual outcome.
  EXPECT_GE(calls->load(), 1);
  EXPECT_LE(calls->load(), 8);
}

TEST(TokenCache, ExpiredTokenIsRefreshedAndAValidOneIsReused) {
  CountingProvider tokens;
  tokens.lifetime = milliseconds(300);
  internal::TokenCache cache(tokens.provider(), milliseconds(0));

  EXPECT_EQ(*cache.Get(), "Bearer tok-1");
  EXPECT_EQ(*cache.Get(), "Bearer tok-1");
  EXPECT_EQ(tokens.calls->load(), 1);
  std::this_thread::sleep_for(milliseconds(350));
  EXPECT_EQ(*cache.Get(), "Bearer tok-2");
  EXPECT_EQ(tokens.calls->load(), 2);
  EXPECT_EQ(cache.refresh_count(), 2);
}

TEST(TokenCache, HeaderValueIsBearerAndTheToken) {
  internal::TokenCache cache(
      [] {
        return Result<AccessToken>(AccessToken{"abc", Clock::now() + std::chrono::hours(1)});
      },
      std::chrono::minutes(5));
  Result<std::string> header = cache.Get();
  ASSERT_THAT(header, IsOk());
  EXPECT_EQ(*header, "Bearer abc");
  EXPECT_EQ(cache.refresh_count(), 1);
}

}  // namespace
}  // namespace durabletask
