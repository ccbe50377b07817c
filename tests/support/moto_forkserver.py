"""A warm parent for the tests' emulators. A new interpreter spends about two seconds of CPU
importing moto, its services and AWS's managed IAM policies before it answers; the end-to-end
tests start one emulator per test and run about a hundred boto3 checks, so that was minutes of
each CI run. This process pays it once: it imports moto_server.py (moto and every patch), builds
the apps of the services the tests use and the default account's IAM backend, and then forks.

Each fork is a fresh emulator: the parent never serves a request, so a child starts from the
same empty moto a new `moto_server.py` would, and no test sees another's objects.

Usage: python moto_forkserver.py SOCKET
It listens on the Unix socket SOCKET and exits after IDLE_SECONDS without a connection. A client
connects and sends one JSON line; a child of this process takes the connection and answers:
  {"serve": {"env": {...}, "log": PATH}}
      An emulator with `env` added to its environment, its output to PATH; it writes back its
      loopback port ("PORT\\n") once it listens, and exits when the client closes the connection:
      when the test drops it, or when the test process dies.
  {"python": SCRIPT, "env": {...}}
      Runs SCRIPT (boto3 imported once, here) with `env` added to its environment, and writes
      back one JSON line: {"ok": bool, "stdout": "...", "error": "the traceback"}.

With INFRA_MOTO_PROFILE=DIR in this process's environment, each emulator profiles the requests
it answers and writes DIR/moto-PID.prof (pstats) when it exits: what the tests' CPU is spent on.
"""
import contextlib, importlib, io, json, os, signal, socket, sys, threading, traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import moto_server  # first: it sets moto's environment before moto is imported
import boto3
import moto.settings
from moto.backends import get_backend
from moto.core import DEFAULT_ACCOUNT_ID

IDLE_SECONDS = 120

# The services the tests call; their apps are built here once (moto builds one on a service's
# first request). A name moto does not know is skipped.
SERVICES = [
    "acm", "applicationautoscaling", "autoscaling", "cloudwatch", "codebuild", "codecommit",
    "codedeploy", "codepipeline", "dynamodb", "ec2", "ecr", "ecs", "elasticache", "elbv2",
    "events", "iam", "kinesis", "kms", "lambda", "logs", "rds", "redshift",
    "resourcegroupstaggingapi", "route53", "s3", "secretsmanager", "servicediscovery", "sns",
    "sqs", "ssm", "sts",
]
# Services with one backend per partition rather than per region.
GLOBAL_SERVICES = {"iam", "route53", "s3", "sts"}
# The clients the tests' boto3 checks make, whose service models are loaded here once.
CLIENTS = [
    "acm", "application-autoscaling", "cloudwatch", "dynamodb", "ec2", "ecr", "ecs", "elbv2",
    "events", "iam", "lambda", "logs", "rds", "route53", "s3", "secretsmanager", "ssm",
]


def warm():
    for name in SERVICES:
        try:
            moto_server.MOTO.app_instances[name] = moto_server.create_backend_app(name)
        except Exception:
            pass
    # The default account's backends in the default region (IAM's loads AWS's managed
    # policies; EC2's makes the default VPC), as a first request would make them.
    for name in SERVICES:
        try:
            backends = get_backend(name)[DEFAULT_ACCOUNT_ID]
            backends["aws" if name in GLOBAL_SERVICES else "us-east-1"]
        except Exception:
            pass
    # moto finds a request's account by asking every partition's IAM backend for its access
    # key, which makes each of them (and loads the managed policies into each) on the first.
    from moto.iam.models import iam_backends
    from moto.utilities.utils import PARTITION_NAMES
    for partition in PARTITION_NAMES:
        iam_backends[DEFAULT_ACCOUNT_ID][partition]
    # moto's own copies of the services' models (it loads one per service on the first request,
    # about a second each).
    from moto.core.utils import get_service_model
    for name in CLIENTS + ["sts", "resourcegroupstaggingapi", "sns", "kms", "servicediscovery"]:
        try:
            get_service_model(name)
        except Exception:
            pass
    # Models only: credentials and endpoints are resolved in each child, from its environment.
    boto3.setup_default_session()
    for name in CLIENTS:
        boto3.DEFAULT_SESSION._session.get_service_model(name)


def read_request(conn):
    data = b""
    while not data.endswith(b"\n"):
        chunk = conn.recv(65536)
        if not chunk:
            os._exit(0)
        data += chunk
    return json.loads(data)


def set_environment(env):
    os.environ.update(env)
    importlib.reload(moto.settings)  # moto reads some settings once, when imported


def profiled(app, directory):
    """`app` with each request's calls added to one profile, written to `directory` by the
    returned `save`."""
    import cProfile, pstats
    lock, totals = threading.Lock(), []

    def profiled_app(environ, start_response):
        profile = cProfile.Profile()
        try:
            return profile.runcall(app, environ, start_response)
        finally:
            with lock:
                if totals:
                    totals[0].add(profile)
                else:
                    totals.append(pstats.Stats(profile))

    def save():
        with lock:
            if totals:
                totals[0].dump_stats(os.path.join(directory, f"moto-{os.getpid()}.prof"))

    return profiled_app, save


def serve(conn, request):
    log = os.open(request["log"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.dup2(log, 1)
    os.dup2(log, 2)
    set_environment(request.get("env", {}))
    save = lambda: None
    if os.environ.get("INFRA_MOTO_PROFILE"):
        moto_server.app, save = profiled(moto_server.app, os.environ["INFRA_MOTO_PROFILE"])
    server = moto_server.listen(0)
    conn.sendall(f"{server.server_port}\n".encode())

    def exit_when_closed():
        while conn.recv(4096):
            pass
        save()
        os._exit(0)

    threading.Thread(target=exit_when_closed, daemon=True).start()
    server.serve_forever()


def run_python(conn, request):
    set_environment(request.get("env", {}))
    stdout, ok, error = io.StringIO(), True, ""
    try:
        with contextlib.redirect_stdout(stdout):
            exec(compile(request["python"], "<test script>", "exec"), {"__name__": "__main__"})
    except SystemExit as exit:
        ok = exit.code in (None, 0)
        error = "" if ok else f"exit {exit.code}"
    except BaseException:
        ok, error = False, traceback.format_exc()
    answer = {"ok": ok, "stdout": stdout.getvalue(), "error": error}
    conn.sendall(json.dumps(answer).encode() + b"\n")


def child(conn):
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    try:
        request = read_request(conn)
        if "serve" in request:
            serve(conn, request["serve"])
        else:
            run_python(conn, request)
    except BaseException:
        traceback.print_exc()
    finally:
        os._exit(0)


def fork_for(listener, conn):
    if os.fork() == 0:
        listener.close()
        child(conn)
    conn.close()


def main():
    path = sys.argv[1]
    warm()
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(128)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped by the kernel
    listener.settimeout(IDLE_SECONDS)
    while True:
        try:
            conn, _ = listener.accept()
        except socket.timeout:
            break
        conn.settimeout(None)
        fork_for(listener, conn)
    # Idle: no new client can reach the socket once it is unlinked; those already queued are
    # still served.
    os.unlink(path)
    listener.setblocking(False)
    while True:
        try:
            conn, _ = listener.accept()
        except (BlockingIOError, socket.timeout):
            break
        conn.setblocking(True)
        fork_for(listener, conn)


if __name__ == "__main__":
    main()
