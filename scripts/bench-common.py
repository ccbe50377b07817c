"""Shared by the bench-* scripts: the infra binary, a moto server on a free loopback port,
synthetic stacks, and timing of whole processes (process start included).

Loaded by the scripts with importlib (its name has a dash so that it sits with them as
scripts/bench-*). Nothing here asserts on time: the scripts print numbers and ratios.
"""
import collections, http.client, http.server, os, socket, statistics, subprocess, sys, tempfile
import threading, time, urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The project's venv with moto (scripts/setup-emulator); BENCH_PYTHON overrides it.
PYTHON = Path(os.environ.get("BENCH_PYTHON", ROOT / ".venv/bin/python"))


def target_dir():
    return Path(os.environ.get("CARGO_TARGET_DIR", Path.home() / ".cache/infra/target"))


def infra_binary(build=True):
    """The debug `infra` binary (INFRA_BIN overrides), built first unless told not to."""
    if os.environ.get("INFRA_BIN"):
        return Path(os.environ["INFRA_BIN"])
    if build:
        subprocess.run(["cargo", "build", "--quiet", "--bin", "infra"], cwd=ROOT, check=True)
    return target_dir() / "debug/infra"


def machine():
    cpu = "unknown cpu"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores, {cpu}, {memory:.0f} GiB"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Moto:
    """moto on a free loopback port via tests/support/moto_server.py; stopped on exit."""

    def __init__(self, extra_env=None):
        self.port = free_port()
        env = dict(os.environ, **(extra_env or {}))
        self.log = open(tempfile.mktemp(prefix=f"bench-moto-{self.port}-", suffix=".log"), "w")
        self.process = subprocess.Popen(
            [str(PYTHON), str(ROOT / "tests/support/moto_server.py"), str(self.port)],
            env=env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 30
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"moto exited at start; see {self.log.name}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise SystemExit(f"moto did not start; see {self.log.name}")
        self.env = {
            "AWS_ENDPOINT_URL": f"http://127.0.0.1:{self.port}",
            "AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench",
            "AWS_REGION": "us-east-1", "AWS_DEFAULT_REGION": "us-east-1",
        }
        os.environ.update(self.env)  # for boto3 in this process

    def __enter__(self):
        return self

    def __exit__(self, *_):
        self.process.terminate()
        self.process.wait()


class CountingProxy:
    """A loopback HTTP proxy in front of moto that tallies AWS operations by name, so that a
    bench can say where the requests go (the binary itself only prints the total)."""

    def __init__(self, moto):
        self.counts = collections.Counter()
        lock = threading.Lock()
        counts, upstream = self.counts, moto.port

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_):
                pass

            def forward(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                target = self.headers.get("X-Amz-Target")
                if target:
                    operation = target.rsplit(".", 1)[-1]
                elif "/operation/" in self.path:
                    operation = self.path.rsplit("/", 1)[-1]
                else:
                    form = urllib.parse.parse_qs(body.decode("utf-8", "replace"))
                    operation = form.get("Action", [f"{self.command} {self.path.split('?')[0]}"])[0]
                with lock:
                    counts[operation] += 1
                connection = http.client.HTTPConnection("127.0.0.1", upstream, timeout=120)
                headers = {k: v for k, v in self.headers.items() if k.lower() != "connection"}
                connection.request(self.command, self.path, body, headers)
                answer = connection.getresponse()
                data = answer.read()
                self.send_response(answer.status, answer.reason)
                for key, value in answer.getheaders():
                    if key.lower() not in ("transfer-encoding", "connection", "content-length"):
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                connection.close()

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = forward

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.env = dict(moto.env, AWS_ENDPOINT_URL=f"http://127.0.0.1:{self.port}")

    def take(self):
        """The tally since the last take, most frequent first; resets it."""
        tally = self.counts.most_common()
        self.counts.clear()
        return tally


def run_measured(infra, stack, args, env=None, check=True, prefix=()):
    """Runs `infra ARGS` in STACK (after PREFIX, a profiler say); returns (seconds, peak RSS
    in MB, CompletedProcess). The CompletedProcess also has `cpu_seconds`.

    The wall time is the whole process: exec, start-up, work, exit. The peak RSS and the CPU
    time (user and system) are that one child's, from wait4.
    """
    full_env = dict(os.environ, NO_COLOR="1", **(env or {}))
    out_path = tempfile.TemporaryFile(mode="w+")
    err_path = tempfile.TemporaryFile(mode="w+")
    started = time.perf_counter()
    process = subprocess.Popen([*prefix, str(infra), *args], cwd=stack, env=full_env,
                               stdout=out_path, stderr=err_path)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    out_path.seek(0)
    err_path.seek(0)
    result = subprocess.CompletedProcess(process.args, process.returncode,
                                         out_path.read(), err_path.read())
    result.cpu_seconds = usage.ru_utime + usage.ru_stime
    if check and process.returncode not in (0, 2):
        raise SystemExit(f"infra {' '.join(args)} failed ({process.returncode}):\n"
                         f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return elapsed, usage.ru_maxrss / 1024, result


def requests(stderr):
    """The count from `AWS requests: N` (INFRA_DEBUG_REQUESTS=1)."""
    for line in stderr.splitlines():
        if line.startswith("AWS requests:"):
            return int(line.split(":", 1)[1])
    return None


def summary(samples):
    samples = sorted(samples)
    return {"min": samples[0], "median": statistics.median(samples), "max": samples[-1],
            "n": len(samples)}


def fmt_seconds(stats):
    return f"median {stats['median']:.3f} s (min {stats['min']:.3f}, max {stats['max']:.3f}, n={stats['n']})"


PROVIDER = 'provider "aws" {\n  region = "us-east-1"\n}\n'

# The six types of issue 3, in a repeating group of six; a subnet, security group and target
# group each reference their group's VPC, as real stacks do.
KINDS = ["vpc", "subnet", "sg", "tg", "cluster", "logs"]


def synthetic_resources(count, prefix="b"):
    """HCL for COUNT resources cycling through KINDS, every one its own block."""
    blocks = [PROVIDER]
    for index in range(count):
        group, kind = divmod(index, len(KINDS))
        kind = KINDS[kind]
        vpc = f"aws_vpc.v{group}"
        if kind == "vpc":
            blocks.append(f'resource "aws_vpc" "v{group}" {{\n  cidr_block = "10.{group % 250}.0.0/16"\n'
                          f'  tags = {{\n    Name = "{prefix}-{group}"\n  }}\n}}\n')
        elif kind == "subnet":
            blocks.append(f'resource "aws_subnet" "s{group}" {{\n  vpc_id     = {vpc}.id\n'
                          f'  cidr_block = cidrsubnet({vpc}.cidr_block, 8, 1)\n'
                          f'  availability_zone = "us-east-1a"\n}}\n')
        elif kind == "sg":
            blocks.append(f'resource "aws_security_group" "g{group}" {{\n  name        = "{prefix}-{group}"\n'
                          f'  description = "bench"\n  vpc_id      = {vpc}.id\n  ingress {{\n'
                          f'    from_port   = 80\n    to_port     = 80\n    protocol    = "tcp"\n'
                          f'    cidr_blocks = ["0.0.0.0/0"]\n  }}\n}}\n')
        elif kind == "tg":
            blocks.append(f'resource "aws_lb_target_group" "t{group}" {{\n  name        = "{prefix}-tg-{group}"\n'
                          f'  port        = 8080\n  protocol    = "HTTP"\n  target_type = "ip"\n'
                          f'  vpc_id      = {vpc}.id\n  health_check {{\n    path = "/health"\n  }}\n}}\n')
        elif kind == "cluster":
            blocks.append(f'resource "aws_ecs_cluster" "c{group}" {{\n  name = "{prefix}-{group}"\n}}\n')
        else:
            blocks.append(f'resource "aws_cloudwatch_log_group" "l{group}" {{\n'
                          f'  name              = "/{prefix}/{group}"\n  retention_in_days = 7\n}}\n')
    return "\n".join(blocks)


def write_stack(directory, text, name="main.tf"):
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / name).write_text(text)
    return directory
