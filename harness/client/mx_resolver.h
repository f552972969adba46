// MxResolver: where mail for a domain goes (RFC 5321 §5.1), with c-ares.
//
// The MX records in preference order (lowest first; hosts of equal
// preference shuffled, as RFC 5321 §5.1 requires), each host resolved to
// its A and AAAA addresses. A domain without MX records gets the implicit MX:
// the domain itself. A null MX ("0 .", RFC 7505) means the domain accepts no
// mail. Resolution is blocking with an overall deadline; `dns_server`
// ("127.0.0.1:5353", "[::1]:53", "10.0.0.1") replaces the system's servers.
#pragma once

#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "harness/util/duration.h"
#include "harness/util/status.h"

namespace smtp {

struct MxRecord {
  int preference = 0;
  std::string host;
  bool operator==(const MxRecord&) const = default;
};

// Pure: sorted by preference, stable for equal preferences.
std::vector<MxRecord> OrderMxRecords(std::vector<MxRecord> records);
// Sorted by preference, each run of equal preferences shuffled with `rng`
// to spread load across equal mail exchangers (RFC 5321 §5.1).
std::vector<MxRecord> OrderMxRecords(std::vector<MxRecord> records, std::mt19937& rng);

// A "HOST[:PORT]" or "[V6]:PORT" DNS server spec in c-ares' CSV form
// ("127.0.0.1:5353", "[::1]:53"). Error on malformed input.
Result<std::string> DnsServerToCares(std::string_view spec);

struct MailHost {
  std::string name;  // MX host name (or the domain: implicit MX)
  int preference = 0;
  bool implicit = false;               // no MX records: the domain's own address
  std::vector<std::string> addresses;  // IPv4 and IPv6 literals
};

struct MxResolverOptions {
  std::string dns_server;  // empty: the system resolver configuration
  Duration timeout{std::chrono::seconds(10)};
};

class MxResolver {
 public:
  explicit MxResolver(MxResolverOptions options) : options_(std::move(options)) {}
  // Hosts to try in order. kNotFound when the domain does not exist, has
  // a null MX, or none of its hosts has an address; kTimeout; kIo.
  Result<std::vector<MailHost>> Resolve(std::string_view domain);

 private:
  MxResolverOptions options_;
};

}  // namespace smtp
