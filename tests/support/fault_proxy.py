"""A loopback HTTP proxy in front of the emulator that makes AWS unreliable on purpose, the way
AWS is in real life, so that end-to-end tests can check that nothing wedges and nothing is made
twice. Every fault is decided from the seed and the request's number (the Nth request the proxy
saw) or from its operation and how many calls of that operation came before it. The rates
use the latter: the 3rd CreateSubnet gets the same fault in every run with the same seed, however
the calls of a parallel run interleave (IDs in REST paths are left out of the operation's key).
Hold and `at` count requests in arrival order.

Faults, each with its own rate (0.0 to 1.0):
- before: the request is refused and never reaches moto. Half of these (by the seed) are a
  throttling error in the request's protocol, the other half a 503 "service unavailable", both in
  the protocol's error shape, so that the SDK classifies them as AWS would make it:
    EC2 query  503 <Response><Errors><Error><Code>RequestLimitExceeded</Code>...
    query      400 <ErrorResponse><Error><Code>Throttling</Code>... (IAM, ELBv2, RDS, STS, SNS..)
    JSON       400 {"__type": "ThrottlingException"} + x-amzn-ErrorType (X-Amz-Target: ECS,
               logs, Secrets Manager, ECR, ACM, SSM...; REST-JSON services such as Lambda: 429)
    CBOR       400 {"__type": "ThrottlingException"} in CBOR (rpc-v2-cbor: CloudWatch)
    REST-XML   503 <Error><Code>SlowDown</Code> (S3), 400 <ErrorResponse>...Throttling (Route 53)
- after: moto does the work, then the answer is lost, so that the client cannot tell whether
  the call happened. `lost_as` says how (each a way AWS loses an answer):
    "close"    the connection is closed with no answer (after_mode: FIN or RST);
    "error"    a 500 in the service's error shape (EC2 InternalError, query InternalFailure,
               JSON InternalFailure / InternalServerException);
    "throttle" the service's throttling error, as under "before" (but the work was done);
    "timeout"  no answer at all until the client gives up (its read timeout closes the
               connection; the proxy waits up to 10 minutes);
    "mixed"    one of error, throttle and timeout, drawn from the seed for each request.
- lose_first: a list of prefixes of operation keys (or null: off). The first request of each
  distinct (operation key, body) whose key starts with one of them has its answer lost (as lost_as says), once: with the
  resource's address in its tags, that is the first answer of every create of the stack.
  lose_first_only {"key": K, "nth": N} (or null: all) narrows that to one request: the Nth
  distinct request of operation key K among them.
- refuse_first: a list of operation keys (or null: off). The first request of each distinct
  (operation key, body) whose key is one of them is answered with a 500 in
  the service's error shape before moto sees it: an outcome the client cannot tell from a lost
  answer, so it looks and sends again. A resend with the same body (the same idempotency token)
  goes through; one with a new token is refused again.
- latency_ms / jitter_ms: added before forwarding (jitter is uniform in [0, jitter_ms), seeded).
- aws_buckets: throttle as AWS does: a request finding its token bucket empty gets the
  throttling error of its protocol (as under "before") and never reaches moto. The buckets are
  AWS's published ones, from the table infra's own rate limiter reads
  (crates/infra-aws/src/rate_buckets.json); calls the table does not name are not limited.
  Counted in "throttled", apart from the seeded faults.
- hold: request number `hold` (counted from 1 since the proxy started) is held and never
  answered; with hold_rest (the default) every later request is held too, so the emulator stays
  as it was when the test kills the client. hold_when = "before" holds it before forwarding (moto
  never sees it), "after" forwards it first (moto did the work, the client never hears). Each
  held request is announced as a line `held N SERVICE OPERATION` on stdout and in the events
  file. A held request is released (its connection closed, unanswered) when the hold is cleared
  or on "release".

The protocol is read from the request: X-Amz-Target means JSON; `smithy-protocol: rpc-v2-cbor`
means CBOR; a form body (or query string) with Action= is the query protocol, EC2's when the
SigV4 credential scope names ec2; otherwise S3 and Route 53 are REST-XML and anything else
REST-JSON. The credential scope of the Authorization header names the service.

Control, at run time (both read the same settings, a JSON object; unknown keys are refused):
- HTTP on the proxy's own port (never forwarded, never counted):
    GET  /__proxy/stats   {"seen", "in_flight", "forwarded", "faults_before", "faults_after",
                           "held": [{"n", "service", "operation"}] (held now, in the order
                           they were held), "released": N, "config": {...},
                           "buckets": {key: {"admitted", "floor_s"}} and "floor_s" (with
                           aws_buckets: the least time the admitted requests need)}
    GET  /__proxy/log     every request: {"n", "service", "protocol", "operation", "key" (the
                          operation key: IDs in REST paths starred), "fault", "token" (the
                          request's idempotency token, or null: see idempotency_token), "at"
                          (its arrival, the machine's monotonic clock in seconds: Python's
                          time.monotonic() in another process reads the same clock)}
    POST /__proxy/config  a partial settings object; {"hold_next": K} holds the Kth request from
                          now; {"release": true} releases held requests. Answers the stats.
- a control file (--control FILE): re-read before each request whenever it changed.

Settings: seed (int), before, after (rates), lost_as, lose_first, latency_ms, jitter_ms,
aws_buckets (bool),
hold (int or null),
hold_when ("before" | "after"), hold_rest (bool), after_mode ("close": FIN, "reset": RST),
services (null or a list of services, e.g. ["ec2", "rds"]: rate faults only for these),
at ({"N": "throttle" | "unavailable" | "lost"}: this fault for request N, whatever the rates;
"at_next" adds faults counted from now, like hold_next), hold_operation ({"service", "operation",
"nth"}: hold the nth request from now of that operation key, and every later one).

Usage: python fault_proxy.py PORT UPSTREAM_URL [--control FILE] [--events FILE] [--seed N]
       [--before RATE] [--after RATE] [--latency-ms MS] [--jitter-ms MS] [--hold N]
       [--hold-when before|after] [--aws-buckets] [--quiet]
PORT 0 picks a free port; the proxy prints `listening PORT` on stdout once it accepts
connections. It exits when its parent process exits.
"""
import argparse, http.client, http.server, json, os, random, re, socket, struct, sys, threading
import time, urllib.parse, uuid

