"""The session and CSRF signing key when FORMS_APP_SECRET_KEY is not set.

Generated once per installation and kept in instance/, so restarts and every
gunicorn worker sign with the same key and no constant ever ships in code.
"""

import os
import secrets
import tempfile
from pathlib import Path

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
