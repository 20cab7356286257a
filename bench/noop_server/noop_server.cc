// A sidecar that answers the client calls at once, so that a benchmark against it
// measures the client's own cost. It counts what arrives: calls per method, the TCP
// connections they came on, and the task hub names in their `taskhub` headers.
//
//   noop_server [--tls-cert FILE --tls-key FILE]
//
// Serves plaintext on one port and, given a certificate, TLS on a second one, both on
// 127.0.0.1 and each with counters of its own. Prints one line,
//   LISTENING plaintext=127.0.0.1:P tls=127.0.0.1:Q      (tls=- without a certificate)
// then reads commands on stdin, one per line:
//   stats   prints the counters as one JSON line
//   reset   zeroes the counters and prints `ok`
// and exits at the end of its input.
//
// Connections are counted as distinct peer addresses (`ipv4:127.0.0.1:<port>`). While a
// connection is open no other can have its client port; the bench's contenders keep
// theirs open until they exit, and counters are reset between runs, so distinct peers
// and accepted connections are the same number.
#include <sys/resource.h>

#include <cstdio>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_set>

#include <grpcpp/grpcpp.h>

#include "task_hub_sidecar.grpc.pb.h"

namespace {

enum class Method : int {
  kHello = 0,
  kStartInstance,
  kGetInstance,
  kRaiseEvent,
  kTerminateInstance,
  kSuspendInstance,
  kResumeInstance,
  kPurgeInstances,
  kCount,
};

const char* MethodName(Method method) {
  switch (method) {
    case Method::kHello: return "Hello";
    case Method::kStartInstance: return "StartInstance";
    case Method::kGetInstance: return "GetInstance";
    case Method::kRaiseEvent: return "RaiseEvent";
    case Method::kTerminateInstance: return "TerminateInstance";
    case Method::kSuspendInstance: return "SuspendInstance";
    case Method::kResumeInstance: return "ResumeInstance";
    case Method::kPurgeInstances: return "PurgeInstances";
    case Method::kCount: break;
  }
  return "?";
}

// What one listening port has seen since the last reset.
class Tally {
 public:
  void Record(grpc::CallbackServerContext* context, Method method) {
    std::string peer = context->peer();
    const auto& metadata = context->client_metadata();
    auto hub = metadata.find("taskhub");

    std::lock_guard<std::mutex> lock(mutex_);
    ++calls_[static_cast<int>(method)];
    peers_.insert(std::move(peer));
    if (hub != metadata.end() && hub->second.size() > 0) {
      hubs_.emplace(hub->second.data(), hub->second.size());
    } else {
      ++calls_without_hub_;
    }
  }

  void Reset() {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto& count : calls_) count = 0;
    peers_.clear();
    hubs_.clear();
    calls_without_hub_ = 0;
  }

  std::string Json() const {
    std::lock_guard<std::mutex> lock(mutex_);
    std::string json = "{\"connections\":" + std::to_string(peers_.size()) +
                       ",\"task_hubs\":" + std::to_string(hubs_.size()) +
                       ",\"calls_without_task_hub\":" + std::to_string(calls_without_hub_) +
                       ",\"calls\":{";
    for (int i = 0; i < static_cast<int>(Method::kCount); ++i) {
      if (i > 0) json += ",";
      json += "\"" + std::string(MethodName(static_cast<Method>(i))) +
              "\":" + std::to_string(calls_[i]);
    }
    return json + "}}";
  }

 private:
  mutable std::mutex mutex_;
  unsigned long long calls_[static_cast<int>(Method::kCount)] = {};
  unsigned long long calls_without_hub_ = 0;
  std::unordered_set<std::string> peers_;
  std::unordered_set<std::string> hubs_;
};

class NoopService final : public TaskHubSidecarService::CallbackService {
 public:
  explicit NoopService(Tally* tally) : tally_(tally) {}

  grpc::ServerUnaryReactor* Hello(grpc::CallbackServerContext* context,
                                  const google::protobuf::Empty*,
                                  google::protobuf::Empty*) override {
    return Answer(context, Method::kHello);
  }

  grpc::ServerUnaryReactor* StartInstance(grpc::CallbackServerContext* context,
                                          const CreateInstanceRequest* request,
                                          CreateInstanceResponse* response) override {
    response->set_instance_id(request->instance_id());
    return Answer(context, Method::kStartInstance);
  }

  grpc::ServerUnaryReactor* GetInstance(grpc::CallbackServerContext* context,
                                        const GetInstanceRequest*,
                                        GetInstanceResponse* response) override {
    response->set_exists(false);
    return Answer(context, Method::kGetInstance);
  }

