"""Demonstration campaigns: anti-poaching teams, camera traps and winter feeding of ungulates.

The anti-poaching campaign cites the park's fundraising report (FACTS.md: 67,277 USD raised of
a 70,000 USD goal from 1,398 donations) as its history; its new goal, dates, amounts and what
each amount buys are demonstration content, and the pages say so. Running it twice changes
nothing.
"""

import datetime

from cms.demo import tr, upsert_page
from donations.models import CampaignIndexPage, CampaignPage, SuggestedAmount

DEMO_NOTE = tr(
    "note",
    "Демонстрационный пример: цель, сроки и суммы придуманы для показа сайта.",
    "Demonstration example: the goal, dates and amounts are invented to show the site.",
    "演示示例：目标、日期和金额均为展示网站而虚构。",
)


def paragraph(text):
    return {"type": "paragraph", "value": f"<p>{text}</p>"}


def figure(value, label, source=""):
    return {"type": "key_figure", "value": {"figure": value, "label": label, "source": source}}


def note(language):
    return paragraph(f"<i>{DEMO_NOTE['note_' + language]}</i>")


SOURCE = {
    "ru": "Отчёт о сборе средств, «Земля леопарда»",
    "en": "Fundraising report, Land of the Leopard",
    "zh_hans": "“豹之乡”国家公园筹款报告",
}

CAMPAIGNS = [
    {
        "slug": ("protiv-brakonerov", "anti-poaching-teams", "fan-touliede"),
        "title": ("Патрули против браконьеров", "Anti-poaching patrols", "反盗猎巡护队"),
        "intro": (
            "Инспекторы парка каждый месяц выходят в десятки рейдов. Помогите оплатить топливо, "
            "связь и снаряжение мобильных групп.",
            "The park's rangers go out on dozens of patrols every month. Help pay for the fuel, "
            "radios and gear of the mobile teams.",
            "公园巡护员每月执行数十次巡逻。请帮助支付机动小组的燃油、通讯和装备费用。",
        ),
        "story": {
            "ru": [
                paragraph(
                    "Браконьеры стреляют с дорог и приходят к солонцам, а некоторые подслушивают "
                    "переговоры инспекторов. Поэтому патрули должны быть частыми, а связь — надёжной."
                ),
                figure(
                    "67 277 $",
                    "собрано в прошлой кампании против браконьерства, при цели 70 000 $",
                    SOURCE["ru"],
                ),
                figure("1 398", "пожертвований в той кампании", SOURCE["ru"]),
                paragraph(
                    "Жертвователи получали отчёт о ходе работ каждые 3–4 месяца — так будет и теперь."
                ),
                note("ru"),
            ],
            "en": [
                paragraph(
                    "Poachers shoot from roads and wait at salt licks, and some listen in on the "
                    "rangers' radios. So patrols must be frequent and their radios secure."
                ),
                figure(
                    "$67,277",
                    "raised in the earlier anti-poaching campaign, of a $70,000 goal",
                    SOURCE["en"],
                ),
                figure("1,398", "donations to that campaign", SOURCE["en"]),
                paragraph(
                    "Donors received a progress report every 3 to 4 months, and so they will now."
                ),
                note("en"),
            ],
            "zh_hans": [
                paragraph(
                    "盗猎者会从道路上开枪、在盐碱地守候，有些人还偷听巡护员的通话。因此巡逻必须频繁，通讯必须可靠。"
                ),
                figure(
                    "US$67,277", "上一期反盗猎筹款所得（目标为 70,000 美元）", SOURCE["zh_hans"]
                ),
                figure("1,398", "该期筹款的捐款笔数", SOURCE["zh_hans"]),
                paragraph("捐款人每 3 至 4 个月收到一次进展报告，本期同样如此。"),
                note("zh_hans"),
            ],
        },
        "currency": "USD",
        "goal": "70000",
        "minimum_amount": "5",
        "maximum_amount": "5000",
        "starts_on": datetime.date(2025, 1, 1),
        "ends_on": None,
        "sponsorship_allowed": True,
        "amounts": [
            (
                "25",
                (
                    "заправляет патрульную машину на один рейд",
                    "fuels a patrol car for one patrol",
                    "为巡逻车加满一次巡逻的油",
                ),
            ),
            (
                "60",
                (
                    "покупает налобный фонарь и аккумуляторы",
                    "buys a head torch and batteries",
                    "购买一盏头灯和电池",
                ),
            ),
            (
                "150",
                (
                    "оплачивает месяц защищённой связи для группы",
                    "pays a team's secure radio for a month",
                    "支付一个小组一个月的加密通讯费用",
                ),
            ),
        ],
    },
    {
        "slug": ("fotolovushki", "camera-traps", "hongwai-xiangji"),
        "title": ("Новые фотоловушки", "New camera traps", "新的红外相机"),
        "intro": (
            "Фотоловушки узнают каждого леопарда по рисунку пятен. Старые камеры выходят из строя "
            "— помогите заменить их.",
            "Camera traps recognise each leopard by its rosettes. The old cameras are wearing out: "
            "help replace them.",
            "红外相机可以通过斑纹识别每一只豹。旧相机正在老化，请帮助更换。",
        ),
        "story": {
            "ru": [
                paragraph("В 2013–2018 годах в парке работали в среднем 400 фотоловушек."),
                figure("400", "фотоловушек в среднем в 2013–2018 годах", "Земля леопарда"),
                note("ru"),
            ],
            "en": [
                paragraph(
                    "From 2013 to 2018 the park ran about 400 camera-trap stations on average."
                ),
                figure("400", "camera-trap stations on average, 2013–2018", "Land of the Leopard"),
                note("en"),
            ],
            "zh_hans": [
                paragraph("2013 至 2018 年间，公园平均运行约 400 个红外相机站点。"),
                figure("400", "2013–2018 年平均红外相机站点数", "“豹之乡”国家公园"),
                note("zh_hans"),
            ],
        },
        "currency": "RUB",
        "goal": "1500000",
        "minimum_amount": "100",
        "maximum_amount": "300000",
        "starts_on": datetime.date(2025, 3, 1),
        "ends_on": None,
        "sponsorship_allowed": True,
        "amounts": [
            (
                "500",
                (
                    "покупает комплект батареек для камеры",
                    "buys a set of batteries for a camera",
                    "购买一套相机电池",
                ),
            ),
            (
                "2000",
                (
                    "поддерживает работу фотоловушки месяц",
                    "keeps a camera trap running for a month",
                    "维持一台红外相机运行一个月",
                ),
            ),
            (
                "15000",
                ("покупает новую фотоловушку", "buys a new camera trap", "购买一台新的红外相机"),
            ),
        ],
    },
    {
        "slug": ("zimnyaya-podkormka", "winter-feeding", "dongji-touwei"),
        "title": ("Зимняя подкормка копытных", "Winter feeding of ungulates", "有蹄类动物冬季补饲"),
        "intro": (
            "Олени и кабаны — добыча леопарда. В снежные зимы инспекторы подкармливают их зерном и "
            "устраивают солонцы.",
            "Deer and wild boar are the leopard's prey. In snowy winters the rangers feed them grain "
            "and set out salt.",
            "鹿和野猪是豹的猎物。在多雪的冬季，巡护员会为它们投放谷物和盐。",
        ),
        "story": {
            "ru": [
                paragraph(
                    "Подкормка копытных — одно из направлений сотрудничества с китайским парком."
                ),
                note("ru"),
            ],
            "en": [
                paragraph(
                    "Winter feeding of ungulates is one of the directions of cooperation with the Chinese park."
                ),
                note("en"),
            ],
            "zh_hans": [
                paragraph("有蹄类动物冬季补饲是与中国公园合作的方向之一。"),
                note("zh_hans"),
            ],
        },
        "currency": "RUB",
        "goal": "600000",
        "minimum_amount": "100",
        "maximum_amount": "100000",
        "starts_on": datetime.date(2025, 11, 1),
        "ends_on": datetime.date(2026, 3, 31),
        "sponsorship_allowed": False,
        "amounts": [
            ("300", ("покупает мешок зерна", "buys a sack of grain", "购买一袋谷物")),
            (
                "1000",
                (
                    "оплачивает соль для солонца на зиму",
                    "pays for a salt lick's salt for a winter",
                    "支付一个盐碱点一冬的用盐",
                ),
            ),
        ],
    },
]


