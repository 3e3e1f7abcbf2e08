"""The Ray executor: a cluster's workers scan batches of files; the one writer stays on the driver.

``spill scan ROOT --case CASE.db --executor ray [--ray-address HOST:PORT]``. Without an address a
Ray instance is started on this machine, bound to loopback only; with one, the scan joins that
running cluster (``ray start --head`` on one node, ``ray start --address HOST:PORT`` on the others).

Assumptions, stated because a cluster breaks them silently otherwise:

- **The share is on a shared mount at the same path on every node** (NFS, CephFS, Lustre, a
  cloud file system). Workers open ``ROOT/relative/path`` themselves, read only, below the root
  and without following links, exactly as local workers do; only file *names* travel to them.
- **Every node runs the same spill** (``pip install 'spill-triage[ray]'``), with the same
  ``--rules`` folders at the same paths: each worker reports the fingerprint of the rules it
  loaded, and a scan whose workers disagree with the driver stops before its first file.
- What travels between driver and workers: batches of paths, and back each file's findings with
  their raw values (the driver fingerprints them and learns their words, as with local workers).
  On a network you do not control, enable Ray's TLS (``RAY_USE_TLS``) on the cluster.

How it maps onto the local pool: each worker is a Ray actor that loads the detector once (the
model, the rules) and locks itself down like a local worker (no programs, no ctypes; the network
guard allows loopback and the cluster's address, nothing else; no network namespace, since the
worker must reach its raylet). A batch is one actor call; calls finish in order, so each file's
results reach the driver as its batch ends, and the engine writes them as they come. A batch over
its time budget (the sum of its files' budgets) gets its actor killed and replaced; a worker that
dies (killed, out of memory, a crash in native code, a node lost) is replaced too, and its batches are
handed out again — the batch it was on one file at a time, so a file that kills a worker twice ends
as ``error: worker died`` and every other file is still scanned. Resume, de-duplication and
incremental re-scans are the engine's, identical to a local scan. A huge text file is cut into parts
here too (``scanners.parts``: each part is a task a worker on any node reads from the shared mount),
but a Ray worker returns a file's or a part's findings when it ends rather than in chunks: a part, not
a whole file, bounds what a Ray worker holds.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import resource
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from scanners.document import ScanTask
from scanners.pool import Event, Failed, Finished, Started, WorkerConfig, file_budget_seconds
from spill.errors import UsageError

#: Seconds a new worker may take to load the model and rules before the scan gives up on the cluster.
READY_TIMEOUT = 600.0


def cluster_host(address: str) -> str:
    """The host of a cluster address: ``10.0.0.5:6379``, ``ray://head:10001``, ``[fd00::5]:6379``."""
    rest = address.split("://", 1)[-1].strip().rstrip("/")
    if rest.startswith("["):
        return rest[1:rest.index("]")]
    return rest.rsplit(":", 1)[0] if rest.count(":") == 1 else rest


def import_ray(address: str | None = None) -> Any:
    """Ray, imported for a scan on the cluster at ``address`` (None: a Ray of our own on this machine)."""
    from spill import netguard

    if not address or netguard.is_loopback(cluster_host(address)):
        # a Ray on this machine: every process on 127.0.0.1 (Ray otherwise swaps loopback for the
        # machine's own address, where a head started with --node-ip-address 127.0.0.1 is not);
        # read by Ray when it is imported, so set first
        os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    try:
        import ray
    except ImportError as err:
        raise UsageError("--executor ray needs Ray: pip install 'spill-triage[ray]' (on the driver and every "
                         "node of the cluster)") from err
    return ray


class ScanWorker:
    """One Ray actor: a scan worker that loads the detector once and scans batches of files."""

    def __init__(self, config: WorkerConfig, allowed: Sequence[str]) -> None:
        from spill import netguard

        netguard.install(True)
        for host in allowed:
            netguard.allow(host)
        from scanners.pool import prepare_worker

        self.scanner, _ = prepare_worker(dataclasses.replace(config, isolate=False))
        self.rules = _rules_fingerprint(config)

    def hello(self) -> tuple[int, str]:
        """(process id, fingerprint of the rules loaded): the driver checks they are its own."""
        return os.getpid(), self.rules

    def scan(self, words: list[int], batch: list[ScanTask]) -> list[list[Any]]:
        self.scanner.redactor.add(words)
        return [self.scanner.scan(task) for task in batch]

    def peak_rss(self) -> int:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _rules_fingerprint(config: WorkerConfig) -> str:
    if config.names is not None:
        return "names pass"
    from scanners.detect.rules import load_rules, rules_fingerprint

    return rules_fingerprint(load_rules(config.rule_dirs), config.use_ner)