DEFAULTS = {
    "seed": 1,
    "before": 0.0,
    "after": 0.0,
    "latency_ms": 0,
    "jitter_ms": 0,
    "hold": None,
    "hold_when": "before",
    "hold_rest": True,
    "after_mode": "close",
    "services": None,
    "at": {},
    "hold_operation": None,
    "aws_buckets": False,
    "lost_as": "close",
    "lose_first": None,
    "lose_first_only": None,
    "refuse_first": None,
}
FAULT_KINDS = ("throttle", "unavailable", "lost")
LOST_AS = ("close", "error", "throttle", "timeout", "mixed")
MIXED = ("error", "throttle", "timeout")

CREDENTIAL = re.compile(r"Credential=[^/,\s]+/\d{8}/([^/,\s]+)/([^/,\s]+)/aws4_request")
# REST-XML services the stacks use; any other REST request is taken as REST-JSON.
REST_XML = {"s3", "route53", "cloudfront", "s3-control", "s3control"}
BUCKET_TABLE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "crates",
                            "infra-aws", "src", "rate_buckets.json")


def load_buckets():
    """The rows of AWS's published token buckets (see aws_buckets above)."""
    with open(BUCKET_TABLE) as file:
        return json.load(file)["buckets"]
# Hop-by-hop headers, and those the proxy sets itself.
HOP_HEADERS = {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "te",
               "trailer", "upgrade", "expect", "content-length"}


