"""The upstream CronTab example (docs: "Extend the Kubernetes API with
CustomResourceDefinitions"), with validation, printer columns and subresources added."""

from __future__ import annotations

CRONTAB_CRD = """
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: crontabs.stable.example.com
spec:
  group: stable.example.com
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              description: The desired schedule.
              properties:
                cronSpec:
                  type: string
                  pattern: '^(\\d+|\\*)(/\\d+)?(\\s+(\\d+|\\*)(/\\d+)?){4}$'
                image:
                  type: string
                replicas:
                  type: integer
                  minimum: 1
                  maximum: 10
                  default: 1
                selector:
                  type: string
            status:
              type: object
              properties:
                replicas:
                  type: integer
                labelSelector:
                  type: string
      selectableFields:
        - jsonPath: .spec.image
      additionalPrinterColumns:
        - name: Spec
          type: string
          description: The cron spec defining the interval a CronJob is run
          jsonPath: .spec.cronSpec
        - name: Replicas
          type: integer
          jsonPath: .spec.replicas
        - name: Age
          type: date
          jsonPath: .metadata.creationTimestamp
      subresources:
        status: {}
        scale:
          specReplicasPath: .spec.replicas
          statusReplicasPath: .status.replicas
          labelSelectorPath: .status.labelSelector
  scope: Namespaced
  names:
    plural: crontabs
    singular: crontab
    kind: CronTab
    shortNames:
    - ct
    categories:
    - all
"""

CRONTAB = """
apiVersion: "stable.example.com/v1"
kind: CronTab
metadata:
  name: my-new-cron-object
spec:
  cronSpec: "* * * * */5"
  image: my-awesome-cron-image
"""


def crontab(name: str, extra: str = "", replicas: int | None = None) -> str:
    lines = [
        'apiVersion: "stable.example.com/v1"',
        "kind: CronTab",
        "metadata:",
        f"  name: {name}",
        "spec:",
        '  cronSpec: "* * * * */5"',
        "  image: my-awesome-cron-image",
    ]
    if replicas is not None:
        lines.append(f"  replicas: {replicas}")
    if extra:
        lines.append(extra)
    return "\n".join(lines) + "\n"
