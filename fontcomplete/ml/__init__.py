"""The machine-learning package: the only part of fontcomplete that imports torch (imported lazily by the CLI)."""