class Proxy:
    """The settings, the counters and the held requests, shared by the handler threads."""

    def __init__(self, upstream, settings, control_file, events_file, quiet):
        parsed = urllib.parse.urlsplit(upstream)
        self.upstream_host = parsed.hostname or "127.0.0.1"
        self.upstream_port = parsed.port or 80
        self.lock = threading.Lock()
        self.lost_first = set()
        self.first_counts = {}
        self.refused_first = set()
        self.config = dict(DEFAULTS)
        self.apply_settings(settings)
        self.control_file = control_file
        self.control_stamp = None
        self.events_file = events_file
        self.quiet = quiet
        self.seen = 0
        self.in_flight = 0
        self.forwarded = 0
        self.faults_before = 0
        self.faults_after = 0
        self.throttled = 0
        self.bucket_rows = load_buckets()
        # bucket key -> [tokens, monotonic time of the last refill]
        self.bucket_levels = {}
        # bucket key -> [requests admitted, capacity, refill per second], for the floor
        self.bucket_admitted = {}
        self.held = []
        self.released = 0
        self.log = []
        # (service, operation key) -> calls seen, for the per-operation draws.
        self.occurrences = {}
        # Set to release every request held so far; replaced by a fresh event afterwards.
        self.release_event = threading.Event()

    # --- settings -------------------------------------------------------------------------

    def apply_settings(self, settings):
        """Merges a partial settings object (call with the lock held, or before serving)."""
        if not isinstance(settings, dict):
            raise ValueError("the settings must be a JSON object")
        release = False
        for key, value in settings.items():
            if key == "hold_next":
                self.config["hold"] = None if value is None else self.seen + int(value)
                release = value is None
            elif key in ("at", "at_next"):
                offset = self.seen if key == "at_next" else 0
                faults = {}
                for number, kind in dict(value).items():
                    if kind not in FAULT_KINDS:
                        raise ValueError(f"a fault is one of {', '.join(FAULT_KINDS)}")
                    faults[str(int(number) + offset)] = kind
                if key == "at":
                    self.config["at"] = faults
                else:
                    self.config["at"] = {**self.config["at"], **faults}
            elif key == "hold_operation":
                # {"service": S, "operation": KEY, "nth": K}: hold the Kth request from now of
                # that operation (its operation key, as the log shows it for REST requests
                # with IDs starred), and every request after it, as "hold" does.
                if value is None:
                    self.config["hold_operation"] = None
                else:
                    wanted = (str(value["service"]), str(value["operation"]))
                    nth = self.occurrences.get(wanted, 0) + int(value.get("nth", 1))
                    self.config["hold_operation"] = {"key": wanted, "occurrence": nth}
                    self.config["hold"] = None
            elif key == "release":
                release = bool(value)
            elif key not in DEFAULTS:
                raise ValueError(f"unknown setting {key!r}")
            elif key in ("before", "after"):
                rate = float(value)
                if not 0.0 <= rate <= 1.0:
                    raise ValueError(f"{key} must be a rate between 0 and 1")
                self.config[key] = rate
            elif key == "hold":
                self.config["hold"] = None if value is None else int(value)
                release = release or value is None
                if value is None:
                    self.config["hold_operation"] = None
            elif key == "hold_when":
                if value not in ("before", "after"):
                    raise ValueError("hold_when is before or after")
                self.config[key] = value
            elif key == "after_mode":
                if value not in ("close", "reset"):
                    raise ValueError("after_mode is close or reset")
                self.config[key] = value
            elif key == "lost_as":
                if value not in LOST_AS:
                    raise ValueError(f"lost_as is one of {', '.join(LOST_AS)}")
                self.config[key] = value
            elif key == "lose_first":
                self.config[key] = None if value is None else [str(k) for k in value]
                self.lost_first = set()
                self.first_counts = {}
            elif key == "refuse_first":
                self.config[key] = None if value is None else [str(k) for k in value]
                self.refused_first = set()
            elif key == "lose_first_only":
                self.config[key] = None if value is None else {
                    "key": str(value["key"]), "nth": int(value["nth"])}
            elif key == "services":
                self.config[key] = None if value is None else [str(s) for s in value]
            elif key in ("hold_rest", "aws_buckets"):
                self.config[key] = bool(value)
            else:
                self.config[key] = int(value)
        if release and hasattr(self, "release_event"):
            # "held" lists what is held now: released requests leave it.
            self.released += len(self.held)
            self.held = []
            self.release_event.set()
            self.release_event = threading.Event()

    def reload_control_file(self):
        """Applies the control file if it changed since it was last read (lock held)."""
        if not self.control_file:
            return
        try:
            status = os.stat(self.control_file)
        except OSError:
            return
        stamp = (status.st_mtime_ns, status.st_size, status.st_ino)
        if stamp == self.control_stamp:
            return
        try:
            with open(self.control_file) as file:
                settings = json.load(file)
        except (OSError, ValueError):
            return  # half written: the next request reads it again
        self.control_stamp = stamp
        try:
            self.apply_settings(settings)
        except (ValueError, TypeError) as error:
            self.say(f"control file refused: {error}")

    def stats(self):
        return {
            "seen": self.seen,
            "in_flight": self.in_flight,
            "forwarded": self.forwarded,
            "faults_before": self.faults_before,
            "faults_after": self.faults_after,
            "throttled": self.throttled,
            "held": list(self.held),
            "released": self.released,
            "config": dict(self.config),
            "buckets": {key: {"admitted": n, "floor_s": max(0.0, n - capacity) / refill}
                        for key, (n, capacity, refill) in self.bucket_admitted.items()},
            # The least time any client needs for the requests admitted so far: each bucket's
            # requests beyond its burst capacity at its refill rate, the slowest bucket's.
            "floor_s": max([max(0.0, n - capacity) / refill
                            for n, capacity, refill in self.bucket_admitted.values()] or [0.0]),
        }

    def take_token(self, service, operation):
        """Whether AWS's bucket for this call has a token (taking it); True when no row names
        the call. Call with the lock held."""
        for row in self.bucket_rows:
            if row["signing_name"] == service and (
                    not row["operations"] or any(operation.startswith(p) for p in row["operations"])):
                break
        else:
            return True
        key = f"{service}/{operation}" if row["scope"] == "per_operation" else service
        now = time.monotonic()
        level = self.bucket_levels.setdefault(key, [float(row["capacity"]), now])
        level[0] = min(float(row["capacity"]), level[0] + (now - level[1]) * row["refill_per_second"])
        level[1] = now
        if level[0] < 1.0:
            return False
        level[0] -= 1.0
        admitted = self.bucket_admitted.setdefault(
            key, [0, float(row["capacity"]), float(row["refill_per_second"])])
        admitted[0] += 1
        return True

    def say(self, line):
        if not self.quiet:
            print(line, flush=True)

    def announce_held(self, entry):
        line = f"held {entry['n']} {entry['service']} {entry['operation']}"
        print(line, flush=True)
        if self.events_file:
            with open(self.events_file, "a") as file:
                file.write(line + "\n")


