"""Transactional storage: atomic files, locks, staged UFO saves and the journal that commits them."""
