"""Strategic merge patch on built-in kinds, with the patches kubectl really sends."""

from __future__ import annotations

import copy
import json
from typing import Any

from engine.api.patch import apply_strategic_merge_patch, builtin_patch_meta

DEPLOYMENT_META = builtin_patch_meta("apps", "Deployment")
POD_META = builtin_patch_meta("", "Pod")


def deployment() -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {
            "name": "web",
            "namespace": "default",
            "annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{old}\n"},
            "finalizers": ["a.example.com/x", "b.example.com/y"],
        },
        "spec": {
            "replicas": 2,
            "strategy": {
                "type": "RollingUpdate",
                "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"},
            },
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {
                    "containers": [
                        {
                            "name": "web",
                            "image": "nginx:1.25",
                            "ports": [
                                {"containerPort": 80, "protocol": "TCP"},
                                {"containerPort": 443, "protocol": "TCP"},
                            ],
                            "env": [
                                {"name": "A", "value": "1"},
                                {"name": "B", "value": "2"},
                                {"name": "C", "value": "3"},
                            ],
                            "resources": {"limits": {"cpu": "500m"}},
                            "terminationMessagePath": "/dev/termination-log",
                            "volumeMounts": [{"name": "data", "mountPath": "/data"}],
                        },
                        {"name": "sidecar", "image": "envoy:1"},
                    ],
                    "volumes": [{"name": "data", "emptyDir": {}}],
                    "tolerations": [{"key": "k1", "operator": "Exists"}],
                    "nodeSelector": {"disk": "ssd", "zone": "a"},
                },
            },
        },
    }


def smp(obj: dict[str, Any], patch: Any, meta: Any = DEPLOYMENT_META) -> dict[str, Any]:
    return apply_strategic_merge_patch(obj, patch, meta)


def pod_spec(obj: dict[str, Any]) -> dict[str, Any]:
    return obj["spec"]["template"]["spec"]


def test_kubectl_apply_image_change_keeps_unrelated_fields() -> None:
    # The exact shape `kubectl apply` sends after editing one image.
    patch = {
        "metadata": {
            "annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{new}\n"}
        },
        "spec": {
            "template": {
                "spec": {
                    "$setElementOrder/containers": [{"name": "web"}, {"name": "sidecar"}],
                    "containers": [{"image": "nginx:1.27", "name": "web"}],
                }
            }
        },
    }
    before = deployment()
    out = smp(before, patch)
    web = pod_spec(out)["containers"][0]
    assert web == {**pod_spec(before)["containers"][0], "image": "nginx:1.27"}
    assert [c["name"] for c in pod_spec(out)["containers"]] == ["web", "sidecar"]
    annotation = out["metadata"]["annotations"]["kubectl.kubernetes.io/last-applied-configuration"]
    assert annotation == "{new}\n"
    assert out["spec"]["strategy"] == before["spec"]["strategy"]


def test_kubectl_apply_adds_container_in_manifest_order_around_server_only_one() -> None:
    # Manifest now lists [init-like "proxy", "web"]; "sidecar" was added by someone else.
    patch = {
        "spec": {
            "template": {
                "spec": {
                    "$setElementOrder/containers": [{"name": "proxy"}, {"name": "web"}],
                    "containers": [{"name": "proxy", "image": "haproxy:2"}],
                }
            }
        }
    }
    out = smp(deployment(), patch)
    assert [c["name"] for c in pod_spec(out)["containers"]] == ["proxy", "web", "sidecar"]
    assert pod_spec(out)["containers"][0] == {"name": "proxy", "image": "haproxy:2"}


def test_kubectl_apply_rename_container_with_server_only_sidecar() -> None:
    # The manifest renames "web" to "app": kubectl deletes one and adds the other. Upstream
    # orders the server-only sidecar against its in-place-modified live array: sidecar first.
    patch = {
        "spec": {
            "template": {
                "spec": {
                    "$setElementOrder/containers": [{"name": "app"}],
                    "containers": [
                        {"name": "app", "image": "nginx:1.27"},
                        {"$patch": "delete", "name": "web"},
                    ],
                }
            }
        }
    }
    out = smp(deployment(), patch)
    assert [c["name"] for c in pod_spec(out)["containers"]] == ["sidecar", "app"]