def describe(command, path, headers, body):
    """(service, protocol, operation) of an AWS request."""
    authorization = headers.get("Authorization", "")
    query = urllib.parse.urlsplit(path).query
    match = CREDENTIAL.search(authorization) or CREDENTIAL.search(
        urllib.parse.unquote(query))
    service = match.group(2) if match else ""
    content_type = (headers.get("Content-Type") or "").lower()
    target = headers.get("X-Amz-Target")
    if not service:  # unsigned: a host such as ec2.us-east-1.amazonaws.com names it
        host = (headers.get("Host") or "").split(":")[0]
        if host.endswith(".amazonaws.com"):
            service = host.split(".")[0]
    if target:
        return service or target.split("_")[0].lower(), "json", target.rsplit(".", 1)[-1]
    if (headers.get("smithy-protocol") or "").lower() == "rpc-v2-cbor":
        return service or "monitoring", "cbor", path.rsplit("/", 1)[-1].split("?")[0]
    form = {}
    if "x-www-form-urlencoded" in content_type:
        form = urllib.parse.parse_qs(body.decode("utf-8", "replace"))
    elif command == "GET" and "Action=" in query:
        form = urllib.parse.parse_qs(query)
    if "Action" in form:
        action = form["Action"][0]
        return service, ("ec2" if service == "ec2" else "query"), action
    operation = f"{command} {urllib.parse.urlsplit(path).path}"
    if service in REST_XML:
        return service, "rest-xml", operation
    return service, "rest-json", operation


