"""A contract file the runner cannot trust is refused as it loads, naming the file, the contract
and what is wrong; nothing half-loaded runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from emulators.contracts.loader import ContractError, load_vendor

VENDOR = "vendor: kerauno\ncredentials: [key]\nvars: {src: '3000'}\n"
GOOD = """operation: makecall
catalog: kerauno.MakeCall
contracts:
  - name: ok
    state_changing: false
    request: {method: GET, path: /kerauno/api/v1/makecall/, query: {key: "${credentials.key}", src: "${vars.src}"}}
    expect: {status: 400, body: {error: !re '^You must'}}
"""


def folder(tmp_path: Path, contract: str, vendor: str = VENDOR) -> Path:
    (tmp_path / "kerauno").mkdir()
    (tmp_path / "kerauno" / "_vendor.yaml").write_text(vendor)
    (tmp_path / "kerauno" / "makecall.yaml").write_text(contract)
    return tmp_path


def test_a_good_file_loads(tmp_path: Path) -> None:
    [contract] = load_vendor(folder(tmp_path, GOOD), "kerauno").contracts
    assert contract.id == "makecall/ok" and contract.catalog == "kerauno.MakeCall"
    assert contract.steps[0].request is not None and contract.steps[0].request.query["src"] == "${vars.src}"


@pytest.mark.parametrize("change, message", [
    (("    state_changing: false\n", ""), "say whether it changes the vendor's state"),
    (("expect:", "expects:"), "unknown key(s) expects"),
    (("!re '^You must'", "!format nosuch"), "unknown format 'nosuch'"),
    (("!re '^You must'", "!type text"), "unknown JSON type(s) text"),
    (("!re '^You must'", "!re '(unclosed'"), "missing ), unterminated subpattern"),
    (("${vars.src}", "${vars.srcc}"), "${vars.srcc} is not in _vendor.yaml's vars"),
    (("${credentials.key}", "${credentials.token}"), "${credentials.token} is not in _vendor.yaml's credentials"),
    (("${vars.src}", "${saved.uid}"), "${saved.uid} is not in an earlier step's save"),
    (("path: /kerauno", "path: kerauno"), "the path starts with /"),
    (("status: 400", "status: '400'"), "status is a number"),
    (("catalog: kerauno.MakeCall\n", ""), "missing 'catalog'"),
])
def test_a_broken_file_is_refused_with_its_reason(tmp_path: Path, change: tuple[str, str], message: str) -> None:
    old, new = change
    assert old in GOOD
    with pytest.raises(ContractError) as refused:
        load_vendor(folder(tmp_path, GOOD.replace(old, new, 1)), "kerauno")
    assert message in str(refused.value)
    assert "makecall.yaml" in str(refused.value) and "\n" not in str(refused.value)  # one line


def test_a_wait_step_is_bounded(tmp_path: Path) -> None:
    steps = GOOD.replace("    request:", "    steps:\n      - wait: 7200\n      - request:").replace(
        "    expect:", "        expect:")
    with pytest.raises(ContractError, match="wait wants seconds, 0 to 3600"):
        load_vendor(folder(tmp_path, steps), "kerauno")


def test_a_vendor_file_of_another_vendor_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ContractError, match="vendor is 'mycalls', the folder says 'kerauno'"):
        load_vendor(folder(tmp_path, GOOD, VENDOR.replace("kerauno", "mycalls")), "kerauno")
