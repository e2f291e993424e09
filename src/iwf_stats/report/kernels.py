"""Notebook kernels forked from one process that has already imported what they need.

Why: a Jupyter kernel is a new Python process that imports ipykernel, then the notebook
imports pandas, matplotlib and this package: about 2 s of CPU before the first line of a
notebook runs, paid once per notebook. With four notebooks that was the largest part of a
build. A *kernel factory* pays it once: a process started with the kernels' environment
imports all of that, then forks one kernel per notebook.

Each forked kernel is still a kernel of its own: its own process, a fresh namespace, started
by ipykernel's own application with the connection file jupyter_client wrote, and driven by
nbclient over the same sockets as before. Only how its process comes to exist differs. (The
tests run every notebook both ways and compare the outputs.)

A kernel is forked only when it would have been started exactly so otherwise: with this
interpreter, as ipykernel's launcher, and with the factory's environment (the hash seed and
the matplotlib backend, in particular, cannot change after start-up). In every other case,
and where the system has no `fork` or no process file descriptors (`pidfd`: a forked kernel is
not the build's own child, and a descriptor is the only way to signal it that cannot reach
another process that happens to reuse its number), the kernel is started as a new process,
as jupyter_client does by default.

The factory reaps its kernels as they end (so their CPU time counts as the build's, as a
kernel started by the build would); it leaves when the build closes its input, or when the
build ends in any way. A kernel whose factory has gone leaves too
(ipykernel's parent poller), so nothing outlives a killed build for long.
"""

from __future__ import annotations

import gc
import json
import os
import select
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import IO, Any

from jupyter_client.provisioning.local_provisioner import LocalProvisioner

#: What the kernels import before their first cell: ipykernel itself and what the project's
#: notebooks import. A notebook that imports anything else still works; it imports it itself.
PRELOAD = ("ipykernel.kernelapp", "ipykernel.ipkernel", "pandas", "matplotlib.pyplot",
           "matplotlib.backends.backend_agg", "iwf_stats", "iwf_stats.charts", "iwf_stats.claims")
#: Environment variables jupyter_client sets for each kernel; every other one must match.
_PER_KERNEL = ("JPY_PARENT_PID", "JPY_SESSION_NAME")
_READY = "ready"
#: Longest the build waits for the factory's imports, and for a fork, before it starts the
#: kernel as a new process instead (a factory that is stuck is not waited on for ever).
READY_TIMEOUT_S, FORK_TIMEOUT_S = 120.0, 30.0


def available() -> bool:
    """Whether kernels can be forked here (Linux: fork and process file descriptors)."""
    return hasattr(os, "fork") and hasattr(os, "pidfd_open") and hasattr(signal, "pidfd_send_signal")


