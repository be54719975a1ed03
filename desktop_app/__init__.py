"""乡镇综合行政执法协调联动系统 — the township's enforcement coordination desktop app."""

__version__ = "0.1.0"
APP_NAME_ZH = "乡镇综合行政执法协调联动系统"
