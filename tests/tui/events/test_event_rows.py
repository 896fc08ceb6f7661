"""Events → rows: last seen as kubectl computes it, newest first, both Event APIs."""

from __future__ import annotations

from ktui.model import event_rows as er


def ev(name: str, **fields) -> dict:
    meta = {"name": name, "namespace": "ns", "uid": f"uid-{name}"}
    meta.update(fields.pop("metadata", {}))
    return {
        "metadata": meta,
        "involvedObject": {"kind": "Pod", "name": "web", "namespace": "ns", "apiVersion": "v1"},
        "reason": "Pulled",
        "message": "pulled\nimage",
        "type": "Normal",
        **fields,
    }


def test_last_seen_prefers_series_then_last_then_first_then_event_time_then_creation() -> None:
    created = {"creationTimestamp": "2024-01-01T00:00:00Z"}
    assert er.last_seen(ev("a", metadata=created)) == "2024-01-01T00:00:00.000000Z"
    with_time = ev("b", metadata=created, eventTime="2024-01-01T00:00:01.500000Z")
    assert er.last_seen(with_time) == "2024-01-01T00:00:01.500000Z"
    first = {**with_time, "firstTimestamp": "2024-01-01T00:00:02Z"}
    assert er.last_seen(first) == "2024-01-01T00:00:02.000000Z"
    last = {**first, "lastTimestamp": "2024-01-01T00:00:03Z"}
    assert er.last_seen(last) == "2024-01-01T00:00:03.000000Z"
    series = {**last, "series": {"count": 7, "lastObservedTime": "2024-01-01T00:00:04.25Z"}}
    assert er.last_seen(series) == "2024-01-01T00:00:04.250000Z"
    assert er.count(series) == 7
    assert er.count(last) == 1 and er.count({**last, "count": 3}) == 3
    assert er.last_seen({"metadata": {}}) is None


def test_newest_first_uses_series_and_is_stable() -> None:
    # Created first, but its series makes it the newest: the k9s bug this avoids.
    recurring = ev(
        "recurring",
        eventTime="2024-01-01T00:00:00.000000Z",
        series={"count": 5, "lastObservedTime": "2024-01-01T00:10:00.000000Z"},
    )
    middle = ev("middle", lastTimestamp="2024-01-01T00:05:00Z")
    tie_a = ev("tie-a", lastTimestamp="2024-01-01T00:01:00Z")
    tie_b = ev("tie-b", eventTime="2024-01-01T00:01:00.000000Z")
    timeless = ev("timeless")
    ordered = er.newest_first([timeless, tie_a, tie_b, middle, recurring])
    assert [e["metadata"]["name"] for e in ordered] == [
        "recurring",
        "middle",
        "tie-a",
        "tie-b",
        "timeless",
    ]


def test_fixed_width_timestamps_sort_as_strings() -> None:
    # "…05Z" > "…05.5Z" as raw strings; normalized they sort in time order.
    whole = er.last_seen(ev("a", lastTimestamp="2024-01-01T00:00:05Z"))
    frac = er.last_seen(ev("b", eventTime="2024-01-01T00:00:05.5Z"))
    assert whole is not None and frac is not None and whole < frac


def test_row_cells_and_object() -> None:
    row = er.event_row(
        ev("a", type="Warning", lastTimestamp="2024-01-01T00:00:03Z", count=4, reason="BackOff")
    )
    assert [c.name for c in er.COLUMNS] == [
        "LAST SEEN",
        "TYPE",
        "REASON",
        "OBJECT",
        "MESSAGE",
        "COUNT",
        "NAMESPACE",
    ]
    assert row.cells == [
        "2024-01-01T00:00:03.000000Z",
        "Warning",
        "BackOff",
        "pod/web",
        "pulled image",
        4,
        "ns",
    ]
    assert row.uid == "uid-a" and row.namespace == "ns"
    assert er.row_is_warning(row) and er.row_last_seen(row) == "2024-01-01T00:00:03.000000Z"


def test_events_k8s_io_shape() -> None:
    new_api = {
        "apiVersion": "events.k8s.io/v1",
        "metadata": {"name": "x", "namespace": "ns", "uid": "u"},
        "regarding": {"kind": "Deployment", "apiVersion": "apps/v1", "name": "web"},
        "note": "scaled",
        "reason": "ScalingReplicaSet",
        "type": "Normal",
        "eventTime": "2024-01-01T00:00:00.000000Z",
        "series": {"count": 2, "lastObservedTime": "2024-01-01T00:02:00.000000Z"},
    }
    row = er.event_row(new_api)
    assert row.cells[:6] == [
        "2024-01-01T00:02:00.000000Z",
        "Normal",
        "ScalingReplicaSet",
        "deployment/web",
        "scaled",
        2,
    ]
    target = er.involved(new_api)
    assert (target.api_version, target.kind, target.name, target.namespace) == (
        "apps/v1",
        "Deployment",
        "web",
        "ns",  # the event's namespace when the reference leaves it out
    )


def test_event_log_turns_changes_into_table_changes() -> None:
    log = er.EventLog()
    normal = ev("n", lastTimestamp="2024-01-01T00:00:01Z")
    warning = ev("w", type="Warning", lastTimestamp="2024-01-01T00:00:02Z")
    changes = log.apply([("ADDED", normal), ("ADDED", warning)])
    assert [(t, r.name) for t, r in changes] == [("ADDED", "n"), ("ADDED", "w")]
    assert [r.name for r in log.visible()] == ["w", "n"]

    assert [r.name for r in log.set_warnings_only(True)] == ["w"]
    assert log.shown == 1 and len(log) == 2
    # A Normal event changing is not shown; a new Normal event neither.
    assert log.apply([("MODIFIED", {**normal, "count": 2}), ("ADDED", ev("n2"))]) == []
    # A shown event that is deleted leaves the table.
    assert [(t, r.name) for t, r in log.apply([("DELETED", warning)])] == [("DELETED", "w")]
    assert log.visible() == []
    assert [r.name for r in log.set_warnings_only(False)] == ["n", "n2"]  # timeless last
    # Repeated: MODIFIED, with the new count and time.
    again = {**normal, "count": 5, "lastTimestamp": "2024-01-01T00:09:00Z"}
    [(change, row)] = log.apply([("MODIFIED", again)])
    assert change == "MODIFIED" and row.cells[5] == 5
