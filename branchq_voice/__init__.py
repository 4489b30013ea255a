"""Offline spoken calls: voice packs of WAV clips, audio outputs chosen by URL, and the
announcer that speaks calls one after another (see README.md)."""
