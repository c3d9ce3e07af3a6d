"""The lower layers import nothing from the layers above them: the TR-069 mapping and the OLT
parsers use the display formats (a leaf module) but nothing of the stats service; the cache and
the rate limiter raise the product's errors without the HTTP layer; the OLT screen takes its
field lists from below the TR-069 areas, not from them."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_layering import PACKAGE, _imports, _module_name


def _deps(path: Path) -> set[str]:
    return _imports(path, _module_name(path))


@pytest.mark.parametrize("package", ["tr069", "olt"])
def test_mapping_and_olt_import_nothing_from_stats(package: str) -> None:
    for path in sorted((PACKAGE / package).rglob("*.py")):
        upward = {d for d in _deps(path) if d == "ponapi.stats" or d.startswith("ponapi.stats.")}
        assert not upward, f"{_module_name(path)} imports {sorted(upward)}"


def test_display_formats_are_a_leaf_module() -> None:
    deps = _deps(PACKAGE / "display.py")
    assert deps <= {"ponapi.errors"}, sorted(deps)


@pytest.mark.parametrize("name", ["ratelimit.py", "cache.py"])
def test_cache_and_rate_limiter_import_nothing_from_the_api(name: str) -> None:
    deps = _deps(PACKAGE / name)
    assert not {d for d in deps if d == "ponapi.api" or d.startswith("ponapi.api.")}, deps


def test_olt_platforms_import_no_tr069_area_module() -> None:
    for path in sorted((PACKAGE / "olt").rglob("*.py")):
        areas = {d for d in _deps(path) if d.startswith("ponapi.tr069.areas")}
        assert not areas, f"{_module_name(path)} imports {sorted(areas)}"


async def test_rate_limit_raises_the_products_error_type() -> None:
    from ponapi import errors, ratelimit

    class Full:
        async def incr(self, key: str, ttl: float, amount: int = 1) -> int:
            return 99

    with pytest.raises(errors.ApiError) as caught:
        await ratelimit.check(Full(), "k", 1)  # type: ignore[arg-type]
    assert caught.value.code is errors.ErrorCode.RATE_LIMITED
    assert int(caught.value.headers["Retry-After"]) >= 1
