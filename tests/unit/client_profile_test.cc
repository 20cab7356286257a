// Client profiles: clients whose options differ only in the task hub share one copy of
// the rest, and nothing else is ever shared.
#include "client/client_core.h"

#include <functional>
#include <string>
#include <vector>

#include "test_support.h"

namespace durabletask {
namespace {

using internal::ClientProfile;
using internal::Profile;
using internal::ProfileTable;
using std::chrono::milliseconds;
using unit::HasCode;
using unit::IsOk;

// Interns valid options, which always succeeds.
ClientProfile Interned(ProfileTable& table, const ClientOptions& options) {
  Result<ClientProfile> profile = table.Intern(options);
  EXPECT_THAT(profile, IsOk());
  return profile.ok() ? *profile : nullptr;
}

TEST(ProfileTable, EqualOptionsShareOneProfile) {
  ProfileTable table;
  ClientOptions options;
  options.address = "https://scheduler.example:443";
  options.tls.root_certificates_pem = "-----BEGIN CERTIFICATE-----\nroots\n";

  ClientProfile first = Interned(table, options);
  ClientProfile second = Interned(table, options);
  EXPECT_EQ(first, second);
  EXPECT_EQ(first->options.tls.root_certificates_pem, options.tls.root_certificates_pem);
  EXPECT_EQ(table.size(), 1u);
}

TEST(ProfileTable, OptionsThatDifferInAnyFieldGetProfilesOfTheirOwn) {
  std::vector<std::function<void(ClientOptions&)>> changes = {
      [](ClientOptions& o) { o.address = "localhost:4002"; },
      [](ClientOptions& o) { o.tls.enabled = true; },
      [](ClientOptions& o) { o.tls.root_certificates_pem = "roots"; },
      [](ClientOptions& o) { o.tls.client_certificate_chain_pem = "chain"; },
      [](ClientOptions& o) { o.tls.client_private_key_pem = "key"; },
      [](ClientOptions& o) { o.tls.server_name_override = "name"; },
      [](ClientOptions& o) { o.bearer_token = "token"; },
      [](ClientOptions& o) { o.token_refresh_margin = milliseconds(1); },
      [](ClientOptions& o) { o.allow_insecure_credentials = true; },
      [](ClientOptions& o) { o.user_agent_suffix = "app/1"; },
      [](ClientOptions& o) { o.default_version = "2"; },
      [](ClientOptions& o) { o.enable_entity_support = true; },
      [](ClientOptions& o) { o.default_deadline = milliseconds(5); },
      [](ClientOptions& o) { o.retry.max_attempts = 3; },
      [](ClientOptions& o) { o.retry.initial_backoff = milliseconds(7); },
      [](ClientOptions& o) { o.retry.max_backoff = milliseconds(700); },
      [](ClientOptions& o) { o.retry.backoff_multiplier = 1.5; },
      [](ClientOptions& o) { o.keepalive.time = milliseconds(30000); },
      [](ClientOptions& o) { o.keepalive.timeout = milliseconds(1000); },
      [](ClientOptions& o) { o.keepalive.permit_without_calls = true; },
      [](ClientOptions& o) { o.max_send_message_size = 1 << 20; },
      [](ClientOptions& o) { o.max_receive_message_size = 8 << 20; },
  };
  ProfileTable table;
  ClientProfile base = Interned(table, ClientOptions());
  std::vector<ClientProfile> held;
  for (size_t i = 0; i < changes.size(); ++i) {
    ClientOptions changed;
    changes[i](changed);
    held.push_back(Interned(table, changed));
    EXPECT_NE(held.back(), base) << "change " << i;
  }
  EXPECT_EQ(table.size(), changes.size() + 1);
}

TEST(ProfileTable, StringFieldsCannotBleedIntoEachOther) {
  ProfileTable table;
  ClientOptions first;
  first.user_agent_suffix = "ab";
  first.default_version = "c";
  ClientOptions second;
  second.user_agent_suffix = "a";
  second.default_version = "bc";
  EXPECT_NE(Interned(table, first), Interned(table, second));
}

TEST(ProfileTable, OptionsWithATokenProviderAreNeverShared) {
  ProfileTable table;
  ClientOptions options;
  options.token_provider = [] { return Result<AccessToken>(AccessToken{"t"}); };

  ClientProfile first = Interned(table, options);
  ClientProfile second = Interned(table, options);
  EXPECT_NE(first, second);
  EXPECT_TRUE(static_cast<bool>(first->options.token_provider));
  EXPECT_EQ(table.size(), 0u);
}

TEST(ProfileTable, ProfilesNoClientUsesAreReleasedAndForgotten) {
  ProfileTable table;
  ClientOptions options;
  options.tls.root_certificates_pem = "roots";
  std::weak_ptr<const Profile> released = Interned(table, options);
  EXPECT_TRUE(released.expired());

  for (int i = 0; i < 1000; ++i) {
    options.default_version = std::to_string(i);
    Interned(table, options);
  }
  EXPECT_LE(table.size(), 32u);
}

TEST(ClientProfiles, FactoryClientsReportTheirOwnTaskHubAndTheSharedOptions) {
  ClientOptions base;
  base.address = "https://localhost:4001";
  base.tls.root_certificates_pem = "-----BEGIN CERTIFICATE-----\nroots\n";
  base.default_version = "3";
  Result<std::shared_ptr<ClientFactory>> factory =
      ClientFactoryBuilder().UseGrpc(base).BuildFactory();
  ASSERT_THAT(factory, IsOk());

  Result<std::unique_ptr<Client>> alpha = (*factory)->CreateClient("alpha");
  Result<std::unique_ptr<Client>> beta = (*factory)->CreateClient("beta");
  ASSERT_THAT(alpha, IsOk());
  ASSERT_THAT(beta, IsOk());
  ClientOptions alpha_options = (*alpha)->options();
  ClientOptions beta_options = (*beta)->options();
  EXPECT_EQ(alpha_options.task_hub, "alpha");
  EXPECT_EQ(beta_options.task_hub, "beta");
  for (const ClientOptions* options : {&alpha_options, &beta_options}) {
    EXPECT_EQ(options->address, base.address);
    EXPECT_EQ(options->tls.root_certificates_pem, base.tls.root_certificates_pem);
    EXPECT_EQ(options->default_version, "3");
  }
  EXPECT_EQ((*alpha)->name(), "alpha");
  EXPECT_EQ((*alpha)->task_hub(), "alpha");
}

TEST(ClientProfiles, ConfiguredTaskHubKeepsTheNameApart) {
  ClientOptions base;
  base.address = "localhost:4001";
  base.task_hub = "shared-hub";
  Result<std::shared_ptr<ClientFactory>> factory =
      ClientFactoryBuilder().UseGrpc(base).BuildFactory();
  ASSERT_THAT(factory, IsOk());

  Result<std::unique_ptr<Client>> client = (*factory)->CreateClient("orders");
  ASSERT_THAT(client, IsOk());
  EXPECT_EQ((*client)->name(), "orders");
  EXPECT_EQ((*client)->task_hub(), "shared-hub");
  EXPECT_EQ((*client)->options().task_hub, "shared-hub");
}

TEST(ClientProfiles, ANewTaskHubOnSharedOptionsIsStillChecked) {
  Result<std::shared_ptr<ClientFactory>> factory =
      ClientFactoryBuilder().UseGrpc(ClientOptions()).BuildFactory();
  ASSERT_THAT(factory, IsOk());
  ASSERT_THAT((*factory)->CreateClient("alpha"), IsOk());

  // Same options as alpha's apart from the hub, so its profile is found and reused.
  Result<std::unique_ptr<Client>> bad = (*factory)->CreateClient(
      "beta", [](ClientOptions& options) { options.task_hub = "tab\there"; });
  EXPECT_THAT(bad, HasCode(StatusCode::kInvalidArgument));
  EXPECT_THAT(bad.status().message(), ::testing::HasSubstr("task hub name"));

  Result<std::unique_ptr<Client>> long_hub = (*factory)->CreateClient(
      "gamma", [](ClientOptions& options) { options.task_hub = std::string(257, 'h'); });
  EXPECT_THAT(long_hub, HasCode(StatusCode::kInvalidArgument));
  EXPECT_THAT(long_hub.status().message(), ::testing::HasSubstr("257 bytes"));
}

TEST(ClientProfiles, OptionsThatDifferFromAnExistingProfileAreValidatedInFull) {
  Result<std::shared_ptr<ClientFactory>> factory =
      ClientFactoryBuilder().UseGrpc(ClientOptions()).BuildFactory();
  ASSERT_THAT(factory, IsOk());
  ASSERT_THAT((*factory)->CreateClient("alpha"), IsOk());

  Result<std::unique_ptr<Client>> bad = (*factory)->CreateClient(
      "alpha", [](ClientOptions& options) { options.tls.root_certificates_pem = "roots"; });
  EXPECT_THAT(bad, HasCode(StatusCode::kInvalidArgument));
  EXPECT_THAT(bad.status().message(), ::testing::HasSubstr("plaintext"));
}

TEST(ClientProfiles, ClientsOfOneProfileShareOneChannelAndKeepTheirSuffix) {
  ClientOptions base;
  base.user_agent_suffix = "orders/2";
  Result<std::shared_ptr<ClientFactory>> factory =
      ClientFactoryBuilder().UseGrpc(base).BuildFactory();
  ASSERT_THAT(factory, IsOk());
  std::vector<std::unique_ptr<Client>> clients;
  for (int i = 0; i < 5; ++i) {
    Result<std::unique_ptr<Client>> client = (*factory)->CreateClient("hub-" + std::to_string(i));
    ASSERT_THAT(client, IsOk());
    clients.push_back(std::move(client).value());
  }
  EXPECT_EQ((*factory)->Metrics().channels_opened, 1u);
  for (const auto& client : clients) {
    EXPECT_EQ(client->options().user_agent_suffix, "orders/2");
  }
}

}  // namespace
}  // namespace durabletask
