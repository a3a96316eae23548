"""What makes a master's glyphs (copy, model, fit), the cache, donors, review and proof sheets."""
