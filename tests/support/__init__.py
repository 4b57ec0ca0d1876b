"""What every test shares: the fixed clock start, the mini test vendor (on the vendor kit) and a
real webhook receiver. ``tests/`` is on ``sys.path`` (its conftest is rootless): import them as
``from support.minivendor import ...``."""
