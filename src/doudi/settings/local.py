"""Developer and demo settings: SQLite under var/, secrets generated once into var/."""

import base64
import json
import secrets

from cryptography.fernet import Fernet

from doudi.settings.base import *  # noqa: F403
from doudi.settings.base import VAR_DIR
from doudi.settings.env import env_bool, env_str, parse_audit_keys

DEBUG = env_bool("DOUDI_DEBUG", True)
DOUDI_DEMO = True


def _local_secrets() -> dict:
    """Generate the local secret key and field-encryption key on first use; keep them in var/."""
    path = VAR_DIR / "local-secrets.json"
    data = json.loads(path.read_text()) if path.exists() else {}
    if {"secret_key", "field_key", "audit_keys", "backup_key"} <= data.keys():
        return data
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    data.setdefault("secret_key", secrets.token_urlsafe(50))
    data.setdefault("field_key", Fernet.generate_key().decode())
    data.setdefault("audit_keys", "dev1:" + base64.b64encode(secrets.token_bytes(32)).decode())
    data.setdefault("backup_key", base64.b64encode(secrets.token_bytes(32)).decode())
    path.write_text(json.dumps(data))
    path.chmod(0o600)
    return data


_secrets = _local_secrets()
SECRET_KEY = env_str("DOUDI_SECRET_KEY", _secrets["secret_key"])
FIELD_ENCRYPTION_KEYS = [
    k.strip() for k in env_str("DOUDI_FIELD_ENCRYPTION_KEYS", _secrets["field_key"]).split(",")
]
DOUDI_AUDIT_KEYS = parse_audit_keys(env_str("DOUDI_AUDIT_KEYS", _secrets["audit_keys"]))
DOUDI_BACKUP_KEY = env_str("DOUDI_BACKUP_KEY", _secrets["backup_key"])
