#include "fake_server/tls_context.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

namespace smtp {
namespace {

std::string OpenSslError() {
  unsigned long e = ERR_get_error();
  if (e == 0) return "unknown OpenSSL error";
  char buf[256];
  ERR_error_string_n(e, buf, sizeof buf);
  return buf;
}

Status AddExtension(X509* cert, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  if (!ext) return Status::Tls("certificate extension: " + OpenSslError());
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
  return Status::Ok();
}

Status UseSelfSigned(SSL_CTX* ctx, const std::string& hostname) {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(EVP_EC_gen("P-256"), EVP_PKEY_free);
  if (!key) return Status::Tls("cannot generate a key: " + OpenSslError());
  std::unique_ptr<X509, decltype(&X509_free)> cert(X509_new(), X509_free);
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 24 * 3600);
  X509_set_pubkey(cert.get(), key.get());
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("smtp-harness"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(hostname.c_str()), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  std::string san = "DNS:" + hostname + ",IP:127.0.0.1,IP:::1";
  if (auto s = AddExtension(cert.get(), NID_subject_alt_name, san); !s.ok()) return s;
  if (auto s = AddExtension(cert.get(), NID_basic_constraints, "critical,CA:FALSE"); !s.ok())
    return s;
  if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) {
    return Status::Tls("cannot sign the certificate: " + OpenSslError());
  }
  if (SSL_CTX_use_certificate(ctx, cert.get()) != 1 ||
      SSL_CTX_use_PrivateKey(ctx, key.get()) != 1) {
    return Status::Tls("cannot use the self-signed certificate: " + OpenSslError());
  }
  return Status::Ok();
}

}  // namespace

Result<std::shared_ptr<asio::ssl::context>> MakeServerTlsContext(const FakeServerConfig::Tls& tls,
                                                                 const std::string& hostname) {
  auto ctx = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_server);
  ctx->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                   asio::ssl::context::no_sslv3);
  if (tls.cert_file.empty() != tls.key_file.empty()) {
    return Status::InvalidArgument("TLS needs both a certificate and a key file");
  }
  if (tls.cert_file.empty()) {
    if (auto s = UseSelfSigned(ctx->native_handle(), hostname); !s.ok()) return s;
    return ctx;
  }
  asio::error_code ec;
  ctx->use_certificate_chain_file(tls.cert_file, ec);
  if (ec) return Status::Tls("cannot load certificate " + tls.cert_file + ": " + ec.message());
  ctx->use_private_key_file(tls.key_file, asio::ssl::context::pem, ec);
  if (ec) return Status::Tls("cannot load key " + tls.key_file + ": " + ec.message());
  return ctx;
}

}  // namespace smtp