# The request fields AWS documents as idempotency tokens: EC2's and ECS's ClientToken, ACM's
# IdempotencyToken, Route 53's CallerReference, Cloud Map's CreatorRequestId, Secrets
# Manager's ClientRequestToken.
TOKEN_FIELDS = ("ClientToken", "clientToken", "IdempotencyToken", "CallerReference",
                "CreatorRequestId", "ClientRequestToken")
XML_TOKEN = re.compile(r"<(" + "|".join(TOKEN_FIELDS) + r")>([^<]*)</")


def idempotency_token(protocol, body):
    """The idempotency token a request carries (see TOKEN_FIELDS), or None."""
    text = body.decode("utf-8", "replace")
    if protocol in ("ec2", "query"):
        form = urllib.parse.parse_qs(text)
        return next((form[field][0] for field in TOKEN_FIELDS if field in form), None)
    if protocol in ("json", "rest-json"):
        try:
            document = json.loads(text) if text.strip() else {}
        except ValueError:
            return None
        if not isinstance(document, dict):
            return None
        return next((document[field] for field in TOKEN_FIELDS if field in document), None)
    if protocol == "rest-xml":
        match = XML_TOKEN.search(text)
        return match.group(2) if match else None
    return None


def operation_key(command, path, operation):
    """The operation with what varies from run to run left out: for REST requests, path
    segments holding digits (IDs, dates) become * and only the query's keys are kept."""
    if not operation.startswith(f"{command} "):
        return operation
    parts = urllib.parse.urlsplit(path)
    segments = ["*" if any(c.isdigit() for c in segment) else segment
                for segment in parts.path.split("/")]
    keys = sorted({key for key, _ in urllib.parse.parse_qsl(parts.query, keep_blank_values=True)})
    return f"{command} {'/'.join(segments)}" + (f"?{'&'.join(keys)}" if keys else "")


def cbor_text(text):
    data = text.encode()
    return cbor_head(3, len(data)) + data


def cbor_head(major, length):
    if length < 24:
        return bytes([major << 5 | length])
    if length < 256:
        return bytes([major << 5 | 24, length])
    if length < 65536:
        return bytes([major << 5 | 25]) + struct.pack(">H", length)
    return bytes([major << 5 | 26]) + struct.pack(">I", length)


def internal_error_answer(protocol, service, request_id):
    """(status, headers, body) of a 500 in PROTOCOL's shape, as a service answers when it
    failed inside (whether or not the work was done)."""
    message = "An internal error has occurred"
    if protocol == "ec2":
        body = (f"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error>"
                f"<Code>InternalError</Code><Message>{message}</Message></Error></Errors>"
                f"<RequestID>{request_id}</RequestID></Response>")
        return 500, {"Content-Type": "text/xml;charset=UTF-8"}, body.encode()
    if protocol in ("query", "rest-xml"):
        body = (f"<ErrorResponse><Error><Type>Receiver</Type><Code>InternalFailure</Code>"
                f"<Message>{message}</Message></Error><RequestId>{request_id}</RequestId>"
                "</ErrorResponse>")
        if protocol == "rest-xml" and service == "s3":
            body = (f"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>InternalError"
                    f"</Code><Message>{message}</Message><RequestId>{request_id}</RequestId>"
                    "</Error>")
        return 500, {"Content-Type": "text/xml"}, body.encode()
    code = "InternalFailure" if protocol == "json" else "InternalServerException"
    headers = {"x-amzn-ErrorType": code, "x-amzn-RequestId": request_id}
    if protocol == "cbor":
        body = cbor_head(5, 2) + cbor_text("__type") + cbor_text(code) + \
            cbor_text("message") + cbor_text(message)
        headers.update({"Content-Type": "application/cbor", "smithy-protocol": "rpc-v2-cbor"})
        return 500, headers, body
    headers["Content-Type"] = ("application/x-amz-json-1.1" if protocol == "json"
                               else "application/json")
    return 500, headers, json.dumps({"__type": code, "message": message}).encode()


