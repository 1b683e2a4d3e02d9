"""Demonstration tours: the Leopard Trail and the Leopard's Lair ecotrail, with dates.

Route facts come from shared/FACTS.md; prices, times and places are demonstration values. Dates
follow a fixed weekly schedule over the next four weeks, so a second run on the same day finds
every date it made and changes nothing.
"""

import datetime
from decimal import Decimal

from django.utils import timezone

from cms.demo import ensure_image, paint_landscape, tr, upsert_page
from tourism.models import TourIndexPage, TourPage
from tourism.services import create_slots_from_schedule

SATURDAY, SUNDAY = 5, 6
DEMO_WEEKS = 4


def load(context):
    image, _ = ensure_image(
        "Demo: the Leopard Trail over Mount Buslenko",
        lambda d, c, r: paint_landscape(d, c, r),
        seed=61,
    )
    index, changed = upsert_page(
        context.home,
        TourIndexPage,
        **tr("slug", "ekskursii", "tours", "daolan"),
        **tr("title", "Экскурсии", "Guided tours", "导览游"),
        **tr(
            "intro",
            "Пройдите по парку с гидом: маршруты начинаются у визит-центра в посёлке Барабаш. "
            "Даты и цены — демонстрационные.",
            "Walk the park with a guide: the routes start at the visitor centre in Barabash "
            "village. Dates and prices are for demonstration.",
            "跟随向导走进公园：路线从巴拉巴什村的游客中心出发。日期和价格均为演示。",
        ),
        show_in_menus=True,
    )
    context.note("tour index", changed)

    trail, changed = upsert_page(index, TourPage, **leopard_trail(image))
    context.note("Leopard Trail", changed)
    lair, changed = upsert_page(index, TourPage, **leopards_lair(image))
    context.note("Leopard's Lair", changed)

    first_day = timezone.localdate() + datetime.timedelta(days=1)
    last_day = first_day + datetime.timedelta(weeks=DEMO_WEEKS)
    made, _ = create_slots_from_schedule(
        trail,
        first_day=first_day,
        last_day=last_day,
        weekdays={SATURDAY, SUNDAY},
        times=[datetime.time(10), datetime.time(14)],
        capacity=20,
        guide_language="ru",
        price_adult=500,
        price_child=250,
        price_pupil=200,
        free_under_age=5,
    )
    made_en, _ = create_slots_from_schedule(
        trail,
        first_day=first_day,
        last_day=last_day,
        weekdays={SATURDAY},
        times=[datetime.time(12)],
        capacity=12,
        guide_language="en",
        price_adult=500,
        price_child=250,
        price_pupil=200,
        free_under_age=5,
    )
    made_lair, _ = create_slots_from_schedule(
        lair,
        first_day=first_day,
        last_day=last_day,
        weekdays={SATURDAY, SUNDAY},
        times=[datetime.time(11)],
        capacity=12,
        guide_language="ru",
        price_adult=800,
        price_child=400,
        price_pupil=300,
        free_under_age=5,
        max_party=6,
    )
    context.note("tour dates", made + made_en + made_lair > 0)


