"""telemock: offline, faithful, stateful emulators of telephony vendor HTTP APIs."""

__version__ = "0.1.0"
