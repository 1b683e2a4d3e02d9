"""Money in minor units (kopecks, cents, fen) and its display in the visitor's language.

Amounts are integers everywhere in the portal; only this module turns them into text.
"""

from django.utils import translation

# ISO 4217 code -> exponent (digits after the decimal point). Stripe uses the same exponents
# for these four; a currency with another exponent (JPY 0) needs only a line here.
CURRENCIES = {"RUB": 2, "USD": 2, "EUR": 2, "CNY": 2}

# Symbol and where it goes, per language, after CLDR's patterns for ru, en and zh-Hans, with
# one choice of ours: the rouble is "₽" in every language. CLDR's zh-Hans has no rouble symbol
# and writes "RUB 500"; a Chinese visitor reads "₽500" as easily as a price tag in the park, and
# it is what the booking form's running total (Intl.NumberFormat, narrowSymbol) shows.
_SYMBOLS = {
    "ru": {"RUB": "₽", "USD": "$", "EUR": "€", "CNY": "CN¥"},
    "en": {"RUB": "₽", "USD": "$", "EUR": "€", "CNY": "CN¥"},
    "zh-hans": {"RUB": "₽", "USD": "US$", "EUR": "€", "CNY": "¥"},
}
_SYMBOL_AFTER = {"ru"}
NBSP = "\xa0"
# (decimal separator, grouping separator); a no-break space keeps "1 500 ₽" on one line.
_SEPARATORS = {"ru": (",", NBSP), "en": (".", ","), "zh-hans": (".", ",")}


class CurrencyError(ValueError):
    pass


def normalise_currency(currency):
    code = (currency or "").upper()
    if code not in CURRENCIES:
        raise CurrencyError(f"unsupported currency {currency!r}; supported: {sorted(CURRENCIES)}")
    return code


def exponent(currency):
    return CURRENCIES[normalise_currency(currency)]


def _shown_language(language):
    language = (language or translation.get_language() or "ru").lower()
    if language in _SYMBOLS:
        return language
    return "ru" if language.startswith("ru") else "zh-hans" if language.startswith("zh") else "en"


def currency_symbol(currency, language=None):
    """The sign amounts in `currency` carry in `language` ("₽", "$", "US$"), as format_amount
    writes them: for labels such as "Other amount (₽)"."""
    return _SYMBOLS[_shown_language(language)][normalise_currency(currency)]


def format_amount(amount_minor, currency, language=None):
    """'1 500 ₽' in Russian, '₽1,500' in English and Chinese, 'US$12.50' in Chinese.

    The one helper for amounts, on pages and in e-mails alike (templates: `|money:currency`).

    Whole amounts are shown without decimals, the way ticket prices and donation amounts are
    usually written; other amounts show all of the currency's decimals.
    """
    code = normalise_currency(currency)
    digits = CURRENCIES[code]
    language = _shown_language(language)
    decimal_separator, group_separator = _SEPARATORS[language]
    whole, fraction = divmod(abs(int(amount_minor)), 10**digits)
    text = f"{whole:,}".replace(",", group_separator)
    if fraction:
        text += f"{decimal_separator}{fraction:0{digits}d}"
    symbol = _SYMBOLS[language][code]
    if language in _SYMBOL_AFTER:
        text = f"{text}{NBSP}{symbol}"
    elif symbol.isalpha():
        text = f"{symbol}{NBSP}{text}"
    else:
        text = f"{symbol}{text}"
    return f"-{text}" if amount_minor < 0 else text


def major_to_minor(amount, currency):
    """Decimal('12.50') -> 1250; refuses more decimals than the currency has."""
    digits = exponent(currency)
    scaled = amount * (10**digits)
    if scaled != int(scaled):
        raise CurrencyError(f"{amount} has more than {digits} decimals")
    return int(scaled)


def minor_to_major(amount_minor, currency):
    from decimal import Decimal

    return Decimal(amount_minor).scaleb(-exponent(currency))
