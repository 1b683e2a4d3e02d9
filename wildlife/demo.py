"""Demonstration content: leopard profiles fed by a camera-trap package the demo makes itself.

The package is generated like a real export: night-vision frames drawn with Pillow that carry
EXIF GPS and the camera's printed info strips, so the publishing pipeline has something to
clean. It is imported, its highlights vetted and published through the same services staff
use. Individuals, names and stories are demonstration content (FACTS.md: the named
leopardesses; codes in the park's "Leo" + number + sex style). Running it twice changes nothing.
"""

import csv
import datetime
import io
import json
import random
import tempfile
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

from cms.demo import tr, upsert_page
from wildlife import services
from wildlife.models import (
    Highlight,
    ImportRun,
    LeopardIndexPage,
    LeopardPage,
    PopulationFigure,
    PopulationPage,
    Provider,
    Sector,
    Species,
)

PROVIDER = "land-of-the-leopard"
PACKAGE_NAME = "demo-land-of-the-leopard-camera-traps"
SCHEMA_BASE = "https://raw.githubusercontent.com/tdwg/camtrap-dp/1.0.2"

SECTORS = [
    # slug, (ru, en, zh), south, north, west, east: demonstration bounds, not the park's map.
    (
        "borisovskoe-plateau",
        ("Борисовское плато", "Borisovskoye plateau", "鲍里索夫斯科耶高原"),
        43.30,
        43.60,
        131.20,
        131.60,
    ),
    ("kedrovaya-pad", ("Кедровая Падь", "Kedrovaya Pad", "雪松谷"), 43.00, 43.30, 131.30, 131.60),
    (
        "narvinsky-pass",
        ("Нарвинский перевал", "Narvinsky pass", "纳尔温斯基山口"),
        42.80,
        43.30,
        131.00,
        131.30,
    ),
]

# Camera placements: private. The IDs and names are what the leak test looks for.
DEPLOYMENTS = [
    (
        "dpl-7c1e-north-ridge",
        "loc-ridge-17",
        "Sokolinaya ridge lick 17",
        43.4173,
        131.3861,
        "TRAP-SN-8841",
    ),
    (
        "dpl-3b9a-kedr-stream",
        "loc-kedr-04",
        "Upper Kedrovka ford 4",
        43.1468,
        131.4427,
        "TRAP-SN-2207",
    ),
    (
        "dpl-5e2f-narva-trail",
        "loc-narva-09",
        "Narva tunnel approach 9",
        43.1836,
        131.1573,
        "TRAP-SN-6613",
    ),
    ("dpl-9d4c-plateau-oak", "loc-oak-22", "Lone oak saddle 22", 43.3457, 131.5238, "TRAP-SN-3359"),
]

