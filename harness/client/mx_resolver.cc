#include "harness/client/mx_resolver.h"

#include <ares.h>
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <sys/select.h>

#include <algorithm>
#include <chrono>

#include "harness/util/host_port.h"

namespace smtp {
namespace {

using Clock = std::chrono::steady_clock;

struct QueryResult {
  bool done = false;
  int status = ARES_SUCCESS;
  std::vector<unsigned char> answer;
};

void OnAnswer(void* arg, int status, int /*timeouts*/, unsigned char* abuf, int alen) {
  auto* r = static_cast<QueryResult*>(arg);
  r->done = true;
  r->status = status;
  if (status == ARES_SUCCESS && abuf != nullptr && alen > 0) r->answer.assign(abuf, abuf + alen);
}

// One c-ares channel for one Resolve() call.
class Channel {
 public:
  ~Channel() {
    if (ok_) ares_destroy(channel_);
  }
  Status Init(const MxResolverOptions& options) {
    static const int init_rc = ares_library_init(ARES_LIB_INIT_ALL);  // once per process
    if (init_rc != ARES_SUCCESS) {
      return Status::Io(std::string("c-ares library init failed: ") + ares_strerror(init_rc));
    }
    ares_options opts{};
    opts.timeout = static_cast<int>(std::min<long long>(options.timeout.count(), 3000));
    opts.tries = 2;
    opts.flags = ARES_FLAG_NOSEARCH;
    int rc =
        ares_init_options(&channel_, &opts, ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_FLAGS);
    if (rc != ARES_SUCCESS)
      return Status::Io(std::string("c-ares init failed: ") + ares_strerror(rc));
    ok_ = true;
    if (!options.dns_server.empty()) {
      auto csv = DnsServerToCares(options.dns_server);
      if (!csv.ok()) return csv.status();
      rc = ares_set_servers_ports_csv(channel_, csv->c_str());
      if (rc != ARES_SUCCESS) {
        return Status::InvalidArgument("invalid DNS server " + options.dns_server + ": " +
                                       ares_strerror(rc));
      }
    }
    deadline_ = Clock::now() + options.timeout;
    timeout_ = options.timeout;
    return Status::Ok();
  }

  // Runs one query to completion (or the overall deadline).
  Result<QueryResult> Query(const std::string& name, int type) {
    QueryResult r;
    ares_query(channel_, name.c_str(), ns_c_in, type, OnAnswer, &r);
    while (!r.done) {
      fd_set rd, wr;
      FD_ZERO(&rd);
      FD_ZERO(&wr);
      int nfds = ares_fds(channel_, &rd, &wr);
      if (nfds == 0) break;
      auto left = std::chrono::duration_cast<std::chrono::microseconds>(deadline_ - Clock::now());
      if (left.count() <= 0) {
        ares_cancel(channel_);
        return Status::Timeout("DNS lookup of " + name + " took longer than " +
                               FormatDuration(timeout_));
      }
      timeval max{static_cast<time_t>(left.count() / 1000000),
                  static_cast<suseconds_t>(left.count() % 1000000)};
      timeval tv;
      timeval* tvp = ares_timeout(channel_, &max, &tv);
      select(nfds, &rd, &wr, nullptr, tvp);
      ares_process(channel_, &rd, &wr);
    }
    if (!r.done) return Status::Io("DNS lookup of " + name + " did not complete");
    return r;
  }