class RayExecutor:
    """A Ray cluster for one scan: joined (``address``) or started on loopback, and left at the end."""

    name = "ray"

    def __init__(self, address: str | None = None) -> None:
        from spill import netguard

        self.address = address
        self.allowed: list[str] = []
        if address:
            self.allowed = [cluster_host(address)]
            netguard.allow(self.allowed[0])
        self.ray = import_ray(address)
        self.owned = False
        if not self.ray.is_initialized():
            kwargs: dict[str, Any] = {"log_to_driver": False, "configure_logging": False}
            if address:
                kwargs["address"] = address
            else:
                # "local": a new instance of our own, never a cluster some `ray start` left on this machine
                kwargs.update(address="local", num_cpus=os.cpu_count() or 1, include_dashboard=False,
                              _node_ip_address="127.0.0.1")
            try:
                self.ray.init(**kwargs)
            except (ConnectionError, RuntimeError, ValueError) as err:
                raise UsageError(f"cannot reach the Ray cluster at {address or 'a local Ray'}: {err}") from err
            self.owned = True
        self.actor_class = self.ray.remote(num_cpus=1)(ScanWorker)

    def default_jobs(self) -> int:
        return max(1, int(self.ray.cluster_resources().get("CPU", 1)))

    def pool(self, config: WorkerConfig, jobs: int) -> RayPool:
        return RayPool(self, config, jobs)

    def describe(self) -> dict[str, Any]:
        return {"executor": "ray", "ray_address": self.address or "local"}

    def close(self) -> None:
        from spill import netguard

        if self.owned and self.ray.is_initialized():
            self.ray.shutdown()
        netguard.disallow_all()


@dataclass
class _Call:
    ref: Any
    batch: list[ScanTask]
    budget: float


@dataclass
class _Actor:
    wid: int
    handle: Any
    pid: int = 0
    calls: list[_Call] = field(default_factory=list)  # in the order the actor runs them
    head_since: float = 0.0  # when the first of ``calls`` could start
    words_sent: int = 0
    stopped_for: str | None = None  # why the driver killed it (a batch over its time budget)


