"""Completing fonts: plan, the engine, merging into UFOs, placing, decisions and evaluation."""
