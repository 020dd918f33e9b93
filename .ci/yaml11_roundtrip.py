"""Reads each OpenAPI document named on the command line twice, as a YAML 1.1 reader
(PyYAML's SafeLoader, which openapi-spec-validator and many OpenAPI tools use) and as a
YAML 1.2 core-schema reader (what serde_yaml, the writer, means), and fails on the first
value they read differently (a path parameter named `on` read as the boolean true, a
date-like string read as a date, ...)."""

import re
import sys

import yaml


class Yaml12Core(yaml.SafeLoader):
    """SafeLoader with the implicit resolvers of the YAML 1.2 core schema only."""


Yaml12Core.yaml_implicit_resolvers = {}
for tag, pattern, first in [
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", list("~nN") + [""]),
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", list("tTfF")),
    ("tag:yaml.org,2002:int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", list("-+0123456789")),
    (
        "tag:yaml.org,2002:float",
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        list("-+.0123456789"),
    ),
]:
    Yaml12Core.add_implicit_resolver(tag, re.compile(pattern), first)


def construct_int12(loader, node):
    text = loader.construct_scalar(node)
    if text.startswith("0o"):
        return int(text[2:], 8)
    if text.startswith("0x"):
        return int(text[2:], 16)
    return int(text, 10)


def construct_float12(loader, node):
    return float(loader.construct_scalar(node).replace(".inf", "inf").replace(".Inf", "inf").replace(".INF", "inf").replace(".nan", "nan").replace(".NaN", "nan").replace(".NAN", "nan"))


Yaml12Core.add_constructor("tag:yaml.org,2002:int", construct_int12)
Yaml12Core.add_constructor("tag:yaml.org,2002:float", construct_float12)


def first_difference(a, b, path="$"):
    if type(a) is not type(b):
        return f"{path}: YAML 1.1 reads {a!r} ({type(a).__name__}), YAML 1.2 reads {b!r} ({type(b).__name__})"
    if isinstance(a, dict):
        if list(a.keys()) != list(b.keys()):
            for ka, kb in zip(a.keys(), b.keys()):
                if ka != kb or type(ka) is not type(kb):
                    return f"{path}: key {ka!r} ({type(ka).__name__}) against {kb!r} ({type(kb).__name__})"
            return f"{path}: {len(a)} keys against {len(b)}"
        for key in a:
            found = first_difference(a[key], b[key], f"{path}.{key}")
            if found:
                return found
        return None
    if isinstance(a, list):
        if len(a) != len(b):
            return f"{path}: {len(a)} items against {len(b)}"
        for i, (x, y) in enumerate(zip(a, b)):
            found = first_difference(x, y, f"{path}[{i}]")
            if found:
                return found
        return None
    if a != b and not (a != a and b != b):  # NaN equals NaN here
        return f"{path}: {a!r} against {b!r}"
    return None


failed = False
for name in sys.argv[1:]:
    text = open(name, encoding="utf-8").read()
    yaml11 = yaml.load(text, Loader=yaml.SafeLoader)
    yaml12 = yaml.load(text, Loader=Yaml12Core)
    difference = first_difference(yaml11, yaml12)
    if difference:
        failed = True
        print(f"{name}: {difference}")
    else:
        print(f"{name}: YAML 1.1 and YAML 1.2 readers read the same document")
sys.exit(1 if failed else 0)