 private:
  ares_channel channel_{};
  bool ok_ = false;
  Clock::time_point deadline_;
  Duration timeout_{};
};

std::string CaresError(int status) { return ares_strerror(status); }

// Appends the A or AAAA addresses of `name`; a failed lookup adds none.
Status AddAddresses(Channel& ch, const std::string& name, int type, std::vector<std::string>* out) {
  auto r = ch.Query(name, type);
  if (!r.ok()) return r.status();
  if (r->status != ARES_SUCCESS) return Status::Ok();
  char buf[INET6_ADDRSTRLEN];
  if (type == ns_t_a) {
    ares_addrttl addrs[32];
    int n = 32;
    if (ares_parse_a_reply(r->answer.data(), static_cast<int>(r->answer.size()), nullptr, addrs,
                           &n) != ARES_SUCCESS) {
      return Status::Ok();
    }
    for (int i = 0; i < n; ++i) {
      if (inet_ntop(AF_INET, &addrs[i].ipaddr, buf, sizeof buf)) out->push_back(buf);
    }
  } else {
    ares_addr6ttl addrs[32];
    int n = 32;
    if (ares_parse_aaaa_reply(r->answer.data(), static_cast<int>(r->answer.size()), nullptr, addrs,
                              &n) != ARES_SUCCESS) {
      return Status::Ok();
    }
    for (int i = 0; i < n; ++i) {
      if (inet_ntop(AF_INET6, &addrs[i].ip6addr, buf, sizeof buf)) out->push_back(buf);
    }
  }
  return Status::Ok();
}

}  // namespace

std::vector<MxRecord> OrderMxRecords(std::vector<MxRecord> records) {
  std::stable_sort(records.begin(), records.end(), [](const MxRecord& a, const MxRecord& b) {
    return a.preference < b.preference;
  });
  return records;
}

std::vector<MxRecord> OrderMxRecords(std::vector<MxRecord> records, std::mt19937& rng) {
  records = OrderMxRecords(std::move(records));
  for (size_t i = 0; i < records.size();) {
    size_t j = i;
    while (j < records.size() && records[j].preference == records[i].preference) ++j;
    std::shuffle(records.begin() + static_cast<long>(i), records.begin() + static_cast<long>(j),
                 rng);
    i = j;
  }
  return records;
}

Result<std::string> DnsServerToCares(std::string_view spec) {
  std::string s(spec);
  if (s.empty()) return Status::InvalidArgument("empty DNS server");
  auto invalid = [&] {
    return Status::InvalidArgument("invalid DNS server " + s +
                                   " (want HOST[:PORT], an IP address)");
  };
  // [V6]:PORT, [V6], V6 (no port: its colons are the address's), V4:PORT or V4.
  std::string host = s;
  std::string port = "53";
  int family = AF_INET;
  if (s.front() == '[') {
    size_t close = s.find(']');
    if (close == std::string::npos) {
      return Status::InvalidArgument("missing ']' in DNS server " + s);
    }
    host = s.substr(1, close - 1);
    std::string rest = s.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return invalid();
      port = rest.substr(1);
    }
    family = AF_INET6;
  } else if (std::count(s.begin(), s.end(), ':') > 1) {
    family = AF_INET6;
  } else if (size_t colon = s.find(':'); colon != std::string::npos) {
    host = s.substr(0, colon);
    port = s.substr(colon + 1);
  }
  unsigned char addr[16];
  if (inet_pton(family, host.c_str(), addr) != 1) return invalid();
  if (port.empty() || port.size() > 5 ||
      port.find_first_not_of("0123456789") != std::string::npos) {
    return invalid();
  }
  unsigned long number = std::stoul(port);
  if (number == 0 || number > 65535) return invalid();
  return FormatHostPort(host, static_cast<uint16_t>(number));
}

Result<std::vector<MailHost>> MxResolver::Resolve(std::string_view domain_view) {
  std::string domain(domain_view);
  Channel ch;
  Status s = ch.Init(options_);
  if (!s.ok()) return s;
  auto mx = ch.Query(domain, ns_t_mx);
  if (!mx.ok()) return mx.status();
  std::vector<MxRecord> records;
  if (mx->status == ARES_SUCCESS) {
    ares_mx_reply* reply = nullptr;
    int rc = ares_parse_mx_reply(mx->answer.data(), static_cast<int>(mx->answer.size()), &reply);
    if (rc == ARES_SUCCESS) {
      for (auto* r = reply; r != nullptr; r = r->next) {
        records.push_back({r->priority, r->host ? r->host : ""});
      }
      ares_free_data(reply);
    } else if (rc != ARES_ENODATA) {
      return Status::Io("malformed MX answer for " + domain + ": " + CaresError(rc));
    }
  } else if (mx->status == ARES_ENOTFOUND) {
    return Status::NotFound("domain " + domain + " does not exist (NXDOMAIN)");
  } else if (mx->status != ARES_ENODATA) {
    return Status::Io("MX lookup for " + domain + " failed: " + CaresError(mx->status));
  }

  std::vector<MailHost> hosts;
  if (records.empty()) {
    hosts.push_back({domain, 0, true, {}});
  } else {
    std::mt19937 rng{std::random_device{}()};
    for (const auto& r : OrderMxRecords(records, rng)) {
      if (r.host.empty() || r.host == ".") {
        if (records.size() == 1) {
          return Status::NotFound("domain " + domain + " accepts no mail (null MX, RFC 7505)");
        }
        continue;
      }
      hosts.push_back({r.host, r.preference, false, {}});
    }
  }
  bool any = false;
  for (auto& h : hosts) {
    s = AddAddresses(ch, h.name, ns_t_a, &h.addresses);
    if (!s.ok()) return s;
    s = AddAddresses(ch, h.name, ns_t_aaaa, &h.addresses);
    if (!s.ok()) return s;
    any = any || !h.addresses.empty();
  }
  if (!any) {
    std::string names;
    for (const auto& h : hosts) names += (names.empty() ? "" : ", ") + h.name;
    return Status::NotFound("no address for the mail hosts of " + domain + " (" + names + ")");
  }
  return hosts;
}

}  // namespace smtp
