"""Demonstration content for schools: materials in three languages, their PDFs, and events.

Facts come from shared/FACTS.md; the lessons' wording, the events' dates and places are invented
for the demonstration and say so. Every step finds what it made before, so a second run of
`load_demo` changes nothing.
"""

import datetime
import io
import re
import zoneinfo
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from PIL import Image, ImageDraw, ImageFont
from wagtail.documents import get_document_model

from cms.demo import demo_collection, tr, upsert_page
from education.models import (
    AgeBand,
    EducationIndexPage,
    EventIndexPage,
    EventKind,
    EventPage,
    ResourceFile,
    ResourceFormat,
    ResourcePage,
    Subject,
)

FONT_PATHS = [
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
]
DEMO_NOTE = {
    "ru": "Демонстрационный материал: текст написан для примера.",
    "en": "Demonstration material: the text is written as an example.",
    "zh-hans": "演示材料：文字仅为示例。",
}


def _font(size):
    for path in FONT_PATHS:
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default(size=size)


# Each CJK character is a place to break a line; other text breaks between words.
WRAP_UNITS = re.compile(
    r"[\u2e80-\u9fff\u3000-\u303f\uff00-\uffef]|[^\s\u2e80-\u9fff\u3000-\u303f\uff00-\uffef]+|\s+"
)


def _wrap(text, font, width):
    """Lines of `text` that fit `width` pixels, in Russian, English or Chinese."""
    lines = []
    for paragraph in text.split("\n"):
        line = ""
        for unit in WRAP_UNITS.findall(paragraph):
            if font.getlength(line + unit) <= width or not line.strip():
                line += unit
            else:
                lines.append(line.rstrip())
                line = unit.lstrip()
        lines.append(line.rstrip())
    return lines


def lesson_pdf(title, paragraphs, footer):
    """A one-page A4 PDF (an image of the page, made with Pillow): small, real, no download."""
    page = Image.new("L", (827, 1169), 255)
    draw = ImageDraw.Draw(page)
    heading, body, small = _font(34), _font(21), _font(16)
    y = 70
    draw.rectangle([0, 0, 827, 24], fill=60)
    for line in _wrap(title, heading, 700):
        draw.text((64, y), line, font=heading, fill=0)
        y += 46
    y += 20
    for paragraph in paragraphs:
        for line in _wrap(paragraph, body, 700):
            draw.text((64, y), line, font=body, fill=30)
            y += 31
        y += 16
    for line in _wrap(footer, small, 700):
        draw.text((64, 1100), line, font=small, fill=90)
    buffer = io.BytesIO()
    page.save(buffer, "PDF", resolution=100, title=title, author="Land of the Leopard (demo)")
    return buffer.getvalue()


def ensure_document(title, filename, make_bytes):
    """A Wagtail document found by its title, or made once from `make_bytes()`."""
    Document = get_document_model()
    document = Document.objects.filter(title=title).first()
    if document is not None:
        return document, False
    document = Document(title=title, collection=demo_collection())
    document.file.save(filename, ContentFile(make_bytes()), save=False)
    document._set_document_file_metadata()
    document.save()
    return document, True


def ensure_taxonomy():
    bands = {}
    changed = False
    for slug, low, high, names in [
        ("5-7", 5, 7, ("5–7 лет", "Ages 5–7", "5–7岁")),
        ("7-11", 7, 11, ("7–11 лет", "Ages 7–11", "7–11岁")),
        ("11-14", 11, 14, ("11–14 лет", "Ages 11–14", "11–14岁")),
        ("14-18", 14, 18, ("14–18 лет", "Ages 14–18", "14–18岁")),
    ]:
        band, made = AgeBand.objects.update_or_create(
            slug=slug, defaults={"min_age": low, "max_age": high, **tr("name", *names)}
        )
        bands[slug] = band
        changed |= made
    subjects = {}
    for order, (slug, names) in enumerate(
        [
            ("biology", ("Биология", "Biology", "生物")),
            ("geography", ("География", "Geography", "地理")),
            ("ecology", ("Экология", "Ecology", "生态")),
            ("art", ("Изобразительное искусство", "Art", "美术")),
            ("mathematics", ("Математика", "Mathematics", "数学")),
        ]
    ):
        subject, made = Subject.objects.update_or_create(
            slug=slug, defaults={"sort_order": order, **tr("name", *names)}
        )
        subjects[slug] = subject
        changed |= made
    return bands, subjects, changed


