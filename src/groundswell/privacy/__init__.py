"""Privacy helpers with no database: keyed pseudonyms and the key file they need."""

from groundswell.privacy.pseudonyms import (
    KEY_BYTES,
    KEY_FILE_NAME,
    load_key,
    new_key,
    pseudonym,
    write_key,
)

__all__ = ["KEY_BYTES", "KEY_FILE_NAME", "load_key", "new_key", "pseudonym", "write_key"]