def error_answer(protocol, service, throttle, request_id):
    """(status, headers, body) of a throttling (or 503 unavailable) error in PROTOCOL's shape."""
    message = "Rate exceeded" if throttle else "Service unavailable, please try again"
    if protocol == "ec2":
        code = "RequestLimitExceeded" if throttle else "Unavailable"
        body = (f"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>{code}"
                f"</Code><Message>{message}</Message></Error></Errors>"
                f"<RequestID>{request_id}</RequestID></Response>")
        return 503, {"Content-Type": "text/xml;charset=UTF-8"}, body.encode()
    if protocol == "query" or (protocol == "rest-xml" and service != "s3"):
        code = "Throttling" if throttle else "ServiceUnavailable"
        body = (f"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code>"
                f"<Message>{message}</Message></Error><RequestId>{request_id}</RequestId>"
                "</ErrorResponse>")
        return (400 if throttle else 503), {"Content-Type": "text/xml"}, body.encode()
    if protocol == "rest-xml":  # S3: an unwrapped <Error>, 503 for both
        code = "SlowDown" if throttle else "ServiceUnavailable"
        body = (f"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code>"
                f"<Message>{message}</Message><RequestId>{request_id}</RequestId></Error>")
        return 503, {"Content-Type": "application/xml"}, body.encode()
    code = "ThrottlingException" if throttle else "ServiceUnavailableException"
    headers = {"x-amzn-ErrorType": code, "x-amzn-RequestId": request_id}
    if protocol == "cbor":
        body = cbor_head(5, 2) + cbor_text("__type") + cbor_text(code) + \
            cbor_text("message") + cbor_text(message)
        headers.update({"Content-Type": "application/cbor", "smithy-protocol": "rpc-v2-cbor"})
        return (400 if throttle else 503), headers, body
    headers["Content-Type"] = ("application/x-amz-json-1.1" if protocol == "json"
                               else "application/json")
    status = 503 if not throttle else (400 if protocol == "json" else 429)
    return status, headers, json.dumps({"__type": code, "message": message}).encode()