def rich(*paragraphs):
    return [{"type": "paragraph", "value": "".join(f"<p>{p}</p>" for p in paragraphs)}]


def ensure_resource(index, spec, bands, subjects):
    """One material: its page, its age bands and subjects, and a PDF per language it has."""
    texts = spec["texts"]
    fields = {
        **tr("slug", *spec["slugs"]),
        "resource_format": spec["format"],
        "duration_minutes": spec["minutes"],
        "show_in_menus": False,
    }
    for code, suffix in (("ru", "ru"), ("en", "en"), ("zh-hans", "zh_hans")):
        text = texts.get(code)
        fields[f"title_{suffix}"] = text["title"] if text else None
        fields[f"summary_{suffix}"] = f"{text['summary']} {DEMO_NOTE[code]}" if text else ""
        fields[f"learning_goals_{suffix}"] = "\n".join(text["goals"]) if text else ""
        fields[f"body_{suffix}"] = rich(*text["body"]) if text else []
    page, changed = upsert_page(index, ResourcePage, **fields)

    wanted_bands = {bands[slug].pk for slug in spec["ages"]}
    wanted_subjects = {subjects[slug].pk for slug in spec["subjects"]}
    wanted_files = []
    for code in spec["files"]:
        text = texts[code]
        document, made = ensure_document(
            f"Demo: {spec['slugs'][1]} ({code})",
            f"{spec['slugs'][1]}-{code}.pdf",
            lambda text=text, code=code: lesson_pdf(
                text["title"], [text["summary"], *text["goals"], *text["body"]], DEMO_NOTE[code]
            ),
        )
        changed |= made
        wanted_files.append((code, document.pk, text["file_label"]))
    current_files = [(f.language, f.document_id, f.label) for f in page.files.all()]
    if (
        {band.pk for band in page.age_bands.all()} != wanted_bands
        or {subject.pk for subject in page.subjects.all()} != wanted_subjects
        or current_files != wanted_files
    ):
        page.age_bands = list(AgeBand.objects.filter(pk__in=wanted_bands))
        page.subjects = list(Subject.objects.filter(pk__in=wanted_subjects))
        page.files = [
            ResourceFile(language=code, document_id=pk, label=label)
            for code, pk, label in wanted_files
        ]
        page.save_revision().publish()
        changed = True
    return page, changed