def test_env_added_replaced_and_deleted() -> None:
    patch = {
        "spec": {
            "template": {
                "spec": {
                    "containers": [
                        {
                            "name": "web",
                            "$setElementOrder/env": [{"name": "A"}, {"name": "C"}, {"name": "D"}],
                            "env": [
                                {"name": "C", "value": "30"},
                                {"name": "D", "value": "4"},
                                {"$patch": "delete", "name": "B"},
                            ],
                        }
                    ]
                }
            }
        }
    }
    out = smp(deployment(), patch)
    assert pod_spec(out)["containers"][0]["env"] == [
        {"name": "A", "value": "1"},
        {"name": "C", "value": "30"},
        {"name": "D", "value": "4"},
    ]


def test_env_value_replaced_by_value_from() -> None:
    # kubectl sends null for the dropped field and the new one: both apply inside the item.
    ref = {"secretKeyRef": {"name": "s", "key": "k"}}
    patch = {
        "spec": {
            "template": {
                "spec": {
                    "containers": [
                        {"name": "web", "env": [{"name": "A", "value": None, "valueFrom": ref}]}
                    ]
                }
            }
        }
    }
    out = smp(deployment(), patch)
    assert pod_spec(out)["containers"][0]["env"][0] == {"name": "A", "valueFrom": ref}


def test_ports_merge_by_container_port_and_mounts_by_mount_path() -> None:
    patch = {
        "spec": {
            "template": {
                "spec": {
                    "containers": [
                        {
                            "name": "web",
                            "ports": [
                                {"containerPort": 443, "name": "https"},
                                {"containerPort": 8080},
                            ],
                            "volumeMounts": [{"mountPath": "/data", "readOnly": True}],
                        }
                    ]
                }
            }
        }
    }
    web = pod_spec(smp(deployment(), patch))["containers"][0]
    assert web["ports"] == [
        {"containerPort": 80, "protocol": "TCP"},
        {"containerPort": 443, "protocol": "TCP", "name": "https"},
        {"containerPort": 8080},
    ]
    assert web["volumeMounts"] == [{"name": "data", "mountPath": "/data", "readOnly": True}]


def test_new_item_lands_after_the_patch_items_before_it() -> None:
    # No $setElementOrder: patch order for patch items, live order for the rest.
    patch = {"spec": {"template": {"spec": {"containers": [{"name": "web"}, {"name": "x"}]}}}}
    out = smp(deployment(), patch)
    assert [c["name"] for c in pod_spec(out)["containers"]] == ["web", "x", "sidecar"]


def test_volume_source_switched_with_retain_keys() -> None:
    # kubectl sends $retainKeys for volumes (patchStrategy merge,retainKeys).
    patch = {
        "spec": {
            "template": {
                "spec": {
                    "volumes": [
                        {
                            "$retainKeys": ["configMap", "name"],
                            "name": "data",
                            "configMap": {"name": "cm"},
                        }
                    ]
                }
            }
        }
    }
    out = smp(deployment(), patch)
    assert pod_spec(out)["volumes"] == [{"name": "data", "configMap": {"name": "cm"}}]


def test_deployment_strategy_retain_keys() -> None:
    patch = {"spec": {"strategy": {"$retainKeys": ["type"], "type": "Recreate"}}}
    assert smp(deployment(), patch)["spec"]["strategy"] == {"type": "Recreate"}
    # Without the directive the map merges and rollingUpdate stays, as upstream.
    merged = smp(deployment(), {"spec": {"strategy": {"type": "Recreate"}}})["spec"]["strategy"]
    assert merged["rollingUpdate"] == {"maxSurge": "25%", "maxUnavailable": "25%"}


