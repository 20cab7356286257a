// Which combinations of address, TLS material and credentials a client accepts, and what
// channel settings they lead to.
#include "test_support.h"
#include "transport/channel_pool.h"

namespace durabletask {
namespace {

using internal::ChannelSettings;
using ::testing::HasSubstr;
using ::testing::Not;
using unit::HasCode;
using unit::IsOk;

constexpr const char* kChain = "-----BEGIN CERTIFICATE-----\nchain\n-----END CERTIFICATE-----\n";
constexpr const char* kKey = "-----BEGIN PRIVATE KEY-----\nkey\n-----END PRIVATE KEY-----\n";
constexpr const char* kRoots = "-----BEGIN CERTIFICATE-----\nroot\n-----END CERTIFICATE-----\n";

TEST(TlsRules, BearerTokenOverPlaintextIsRefused) {
  ClientOptions options;
  options.address = "localhost:4001";
  options.bearer_token = "never-in-messages";
  Status status = ValidateOptions(options);
  EXPECT_THAT(status, HasCode(StatusCode::kInvalidArgument));
  EXPECT_THAT(status.message(), HasSubstr("allow_insecure_credentials"));
  EXPECT_THAT(status.message(), Not(HasSubstr("never-in-messages")));

  options.address = "http://localhost:4001";
  EXPECT_THAT(ValidateOptions(options), HasCode(StatusCode::kInvalidArgument));

  options.address = "unix:/tmp/sidecar.sock";
  EXPECT_THAT(ValidateOptions(options), HasCode(StatusCode::kInvalidArgument));
}

TEST(TlsRules, TokenProviderOverPlaintextIsRefused) {
  ClientOptions options;
  options.address = "http://localhost:4001";
  options.token_provider = [] { return Result<AccessToken>(AccessToken{"t", TimePoint::max()}); };
  EXPECT_THAT(ValidateOptions(options), HasCode(StatusCode::kInvalidArgument));
}

TEST(TlsRules, TokenOverPlaintextIsAllowedWhenExplicitlyPermitted) {
  ClientOptions options;
  options.address = "http://localhost:4001";
  options.bearer_token = "t";
  options.allow_insecure_credentials = true;
  EXPECT_THAT(ValidateOptions(options), IsOk());
}

TEST(TlsRules, HttpsWithTokenIsAccepted) {
  ClientOptions options;
  options.address = "https://dts.example.com";
  options.bearer_token = "t";
  EXPECT_THAT(ValidateOptions(options), IsOk());
}

TEST(TlsRules, BareHostWithTlsEnabledCarriesATokenSafely) {
  ClientOptions options;
  options.address = "dts.example.com:443";
  options.tls.enabled = true;
  options.bearer_token = "t";
  EXPECT_THAT(ValidateOptions(options), IsOk());
}

TEST(TlsRules, HttpSchemeWithTlsEnabledIsRefused) {
  ClientOptions options;
  options.address = "http://localhost:4001";
  options.tls.enabled = true;
  Status status = ValidateOptions(options);
  EXPECT_THAT(status, HasCode(StatusCode::kInvalidArgument));
  EXPECT_THAT(status.message(), HasSubstr("http://"));
}

TEST(TlsRules, HttpsSchemeNeedsNoTlsFlag) {
  ClientOptions options;
  options.address = "https://dts.example.com";
  options.tls.root_certificates_pem = kRoots;
  EXPECT_THAT(ValidateOptions(options), IsOk());
}

TEST(TlsRules, ClientCertificateChainWithoutKeyIsRefused) {
  ClientOptions options;
  options.address = "https://dts.example.com";
  options.tls.client_certificate_chain_pem = kChain;
  Status status = ValidateOptions(options);
  EXPECT_THAT(status, HasCode(StatusCode::kInvalidArgument));
  EXPECT_THAT(status.message(), HasSubstr("private key"));

  options.tls.client_certificate_chain_pem.clear();
  options.tls.client_private_key_pem = kKey;
  EXPECT_THAT(ValidateOptions(options), HasCode(StatusCode::kInvalidArgument));

  options.tls.client_certificate_chain_pem = kChain;
  EXPECT_THAT(ValidateOptions(options), IsOk());
}

TEST(TlsRules, TlsMaterialWithPlaintextAddressIsRefused) {
  ClientOptions options;
  options.address = "localhost:4001";
  options.tls.root_certificates_pem = kRoots;
  Status status = ValidateOptions(options);
  EXPECT_THAT(status, HasCode(StatusCode::kInvalidArgument));
  EXPECT_THAT(status.message(), HasSubstr("plaintext"));

  options.tls.root_certificates_pem.clear();
  options.tls.client_certificate_chain_pem = kChain;
  options.tls.client_private_key_pem = kKey;
  EXPECT_THAT(ValidateOptions(options), HasCode(StatusCode::kInvalidArgument));

  options.tls.enabled = true;
  EXPECT_THAT(ValidateOptions(options), IsOk());
}

TEST(TlsRules, ClientCreationEnforcesTheRules) {
  ClientOptions options;
  options.address = "http://localhost:4001";
  options.bearer_token = "t";
  EXPECT_THAT(Client::Create(options), HasCode(StatusCode::kInvalidArgument));
}

TEST(ChannelSettings, SchemeDecidesTlsAndBareHostFollowsTheFlag) {
  ClientOptions options;
  options.address = "https://dts.example.com";
  Result<ChannelSettings> settings = ChannelSettings::FromOptions(options);
  ASSERT_THAT(settings, IsOk());
  EXPECT_TRUE(settings->tls);
  EXPECT_EQ(settings->target, "dts.example.com:443");

  options.address = "http://localhost:8080";
  settings = ChannelSettings::FromOptions(options);
  ASSERT_THAT(settings, IsOk());
  EXPECT_FALSE(settings->tls);

  options.address = "localhost:8080";
  settings = ChannelSettings::FromOptions(options);
  ASSERT_THAT(settings, IsOk());
  EXPECT_FALSE(settings->tls);

  options.tls.enabled = true;
  settings = ChannelSettings::FromOptions(options);
  ASSERT_THAT(settings, IsOk());
  EXPECT_TRUE(settings->tls);
}

TEST(ChannelSettings, TlsMaterialIsCarriedOnlyOnTlsChannels) {
  ClientOptions options;
  options.address = "https://dts.example.com";
  options.tls.root_certificates_pem = kRoots;
  options.tls.client_certificate_chain_pem = kChain;
  options.tls.client_private_key_pem = kKey;
  options.tls.server_name_override = "override.example.com";
  Result<ChannelSettings> settings = ChannelSettings::FromOptions(options);
  ASSERT_THAT(settings, IsOk());
  EXPECT_EQ(settings->root_certificates_pem, kRoots);
  EXPECT_EQ(settings->client_certificate_chain_pem, kChain);
  EXPECT_EQ(settings->client_private_key_pem, kKey);
  EXPECT_EQ(settings->server_name_override, "override.example.com");

  options.address = "localhost:1";
  settings = ChannelSettings::FromOptions(options);
  ASSERT_THAT(settings, IsOk());
  EXPECT_TRUE(settings->root_certificates_pem.empty());
  EXPECT_TRUE(settings->client_private_key_pem.empty());
}

}  // namespace
}  // namespace durabletask
