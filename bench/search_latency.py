"""Search latency of the database engine on PostgreSQL: 10,000 documents per language.

    .venv/bin/python bench/search_latency.py [--documents 10000] [--rounds 5]

Uses its own database (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/h_search_bench,
created when missing), migrates it, fills the index through the engine's rebuild with generated
park texts in Russian, English and Chinese (words drawn with a Zipf-like skew, so common words
match thousands of documents), then times the search service as the search page calls it
(facet counts, one ranked page, highlighted snippets) for a mix of queries: common and rare
words, inflected forms, two-word queries, Chinese words inside sentences, type filters, a second
page and queries that find nothing; and the autocomplete. Writes p50/p95 to docs/benchmarks.md.
Goal (issue 9): p95 under 50 ms.
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/h_search_bench"

RU_WORDS = [
    "леопард",
    "леопарды",
    "леопардов",
    "леопарда",
    "леопардом",
    "тигр",
    "тигры",
    "тигров",
    "тигрица",
    "котята",
    "котят",
    "фотоловушка",
    "фотоловушки",
    "фотоловушек",
    "тропа",
    "тропы",
    "маршрут",
    "инспектор",
    "инспекторы",
    "патруль",
    "патрули",
    "браконьер",
    "браконьеры",
    "парк",
    "парка",
    "национальный",
    "заповедник",
    "кедровая",
    "падь",
    "тайга",
    "тайге",
    "копытные",
    "подкормка",
    "зима",
    "зимой",
    "снег",
    "следы",
    "след",
    "олень",
    "косуля",
    "кабан",
    "учёт",
    "учёта",
    "популяция",
    "граница",
    "китай",
    "сотрудничество",
    "соглашение",
    "экологический",
    "туризм",
    "школьники",
    "экскурсия",
    "волонтёры",
    "пожар",
    "пожары",
    "лес",
    "леса",
    "гора",
    "буслэнко",
    "барабаш",
    "визит-центр",
    "тоннель",
    "нарвинский",
    "дорога",
    "наблюдение",
    "мониторинг",
    "исследование",
    "детёныш",
    "самка",
    "самец",
    "территория",
    "охрана",
]
EN_WORDS = [
    "leopard",
    "leopards",
    "tiger",
    "tigers",
    "tigress",
    "cub",
    "cubs",
    "camera",
    "cameras",
    "trap",
    "traps",
    "trail",
    "trails",
    "route",
    "ranger",
    "rangers",
    "patrol",
    "patrols",
    "poacher",
    "poachers",
    "park",
    "national",
    "reserve",
    "kedrovaya",
    "pad",
    "forest",
    "taiga",
    "ungulates",
    "feeding",
    "winter",
    "snow",
    "tracks",
    "track",
    "deer",
    "boar",
    "survey",
    "counting",
    "population",
    "border",
    "china",
    "cooperation",
    "agreement",
    "ecological",
    "tourism",
    "pupils",
    "excursion",
    "volunteers",
    "fire",
    "fires",
    "woods",
    "mountain",
    "buslenko",
    "barabash",
    "visitor",
    "centre",
    "tunnel",
    "narvinsky",
    "road",
    "monitoring",
    "monitored",
    "research",
    "female",
    "male",
    "territory",
    "protection",
    "recorded",
    "sighting",
]
ZH_WORDS = [
    "东北豹",
    "老虎",
    "东北虎",
    "幼崽",
    "红外相机",
    "相机",
    "步道",
    "路线",
    "巡护员",
    "巡护",
    "偷猎者",
    "公园",
    "国家公园",
    "保护区",
    "森林",
    "冬季",
    "投喂",
    "有蹄类",
    "雪地",
    "足迹",
    "梅花鹿",
    "野猪",
    "调查",
    "种群",
    "边境",
    "中国",
    "俄罗斯",
    "合作",
    "协议",
    "生态",
    "旅游",
    "学生",
    "参观",
    "志愿者",
    "火灾",
    "山",
    "游客中心",
    "隧道",
    "道路",
    "监测",
    "研究",
    "雌性",
    "雄性",
    "领地",
    "保护",
]
FILLER = {
    "ru": ["и", "в", "на", "с", "по", "о", "для", "что", "это", "как"],
    "en": ["the", "and", "of", "in", "on", "for", "with", "a", "to", "from"],
    "zh-hans": ["的", "在", "和", "了", "是", "我们", "一个", "这里"],
}
TYPES = ["cms.storypage", "cms.standardpage", "wildlife.sighting", "education.material"]
QUERIES = {
    "ru": [
        "леопард",
        "леопардов",
        "тигрица",
        "фотоловушки",
        "тропа леопарда",
        "инспекторы патруль",
        "буслэнко",
        "нарвинский тоннель",
        "котята леопарда зимой",
        "снежный барс",
        '"леопард" & (тигр)',
    ],
    "en": [
        "leopard",
        "leopards",
        "monitoring",
        "camera traps",
        "leopard trail",
        "rangers patrol",
        "buslenko",
        "narvinsky tunnel",
        "cubs recorded in winter",
        "snow leopard",
        "tiger*: |",
    ],
    "zh-hans": [
        "东北豹",
        "豹",
        "红外相机",
        "保护区",
        "巡护员",
        "游客中心",
        "隧道",
        "老虎 幼崽",
        "雪豹",
        "东北豹 冬季 投喂",
    ],
}
AUTOCOMPLETE = {
    "ru": ["лео", "фотол", "тро"],
    "en": ["leo", "camer", "tra"],
    "zh-hans": ["东北", "红外", "保护"],
}


def ensure_database(url):
    """Create the bench's own database on the server if it is not there yet."""
    import psycopg

    name = url.rsplit("/", 1)[1]
    server = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(server, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')


def zipf_choice(rng, words):
    # Low ranks far more often than high ones: a few words in thousands of documents.
    index = min(int(rng.paretovariate(1.1)) - 1, len(words) - 1)
    return words[index]


def sentence(rng, language, words, length):
    picked = [
        zipf_choice(rng, words) if rng.random() < 0.6 else rng.choice(FILLER[language])
        for _ in range(length)
    ]
    if language == "zh-hans":
        return "".join(picked) + "。"
    return " ".join(picked).capitalize() + "."


def generated_sources(count, seed=9):
    from search import Document

    rng = random.Random(seed)
    vocabularies = {"ru": RU_WORDS, "en": EN_WORDS, "zh-hans": ZH_WORDS}

    def records():
        for number in range(count):
            type_ = TYPES[number % len(TYPES)]
            documents = []
            for language, words in vocabularies.items():
                title = sentence(rng, language, words, rng.randint(2, 6)).rstrip(".。")
                body = " ".join(
                    sentence(rng, language, words, rng.randint(6, 16))
                    for _ in range(rng.randint(3, 10))
                )
                documents.append(
                    Document(
                        language=language,
                        title=title,
                        body=body,
                        url=f"/{language}/bench/{number}/",
                        type=type_,
                    )
                )
            yield str(number), documents

    yield "bench", count, records()


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def timed(function, *args, **kwargs):
    started = time.perf_counter()
    function(*args, **kwargs)
    return (time.perf_counter() - started) * 1000


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=10_000, help="documents per language")
    parser.add_argument("--rounds", type=int, default=5, help="times each query runs")
    args = parser.parse_args()

    url = os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE)
    if not url.startswith("postgres"):
        sys.exit("search_latency measures PostgreSQL: set DATABASE_URL to a postgres:// URL")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    os.environ["ELASTICSEARCH_URL"] = ""
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["DEBUG"] = "true"  # the embedded settings; DEBUG's query log is cleared below
    sys.path.insert(0, str(BASE_DIR))
    ensure_database(url)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, reset_queries

    from search import services
    from search.engines import get_engine

    call_command("migrate", verbosity=0, interactive=False)
    engine = get_engine()
    print(f"Indexing {args.documents} documents per language into {url} …", flush=True)
    started = time.perf_counter()
    engine.rebuild(generated_sources(args.documents))
    indexing = time.perf_counter() - started
    with connection.cursor() as cursor:
        # What autovacuum does soon after a rebuild: the old rows' space back, fresh statistics.
        cursor.execute("VACUUM ANALYZE search_indexentry")
        cursor.execute("SELECT count(*) FROM search_indexentry")
        (entries,) = cursor.fetchone()

    def run_search(query, language, **kwargs):
        services.search(query, language, **kwargs)
        reset_queries()

    cases = []
    for language, queries in QUERIES.items():
        for query in queries:
            cases.append((language, query, {}))
        cases.append((language, queries[0], {"types": ["cms.storypage"]}))
        cases.append((language, queries[0], {"page": 2}))
    for language, query, kwargs in cases:  # warm the caches, as a running site has them
        run_search(query, language, **kwargs)

    load = os.getloadavg()[0]  # other work on the machine shows in the figures
    timings = {language: [] for language in QUERIES}
    matches = {}
    for _round in range(args.rounds):
        for language, query, kwargs in cases:
            timings[language].append(timed(run_search, query, language, **kwargs))
    for language, query, _kwargs in cases:
        matches[(language, query)] = services.search(query, language).total
    suggest = []
    for _round in range(args.rounds):
        for language, prefixes in AUTOCOMPLETE.items():
            for prefix in prefixes:
                suggest.append(timed(services.autocomplete, prefix, language))
                reset_queries()

    everything = [value for values in timings.values() for value in values]
    rows = [*list(timings.items()), ("all searches", everything), ("autocomplete", suggest)]
    table = [
        "| queries | runs | p50 | p95 | max |",
        "|---|---:|---:|---:|---:|",
        *(
            f"| {name} | {len(values)} | {statistics.median(values):.1f} ms "
            f"| {percentile(values, 0.95):.1f} ms | {max(values):.1f} ms |"
            for name, values in rows
        ),
    ]
    p95 = percentile(everything, 0.95)
    busiest = max(matches.items(), key=lambda item: item[1])
    from _report import machine, write_section

    command = ".venv/bin/python bench/search_latency.py"
    if args.documents != 10_000 or args.rounds != 5:
        command += f" --documents {args.documents} --rounds {args.rounds}"
    markdown = "\n".join(
        [
            "## Search latency (database engine, PostgreSQL)",
            "",
            f"`{command}` (PostgreSQL {connection.pg_version // 10000}, database "
            f"`{connection.settings_dict['NAME']}`; {machine()})",
            "",
            f"{args.documents:,} generated documents per language ({entries:,} index entries), "
            f"indexed by the engine's rebuild in {indexing:.1f} s. Each run is one call of "
            "`search.services.search` as the search page makes it: facet counts, one ranked "
            "page of 10, highlighted snippets. Mixed queries: common and rare words, inflected "
            "forms, several words, Chinese words inside sentences, a type filter, page 2, syntax "
            f"characters, queries that find nothing; the busiest (`{busiest[0][1]}`, "
            f"{busiest[0][0]}) matches {busiest[1]:,} documents.",
            "",
            *table,
            "",
            f"Goal: p95 under 50 ms — {'met' if p95 < 50 else 'NOT met'} ({p95:.1f} ms). "
            f"Load average when timing began: {load:.1f} on {os.cpu_count()} cores "
            "(other processes on the machine count: compare runs at similar load).",
        ]
    )
    write_section("search_latency", markdown)
    print(markdown)


if __name__ == "__main__":
    main()
