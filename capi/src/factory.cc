// The builder, the factory, the provider and the caching factory, with their metrics and
// health reports.
#include "common/text.h"
#include "internal.h"

using namespace durabletask;
using namespace durabletask::capi;

dt_metrics::dt_metrics(MetricsSnapshot value) : snapshot(std::move(value)) {
  for (const auto& [rpc, codes] : snapshot.calls) {
    for (const auto& [code, count] : codes) calls.push_back(CallEntry{&rpc, &code, count});
  }
}

namespace {

// Client names follow the core's rules; checking them here reports a bad name at the
// call that gave it rather than at some later build.
Status ToName(const char* name, std::string* out) {
  *out = TextOrEmpty(name);
  if (out->size() > internal::kMaxTaskHubBytes) {
    return Invalid("client name is " + std::to_string(out->size()) + " bytes long; the limit is " +
                   std::to_string(internal::kMaxTaskHubBytes));
  }
  if (!internal::IsValidUtf8(*out)) return Invalid("client name is not valid UTF-8");
  return Status::Ok();
}

Status Configurable(const dt_factory_builder* builder) {
  if (Status s = CheckHandle(builder, "builder"); !s.ok()) return s;
  if (builder->built) {
    return Status(StatusCode::kFailedPrecondition,
                  "the builder has already built a factory or provider, which would not see "
                  "this change; configure before building");
  }
  return Status::Ok();
}

Status CheckConfigure(dt_configure_cb configure) {
  if (configure == nullptr) return Invalid("configure callback must not be NULL");
  return Status::Ok();
}

// The outcome of something that ran configure callbacks: their failure, if any, wins
// over what the core made of the spoiled options.
Status AfterConfigure(const Status& status) {
  if (ConfigureFailure::Failed()) return ConfigureFailure::Get();
  return status;
}

template <typename Field>
uint64_t Counter(const dt_metrics* metrics, Field field) {
  return GuardedValue<uint64_t>(0, [&]() -> uint64_t {
    if (!Readable(metrics, "metrics")) return 0;
    return metrics->snapshot.*field;
  });
}

}  // namespace

