"""Durability: every acknowledged write survives SIGKILL (docs/store.md: Guarantees)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

from engine.store import NotFound, Store

REPO_ROOT = Path(__file__).resolve().parents[2]

# The child writes from several threads (and compacts from another) and prints one line per
# acknowledged call, after it has returned:
#   PUT <key> <revision> <value>  |  DEL <key> <revision>  |  CMP <compact revision>
CHILD = textwrap.dedent(
    """
    import sys, threading, time
    from engine.store import Store

    path, tag, nthreads = sys.argv[1], sys.argv[2], int(sys.argv[3])
    store = Store(path)
    out = threading.Lock()

    def emit(line):
        with out:
            sys.stdout.write(line + "\\n")
            sys.stdout.flush()

    def run(t):
        counter = f"/crash/{tag}/{t}/counter"
        ckv = store.create(counter, b"0")
        emit(f"PUT {counter} {ckv.mod_revision} 0")
        i = 0
        while True:
            i += 1
            key = f"/crash/{tag}/{t}/k{i:06d}"
            kv = store.create(key, str(i).encode())
            emit(f"PUT {key} {kv.mod_revision} {i}")
            ckv = store.update(counter, str(i).encode(), expected_revision=ckv.mod_revision)
            emit(f"PUT {counter} {ckv.mod_revision} {i}")
            if i % 5 == 0:
                ev = store.delete(key, expected_revision=kv.mod_revision)
                emit(f"DEL {key} {ev.revision}")

    def compactor():
        while True:
            target = store.revision - 40
            if target > store.compact_revision:
                store.compact(target)
                emit(f"CMP {target}")
            time.sleep(0.005)

    for t in range(nthreads):
        threading.Thread(target=run, args=(t,), daemon=True).start()
    threading.Thread(target=compactor, daemon=True).start()
    threading.Event().wait()
    """
)


@dataclass(frozen=True)
class Ack:
    op: str
    key: str
    revision: int
    value: bytes | None


def _parse(line: str) -> Ack:
    parts = line.split()
    if parts[0] == "PUT":
        return Ack("PUT", parts[1], int(parts[2]), parts[3].encode())
    if parts[0] == "CMP":
        return Ack("CMP", "", int(parts[1]), None)
    assert parts[0] == "DEL", line
    return Ack("DEL", parts[1], int(parts[2]), None)


def _run_child_and_kill(
    script: Path, path: str, tag: str, kill_after: int, stderr: Path
) -> list[Ack]:
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT))
    with stderr.open("wb") as err:
        proc = subprocess.Popen(
            [sys.executable, str(script), path, tag, "4"],
            stdout=subprocess.PIPE,
            stderr=err,
            env=env,
            cwd=str(REPO_ROOT),
        )
        assert proc.stdout is not None
        lines: list[str] = []
        try:
            while len(lines) < kill_after:
                line = proc.stdout.readline().decode()
                if not line:
                    pytest.fail(f"child exited early (rc={proc.wait()}): {stderr.read_text()}")
                lines.append(line)
            proc.send_signal(signal.SIGKILL)  # the threads are mid-write
            rest = proc.stdout.read().decode()  # acks already in the pipe count too
        finally:
            proc.kill()
            proc.wait()
            proc.stdout.close()
    lines.extend(line + "\n" for line in rest.split("\n")[:-1])  # drop a trailing partial line
    assert proc.returncode == -signal.SIGKILL
    return [_parse(line) for line in lines]


def _check_acks(store: Store, acks: list[Ack]) -> None:
    compactions = [a.revision for a in acks if a.op == "CMP"]
    if compactions:
        assert store.compact_revision >= max(compactions), "acknowledged compaction lost"
    # History at the compact revision is still readable after the crash.
    store.range("/crash/", revision=max(store.compact_revision, 1))
    acks = [a for a in acks if a.op != "CMP"]
    revisions = [a.revision for a in acks]
    assert len(set(revisions)) == len(revisions), "two acknowledged writes share a revision"
    assert store.revision >= max(revisions)
    latest: dict[str, Ack] = {}
    for a in sorted(acks, key=lambda a: a.revision):
        latest[a.key] = a
        if a.op == "PUT" and a.revision >= store.compact_revision:
            # The acknowledged write itself is in history, exactly as acknowledged.
            kv = store.get(a.key, revision=a.revision)
            assert (kv.value, kv.mod_revision) == (a.value, a.revision), a
    for key, a in latest.items():
        if a.op == "DEL":
            with pytest.raises(NotFound):
                store.get(key)
            continue
        name = key.rsplit("/", 1)[1]
        index = int(name[1:]) if name.startswith("k") else 0
        try:
            kv = store.get(key)
        except NotFound:
            # Only an in-flight (unacknowledged) delete may have removed it.
            assert index % 5 == 0, f"acknowledged write lost: {a}"
            continue
        assert kv.mod_revision >= a.revision, (kv, a)
        if kv.mod_revision == a.revision:
            assert kv.value == a.value


def test_acknowledged_writes_survive_sigkill(tmp_path: Path) -> None:
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    path = str(tmp_path / "db")
    floor = 0
    for run, kill_after in enumerate([120, 300, 200]):
        acks = _run_child_and_kill(script, path, f"run{run}", kill_after, tmp_path / "stderr")
        assert len(acks) >= kill_after
        writes = [a for a in acks if a.op != "CMP"]
        assert min(a.revision for a in writes) > floor, "revisions went backwards across a crash"
        store = Store(path)
        try:
            _check_acks(store, acks)
            before = store.revision
            kv = store.create(f"/crash/after/{run}", b"x")
            assert kv.mod_revision == before + 1
            assert kv.mod_revision > max(a.revision for a in writes)
            floor = kv.mod_revision
        finally:
            store.close()
    # The writes made between crashes survive too.
    store = Store(path)
    try:
        for run in range(3):
            assert store.get(f"/crash/after/{run}").value == b"x"
        assert store.revision >= floor
    finally:
        store.close()
