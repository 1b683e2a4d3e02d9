"""Turning text into search terms, per language, the same way for documents and queries.

Russian and English words are stemmed with the Snowball algorithms (the same ones PostgreSQL's
`russian` and `english` configurations use), so "леопарды" and "леопардов" both become
"леопард". Chinese is written without spaces, so it is cut into overlapping character bigrams
("东北豹" → "东北", "北豹"): a two-character word then matches wherever it stands in a sentence,
and a query of several characters matches as a phrase of bigrams.
"""

import html
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer
from django.utils.safestring import mark_safe

# Longer queries are cut: nobody types more, and each word costs the engine work.
MAX_QUERY_LENGTH = 200
MAX_QUERY_CLAUSES = 12

# CJK Unified Ideographs, extension A and the compatibility block: the characters that
# Simplified Chinese text is written in.
CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_RUN = re.compile(f"[{CJK}]+")
# A run of letters or digits that is not Chinese; "_" counts as punctuation here.
WORD = re.compile(f"(?:(?![{CJK}])[^\\W_])+")
TOKEN = re.compile(f"[{CJK}]+|(?:(?![{CJK}])[^\\W_])+")
CYRILLIC = re.compile("[а-яё]")

# Words too common to narrow a search: a query drops them (PostgreSQL drops them from
# documents too); a query of nothing but such words keeps them.
STOP_WORDS = {
    "ru": {
        "и",
        "в",
        "во",
        "не",
        "что",
        "он",
        "на",
        "я",
        "с",
        "со",
        "как",
        "а",
        "то",
        "все",
        "она",
        "так",
        "его",
        "но",
        "да",
        "ты",
        "к",
        "у",
        "же",
        "вы",
        "за",
        "бы",
        "по",
        "только",
        "ее",
        "её",
        "мне",
        "было",
        "вот",
        "от",
        "меня",
        "еще",
        "ещё",
        "нет",
        "о",
        "из",
        "ему",
        "теперь",
        "когда",
        "даже",
        "ну",
        "вдруг",
        "ли",
        "если",
        "уже",
        "или",
        "ни",
        "быть",
        "был",
        "него",
        "до",
        "вас",
        "нибудь",
        "опять",
        "уж",
        "вам",
        "ведь",
        "там",
        "потом",
        "себя",
        "ничего",
        "ей",
        "может",
        "они",
        "тут",
        "где",
        "есть",
        "надо",
        "ней",
        "для",
        "мы",
        "тебя",
        "их",
        "чем",
        "была",
        "сам",
        "чтоб",
        "без",
        "будто",
        "чего",
        "раз",
        "тоже",
        "себе",
        "под",
        "будет",
        "ж",
        "тогда",
        "кто",
        "этот",
        "того",
        "потому",
        "этого",
        "какой",
        "совсем",
        "ним",
        "здесь",
        "этом",
        "один",
        "почти",
        "мой",
        "тем",
        "чтобы",
        "нее",
        "неё",
        "сейчас",
        "были",
        "куда",
        "зачем",
        "всех",
        "никогда",
        "можно",
        "при",
        "наконец",
        "два",
        "об",
        "другой",
        "хоть",
        "после",
        "над",
        "больше",
        "тот",
        "через",
        "эти",
        "нас",
        "про",
        "всего",
        "них",
        "какая",
        "много",
        "разве",
        "три",
        "эту",
        "моя",
        "впрочем",
        "хорошо",
        "свою",
        "этой",
        "перед",
        "иногда",
        "лучше",
        "чуть",
        "том",
        "нельзя",
        "такой",
        "им",
        "более",
        "всегда",
        "конечно",
        "всю",
        "между",
    },
    "en": {
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "but",
        "by",
        "for",
        "from",
        "has",
        "have",
        "he",
        "her",
        "his",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "me",
        "my",
        "no",
        "not",
        "of",
        "on",
        "or",
        "our",
        "she",
        "so",
        "than",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "to",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "who",
        "will",
        "with",
        "you",
        "your",
    },
}


@dataclass(frozen=True)
class Clause:
    """One part of a query: a word's stem, or a phrase of Chinese bigrams (all must match)."""

    terms: tuple[str, ...]
    text: str  # what the visitor typed for this part, for highlighting

    @property
    def is_phrase(self):
        return len(self.terms) > 1


@lru_cache(maxsize=4)
def _stemmer(name):
    return snowballstemmer.stemmer(name)


def normalize(text):
    """Compatibility forms folded (full-width Latin, ligatures), lower case, ё as е."""
    return unicodedata.normalize("NFKC", text or "").casefold().replace("ё", "е")


