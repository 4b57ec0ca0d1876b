"""Faker's person names for the default seed, stored so that start-up never imports faker.

``import faker`` costs ~0.1 s (it scans every provider package for locales), a fifth of
``telemock serve``'s start-up budget, while a default world needs only a few dozen names.
``STORED`` holds, per (locale, seed), the first ``COUNT`` names that
``Faker(locale, providers=["faker.providers.person"])`` seeded with ``seed`` draws; any other
seed or locale is drawn from faker itself (``core.seeding.person_names``). A test checks the
stored names against faker, so an upgrade that changes them is caught; regenerate with
``python -m emulators.core.seed_names > emulators/core/seed_names.py``.
"""

from __future__ import annotations

COUNT = 40
"""Names stored per (locale, seed): what one seed history uses (``core.seeding``)."""

KEYS: tuple[tuple[str, int], ...] = (("cs_CZ", 0), ("en_AU", 0), ("en_US", 0))
"""The (locale, seed) pairs the vendors' default worlds use (seed 0: ``telemock serve``)."""

STORED: dict[tuple[str, int], tuple[str, ...]] = {
    # @generated from faker (see the module docstring)
    ('cs_CZ', 0): (
        'Renata Beranová',
        'Zikmund Mašek',
        'Magdaléna Nováková',
        'Ladislav Pokorný',
        'Hubert Vítek',
        'Marcel Prokop',
        'MVDr. Františka Králová',
        'Ctirad Tichý',
        'Drahoslav Liška',
        'Karel Říha',
        'Marian Bláha',
        'Alexandra Čechová',
        'Patricie Urbanová',
        'Adéla Strnadová',
        'Pavel Jelínek Ph.D.',
        'Bohumila Horáková',
        'Judita Jarošová',
        'Evelína Procházková',
        'Daniel Kratochvíl',
        'Věra Černá',
        'Milan Urban',
        'Pavel Růžička',
        'Mikuláš Musil',
        'Roman Kratochvíl',
        'Ludmila Horáčková',
        'Jonáš Beran',
        'Květoslava Němečková',
        'František Fišer',
        'Daniela Tůmová',
        'Žaneta Tichá',
        'Matěj Pospíšil',
        'Jolana Švecová',
        'Renata Slavíková',
        'Štefan Štěpánek',
        'Mária Burešová',
        'Erik Pavlíček',
        'Milada Horáková',
        'Matyáš Doležal',
        'Nina Havlíčková',
        'Bořivoj Čermák',
    ),
    ('en_AU', 0): (
        'Norma Fisher',
        'Jorge Sullivan',
        'Elizabeth Woods',
        'Susan Wagner',
        'Peter Montgomery',
        'Theodore Mcgrath',
        'Stephanie Collins',
        'Stephanie Sutton',
        'Brian Hamilton',
        'Susan Levy',
        'Sean Green',
        'Kimberly Smith',
        'Jennifer Summers',
        'April Snyder',
        'Dana Nguyen',
        'Cheryl Bradley',
        'Walter Pratt',
        'Bobby Flores',
        'Tasha Rodriguez',
        'Michelle Kelley',
        'Kimberly Maynard',
        'Laurie Wallace',
        'Janice Johnston',
        'Collin Lopez',
        'Mary Alvarez',
        'Peter Mcdowell',
        'Sarah Villanueva',
        'Kimberly Myers',
        'Desiree Cain',
        'Stephanie Lawrence',
        'Lauren Hayes',
        'Whitney Stark',
        'Angela Salazar',
        'Mr. Ryan Sanchez',
        'Autumn Robinson',
        'Faith Cabrera',
        'Charles Wolfe',
        'Kenneth Kent',
        'Melanie Johnson',
        'Lisa Johnston',
    ),
    ('en_US', 0): (
        'Norma Fisher',
        'Jorge Sullivan',
        'Elizabeth Woods',
        'Susan Wagner',
        'Peter Montgomery',
        'Theodore Mcgrath',
        'Stephanie Collins',
        'Stephanie Sutton',
        'Brian Hamilton',
        'Susan Levy',
        'Sean Green',
        'Kimberly Smith',
        'Jennifer Summers',
        'April Snyder',
        'Dana Nguyen',
        'Cheryl Bradley',
        'Walter Pratt',
        'Bobby Flores',
        'Tasha Rodriguez',
        'Michelle Kelley',
        'Kimberly Maynard',
        'Laurie Wallace',
        'Janice Johnston',
        'Collin Lopez',
        'Mary Alvarez',
        'Peter Mcdowell',
        'Sarah Villanueva',
        'Kimberly Myers',
        'Desiree Cain',
        'Stephanie Lawrence',
        'Lauren Hayes',
        'Whitney Stark',
        'Angela Salazar',
        'Mr. Ryan Sanchez',
        'Autumn Robinson',
        'Faith Cabrera',
        'Charles Wolfe',
        'Kenneth Kent',
        'Melanie Johnson',
        'Lisa Johnston',
    ),
}


def draw(locale: str, seed: int, count: int) -> tuple[str, ...]:
    """The first ``count`` names faker draws for ``locale`` seeded with ``seed`` (imports faker)."""
    from faker import Faker
    fake = Faker(locale, providers=["faker.providers.person"])  # only names: fast
    fake.seed_instance(seed)
    return tuple(fake.name() for _ in range(count))


def _source() -> str:
    """This module's text with ``STORED`` drawn afresh from the installed faker."""
    with open(__file__, encoding="utf-8") as fh:
        text = fh.read()
    head, rest = text.split("STORED: dict", 1)
    tail = rest.split("\n}\n", 1)[1]
    lines = ["STORED: dict[tuple[str, int], tuple[str, ...]] = {",
             "    # @generated from faker (see the module docstring)"]
    for locale, seed in KEYS:
        lines.append(f"    ({locale!r}, {seed}): (")
        lines += [f"        {name!r}," for name in draw(locale, seed, COUNT)]
        lines.append("    ),")
    return head + "\n".join(lines) + "\n}\n" + tail


if __name__ == "__main__":
    print(_source(), end="")
