"""The definition as a YAML file: what the editor shows, what `smarketing definition export`
writes and `import` reads. `load(dump(d)) == d`, and `dump(load(text))` is a fixed point.

Mistakes come back as one DefinitionError: a syntax error with its line and column, schema
mistakes by path (`fit_rules[3].field: …`) with the line the path is on."""

from __future__ import annotations

import re
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from smarketing.scoring.rules.errors import DefinitionError, ErrorCollector
from smarketing.scoring.rules.model import Definition
from smarketing.scoring.rules.reader import join
from smarketing.scoring.rules.schema import definition_from_dict
from smarketing.scoring.rules.serialize import definition_to_dict

HEADER = "# Smarketing qualification definition; the format: docs/scoring-rules.md\n"
_BOOL_TAG = "tag:yaml.org,2002:bool"
_LAST_PART = re.compile(r"(\.[^.\[\]]*|\[\d+\])$")
_TOP_KEY = re.compile(r"^[A-Za-z_]+:")


class _Loader(yaml.SafeLoader):
    """Safe YAML where only true/false are booleans (YAML 1.1 also reads yes/no/on/off, which
    would turn the country code NO into false)."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _BOOL_TAG]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    _BOOL_TAG, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


class _Dumper(yaml.SafeDumper):
    """Block style with indented lists; lists of plain values on one line; no anchors."""

    def ignore_aliases(self, data: Any) -> bool:
        return True

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _represent_list(dumper: _Dumper, data: list[Any]) -> yaml.SequenceNode:
    flat = all(isinstance(v, str | int | float | bool) for v in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flat)


_Dumper.add_representer(list, _represent_list)


def load(text: str) -> Definition:
    """Read a definition; raises DefinitionError naming each mistake and where it is."""
    data, lines, duplicates = _parse(text)
    try:
        definition = definition_from_dict(data)
    except DefinitionError as exc:
        errors = {**duplicates.errors}
        for path, reasons in exc.errors.items():
            errors.setdefault(path, []).extend(reasons)
        raise DefinitionError(errors, lines=_lines_for(errors, lines)) from None
    if duplicates.errors:
        raise DefinitionError(duplicates.errors, lines=_lines_for(duplicates.errors, lines))
    return definition


def dump(definition: Definition) -> str:
    text = yaml.dump(
        definition_to_dict(definition),
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=100,
    )
    # A blank line between top-level sections, for the reader.
    out = [
        f"\n{line}" if i and _TOP_KEY.match(line) else line
        for i, line in enumerate(text.splitlines())
    ]
    return HEADER + "\n".join(out) + "\n"


def _parse(text: str) -> tuple[object, dict[str, int], ErrorCollector]:
    """(plain data, path → line, duplicate keys found)."""
    loader = _Loader(text)
    lines: dict[str, int] = {}
    duplicates = ErrorCollector()
    try:
        node = loader.get_single_node()
        if node is None:
            return None, lines, duplicates
        _walk(node, "", lines, duplicates)
        return loader.construct_document(node), lines, duplicates
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = exc.problem or exc.context or "not valid YAML"
        raise DefinitionError({"__all__": [f"YAML syntax error{where}: {problem}"]}) from None
    except yaml.YAMLError as exc:  # e.g. a character YAML does not allow
        raise DefinitionError({"__all__": [f"YAML error: {exc}"]}) from None
    finally:
        loader.dispose()


def _walk(node: Node, path: str, lines: dict[str, int], duplicates: ErrorCollector) -> None:
    """Record the line of every path, and report keys given twice (YAML keeps the last)."""
    if isinstance(node, MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                continue
            here = join(path, key_node.value)
            line = key_node.start_mark.line + 1
            if key_node.value in seen and key_node.value != "<<":
                duplicates.add(here, f"key given twice (first on line {seen[key_node.value]})")
            seen.setdefault(key_node.value, line)
            lines[here] = line  # the last one given is the one in effect
            _walk(value_node, here, lines, duplicates)
    elif isinstance(node, SequenceNode):
        for i, item in enumerate(node.value):
            here = f"{path}[{i}]"
            lines.setdefault(here, item.start_mark.line + 1)
            _walk(item, here, lines, duplicates)


def _lines_for(errors: dict[str, list[str]], lines: dict[str, int]) -> dict[str, int]:
    """Each error path's line: its own, else the nearest enclosing path's."""
    found = {}
    for path in errors:
        here = path
        while here in lines or _LAST_PART.search(here):
            if here in lines:
                found[path] = lines[here]
                break
            here = _LAST_PART.sub("", here)
    return found