  grpc::ServerUnaryReactor* RaiseEvent(grpc::CallbackServerContext* context,
                                       const RaiseEventRequest*, RaiseEventResponse*) override {
    return Answer(context, Method::kRaiseEvent);
  }

  grpc::ServerUnaryReactor* TerminateInstance(grpc::CallbackServerContext* context,
                                              const TerminateRequest*,
                                              TerminateResponse*) override {
    return Answer(context, Method::kTerminateInstance);
  }

  grpc::ServerUnaryReactor* SuspendInstance(grpc::CallbackServerContext* context,
                                            const SuspendRequest*, SuspendResponse*) override {
    return Answer(context, Method::kSuspendInstance);
  }

  grpc::ServerUnaryReactor* ResumeInstance(grpc::CallbackServerContext* context,
                                           const ResumeRequest*, ResumeResponse*) override {
    return Answer(context, Method::kResumeInstance);
  }

  grpc::ServerUnaryReactor* PurgeInstances(grpc::CallbackServerContext* context,
                                           const PurgeInstancesRequest*,
                                           PurgeInstancesResponse*) override {
    return Answer(context, Method::kPurgeInstances);
  }

 private:
  grpc::ServerUnaryReactor* Answer(grpc::CallbackServerContext* context, Method method) {
    tally_->Record(context, method);
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }

  Tally* tally_;
};

// One listening port with its own service and counters.
struct Endpoint {
  Tally tally;
  std::unique_ptr<NoopService> service;
  std::unique_ptr<grpc::Server> server;
  int port = 0;
};

bool Start(Endpoint* endpoint, const std::shared_ptr<grpc::ServerCredentials>& credentials) {
  endpoint->service = std::make_unique<NoopService>(&endpoint->tally);
  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:0", credentials, &endpoint->port);
  builder.RegisterService(endpoint->service.get());
  endpoint->server = builder.BuildAndStart();
  return endpoint->server != nullptr && endpoint->port > 0;
}

// CPU time of this server so far, so that the bench can tell its share of a run.
double CpuSeconds() {
  struct rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& time) { return time.tv_sec + time.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

std::string ReadWhole(const std::string& path) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) return std::string();
  std::string text;
  char buffer[4096];
  size_t got;
  while ((got = std::fread(buffer, 1, sizeof buffer, file)) > 0) text.append(buffer, got);
  std::fclose(file);
  return text;
}

}  // namespace

int main(int argc, char** argv) {
  std::string cert_path;
  std::string key_path;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string name = argv[i];
    if (name == "--tls-cert") {
      cert_path = argv[i + 1];
    } else if (name == "--tls-key") {
      key_path = argv[i + 1];
    } else {
      std::fprintf(stderr, "noop_server: unknown option %s\n", name.c_str());
      return 2;
    }
  }

  Endpoint plaintext;
  if (!Start(&plaintext, grpc::InsecureServerCredentials())) {
    std::fprintf(stderr, "noop_server: cannot listen on 127.0.0.1\n");
    return 1;
  }

  Endpoint tls;
  bool with_tls = !cert_path.empty();
  if (with_tls) {
    grpc::SslServerCredentialsOptions ssl;
    ssl.pem_key_cert_pairs.push_back({ReadWhole(key_path), ReadWhole(cert_path)});
    if (ssl.pem_key_cert_pairs.back().private_key.empty() ||
        ssl.pem_key_cert_pairs.back().cert_chain.empty()) {
      std::fprintf(stderr, "noop_server: cannot read the TLS key or certificate\n");
      return 1;
    }
    if (!Start(&tls, grpc::SslServerCredentials(ssl))) {
      std::fprintf(stderr, "noop_server: cannot listen with TLS on 127.0.0.1\n");
      return 1;
    }
  }

  std::printf("LISTENING plaintext=127.0.0.1:%d tls=%s\n", plaintext.port,
              with_tls ? ("127.0.0.1:" + std::to_string(tls.port)).c_str() : "-");
  std::fflush(stdout);

  std::string command;
  while (std::getline(std::cin, command)) {
    if (command == "stats") {
      std::printf("{\"plaintext\":%s,\"tls\":%s,\"cpu_seconds\":%.6f}\n",
                  plaintext.tally.Json().c_str(), with_tls ? tls.tally.Json().c_str() : "null",
                  CpuSeconds());
    } else if (command == "reset") {
      plaintext.tally.Reset();
      tls.tally.Reset();
      std::printf("ok\n");
    } else if (!command.empty()) {
      std::printf("unknown command\n");
    }
    std::fflush(stdout);
  }

  auto deadline = std::chrono::system_clock::now() + std::chrono::seconds(1);
  plaintext.server->Shutdown(deadline);
  if (with_tls) tls.server->Shutdown(deadline);
  return 0;
}