def test_finalizers_union_and_delete_from_primitive_list() -> None:
    added = smp(deployment(), {"metadata": {"finalizers": ["c.example.com/z", "a.example.com/x"]}})
    assert added["metadata"]["finalizers"] == [
        "c.example.com/z",
        "a.example.com/x",
        "b.example.com/y",
    ]
    removed = smp(
        deployment(), {"metadata": {"$deleteFromPrimitiveList/finalizers": ["a.example.com/x"]}}
    )
    assert removed["metadata"]["finalizers"] == ["b.example.com/y"]
    # Deleting from a list the object does not have changes nothing (upstream since 1.25).
    pod = {"metadata": {"name": "p"}}
    assert smp(pod, {"metadata": {"$deleteFromPrimitiveList/finalizers": ["x"]}}, POD_META) == pod


def test_kubectl_apply_finalizer_replaced() -> None:
    patch = {
        "metadata": {
            "$setElementOrder/finalizers": ["b.example.com/y", "c.example.com/z"],
            "$deleteFromPrimitiveList/finalizers": ["a.example.com/x"],
            "finalizers": ["c.example.com/z"],
        }
    }
    out = smp(deployment(), patch)
    assert out["metadata"]["finalizers"] == ["b.example.com/y", "c.example.com/z"]


def test_owner_references_merge_by_uid() -> None:
    obj = {"metadata": {"ownerReferences": [{"uid": "1", "name": "rs-a", "kind": "ReplicaSet"}]}}
    patch = {
        "metadata": {
            "ownerReferences": [
                {"uid": "2", "name": "rs-b", "kind": "ReplicaSet"},
                {"uid": "1", "controller": True},
            ]
        }
    }
    out = smp(obj, patch, POD_META)
    assert out["metadata"]["ownerReferences"] == [
        {"uid": "2", "name": "rs-b", "kind": "ReplicaSet"},
        {"uid": "1", "name": "rs-a", "kind": "ReplicaSet", "controller": True},
    ]


def test_lists_without_merge_key_are_replaced() -> None:
    patch = {"spec": {"template": {"spec": {"tolerations": [{"key": "k2", "operator": "Exists"}]}}}}
    out = smp(deployment(), patch)
    assert pod_spec(out)["tolerations"] == [{"key": "k2", "operator": "Exists"}]


def test_rollout_restart_annotation() -> None:
    at = "2025-01-01T00:00:00Z"
    patch = {
        "spec": {
            "template": {"metadata": {"annotations": {"kubectl.kubernetes.io/restartedAt": at}}}
        }
    }
    out = smp(deployment(), patch)
    assert out["spec"]["template"]["metadata"] == {
        "labels": {"app": "web"},
        "annotations": {"kubectl.kubernetes.io/restartedAt": at},
    }


def test_patch_replace_and_delete_directives_on_maps() -> None:
    replaced = smp(
        deployment(),
        {"spec": {"template": {"spec": {"nodeSelector": {"$patch": "replace", "gpu": "yes"}}}}},
    )
    assert pod_spec(replaced)["nodeSelector"] == {"gpu": "yes"}
    deleted = smp(deployment(), {"spec": {"strategy": {"$patch": "delete"}}})
    assert deleted["spec"]["strategy"] == {}


def test_patch_replace_directive_in_a_list() -> None:
    patch = {
        "spec": {
            "template": {
                "spec": {
                    "containers": [{"$patch": "replace"}, {"name": "only", "image": "busybox"}]
                }
            }
        }
    }
    out = smp(deployment(), patch)
    assert pod_spec(out)["containers"] == [{"name": "only", "image": "busybox"}]


def test_delete_directive_removes_every_item_with_the_key() -> None:
    obj = {
        "spec": {
            "containers": [
                {
                    "name": "a",
                    "env": [
                        {"name": "X", "value": "1"},
                        {"name": "X", "value": "2"},
                        {"name": "Y"},
                    ],
                }
            ]
        }
    }
    patch = {"spec": {"containers": [{"name": "a", "env": [{"name": "X", "$patch": "delete"}]}]}}
    out = smp(obj, patch, POD_META)
    assert out["spec"]["containers"][0]["env"] == [{"name": "Y"}]


def test_duplicate_merge_keys_update_the_first() -> None:
    obj = {
        "spec": {
            "containers": [
                {"name": "a", "env": [{"name": "X", "value": "1"}, {"name": "X", "value": "2"}]}
            ]
        }
    }
    patch = {"spec": {"containers": [{"name": "a", "env": [{"name": "X", "value": "9"}]}]}}
    out = smp(obj, patch, POD_META)
    assert out["spec"]["containers"][0]["env"] == [
        {"name": "X", "value": "9"},
        {"name": "X", "value": "2"},
    ]


