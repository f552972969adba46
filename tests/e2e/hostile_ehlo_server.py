# A hostile SMTP server for tests/e2e/hostile_caps_test.cc: greets, then
# answers every EHLO with a multi-line reply of about 3.6 MB (under send's
# 4 MiB cap), everything else with 250, QUIT with 221. Prints its port.
# argv: LINE_LENGTH (bytes of text per continuation line)
import socket, sys, threading

line_len = int(sys.argv[1]) if len(sys.argv) > 1 else 500
total = 3_600_000
n = max(1, total // (line_len + 6))
reply = b"".join(b"250-" + b"x" * line_len + b"\r\n" for _ in range(n)) + b"250 OK\r\n"

def session(c):
    try:
        c.sendall(b"220 hostile.test ESMTP\r\n")
        f = c.makefile("rb")
        while True:
            line = f.readline()
            if not line:
                return
            verb = line[:4].upper()
            if verb in (b"EHLO", b"HELO"):
                c.sendall(reply)
            elif verb == b"QUIT":
                c.sendall(b"221 bye\r\n")
                return
            elif verb == b"DATA":
                c.sendall(b"354 go\r\n")
                while f.readline() not in (b".\r\n", b""):
                    pass
                c.sendall(b"250 ok\r\n")
            else:
                c.sendall(b"250 ok\r\n")
    except OSError:
        pass
    finally:
        c.close()

s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 0))
s.listen(64)
print(s.getsockname()[1], flush=True)
while True:
    c, _ = s.accept()
    threading.Thread(target=session, args=(c,), daemon=True).start()
