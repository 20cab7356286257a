// Durable Task Scheduler connection strings: what is accepted, what is refused, and that
// refusals never repeat a secret.
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "test_support.h"

namespace durabletask {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using unit::HasCode;
using unit::IsOk;

TEST(ConnectionString, EndpointTaskHubAndNoAuthenticationAreApplied) {
  Result<ClientOptions> options =
      ParseConnectionString("Endpoint=http://localhost:8080;TaskHub=default;Authentication=None");
  ASSERT_THAT(options, IsOk());
  EXPECT_EQ(options->address, "http://localhost:8080");
  EXPECT_EQ(options->task_hub, "default");
  EXPECT_TRUE(options->bearer_token.empty());
  EXPECT_FALSE(options->token_provider);
  EXPECT_THAT(ValidateOptions(*options), IsOk());
}

TEST(ConnectionString, KeysAndAuthenticationKindAreCaseInsensitive) {
  Result<ClientOptions> options =
      ParseConnectionString("endpoint=https://dts.example.com;TASKHUB=orders;aUtHeNtIcAtIoN=NONE");
  ASSERT_THAT(options, IsOk());
  EXPECT_EQ(options->address, "https://dts.example.com");
  EXPECT_EQ(options->task_hub, "orders");
}

TEST(ConnectionString, WhitespaceAroundPartsAndATrailingSemicolonAreIgnored) {
  Result<ClientOptions> options = ParseConnectionString(
      "  Endpoint = http://localhost:8080 ; TaskHub = hub ;Authentication=None; ");
  ASSERT_THAT(options, IsOk());
  EXPECT_EQ(options->address, "http://localhost:8080");
  EXPECT_EQ(options->task_hub, "hub");
}

TEST(ConnectionString, TaskHubIsOptionalAndLeavesTheExistingHub) {
  ClientOptions options;
  options.task_hub = "kept";
  ASSERT_THAT(ApplyConnectionString("Endpoint=http://localhost:1;Authentication=None", &options),
              IsOk());
  EXPECT_EQ(options.task_hub, "kept");
}

TEST(ConnectionString, AccessTokenAuthenticationSetsTheBearerToken) {
  Result<ClientOptions> options = ParseConnectionString(
      "Endpoint=https://dts.example.com;TaskHub=t;Authentication=AccessToken;Token=abc.def==");
  ASSERT_THAT(options, IsOk());
  // A value may itself hold '=' (base64 padding): only the first one splits.
  EXPECT_EQ(options->bearer_token, "abc.def==");
  EXPECT_THAT(ValidateOptions(*options), IsOk());
}

TEST(ConnectionString, AccessTokenWithoutTokenIsRejected) {
  Result<ClientOptions> options =
      ParseConnectionString("Endpoint=https://dts.example.com;Authentication=AccessToken");
  EXPECT_THAT(options, HasCode(StatusCode::kInvalidArgument));
  EXPECT_THAT(options.status().message(), HasSubstr("Token="));
}

TEST(ConnectionString, TokenWithAuthenticationNoneIsRejectedWithoutEchoingIt) {
  Result<ClientOptions> options = ParseConnectionString(
      "Endpoint=https://dts.example.com;Authentication=None;Token=hunter2secret");
  EXPECT_THAT(options, HasCode(StatusCode::kInvalidArgument));
  EXPECT_THAT(options.status().message(), Not(HasSubstr("hunter2secret")));
}

TEST(ConnectionString, AuthenticationNoneClearsAnEarlierToken) {
  ClientOptions options;
  options.bearer_token = "old";
  options.token_provider = [] { return Result<AccessToken>(AccessToken{"old", TimePoint::max()}); };
  ASSERT_THAT(ApplyConnectionString("Endpoint=https://x.example.com;Authentication=None", &options),
              IsOk());
  EXPECT_TRUE(options.bearer_token.empty());
  EXPECT_FALSE(options.token_provider);
}

TEST(ConnectionString, TokenFileIsReadAtEveryRefresh) {
  char path[] = "/tmp/dt-token-XXXXXX";
  int fd = mkstemp(path);
  ASSERT_NE(fd, -1);
  close(fd);
  {
    std::ofstream file(path);
    file << "first-token\n";
  }

  Result<ClientOptions> options = ParseConnectionString(
      std::string("Endpoint=https://dts.example.com;Authentication=TokenFile;TokenFilePath=") +
      path);
  ASSERT_THAT(options, IsOk());
  ASSERT_TRUE(options->token_provider);
  Result<AccessToken> token = options->token_provider();
  ASSERT_THAT(token, IsOk());
  EXPECT_EQ(token->token, "first-token");
  EXPECT_GT(token->expires_at, Clock::now());

  {
    std::ofstream file(path, std::ios::trunc);
    file << "rotated-token";
  }
  token = options->token_provider();
  ASSERT_THAT(token, IsOk());
  EXPECT_EQ(token->token, "rotated-token");

  std::remove(path);
  token = options->token_provider();
  EXPECT_THAT(token, HasCode(StatusCode::kUnauthenticated));
}

TEST(ConnectionString, TokenFileWithoutPathIsRejected) {
  Result<ClientOptions> options =
      ParseConnectionString("Endpoint=https://dts.example.com;Authentication=TokenFile");
  EXPECT_THAT(options, HasCode(StatusCode::kInvalidArgument));
  EXPECT_THAT(options.status().message(), HasSubstr("TokenFilePath"));
}

TEST(ConnectionString, UnknownKeyIsRejectedNamingTheKey) {
  Result<ClientOptions> options =
      ParseConnectionString("Endpoint=http://localhost:1;Colour=blue;Authentication=None");
  EXPECT_THAT(options, HasCode(StatusCode::kInvalidArgument));
  EXPECT_THAT(options.status().message(), HasSubstr("'Colour'"));
}

TEST(ConnectionString, UnknownAuthenticationKindIsRejectedNamingTheKind) {
  Result<ClientOptions> options =
      ParseConnectionString("Endpoint=http://localhost:1;Authentication=Kerberos");
  EXPECT_THAT(options, HasCode(StatusCode::kInvalidArgument));
  EXPECT_THAT(options.status().message(), HasSubstr("'Kerberos'"));
}

TEST(ConnectionString, AzureIdentityKindsAreUnimplementedNamingTheKind) {
  const std::vector<std::string> kinds = {"DefaultAzure", "ManagedIdentity",  "WorkloadIdentity",
                                          "Environment",  "AzureCli",         "AzurePowerShell",
                                          "VisualStudio", "VisualStudioCode", "InteractiveBrowser"};
  for (const std::string& kind : kinds) {
    SCOPED_TRACE(kind);
    Result<ClientOptions> options = ParseConnectionString(
        "Endpoint=https://dts.example.com;TaskHub=t;Authentication=" + kind + ";ClientID=abc");
    EXPECT_THAT(options, HasCode(StatusCode::kUnimplemented));
    EXPECT_THAT(options.status().message(), HasSubstr("'" + kind + "'"));
    EXPECT_THAT(options.status().message(), HasSubstr("token_provider"));
  }
}

TEST(ConnectionString, MissingEndpointIsRejected) {
  Result<ClientOptions> options = ParseConnectionString("TaskHub=t;Authentication=None");
  EXPECT_THAT(options, HasCode(StatusCode::kInvalidArgument));
  EXPECT_THAT(options.status().message(), HasSubstr("Endpoint"));

  options = ParseConnectionString("Endpoint=;Authentication=None");
  EXPECT_THAT(options, HasCode(StatusCode::kInvalidArgument));
  EXPECT_THAT(options.status().message(), HasSubstr("Endpoint"));
}

TEST(ConnectionString, MissingAuthenticationIsRejected) {
  Result<ClientOptions> options = ParseConnectionString("Endpoint=http://localhost:1;TaskHub=t");
  EXPECT_THAT(options, HasCode(StatusCode::kInvalidArgument));
  EXPECT_THAT(options.status().message(), HasSubstr("Authentication"));
}

TEST(ConnectionString, PartWithoutEqualsIsRejectedWithoutEchoingThePart) {
  Result<ClientOptions> options =
      ParseConnectionString("Endpoint=http://localhost:1;orphan-s3cr3t;Authentication=None");
  EXPECT_THAT(options, HasCode(StatusCode::kInvalidArgument));
  EXPECT_THAT(options.status().message(), HasSubstr("'='"));
  EXPECT_THAT(options.status().message(), Not(HasSubstr("orphan-s3cr3t")));
}

TEST(ConnectionString, RepeatedKeyIsRejectedWhateverItsCase) {
  Result<ClientOptions> options =
      ParseConnectionString("Endpoint=http://localhost:1;TaskHub=a;taskhub=b;Authentication=None");
  EXPECT_THAT(options, HasCode(StatusCode::kInvalidArgument));
  EXPECT_THAT(options.status().message(), HasSubstr("repeats"));
  EXPECT_THAT(options.status().message(), HasSubstr("taskhub"));
}

TEST(ConnectionString, MalformedEndpointAddressIsRejected) {
  Result<ClientOptions> options =
      ParseConnectionString("Endpoint=ftp://files.example.com;Authentication=None");
  EXPECT_THAT(options, HasCode(StatusCode::kInvalidArgument));
  EXPECT_THAT(options.status().message(), HasSubstr("Endpoint"));
  EXPECT_THAT(options.status().message(), HasSubstr("ftp"));

  options = ParseConnectionString("Endpoint=localhost;Authentication=None");
  EXPECT_THAT(options, HasCode(StatusCode::kInvalidArgument));
}

TEST(ConnectionString, InvalidUtf8IsRejected) {
  Result<ClientOptions> options =
      ParseConnectionString("Endpoint=http://localhost:1;TaskHub=\xC3\x28;Authentication=None");
  EXPECT_THAT(options, HasCode(StatusCode::kInvalidArgument));
  EXPECT_THAT(options.status().message(), HasSubstr("UTF-8"));
}

TEST(ConnectionString, EmptyStringIsRejected) {
  EXPECT_THAT(ParseConnectionString(""), HasCode(StatusCode::kInvalidArgument));
  EXPECT_THAT(ParseConnectionString("  ;  "), HasCode(StatusCode::kInvalidArgument));
}

TEST(ConnectionString, NullOptionsAreRejected) {
  EXPECT_THAT(ApplyConnectionString("Endpoint=http://localhost:1;Authentication=None", nullptr),
              HasCode(StatusCode::kInvalidArgument));
}

TEST(ConnectionString, FailureLeavesTheOptionsUntouched) {
  ClientOptions options;
  options.address = "localhost:9";
  options.task_hub = "kept";
  options.bearer_token = "kept-token";
  Status status = ApplyConnectionString(
      "Endpoint=https://dts.example.com;TaskHub=new;Authentication=Kerberos", &options);
  ASSERT_THAT(status, HasCode(StatusCode::kInvalidArgument));
  EXPECT_EQ(options.address, "localhost:9");
  EXPECT_EQ(options.task_hub, "kept");
  EXPECT_EQ(options.bearer_token, "kept-token");
}

TEST(ConnectionString, SuccessKeepsOptionsTheStringDoesNotMention) {
  ClientOptions options;
  options.retry.max_attempts = 3;
  options.user_agent_suffix = "app/1";
  ASSERT_THAT(ApplyConnectionString("Endpoint=http://localhost:1;Authentication=None", &options),
              IsOk());
  EXPECT_EQ(options.retry.max_attempts, 3);
  EXPECT_EQ(options.user_agent_suffix, "app/1");
}

TEST(ConnectionString, SecretNeverAppearsInAnErrorMessage) {
  const std::string secret = "TOPSECRET-abc123";
  const std::vector<std::string> malformed = {
      "Endpoint=https://x.example.com;Authentication=AccessToken;Token=" + secret + ";Colour=1",
      "Endpoint=not an address;Authentication=AccessToken;Token=" + secret,
      "Authentication=AccessToken;Token=" + secret,
      "Endpoint=https://x.example.com;Authentication=AccessToken;Token=" + secret +
          ";Token=" + secret,
      "Endpoint=https://x.example.com;Authentication=ManagedIdentity;Token=" + secret,
      "Endpoint=https://x.example.com;Authentication=Bogus;Token=" + secret,
      "Endpoint=https://x.example.com;Authentication=None;Token=" + secret,
      "Endpoint=https://x.example.com;Authentication=AccessToken;" + secret,
      "Endpoint=https://x.example.com;Authentication=AccessToken;Token=" + secret + "\xFF",
  };
  for (const std::string& text : malformed) {
    SCOPED_TRACE(text);
    Result<ClientOptions> options = ParseConnectionString(text);
    ASSERT_FALSE(options.ok());
    EXPECT_THAT(options.status().message(), Not(HasSubstr(secret)));
    EXPECT_THAT(options.status().ToString(), Not(HasSubstr(secret)));
  }
}

TEST(ConnectionString, TokenOverPlaintextEndpointIsRefusedWhenTheClientIsCreated) {
  Result<ClientOptions> options =
      ParseConnectionString("Endpoint=http://localhost:8080;Authentication=AccessToken;Token=tok");
  ASSERT_THAT(options, IsOk());
  Result<std::unique_ptr<Client>> client = Client::Create(*options);
  EXPECT_THAT(client, HasCode(StatusCode::kInvalidArgument));
  EXPECT_THAT(client.status().message(), HasSubstr("allow_insecure_credentials"));
}

}  // namespace
}  // namespace durabletask
