"""Wire-level emulators of the branch's devices, for development and tests without hardware."""
