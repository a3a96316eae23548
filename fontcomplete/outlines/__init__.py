"""Pixels to outlines: potrace, the redraw a designer would make, the font's conventions, checks."""