def make_handler(proxy):
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *_):
            pass

        def read_body(self):
            if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
                chunks = []
                while True:
                    size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                    if size == 0:
                        while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                            pass  # trailers
                        return b"".join(chunks)
                    chunks.append(self.rfile.read(size))
                    self.rfile.readline()
            length = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(length) if length else b""

        def answer(self, status, headers, body, reason=None):
            self.send_response(status, reason)
            for key, value in headers:
                self.send_header(key, value)
            bodiless = status in (204, 304) or 100 <= status < 200
            if not bodiless and (self.command != "HEAD" or not any(
                    k.lower() == "content-length" for k, _ in headers)):
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD" and body:
                self.wfile.write(body)

        def control(self, body):
            with proxy.lock:
                if self.path.startswith("/__proxy/config") and self.command == "POST":
                    try:
                        proxy.apply_settings(json.loads(body or b"{}"))
                    except (ValueError, TypeError) as error:
                        data = json.dumps({"error": str(error)}).encode()
                        self.answer(400, [("Content-Type", "application/json")], data)
                        return
                    data = proxy.stats()
                elif self.path.startswith("/__proxy/stats"):
                    data = proxy.stats()
                elif self.path.startswith("/__proxy/log"):
                    data = list(proxy.log)
                else:
                    self.answer(404, [("Content-Type", "text/plain")], b"no such control path")
                    return
            self.answer(200, [("Content-Type", "application/json")], json.dumps(data).encode())

        def lose_connection(self, mode):
            """Ends the connection with no answer: FIN ("close") or RST ("reset")."""
            self.close_connection = True
            if mode == "reset":
                try:
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                               struct.pack("ii", 1, 0))
                except OSError:
                    pass

        def lose_answer(self, how, protocol, service, request_id):
            """Loses the answer to a request moto has done (see lost_as)."""
            if how == "error":
                status, headers, data = internal_error_answer(protocol, service, request_id)
                self.answer(status, list(headers.items()), data)
            elif how == "throttle":
                status, headers, data = error_answer(protocol, service, True, request_id)
                self.answer(status, list(headers.items()), data)
            elif how == "timeout":
                self.wait_for_client_to_give_up()
            else:
                self.lose_connection(proxy.config["after_mode"])

        def wait_for_client_to_give_up(self):
            """Answers nothing until the client closes the connection (its read timeout)."""
            self.close_connection = True
            deadline = time.monotonic() + 600
            self.connection.settimeout(0.2)
            while time.monotonic() < deadline:
                try:
                    if not self.connection.recv(1, socket.MSG_PEEK):
                        return
                except socket.timeout:
                    continue
                except OSError:
                    return
                time.sleep(0.2)

        def held(self, n, service, operation, fault, release):
            """Records and announces a held request (unless the hold was lifted meanwhile)."""
            held = {"n": n, "service": service, "operation": operation}
            with proxy.lock:
                if release.is_set():
                    return
                proxy.held.append(held)
                proxy.log[n - 1]["fault"] = fault
            proxy.say(f"{n} {service} {operation} {fault}")
            proxy.announce_held(held)

        def hold_forever(self, release):
            release.wait()
            self.lose_connection("close")

        def forward_upstream(self, body):
            connection = http.client.HTTPConnection(proxy.upstream_host, proxy.upstream_port,
                                                    timeout=600)
            try:
                headers = {k: v for k, v in self.headers.items()
                           if k.lower() not in HOP_HEADERS}
                headers["Content-Length"] = str(len(body))
                connection.request(self.command, self.path, body, headers)
                response = connection.getresponse()
                data = response.read()
                return response.status, response.reason, response.getheaders(), data
            finally:
                connection.close()

        def handle_any(self):
            body = self.read_body()
            if self.path.startswith("/__proxy/"):
                self.control(body)
                return
            service, protocol, operation = describe(self.command, self.path, self.headers, body)
            with proxy.lock:
                proxy.reload_control_file()
                proxy.seen += 1
                proxy.in_flight += 1
                n = proxy.seen
                key = (service, operation_key(self.command, self.path, operation))
                occurrence = proxy.occurrences.get(key, 0) + 1
                proxy.occurrences[key] = occurrence
                wanted = proxy.config["hold_operation"]
                if (wanted and proxy.config["hold"] is None and tuple(wanted["key"]) == key
                        and occurrence == wanted["occurrence"]):
                    proxy.config["hold"] = n
                    proxy.config["hold_operation"] = None
                config = dict(proxy.config)
                release = proxy.release_event
                hold = config["hold"]
                held = hold is not None and (n == hold or (config["hold_rest"] and n > hold))
                entry = {"n": n, "at": time.monotonic(), "service": service,
                         "protocol": protocol,
                         "operation": operation, "key": key[1], "fault": None,
                         "token": idempotency_token(protocol, body)}
                proxy.log.append(entry)
            try:
                self.serve_request(n, f"{key[0]}/{key[1]}/{occurrence}", body, service,
                                   protocol, operation, config, release, held, entry)
            finally:
                with proxy.lock:
                    proxy.in_flight -= 1

        def serve_request(self, n, draw_key, body, service, protocol, operation, config,
                          release, held, entry):
            # The request's own draws, always all of them, so that one rate does not shift
            # the other's decisions.
            draws = random.Random(f"{config['seed']}/{draw_key}")
            before_roll, after_roll, kind_roll, jitter_roll = (draws.random() for _ in range(4))
            request_id = str(uuid.UUID(int=draws.getrandbits(128), version=4))
            faulty = config["services"] is None or service in config["services"]

            def note(fault):
                with proxy.lock:
                    entry["fault"] = fault
                proxy.say(f"{n} {service} {operation} {fault or 'ok'}")

            if held and (n != config["hold"] or config["hold_when"] == "before"):
                self.held(n, service, operation, "held", release)
                self.hold_forever(release)
                return
            # The bucket counts the request as it arrives: its spacing is the client's, not
            # that of this proxy's sleeps.
            throttled = False
            if config["aws_buckets"] and not held:
                with proxy.lock:
                    throttled = not proxy.take_token(service, operation)
                    proxy.throttled += throttled
            delay = config["latency_ms"] + jitter_roll * config["jitter_ms"]
            if delay > 0:
                time.sleep(delay / 1000.0)
            if throttled:
                note("throttled by its bucket")
                status, headers, data = error_answer(protocol, service, True, request_id)
                self.answer(status, list(headers.items()), data)
                return
            if not held and entry["key"] in (config["refuse_first"] or ()):
                digest = (entry["key"], hash(body))
                with proxy.lock:
                    first = digest not in proxy.refused_first
                    proxy.refused_first.add(digest)
                    proxy.faults_before += first
                if first:
                    note("refused first (500)")
                    status, headers, data = internal_error_answer(protocol, service,
                                                                  request_id)
                    self.answer(status, list(headers.items()), data)
                    return
            chosen = config["at"].get(str(n))
            if not held and (chosen in ("throttle", "unavailable") or (
                    chosen is None and faulty and before_roll < config["before"])):
                throttle = chosen == "throttle" or (chosen is None and kind_roll < 0.5)
                with proxy.lock:
                    proxy.faults_before += 1
                note("throttled" if throttle else "unavailable")
                status, headers, data = error_answer(protocol, service, throttle, request_id)
                self.answer(status, list(headers.items()), data)
                return
            try:
                status, reason, headers, data = self.forward_upstream(body)
            except OSError as error:
                note(f"upstream failed: {error}")
                self.answer(502, [("Content-Type", "text/plain")], str(error).encode())
                return
            with proxy.lock:
                proxy.forwarded += 1
            if held:  # hold_when == "after": moto did it, the answer never comes
                self.held(n, service, operation, "held after forwarding", release)
                self.hold_forever(release)
                return
            first = False
            if config["lose_first"] and any(entry["key"].startswith(prefix)
                                            for prefix in config["lose_first"]):
                digest = (entry["key"], hash(body))
                with proxy.lock:
                    first = digest not in proxy.lost_first
                    proxy.lost_first.add(digest)
                    if first:
                        nth = proxy.first_counts.get(entry["key"], 0) + 1
                        proxy.first_counts[entry["key"]] = nth
                        only = config["lose_first_only"]
                        first = only is None or (only["key"] == entry["key"]
                                                 and int(only["nth"]) == nth)
            if first or chosen == "lost" or (
                    chosen is None and faulty and after_roll < config["after"]):
                how = config["lost_as"]
                if how == "mixed":
                    how = MIXED[int(kind_roll * len(MIXED)) % len(MIXED)]
                with proxy.lock:
                    proxy.faults_after += 1
                note("answer lost" if how == "close" else f"answer lost ({how})")
                self.lose_answer(how, protocol, service, request_id)
                return
            note(None)
            kept = [(k, v) for k, v in headers if k.lower() not in HOP_HEADERS
                    or (k.lower() == "content-length" and self.command == "HEAD")]
            self.answer(status, kept, data, reason)

        do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = do_OPTIONS = handle_any

    return Handler


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256
    allow_reuse_address = True


