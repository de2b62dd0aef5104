"""Exceptions: conditions under which gps cannot go on (bad config, bad template...).

Problems *in the data* are never exceptions: they are :class:`gpscli.issues.Issue` values.
The CLI turns a :class:`GpsError` into a Chinese message and exit status 2 (usage) or 1.
"""


class GpsError(Exception):
    """Base of every exception gps raises on purpose. ``str(e)`` is a Chinese message."""

    exit_code = 1


class UsageError(GpsError):
    """The user asked for something impossible: a missing path, a bad option value."""

    exit_code = 2


class ConfigError(UsageError):
    """gps.toml, a catalogue or a profile file is malformed."""


class TemplateError(GpsError):
    """A report template cannot be rendered (bad tag, unknown variable)."""


class DataError(GpsError):
    """The data has errors and the requested output would be wrong."""


class LockError(GpsError):
    """Another gps run holds the workspace lock."""
