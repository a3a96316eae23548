"""Font I/O: source fonts and UFOs opened, designspaces read, glyphs rendered into the em box."""
