"""Mirror {path: content} into a folder, touching only what changed.

MkDocs' dirty rebuild and its live-reload watcher go by modification times,
so an unchanged page must keep its old file for `serve` to stay fast.
"""

import os
from pathlib import Path


def _bytes(content):
    return content.encode("utf-8") if isinstance(content, str) else content


def sync(folder, files, previous=None):
    """Make folder hold exactly files. `previous`, the files of the last sync into the same
    folder, lets unchanged files be skipped without reading them back."""
    folder = Path(folder)
    existing = _files_under(folder) if previous is None else set(previous)
    changed = {}
    for relative, content in files.items():
        if previous is not None and previous.get(relative) == content:
            continue
        data = _bytes(content)
        target = folder / relative
        if relative in existing and target.is_file() and target.stat().st_size == len(data) and target.read_bytes() == data:
            continue
        changed[relative] = data
    write(folder, changed)
    _remove_stale(folder, existing - set(files))
    return len(changed)


def write(folder, files):
    """Write every file, making each folder once; the number written."""
    folder = Path(folder)
    made = set()
    for relative, content in files.items():
        target = folder / relative
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        target.write_bytes(_bytes(content))
    return len(files)


def move_into(source, target):
    """Move every file under source to the same place under target, replacing what is there."""
    source, target = Path(source), Path(target)
    made = set()
    for relative in sorted(_files_under(source)):
        destination = target / relative
        if destination.parent not in made:
            destination.parent.mkdir(parents=True, exist_ok=True)
            made.add(destination.parent)
        os.replace(source / relative, destination)


def _files_under(folder):
    """Every file below folder, as POSIX paths relative to it."""
    found = set()
    for top, _, names in os.walk(folder):
        prefix = os.path.relpath(top, folder).replace(os.sep, "/")
        prefix = "" if prefix == "." else prefix + "/"
        found.update(prefix + name for name in names)
    return found


def _remove_stale(folder, stale):
    for relative in stale:
        (folder / relative).unlink(missing_ok=True)
    for top, _, _ in sorted(os.walk(folder), reverse=True):
        if top != str(folder) and not os.listdir(top):
            os.rmdir(top)