@lru_cache(maxsize=50_000)
def stem(word, language):
    """A normalised word's stem as PostgreSQL's configuration for `language` would make it.

    Russian text: Cyrillic words by the Russian stemmer, Latin ones by the English stemmer (as
    the `russian` configuration does). English text: the English stemmer. Chinese text and
    other languages: the word unchanged (the `simple` configuration).
    """
    if language == "ru":
        return _stemmer("russian" if CYRILLIC.search(word) else "english").stemWord(word)
    if language == "en":
        return _stemmer("english").stemWord(word)
    return word


def bigrams(run):
    """Overlapping pairs of characters; a single character stands for itself."""
    if len(run) == 1:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)]


def document_terms(text, language):
    """The text a full-text index tokenises for a document: stems, Chinese bigrams.

    Chinese characters also appear once each as single-character terms at the end, so a query
    of one character (豹) finds them; they come after the bigrams so phrase positions of the
    bigrams stay adjacent.
    """
    text = normalize(text)
    terms = []
    characters = []
    for match in TOKEN.finditer(text):
        token = match.group()
        if CJK_RUN.fullmatch(token):
            terms.extend(bigrams(token))
            characters.extend(token)
        else:
            terms.append(stem(token, language))
    if characters:
        terms.extend(dict.fromkeys(characters))
    return " ".join(terms)


def clean_query(query):
    """The query as the engines see it: stripped, shortened, control characters removed."""
    query = "".join(ch for ch in (query or "") if unicodedata.category(ch)[0] != "C" or ch == " ")
    return " ".join(query.split())[:MAX_QUERY_LENGTH]


def query_clauses(query, language):
    """The clauses of a query, every one of which a document must match.

    Syntax characters (quotes, *, :, &, |, !, brackets) are not words, so they never reach an
    engine's query parser.
    """
    clauses = []
    for match in TOKEN.finditer(normalize(clean_query(query))):
        token = match.group()
        if CJK_RUN.fullmatch(token):
            clauses.append(Clause(tuple(bigrams(token)), token))
        else:
            clauses.append(Clause((stem(token, language),), token))
    stop_words = STOP_WORDS.get(language, set())
    meaningful = [clause for clause in clauses if clause.text not in stop_words]
    clauses = meaningful or clauses
    return list(dict.fromkeys(clauses))[:MAX_QUERY_CLAUSES]


# Snippets and highlighting ---------------------------------------------------------------


def match_spans(text, clauses, language):
    """(start, end) of every place in `text` that a clause matches, in order."""
    if not text or not clauses:
        return []
    normalized = normalize(text)
    if len(normalized) != len(text):  # a fold changed lengths: positions would not line up
        normalized = text.lower()
    stems = {clause.terms[0] for clause in clauses if not CJK_RUN.fullmatch(clause.text)}
    runs = [clause.text for clause in clauses if CJK_RUN.fullmatch(clause.text)]
    spans = []
    if stems:
        for match in WORD.finditer(normalized):
            if stem(match.group(), language) in stems:
                spans.append(match.span())
    for run in runs:
        start = normalized.find(run)
        while start != -1:
            spans.append((start, start + len(run)))
            start = normalized.find(run, start + len(run))
    spans.sort()
    merged = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def highlight(text, clauses, language, *, max_length=None, lead=60):
    """HTML of `text` (or an excerpt around its first match) with matches in <mark>.

    Everything but our own <mark> is escaped, whatever the text holds.
    """
    text = " ".join((text or "").split())
    spans = match_spans(text, clauses, language)
    start, end = 0, len(text)
    if max_length and len(text) > max_length:
        if spans:
            start = max(0, spans[0][0] - lead)
            if start:  # begin at a word boundary, not inside a word
                space = text.find(" ", start, spans[0][0])
                start = space + 1 if space != -1 else start
        end = min(len(text), start + max_length)
        if end < len(text):
            space = text.rfind(" ", start + max_length // 2, end)
            end = space if space != -1 else end
    parts = ["…" if start else ""]
    position = start
    for span_start, span_end in spans:
        if span_end <= start or span_start >= end:
            continue
        span_start, span_end = max(span_start, start), min(span_end, end)
        parts.append(html.escape(text[position:span_start]))
        parts.append(f"<mark>{html.escape(text[span_start:span_end])}</mark>")
        position = span_end
    parts.append(html.escape(text[position:end]))
    parts.append("…" if end < len(text) else "")
    return mark_safe("".join(parts))