def load(context):
    from decimal import Decimal

    index, changed = upsert_page(
        context.home,
        CampaignIndexPage,
        **tr("slug", "podderzhat", "support", "zhichi"),
        **tr("title", "Поддержать парк", "Support the park", "支持公园"),
        **tr(
            "intro",
            "Пожертвования оплачивают патрули, фотоловушки и подкормку. Каждый жертвователь "
            "получает отчёты о том, куда пошли деньги.",
            "Donations pay for patrols, camera traps and winter feeding. Every donor receives "
            "reports on where the money went.",
            "捐款用于巡逻、红外相机和冬季补饲。每位捐款人都会收到资金去向的报告。",
        ),
        show_in_menus=True,
    )
    context.note("campaign index", changed)
    for spec in CAMPAIGNS:
        fields = {
            **tr("slug", *spec["slug"]),
            **tr("title", *spec["title"]),
            **tr("intro", *spec["intro"]),
            **{f"story_{code}": blocks for code, blocks in spec["story"].items()},
            "currency": spec["currency"],
            "goal": Decimal(spec["goal"]),
            "minimum_amount": Decimal(spec["minimum_amount"]),
            "maximum_amount": Decimal(spec["maximum_amount"]),
            "starts_on": spec["starts_on"],
            "ends_on": spec["ends_on"],
            "sponsorship_allowed": spec["sponsorship_allowed"],
        }
        campaign, changed = upsert_page(index, CampaignPage, **fields)
        wanted = [(Decimal(amount), texts) for amount, texts in spec["amounts"]]
        current = [
            (a.amount, (a.buys_ru, a.buys_en, a.buys_zh_hans))
            for a in campaign.suggested_amounts.all()
        ]
        if current != wanted:
            campaign.suggested_amounts = [
                SuggestedAmount(amount=amount, **tr("buys", *texts)) for amount, texts in wanted
            ]
            campaign.save_revision().publish()
            changed = True
        context.note(f"campaign {spec['slug'][1]}", changed)
