"""No input makes Python crash: mutated catalog files either load or raise a ChipModelError."""

from __future__ import annotations

import random
from pathlib import Path

import chipmodel
from conftest import GOOD_CHIP, SOURCES


def mutations(text: str, n: int, seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    tokens = ["", "-", "0", "nan", "inf", "1e308", "-1e308", '"', "[", "]", "{", "}", "=", "\n", "x", "é", "\x00", "9" * 400]
    out = []
    for _ in range(n):
        chars = list(text)
        for _ in range(rng.randint(1, 4)):
            i = rng.randrange(len(chars))
            op = rng.random()
            if op < 0.4:
                del chars[i : i + rng.randint(1, 12)]
            elif op < 0.8:
                chars[i:i] = list(rng.choice(tokens))
            else:
                j = rng.randrange(len(chars))
                chars[i], chars[j] = chars[j], chars[i]
        out.append("".join(chars))
    return out


def test_mutated_files_load_or_raise_chipmodel_errors(tmp_path: Path) -> None:
    path = tmp_path / "fuzz.toml"
    loaded = failed = 0
    for text in mutations(SOURCES + GOOD_CHIP, 400):
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        try:
            chipmodel.load_catalog(path)
            loaded += 1
        except chipmodel.ChipModelError as err:
            assert str(err), "every error has a message"
            failed += 1
    assert loaded + failed == 400 and failed > 300