class KernelFactory:
    """The parent's handle on a factory process (started at once; it imports in the background)."""

    def __init__(self, interpreter: list[str], env: dict[str, str], cwd: str,
                 preload: tuple[str, ...] = PRELOAD) -> None:
        """`interpreter`: the kernel command up to `-m ipykernel_launcher` (the interpreter and
        its options, which the factory runs with: see `interpreter`)."""
        self.interpreter = list(interpreter)
        self.env = dict(env)
        self._lock = threading.Lock()
        self._ready: bool | None = None
        self.forked = 0  # kernels forked so far
        code = f"from iwf_stats.report.kernels import serve; serve({list(preload)!r})"
        # Raises OSError when no process can be started (kernel_factory then does without).
        # Its own session, as jupyter_client gives each kernel: Ctrl-C at the terminal reaches the
        # build, which ends the kernels, not the kernels mid-cell. Its stderr is the build's, for
        # the kernels' messages (the factory keeps its own import errors off it).
        self._proc = subprocess.Popen([*self.interpreter, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                      env=self.env, cwd=cwd, text=True, start_new_session=True)

    def fork(self, connection_file: str, env: dict[str, str], cwd: str) -> int | None:
        """A new kernel's process id, or None if the factory cannot fork one (it failed to
        import, or it has gone): the caller then starts the kernel as a new process."""
        with self._lock:
            try:
                stdin, stdout = self._pipes()
                if self._ready is None:
                    self._ready = _readline(stdout, READY_TIMEOUT_S) == _READY
                if not self._ready:
                    return None
                stdin.write(json.dumps({"connection_file": connection_file, "env": env, "cwd": cwd}) + "\n")
                stdin.flush()
                answer = _readline(stdout, FORK_TIMEOUT_S)
            except (OSError, ValueError):
                self._ready = False
                return None
            if not answer.isdigit():  # no answer in time: end the factory, so no late fork follows
                self._ready = False
                self._proc.kill()
                return None
            self.forked += 1
            return int(answer)

    def _pipes(self) -> tuple[IO[str], IO[str]]:
        assert self._proc.stdin is not None and self._proc.stdout is not None
        return self._proc.stdin, self._proc.stdout

    def forkable(self, cmd: list[str], env: dict[str, str]) -> bool:
        """Whether a kernel launched by `cmd` with `env` may be forked from this factory: the
        factory's interpreter and options running ipykernel's launcher, and the same
        environment but for the variables jupyter_client sets per kernel."""
        def plain(e: dict[str, str]) -> dict[str, str]:
            return {k: v for k, v in e.items() if k not in _PER_KERNEL}

        # What a new kernel decides at start-up from the environment must be decided already:
        # the hash seed (unset or "random", each new kernel would draw its own) and the plotting
        # backend (unset, ipykernel would choose the inline one after matplotlib was imported).
        fixed = env.get("PYTHONHASHSEED", "random") != "random" and bool(env.get("MPLBACKEND"))
        return fixed and interpreter(cmd) == self.interpreter and plain(env) == plain(self.env)

    def close(self) -> None:
        """End the factory (its kernels are ended by their own managers)."""
        stdin, stdout = self._pipes()
        for pipe in (stdin, stdout):
            with suppress(OSError):
                pipe.close()
        try:
            self._proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()

    def __enter__(self) -> KernelFactory:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def _readline(pipe: IO[str], timeout: float) -> str:
    """The factory's next line, or "" when none comes within `timeout` seconds. (The factory
    answers one line per request, so nothing is ever left in the pipe's buffer that `select`
    would not see.)"""
    ready, _, _ = select.select([pipe], [], [], timeout)
    return pipe.readline().strip() if ready else ""


class ForkedKernel:
    """What jupyter_client's local provisioner expects of a Popen, for a kernel this process
    did not start itself: signalled and watched through a process file descriptor. Its exit
    status belongs to the factory, so a finished kernel reports 0."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None
        try:
            self._fd: int | None = os.pidfd_open(pid)
        except ProcessLookupError:  # it has already ended (and been reaped by the factory)
            self._fd, self.returncode = None, 0

    def poll(self) -> int | None:
        if self.returncode is None and self._fd is not None:
            readable, _, _ = select.select([self._fd], [], [], 0)
            if readable:
                self._finished()
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is None and self._fd is not None:
            readable, _, _ = select.select([self._fd], [], [], timeout)
            if not readable:
                raise subprocess.TimeoutExpired(f"kernel {self.pid}", timeout or 0)
            self._finished()
        return self.returncode or 0

    def _finished(self) -> None:
        self.returncode = 0
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def send_signal(self, signum: int) -> None:
        if self.poll() is None and self._fd is not None:
            signal.pidfd_send_signal(self._fd, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


class ForkedProvisioner(LocalProvisioner):
    """jupyter_client's local provisioner, launching through a factory where it may (see the
    module's docstring) and as a new process otherwise."""

    factory: KernelFactory | None = None

    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> Any:
        factory, env, cwd = self.factory, kwargs.get("env") or {}, str(kwargs.get("cwd") or os.getcwd())
        pid = None
        if factory is not None and factory.forkable(cmd, env):
            pid = factory.fork(str(getattr(self.parent, "connection_file", "")), env, cwd)
        if pid is None:
            return await super().launch_kernel(cmd, **kwargs)
        self.process = ForkedKernel(pid)  # type: ignore[assignment]
        self.pid, self.pgid, self.cwd = pid, pid, cwd  # it leads its own session, as a new kernel does
        return self.connection_info


def interpreter(argv: list[str]) -> list[str] | None:
    """The interpreter and its options of a kernel command that runs ipykernel's launcher with
    this very interpreter (`[python, options…, -m, ipykernel_launcher, -f, file]`), else None."""
    if "-m" not in argv or os.path.abspath(argv[0]) != os.path.abspath(sys.executable):
        return None
    i = argv.index("-m")
    if argv[i + 1:i + 3] != ["ipykernel_launcher", "-f"] or len(argv) != i + 4:
        return None
    return argv[:i]


def use_factory(km: Any, factory: KernelFactory | None) -> None:
    """Have the kernel manager `km` start its kernel through `factory` (None: as usual)."""
    if factory is None:
        return
    import uuid

    km.kernel_id = km.kernel_id or str(uuid.uuid4())
    provisioner = ForkedProvisioner(kernel_id=km.kernel_id, kernel_spec=km.kernel_spec, parent=km)
    provisioner.factory = factory
    km.provisioner = provisioner


# The factory's side ------------------------------------------------------------------------


def serve(preload: list[str]) -> None:
    """The factory's main loop: import, say so, then fork a kernel per request line."""
    import importlib

    build = os.getppid()
    stderr = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)  # an import that fails is reported by the fallback, not by a traceback here
    try:
        with _as_in_a_kernel():
            for name in preload:
                importlib.import_module(name)
    finally:
        os.dup2(stderr, 2)
        os.close(stderr)
        os.close(devnull)
    if threading.active_count() != 1:  # no Python thread may hold a lock across the fork: say no
        return
    gc.freeze()  # the kernels' collections leave what they inherit alone (see `forking`)
    # Installed after the imports, so that a subprocess an import runs keeps its exit status.
    signal.signal(signal.SIGCHLD, _reap)  # reaped here, so their CPU time is counted as the factory's
    print(_READY, flush=True)
    while True:
        # A build that was killed cannot close this pipe if a process it forked still holds it:
        # the factory also leaves when its parent has gone (its kernels then follow).
        if not select.select([sys.stdin], [], [], 1.0)[0]:
            if os.getppid() != build:
                break
            continue
        line = sys.stdin.readline()
        if not line:
            break
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            _kernel(request)  # never returns
        print(pid, flush=True)
    _reap()