def test_null_deletes_and_type_change_replaces() -> None:
    out = smp(
        deployment(),
        {"spec": {"replicas": None, "strategy": "Recreate", "paused": None}},
    )
    assert "replicas" not in out["spec"]
    assert "paused" not in out["spec"]
    assert out["spec"]["strategy"] == "Recreate"


def test_new_values_drop_nulls_and_directives() -> None:
    # Values stored as-is lose what the typed decode would drop in kube-apiserver.
    obj = {"spec": {"containers": [{"name": "a"}]}}
    patch = {
        "spec": {
            "containers": [
                {
                    "name": "b",
                    "image": None,
                    "env": [{"name": "X", "$patch": "delete"}, {"name": "Y", "value": None}],
                    "$setElementOrder/env": [{"name": "Y"}],
                }
            ],
            "initContainers": [{"name": "i", "args": None}],
            "affinity": {"$patch": "replace", "nodeAffinity": {}},
            "dnsConfig": {"options": [{"name": "ndots", "value": None}]},
        }
    }
    out = smp(obj, patch, POD_META)
    assert out["spec"] == {
        "containers": [{"name": "b", "env": [{"name": "Y"}]}, {"name": "a"}],
        "initContainers": [{"name": "i"}],
        "dnsConfig": {"options": [{"name": "ndots"}]},
    }


def test_set_element_order_alone_reorders() -> None:
    patch = {
        "spec": {
            "template": {
                "spec": {"$setElementOrder/containers": [{"name": "sidecar"}, {"name": "web"}]}
            }
        }
    }
    out = smp(deployment(), patch)
    assert [c["name"] for c in pod_spec(out)["containers"]] == ["sidecar", "web"]


def test_status_conditions_and_addresses_merge_by_type() -> None:
    node = {
        "metadata": {"name": "n1"},
        "status": {
            "conditions": [
                {"type": "Ready", "status": "False", "reason": "Starting"},
                {"type": "MemoryPressure", "status": "False"},
            ],
            "addresses": [{"type": "InternalIP", "address": "10.0.0.1"}],
        },
    }
    patch = {
        "status": {
            "conditions": [{"type": "Ready", "status": "True", "reason": "KubeletReady"}],
            "addresses": [{"type": "Hostname", "address": "n1"}],
        }
    }
    out = smp(node, patch, builtin_patch_meta("", "Node"))
    assert out["status"]["conditions"] == [
        {"type": "Ready", "status": "True", "reason": "KubeletReady"},
        {"type": "MemoryPressure", "status": "False"},
    ]
    # A new item goes before the live items the patch does not name (upstream's order rule).
    assert out["status"]["addresses"] == [
        {"type": "Hostname", "address": "n1"},
        {"type": "InternalIP", "address": "10.0.0.1"},
    ]


def test_service_ports_merge_by_port() -> None:
    svc = {"spec": {"ports": [{"port": 80, "targetPort": 8080}, {"port": 443}]}}
    out = smp(
        svc, {"spec": {"ports": [{"port": 80, "name": "http"}]}}, builtin_patch_meta("", "Service")
    )
    assert out["spec"]["ports"] == [{"port": 80, "targetPort": 8080, "name": "http"}, {"port": 443}]


def test_cronjob_pod_template_is_deep_inside_job_template() -> None:
    cron = {
        "spec": {
            "jobTemplate": {
                "spec": {
                    "template": {
                        "spec": {"containers": [{"name": "job", "image": "a", "args": ["x"]}]}
                    }
                }
            }
        }
    }
    patch = {
        "spec": {
            "jobTemplate": {
                "spec": {"template": {"spec": {"containers": [{"name": "job", "image": "b"}]}}}
            }
        }
    }
    out = smp(cron, patch, builtin_patch_meta("batch", "CronJob"))
    containers = out["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"]
    assert containers == [{"name": "job", "image": "b", "args": ["x"]}]


