import random

import pytest

from ktui.client import Column, TableRow
from ktui.model.ages import parse_time
from ktui.model.row_layout import row_key, row_tone
from ktui.model.rows import RowModel

from .rows import POD_COLUMNS, pod_row


def names(model: RowModel) -> list[str]:
    return [model.row_at(p).name for p in range(model.visible_count)]  # type: ignore[union-attr]


def model_of(*rows: TableRow, wide: bool = False) -> RowModel:
    model = RowModel(POD_COLUMNS, wide=wide)
    model.reset(list(rows))
    return model


def test_rows_are_inserted_updated_and_deleted_by_uid() -> None:
    model = model_of(pod_row("b"), pod_row("a"))
    assert names(model) == ["a", "b"] and model.row_count == 2
    model.apply(
        [
            ("ADDED", pod_row("c")),
            ("MODIFIED", pod_row("a", "CrashLoopBackOff")),
            ("DELETED", pod_row("b")),
            ("ADDED", pod_row("a", "Error")),  # a second ADDED for a known uid updates it
            ("DELETED", pod_row("never-seen")),
        ]
    )
    assert names(model) == ["a", "c"]
    assert model.row_at(0).cells[2] == "Error"  # type: ignore[union-attr]
    assert model.row_count == model.visible_count == 2


def test_rows_without_uid_are_keyed_by_namespace_and_name() -> None:
    first = pod_row("web", uid="", namespace="one")
    model = model_of(first, pod_row("web", uid="", namespace="two"))
    assert row_key(first) == "one/web" and model.row_count == 2
    model.apply([("DELETED", pod_row("web", uid="", namespace="one"))])
    assert [model.row_at(0).namespace] == ["two"]  # type: ignore[union-attr]


def test_reset_keeps_the_last_of_duplicated_keys() -> None:
    model = model_of(pod_row("a", "Pending"), pod_row("b"), pod_row("a", "Running"))
    assert names(model) == ["a", "b"]
    assert model.row_at(0).cells[2] == "Running"  # type: ignore[union-attr]


def test_header_is_upper_case_and_wide_shows_priority_one_columns() -> None:
    model = model_of(pod_row("web-1"))
    assert model.header_text().split() == ["NAME", "READY", "STATUS", "RESTARTS", "AGE"]
    model.set_wide(True)
    assert model.header_text().split() == [
        "NAME",
        "READY",
        "STATUS",
        "RESTARTS",
        "AGE",
        "IP",
        "NODE",
    ]
    assert model.row_count == 1  # wide keeps the rows
    model.set_show_namespace(True)
    assert model.header_text().split()[:2] == ["NAMESPACE", "NAME"]
    assert model.line(0)[0].split()[:2] == ["default", "web-1"]


def test_columns_are_aligned_and_only_grow() -> None:
    model = model_of(pod_row("a"), pod_row("a-much-longer-name"))
    header, first, second = model.header_text(), model.line(0)[0], model.line(1)[0]
    assert header.index("READY") == first.index("1/1") == second.index("1/1")
    model.apply([("DELETED", pod_row("a-much-longer-name"))])
    assert model.line(0)[0].index("1/1") == header.index("READY")  # no jitter


def test_sort_by_a_column_toggles_and_a_new_column_sorts_ascending() -> None:
    model = model_of(pod_row("a", "Running"), pod_row("b", "Error"), pod_row("c", "Pending"))
    model.sort_by("status")
    assert names(model) == ["b", "c", "a"] and model.sort_column == "STATUS"
    assert "STATUS↑" in model.header_text()
    model.sort_by("STATUS")
    assert names(model) == ["a", "c", "b"] and "STATUS↓" in model.header_text()
    model.sort_by(0)  # a position among the displayed columns
    assert names(model) == ["a", "b", "c"] and not model.sort_reverse
    model.sort_by("name", reverse=True)
    assert names(model) == ["c", "b", "a"]
    model.sort_by("no such column")
    assert names(model) == ["c", "b", "a"]


