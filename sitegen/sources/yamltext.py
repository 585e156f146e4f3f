"""YAML as the project reads it (front matter, site.yaml, i18n/*.yaml): safe types only, and every
fault located at its line instead of raised from deep inside PyYAML.

PyYAML's safe loader raises ValueError (not YAMLError) for a timestamp that is no date
(`date: 2021-02-30`, `25:00:00`) or a bad explicit tag (`!!int x`), and silently keeps the last of two
identical keys. Here both are faults at the line of the value, resp. of the second key.
"""
from __future__ import annotations

from typing import Any

import yaml
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode, ScalarNode

from ..errors import Problem, error

# Changes when what the loader accepts changes: memos of parsed YAML (sitegen/memo.py) are then dropped.
YAML_VERSION = f"2/{yaml.__version__}"
MERGE_TAG = "tag:yaml.org,2002:merge"
TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"


class YamlFault(Exception):
    def __init__(self, line: int | None, message: str, syntax: bool = False):
        super().__init__(message)
        self.line = line          # in the file
        self.message = message    # e.g. "invalid date 2021-02-30 (day is out of range for month)"
        self.syntax = syntax      # the text is not YAML at all (the caller says what it was meant to be)

    def problem(self, path: str, syntax: str = "invalid YAML: {}", line: int | None = None) -> Problem:
        """Located: a syntax error framed by `syntax` (the caller's words for its file)."""
        return error(path, self.line or line, syntax.format(self.message) if self.syntax else self.message)


class _Fault(ConstructorError):
    """Raised while constructing; turned into a YamlFault once the loader has unwound."""

    def __init__(self, message: str, mark, first=None):
        super().__init__(None, None, message, mark)
        self.first = first        # the mark of the first of two identical keys


class StrictLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    def construct_object(self, node, deep=False):
        try:
            return super().construct_object(node, deep)
        except (ValueError, TypeError, KeyError, AttributeError, OverflowError) as exc:
            # a constructor fed a value it cannot represent (a timestamp is matched by a regex first)
            value = node.value if isinstance(node, ScalarNode) else node.tag
            what = "date" if node.tag == TIMESTAMP_TAG else f"value for {node.tag.rsplit(':', 1)[-1]}"
            detail = f" ({exc})" if isinstance(exc, (ValueError, OverflowError)) and str(exc) else ""
            raise _Fault(f"invalid {what} {value}{detail}", node.start_mark) from None

    def construct_mapping(self, node, deep=False):
        if isinstance(node, MappingNode):
            first: dict[Any, Any] = {}
            for key_node, _ in node.value:
                if key_node.tag == MERGE_TAG:
                    continue       # `<<: *defaults` then a key of its own is an override, not a duplicate
                key = self.construct_object(key_node, deep=True)
                try:
                    seen = first.setdefault(key, key_node)
                except TypeError:
                    continue       # unhashable: the base constructor reports it
                if seen is not key_node:
                    raise _Fault(f"duplicate key `{key}`", key_node.start_mark, seen.start_mark)
        return super().construct_mapping(node, deep)


def load_yaml(text: str, first_line: int = 1) -> Any:
    """The YAML document in `text`, whose first line is line `first_line` of its file; raise YamlFault."""
    try:
        return yaml.load(text, Loader=StrictLoader)
    except _Fault as exc:
        message = exc.problem
        if exc.first is not None:
            message += f" (first at line {exc.first.line + first_line}; a key may appear once)"
        raise YamlFault(exc.problem_mark.line + first_line, message) from None
    except yaml.YAMLError as exc:
        # the context mark says where the broken construct starts (an unclosed quote or bracket)
        context_mark = getattr(exc, "context_mark", None)
        mark = context_mark or getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        context = getattr(exc, "context", None)
        detail = f"{context}: {problem}" if context and context_mark else problem
        raise YamlFault(mark.line + first_line if mark else None, detail, syntax=True) from None
    except RecursionError:
        raise YamlFault(first_line, "YAML nested too deeply") from None