LEOPARDS = [
    {
        "code": "Leo 15F",
        "slug": ("koroleva-borte", "queen-borte", "boertai-wanghou"),
        "name": ("Королева Бортэ", "Queen Borte", "孛儿帖王后"),
        "sex": "female",
        "birth_year": 2008,
        "mother": None,
        "intro": (
            "Опытная самка, которая в одном выводке вырастила трёх котят. Её дочери теперь "
            "сами водят котят по Борисовскому плато.",
            "An experienced female who raised three cubs in one litter. Her daughters now lead "
            "cubs of their own across the Borisovskoye plateau.",
            "一只经验丰富的雌豹，曾一窝养大三只幼崽。如今她的女儿们也带着自己的幼崽穿行于鲍里索夫斯科耶高原。",
        ),
    },
    {
        "code": "Leo 45F",
        "slug": ("greys", "grace", "gelaisi"),
        "name": ("Грейс", "Grace", "格蕾丝"),
        "sex": "female",
        "birth_year": 2011,
        "mother": "Leo 15F",
        "intro": (
            "Дочь Королевы Бортэ. Фотоловушки видят её почти каждый месяц у ручьёв Кедровой Пади.",
            "Queen Borte's daughter. Camera traps see her almost every month by the streams of "
            "Kedrovaya Pad.",
            "孛儿帖王后的女儿。几乎每个月，红外相机都能在雪松谷的溪流旁拍到她。",
        ),
    },
    {
        "code": "Leo 60F",
        "slug": ("sochi", "sochi", "suoqi"),
        "name": ("Сочи", "Sochi", "索契"),
        "sex": "female",
        "birth_year": 2012,
        "mother": "Leo 15F",
        "intro": (
            "Вторая дочь Королевы Бортэ. Держится у Нарвинского перевала и пользуется "
            "тоннелем под дорогой.",
            "Queen Borte's second daughter. She keeps to the Narvinsky pass and uses the tunnel "
            "under the road.",
            "孛儿帖王后的二女儿。她常在纳尔温斯基山口一带活动，并利用公路下方的隧道穿行。",
        ),
    },
    {
        "code": "Leo 80M",
        "slug": ("tayfun", "typhoon", "taifeng"),
        "name": ("Тайфун", "Typhoon", "台风"),
        "sex": "male",
        "birth_year": 2014,
        "mother": "Leo 45F",
        "intro": (
            "Сын Грейс, крупный самец. Имя ему дали участники конкурса «Хранитель».",
            "Grace's son, a large male. Supporters named him in the Keeper contest.",
            "格蕾丝的儿子，一只体型高大的雄豹。他的名字由“守护者”评选活动的支持者们选定。",
        ),
    },
    {
        "code": "Leo 92F",
        "slug": ("aleksa", "alexa", "yalikesa"),
        "name": ("Алекса", "Alexa", "亚历克萨"),
        "sex": "female",
        "birth_year": 2015,
        "mother": "Leo 45F",
        "intro": (
            "Дочь Грейс. Первый раз попала в фотоловушку котёнком рядом с матерью.",
            "Grace's daughter. She first walked past a camera trap as a cub beside her mother.",
            "格蕾丝的女儿。她第一次被红外相机拍到时，还是跟在母亲身边的幼崽。",
        ),
    },
    {
        "code": "Leo 101F",
        "slug": ("umka", "umka", "wumka"),
        "name": ("Умка", "Umka", "乌姆卡"),
        "sex": "female",
        "birth_year": 2016,
        "mother": "Leo 60F",
        "intro": (
            "Дочь Сочи, младшая в семье. Осваивает участок на дубовых склонах плато.",
            "Sochi's daughter, the youngest of the family. She is settling on the oak slopes of "
            "the plateau.",
            "索契的女儿，家族中最年轻的一员。她正在高原的橡树坡上建立自己的领地。",
        ),
    },
]

# (leopard code, deployment index, capture time, favourite): all long past any embargo.
CAPTURES = [
    ("Leo 15F", 0, "2024-02-11T02:14:05+10:00", True),
    ("Leo 15F", 3, "2024-06-03T23:41:40+10:00", True),
    ("Leo 45F", 1, "2024-03-07T04:02:18+10:00", True),
    ("Leo 45F", 1, "2024-08-19T01:27:51+10:00", True),
    ("Leo 60F", 2, "2024-04-22T03:33:09+10:00", True),
    ("Leo 60F", 2, "2024-09-30T22:05:44+10:00", True),
    ("Leo 80M", 0, "2024-05-14T00:48:27+10:00", True),
    ("Leo 92F", 1, "2024-07-02T02:56:12+10:00", True),
    ("Leo 101F", 3, "2024-10-09T21:19:35+10:00", True),
    ("Leo 101F", 3, "2024-11-16T04:44:58+10:00", True),
    # Left in the vetting queue for staff to try.
    ("Leo 80M", 2, "2024-12-03T03:12:40+10:00", True),
    ("Leo 92F", 0, "2025-01-08T01:08:21+10:00", True),
]
VETTED = 10

