"""Validates SpinApp manifests against the pinned SpinApp CRD schema.

Usage: validate.py CRD.yaml MANIFEST.yaml...

Strict like `kubectl apply --validate=strict`: an object schema that lists
`properties` (and has no `additionalProperties`) rejects fields it does not
list, where the API server would silently prune them. Prints one line per
problem (path: message) and exits 1 if there is any.
"""
import sys

import jsonschema
import yaml


def strict(schema):
    if isinstance(schema, dict):
        if "properties" in schema and "additionalProperties" not in schema:
            schema["additionalProperties"] = False
        for value in schema.values():
            strict(value)
    elif isinstance(schema, list):
        for value in schema:
            strict(value)
    return schema


def main():
    crd_path, manifests = sys.argv[1], sys.argv[2:]
    with open(crd_path) as f:
        crd = yaml.safe_load(f)
    problems = 0
    checked = 0
    for path in manifests:
        with open(path) as f:
            docs = [d for d in yaml.safe_load_all(f) if d is not None]
        for doc in docs:
            if doc.get("kind") != crd["spec"]["names"]["kind"]:
                continue
            group = crd["spec"]["group"]
            versions = {f"{group}/{v['name']}": v for v in crd["spec"]["versions"]}
            version = versions.get(doc.get("apiVersion"))
            if version is None:
                print(f"{path}: apiVersion {doc.get('apiVersion')!r} is not one of {sorted(versions)}")
                problems += 1
                continue
            schema = strict(version["schema"]["openAPIV3Schema"])
            validator = jsonschema.Draft7Validator(schema)
            for error in sorted(validator.iter_errors(doc), key=lambda e: list(e.path)):
                where = ".".join(str(p) for p in error.path) or "(root)"
                print(f"{path}: {where}: {error.message}")
                problems += 1
            print(f"{path}: {doc['kind']} {doc['metadata']['name']} checked")
            checked += 1
    if checked == 0:
        print(f"no {crd['spec']['names']['kind']} in {manifests}")
        problems += 1
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