def load(context):
    bands, subjects, changed = ensure_taxonomy()
    context.note("education: age bands and subjects", changed)
    library, changed = upsert_page(
        context.home,
        EducationIndexPage,
        **tr("slug", "shkolam", "schools", "xuexiao"),
        **tr("title", "Учителям и школам", "For teachers and schools", "教师与学校"),
        **tr(
            "intro",
            "Уроки, рабочие листы и занятия о дальневосточном леопарде, амурском тигре и их лесе — "
            "для разных возрастов и на трёх языках. Выберите возраст, предмет и язык.",
            "Lessons, worksheets and activities about the Amur leopard, the Amur tiger and their "
            "forest, for every age and in three languages. Choose an age, a subject and a language.",
            "关于远东豹、东北虎及其森林的课程、练习单和活动，适合不同年龄，提供三种语言。"
            "请选择年龄、学科和语言。",
        ),
        show_in_menus=True,
    )
    context.note("education: materials library", changed)
    for spec in RESOURCES:
        _page, changed = ensure_resource(library, spec, bands, subjects)
        context.note(f"education: {spec['slugs'][1]}", changed)

    events, changed = upsert_page(
        context.home,
        EventIndexPage,
        **tr("slug", "sobytiya", "events", "huodong"),
        **tr("title", "События", "Events", "活动"),
        **tr(
            "intro",
            "Праздники, конкурсы и встречи парка для школ и семей.",
            "The park's festivals, contests and gatherings for schools and families.",
            "公园为学校和家庭举办的节日、比赛和聚会。",
        ),
        show_in_menus=True,
    )
    context.note("education: events list", changed)
    # Next calendar year: the events stay upcoming, and the dates do not move between two runs.
    year = datetime.date.today().year + 1
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    for spec in EVENTS:
        month, day, start_hour, end_day, end_hour = spec["when"]
        start = datetime.datetime(year, month, day, start_hour, tzinfo=zone)
        end = datetime.datetime(year, month, end_day, end_hour, tzinfo=zone)
        fields = {
            **tr("slug", *spec["slugs"]),
            "kind": spec["kind"],
            "start": start,
            "end": end,
        }
        for code, suffix in (("ru", "ru"), ("en", "en"), ("zh-hans", "zh_hans")):
            text = spec["texts"][code]
            fields[f"title_{suffix}"] = text[0]
            fields[f"intro_{suffix}"] = text[1]
            fields[f"place_{suffix}"] = text[2]
            fields[f"audience_{suffix}"] = text[3]
            fields[f"how_to_take_part_{suffix}"] = f"{text[4]}\n\n{EVENT_NOTE[code]}"
        _event, changed = upsert_page(events, EventPage, **fields)
        context.note(f"education: event {spec['slugs'][1]}", changed)


EVENT_NOTE = {
    "ru": "Демонстрационное событие: дата, место и условия придуманы для примера.",
    "en": "Demonstration event: the date, place and terms are invented as an example.",
    "zh-hans": "演示活动：日期、地点和条件均为示例。",
}


def _lesson(title, summary, goals, body, file_label):
    return {
        "title": title,
        "summary": summary,
        "goals": goals,
        "body": body,
        "file_label": file_label,
    }