class RayPool:
    """Ray actors behind the local pool's seam (``scanners.pool.ProcessPool``)."""

    def __init__(self, executor: RayExecutor, config: WorkerConfig, jobs: int, *, max_outstanding: int = 2) -> None:
        self.executor, self.ray = executor, executor.ray
        self.config = config
        self.jobs = max(1, jobs)
        self.max_outstanding = max_outstanding
        self.rules = _rules_fingerprint(config)
        self._actors: dict[int, _Actor] = {}
        self._next_wid = 0
        self._words: list[int] = []
        self._retry: list[ScanTask] = []
        self._alone: set[tuple[str, int]] = set()  # tasks to hand out one at a time (their batch's worker died)
        self._events: list[Event] = []
        self.peak_rss = 0
        self.started = 0

    # ------------------------------------------------------------- workers
    def _start(self) -> None:
        for _ in range(self.jobs):
            self._spawn()
        self._await_ready(list(self._actors.values()))

    def _spawn(self) -> _Actor:
        wid = self._next_wid
        self._next_wid += 1
        handle = self.executor.actor_class.remote(self.config, self.executor.allowed)
        actor = _Actor(wid, handle)
        self._actors[wid] = actor
        self.started += 1
        return actor

    def _await_ready(self, actors: list[_Actor]) -> None:
        hellos = [a.handle.hello.remote() for a in actors]
        try:
            answers = self.ray.get(hellos, timeout=READY_TIMEOUT)
        except Exception as err:
            raise RuntimeError(f"a Ray scan worker failed to start: {err}") from err
        for actor, (pid, rules) in zip(actors, answers, strict=True):
            actor.pid = pid
            if rules != self.rules:
                raise UsageError("the cluster's workers load other rules than this scan (a different spill version "
                                 "or --rules folders that differ between nodes): install the same spill everywhere "
                                 "and mount the rule folders at the same paths")

    def worker_pids(self) -> list[int]:
        """Process ids of the live workers (on their nodes)."""
        return [a.pid for a in self._actors.values()]

    # ----------------------------------------------------------- interface
    def idle_capacity(self) -> int:
        if not self.started:
            return self.jobs * self.max_outstanding
        return sum(max(0, self.max_outstanding - len(a.calls)) for a in self._actors.values())

    def share_words(self, words: Sequence[int]) -> None:
        self._words.extend(words)

    def submit(self, batch: Sequence[ScanTask]) -> None:
        if not self.started:
            self._start()
        together = [t for t in batch if t.key not in self._alone]
        groups = [[t] for t in batch if t.key in self._alone] + ([together] if together else [])
        for group in groups:
            actor = min(self._actors.values(), key=lambda a: len(a.calls))
            words, actor.words_sent = self._words[actor.words_sent:], len(self._words)
            budget = sum(file_budget_seconds(self.config.limits, t.work_bytes) for t in group)
            if not actor.calls:
                actor.head_since = time.monotonic()
                self._events.append(Started(group[0]))
            actor.calls.append(_Call(actor.handle.scan.remote(words, group), group, budget))

    def bytes_in_flight(self) -> int:
        return 0  # a remote worker's reads are not visible from here

    def withdraw(self) -> list[ScanTask]:
        """A pause: what was handed to Ray finishes (an actor's queued calls are not taken back)."""
        return self.take_retries()

    def take_retries(self) -> list[ScanTask]:
        retry, self._retry = self._retry, []
        return retry

    def events(self, timeout: float = 0.2) -> Iterator[Event]:
        pending, self._events = self._events, []
        yield from pending
        heads = {a.calls[0].ref: a for a in self._actors.values() if a.calls}
        if heads:
            ready, _ = self.ray.wait(list(heads), num_returns=len(heads), timeout=timeout)
            for ref in ready:
                yield from self._finish(heads[ref])
        else:
            time.sleep(timeout)
        yield from self._watchdog()
        pending, self._events = self._events, []
        yield from pending

    def _finish(self, actor: _Actor) -> Iterator[Event]:
        call = actor.calls[0]
        try:
            results = self.ray.get(call.ref)
        except self.ray.exceptions.RayActorError as err:
            yield from self._lost(actor, actor.stopped_for or f"worker died ({type(err).__name__})")
            return
        except self.ray.exceptions.RayError as err:  # the scan code raised: the worker itself is fine
            actor.calls.pop(0)
            actor.head_since = time.monotonic()
            yield from self._failed(call.batch, f"error: {type(err).__name__}: {str(err).splitlines()[0][:200]}")
            self._started_next(actor)
            return
        actor.calls.pop(0)
        actor.head_since = time.monotonic()
        for task, file_results in zip(call.batch, results, strict=True):
            yield Finished(task, file_results)
        self._started_next(actor)

    def _started_next(self, actor: _Actor) -> None:
        if actor.calls:
            self._events.append(Started(actor.calls[0].batch[0]))

    def _failed(self, batch: list[ScanTask], reason: str, *, retry_alone: bool = False) -> Iterator[Event]:
        """A batch that failed as a whole: several files are retried one by one; one file is that file's
        error, unless ``retry_alone`` (a worker lost while on it for the first time: a node may just have gone)."""
        if len(batch) == 1 and (not retry_alone or batch[0].key in self._alone):
            self._alone.discard(batch[0].key)
            yield Failed(batch[0], reason)
            return
        self._alone.update(t.key for t in batch)
        self._retry.extend(batch)

    def _lost(self, actor: _Actor, reason: str) -> Iterator[Event]:
        """A worker is gone: replace it, retry what it held (the batch it was on one file at a time)."""
        del self._actors[actor.wid]
        head, *rest = actor.calls
        for call in rest:
            self._retry.extend(call.batch)
        yield from self._failed(head.batch, reason, retry_alone=actor.stopped_for is None)
        _kill(self.ray, actor.handle)
        self._await_ready([self._spawn()])

    def _watchdog(self) -> Iterator[Event]:
        now = time.monotonic()
        for actor in list(self._actors.values()):
            if actor.calls and actor.stopped_for is None and now - actor.head_since > actor.calls[0].budget:
                actor.stopped_for = f"timeout: over {actor.calls[0].budget:g} s"
                _kill(self.ray, actor.handle)
        return iter(())

    def close(self) -> None:
        peaks = [a.handle.peak_rss.remote() for a in self._actors.values()]
        with contextlib.suppress(Exception):  # a worker gone at the end: its peak is not needed to finish
            self.peak_rss = max([self.peak_rss, *self.ray.get(peaks, timeout=30)])
        self.terminate()

    def terminate(self) -> None:
        for actor in self._actors.values():
            _kill(self.ray, actor.handle)
        self._actors.clear()


def _kill(ray: Any, handle: Any) -> None:
    """Kill an actor, whatever state it (or the cluster) is in."""
    with contextlib.suppress(Exception):  # already gone
        ray.kill(handle, no_restart=True)