extern "C" {

// --- Builder ------------------------------------------------------------------------------

dt_status dt_factory_builder_new(dt_factory_builder** builder_out) {
  return Guarded([&] {
    if (builder_out != nullptr) *builder_out = nullptr;
    DT_RETURN_IF_ERROR(CheckOut(builder_out, "builder_out"));
    *builder_out = new dt_factory_builder();
    return DT_OK;
  });
}

void dt_factory_builder_free(dt_factory_builder* builder) { FreeHandle(builder, "builder"); }

dt_status dt_factory_builder_use_grpc(dt_factory_builder* builder, dt_options* options) {
  return Guarded([&] {
    DT_RETURN_IF_ERROR(Configurable(builder));
    if (options == nullptr) {
      builder->builder.UseGrpc(ClientOptions());
      return DT_OK;
    }
    DT_RETURN_IF_ERROR(CheckHandle(options, "options"));
    builder->builder.UseGrpc(*options->target);
    options->frozen = true;
    return DT_OK;
  });
}

dt_status dt_factory_builder_use_connection_string(dt_factory_builder* builder,
                                                   const char* connection_string) {
  return Guarded([&] {
    DT_RETURN_IF_ERROR(Configurable(builder));
    DT_RETURN_IF_ERROR(CheckText(connection_string, "connection_string"));
    // Parsed here, so that a bad string fails this call instead of a later build.
    Result<ClientOptions> parsed = ParseConnectionString(connection_string);
    if (!parsed.ok()) return Report(parsed.status());
    builder->builder.UseGrpc(std::move(parsed).value());
    return DT_OK;
  });
}

dt_status dt_factory_builder_configure_all(dt_factory_builder* builder, dt_configure_cb configure,
                                           void* user_data, dt_free_cb free_user_data) {
  return Guarded([&] {
    DT_RETURN_IF_ERROR(Configurable(builder));
    DT_RETURN_IF_ERROR(CheckConfigure(configure));
    auto box = std::make_shared<UserData>(user_data, free_user_data);
    builder->builder.ConfigureAll(WrapConfigure(configure, box));
    box->armed = true;
    return DT_OK;
  });
}

dt_status dt_factory_builder_configure(dt_factory_builder* builder, const char* name,
                                       dt_configure_cb configure, void* user_data,
                                       dt_free_cb free_user_data) {
  return Guarded([&] {
    DT_RETURN_IF_ERROR(Configurable(builder));
    std::string client_name;
    DT_RETURN_IF_ERROR(ToName(name, &client_name));
    DT_RETURN_IF_ERROR(CheckConfigure(configure));
    auto box = std::make_shared<UserData>(user_data, free_user_data);
    builder->builder.Configure(client_name, WrapConfigure(configure, box));
    box->armed = true;
    return DT_OK;
  });
}

dt_status dt_factory_builder_add_client(dt_factory_builder* builder, const char* name) {
  return Guarded([&] {
    DT_RETURN_IF_ERROR(Configurable(builder));
    std::string client_name;
    DT_RETURN_IF_ERROR(ToName(name, &client_name));
    builder->builder.AddClient(client_name);
    return DT_OK;
  });
}

dt_status dt_factory_builder_set_channel_idle_timeout_ms(dt_factory_builder* builder,
                                                         int64_t timeout_ms) {
  return Guarded([&] {
    DT_RETURN_IF_ERROR(Configurable(builder));
    std::chrono::milliseconds timeout;
    DT_RETURN_IF_ERROR(ToDuration(timeout_ms, "channel idle timeout", &timeout));
    builder->builder.SetChannelIdleTimeout(timeout);
    return DT_OK;
  });
}

dt_status dt_factory_builder_build_factory(dt_factory** factory_out, dt_factory_builder* builder) {
  return Guarded([&] {
    if (factory_out != nullptr) *factory_out = nullptr;
    DT_RETURN_IF_ERROR(CheckOut(factory_out, "factory_out"));
    DT_RETURN_IF_ERROR(CheckHandle(builder, "builder"));
    Result<std::shared_ptr<ClientFactory>> built = builder->builder.BuildFactory();
    if (!built.ok()) return Report(built.status());
    auto factory = std::make_unique<dt_factory>();
    factory->factory = std::move(built).value();
    builder->built = true;
    *factory_out = factory.release();
    return DT_OK;
  });
}

dt_status dt_factory_builder_build_provider(dt_provider** provider_out,
                                            dt_factory_builder* builder) {
  return Guarded([&] {
    if (provider_out != nullptr) *provider_out = nullptr;
    DT_RETURN_IF_ERROR(CheckOut(provider_out, "provider_out"));
    DT_RETURN_IF_ERROR(CheckHandle(builder, "builder"));
    ConfigureFailure::Reset();
    Result<std::unique_ptr<ClientProvider>> built = builder->builder.BuildProvider();
    DT_RETURN_IF_ERROR(AfterConfigure(built.status()));

    auto provider = std::make_unique<dt_provider>();
    provider->provider = std::shared_ptr<ClientProvider>(std::move(built).value());
    provider->names = provider->provider->Names();
    for (const std::string& name : provider->names) {
      Result<Client*> client = provider->provider->GetClient(name);
      if (!client.ok()) return Report(client.status());
      // Shares ownership of the provider, so that iterators made through this client keep
      // it alive.
      std::shared_ptr<Client> shared(provider->provider, *client);
      provider->clients.emplace(
          name, std::unique_ptr<dt_client, ClientDestroyer>(new dt_client(shared, true)));
    }
    builder->built = true;
    *provider_out = provider.release();
    return DT_OK;
  });
}

// --- Factory ------------------------------------------------------------------------------

void dt_factory_free(dt_factory* factory) { FreeHandle(factory, "factory"); }

dt_status dt_factory_create_client(dt_client** client_out, dt_factory* factory, const char* name) {
  return Guarded([&] {
    if (client_out != nullptr) *client_out = nullptr;
    DT_RETURN_IF_ERROR(CheckOut(client_out, "client_out"));
    DT_RETURN_IF_ERROR(CheckHandle(factory, "factory"));
    std::string client_name;
    DT_RETURN_IF_ERROR(ToName(name, &client_name));
    ConfigureFailure::Reset();
    Result<std::unique_ptr<Client>> created = factory->factory->CreateClient(client_name);
    DT_RETURN_IF_ERROR(AfterConfigure(created.status()));
    *client_out = new dt_client(std::shared_ptr<Client>(std::move(created).value()), false);
    return DT_OK;
  });
}

dt_status dt_factory_create_client_with(dt_client** client_out, dt_factory* factory,
                                        const char* name, dt_configure_cb configure,
                                        void* user_data) {
  return Guarded([&] {
    if (client_out != nullptr) *client_out = nullptr;
    DT_RETURN_IF_ERROR(CheckOut(client_out, "client_out"));
    DT_RETURN_IF_ERROR(CheckHandle(factory, "factory"));
    std::string client_name;
    DT_RETURN_IF_ERROR(ToName(name, &client_name));
    DT_RETURN_IF_ERROR(CheckConfigure(configure));
    // Not kept beyond this call, so there is nothing to free afterwards.
    ConfigureOptions extra =
        WrapConfigure(configure, std::make_shared<UserData>(user_data, nullptr));
    ConfigureFailure::Reset();
    Result<std::unique_ptr<Client>> created = factory->factory->CreateClient(client_name, extra);
    DT_RETURN_IF_ERROR(AfterConfigure(created.status()));
    *client_out = new dt_client(std::shared_ptr<Client>(std::move(created).value()), false);
    return DT_OK;
  });
}

dt_status dt_factory_resolve_options(dt_options** options_out, const dt_factory* factory,
                                     const char* name) {
  return Guarded([&] {
    if (options_out != nullptr) *options_out = nullptr;
    DT_RETURN_IF_ERROR(CheckOut(options_out, "options_out"));
    DT_RETURN_IF_ERROR(CheckHandle(factory, "factory"));
    std::string client_name;
    DT_RETURN_IF_ERROR(ToName(name, &client_name));
    ConfigureFailure::Reset();
    Result<ClientOptions> resolved = factory->factory->ResolveOptions(client_name);
    DT_RETURN_IF_ERROR(AfterConfigure(resolved.status()));
    auto options = std::make_unique<dt_options>();
    options->owned = std::move(resolved).value();
    *options_out = options.release();
    return DT_OK;
  });
}

dt_status dt_factory_configure_all(dt_factory* factory, dt_configure_cb configure, void* user_data,
                                   dt_free_cb free_user_data) {
  return Guarded([&] {
    DT_RETURN_IF_ERROR(CheckHandle(factory, "factory"));
    DT_RETURN_IF_ERROR(CheckConfigure(configure));
    auto box = std::make_shared<UserData>(user_data, free_user_data);
    DT_RETURN_IF_ERROR(factory->factory->ConfigureAll(WrapConfigure(configure, box)));
    box->armed = true;
    return DT_OK;
  });
}

dt_status dt_factory_configure(dt_factory* factory, const char* name, dt_configure_cb configure,
                               void* user_data, dt_free_cb free_user_data) {
  return Guarded([&] {
    DT_RETURN_IF_ERROR(CheckHandle(factory, "factory"));
    std::string client_name;
    DT_RETURN_IF_ERROR(ToName(name, &client_name));
    DT_RETURN_IF_ERROR(CheckConfigure(configure));
    auto box = std::make_shared<UserData>(user_data, free_user_data);
    DT_RETURN_IF_ERROR(factory->factory->Configure(client_name, WrapConfigure(configure, box)));
    box->armed = true;
    return DT_OK;
  });
}

dt_status dt_factory_set_channel_idle_timeout_ms(dt_factory* factory, int64_t timeout_ms) {
  return Guarded([&] {
    DT_RETURN_IF_ERROR(CheckHandle(factory, "factory"));
    std::chrono::milliseconds timeout;
    DT_RETURN_IF_ERROR(ToDuration(timeout_ms, "channel idle timeout", &timeout));
    factory->factory->SetChannelIdleTimeout(timeout);
    return DT_OK;
  });
}

dt_status dt_factory_close_idle_channels(int* closed_out, dt_factory* factory) {
  return Guarded([&] {
    if (closed_out != nullptr) *closed_out = 0;
    DT_RETURN_IF_ERROR(CheckHandle(factory, "factory"));
    int closed = factory->factory->CloseIdleChannels();
    if (closed_out != nullptr) *closed_out = closed;
    return DT_OK;
  });
}

int dt_factory_open_channel_count(const dt_factory* factory) {
  return GuardedValue(-1, [&] {
    if (!Readable(factory, "factory")) return -1;
    return factory->factory->OpenChannelCount();
  });
}

dt_status dt_factory_check_health(dt_health_report** report_out, dt_factory* factory,
                                  const char* name, int64_t timeout_ms) {
  return Guarded([&] {
    if (report_out != nullptr) *report_out = nullptr;
    DT_RETURN_IF_ERROR(CheckOut(report_out, "report_out"));
    DT_RETURN_IF_ERROR(CheckHandle(factory, "factory"));
    std::string client_name;
    DT_RETURN_IF_ERROR(ToName(name, &client_name));
    std::chrono::milliseconds timeout;
    DT_RETURN_IF_ERROR(ToDuration(timeout_ms, "health check timeout", &timeout));
    if (timeout.count() == 0) timeout = std::chrono::seconds(5);
    ConfigureFailure::Reset();
    auto report = std::make_unique<dt_health_report>();
    report->report = factory->factory->CheckHealth(client_name, timeout);
    if (ConfigureFailure::Failed()) report->report.reason = ConfigureFailure::Get().ToString();
    *report_out = report.release();
    return DT_OK;
  });
}

// --- Health reports and metrics -----------------------------------------------------------

void dt_health_report_free(dt_health_report* report) { FreeHandle(report, "health report"); }

dt_health_state dt_health_report_state(const dt_health_report* report) {
  return GuardedValue(DT_HEALTH_INVALID, [&] {
    if (!Readable(report, "health report")) return DT_HEALTH_INVALID;
    return static_cast<dt_health_state>(report->report.state);
  });
}

const char* dt_health_report_task_hub(const dt_health_report* report) {
  return GuardedValue<const char*>(nullptr, [&]() -> const char* {
    if (!Readable(report, "health report")) return nullptr;
    return report->report.task_hub.c_str();
  });
}

const char* dt_health_report_address(const dt_health_report* report) {
  return GuardedValue<const char*>(nullptr, [&]() -> const char* {
    if (!Readable(report, "health report")) return nullptr;
    return report->report.address.c_str();
  });
}

const char* dt_health_report_reason(const dt_health_report* report) {
  return GuardedValue<const char*>(nullptr, [&]() -> const char* {
    if (!Readable(report, "health report")) return nullptr;
    return report->report.reason.c_str();
  });
}

dt_status dt_factory_metrics(dt_metrics** metrics_out, const dt_factory* factory) {
  return Guarded([&] {
    if (metrics_out != nullptr) *metrics_out = nullptr;
    DT_RETURN_IF_ERROR(CheckOut(metrics_out, "metrics_out"));
    DT_RETURN_IF_ERROR(CheckHandle(factory, "factory"));
    *metrics_out = new dt_metrics(factory->factory->Metrics());
    return DT_OK;
  });
}

void dt_metrics_free(dt_metrics* metrics) { FreeHandle(metrics, "metrics"); }

uint64_t dt_metrics_clients_created(const dt_metrics* metrics) {
  return Counter(metrics, &MetricsSnapshot::clients_created);
}

uint64_t dt_metrics_clients_disposed(const dt_metrics* metrics) {
  return Counter(metrics, &MetricsSnapshot::clients_disposed);
}

uint64_t dt_metrics_clients_live(const dt_metrics* metrics) {
  return Counter(metrics, &MetricsSnapshot::clients_live);
}

uint64_t dt_metrics_channels_opened(const dt_metrics* metrics) {
  return Counter(metrics, &MetricsSnapshot::channels_opened);
}

uint64_t dt_metrics_channels_closed(const dt_metrics* metrics) {
  return Counter(metrics, &MetricsSnapshot::channels_closed);
}

uint64_t dt_metrics_channels_open(const dt_metrics* metrics) {
  return Counter(metrics, &MetricsSnapshot::channels_open);
}

uint64_t dt_metrics_retries(const dt_metrics* metrics) {
  return Counter(metrics, &MetricsSnapshot::retries);
}

size_t dt_metrics_call_entry_count(const dt_metrics* metrics) {
  return GuardedValue<size_t>(0, [&]() -> size_t {
    if (!Readable(metrics, "metrics")) return 0;
    return metrics->calls.size();
  });
}

dt_status dt_metrics_call_entry_at(const char** rpc_out, const char** code_out, uint64_t* count_out,
                                   const dt_metrics* metrics, size_t index) {
  return Guarded([&] {
    if (rpc_out != nullptr) *rpc_out = nullptr;
    if (code_out != nullptr) *code_out = nullptr;
    if (count_out != nullptr) *count_out = 0;
    DT_RETURN_IF_ERROR(CheckHandle(metrics, "metrics"));
    if (index >= metrics->calls.size()) {
      return SetError(DT_OUT_OF_RANGE, "metrics call entry index " + std::to_string(index) +
                                           " is past the end (" +
                                           std::to_string(metrics->calls.size()) + " entries)");
    }
    const dt_metrics::CallEntry& entry = metrics->calls[index];
    if (rpc_out != nullptr) *rpc_out = entry.rpc->c_str();
    if (code_out != nullptr) *code_out = entry.code->c_str();
    if (count_out != nullptr) *count_out = entry.count;
    return DT_OK;
  });
}

uint64_t dt_metrics_calls(const dt_metrics* metrics, const char* rpc, const char* code) {
  return GuardedValue<uint64_t>(0, [&]() -> uint64_t {
    if (!Readable(metrics, "metrics")) return 0;
    if (rpc == nullptr || code == nullptr) {
      Report(Invalid("rpc and code must not be NULL"));
      return 0;
    }
    auto by_rpc = metrics->snapshot.calls.find(rpc);
    if (by_rpc == metrics->snapshot.calls.end()) return 0;
    auto by_code = by_rpc->second.find(code);
    return by_code == by_rpc->second.end() ? 0 : by_code->second;
  });
}

// --- Provider -----------------------------------------------------------------------------

void dt_provider_free(dt_provider* provider) { FreeHandle(provider, "provider"); }

dt_status dt_provider_get_client(dt_client** client_out, const dt_provider* provider,
                                 const char* name) {
  return Guarded([&] {
    if (client_out != nullptr) *client_out = nullptr;
    DT_RETURN_IF_ERROR(CheckOut(client_out, "client_out"));
    DT_RETURN_IF_ERROR(CheckHandle(provider, "provider"));
    std::string client_name = TextOrEmpty(name);
    auto found = provider->clients.find(client_name);
    if (found == provider->clients.end()) {
      // The core's answer names the registered clients.
      return Report(provider->provider->GetClient(client_name).status());
    }
    *client_out = found->second.get();
    return DT_OK;
  });
}

size_t dt_provider_name_count(const dt_provider* provider) {
  return GuardedValue<size_t>(0, [&]() -> size_t {
    if (!Readable(provider, "provider")) return 0;
    return provider->names.size();
  });
}

const char* dt_provider_name_at(const dt_provider* provider, size_t index) {
  return GuardedValue<const char*>(nullptr, [&]() -> const char* {
    if (!Readable(provider, "provider")) return nullptr;
    if (index >= provider->names.size()) {
      SetError(DT_OUT_OF_RANGE, "provider name index " + std::to_string(index) +
                                    " is past the end (" + std::to_string(provider->names.size()) +
                                    " names)");
      return nullptr;
    }
    return provider->names[index].c_str();
  });
}

// --- Caching factory ----------------------------------------------------------------------

dt_status dt_caching_factory_new(dt_caching_factory** cache_out, dt_factory* factory,
                                 size_t capacity, int64_t idle_timeout_ms) {
  return Guarded([&] {
    if (cache_out != nullptr) *cache_out = nullptr;
    DT_RETURN_IF_ERROR(CheckOut(cache_out, "cache_out"));
    DT_RETURN_IF_ERROR(CheckHandle(factory, "factory"));
    if (capacity == 0) return Report(Invalid("capacity must be at least 1"));
    std::chrono::milliseconds idle_timeout;
    DT_RETURN_IF_ERROR(ToDuration(idle_timeout_ms, "idle timeout", &idle_timeout));
    auto cache = std::make_unique<dt_caching_factory>();
    cache->cache = std::make_unique<CachingClientFactory>(factory->factory, capacity, idle_timeout);
    *cache_out = cache.release();
    return DT_OK;
  });
}

void dt_caching_factory_free(dt_caching_factory* cache) { FreeHandle(cache, "caching factory"); }

dt_status dt_caching_factory_get_client(dt_client** client_out, dt_caching_factory* cache,
                                        const char* name) {
  return Guarded([&] {
    if (client_out != nullptr) *client_out = nullptr;
    DT_RETURN_IF_ERROR(CheckOut(client_out, "client_out"));
    DT_RETURN_IF_ERROR(CheckHandle(cache, "caching factory"));
    std::string client_name;
    DT_RETURN_IF_ERROR(ToName(name, &client_name));
    ConfigureFailure::Reset();
    Result<std::shared_ptr<Client>> client = cache->cache->GetClient(client_name);
    DT_RETURN_IF_ERROR(AfterConfigure(client.status()));
    *client_out = new dt_client(std::move(client).value(), false);
    return DT_OK;
  });
}

size_t dt_caching_factory_size(const dt_caching_factory* cache) {
  return GuardedValue<size_t>(0, [&]() -> size_t {
    if (!Readable(cache, "caching factory")) return 0;
    return cache->cache->size();
  });
}

uint64_t dt_caching_factory_evictions(const dt_caching_factory* cache) {
  return GuardedValue<uint64_t>(0, [&]() -> uint64_t {
    if (!Readable(cache, "caching factory")) return 0;
    return cache->cache->evictions();
  });
}

dt_status dt_caching_factory_clear(dt_caching_factory* cache) {
  return Guarded([&] {
    DT_RETURN_IF_ERROR(CheckHandle(cache, "caching factory"));
    cache->cache->Clear();
    return DT_OK;
  });
}

}  // extern "C"