RESOURCES = [
    {
        "slugs": ("kto-takoy-leopard", "who-is-the-amur-leopard", "yuandongbao-shi-shui"),
        "format": ResourceFormat.LESSON_PLAN,
        "minutes": 45,
        "ages": ["7-11"],
        "subjects": ["biology"],
        "files": ["ru", "en", "zh-hans"],
        "texts": {
            "ru": _lesson(
                "Кто такой дальневосточный леопард?",
                "Урок о самой редкой большой кошке планеты: как она выглядит, где живёт и чем питается.",
                [
                    "Назвать признаки дальневосточного леопарда (Panthera pardus orientalis).",
                    "Показать на карте юго-запад Приморья.",
                    "Объяснить, почему леопардов считают по фотоловушкам.",
                ],
                [
                    "Начните с вопроса: какие большие кошки живут в России? Покажите фотографию "
                    "леопарда и тигра и попросите найти различия.",
                    "По учёту 2015 года фотоловушки зафиксировали в парке около 57 леопардов; "
                    "официальная численность в 2016 году — 80 особей. Каждого зверя узнают по "
                    "рисунку пятен и дают код, например Leo 45F.",
                ],
                "План урока",
            ),
            "en": _lesson(
                "Who is the Amur leopard?",
                "A lesson about the rarest big cat on the planet: what it looks like, where it lives and what it eats.",
                [
                    "Name the features of the Amur leopard (Panthera pardus orientalis).",
                    "Find south-west Primorye on a map.",
                    "Explain why leopards are counted with camera traps.",
                ],
                [
                    "Start with a question: which big cats live in Russia? Show a photo of a "
                    "leopard and a tiger and ask the class to find the differences.",
                    "The 2015 count recorded about 57 leopards on camera traps in the park; the "
                    "official total in 2016 was 80. Each animal is known by its spots and gets a "
                    "code such as Leo 45F.",
                ],
                "Lesson plan",
            ),
            "zh-hans": _lesson(
                "远东豹是谁？",
                "一堂关于地球上最稀有的大型猫科动物的课：它长什么样、住在哪里、吃什么。",
                [
                    "说出远东豹（Panthera pardus orientalis）的特征。",
                    "在地图上找到滨海边疆区西南部。",
                    "解释为什么用红外相机统计豹的数量。",
                ],
                [
                    "先提一个问题：俄罗斯有哪些大型猫科动物？展示豹和虎的照片，请学生找出不同之处。",
                    "2015年的调查中，红外相机在公园里记录到约57只豹；2016年官方数量为80只。"
                    "每只豹都能通过斑纹识别，并获得一个编号，例如 Leo 45F。",
                ],
                "教案",
            ),
        },
    },
    {
        "slugs": ("pyatna-kak-otpechatki", "spots-like-fingerprints", "banwen-ru-zhiwen"),
        "format": ResourceFormat.ACTIVITY,
        "minutes": 30,
        "ages": ["5-7", "7-11"],
        "subjects": ["biology", "art"],
        "files": ["ru", "en", "zh-hans"],
        "texts": {
            "ru": _lesson(
                "Пятна как отпечатки пальцев",
                "Занятие-игра: дети сравнивают рисунки пятен и узнают «своего» леопарда, как это делают учёные.",
                [
                    "Замечать различия в узорах.",
                    "Понять, как учёные узнают отдельных леопардов.",
                ],
                [
                    "Раздайте карточки с нарисованными пятнами. Пусть дети найдут две одинаковые "
                    "карточки — это один и тот же леопард, снятый дважды.",
                    "Расскажите, что болельщики парка в конкурсе «Хранитель» давали имена леопардам.",
                ],
                "Карточки для игры",
            ),
            "en": _lesson(
                "Spots like fingerprints",
                "A game: children compare spot patterns and recognise “their” leopard, as scientists do.",
                [
                    "Notice differences in patterns.",
                    "Understand how scientists recognise individual leopards.",
                ],
                [
                    "Hand out cards with drawn spots. The children find two matching cards: the "
                    "same leopard, photographed twice.",
                    "Tell them that in the park's “Keeper” contest supporters named leopards.",
                ],
                "Game cards",
            ),
            "zh-hans": _lesson(
                "斑纹如指纹",
                "游戏活动：孩子们像科学家一样比较斑纹，认出“自己的”豹。",
                ["发现图案中的差异。", "了解科学家如何识别每一只豹。"],
                [
                    "发放画有斑纹的卡片，让孩子们找出两张相同的卡片——这是同一只豹被拍到了两次。",
                    "告诉他们，在公园的“守护者”活动中，支持者为豹取了名字。",
                ],
                "游戏卡片",
            ),
        },
    },
    {
        "slugs": ("les-bolshih-koshek", "the-forest-big-cats-need", "damao-xuyao-de-senlin"),
        "format": ResourceFormat.LESSON_PLAN,
        "minutes": 45,
        "ages": ["11-14"],
        "subjects": ["ecology", "geography"],
        "files": ["ru", "en", "zh-hans"],
        "texts": {
            "ru": _lesson(
                "Лес, который нужен большим кошкам",
                "Пищевые цепи приморской тайги: копытные, зимняя подкормка, пожары и место леопарда в экосистеме.",
                [
                    "Составить пищевую цепь смешанного леса Приморья.",
                    "Объяснить, зачем зимой подкармливают копытных.",
                    "Оценить угрозу лесных пожаров для леопарда.",
                ],
                [
                    "Леопарду нужны олени и кабаны, а им — здоровый лес. Поэтому парк занимается "
                    "не только охраной, но и зимней подкормкой копытных и тушением пожаров.",
                    "Групповая работа: каждая группа рисует звено цепи и объясняет, что будет, если "
                    "оно исчезнет.",
                ],
                "План урока",
            ),
            "en": _lesson(
                "The forest the big cats need",
                "Food chains of Primorye's forest: deer and boar, winter feeding, fires and the leopard's place in the ecosystem.",
                [
                    "Build a food chain of Primorye's mixed forest.",
                    "Explain why hoofed animals are fed in winter.",
                    "Weigh the threat of forest fires to leopards.",
                ],
                [
                    "Leopards need deer and wild boar, and they need a healthy forest. So the park "
                    "does more than patrol: it feeds ungulates in winter and fights fires.",
                    "Group work: each group draws one link of the chain and explains what happens "
                    "if it disappears.",
                ],
                "Lesson plan",
            ),
            "zh-hans": _lesson(
                "大猫需要的森林",
                "滨海森林的食物链：有蹄类动物、冬季补饲、火灾，以及豹在生态系统中的位置。",
                [
                    "画出滨海混交林的食物链。",
                    "解释为什么冬天要给有蹄类动物补饲。",
                    "评估森林火灾对豹的威胁。",
                ],
                [
                    "豹需要鹿和野猪，而它们需要健康的森林。所以公园不仅巡护，还在冬季为有蹄类动物补饲并扑灭火灾。",
                    "小组活动：每组画出食物链的一环，并说明如果它消失会发生什么。",
                ],
                "教案",
            ),
        },
    },
    {
        "slugs": ("park-bez-granits", "a-park-across-a-border", "kuajing-gongyuan"),
        "format": ResourceFormat.PRESENTATION,
        "minutes": 40,
        "ages": ["14-18"],
        "subjects": ["geography", "ecology"],
        "files": ["ru", "en", "zh-hans"],
        "texts": {
            "ru": _lesson(
                "Парк без границ",
                "Презентация о сотрудничестве «Земли леопарда» и Национального парка амурского тигра и леопарда (КНР).",
                [
                    "Сравнить площади двух парков.",
                    "Назвать направления сотрудничества России и Китая.",
                ],
                [
                    "Российская часть планируемой трансграничной территории — 362 000 га, "
                    "китайский парк — 1 493 000 га. Звери свободно переходят границу.",
                    "В 2019 году парки подписали меморандум о сотрудничестве, а 16 мая 2024 года — "
                    "соглашение о создании российско-китайского резервата «Земля больших кошек».",
                ],
                "Слайды (PDF)",
            ),
            "en": _lesson(
                "A park across a border",
                "A presentation on the cooperation between Land of the Leopard and the Northeast China Tiger and Leopard National Park.",
                [
                    "Compare the areas of the two parks.",
                    "Name the fields in which Russia and China cooperate.",
                ],
                [
                    "The Russian part of the planned transboundary area is 362,000 ha; the Chinese "
                    "park covers 1,493,000 ha. The animals cross the border freely.",
                    "In 2019 the parks signed a memorandum of understanding, and on 16 May 2024 an "
                    "agreement to establish the Sino-Russian reserve “Land of Big Cats”.",
                ],
                "Slides (PDF)",
            ),
            "zh-hans": _lesson(
                "跨越国界的公园",
                "介绍“豹之乡”国家公园与东北虎豹国家公园合作的演示文稿。",
                ["比较两个公园的面积。", "说出中俄合作的方向。"],
                [
                    "规划中的跨境保护区俄罗斯部分为36.2万公顷，中国公园为149.3万公顷。动物自由地跨越边境。",
                    "2019年两园签署合作备忘录；2024年5月16日签署建立中俄“豹亚科之乡”跨境保护区的协议。",
                ],
                "幻灯片（PDF）",
            ),
        },
    },
    {
        "slugs": ("kak-ohranyayut-leoparda", "how-leopards-are-protected", "ruhe-baohu-bao"),
        "format": ResourceFormat.LESSON_PLAN,
        "minutes": 45,
        "ages": ["14-18"],
        "subjects": ["ecology"],
        # Written in Russian and English only: the library's language filter leaves it out of
        # a Chinese teacher's list.
        "files": ["ru"],
        "texts": {
            "ru": _lesson(
                "Как охраняют леопарда",
                "Урок-исследование по отчёту инспекторов парка за 2016 год: нарушения, рейды и почему место зверя — тайна.",
                [
                    "Прочитать и сравнить данные отчёта.",
                    "Объяснить, почему парк не публикует точные места встреч с леопардом.",
                ],
                [
                    "В 2016 году инспекторы выявили 208 нарушений: 9 случаев незаконной охоты, "
                    "3 — рыбалки, 3 — рубки и 193 — незаконного нахождения на территории.",
                    "Браконьеры стреляют с дорог и следят за солонцами, поэтому сведения о том, где "
                    "бывают звери, держат в тайне.",
                ],
                "План урока",
            ),
            "en": _lesson(
                "How leopards are protected",
                "An inquiry lesson on the park rangers' 2016 report: violations, patrols and why an animal's whereabouts stay secret.",
                [
                    "Read and compare the report's figures.",
                    "Explain why the park never publishes exact places where leopards are seen.",
                ],
                [
                    "In 2016 rangers recorded 208 violations: 9 of illegal hunting, 3 of illegal "
                    "fishing, 3 of illegal logging and 193 of trespassing.",
                    "Poachers shoot from roads and watch salt licks, so where the animals go is "
                    "kept secret.",
                ],
                "Lesson plan",
            ),
        },
    },
    {
        "slugs": ("narisuy-leoparda", "draw-a-leopard", "hua-yi-zhi-bao"),
        "format": ResourceFormat.ACTIVITY,
        "minutes": 40,
        "ages": ["5-7"],
        "subjects": ["art"],
        "files": ["ru", "zh-hans"],
        "texts": {
            "ru": _lesson(
                "Нарисуй леопарда: аквагрим и плакат",
                "Творческое занятие в духе праздника «Аквагрим»: рисуем пятна леопарда и полоски тигра.",
                ["Различать пятна леопарда и полосы тигра.", "Сделать плакат в защиту леопарда."],
                [
                    "Покажите, что у леопарда — розетки, а у тигра — полосы. Дети рисуют маску или "
                    "плакат и придумывают подпись в защиту большой кошки.",
                ],
                "Шаблоны масок",
            ),
            "en": _lesson(
                "Draw a leopard: face art and posters",
                "A creative session in the spirit of the Face art festival: painting leopard spots and tiger stripes.",
                ["Tell leopard spots from tiger stripes.", "Make a poster for the leopard."],
                [
                    "Show that leopards have rosettes and tigers have stripes. The children paint "
                    "a mask or a poster and write a slogan for the big cat.",
                ],
                "Mask templates",
            ),
            "zh-hans": _lesson(
                "画一只豹：彩绘与海报",
                "以“面部彩绘”节为灵感的创意活动：画豹的斑点和虎的条纹。",
                ["区分豹的斑点和虎的条纹。", "制作一张保护豹的海报。"],
                [
                    "告诉孩子们：豹身上是环状斑点，虎身上是条纹。孩子们画面具或海报，并为大猫写一句口号。"
                ],
                "面具模板",
            ),
        },
    },
    {
        "slugs": ("leopardy-po-mesyatsam", "leopards-by-month", "anyue-kan-bao"),
        "format": ResourceFormat.WORKSHEET,
        "minutes": 45,
        "ages": ["11-14"],
        "subjects": ["mathematics", "biology"],
        "files": ["ru", "en", "zh-hans"],
        "texts": {
            "ru": _lesson(
                "Леопарды по месяцам: работаем с данными парка",
                "Рабочий лист к «Данным для урока»: встречи леопардов и тигров по месяцам и участкам парка.",
                [
                    "Построить диаграмму по настоящим данным.",
                    "Объяснить, почему публикуются только месяц и участок.",
                ],
                [
                    "Скачайте таблицу на странице «Данные для урока» (/ru/classroom-data/) и "
                    "ответьте на вопросы рабочего листа.",
                ],
                "Рабочий лист",
            ),
            "en": _lesson(
                "Leopards by month: working with the park's data",
                "A worksheet for the classroom data: leopard and tiger sightings by month and park sector.",
                [
                    "Draw a chart from real data.",
                    "Explain why only the month and the sector are published.",
                ],
                [
                    "Download the table from the classroom data page (/en/classroom-data/) and "
                    "answer the worksheet's questions.",
                ],
                "Worksheet",
            ),
            "zh-hans": _lesson(
                "按月看豹：使用公园的数据",
                "配合“课堂数据”的练习单：按月份和公园区域统计的豹和虎的观测记录。",
                ["用真实数据画图表。", "解释为什么只公布月份和区域。"],
                ["在“课堂数据”页面（/zh-hans/classroom-data/）下载表格，并回答练习单上的问题。"],
                "练习单",
            ),
        },
    },
]


