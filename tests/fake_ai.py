"""A local OpenAI-compatible chat-completions server for the AI tests (a real HTTP server)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeAI:
    """A local OpenAI-compatible endpoint: set .answer ("BLOCK:24", "ALLOW", "garbage",
    "500" or "slow"), read .calls and .prompts."""

    def __init__(self) -> None:
        self.answer = "ALLOW"
        self.calls = 0
        self.prompts: list[list[dict]] = []
        self.release = threading.Event()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                fake.calls += 1
                fake.prompts.append(body["messages"])
                if fake.answer == "slow":
                    fake.release.wait(5)
                if fake.answer == "500":
                    self.send_response(500)
                    self.end_headers()
                    return
                content = {"choices": [{"message": {"role": "assistant", "content": fake.answer}}]}
                data = json.dumps(content).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        class Server(ThreadingHTTPServer):
            def handle_error(self, request, client_address):
                pass  # a client that gave up ("slow") leaves a broken pipe: expected

        self.server = Server(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        serve = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        serve.start()

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()
