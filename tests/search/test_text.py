"""How text becomes search terms, and how matches are highlighted."""

from search import text


def test_russian_words_are_stemmed_and_english_words_in_russian_text_too():
    assert text.document_terms("Леопарды, леопардов; Trails!", "ru") == "леопард леопард trail"
    assert text.document_terms("Ёлка", "ru") == text.document_terms("елка", "ru")


def test_chinese_is_cut_into_bigrams_then_single_characters():
    assert text.bigrams("东北豹") == ["东北", "北豹"]
    assert text.document_terms("东北豹 Leo 45F", "zh-hans") == "东北 北豹 leo 45f 东 北 豹"


def test_query_syntax_never_reaches_an_engine():
    clauses = text.query_clauses('"леопард*" & (тигр) | !NEAR: 东北豹', "ru")
    assert [clause.terms for clause in clauses] == [
        ("леопард",),
        ("тигр",),
        ("near",),
        ("东北", "北豹"),
    ]


def test_stop_words_are_dropped_unless_the_query_is_nothing_else():
    assert [c.text for c in text.query_clauses("леопард и тигр", "ru")] == ["леопард", "тигр"]
    assert [c.text for c in text.query_clauses("the", "en")] == ["the"]


def test_queries_are_cleaned_and_shortened():
    assert text.clean_query("  a\x00b \t c\n") == "ab c"
    assert len(text.clean_query("л" * 5000)) == text.MAX_QUERY_LENGTH
    assert len(text.query_clauses(" ".join(f"w{n}" for n in range(50)), "en")) == 12


def test_highlight_marks_inflected_forms_and_escapes_the_rest():
    clauses = text.query_clauses("леопард", "ru")
    html = text.highlight("<b>Леопарды</b> & леопардов", clauses, "ru")
    assert html == "&lt;b&gt;<mark>Леопарды</mark>&lt;/b&gt; &amp; <mark>леопардов</mark>"


def test_highlight_cuts_an_excerpt_around_the_first_match():
    body = "Лес. " * 100 + "Здесь живёт леопард. " + "Тайга. " * 100
    html = text.highlight(body, text.query_clauses("леопард", "ru"), "ru", max_length=120)
    assert html.startswith("…") and html.endswith("…")
    assert "<mark>леопард</mark>" in html
    assert len(html) < 160


def test_highlight_finds_chinese_words_inside_sentences():
    clauses = text.query_clauses("东北豹", "zh-hans")
    assert (
        text.highlight("拍到了东北豹和老虎", clauses, "zh-hans")
        == "拍到了<mark>东北豹</mark>和老虎"
    )