def _event_texts(ru, en, zh):
    return {"ru": ru, "en": en, "zh-hans": zh}


# (title, intro, place, audience, how to take part) per language; dates are (month, day,
# start hour, end day, end hour) in the park's time zone, in the next calendar year.
EVENTS = [
    {
        "slugs": ("den-tigra", "tiger-day", "laohu-ri"),
        "kind": EventKind.TIGER_DAY,
        "when": (9, 26, 11, 26, 16),
        "texts": _event_texts(
            (
                "День тигра",
                "Праздник в честь амурского тигра: шествие, конкурсы и встречи с инспекторами парка.",
                "Владивосток, центральная площадь",
                "Семьи, школьники всех возрастов",
                "Приходите в полосатом! Школы могут заявить колонну для шествия через форму записи класса.",
            ),
            (
                "Tiger Day",
                "A festival for the Amur tiger: a parade, contests and meeting the park's rangers.",
                "Vladivostok, central square",
                "Families, pupils of all ages",
                "Come in stripes! Schools can enter a group in the parade through the class visit form.",
            ),
            (
                "老虎日",
                "纪念东北虎的节日：游行、比赛，以及与公园巡护员见面。",
                "符拉迪沃斯托克，中央广场",
                "家庭、各年龄段的学生",
                "穿上条纹衣服来参加吧！学校可以通过班级参观表报名参加游行。",
            ),
        ),
    },
    {
        "slugs": ("fotookhota", "photohunt", "sheying-lieren"),
        "kind": EventKind.PHOTOHUNT,
        "when": (5, 15, 10, 30, 18),
        "texts": _event_texts(
            (
                "Фотоохота",
                "Конкурс для юных фотографов природы: снимайте лес, птиц и следы зверей — без вреда для них.",
                "Онлайн и визитный центр парка в посёлке Барабаш",
                "Школьники 10–17 лет",
                "Пришлите до трёх фотографий через сайт школы-участницы. Места съёмки не подписывайте: так безопаснее для зверей.",
            ),
            (
                "PhotoHunt",
                "A contest for young nature photographers: shoot the forest, birds and animal tracks, without disturbing them.",
                "Online and the park's visitor centre in Barabash",
                "Pupils aged 10 to 17",
                "Send up to three photos through a participating school. Do not label where they were taken: it keeps the animals safer.",
            ),
            (
                "摄影狩猎",
                "面向青少年自然摄影师的比赛：拍摄森林、鸟类和动物足迹，但不要打扰它们。",
                "线上及巴拉巴什村的公园游客中心",
                "10至17岁的学生",
                "通过参赛学校提交最多三张照片。请不要注明拍摄地点，这样对动物更安全。",
            ),
        ),
    },
    {
        "slugs": ("flesh-mob", "flash-mob", "kuaishan"),
        "kind": EventKind.FLASH_MOB,
        "when": (3, 3, 12, 3, 13),
        "texts": _event_texts(
            (
                "Флешмоб «Пятна леопарда»",
                "В один день школы Приморья выходят на перемену в пятнистых шарфах и масках.",
                "Школы Приморского края",
                "Классы 1–11",
                "Зарегистрируйте класс, снимите короткое видео и отправьте его учителю-координатору.",
            ),
            (
                "Flash mob: Leopard spots",
                "On one day, Primorye's schools go out at break time in spotted scarves and masks.",
                "Schools across Primorsky Krai",
                "Grades 1 to 11",
                "Register your class, film a short video and send it to your school's coordinator.",
            ),
            (
                "快闪：豹的斑点",
                "同一天，滨海边疆区的学校在课间戴着斑点围巾和面具走出教室。",
                "滨海边疆区各学校",
                "1至11年级",
                "为班级报名，拍一段短视频并发给学校的协调老师。",
            ),
        ),
    },
    {
        "slugs": ("akvagrim", "face-art", "mianbu-caihui"),
        "kind": EventKind.FACE_ART,
        "when": (6, 1, 11, 1, 15),
        "texts": _event_texts(
            (
                "Аквагрим в День защиты детей",
                "Художники рисуют детям мордочки леопарда и тигра, а инспекторы рассказывают о парке.",
                "Визитный центр парка, посёлок Барабаш",
                "Дети 4–12 лет с родителями",
                "Вход свободный, запись не нужна. Группы от 10 детей — по заявке.",
            ),
            (
                "Face art on Children's Day",
                "Artists paint leopard and tiger faces for children while rangers talk about the park.",
                "The park's visitor centre, Barabash",
                "Children aged 4 to 12 with their parents",
                "Free entry, no registration. Groups of 10 children or more: please send a request.",
            ),
            (
                "儿童节面部彩绘",
                "画家为孩子们画上豹和虎的脸谱，巡护员讲述公园的故事。",
                "巴拉巴什村公园游客中心",
                "4至12岁儿童及家长",
                "免费入场，无需报名。10人以上的团体请提交申请。",
            ),
        ),
    },
    {
        "slugs": ("den-tropy-leoparda", "leopard-trail-day", "baozhi-xiaojing-ri"),
        "kind": EventKind.TRAIL_DAY,
        "when": (8, 15, 10, 15, 14),
        "texts": _event_texts(
            (
                "День на Тропе леопарда",
                "Прогулка с экскурсоводом по кольцевой тропе длиной около 1,8 км через гору Бусленко: смотровые площадки, мостики, стенды.",
                "Визитный центр, посёлок Барабаш",
                "Школьные группы и семьи, дети от 7 лет",
                "Школьным группам нужна заявка через форму записи класса; семьи могут прийти сами.",
            ),
            (
                "Leopard Trail day",
                "A guided walk on the loop of about 1.8 km over Mount Buslenko: viewpoints, bridges and information stands.",
                "The visitor centre, Barabash",
                "School groups and families, children from 7",
                "School groups send a class visit request; families can just come.",
            ),
            (
                "豹之小径日",
                "在导游带领下走完约1.8公里、翻越布斯连科山的环形步道：观景台、小桥和信息展板。",
                "巴拉巴什村游客中心",
                "学校团体和家庭，7岁以上儿童",
                "学校团体请通过班级参观表申请；家庭可直接前来。",
            ),
        ),
    },
    {
        "slugs": ("forum-tigr", "tiger-forum-schools", "laohu-luntan"),
        "kind": EventKind.FORUM,
        "when": (10, 20, 10, 20, 17),
        "texts": _event_texts(
            (
                "Международный форум по тигру: школьная секция",
                "Продолжая традицию международных форумов по сохранению тигра (Санкт-Петербург, 2010; Владивосток, 2022), школьники России и Китая представляют свои проекты.",
                "Владивосток и онлайн",
                "Старшеклассники и учителя",
                "Пришлите тему проекта до 1 сентября; лучшие проекты выступят на форуме.",
            ),
            (
                "International tiger forum: schools' session",
                "Following the international tiger conservation forums (St Petersburg 2010, Vladivostok 2022), pupils from Russia and China present their projects.",
                "Vladivostok and online",
                "Senior pupils and teachers",
                "Send your project's topic by 1 September; the best projects are presented at the forum.",
            ),
            (
                "国际老虎论坛：学校分会",
                "延续国际老虎保护论坛（2010年圣彼得堡、2022年符拉迪沃斯托克）的传统，中俄学生展示自己的项目。",
                "符拉迪沃斯托克及线上",
                "高中生和教师",
                "请在9月1日前提交项目题目；优秀项目将在论坛上展示。",
            ),
        ),
    },
]
