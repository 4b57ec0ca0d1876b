"""Executable vendor contracts: ``contracts/<vendor>/*.yaml`` run against the emulator (in-process)
or any server (``--base-url``), with drift diffs, recordings of a live vendor, coverage and the
published OpenAPI documents.

    loader      YAML contract files -> ``Contract`` (model) with matchers (matchers, formats)
    templates   ``${vars.x}`` / ``${credentials.x}`` / ``${saved.x}`` in requests and expectations
    diff        expected vs actual -> ``Drift`` (field added/removed/renamed, type, string, order ...)
    targets     where requests go: the in-process emulator, or a server at a base URL
    runner      contracts -> results (steps, saves, waits, skips, recordings)
    record      transformers that mask what varies; writing and reading recordings
    report      text, JSON and JUnit conformance reports
    catalog     the committed catalog index (``contracts/_catalog``) and its generator
    coverage    docs/COVERAGE.md;  publish: docs/COVERAGE.md + docs/openapi/<vendor>.json
    openapi_check  contract requests and emulator answers against the vendor's OpenAPI document
    cli         ``telemock contracts verify | publish | generate``
"""
