"""A tiny SMTP server for tests that answers as a real one does when it will not take mail:
busy at the greeting (421) or refusing the address (550). It never takes a message."""

import socketserver
import threading


class _Conversation(socketserver.StreamRequestHandler):
    def handle(self):
        server = self.server
        self.wfile.write(server.greeting + b"\r\n")
        if not server.greeting.startswith(b"2"):
            return  # a busy server says so and hangs up
        for line in self.rfile:
            command = line[:4].upper()
            if command == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            if command in (b"EHLO", b"HELO"):
                reply = b"250 smtp.test"
            elif command == b"RCPT":
                reply = server.recipient_reply
            elif command == b"DATA":
                reply = b"554 no message accepted here"
            else:  # MAIL, RSET, NOOP
                reply = b"250 ok"
            self.wfile.write(reply + b"\r\n")


class RefusingSMTPServer(socketserver.ThreadingTCPServer):
    """`greeting` "421 …": busy; `recipient_reply` "550 …": the address is refused."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, greeting=b"220 smtp.test", recipient_reply=b"550 5.1.1 no such mailbox"):
        super().__init__(("127.0.0.1", 0), _Conversation)
        self.greeting = greeting
        self.recipient_reply = recipient_reply
        self.port = self.server_address[1]

    def __enter__(self):
        threading.Thread(target=self.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.shutdown()
        self.server_close()
