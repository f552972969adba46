"""aiosmtpd for the end-to-end tests: one STARTTLS port and one implicit-TLS
port on 127.0.0.1 (ephemeral), AUTH PLAIN/LOGIN for one fixed user (only
after TLS, as aiosmtpd requires by default), every message stored as
DIR/msg-N.eml (the bytes as received, dots removed) with DIR/msg-N.json
(envelope). Writes "SMTP_PORT SMTPS_PORT" to DIR/ports when ready.

Usage: /usr/bin/python3 ci/aiosmtpd_server.py DIR CERT KEY USER PASSWORD
"""
import asyncio
import json
import os
import ssl
import sys

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class Handler:
    def __init__(self, outdir):
        self.outdir = outdir
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        base = os.path.join(self.outdir, "msg-%d" % self.count)
        with open(base + ".eml.tmp", "wb") as f:
            f.write(envelope.original_content)
        with open(base + ".json", "w") as f:
            json.dump({"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos,
                       "tls": session.ssl is not None,
                       "auth": session.authenticated}, f)
        os.rename(base + ".eml.tmp", base + ".eml")
        return "250 2.0.0 Ok: queued as AIO%d" % self.count


def main():
    outdir, cert, key, user, password = sys.argv[1:6]
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(cert, key)
    handler = Handler(outdir)

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword) and auth_data.login == user.encode()
              and auth_data.password == password.encode())
        return AuthResult(success=ok, handled=False)

    def factory(implicit):
        def make():
            return SMTP(handler, hostname="aiosmtpd.test", ident="aiosmtpd (smtp-harness ci)",
                        tls_context=None if implicit else ctx, authenticator=authenticator,
                        auth_required=False, auth_require_tls=not implicit)
        return make

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    plain = loop.run_until_complete(loop.create_server(factory(False), "127.0.0.1", 0))
    tls = loop.run_until_complete(loop.create_server(factory(True), "127.0.0.1", 0, ssl=ctx))
    ports = "%d %d" % (plain.sockets[0].getsockname()[1], tls.sockets[0].getsockname()[1])
    with open(os.path.join(outdir, "..", "ports.tmp"), "w") as f:
        f.write(ports + "\n")
    os.rename(os.path.join(outdir, "..", "ports.tmp"), os.path.join(outdir, "..", "ports"))
    loop.run_forever()


if __name__ == "__main__":
    main()
