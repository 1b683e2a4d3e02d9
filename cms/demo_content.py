"""The site-wide demonstration content: facts from shared/FACTS.md, sentences of our own.

Stories and dates are demonstration content, as the notice on every page says.
"""

import datetime

from django.db.models import Q
from django.utils import translation

from cms.demo import (
    DemoContext,
    ensure_home,
    ensure_image,
    paint_landscape,
    paint_rosettes,
    tr,
    upsert_page,
)
from cms.models import (
    FooterSettings,
    HomePage,
    StandardPage,
    StoryIndexPage,
    StoryPage,
    StoryTopic,
)

# Story tags: slug, then the name in ru, en, zh-hans.
TOPICS = [
    ("tunnel", "тоннель", "tunnel", "隧道"),
    ("protection", "охрана", "protection", "保护"),
    ("leopards", "леопарды", "leopards", "豹"),
    ("monitoring", "мониторинг", "monitoring", "监测"),
    ("tourism", "туризм", "tourism", "旅游"),
    ("cooperation", "сотрудничество", "cooperation", "合作"),
]


def ensure_topics(context):
    """The story tags, each named in three languages; a tag of an older demo (one Russian
    name, used as its slug) is renamed in place rather than duplicated."""
    topics = {}
    for slug, ru, en, zh in TOPICS:
        wanted = {"slug": slug, **tr("name", ru, en, zh)}
        topic = StoryTopic.objects.filter(Q(slug=slug) | Q(name_ru=ru)).first()
        changed = topic is None or any(getattr(topic, k) != v for k, v in wanted.items())
        if changed:
            topic = topic or StoryTopic()
            for key, value in wanted.items():
                setattr(topic, key, value)
            with translation.override("ru"):  # the untranslated column holds the Russian name
                topic.save()
        context.note(f"story tag {slug}", changed)
        topics[slug] = topic
    return topics


def rich(text):
    return "".join(f"<p>{paragraph}</p>" for paragraph in text.strip().split("\n\n"))


def body(*blocks):
    """StreamField content in its stored form: [{"type": ..., "value": ...}]."""
    return [{"type": block_type, "value": value} for block_type, value in blocks]


def paragraph(text):
    return ("paragraph", rich(text))


def heading(text):
    return ("heading", {"text": text, "level": "h2"})


def figure(value, label, source=""):
    return ("key_figure", {"figure": value, "label": label, "source": source})


def image(img, caption, credit, alt):
    return ("image", {"image": img.pk, "caption": caption, "credit": credit, "alt_text": alt})


