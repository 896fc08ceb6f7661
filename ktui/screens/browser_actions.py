"""What the keys of the browser do to the object under the cursor (or the marked ones).

Which keys are offered depends on the kind shown (`check_action`): `s` is a shell on a
pod and scale on a Deployment, as in k9s. In read-only mode nothing that writes is offered.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.binding import Binding

from ktui.refs import ObjectRef

if TYPE_CHECKING:
    from ktui.model.view_state import ViewState
    from ktui.session import Session
    from ktui.widgets.resource_view import ResourceView

SCALABLE = {"Deployment", "StatefulSet", "ReplicaSet", "ReplicationController"}
RESTARTABLE = {"Deployment", "StatefulSet", "DaemonSet"}
WITH_HISTORY = {"Deployment", "StatefulSet", "DaemonSet"}  # what `rollout undo` rolls back
IMAGE_KINDS = {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob", "Pod"}

# action → (kinds it applies to or None for every kind, whether it writes)
_OFFERED: dict[str, tuple[set[str] | None, bool]] = {
    "describe": (None, False),
    "yaml": (None, False),
    "edit": (None, True),
    "delete": (None, True),
    "kill": ({"Pod"}, True),
    "logs": ({"Pod"}, False),
    "previous_logs": ({"Pod"}, False),
    "shell": ({"Pod"}, True),
    "port_forward": ({"Pod"}, False),
    "scale": (SCALABLE, True),
    "restart": (RESTARTABLE, True),
    "rollback": (WITH_HISTORY, True),
    "set_image": (IMAGE_KINDS, True),
    "cordon": ({"Node"}, True),
    "uncordon": ({"Node"}, True),
    "drain": ({"Node"}, True),
}


class BrowserActions:
    """Mixed into BrowserScreen (which provides session, view, state, ref_of)."""

    session: Session
    view: ResourceView
    state: ViewState

    ACTION_BINDINGS = [
        Binding("d", "describe", "Describe", id="browser.describe"),
        Binding("y", "yaml", "YAML", id="browser.yaml"),
        Binding("e", "edit", "Edit", id="browser.edit"),
        Binding("l", "logs", "Logs", id="browser.logs"),
        Binding("p", "previous_logs", "Previous logs", id="browser.previous_logs"),
        Binding("s", "shell", "Shell", id="browser.shell"),
        Binding("s", "scale", "Scale", id="browser.scale"),
        # A terminal sends Shift+F as plain "F" (only the kitty protocol says shift+f).
        Binding(
            "shift+f,F",
            "port_forward",
            "Port-forward",
            key_display="shift+f",
            id="browser.port_forward",
        ),
        Binding("r", "restart", "Restart", id="browser.restart"),
        Binding("r", "drain", "Drain", id="browser.drain"),
        Binding("u", "rollback", "Rollback", id="browser.rollback"),
        Binding("u", "uncordon", "Uncordon", id="browser.uncordon"),
        Binding("c", "cordon", "Cordon", id="browser.cordon"),
        Binding("i", "set_image", "Set image", id="browser.set_image"),
        Binding("ctrl+d", "delete", "Delete", id="browser.delete"),
        Binding("ctrl+k", "kill", "Kill", id="browser.kill"),
    ]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        offered = _OFFERED.get(action)
        if offered is None:
            return True
        kinds, writes = offered
        state = self.state
        if writes and self.session.readonly:
            return False
        if state.containers:
            return action in ("logs", "previous_logs", "shell", "port_forward", "describe", "yaml")
        if kinds is not None and state.resource.kind not in kinds:
            return False
        return self.view.selected is not None or None  # None: shown greyed out

    # -- opening screens -----------------------------------------------------------------

    def _ref(self) -> ObjectRef | None:
        row = self.view.selected
        return None if row is None else self.ref_of(row)  # type: ignore[attr-defined]

    def open_describe(self, ref: ObjectRef) -> None:
        from ktui.screens.describe import DescribeScreen

        self.app.push_screen(DescribeScreen(self.session, ref))  # type: ignore[attr-defined]

    def action_describe(self) -> None:
        if (ref := self._ref()) is not None:
            self.open_describe(ref)

    def action_yaml(self) -> None:
        from ktui.screens.yaml_view import YamlScreen

        if (ref := self._ref()) is not None:
            self.app.push_screen(YamlScreen(self.session, ref))  # type: ignore[attr-defined]

    def action_edit(self) -> None:
        from ktui.screens.editor import editor_screen

        if (ref := self._ref()) is not None:
            self.app.push_screen(editor_screen(self.session, ref))  # type: ignore[attr-defined]

    def open_logs(self, container: str | None = None, previous: bool = False) -> None:
        from ktui.screens.logs import LogsScreen

        if (ref := self._ref()) is None:
            return
        if self.state.containers:
            container = container or (self.view.selected.name if self.view.selected else None)
        screen = LogsScreen(self.session, ref, container=container, previous=previous)
        self.app.push_screen(screen)  # type: ignore[attr-defined]

    def action_logs(self) -> None:
        self.open_logs()

    def action_previous_logs(self) -> None:
        self.open_logs(previous=True)

    def open_events(self, namespace: str | None) -> None:
        from ktui.screens.events import EventsScreen

        self.app.push_screen(EventsScreen(self.session, namespace))  # type: ignore[attr-defined]

    def open_xray(self, kind: str) -> None:
        from ktui.screens.xray import XrayScreen

        state = self.state
        namespace = None if state.namespaces is None else state.namespaces[0]
        self.app.push_screen(XrayScreen(self.session, namespace, kind))  # type: ignore[attr-defined]

    def action_shell(self) -> None:
        from ktui.terminal.shell import open_shell

        if (ref := self._ref()) is None:
            return
        container = (
            self.view.selected.name if self.state.containers and self.view.selected else None
        )
        open_shell(self.app, self.session, ref, container=container)  # type: ignore[attr-defined]

    def action_port_forward(self) -> None:
        from ktui.screens.port_forward import PortForwardScreen

        if (ref := self._ref()) is not None:
            self.app.push_screen(PortForwardScreen(self.session, ref))  # type: ignore[attr-defined]

    # -- actions that change the cluster (ktui.screens.action_flows asks and reports) -----

    def _targets(self) -> list[ObjectRef]:
        return [self.ref_of(row) for row in self.view.targets]  # type: ignore[attr-defined]

    def _flow(self, name: str, *args: Any, **kwargs: Any) -> None:
        from ktui.screens import action_flows

        if (ref := self._ref()) is not None:
            getattr(action_flows, name)(self, self.session, ref, *args, **kwargs)

    def action_delete(self) -> None:
        from ktui.screens.action_flows import delete_flow

        targets = self._targets()
        if targets:
            delete_flow(self, self.session, targets if len(targets) > 1 else targets[0])  # type: ignore[arg-type]
            self.view.table.clear_marks()

    def action_kill(self) -> None:
        from ktui.screens.action_flows import delete_flow

        targets = self._targets()
        if targets:
            delete_flow(self, self.session, targets if len(targets) > 1 else targets[0], kill=True)  # type: ignore[arg-type]
            self.view.table.clear_marks()

    def action_scale(self) -> None:
        self._flow("scale_flow")

    def action_restart(self) -> None:
        self._flow("restart_flow")

    def action_rollback(self) -> None:
        self._flow("rollback_flow")

    def action_set_image(self) -> None:
        self._flow("set_image_flow")

    def action_cordon(self) -> None:
        from ktui.screens.action_flows import cordon_flow

        for ref in self._targets():
            cordon_flow(self, self.session, ref.name)  # type: ignore[arg-type]

    def action_uncordon(self) -> None:
        from ktui.screens.action_flows import cordon_flow

        for ref in self._targets():
            cordon_flow(self, self.session, ref.name, uncordon=True)  # type: ignore[arg-type]

    def action_drain(self) -> None:
        from ktui.screens.action_flows import drain_flow

        if (ref := self._ref()) is not None:
            drain_flow(self, self.session, ref.name)  # type: ignore[arg-type]
