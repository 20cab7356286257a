// ValidateOptions outside TLS (see tls_rules_test.cc): limits, signs and header safety.
#include <string>

#include "test_support.h"

namespace durabletask {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using unit::HasCode;
using unit::IsOk;

TEST(ValidateOptions, LibraryDefaultsAreValid) {
  EXPECT_THAT(ValidateOptions(ClientOptions{}), IsOk());
}

TEST(ValidateOptions, MalformedAddressIsRejectedNamingTheAddress) {
  ClientOptions options;
  options.address = "localhost";
  Status status = ValidateOptions(options);
  EXPECT_THAT(status, HasCode(StatusCode::kInvalidArgument));
  EXPECT_THAT(status.message(), HasSubstr("'localhost'"));
  EXPECT_THAT(status.message(), HasSubstr("port"));
}

TEST(ValidateOptions, MaxAttemptsBelowOneIsRejected) {
  ClientOptions options;
  options.retry.max_attempts = 0;
  Status status = ValidateOptions(options);
  EXPECT_THAT(status, HasCode(StatusCode::kInvalidArgument));
  EXPECT_THAT(status.message(), HasSubstr("max_attempts"));

  options.retry.max_attempts = 1;
  EXPECT_THAT(ValidateOptions(options), IsOk());
}

TEST(ValidateOptions, NegativeBackoffIsRejected) {
  ClientOptions options;
  options.retry.initial_backoff = std::chrono::milliseconds(-1);
  EXPECT_THAT(ValidateOptions(options), HasCode(StatusCode::kInvalidArgument));

  options = ClientOptions{};
  options.retry.max_backoff = std::chrono::milliseconds(-1);
  EXPECT_THAT(ValidateOptions(options), HasCode(StatusCode::kInvalidArgument));
}

TEST(ValidateOptions, BackoffMultiplierBelowOneIsRejected) {
  ClientOptions options;
  options.retry.backoff_multiplier = 0.5;
  Status status = ValidateOptions(options);
  EXPECT_THAT(status, HasCode(StatusCode::kInvalidArgument));
  EXPECT_THAT(status.message(), HasSubstr("backoff_multiplier"));
}

TEST(ValidateOptions, NegativeDurationsAreRejected) {
  ClientOptions options;
  options.default_deadline = std::chrono::milliseconds(-1);
  EXPECT_THAT(ValidateOptions(options), HasCode(StatusCode::kInvalidArgument));

  options = ClientOptions{};
  options.token_refresh_margin = std::chrono::milliseconds(-1);
  EXPECT_THAT(ValidateOptions(options), HasCode(StatusCode::kInvalidArgument));

  options = ClientOptions{};
  options.keepalive.time = std::chrono::milliseconds(-1);
  EXPECT_THAT(ValidateOptions(options), HasCode(StatusCode::kInvalidArgument));

  options = ClientOptions{};
  options.keepalive.timeout = std::chrono::milliseconds(-1);
  EXPECT_THAT(ValidateOptions(options), HasCode(StatusCode::kInvalidArgument));
}

TEST(ValidateOptions, NegativeMessageSizeLimitsAreRejected) {
  ClientOptions options;
  options.max_send_message_size = -1;
  EXPECT_THAT(ValidateOptions(options), HasCode(StatusCode::kInvalidArgument));

  options = ClientOptions{};
  options.max_receive_message_size = -1;
  EXPECT_THAT(ValidateOptions(options), HasCode(StatusCode::kInvalidArgument));
}

TEST(ValidateOptions, TaskHubOfAtMost256BytesIsAcceptedAndLongerIsRejected) {
  ClientOptions options;
  options.task_hub = std::string(256, 'h');
  EXPECT_THAT(ValidateOptions(options), IsOk());

  options.task_hub = std::string(257, 'h');
  Status status = ValidateOptions(options);
  EXPECT_THAT(status, HasCode(StatusCode::kInvalidArgument));
  EXPECT_THAT(status.message(), HasSubstr("257"));
  EXPECT_THAT(status.message(), HasSubstr("256"));
}

TEST(ValidateOptions, TaskHubThatCannotTravelAsAHeaderIsRejected) {
  ClientOptions options;
  options.task_hub = "hub\nx-injected: 1";
  EXPECT_THAT(ValidateOptions(options), HasCode(StatusCode::kInvalidArgument));

  options.task_hub = "h\xC3\xA9";  // UTF-8, but not printable ASCII
  EXPECT_THAT(ValidateOptions(options), HasCode(StatusCode::kInvalidArgument));
}

TEST(ValidateOptions, UserAgentSuffixWithControlCharactersIsRejected) {
  ClientOptions options;
  options.user_agent_suffix = "app/1.0\r\n";
  Status status = ValidateOptions(options);
  EXPECT_THAT(status, HasCode(StatusCode::kInvalidArgument));
  EXPECT_THAT(status.message(), HasSubstr("user agent"));
}

TEST(ValidateOptions, MalformedBearerTokenIsRejectedWithoutEchoingIt) {
  ClientOptions options;
  options.address = "https://example.com";
  options.bearer_token = "s3cr3t\n";
  Status status = ValidateOptions(options);
  EXPECT_THAT(status, HasCode(StatusCode::kInvalidArgument));
  EXPECT_THAT(status.message(), HasSubstr("bearer token"));
  EXPECT_THAT(status.message(), Not(HasSubstr("s3cr3t")));
}

TEST(ValidateOptions, DefaultVersionMustBeUtf8) {
  ClientOptions options;
  options.default_version = "1.\xFF";
  Status status = ValidateOptions(options);
  EXPECT_THAT(status, HasCode(StatusCode::kInvalidArgument));
  EXPECT_THAT(status.message(), HasSubstr("default version"));
}

TEST(ClientCreate, InvalidOptionsFailCreationWithTheValidationError) {
  ClientOptions options;
  options.retry.max_attempts = 0;
  Result<std::unique_ptr<Client>> client = Client::Create(options);
  EXPECT_THAT(client, HasCode(StatusCode::kInvalidArgument));
  EXPECT_THAT(client.status().message(), HasSubstr("max_attempts"));
}

TEST(ClientCreate, ClientKeepsItsOptionsAndTaskHub) {
  ClientOptions options;
  options.address = "localhost:4001";
  options.task_hub = "orders";
  options.default_version = "2.1";
  std::unique_ptr<Client> client = unit::MakeClient(options);
  ASSERT_NE(client, nullptr);
  EXPECT_EQ(client->task_hub(), "orders");
  EXPECT_EQ(client->options().address, "localhost:4001");
  EXPECT_EQ(client->options().default_version, "2.1");
}

}  // namespace
}  // namespace durabletask