def exit_with_parent(parent):
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(0)


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("port", type=int)
    parser.add_argument("upstream")
    parser.add_argument("--control", help="a JSON settings file, re-read when it changes")
    parser.add_argument("--events", help="a file to which each held request is appended")
    parser.add_argument("--seed", type=int, default=DEFAULTS["seed"])
    parser.add_argument("--before", type=float, default=0.0)
    parser.add_argument("--after", type=float, default=0.0)
    parser.add_argument("--latency-ms", type=int, default=0)
    parser.add_argument("--jitter-ms", type=int, default=0)
    parser.add_argument("--hold", type=int)
    parser.add_argument("--hold-when", choices=["before", "after"], default="before")
    parser.add_argument("--aws-buckets", action="store_true",
                        help="throttle as AWS does, with its published token buckets")
    parser.add_argument("--quiet", action="store_true", help="no line per request on stdout")
    options = parser.parse_args(argv)
    settings = {"seed": options.seed, "before": options.before, "after": options.after,
                "latency_ms": options.latency_ms, "jitter_ms": options.jitter_ms,
                "hold": options.hold, "hold_when": options.hold_when,
                "aws_buckets": options.aws_buckets}
    proxy = Proxy(options.upstream, settings, options.control, options.events, options.quiet)
    with proxy.lock:
        proxy.reload_control_file()
    server = Server(("127.0.0.1", options.port), make_handler(proxy))
    threading.Thread(target=exit_with_parent, args=(os.getppid(),), daemon=True).start()
    print(f"listening {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main(sys.argv[1:])