def test_same_patch_on_a_kind_without_metadata_replaces_the_list() -> None:
    # A ConfigMap-like built-in has no merge lists: `containers` would be replaced.
    obj = {"spec": {"containers": [{"name": "a", "image": "1"}, {"name": "b"}]}}
    out = smp(
        obj,
        {"spec": {"containers": [{"name": "a", "image": "2"}]}},
        builtin_patch_meta("", "ConfigMap"),
    )
    assert out["spec"]["containers"] == [{"name": "a", "image": "2"}]


def test_null_and_empty_patches_change_nothing() -> None:
    assert smp(deployment(), None) == deployment()
    assert smp(deployment(), {}) == deployment()


def test_inputs_are_never_modified_or_shared() -> None:
    obj = deployment()
    patch = {
        "metadata": {"$deleteFromPrimitiveList/finalizers": ["a.example.com/x"]},
        "spec": {
            "strategy": {"$retainKeys": ["type"], "type": "Recreate"},
            "template": {
                "spec": {
                    "$setElementOrder/containers": [{"name": "new"}, {"name": "web"}],
                    "containers": [
                        {"name": "new", "image": "x", "env": [{"name": "E", "value": "1"}]},
                        {"name": "web", "env": [{"name": "A", "$patch": "delete"}]},
                    ],
                }
            },
        },
    }
    obj_before, patch_before = copy.deepcopy(obj), copy.deepcopy(patch)
    out = smp(obj, patch)
    assert obj == obj_before
    assert patch == patch_before
    pod_spec(out)["containers"][0]["env"][0]["value"] = "changed"
    pod_spec(out)["containers"][1]["ports"].append({"containerPort": 1})
    assert patch == patch_before
    assert obj == obj_before


# The body kubectl 1.32 sent for `apply -f` of a changed Deployment (reference/
# kubectl-1.32-requests-by-command.txt, "apply-third-changed"), byte for byte.
KUBECTL_APPLY_BODY = (
    '{"metadata":{"annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{\\"apiVersion'
    '\\":\\"apps/v1\\",\\"kind\\":\\"Deployment\\",\\"metadata\\":{\\"annotations\\":{},\\"labels\\":'
    '{\\"app\\":\\"d\\"},\\"name\\":\\"d\\",\\"namespace\\":\\"default\\"},\\"spec\\":{\\"replicas\\":4,'
    '\\"selector\\":{\\"matchLabels\\":{\\"app\\":\\"d\\"}},\\"template\\":{\\"metadata\\":{\\"labels\\":'
    '{\\"app\\":\\"d\\"}},\\"spec\\":{\\"containers\\":[{\\"image\\":\\"nginx:1.26\\",\\"name\\":\\"web\\",'
    '\\"ports\\":[{\\"containerPort\\":80}]}]}}}}\\n"}},"spec":{"replicas":4,"template":{"spec":'
    '{"$setElementOrder/containers":[{"name":"web"}],"containers":[{"image":"nginx:1.26","name":"web"}]}}}}'
)


def test_recorded_kubectl_apply_body() -> None:
    live = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {
            "name": "d",
            "namespace": "default",
            "labels": {"app": "d"},
            "annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{...}\n"},
            "resourceVersion": "42",
            "generation": 3,
        },
        "spec": {
            "replicas": 3,
            "selector": {"matchLabels": {"app": "d"}},
            "template": {
                "metadata": {"labels": {"app": "d"}},
                "spec": {
                    "containers": [
                        {
                            "name": "web",
                            "image": "nginx:1.25",
                            "ports": [{"containerPort": 80, "protocol": "TCP"}],
                            "imagePullPolicy": "IfNotPresent",
                        }
                    ],
                    "restartPolicy": "Always",
                },
            },
        },
        "status": {"replicas": 3},
    }
    out = smp(live, json.loads(KUBECTL_APPLY_BODY))
    expected = copy.deepcopy(live)
    expected["spec"]["replicas"] = 4
    expected["spec"]["template"]["spec"]["containers"][0]["image"] = "nginx:1.26"
    annotation = json.loads(KUBECTL_APPLY_BODY)["metadata"]["annotations"]
    expected["metadata"]["annotations"] = annotation
    assert out == expected
