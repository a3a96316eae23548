"""Concepts every layer shares: errors, the em-box frame, outlines, charsets, image scores, provenance."""
