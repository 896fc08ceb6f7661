from ktui.client import APIResource
from ktui.model.view_state import ViewState, drill, selector_of

PODS = APIResource("", "v1", "Pod", "pods", True, verbs=("list", "watch"))
NODES = APIResource("", "v1", "Node", "nodes", False)
DEPLOY = APIResource("apps", "v1", "Deployment", "deployments", True)
NS = APIResource("", "v1", "Namespace", "namespaces", False)
CM = APIResource("", "v1", "ConfigMap", "configmaps", True)


def test_a_deployment_leads_to_the_pods_its_selector_picks():
    state = ViewState(DEPLOY, ("shop",))
    assert drill(state, "web", "shop", PODS).needs_object
    obj = {
        "kind": "Deployment",
        "spec": {
            "selector": {
                "matchLabels": {"app": "web"},
                "matchExpressions": [{"key": "tier", "operator": "In", "values": ["a", "b"]}],
            }
        },
    }
    step = drill(state, "web", "shop", PODS, obj)
    assert step.view == ViewState(
        PODS, ("shop",), label_selector="app=web,tier in (a,b)", crumb="pods(web)"
    )


def test_a_node_leads_to_its_pods_in_every_namespace():
    step = drill(ViewState(NODES), "n1", "", PODS)
    assert step.view is not None
    assert step.view.namespaces is None
    assert step.view.field_selector == "spec.nodeName=n1"


def test_a_namespace_leads_to_its_pods_and_a_pod_to_its_containers():
    step = drill(ViewState(NS), "shop", "", PODS)
    assert step.view == ViewState(PODS, ("shop",))
    containers = drill(ViewState(PODS, ("shop",)), "web-1", "shop", PODS).view
    assert containers is not None and containers.containers and containers.pod == "web-1"


def test_kinds_without_children_describe():
    assert drill(ViewState(CM, ("shop",)), "settings", "shop", PODS).describe


def test_service_selectors_are_plain_maps():
    assert selector_of({"kind": "Service", "spec": {"selector": {"b": "2", "a": "1"}}}) == "a=1,b=2"


def test_titles_name_the_namespaces():
    assert ViewState(PODS, ("a", "b")).title == "pods(a,b)"
    assert ViewState(PODS, None).title == "pods(all)"
    assert ViewState(PODS, None).several_namespaces
    assert not ViewState(PODS, ("a",)).several_namespaces
