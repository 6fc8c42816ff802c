#!/usr/bin/env bash
# Checks the recipes of deploy/ without a cluster: every shell script parses (bash -n; shellcheck
# when installed), every Kubernetes manifest is valid YAML with the fields the recipe relies on
# (Indexed Jobs whose completions equal the ConfigMap's SHARDS and whose pods read
# JOB_COMPLETION_INDEX, claims that exist, the model mounted read-only), and the image builds
# (docker build) where a Docker daemon answers. What cannot run here is said on a "NOT RUN:" line.
# Exit 0: every check that ran passed.
set -euo pipefail
deploy=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(dirname "$deploy")
status=0

for f in "$deploy"/slurm/*.sh "$deploy"/slurm/*.sbatch "$deploy"/kubernetes/*.sh "$deploy"/check.sh; do
  bash -n "$f" || { echo "syntax error: $f"; status=1; }
done
if command -v shellcheck > /dev/null; then
  shellcheck -x -S warning "$deploy"/slurm/*.sh "$deploy"/slurm/*.sbatch "$deploy"/kubernetes/*.sh || status=1
else
  echo "NOT RUN: shellcheck (not installed); bash -n only"
fi

command -v python3 > /dev/null || echo "NOT RUN: Kubernetes manifests (no python3)"
command -v python3 > /dev/null && python3 - "$deploy/kubernetes" << 'PY' || status=1
import glob, os, re, sys
try:
    import yaml
except ImportError:
    print("NOT RUN: Kubernetes manifests (python3 has no yaml module: apt-get install python3-yaml)")
    sys.exit(0)
folder = sys.argv[1]
docs = {}
for path in sorted(glob.glob(os.path.join(folder, "*.yaml"))):
    for doc in yaml.safe_load_all(open(path)):
        if doc is None:
            continue
        for key in ("apiVersion", "kind", "metadata"):
            assert key in doc, f"{path}: no {key}"
        docs[(doc["kind"], doc["metadata"]["name"])] = (path, doc)
config = docs[("ConfigMap", "relneurons-run")][1]["data"]
shards = int(config["SHARDS"])
claims = {name for (kind, name) in docs if kind == "PersistentVolumeClaim"}
problems = []
jobs = [(p, d) for (k, _), (p, d) in docs.items() if k == "Job"]
for path, job in jobs:
    assert job["apiVersion"] == "batch/v1", f"{path}: apiVersion {job['apiVersion']}"
    spec = job["spec"]
    pod = spec["template"]["spec"]
    if pod.get("restartPolicy") not in ("Never", "OnFailure"):
        problems.append(f"{path}: a Job's pods need restartPolicy Never or OnFailure")
    (container,) = pod["containers"]
    command = " ".join(container.get("command", []) + container.get("args", []))
    sharded = "--shard" in command
    if sharded:
        if spec.get("completionMode") != "Indexed":
            problems.append(f"{path}: a sharded stage must be an Indexed Job")
        if spec.get("completions") != shards or spec.get("parallelism", 1) > shards:
            problems.append(f"{path}: completions {spec.get('completions')} is not SHARDS = {shards}")
        if "$JOB_COMPLETION_INDEX/$SHARDS" not in command:
            problems.append(f"{path}: the shard is not $JOB_COMPLETION_INDEX/$SHARDS")
    elif spec.get("completionMode") == "Indexed":
        problems.append(f"{path}: Indexed but runs no shard")
    volumes = {v["name"]: v for v in pod["volumes"]}
    for mount in container["volumeMounts"]:
        volume = volumes.get(mount["name"])
        if volume is None:
            problems.append(f"{path}: mount {mount['name']} has no volume")
            continue
        claim = volume["persistentVolumeClaim"]["claimName"]
        if claim not in claims:
            problems.append(f"{path}: claim {claim} is not defined")
        if mount["mountPath"] == "/model" and not (mount.get("readOnly") and volume["persistentVolumeClaim"].get("readOnly")):
            problems.append(f"{path}: the model must be mounted read-only")
    if not re.search(r"relneurons\.dll (run|merge) ", command):
        problems.append(f"{path}: does not run relneurons run/merge: {command}")
for p in problems:
    print(p)
print(f"kubernetes: {len(jobs)} jobs ({sum('--shard' in ' '.join(d['spec']['template']['spec']['containers'][0]['args']) for _, d in jobs)} indexed), "
      f"{len(claims)} claims checked; {len(problems)} problem(s)")
sys.exit(1 if problems else 0)
PY

if command -v kubectl > /dev/null && kubectl version > /dev/null 2>&1; then
  kubectl apply --dry-run=server -f "$deploy/kubernetes" || status=1
else
  echo "NOT RUN: kubectl apply --dry-run=server (no Kubernetes API server answers here)"
fi
if command -v docker > /dev/null && docker info > /dev/null 2>&1; then
  docker build -f "$deploy/kubernetes/Dockerfile" -t relneurons:check "$repo" || status=1
else
  echo "NOT RUN: docker build (no Docker daemon answers here)"
fi
exit $status