def load_site(stdout):
    landscape, made = ensure_image("Demo: forest hills of the park", paint_landscape, seed=1)
    dusk, _ = ensure_image(
        "Demo: dusk over the ridges", lambda d, c, r: paint_landscape(d, c, r, dusk=True), seed=2
    )
    coat, _ = ensure_image("Demo: a leopard's rosettes", paint_rosettes, size=(1200, 800), seed=3)

    home, changed = ensure_home(
        HomePage,
        **tr("title", "Земля леопарда", "Land of the Leopard", "豹之乡"),
        **tr("slug", "home", "home", "home"),
        **tr(
            "intro",
            "Национальный парк на юго-западе Приморья, где живёт дальневосточный леопард — "
            "самая редкая большая кошка планеты. Узнайте о парке, пройдите Тропу леопарда "
            "и следите за его жителями.",
            "A national park in the south-west of Primorye, home of the Amur leopard, the rarest "
            "big cat on the planet. Learn about the park, walk the Leopard Trail and follow the "
            "leopards who live here.",
            "位于滨海边疆区西南部的国家公园，是地球上最稀有的大型猫科动物——远东豹的家园。"
            "了解公园，走一走豹之小径，关注生活在这里的豹子。",
        ),
        **tr(
            "body",
            body(
                figure("362 000", "гектаров российской части трансграничной территории"),
                figure(
                    "1 493 000", "гектаров — Национальный парк амурского тигра и леопарда (КНР)"
                ),
                figure("575 м", "длина Нарвинского тоннеля для безопасного перехода зверей"),
            ),
            body(
                figure("362,000", "hectares: the Russian part of the transboundary area"),
                figure("1,493,000", "hectares: Northeast China Tiger and Leopard National Park"),
                figure("575 m", "the Narvinsky tunnel, so that animals cross the pass safely"),
            ),
            body(
                figure("362,000", "公顷：跨境保护区的俄罗斯部分"),
                figure("1,493,000", "公顷：东北虎豹国家公园（中国）"),
                figure("575 米", "纳尔温斯基隧道的长度，让动物安全穿越山口"),
            ),
        ),
        hero_image=landscape,
        show_in_menus=False,
    )
    context = DemoContext(home=home, stdout=stdout)
    context.note("home page", changed or made)

    about, changed = upsert_page(
        home,
        StandardPage,
        **tr("slug", "o-parke", "about", "guanyu"),
        **tr("title", "О парке", "About the park", "关于公园"),
        **tr(
            "intro",
            "«Земля леопарда» — национальный парк в Приморском крае, которым управляет одна "
            "дирекция вместе с заповедником «Кедровая падь».",
            "Land of the Leopard is a national park in Primorsky Krai, run by one administration "
            "together with the Kedrovaya Pad biosphere reserve.",
            "“豹之乡”国家公园位于滨海边疆区，与“雪松溪谷”国家自然生物圈保护区由同一个管理局管理。",
        ),
        **tr(
            "body",
            body(
                heading("Кто здесь живёт"),
                paragraph(
                    "В парке обитают дальневосточный леопард (Panthera pardus orientalis) и амурский "
                    "тигр (Panthera tigris altaica). По учёту 2015 года фотоловушки зафиксировали "
                    "в парке около 57 леопардов; официальная численность в 2016 году — 80 особей.\n\n"
                    "За 2015–2016 годы зарегистрированы 16 котят от 8 самок, а за полтора года — "
                    "26 котят леопарда и 10 тигрят. Рядом с леопардами живут около 20 тигров."
                ),
                image(
                    coat,
                    "Пятна леопарда — у каждого свой узор",
                    "Демонстрационное изображение",
                    "Рисунок: тёмные розетки на рыжем мехе",
                ),
                heading("Как мы наблюдаем"),
                paragraph(
                    "В 2013–2018 годах в парке работали в среднем 400 станций фотоловушек. "
                    "Каждого леопарда узнают по рисунку пятен и обозначают кодом, например Leo 45F."
                ),
            ),
            body(
                heading("Who lives here"),
                paragraph(
                    "The park is home to the Amur leopard (Panthera pardus orientalis) and the Amur "
                    "tiger (Panthera tigris altaica). The 2015 count recorded about 57 leopards on "
                    "camera traps in the park; the official total in 2016 was 80.\n\n"
                    "In 2015–2016, 16 cubs born to 8 females were recorded, and over eighteen months "
                    "26 leopard cubs and 10 tiger cubs. About 20 tigers share the forest with them."
                ),
                image(
                    coat,
                    "A leopard's spots: every coat has its own pattern",
                    "Demonstration image",
                    "Drawing: dark rosettes on a tawny coat",
                ),
                heading("How we watch"),
                paragraph(
                    "From 2013 to 2018 the park ran 400 camera-trap stations on average. Each "
                    "leopard is recognised by its spots and given a code such as Leo 45F."
                ),
            ),
            body(
                heading("谁生活在这里"),
                paragraph(
                    "公园里生活着远东豹（Panthera pardus orientalis）和东北虎（Panthera tigris "
                    "altaica）。2015年的调查中，红外相机在公园内记录到约57只豹；2016年官方数量为80只。\n\n"
                    "2015—2016年间记录到8只雌豹所生的16只幼崽；18个月内共记录到26只豹崽和10只虎崽。"
                    "约有20只东北虎与豹共同生活。"
                ),
                image(
                    coat, "豹的斑纹：每一只都独一无二", "演示图片", "绘图：黄褐色皮毛上的深色玫瑰斑"
                ),
                heading("我们如何监测"),
                paragraph(
                    "2013—2018年，公园平均设有400个红外相机站点。每只豹都凭斑纹识别，并获得一个编号，"
                    "例如 Leo 45F。"
                ),
            ),
        ),
        show_in_menus=True,
    )
    context.note("about page", changed)

    big_cats, changed = upsert_page(
        home,
        StandardPage,
        **tr("slug", "zemlya-bolshih-koshek", "land-of-big-cats", "damao-zhi-di"),
        **tr("title", "Земля больших кошек", "Land of Big Cats", "“豹亚科之乡”"),
        **tr(
            "intro",
            "Леопарды не знают границ. Российский и китайский парки вместе создают "
            "трансграничный резерват «Земля больших кошек».",
            "Leopards know no borders. The Russian and Chinese parks are creating the "
            "transboundary reserve “Land of Big Cats” together.",
            "豹子没有国界。中俄两国的公园正在共同建设跨境保护区“豹亚科之乡”。",
        ),
        **tr(
            "body",
            body(
                paragraph(
                    "Национальный парк амурского тигра и леопарда в Китае создан в октябре 2021 года; "
                    "его площадь — 1 493 000 гектаров. Российская часть будущей трансграничной "
                    "территории — 362 000 гектаров.\n\n"
                    "В 2019 году парки подписали меморандум о взаимопонимании. По его седьмому пункту "
                    "сведения, полученные в рамках сотрудничества, используются только для его целей "
                    "и не публикуются без письменного согласия стороны, которая их предоставила.\n\n"
                    "16 мая 2024 года подписано соглашение о создании российско-китайского "
                    "трансграничного резервата «Земля больших кошек»."
                ),
                heading("Направления сотрудничества"),
                paragraph(
                    "Охрана и правоприменение; научные исследования и мониторинг; лесное хозяйство, "
                    "зимняя подкормка копытных и борьба с пожарами; экологическое просвещение и туризм."
                ),
            ),
            body(
                paragraph(
                    "China's Northeast China Tiger and Leopard National Park was established in "
                    "October 2021 and covers 1,493,000 hectares. The Russian part of the planned "
                    "transboundary area covers 362,000 hectares.\n\n"
                    "In 2019 the parks signed a memorandum of understanding. Its clause 7 says that "
                    "information obtained under it is used only for its purposes and is not published "
                    "without the prior written consent of the party that provided it.\n\n"
                    "On 16 May 2024 an agreement was signed to establish the Sino-Russian "
                    "transboundary reserve “Land of Big Cats”."
                ),
                heading("What we do together"),
                paragraph(
                    "Law enforcement; research and monitoring; forestry, winter feeding of ungulates "
                    "and fire fighting; environmental education and tourism."
                ),
            ),
            body(
                paragraph(
                    "中国的东北虎豹国家公园于2021年10月设立，面积1,493,000公顷。"
                    "规划中的跨境区域俄罗斯部分面积为362,000公顷。\n\n"
                    "2019年，两个公园签署了谅解备忘录。其第七条规定：依据备忘录获得的信息仅用于其目的，"
                    "未经提供方事先书面同意，不得公开或转交第三方。\n\n"
                    "2024年5月16日，双方签署协议，建立中俄跨境自然保护区“豹亚科之乡”。"
                ),
                heading("合作方向"),
                paragraph(
                    "执法；科学研究与监测；林业、有蹄类动物冬季补饲和森林防火；环境教育与旅游。"
                ),
            ),
        ),
        show_in_menus=True,
    )
    context.note("Land of Big Cats page", changed)

    protection, changed = upsert_page(
        home,
        StandardPage,
        **tr("slug", "ohrana", "protection", "baohu"),
        **tr("title", "Охрана", "Protection", "保护"),
        **tr(
            "intro",
            "Браконьеры стреляют с дорог и караулят у солонцов. Инспекторы парка работают днём и ночью.",
            "Poachers shoot from roads and wait at salt licks. The park's rangers work day and night.",
            "偷猎者从公路上开枪，在盐碱地守候。公园的巡护员日夜工作。",
        ),
        **tr(
            "body",
            body(
                figure("208", "нарушений выявлено в 2016 году", "Отчёт парка, 2016"),
                figure("11", "уголовных дел возбуждено", "Отчёт парка, 2016"),
                paragraph(
                    "В 2016 году инспекторы выявили 9 случаев незаконной охоты, 3 — незаконной рыбалки, "
                    "3 — незаконной рубки и 193 случая незаконного пребывания на территории. "
                    "Изъяты 2 единицы огнестрельного оружия и 5 незаконных орудий лова; "
                    "штрафы достигли 634 000 рублей.\n\n"
                    "Сведения о местах обитания зверей — чувствительная информация: некоторые "
                    "браконьеры даже подслушивают переговоры инспекторов. Поэтому на сайте нет "
                    "точных мест встреч с леопардами."
                ),
                heading("Нарвинский тоннель"),
                paragraph(
                    "Открытый 26 марта 2016 года тоннель длиной 575 метров, шириной около 10 и высотой "
                    "около 5 метров увёл трассу Владивосток — Хасан под перевал, и леопарды "
                    "пересекают его безопасно."
                ),
            ),
            body(
                figure("208", "violations found in 2016", "Park report, 2016"),
                figure("11", "criminal proceedings opened", "Park report, 2016"),
                paragraph(
                    "In 2016 rangers found 9 cases of illegal hunting, 3 of illegal fishing, 3 of "
                    "illegal logging and 193 of trespassing. They seized 2 firearms and 5 illegal "
                    "fishing devices; fines reached 634,000 roubles.\n\n"
                    "Where the animals live is sensitive: some poachers even eavesdrop on rangers. "
                    "That is why this site never shows the precise place of a sighting."
                ),
                heading("The Narvinsky tunnel"),
                paragraph(
                    "Opened on 26 March 2016, the 575-metre tunnel, about 10 m wide and 5 m high, "
                    "takes the Vladivostok–Khasan road under the pass so leopards cross it safely."
                ),
            ),
            body(
                figure("208", "2016年发现的违法行为", "公园报告，2016年"),
                figure("11", "立案刑事案件", "公园报告，2016年"),
                paragraph(
                    "2016年，巡护员发现非法狩猎9起、非法捕鱼3起、非法采伐3起、非法进入193起；"
                    "收缴枪支2支、非法渔具5件，罚款最高达634,000卢布。\n\n"
                    "动物的栖息地点属于敏感信息：有的偷猎者甚至窃听巡护员的通话。"
                    "因此本网站从不显示目击的确切地点。"
                ),
                heading("纳尔温斯基隧道"),
                paragraph(
                    "隧道于2016年3月26日开通，长575米，宽约10米，高约5米，让符拉迪沃斯托克—哈桑公路"
                    "从山口下方穿过，豹子可以安全地越过山口。"
                ),
            ),
        ),
        show_in_menus=True,
    )
    context.note("protection page", changed)

    stories, changed = upsert_page(
        home,
        StoryIndexPage,
        **tr("slug", "novosti", "stories", "gushi"),
        **tr("title", "Новости и истории", "Stories", "新闻与故事"),
        **tr(
            "intro",
            "Что происходит в парке.",
            "What is happening in the park.",
            "公园里正在发生的事。",
        ),
        show_in_menus=True,
    )
    context.note("story index", changed)

    story_specs = [
        (
            "tonnel",
            datetime.date(2016, 3, 26),
            dusk,
            tr("slug", "tonnel", "tunnel", "suidao"),
            tr(
                "title",
                "Нарвинский тоннель открыт",
                "The Narvinsky tunnel opens",
                "纳尔温斯基隧道开通",
            ),
            tr(
                "intro",
                "Трасса ушла под перевал: леопарды пересекают его там, где раньше шли машины.",
                "The road now runs under the pass: leopards cross where cars used to drive.",
                "公路改从山口下方穿过：豹子可以在过去行车的地方穿行。",
            ),
            ["tunnel", "protection"],
        ),
        (
            "kotyata",
            datetime.date(2016, 11, 15),
            coat,
            tr("slug", "kotyata", "cubs", "youzai"),
            tr(
                "title",
                "Шестнадцать котят за два года",
                "Sixteen cubs in two years",
                "两年十六只幼崽",
            ),
            tr(
                "intro",
                "Фотоловушки записали котят Грации, Сочи, Алексы, Умки и Королевы Бортэ — у неё их трое.",
                "Camera traps recorded the cubs of Grace, Sochi, Alexa, Umka and Queen Borte, who has three.",
                "红外相机记录到格蕾丝、索契、亚历克莎、乌姆卡和孛儿帖女王的幼崽——孛儿帖女王有三只。",
            ),
            ["leopards", "monitoring"],
        ),
        (
            "posetiteli",
            datetime.date(2020, 12, 20),
            landscape,
            tr("slug", "posetiteli", "visitors", "youke"),
            tr(
                "title",
                "Шесть тысяч гостей на тропах",
                "Six thousand visitors on the trails",
                "六千名游客走上步道",
            ),
            tr(
                "intro",
                "В 2020 году парк приняли около 6 000 посетителей — в полтора раза больше, чем в 2019-м.",
                "About 6,000 people visited the park in 2020, half as many again as the 4,000 of 2019.",
                "2020年约有6,000人到访公园，比2019年的4,000人增加了一半。",
            ),
            ["tourism"],
        ),
        (
            "zemlya-bolshih-koshek-soglashenie",
            datetime.date(2024, 5, 16),
            landscape,
            tr(
                "slug",
                "zemlya-bolshih-koshek-soglashenie",
                "land-of-big-cats-agreement",
                "damao-xieyi",
            ),
            tr(
                "title",
                "Соглашение о «Земле больших кошек»",
                "The Land of Big Cats agreement",
                "“豹亚科之乡”协议签署",
            ),
            tr(
                "intro",
                "Россия и Китай договорились создать трансграничный резерват для тигров и леопардов.",
                "Russia and China agreed to create a transboundary reserve for tigers and leopards.",
                "中俄两国同意为虎豹建立跨境保护区。",
            ),
            ["cooperation"],
        ),
    ]
    topics = ensure_topics(context)
    for key, date, lead, slugs, titles, intros, tags in story_specs:
        story, changed = upsert_page(
            stories,
            StoryPage,
            **slugs,
            **titles,
            **intros,
            date=date,
            lead_image=lead,
            **tr(
                "lead_image_credit",
                "Демонстрационное изображение",
                "Demonstration image",
                "演示图片",
            ),
            **tr("lead_image_alt", "", "", ""),
        )
        if sorted(tag.slug for tag in story.tags.all()) != sorted(tags):
            story.tags.set([topics[slug] for slug in tags])
            story.save_revision().publish()
            changed = True
        context.note(f"story {key}", changed)

    context.menu = [about, big_cats, protection, stories]

    footer = FooterSettings.for_site(home.get_site())
    footer_fields = {
        **tr(
            "about",
            "<p>Национальный парк «Земля леопарда» и заповедник «Кедровая падь», Приморский край.</p>",
            "<p>Land of the Leopard National Park and the Kedrovaya Pad reserve, Primorsky Krai.</p>",
            "<p>“豹之乡”国家公园和“雪松溪谷”国家自然生物圈保护区，滨海边疆区。</p>",
        ),
        **tr(
            "address",
            "Приморский край, посёлок Барабаш (демо-адрес)",
            "Barabash village, Primorsky Krai (demo address)",
            "滨海边疆区巴拉巴什村（演示地址）",
        ),
        "email": "info@leopard.example",
        "demo_content": True,
    }
    if any(getattr(footer, name) != value for name, value in footer_fields.items()):
        for name, value in footer_fields.items():
            setattr(footer, name, value)
        footer.save()
        context.note("footer", True)
    return context