def test_numbers_sort_as_numbers() -> None:
    columns = [Column("Name", "string"), Column("Restarts", "integer")]
    model = RowModel(columns)
    rows = [("a", "10 (5m ago)"), ("b", "9"), ("c", 100), ("d", None)]
    model.reset([TableRow([n, r], {"metadata": {"name": n, "uid": n}}) for n, r in rows])
    model.sort_by("restarts")
    assert names(model) == ["b", "a", "c", "d"]
    assert model.line(0)[0].rstrip().endswith("9")  # right-aligned under RESTARTS


def test_age_is_rendered_live_and_sorts_newest_first() -> None:
    created = "2024-05-01T12:00:00Z"
    now = [parse_time(created) + 312]  # type: ignore[operator]
    model = RowModel(POD_COLUMNS, clock=lambda: now[0])
    model.reset(
        [
            pod_row("old", created="2024-04-01T12:00:00Z"),
            pod_row("new", created=created),
            pod_row("none", created=""),
        ]
    )
    assert model.line(0)[0].split()[-1] == "5m12s"  # "new": the server's "5m" is not shown
    now[0] += 60
    assert model.line(0)[0].split()[-1] == "6m12s"
    model.sort_by("AGE")
    assert names(model) == ["new", "old", "none"]
    assert model.line(2)[0].split()[-1] == "<unknown>"


def test_set_live_age_and_sort_key_for_another_column() -> None:
    columns = [Column("Name", "string"), Column("Last Seen", "string")]
    model = RowModel(columns, clock=lambda: 1_714_564_800.0 + 90)  # 2024-05-01T12:01:30Z

    def seen(row: TableRow) -> str | None:
        return row.object.get("lastTimestamp")

    model.set_live_age("last seen", seen)
    model.reset(
        [
            TableRow(
                ["x", "?"],
                {"metadata": {"uid": "x", "name": "x"}, "lastTimestamp": "2024-05-01T12:00:00Z"},
            ),
            TableRow(
                ["y", "?"],
                {"metadata": {"uid": "y", "name": "y"}, "lastTimestamp": "2024-05-01T12:01:00Z"},
            ),
        ]
    )
    assert [model.line(p)[0].split()[1] for p in range(2)] == ["90s", "30s"]
    model.sort_by("Last Seen")
    assert names(model) == ["y", "x"]
    model.set_sort_key("last seen", lambda row: row.name)
    assert names(model) == ["x", "y"]


def test_filter_substring_regex_inverse_and_labels() -> None:
    model = model_of(
        pod_row("web-1", labels={"app": "web"}),
        pod_row("api-1", "Pending", labels={"app": "api"}),
        pod_row("web-2", "Error", labels={"app": "web", "tier": "edge"}),
    )
    model.set_filter("WEB")
    assert names(model) == ["web-1", "web-2"] and model.visible_count == 2
    model.set_filter("pend")  # STATUS is searched too
    assert names(model) == ["api-1"]
    model.set_filter("^web-[2-9]$")
    assert names(model) == ["web-2"]
    model.set_filter("!web")
    assert names(model) == ["api-1"]
    model.set_filter("-l app=web,!tier")
    assert names(model) == ["web-1"]
    model.set_filter("-l app in (web")
    assert names(model) == [] and model.filter.error
    model.set_filter("")
    assert model.visible_count == model.row_count == 3
    model.set_filter("default")  # the namespace is searched even when not shown
    assert model.visible_count == 3


def test_age_cells_are_not_searched() -> None:
    model = model_of(pod_row("web-1"))
    model.set_filter("5m")  # the server's stale AGE cell
    assert model.visible_count == 0