# Each sentence twice, for a female and for a male: a leopard is "she" or "he", never "it"
# or "the animal" (and a Russian verb agrees with the sex).
STORIES = [
    (
        "Ночной обход",
        "Night round",
        "夜间巡行",
        {
            "female": "Ночью {ru} прошла по привычной тропе мимо фотоловушки — спокойно, не оглядываясь.",
            "male": "Ночью {ru} прошёл по привычной тропе мимо фотоловушки — спокойно, не оглядываясь.",
        },
        {
            "female": "A camera trap caught {en} at night on a familiar trail: she walked calmly past the camera.",
            "male": "A camera trap caught {en} at night on a familiar trail: he walked calmly past the camera.",
        },
        {
            "female": "红外相机在夜间熟悉的小径上拍到了{zh}，她从容地从相机前走过。",
            "male": "红外相机在夜间熟悉的小径上拍到了{zh}，他从容地从相机前走过。",
        },
    ),
    (
        "У воды",
        "By the water",
        "水边",
        {
            "female": "{ru} задержалась у ручья — фотоловушка успела сделать несколько кадров.",
            "male": "{ru} задержался у ручья — фотоловушка успела сделать несколько кадров.",
        },
        {
            "female": "{en} paused by a stream long enough for the camera trap to take several frames.",
            "male": "{en} paused by a stream long enough for the camera trap to take several frames.",
        },
        {
            "female": "{zh}在溪边停留了片刻，红外相机抓拍到了好几张照片。",
            "male": "{zh}在溪边停留了片刻，红外相机抓拍到了好几张照片。",
        },
    ),
    (
        "Снова на участке",
        "Back on the range",
        "重返领地",
        {
            "female": "{ru} снова на своём участке: новая встреча подтверждает, что она здорова.",
            "male": "{ru} снова на своём участке: новая встреча подтверждает, что он здоров.",
        },
        {
            "female": "{en} is back on home ground: a new record shows she is well.",
            "male": "{en} is back on home ground: a new record shows he is well.",
        },
        {
            "female": "{zh}又回到了自己的领地：新的记录表明她身体健康。",
            "male": "{zh}又回到了自己的领地：新的记录表明他身体健康。",
        },
    ),
]

POPULATION = [
    # year, leopards, leopard cubs, tigers, camera stations, source (ru, en, zh)
    (
        2015,
        57,
        16,
        None,
        None,
        (
            "Учёт фотоловушками 2015 г.; котята — за 2015–2016 гг.",
            "Camera-trap count, 2015; cubs over 2015–2016",
            "2015年红外相机统计；幼崽数为2015–2016年合计",
        ),
    ),
    (
        2016,
        80,
        None,
        20,
        300,
        (
            "Официальная оценка 2016 г.; более 300 камер",
            "Official figure, 2016; over 300 cameras",
            "2016年官方数据；300多台相机",
        ),
    ),
    (
        2018,
        None,
        None,
        None,
        400,
        (
            "В среднем 400 станций в 2013–2018 гг.",
            "400 stations on average, 2013–2018",
            "2013–2018年平均400个监测站",
        ),
    ),
]


def paint_night_frame(size, rng, cat_colour=230):
    """A camera trap's infrared night frame: grey forest, a spotted cat, bright eyes."""
    width, height = size
    frame = Image.new("L", size, 18)
    draw = ImageDraw.Draw(frame)
    for _ in range(900):
        x, y = rng.uniform(0, width), rng.uniform(height * 0.3, height)
        length = rng.uniform(20, 120)
        shade = rng.randint(40, 120)
        draw.line([(x, y), (x + rng.uniform(-30, 30), y - length)], fill=shade, width=2)
    for _ in range(14):
        x = rng.uniform(0, width)
        draw.rectangle([x, 0, x + rng.uniform(12, 40), height], fill=rng.randint(25, 70))
    body_x, body_y = (
        rng.uniform(width * 0.25, width * 0.55),
        rng.uniform(height * 0.5, height * 0.62),
    )
    body_w, body_h = width * 0.3, height * 0.16
    draw.ellipse([body_x, body_y, body_x + body_w, body_y + body_h], fill=cat_colour - 40)
    head = (body_x + body_w * 0.92, body_y - body_h * 0.35)
    draw.ellipse(
        [head[0], head[1], head[0] + body_h * 0.8, head[1] + body_h * 0.75], fill=cat_colour - 30
    )
    for leg in range(4):
        lx = body_x + body_w * (0.1 + 0.25 * leg)
        draw.rectangle(
            [lx, body_y + body_h * 0.7, lx + body_w * 0.07, body_y + body_h * 1.9],
            fill=cat_colour - 50,
        )
    draw.line(
        [(body_x, body_y + body_h * 0.4), (body_x - body_w * 0.35, body_y + body_h * 1.2)],
        fill=cat_colour - 50,
        width=int(body_h * 0.15),
    )
    for _ in range(60):
        rx = rng.uniform(body_x + 10, body_x + body_w - 10)
        ry = rng.uniform(body_y + 6, body_y + body_h - 6)
        r = rng.uniform(4, 9)
        draw.ellipse([rx - r, ry - r, rx + r, ry + r], outline=60, width=3)
    for dx in (0.25, 0.55):
        ex, ey = head[0] + body_h * 0.8 * dx, head[1] + body_h * 0.3
        draw.ellipse([ex, ey, ex + 9, ey + 7], fill=255)
    frame = frame.filter(ImageFilter.GaussianBlur(1.2))
    noise = Image.effect_noise(size, 18)
    return Image.blend(frame, noise, 0.12).convert("RGB")


