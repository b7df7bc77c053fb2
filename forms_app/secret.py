"""The app's signing key, and what signs with it.

When FORMS_APP_SECRET_KEY is not set, the key is generated once per
installation and kept in instance/, so restarts and every gunicorn worker
sign with the same key and no constant ever ships in code.
"""

import os
import secrets
import tempfile
from functools import lru_cache
from pathlib import Path

from flask import current_app
from itsdangerous import URLSafeTimedSerializer

SECRET_FILE = "secret_key"


def instance_secret(instance_path):
    target = Path(instance_path) / SECRET_FILE
    if not target.exists():
        fd, draft = tempfile.mkstemp(dir=instance_path)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
        try:
            os.link(draft, target)
        except FileExistsError:
            pass
        finally:
            os.unlink(draft)
    return target.read_text().strip()


def signer(salt):
    """The app key's serializer for `salt`, built once: each request signs or checks
    several tokens, and itsdangerous would set up a serializer for every one."""
    return _serializer(current_app.secret_key, salt)


@lru_cache(maxsize=64)
def _serializer(key, salt):
    return URLSafeTimedSerializer(key, salt=salt)