def test_a_growing_filter_only_looks_at_the_rows_it_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    model = model_of(*(pod_row(f"{app}-{i}") for app in ("web", "api") for i in range(50)))
    model.set_filter("we")
    seen: list[int] = []
    original = type(model.filter).select

    def spy(self, entries, search, labels_of):  # type: ignore[no-untyped-def]
        seen.append(len(entries))
        return original(self, entries, search, labels_of)

    monkeypatch.setattr(type(model.filter), "select", spy)
    model.set_filter("web")
    model.set_filter("web-1")
    model.set_filter("web-")  # shorter: back to every row
    assert seen == [50, 50, 100]
    assert names(model) == [f"web-{i}" for i in sorted(range(50), key=str)]


def test_updates_keep_a_filtered_and_sorted_view_right() -> None:
    model = model_of(pod_row("a", "Running"), pod_row("b", "Running"), pod_row("c", "Pending"))
    model.sort_by("status")
    model.set_filter("run")
    assert names(model) == ["a", "b"]
    model.apply([("MODIFIED", pod_row("a", "Error")), ("MODIFIED", pod_row("c", "Running"))])
    assert names(model) == ["b", "c"]
    model.apply([("ADDED", pod_row("d", "Running")), ("ADDED", pod_row("e", "Error"))])
    assert names(model) == ["b", "c", "d"]
    model.set_filter("")
    assert names(model) == ["a", "e", "b", "c", "d"]


def test_the_cursor_follows_its_object() -> None:
    model = model_of(*(pod_row(f"p{i}") for i in range(5)))
    model.move_cursor(2)
    assert model.cursor_row.name == "p2"  # type: ignore[union-attr]
    model.apply([("ADDED", pod_row("a0"))])  # sorts before it
    assert (model.cursor, model.cursor_row.name) == (3, "p2")  # type: ignore[union-attr]
    model.sort_by("name", reverse=True)
    assert (model.cursor, model.cursor_row.name) == (2, "p2")  # type: ignore[union-attr]
    model.set_filter("p")
    assert (model.cursor, model.cursor_row.name) == (2, "p2")  # type: ignore[union-attr]
    model.reset([pod_row(f"p{i}") for i in range(3)])  # a relist
    assert model.cursor_row.name == "p2"  # type: ignore[union-attr]
    model.apply([("DELETED", pod_row("p2"))])  # gone: the next row takes its place
    assert (model.cursor, model.cursor_row.name) == (0, "p1")  # type: ignore[union-attr]
    model.set_filter("p0")
    assert (model.cursor, model.cursor_row.name) == (0, "p0")  # type: ignore[union-attr]
    model.apply([("DELETED", pod_row("p0"))])
    assert model.cursor_row is None and model.visible_count == 0


def test_marks_follow_objects_and_hidden_marks_are_not_targets() -> None:
    model = model_of(*(pod_row(f"p{i}") for i in range(4)))
    for position in (1, 3):
        model.move_cursor(position)
        model.toggle_mark()
    assert [r.name for r in model.marked_rows] == ["p1", "p3"]
    model.sort_by("name", reverse=True)
    assert [r.name for r in model.marked_rows] == ["p3", "p1"]
    model.set_filter("p1")
    assert [r.name for r in model.marked_rows] == ["p1"]
    model.set_filter("")
    model.apply([("DELETED", pod_row("p3"))])
    assert [r.name for r in model.marked_rows] == ["p1"]
    model.clear_marks()
    assert model.marked_rows == []


