"""The one money formatter: amounts are unrounded Decimals everywhere else, rounded half-up to the currency's minor
unit once, here, when they are shown (pages), serialised (API) or exported (CSV).

- round_money(value, currency) -> Decimal   half-up to the currency's minor unit (cents for EUR; none for JPY)
- money_plain(value, currency) -> str       "12345.67": the API's and the CSV exports' form (no grouping)
- money(value, currency) -> str             "12,345.67 EUR": the pages' form
None stays None (money_plain) or becomes "—" (money): a figure that is not defined (EAC without a CPI).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

# ISO 4217 minor units that are not 2 (the currencies a studio is likely to bill in).
MINOR_UNITS = {
    "BIF": 0,
    "CLP": 0,
    "ISK": 0,
    "JPY": 0,
    "KRW": 0,
    "PYG": 0,
    "UGX": 0,
    "VND": 0,
    "XAF": 0,
    "XOF": 0,
    "BHD": 3,
    "IQD": 3,
    "JOD": 3,
    "KWD": 3,
    "LYD": 3,
    "OMR": 3,
    "TND": 3,
}
EM_DASH = "—"


def minor_unit(currency: str) -> int:
    return MINOR_UNITS.get((currency or "").upper(), 2)


def round_money(value: Decimal | int | str, currency: str) -> Decimal:
    """`value` rounded half-up to the currency's minor unit (12.345 EUR -> 12.35; -12.345 -> -12.35)."""
    places = minor_unit(currency)
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise ValueError(f"{value!r} is not an amount") from None
    return amount.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP) + 0  # + 0: never "-0.00"


def money_plain(value, currency: str) -> str | None:
    """The rounded amount as a plain string ("-1234.50"), None for None."""
    if value is None:
        return None
    return f"{round_money(value, currency):f}"


def money(value, currency: str) -> str:
    """The rounded amount with thousands separators and the currency code: "12,345.67 EUR"; "—" for None."""
    if value is None:
        return EM_DASH
    return f"{round_money(value, currency):,f} {currency}"


def ratio(value: Decimal | None, places: int = 2) -> str:
    """A ratio (CPI) shown half-up to `places`: "0.95"; "—" when undefined."""
    if value is None:
        return EM_DASH
    return f"{Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP):f}"
