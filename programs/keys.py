"""Which keys the program format has, and which hold lists or mappings.

The line scan runs before YAML parsing, so it cannot ask pydantic what a
value should be; it asks here, and here asks the model, so a key added to
the model is known to the scan without a second list to keep in step.
"""

import typing

from pydantic import BaseModel

from .model import Program


def _models(annotation):
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
    for argument in typing.get_args(annotation):
        yield from _models(argument)


def _is(annotation, kinds):
    origin = typing.get_origin(annotation)
    if origin in kinds:
        return True
    return any(_is(argument, kinds) for argument in typing.get_args(annotation))


def _walk(model, seen):
    if model in seen:
        return
    seen.add(model)
    for field in model.model_fields.values():
        for inner in _models(field.annotation):
            _walk(inner, seen)


def _collect():
    models = set()
    _walk(Program, models)
    keys, lists, mappings = set(), set(), set()
    for model in models:
        for name, field in model.model_fields.items():
            keys.add(name)
            if _is(field.annotation, (list, tuple)):
                lists.add(name)
            elif any(True for _ in _models(field.annotation)):
                mappings.add(name)
    return frozenset(keys), frozenset(lists), frozenset(mappings)


MODEL_KEYS, LIST_KEYS, MAPPING_KEYS = _collect()