def print_info_strips(frame, timestamp, camera_name, rng):
    """The strips a camera prints on its frames: date, temperature, moon; camera name."""
    width, height = frame.size
    strip = max(24, height // 36)
    draw = ImageDraw.Draw(frame)
    font = ImageFont.load_default(size=strip - 6)
    draw.rectangle([0, 0, width, strip], fill=0)
    draw.rectangle([0, height - strip, width, height], fill=0)
    stamp = datetime.datetime.fromisoformat(timestamp)
    draw.text((8, 2), f"{stamp:%Y-%m-%d %H:%M:%S}   M 1/3", fill=235, font=font)
    draw.text((width - 130, 2), f"{rng.randint(-18, 12)}°C", fill=235, font=font)
    draw.text((8, height - strip + 2), camera_name, fill=235, font=font)
    draw.text((width - 160, height - strip + 2), "NIGHTEYE", fill=(0, 200, 0), font=font)
    return frame


def exif_with_gps(latitude, longitude, timestamp, serial):
    """EXIF as a camera writes it: make, model, serial, time and the precise position."""
    exif = Image.Exif()
    exif[0x010F] = "DemoTrap"
    exif[0x0110] = "NightEye 2"
    exif_ifd = exif.get_ifd(0x8769)
    stamp = datetime.datetime.fromisoformat(timestamp)
    exif_ifd[0x9003] = f"{stamp:%Y:%m:%d %H:%M:%S}"
    exif_ifd[0xA431] = serial
    gps = exif.get_ifd(0x8825)

    def dms(value):
        value = abs(value)
        degrees = int(value)
        minutes = int((value - degrees) * 60)
        return (float(degrees), float(minutes), round((value - degrees - minutes / 60) * 3600, 2))

    gps[1], gps[2] = ("N" if latitude >= 0 else "S"), dms(latitude)
    gps[3], gps[4] = ("E" if longitude >= 0 else "W"), dms(longitude)
    return exif.tobytes()


def write_package(folder):
    """Writes the demo's Camtrap DP package into `folder`; the same bytes every time."""
    folder = Path(folder)
    (folder / "media").mkdir(parents=True, exist_ok=True)
    with open(folder / "deployments.csv", "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(
            [
                "deploymentID",
                "locationID",
                "locationName",
                "latitude",
                "longitude",
                "coordinateUncertainty",
                "deploymentStart",
                "deploymentEnd",
                "cameraID",
                "cameraModel",
                "featureType",
                "habitat",
            ]
        )
        for dep_id, loc_id, loc_name, lat, lon, camera in DEPLOYMENTS:
            writer.writerow(
                [
                    dep_id,
                    loc_id,
                    loc_name,
                    f"{lat:.4f}",
                    f"{lon:.4f}",
                    15,
                    "2024-01-10T10:00:00+10:00",
                    "2025-01-31T10:00:00+10:00",
                    camera,
                    "DemoTrap NightEye 2",
                    "trailGame",
                    "Oak and cedar forest",
                ]
            )
    media_rows, observation_rows = [], []
    for number, (code, dep_index, timestamp, favourite) in enumerate(CAPTURES, start=1):
        dep_id, _loc, _name, lat, lon, camera = DEPLOYMENTS[dep_index]
        rng = random.Random(number)
        frame = print_info_strips(
            paint_night_frame((1024, 768), rng), timestamp, f"CAM {camera}", rng
        )
        file_name = f"IMG_{number:04d}.JPG"
        frame.save(
            folder / "media" / file_name,
            "JPEG",
            quality=88,
            exif=exif_with_gps(lat, lon, timestamp, camera),
        )
        media_id = f"m-{number:04d}"
        media_rows.append(
            [
                media_id,
                dep_id,
                "activityDetection",
                timestamp,
                f"media/{file_name}",
                "false",
                file_name,
                "image/jpeg",
                "true" if favourite else "false",
            ]
        )
        observation_rows.append(
            [
                f"o-{number:04d}",
                dep_id,
                media_id,
                timestamp,
                timestamp,
                "media",
                "animal",
                "Panthera pardus orientalis",
                1,
                "adult",
                code,
                "human",
            ]
        )
        # A roe deer on a frame that is no one's highlight, as real packages have.
        observation_rows.append(
            [
                f"o-{number:04d}-b",
                dep_id,
                media_id,
                timestamp,
                timestamp,
                "media",
                "animal",
                "Capreolus pygargus",
                1,
                "adult",
                "",
                "machine",
            ]
        )
    with open(folder / "media.csv", "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(
            [
                "mediaID",
                "deploymentID",
                "captureMethod",
                "timestamp",
                "filePath",
                "filePublic",
                "fileName",
                "fileMediatype",
                "favorite",
            ]
        )
        writer.writerows(media_rows)
    with open(folder / "observations.csv", "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(
            [
                "observationID",
                "deploymentID",
                "mediaID",
                "eventStart",
                "eventEnd",
                "observationLevel",
                "observationType",
                "scientificName",
                "count",
                "lifeStage",
                "individualID",
                "classificationMethod",
            ]
        )
        writer.writerows(observation_rows)
    descriptor = {
        "name": PACKAGE_NAME,
        "profile": f"{SCHEMA_BASE}/camtrap-dp-profile.json",
        "created": "2025-02-01T00:00:00Z",
        "contributors": [{"title": "Land of the Leopard (demonstration)", "role": "publisher"}],
        "project": {
            "title": "Demonstration camera-trap monitoring",
            "samplingDesign": "targeted",
            "captureMethod": ["activityDetection"],
            "individualAnimals": True,
            "observationLevel": ["media"],
        },
        "spatial": {
            "type": "Polygon",
            "coordinates": [
                [[131.0, 42.8], [131.6, 42.8], [131.6, 43.6], [131.0, 43.6], [131.0, 42.8]]
            ],
        },
        "temporal": {"start": "2024-01-10", "end": "2025-01-31"},
        "taxonomic": [
            {"scientificName": "Panthera pardus orientalis"},
            {"scientificName": "Capreolus pygargus"},
        ],
        "resources": [
            {
                "name": name,
                "path": f"{name}.csv",
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": f"{SCHEMA_BASE}/{name}-table-schema.json",
            }
            for name in ("deployments", "media", "observations")
        ],
    }
    (folder / "datapackage.json").write_text(json.dumps(descriptor, indent=2), "utf-8")
    return folder


def ensure_reference_data(context):
    for slug, (ru, en, zh), south, north, west, east in SECTORS:
        _sector, created = Sector.objects.update_or_create(
            slug=slug,
            defaults={
                "name": ru,
                "name_ru": ru,
                "name_en": en,
                "name_zh_hans": zh,
                "south": south,
                "north": north,
                "west": west,
                "east": east,
            },
        )
        context.note(f"sector {slug}", created)
    for year, leopards, cubs, tigers, stations, (ru, en, zh) in POPULATION:
        _figure, created = PopulationFigure.objects.get_or_create(
            year=year,
            defaults={
                "leopards": leopards,
                "leopard_cubs": cubs,
                "tigers": tigers,
                "camera_stations": stations,
                "source": ru,
                "source_ru": ru,
                "source_en": en,
                "source_zh_hans": zh,
            },
        )
        context.note(f"population {year}", created)


def ensure_pages(context):
    index, changed = upsert_page(
        context.home,
        LeopardIndexPage,
        **tr("slug", "leopardy", "leopards", "baozi"),
        **tr("title", "Леопарды", "Leopards", "豹子"),
        **tr(
            "intro",
            "Знакомьтесь с леопардами парка. Снимки фотоловушек публикуются после проверки "
            "и с задержкой, а место указывается только сектором парка — чтобы звери были в безопасности.",
            "Meet the park's leopards. Camera-trap images are published after staff check them "
            "and after a delay, and places are given only as park sectors, to keep the animals safe.",
            "认识公园里的豹子。红外相机照片经工作人员审核并延迟发布，地点只标注到公园分区，以保护动物安全。",
        ),
        show_in_menus=True,
    )
    context.note("leopard index", changed)
    _population, changed = upsert_page(
        index,
        PopulationPage,
        **tr("slug", "chislennost", "population", "zhongqun"),
        **tr("title", "Численность и мониторинг", "Population and monitoring", "种群与监测"),
        **tr(
            "intro",
            "Сколько леопардов и тигров фиксируют фотоловушки и сколько работает станций.",
            "How many leopards and tigers the camera traps record, and how many stations are at work.",
            "红外相机记录到多少豹和虎，以及有多少监测站在运行。",
        ),
    )
    context.note("population page", changed)
    leopard_species = Species.objects.get(slug="leopard")
    pages = {}
    for spec in LEOPARDS:
        ru, en, zh = spec["name"]
        page, changed = upsert_page(
            index,
            LeopardPage,
            **tr("slug", *spec["slug"]),
            **tr(
                "title",
                f"{ru} ({spec['code']})",
                f"{en} ({spec['code']})",
                f"{zh}（{spec['code']}）",
            ),
            **tr("name", ru, en, zh),
            **tr("intro", *spec["intro"]),
            code=spec["code"],
            individual_id=spec["code"],
            species=leopard_species,
            sex=spec["sex"],
            birth_year=spec["birth_year"],
            first_record_year=spec["birth_year"],
            mother=pages[spec["mother"]] if spec["mother"] else None,
            status="living",
        )
        context.note(f"leopard {spec['code']}", changed)
        pages[spec["code"]] = page
    return pages


def import_demo_package(context):
    provider = Provider.objects.get(code=PROVIDER)
    if ImportRun.objects.filter(
        provider=provider, package_name=PACKAGE_NAME, status=ImportRun.Status.SUCCEEDED
    ).exists():
        return
    with tempfile.TemporaryDirectory() as folder:
        services.import_package(write_package(folder), provider)
    context.note("camera-trap package", True)


def vet_and_publish(context, pages):
    names = {spec["code"]: spec["name"] for spec in LEOPARDS}
    to_vet = Highlight.objects.filter(
        provider__code=PROVIDER, status=Highlight.Status.CANDIDATE
    ).order_by("captured_at", "pk")
    for number, highlight in enumerate(to_vet):
        if number_of_vetted() >= VETTED:
            break
        leopard = pages.get(highlight.individual_id)
        if leopard is None:
            continue
        ru, en, zh = names[highlight.individual_id]
        story = STORIES[number % len(STORIES)]
        highlight.leopard = leopard
        highlight.crop_left, highlight.crop_right = 0.05, 0.95
        highlight.story_title_ru, highlight.story_title_en, highlight.story_title_zh_hans = (
            f"{ru}: {story[0].lower()}",
            f"{en}: {story[1].lower()}",
            f"{zh}：{story[2]}",
        )
        sex = "male" if leopard.sex == leopard.Sex.MALE else "female"
        highlight.story_ru = story[3][sex].format(ru=ru)
        highlight.story_en = story[4][sex].format(en=en)
        highlight.story_zh_hans = story[5][sex].format(zh=zh)
        highlight.image_alt_ru = f"{ru} ночью на снимке фотоловушки"
        highlight.image_alt_en = f"{en} at night on a camera-trap image"
        highlight.image_alt_zh_hans = f"红外相机夜间拍到的{zh}"
        services.approve_highlight(highlight, None)
        context.note(f"sighting of {highlight.individual_id}", True)
    for page in pages.values():
        if page.portrait_id is None:
            sighting = page.sightings.order_by("-month").first()
            if sighting:
                page.portrait = sighting.image
                page.portrait_alt_ru = sighting.image_alt_ru
                page.portrait_alt_en = sighting.image_alt_en
                page.portrait_alt_zh_hans = sighting.image_alt_zh_hans
                page.save_revision().publish()
                context.note(f"portrait of {page.code}", True)


def number_of_vetted():
    return (
        Highlight.objects.filter(provider__code=PROVIDER)
        .exclude(status=Highlight.Status.CANDIDATE)
        .count()
    )


def load(context):
    ensure_reference_data(context)
    pages = ensure_pages(context)
    import_demo_package(context)
    vet_and_publish(context, pages)


def demo_package_bytes():
    """The demo package as a zip, for tests of the upload screen."""
    import zipfile

    buffer = io.BytesIO()
    with tempfile.TemporaryDirectory() as folder:
        root = write_package(folder)
        with zipfile.ZipFile(buffer, "w") as archive:
            for path in sorted(root.rglob("*")):
                if path.is_file():
                    archive.write(path, path.relative_to(root).as_posix())
    return buffer.getvalue()