def _reap(*_signal: object) -> None:
    """Collect every kernel that has ended (at SIGCHLD, and before the factory leaves)."""
    while True:
        try:
            pid, _status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


@contextmanager
def _as_in_a_kernel() -> Iterator[None]:
    """Imports that ask whether they run in a Jupyter kernel see that they do, as they would
    in the kernels they are imported for. pandas asks once, at import, through the builtin
    `get_ipython` that IPython defines in a kernel, and sets its display defaults by the
    answer (in a kernel a table shows at most 20 columns; in a terminal, as many as fit)."""
    import builtins

    class Kernel:
        kernel = True  # what pandas looks for

    had = hasattr(builtins, "get_ipython")
    if not had:
        builtins.get_ipython = Kernel  # type: ignore[attr-defined]
    try:
        yield
    finally:
        if not had:
            del builtins.get_ipython  # type: ignore[attr-defined]


def _kernel(request: dict[str, Any]) -> None:
    """In the forked child: become the kernel jupyter_client asked for."""
    code = 1
    try:
        factory = os.getppid()
        os.setsid()  # its own session and process group, as jupyter_client starts a kernel
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        devnull = os.open(os.devnull, os.O_RDWR)
        os.dup2(devnull, 0)  # the factory's pipes are not the kernel's
        os.dup2(devnull, 1)
        os.close(devnull)
        os.environ.clear()
        os.environ.update(request["env"])
        os.chdir(request["cwd"])
        _reseed()
        from importlib.util import find_spec

        from ipykernel.kernelapp import IPKernelApp

        launcher = find_spec("ipykernel_launcher")  # what `python -m ipykernel_launcher` runs
        sys.argv = [(launcher and launcher.origin) or "ipykernel_launcher", "-f", request["connection_file"]]
        app = IPKernelApp.instance()
        app.initialize([*sys.argv[1:], f"--IPKernelApp.parent_handle={factory}"])  # type: ignore[no-untyped-call]
        app.start()  # type: ignore[no-untyped-call]
        code = 0
    finally:
        os._exit(code)


def _reseed() -> None:
    """A new kernel draws fresh random numbers; a fork would repeat its siblings' draws."""
    import random

    random.seed()
    numpy = sys.modules.get("numpy")
    if numpy is not None:
        numpy.random.seed()
