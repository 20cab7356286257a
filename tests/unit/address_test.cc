// Parsing of addresses as users write them into gRPC targets and TLS decisions.
#include "transport/address.h"

#include <string>
#include <vector>

#include "test_support.h"

namespace durabletask {
namespace {

using internal::ParseAddress;
using internal::ParsedAddress;
using internal::SchemeTls;
using ::testing::HasSubstr;
using unit::HasCode;
using unit::IsOk;

TEST(ParseAddress, HostAndPortLeaveTheTlsChoiceToTheOptions) {
  Result<ParsedAddress> parsed = ParseAddress("localhost:4001");
  ASSERT_THAT(parsed, IsOk());
  EXPECT_EQ(parsed->target, "localhost:4001");
  EXPECT_EQ(parsed->host, "localhost");
  EXPECT_EQ(parsed->scheme_tls, SchemeTls::kUnspecified);
}

TEST(ParseAddress, HttpMeansPlaintext) {
  Result<ParsedAddress> parsed = ParseAddress("http://sidecar.local:8080");
  ASSERT_THAT(parsed, IsOk());
  EXPECT_EQ(parsed->target, "sidecar.local:8080");
  EXPECT_EQ(parsed->host, "sidecar.local");
  EXPECT_EQ(parsed->scheme_tls, SchemeTls::kPlaintext);
}

TEST(ParseAddress, HttpWithoutPortUsesPort80) {
  Result<ParsedAddress> parsed = ParseAddress("http://sidecar.local");
  ASSERT_THAT(parsed, IsOk());
  EXPECT_EQ(parsed->target, "sidecar.local:80");
}

TEST(ParseAddress, HttpsMeansTlsWithDefaultPort443) {
  Result<ParsedAddress> parsed = ParseAddress("https://dts.westus2.durabletask.io");
  ASSERT_THAT(parsed, IsOk());
  EXPECT_EQ(parsed->target, "dts.westus2.durabletask.io:443");
  EXPECT_EQ(parsed->scheme_tls, SchemeTls::kTls);
}

TEST(ParseAddress, HttpsWithExplicitPortKeepsIt) {
  Result<ParsedAddress> parsed = ParseAddress("https://dts.example.com:8443");
  ASSERT_THAT(parsed, IsOk());
  EXPECT_EQ(parsed->target, "dts.example.com:8443");
}

TEST(ParseAddress, SchemeIsCaseInsensitive) {
  Result<ParsedAddress> parsed = ParseAddress("HTTPS://dts.example.com");
  ASSERT_THAT(parsed, IsOk());
  EXPECT_EQ(parsed->scheme_tls, SchemeTls::kTls);
  EXPECT_EQ(parsed->target, "dts.example.com:443");
}

TEST(ParseAddress, OneTrailingSlashIsAllowed) {
  Result<ParsedAddress> parsed = ParseAddress("https://dts.example.com/");
  ASSERT_THAT(parsed, IsOk());
  EXPECT_EQ(parsed->target, "dts.example.com:443");
}

TEST(ParseAddress, BracketedIpv6WithPort) {
  Result<ParsedAddress> parsed = ParseAddress("[::1]:5000");
  ASSERT_THAT(parsed, IsOk());
  EXPECT_EQ(parsed->target, "[::1]:5000");
  EXPECT_EQ(parsed->host, "[::1]");
  EXPECT_EQ(parsed->scheme_tls, SchemeTls::kUnspecified);
}

TEST(ParseAddress, HttpsIpv6WithoutPortUses443) {
  Result<ParsedAddress> parsed = ParseAddress("https://[fe80::1]");
  ASSERT_THAT(parsed, IsOk());
  EXPECT_EQ(parsed->target, "[fe80::1]:443");
}

TEST(ParseAddress, UnixSocketIsPlaintextAndPassedThrough) {
  Result<ParsedAddress> parsed = ParseAddress("unix:/run/durabletask/sidecar.sock");
  ASSERT_THAT(parsed, IsOk());
  EXPECT_EQ(parsed->target, "unix:/run/durabletask/sidecar.sock");
  EXPECT_EQ(parsed->scheme_tls, SchemeTls::kPlaintext);
}

TEST(ParseAddress, PortBoundsAreInclusive) {
  EXPECT_THAT(ParseAddress("localhost:1"), IsOk());
  EXPECT_THAT(ParseAddress("localhost:65535"), IsOk());
}

struct MalformedAddress {
  std::string address;
  std::string named_fault;
};

class MalformedAddressTest : public ::testing::TestWithParam<MalformedAddress> {};

TEST_P(MalformedAddressTest, IsRejectedNamingTheFault) {
  const MalformedAddress& input = GetParam();
  Result<ParsedAddress> parsed = ParseAddress(input.address);
  EXPECT_THAT(parsed, HasCode(StatusCode::kInvalidArgument));
  EXPECT_THAT(parsed.status().message(), HasSubstr(input.named_fault));
}

INSTANTIATE_TEST_SUITE_P(
    ParseAddress, MalformedAddressTest,
    ::testing::Values(
        MalformedAddress{"", "empty"}, MalformedAddress{"ftp://host:21", "scheme 'ftp'"},
        MalformedAddress{"dns:///localhost:80", "scheme 'dns'"},
        MalformedAddress{"localhost", "port is missing"},
        MalformedAddress{"localhost:", "port is empty"},
        MalformedAddress{"localhost:0", "out of range"},
        MalformedAddress{"localhost:70000", "out of range"},
        MalformedAddress{"localhost:123456", "out of range"},
        MalformedAddress{"localhost:http", "not a number"},
        MalformedAddress{"localhost:-1", "not a number"},
        MalformedAddress{"localhost:+80", "not a number"},
        MalformedAddress{"http://host:80/api", "path"},
        MalformedAddress{"https://host/a/b", "path"},
        MalformedAddress{"http://", "host is missing"},
        MalformedAddress{"http://:80", "host is missing"},
        MalformedAddress{":4001", "host is missing"}, MalformedAddress{"[]:80", "host is missing"},
        MalformedAddress{"[::1:80", "']'"}, MalformedAddress{"[::1]80", "after the host"},
        MalformedAddress{"[::1]:", "port is empty"}, MalformedAddress{"[::g]:80", "'g'"},
        MalformedAddress{"::1:80", "':'"}, MalformedAddress{"my host:80", "' '"},
        MalformedAddress{"unix:", "socket path"}, MalformedAddress{"local\xFFhost:80", "UTF-8"}));

TEST(ParseAddress, ErrorQuotesTheAddress) {
  Result<ParsedAddress> parsed = ParseAddress("sidecar:99999");
  EXPECT_THAT(parsed.status().message(), HasSubstr("'sidecar:99999'"));
}

}  // namespace
}  // namespace durabletask
