"""The /_emulator control plane."""