def test_deletions_leave_tombstones_that_are_compacted() -> None:
    model = model_of(*(pod_row(f"p{i:04d}") for i in range(3000)))
    model.move_cursor(2999)
    model.toggle_mark()
    model.apply([("DELETED", pod_row(f"p{i:04d}")) for i in range(0, 1000)])
    assert model.tombstones == 1000 and model.row_count == 2000
    model.apply([("DELETED", pod_row(f"p{i:04d}")) for i in range(1000, 2500)])
    assert model.tombstones == 0  # compacted: 2,500 tombstones outnumbered 500 rows
    assert names(model) == [f"p{i:04d}" for i in range(2500, 3000)]
    assert model.cursor_row.name == "p2999"  # type: ignore[union-attr]
    assert [r.name for r in model.marked_rows] == ["p2999"]
    model.apply([("MODIFIED", pod_row("p2600", "Error")), ("ADDED", pod_row("p0001"))])
    assert names(model)[:2] == ["p0001", "p2500"] and model.row_at(101).cells[2] == "Error"  # type: ignore[union-attr]


def test_big_batches_are_incremental_and_agree_with_one_by_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rng = random.Random(5)
    statuses = ["Running", "Pending", "Error", "Completed"]
    start = [pod_row(f"p{i:05d}", rng.choice(statuses)) for i in range(20000)]
    changes: list[tuple[str, TableRow]] = []
    for _ in range(10000):
        i = rng.randrange(25000)
        kind = rng.choice(["ADDED", "MODIFIED", "DELETED"])
        changes.append((kind, pod_row(f"p{i:05d}", rng.choice(statuses))))
    batched, single = model_of(*start), model_of(*start)
    for model in (batched, single):
        model.sort_by("status")
        model.set_filter("!complete")
    monkeypatch.setattr(RowModel, "_resort", lambda self: pytest.fail("a full re-sort"))
    batched.apply(changes)
    for change in changes:
        single.apply([change])
    expected = {row_key(r): r for r in start}
    for kind, row in changes:
        if kind == "DELETED":
            expected.pop(row_key(row), None)
        else:
            expected[row_key(row)] = row
    shown = [batched.row_at(p) for p in range(batched.visible_count)]
    statuses = [r.cells[2] for r in shown]  # type: ignore[union-attr]
    assert names(batched) == names(single)
    assert statuses == sorted(statuses) and "Completed" not in statuses
    assert sorted((r.name, r.cells[2]) for r in shown) == sorted(  # type: ignore[union-attr]
        (r.name, r.cells[2]) for r in expected.values() if r.cells[2] != "Completed"
    )
    assert batched.row_count == single.row_count == len(expected)


@pytest.mark.parametrize(
    ("status", "ready", "tone"),
    [
        ("Running", "1/1", None),
        ("Running", "0/1", "warning"),
        ("Pending", "0/1", "warning"),
        ("ContainerCreating", "0/1", "warning"),
        ("Init:0/2", "0/1", "warning"),
        ("Init:CrashLoopBackOff", "0/1", "error"),
        ("CrashLoopBackOff", "0/1", "error"),
        ("ImagePullBackOff", "0/1", "error"),
        ("Evicted", "0/1", "error"),
        ("Terminating", "1/1", "error"),
        ("Error", "0/1", "error"),
        ("Completed", "0/1", "dim"),
        ("Succeeded", "", "dim"),
        ("Ready", "", None),
        ("NotReady", "", "error"),
        ("Ready,SchedulingDisabled", "", "warning"),
        ("", "2/3", "warning"),
        ("", "3/3", None),
    ],
)
def test_row_tone(status: str, ready: str, tone: str | None) -> None:
    assert row_tone(status, ready) == tone


def test_set_columns_starts_a_new_kind() -> None:
    model = model_of(pod_row("a"), pod_row("b"))
    model.sort_by("status")
    model.toggle_mark()
    model.set_filter("a")
    model.set_columns([Column("Name", "string"), Column("Data", "integer")])
    assert model.row_count == 0 and model.sort_column is None and not model.marks
    assert model.filter.text == "a"  # the filter is the view's, not the kind's
    model.apply([("ADDED", TableRow(["a", 1], {"metadata": {"uid": "1", "name": "a"}}))])
    model.apply([("ADDED", TableRow(["b", 2], {"metadata": {"uid": "2", "name": "b"}}))])
    assert names(model) == ["a"]