def leopard_trail(image):
    return {
        **tr("slug", "tropa-leoparda", "leopard-trail", "bao-zhi-xiaojing"),
        **tr("title", "Тропа леопарда", "The Leopard Trail", "豹之小径"),
        **tr(
            "intro",
            "Кольцевой маршрут около 1,8 км от визит-центра в Барабаше через гору Бусленко: "
            "указатели, информационные стенды, смотровые площадки и мостики.",
            "A loop of about 1.8 km from the visitor centre in Barabash over Mount Buslenko, "
            "with signs, information stands, viewpoints and bridges.",
            "从巴拉巴什游客中心出发、翻越布斯连科山的约1.8公里环线，沿途有指示牌、信息展板、"
            "观景台和小桥。",
        ),
        **tr(
            "itinerary",
            "Тропа начинается и заканчивается у визит-центра в посёлке Барабаш. Она поднимается "
            "на гору Бусленко, проходит по смотровым площадкам и мостикам и возвращается к "
            "началу. Пройти её можно с гидом или самостоятельно; гид расскажет о леопардах, "
            "их добыче и о том, как парк следит за ними.",
            "The trail starts and ends at the visitor centre in Barabash village. It climbs "
            "Mount Buslenko, passes viewpoints and bridges and returns to the start. You can walk "
            "it with a guide or on your own; the guide tells you about the leopards, their prey "
            "and how the park follows them.",
            "小径起止于巴拉巴什村的游客中心，登上布斯连科山，经过观景台和小桥后回到起点。"
            "可以跟随向导，也可以自行步行；向导会讲述豹子、它们的猎物以及公园如何追踪它们。",
        ),
        "length_km": Decimal("1.8"),
        "duration_minutes": 90,
        "duration_max_minutes": None,
        "difficulty": TourPage.Difficulty.MODERATE,
        "minimum_age": 0,
        **tr(
            "meeting_point",
            "Визит-центр, посёлок Барабаш",
            "Visitor centre, Barabash village",
            "巴拉巴什村游客中心",
        ),
        **tr(
            "season",
            "Круглый год (даты — демонстрационные)",
            "All year (the dates are for demonstration)",
            "全年（日期为演示）",
        ),
        **tr(
            "what_to_bring",
            "Удобная обувь, одежда по погоде, вода. Зимой — тёплые вещи.",
            "Comfortable shoes, clothes for the weather, water. Warm layers in winter.",
            "舒适的鞋子、适合天气的衣物和饮用水。冬季请带保暖衣物。",
        ),
        **tr(
            "accessibility",
            "На маршруте есть подъёмы и ступени; для колясок он не подходит.",
            "The route has climbs and steps; it is not suitable for wheelchairs or pushchairs.",
            "路线有上坡和台阶，不适合轮椅和婴儿车。",
        ),
        "image": image,
        **tr(
            "image_alt",
            "Рисунок: лесистые холмы парка",
            "Drawing: the park's forested hills",
            "插图：公园里森林覆盖的山丘",
        ),
    }


def leopards_lair(image):
    return {
        **tr("slug", "logovo-leoparda", "leopards-lair", "bao-xue"),
        **tr(
            "title",
            "Экотропа «Логово леопарда»",
            "The Leopard's Lair ecotrail",
            "“豹穴”生态步道",
        ),
        **tr(
            "intro",
            "Экскурсия с гидом от Барабашевского кордона на 2–2,75 часа для всех от 5 лет. "
            "Вместе с гидом группа проверяет фотоловушку.",
            "A guided walk of 2 to 2.75 hours from the Barabashevsky cordon, for ages 5 and "
            "up. The group checks a camera trap with the guide.",
            "从巴拉巴什夫斯基护林站出发的向导徒步，历时2至2.75小时，适合5岁及以上。"
            "小组将和向导一起检查一台红外相机。",
        ),
        **tr(
            "itinerary",
            "Маршрут начинается у Барабашевского кордона. Гид показывает следы жизни леопардов "
            "и их соседей и вместе с группой проверяет фотоловушку: так работают сотрудники "
            "парка. Место ловушки не публикуется и не сообщается.",
            "The walk starts at the Barabashevsky cordon. The guide shows the signs left by "
            "leopards and their neighbours and checks a camera trap with the group, as the park's "
            "staff do. The trap's place is never published or given out.",
            "步道从巴拉巴什夫斯基护林站出发。向导会展示豹子及其邻居留下的痕迹，并和小组一起检查"
            "一台红外相机，就像公园工作人员那样。相机的位置从不公开。",
        ),
        "length_km": None,  # not given in the park's sources
        "duration_minutes": 120,
        "duration_max_minutes": 165,
        "difficulty": TourPage.Difficulty.MODERATE,
        "minimum_age": 5,
        **tr(
            "meeting_point",
            "Барабашевский кордон",
            "Barabashevsky cordon",
            "巴拉巴什夫斯基护林站",
        ),
        **tr(
            "season",
            "С весны до осени (даты — демонстрационные)",
            "Spring to autumn (the dates are for demonstration)",
            "春季至秋季（日期为演示）",
        ),
        **tr(
            "what_to_bring",
            "Закрытая обувь, длинные брюки, средство от клещей, вода.",
            "Closed shoes, long trousers, tick repellent, water.",
            "包脚鞋、长裤、防蜱虫喷剂和饮用水。",
        ),
        **tr(
            "accessibility",
            "Лесная тропа с неровной поверхностью; для колясок не подходит.",
            "A forest path with uneven ground; not suitable for wheelchairs or pushchairs.",
            "林间小路地面不平，不适合轮椅和婴儿车。",
        ),
        "image": image,
        **tr(
            "image_alt",
            "Рисунок: лесистые холмы парка",
            "Drawing: the park's forested hills",
            "插图：公园里森林覆盖的山丘",
        ),
    }
