"""Mirror {path: content} into a folder, touching only what changed.

MkDocs' dirty rebuild and its live-reload watcher go by modification times,
so an unchanged page must keep its old file for `serve` to stay fast.
"""
from pathlib import Path


def sync(folder, files):
    folder = Path(folder)
    written = 0
    for relative, content in files.items():
        data = content.encode("utf-8") if isinstance(content, str) else content
        target = folder / relative
        if target.is_file() and target.stat().st_size == len(data) and target.read_bytes() == data:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        written += 1
    _remove_stale(folder, {folder / relative for relative in files})
    return written


def _remove_stale(folder, keep):
    if not folder.is_dir():
        return
    for path in sorted(folder.rglob("*"), reverse=True):
        if path.is_file() and path not in keep:
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
