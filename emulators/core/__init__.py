"""The vendor-neutral telephony world. Imports no vendor and holds no vendor string."""
