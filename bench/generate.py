#!/usr/bin/env python3
"""Generate a synthetic district of N schools twice: as shnor content and as a Hugo site.

Usage: python3 bench/generate.py N OUT [--seed S]

Writes OUT/content (the shnor content format, docs in /work/shared/spec/content-format.md)
and OUT/hugo (a Hugo site with the same pages and simple layouts printing the same tables).
Standard library only: CI may have no PyYAML. Output is deterministic: every school
draws from its own random generator seeded with (seed, school number), so school
s00042 is the same at every N.
"""

import argparse
import datetime
import json
import os
import random
import re
import shutil

SCHOOLS_DIR = "schools"
ROADMAP_ID = "plan"
DISTRICT_ROADMAP_ID = "plan-2024"
BUILD_YEAR = 2024

# ---------------------------------------------------------------- YAML text

_PLAIN_SAFE = re.compile(r"^[^\s\-?:,\[\]{}#&*!|>'\"%@`][^\n]*$")
_LOOKS_TYPED = re.compile(
    r"^(?:[-+]?\d[\d_.,:eE+-]*|true|false|yes|no|on|off|null|~|y|n)$", re.IGNORECASE)


def yaml_scalar(value):
    """One YAML scalar; strings stay plain where YAML would read them back unchanged."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = str(value)
    if (_PLAIN_SAFE.match(text) and not _LOOKS_TYPED.match(text)
            and ": " not in text and " #" not in text and not text.endswith((":", " "))):
        return text
    # A JSON string is a valid YAML double-quoted scalar.
    return json.dumps(text, ensure_ascii=False)


def flow_scalar(value):
    """A scalar inside `[...]`, where commas and brackets end a plain value."""
    text = yaml_scalar(value)
    if isinstance(value, str) and not text.startswith('"') and any(c in text for c in ",[]{}"):
        return json.dumps(value, ensure_ascii=False)
    return text


class Literal(str):
    """A multi-line string written as a YAML block literal (`|`)."""


def yaml_lines(value, indent=0):
    pad = "  " * indent
    lines = []
    if isinstance(value, dict):
        for key, item in value.items():
            lines.extend(_yaml_entry(pad + key + ":", item, indent))
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, dict) and item:
                inner = yaml_lines(item, indent + 1)
                inner[0] = pad + "- " + inner[0][len(pad) + 2:]
                lines.extend(inner)
            else:
                lines.extend(_yaml_entry(pad + "-", item, indent))
    else:
        lines.append(pad + yaml_scalar(value))
    return lines


def _yaml_entry(head, item, indent):
    if isinstance(item, Literal):
        body = ["  " * (indent + 1) + line if line else "" for line in item.rstrip("\n").split("\n")]
        return [head + " |"] + body
    if isinstance(item, list) and item and all(not isinstance(x, (dict, list)) for x in item):
        return [head + " [" + ", ".join(flow_scalar(x) for x in item) + "]"]
    if isinstance(item, (dict, list)) and item:
        return [head] + yaml_lines(item, indent + 1)
    if isinstance(item, (dict, list)):
        return [head + (" {}" if isinstance(item, dict) else " []")]
    return [head + " " + yaml_scalar(item)]


def yaml_text(value):
    return "\n".join(yaml_lines(value)) + "\n"


def markdown_file(front_matter, body):
    return "---\n" + yaml_text(front_matter) + "---\n\n" + body.rstrip("\n") + "\n"


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        out.write(text)

# ---------------------------------------------------------------- word banks

VILLAGE_ROOTS = [
    "Кармаклин", "Новочанов", "Новоярков", "Бадажков", "Новониколаев", "Таскаев",
    "Квашнин", "Шубин", "Тополев", "Устьянцев", "Кутафин", "Глинск", "Березов",
    "Покров", "Никольск", "Успен", "Знамен", "Михайлов", "Озерн", "Лесн", "Полев",
    "Садов", "Заречн", "Красноярск", "Ивановск", "Петровск", "Сосновск", "Орехов",
    "Вишнев", "Дубров", "Ключев", "Кедров", "Рождествен", "Троиц", "Богородск",
]
SURNAMES = [
    ("Иванов", "Иванова"), ("Петров", "Петрова"), ("Смирнов", "Смирнова"),
    ("Кузнецов", "Кузнецова"), ("Попов", "Попова"), ("Соколов", "Соколова"),
    ("Лебедев", "Лебедева"), ("Козлов", "Козлова"), ("Новиков", "Новикова"),
    ("Морозов", "Морозова"), ("Волков", "Волкова"), ("Алексеев", "Алексеева"),
    ("Хромов", "Хромова"), ("Еремин", "Еремина"), ("Желтяков", "Желтякова"),
]
INITIALS = "АБВГДЕЖЗИКЛМНОПРСТ"

REASONS = [
    "Низкие образовательные результаты ОГЭ по математике в течение двух лет",
    "Низкие образовательные результаты ОГЭ и ЕГЭ в 2023 году",
    "Низкие результаты ВПР по математике в 5 и 6 классах",
    "Доля обучающихся, не преодолевших минимальный порог ОГЭ по русскому языку, выше региональной",
    "Высокая доля обучающихся из семей с низким социальным статусом",
    "Территориальная удалённость и ограниченная транспортная доступность",
    "Высокая доля обучающихся с ОВЗ и детей, находящихся в трудной жизненной ситуации",
    "Дефицит педагогических кадров по физике и математике",
]
RISK_FACTORS = [
    "Дефицит педагогических кадров",
    "Высокая доля обучающихся с рисками учебной неуспешности",
    "Низкая учебная мотивация обучающихся",
    "Недостаточная предметная и методическая компетентность педагогических работников",
    "Низкий уровень вовлечённости родителей",
]

SENTENCES = [
    "Школа расположена в {place} и обучает {students} детей, из них большая часть проживает в соседних сёлах.",
    "В {year} году школа включена в перечень школ с низкими образовательными результатами приказом министерства образования области.",
    "Педагогический коллектив насчитывает {teachers} человек; средний возраст учителей превышает пятьдесят лет.",
    "Основные трудности связаны с результатами ОГЭ по математике и русскому языку: доля выпускников, не преодолевших минимальный порог, остаётся выше районной.",
    "Для каждого выпускника 9 класса составлен индивидуальный образовательный маршрут с графиком консультаций.",
    "Школа работает по своей «дорожной карте», согласованной с управлением образования и школой-наставником.",
    "Учителя математики и русского языка прошли курсы повышения квалификации по формированию функциональной грамотности.",
    "Два раза в четверть проводятся внутришкольные диагностические работы, их результаты обсуждаются на методическом объединении.",
    "Родители обучающихся приглашаются на открытые уроки и консультации по подготовке к государственной итоговой аттестации.",
    "В школе открыт центр образования естественно-научной и технологической направленностей «Точка роста».",
    "Школьный координатор ежемесячно готовит отчёт о выполнении мероприятий для муниципального координатора.",
    "С сентября по май работает консультационный пункт для обучающихся с рисками учебной неуспешности.",
    "Школа-наставник проводит взаимопосещение уроков и помогает в анализе результатов оценочных процедур.",
    "Подвоз обучающихся из отдалённых населённых пунктов организован двумя школьными автобусами.",
    "Для педагогов организованы стажировки на базе школ района с высокими образовательными результатами.",
    "Результаты мониторинга публикуются на этой странице и обновляются после каждой оценочной процедуры.",
    "Особое внимание уделяется адаптации обучающихся 5 класса и преемственности между начальной и основной школой.",
    "Классные руководители ведут учёт пропусков и еженедельно информируют родителей об успеваемости.",
]
HEADINGS = ["Что делает школа", "Кадровые условия", "Работа с родителями", "Ближайшие шаги"]
LIST_ITEMS = [
    "консультации по математике для 9 класса по вторникам и четвергам",
    "занятия по читательской грамотности в 5–7 классах",
    "пробные экзамены в декабре и марте",
    "методический день для учителей начальных классов",
    "индивидуальные беседы с родителями выпускников",
    "участие в сетевых проектах со школой-наставником",
]

ROADMAP_SECTIONS = [
    "Организационно-управленческие меры",
    "Работа с педагогическими кадрами",
    "Работа с обучающимися",
    "Работа с родителями и мониторинг результатов",
]
ITEM_TITLES = [
    "Назначение школьного координатора по сопровождению ШНОР",
    "Разработка и утверждение школьной «дорожной карты»",
    "Создание на официальном сайте школы раздела «ШНОР и ШНСУ»",
    "Анализ результатов ОГЭ и ЕГЭ прошлого учебного года",
    "Самодиагностика в рамках проекта «Школа Минпросвещения России»",
    "Курсы повышения квалификации учителей математики",
    "Взаимопосещение уроков со школой-наставником",
    "Методический семинар по формированию функциональной грамотности",
    "Стажировка молодых педагогов на базе школы-наставника",
    "Аттестация педагогических работников",
    "Индивидуальные образовательные маршруты для выпускников 9 класса",
    "Внутришкольная диагностика по математике в 8–9 классах",
    "Пробный экзамен по русскому языку в 9 классе",
    "Занятия в центре «Точка роста»",
    "Олимпиадная подготовка и участие в конкурсах",
    "Родительские собрания по подготовке к ГИА",
    "Консультации педагога-психолога для выпускников",
    "Мониторинг выполнения «дорожной карты»",
    "Отчёт о выполнении «дорожной карты» на педагогическом совете",
    "Публикация результатов мониторинга на сайте школы",
]
ITEM_RESULTS = [
    "Приказ по школе", "Утверждённый план", "Раздел на сайте наполнен",
    "Аналитическая справка", "Протокол педагогического совета",
    "Не менее 90 % выпускников преодолевают минимальный порог ОГЭ",
    "Удостоверения о повышении квалификации", "Коррекция индивидуальных маршрутов",
]
RESPONSIBLE = [
    "Директор", "Заместитель директора по УВР", "Школьный координатор",
    "Руководитель ШМО", "Педагог-психолог", "Учителя-предметники", "Классные руководители",
]
# (printed deadline, start, due); due None means a recurring item with no deadline.
DEADLINES = [
    ("Январь 2024", "2024-01-01", "2024-01-31"),
    ("Март-апрель 2024", "2024-03-01", "2024-04-30"),
    ("до 15 мая 2024г.", None, "2024-05-15"),
    ("Сентябрь - декабрь 2024г.", "2024-09-01", "2024-12-31"),
    ("Апрель 2024, Октябрь 2024", "2024-04-01", "2024-10-31"),
    ("В течение 2024 года", "2024-01-01", "2024-12-31"),
    ("к сентябрю 2024 года", None, "2024-09-01"),
    ("Октябрь 2024", "2024-10-01", "2024-10-31"),
    ("Декабрь 2024", "2024-12-01", "2024-12-31"),
    ("ежегодно", None, None),
    ("постоянно", None, None),
]
RESULT_SUBJECTS = {
    "ОГЭ": (9, 5, ["Математика", "Русский язык", "Обществознание", "Биология"]),
    "ЕГЭ": (11, 100, ["Русский язык", "Математика (профильная)", "Обществознание", "Физика"]),
}
RESULT_YEARS = [2022, 2023, 2024]
DOCUMENT_KINDS = [
    ("order", "prikaz-{n}-2024", "О назначении школьного координатора по сопровождению ШНОР"),
    ("plan", "dorozhnaya-karta-{n}-2024", "Школьная «дорожная карта» по повышению качества образования на 2024 год"),
    ("report", "samodiagnostika-2024", "Результаты самодиагностики «Школа Минпросвещения России»"),
    ("analytics", "spravka-oge-2024", "Аналитическая справка о результатах ОГЭ 2024 года"),
    ("protocol", "protokol-pedsoveta-{n}", "Протокол педагогического совета об итогах первого полугодия"),
    ("programme", "antiriskovaya-2024", "Антирисковая программа «Повышение учебной мотивации обучающихся»"),
]
NEWS_TOPICS = [
    ("seminar", "Методический семинар для учителей математики"),
    ("roditelskoe-sobranie", "Родительское собрание по подготовке к ГИА"),
    ("tochka-rosta", "Открытые занятия в центре «Точка роста»"),
    ("probnyy-ekzamen", "Пробный экзамен по русскому языку"),
    ("nastavnik", "Визит школы-наставника"),
]

# ---------------------------------------------------------------- school data


def person(rng, position):
    male, female = rng.choice(SURNAMES)
    surname = rng.choice([male, female])
    return {"name": f"{surname} {rng.choice(INITIALS)}. {rng.choice(INITIALS)}.", "position": position}


def school_data(number, seed):
    rng = random.Random(seed * 1_000_003 + number)
    slug = f"s{number:05d}"
    root = VILLAGE_ROOTS[number % len(VILLAGE_ROOTS)]
    kind = rng.choice(["СОШ", "СОШ", "ООШ"])
    full_kind = "средняя" if kind == "СОШ" else "основная"
    short = f"МКОУ {root}ская {kind} № {number}"
    place = f"с. {root}о"
    students = rng.randint(20, 400)
    teachers = max(6, students // rng.randint(8, 14))
    school = {
        "slug": slug,
        "number": number,
        "rng": rng,
        "short_name": short,
        "name": f"МКОУ {root}ская {full_kind} общеобразовательная школа № {number}",
        "place": place,
        "students": students,
        "teachers": teachers,
        "head": person(rng, "Директор"),
        "coordinator": dict(person(rng, "Заместитель директора по УВР"),
                            phone=f"+7 (383-61) {rng.randint(20, 99)}-{rng.randint(10, 99)}-{rng.randint(10, 99)}",
                            email=f"{slug}@school.example"),
        "address": f"Новосибирская область, Барабинский район, {place}, ул. Школьная, д. {rng.randint(1, 40)}",
        "official_site": f"https://{slug}.school.example/",
    }
    school["categories"] = categories(rng)
    school["risk_profile"] = rng.sample(RISK_FACTORS, 2)
    school["documents"] = documents(school)
    school["news"] = news(school)
    school["roadmap"] = roadmap(school)
    school["results"] = results(rng)
    school["intro"] = intro_text(school)
    return school


def categories(rng):
    chosen = [{"type": "shnor", "year": rng.choice([2023, 2024]),
               "basis": "prikaz-mno-217-2024", "reasons": rng.sample(REASONS[:4], rng.randint(1, 2))}]
    if rng.random() < 0.4:
        chosen.append({"type": "shnsu", "year": 2024, "basis": "prikaz-mno-217-2024",
                       "reasons": rng.sample(REASONS[4:], rng.randint(1, 2))})
    return chosen


def documents(school):
    rng = school["rng"]
    result = []
    for index, (kind, id_pattern, title) in enumerate(DOCUMENT_KINDS):
        number = rng.randint(3, 180)
        day = datetime.date(2024, 1 + index * 2, rng.randint(1, 28))
        doc_id = id_pattern.format(n=number)
        result.append({
            "id": doc_id, "kind": kind, "title": f"{title} ({school['short_name']})",
            "number": f"{number}-од", "date": day, "issuer": school["short_name"],
            "url": f"{school['official_site']}docs/{doc_id}.pdf",
            "signed_by": {"name": school["head"]["name"], "position": "Директор"},
        })
    return result


def news(school):
    rng = school["rng"]
    items = []
    for index, (topic_slug, title) in enumerate(rng.sample(NEWS_TOPICS, 3)):
        day = datetime.date(2024, 3 + index * 3, rng.randint(1, 28))
        paragraphs = [" ".join(rng.sample(SENTENCES, 3)).format(**sentence_values(school)) for _ in range(2)]
        items.append({"id": f"{day.isoformat()}-{topic_slug}", "title": title, "date": day,
                      "body": "\n\n".join(paragraphs)})
    return items


def sentence_values(school):
    return {"place": school["place"], "students": school["students"],
            "teachers": school["teachers"], "year": 2024}


def roadmap(school):
    rng = school["rng"]
    sections = []
    titles = rng.sample(ITEM_TITLES, 20)
    for section_index, section_title in enumerate(ROADMAP_SECTIONS):
        items = []
        for item_index in range(5):
            n = section_index * 5 + item_index + 1
            when, start, due = rng.choice(DEADLINES)
            item = {"n": str(n), "title": titles[n - 1], "when": when}
            if start:
                item["start"] = datetime.date.fromisoformat(start)
            if due:
                item["due"] = datetime.date.fromisoformat(due)
            picked = rng.sample(RESPONSIBLE, rng.randint(1, 2))
            item["responsible"] = picked if len(picked) > 1 else picked[0]
            item["result"] = rng.choice(ITEM_RESULTS)
            status = rng.choice(["done", "done", "in_progress", "planned", "planned"])
            item["status"] = status
            if status == "done":
                reported = (item.get("due") or datetime.date(2024, 6, 1)) - datetime.timedelta(days=rng.randint(0, 20))
                document = rng.choice(school["documents"])
                item["report"] = Literal(
                    f"Выполнено: {item['result'].lower()}. Подробности — в документе "
                    f"«{document['title']}».\n")
                item["reported"] = reported
                item["evidence"] = [document["id"]]
                if rng.random() < 0.3:
                    item["evidence"].append("news:" + rng.choice(school["news"])["id"])
            items.append(item)
        sections.append({"n": str(section_index + 1), "title": section_title, "items": items})
    for index, item in enumerate(school["news"]):
        item["roadmap_item"] = f"{ROADMAP_ID}#{rng.randint(1, 20)}"
    return {
        "title": f"Школьная «дорожная карта» по повышению качества образования {school['short_name']} на 2024 год",
        "period": {"start": datetime.date(2024, 1, 1), "end": datetime.date(2024, 12, 31)},
        "approved_by": school["documents"][1]["id"],
        "sections": sections,
    }


def results(rng):
    rows = []
    for exam, (grade, scale, subjects) in RESULT_SUBJECTS.items():
        for subject in subjects:
            for year in RESULT_YEARS:
                participants = rng.randint(4, 30)
                failed = rng.randint(0, participants // 2)
                good = rng.randint(0, participants - failed)
                mean = round(rng.uniform(2.6, 4.2), 1) if scale == 5 else round(rng.uniform(30, 70), 1)
                rows.append({
                    "exam": exam, "subject": subject, "grade": grade, "year": year,
                    "participants": participants, "mean": mean, "scale": scale,
                    "fail_share": round(100 * failed / participants, 1),
                    "quality_share": round(100 * good / participants, 1),
                })
    return rows


def intro_text(school, target_bytes=1800):
    """About 2 KB of UTF-8 Markdown: paragraphs, a heading and a short list."""
    rng = school["rng"]
    values = sentence_values(school)
    parts = []
    headings = list(HEADINGS)
    while len("\n\n".join(parts).encode("utf-8")) < target_bytes:
        if parts and rng.random() < 0.25 and headings:
            parts.append("## " + headings.pop(0))
            parts.append("\n".join("- " + item for item in rng.sample(LIST_ITEMS, 3)))
        else:
            parts.append(" ".join(rng.sample(SENTENCES, 3)).format(**values))
    return "\n\n".join(parts) + "\n"

# ---------------------------------------------------------------- our format


def write_shnor_content(out, schools, total):
    content = os.path.join(out, "content")
    write(os.path.join(content, "site.yaml"), yaml_text(site_config(total)))
    write(os.path.join(content, "documents.yaml"), yaml_text(district_documents()))
    write(os.path.join(content, "roadmaps", DISTRICT_ROADMAP_ID + ".yaml"),
          yaml_text(district_roadmap(schools)))
    for school in schools:
        folder = os.path.join(content, SCHOOLS_DIR, school["slug"])
        write(os.path.join(folder, "school.yaml"), yaml_text(school_yaml(school)))
        write(os.path.join(folder, "index.md"),
              markdown_file({"title": f"{school['short_name']} в программе сопровождения"}, school["intro"]))
        write(os.path.join(folder, "roadmaps", ROADMAP_ID + ".yaml"), yaml_text(school["roadmap"]))
        write(os.path.join(folder, "results.yaml"), yaml_text(school["results"]))
        write(os.path.join(folder, "documents.yaml"), yaml_text(school["documents"]))
        for item in school["news"]:
            write(os.path.join(folder, "news", item["id"] + ".md"),
                  markdown_file({"title": item["title"], "date": item["date"], "schools": [school["slug"]],
                                 "roadmap_item": item["roadmap_item"]}, item["body"]))


def site_config(total):
    return {
        "title": "Сопровождение школ с низкими образовательными результатами",
        "base_url": "https://bench-district.example/shnor/",
        "language": "ru",
        "district": {
            "name": "Синтетический район",
            "region": "Новосибирская область",
            "authority": "Управление образования администрации Синтетического района",
            "address": "632334, Новосибирская область, г. Барабинск, ул. Примерная, д. 1",
            "phone": "+7 (383-61) 0-00-00",
            "email": "uo@bench-district.example",
            "website": "https://bench-district.example/",
            "schools_total": total,
            "facts": [{"label": "школы с низкими образовательными результатами (ШНОР)", "value": str(total)}],
        },
        "coordinator": {
            "organization": "МКУ «Центр информационно-методического обеспечения»",
            "name": "Желтякова Н. П.", "position": "Заведующий",
            "phone": "+7 (383-61) 0-00-01", "email": "cimo@bench-district.example",
        },
    }


def district_documents():
    return [
        {"id": "prikaz-mno-217-2024", "kind": "order",
         "title": "Об утверждении перечня школ с низкими образовательными результатами в Новосибирской области в 2024 году",
         "number": "217", "date": datetime.date(2024, 2, 9), "issuer": "Министерство образования Новосибирской области",
         "url": "https://minobr.example/docs/217.pdf"},
        {"id": "prikaz-145-2024", "kind": "order",
         "title": "Об утверждении муниципального плана мероприятий («дорожная карта») по сопровождению ШНОР на 2024 год",
         "number": "145", "date": datetime.date(2024, 4, 3),
         "issuer": "Управление образования администрации Синтетического района",
         "url": "https://bench-district.example/docs/145.pdf", "based_on": ["prikaz-mno-217-2024"]},
    ]


def district_roadmap(schools):
    rng = random.Random(7)
    slugs = [school["slug"] for school in schools]
    sections = []
    for section_index, section_title in enumerate(ROADMAP_SECTIONS):
        items = []
        for item_index in range(5):
            n = section_index * 5 + item_index + 1
            when, start, due = rng.choice(DEADLINES)
            item = {"n": str(n), "title": ITEM_TITLES[n - 1].replace("школьн", "муниципальн"), "when": when}
            if due:
                item["due"] = datetime.date.fromisoformat(due)
            item["responsible"] = ["Управление образования", "МКУ ЦИМО"]
            item["result"] = rng.choice(ITEM_RESULTS)
            item["status"] = rng.choice(["done", "in_progress", "planned"])
            item["schools"] = slugs[n % len(slugs)::max(1, len(slugs) // 3)][:3]
            items.append(item)
        sections.append({"n": str(section_index + 1), "title": section_title, "items": items})
    return {
        "title": "Муниципальный план мероприятий («дорожная карта») по сопровождению ШНОР на 2024 год",
        "period": {"start": datetime.date(2024, 1, 1), "end": datetime.date(2024, 12, 31)},
        "approved_by": "prikaz-145-2024",
        "sections": sections,
    }


def school_yaml(school):
    return {
        "name": school["name"],
        "short_name": school["short_name"],
        "head": school["head"],
        "categories": school["categories"],
        "coordinator": school["coordinator"],
        "address": school["address"],
        "official_site": school["official_site"],
        "students": school["students"],
        "teachers": school["teachers"],
        "rural": True,
        "risk_profile": school["risk_profile"],
        "self_diagnosis": {"year": 2024, "level": "базовый", "document": "samodiagnostika-2024"},
    }

# ---------------------------------------------------------------- Hugo site

HUGO_CONFIG = """baseURL = "https://bench-district.example/shnor/"
languageCode = "ru"
title = "Сопровождение школ с низкими образовательными результатами"
disableKinds = ["taxonomy", "term", "RSS"]
[markup.goldmark.renderer]
unsafe = false
"""

HUGO_LAYOUTS = {
    "_default/baseof.html": """<!doctype html>
<html lang="ru"><head><meta charset="utf-8"><title>{{ .Title }} — {{ .Site.Title }}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><header><a href="{{ relURL "" }}">{{ .Site.Title }}</a>
<nav><a href="{{ relURL "schools/" }}">Школы</a> <a href="{{ relURL "roadmaps/plan-2024/" }}">«Дорожная карта» района</a></nav></header>
<main>{{ block "main" . }}{{ end }}</main>
<footer>{{ .Site.Params.authority }}</footer></body></html>
""",
    "_default/single.html": """{{ define "main" }}<h1>{{ .Title }}</h1>{{ .Content }}{{ end }}
""",
    "_default/list.html": """{{ define "main" }}<h1>{{ .Title }}</h1>{{ .Content }}
<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}
""",
    "index.html": """{{ define "main" }}<h1>{{ .Site.Title }}</h1>
{{ with .Params.district }}<p>{{ .authority }}, {{ .name }}, {{ .region }}</p>
<dl>{{ range .facts }}<dt>{{ .label }}</dt><dd>{{ .value }}</dd>{{ end }}</dl>
<p>{{ .address }}, {{ .phone }}, <a href="mailto:{{ .email }}">{{ .email }}</a></p>{{ end }}
{{ with .Params.coordinator }}<h2>Координатор</h2><p>{{ .organization }}: {{ .name }}, {{ .position }}, {{ .phone }}</p>{{ end }}
<p><a href="{{ relURL "schools/" }}">Школы ({{ len (site.GetPage "/schools").Sections }})</a></p>{{ end }}
""",
    "_default/schools.html": """{{ define "main" }}<h1>{{ .Title }}</h1>
<table><thead><tr><th>Школа</th><th>Категория</th><th>Причины</th><th>«Дорожная карта»</th><th>Результаты</th></tr></thead><tbody>
{{ range .Sections }}<tr><th><a href="{{ .RelPermalink }}">{{ .Params.short_name }}</a></th>
<td><ul>{{ range .Params.categories }}<li>{{ .type }} с {{ .year }} г.</li>{{ end }}</ul></td>
<td><ul>{{ range .Params.categories }}{{ range .reasons }}<li>{{ . }}</li>{{ end }}{{ end }}</ul></td>
<td><a href="{{ .RelPermalink }}roadmap/">Подробнее</a></td><td><a href="{{ .RelPermalink }}results/">Результаты</a></td></tr>
{{ end }}</tbody></table>{{ end }}
""",
    "_default/school.html": """{{ define "main" }}<h1>{{ .Params.short_name }}</h1><p>{{ .Params.name }}</p>
{{ partial "school_nav.html" . }}
<h2>Почему школа в программе</h2>
{{ range .Params.categories }}<p>{{ .type }} с {{ .year }} года. Основание: {{ .basis }}</p><ul>{{ range .reasons }}<li>{{ . }}</li>{{ end }}</ul>{{ end }}
<h2>К кому обратиться</h2>{{ with .Params.coordinator }}<p>{{ .name }}, {{ .position }}, {{ .phone }}, {{ .email }}</p>{{ end }}
<h2>О школе</h2><dl><dt>Руководитель</dt><dd>{{ .Params.head.name }}, {{ .Params.head.position }}</dd>
<dt>Адрес</dt><dd>{{ .Params.address }}</dd><dt>Сайт</dt><dd>{{ .Params.official_site }}</dd>
<dt>Обучающихся</dt><dd>{{ .Params.students }}</dd><dt>Педагогов</dt><dd>{{ .Params.teachers }}</dd></dl>
<h2>Рисковый профиль</h2><ul>{{ range .Params.risk_profile }}<li>{{ . }}</li>{{ end }}</ul>
{{ .Content }}{{ end }}
""",
    "_default/roadmap.html": """{{ define "main" }}<h1>{{ .Params.roadmap_title }}</h1>
{{ if .Params.school }}{{ partial "school_nav.html" .Parent }}{{ end }}
<table><thead><tr><th>№</th><th>Мероприятие</th><th>Срок</th><th>Ответственные</th><th>Результат</th><th>Статус</th><th>Отчёт</th></tr></thead><tbody>
{{ range .Params.sections }}<tr><th colspan="7">{{ .number }}. {{ .title }}</th></tr>
{{ range .items }}<tr><td>{{ .number }}</td><td>{{ .title }}</td><td>{{ .when }}{{ with .due }}<br>до {{ . }}{{ end }}</td>
<td>{{ if reflect.IsSlice .responsible }}<ul>{{ range .responsible }}<li>{{ . }}</li>{{ end }}</ul>{{ else }}{{ .responsible }}{{ end }}</td>
<td>{{ .result }}</td><td>{{ if eq .status "done" }}выполнено{{ else if and .due (lt (time .due).Unix (time "2024-11-01").Unix) }}просрочено{{ else }}{{ .status }}{{ end }}</td>
<td>{{ with .report }}{{ . | markdownify }}{{ end }}{{ with .reported }} ({{ . }}){{ end }}{{ range .evidence }} <a href="#{{ . }}">{{ . }}</a>{{ end }}</td></tr>
{{ end }}{{ end }}</tbody></table>{{ end }}
""",
    "_default/results.html": """{{ define "main" }}<h1>{{ .Title }}</h1>
{{ with .Parent }}{{ partial "school_nav.html" . }}{{ end }}
<table><thead><tr><th>Экзамен</th><th>Предмет</th><th>Класс</th><th>Год</th><th>Участников</th><th>Средний</th><th>Не преодолели, %</th><th>Качество, %</th></tr></thead><tbody>
{{ range .Params.rows }}<tr><td>{{ .exam }}</td><td>{{ .subject }}</td><td>{{ .grade }}</td><td>{{ .year }}</td><td>{{ .participants }}</td><td>{{ .mean }} из {{ .scale }}</td><td>{{ .fail_share }}</td><td>{{ .quality_share }}</td></tr>
{{ end }}</tbody></table>{{ end }}
""",
    "_default/documents.html": """{{ define "main" }}<h1>{{ .Title }}</h1>
{{ with .Parent }}{{ partial "school_nav.html" . }}{{ end }}
<ul>{{ range .Params.documents }}<li id="{{ .id }}"><a href="{{ .url }}">{{ .title }}</a><br>{{ .kind }} № {{ .number }} от {{ .date }}, {{ .issuer }}{{ with .signed_by }}; подписал {{ .name }}, {{ .position }}{{ end }}</li>
{{ end }}</ul>{{ end }}
""",
    "_default/newslist.html": """{{ define "main" }}<h1>{{ .Title }}</h1>
{{ with .Parent }}{{ partial "school_nav.html" . }}{{ end }}
<ul>{{ range .Pages.ByDate.Reverse }}<li><time>{{ .Date.Format "2006-01-02" }}</time> <a href="{{ .RelPermalink }}">{{ .Title }}</a><p>{{ .Summary }}</p></li>{{ end }}</ul>{{ end }}
""",
    "_default/news.html": """{{ define "main" }}<h1>{{ .Title }}</h1><p><time>{{ .Date.Format "2006-01-02" }}</time>{{ with .Params.roadmap_item }} · пункт «дорожной карты» {{ . }}{{ end }}</p>
{{ .Content }}{{ end }}
""",
    "partials/school_nav.html": """<nav><a href="{{ .RelPermalink }}">О школе</a> <a href="{{ .RelPermalink }}roadmap/">«Дорожная карта»</a> <a href="{{ .RelPermalink }}results/">Результаты</a> <a href="{{ .RelPermalink }}documents/">Документы</a> <a href="{{ .RelPermalink }}news/">Новости</a></nav>
""",
}


def hugo_sections(sections):
    """Roadmap sections with `n` renamed: Hugo's YAML 1.1 reader takes the key `n` for false."""
    def renamed(entry):
        return {("number" if key == "n" else key): value for key, value in entry.items()}
    return [dict(renamed(section), items=[renamed(item) for item in section["items"]]) for section in sections]


def write_hugo_site(out, schools, total):
    site = os.path.join(out, "hugo")
    write(os.path.join(site, "config.toml"), HUGO_CONFIG)
    for name, text in HUGO_LAYOUTS.items():
        write(os.path.join(site, "layouts", name), text)
    content = os.path.join(site, "content")
    config = site_config(total)
    write(os.path.join(content, "_index.md"),
          markdown_file({"title": config["title"], "district": config["district"],
                         "coordinator": config["coordinator"]}, ""))
    write(os.path.join(content, "schools", "_index.md"),
          markdown_file({"title": "Школы", "layout": "schools"}, ""))
    district = district_roadmap(schools)
    write(os.path.join(content, "roadmaps", DISTRICT_ROADMAP_ID + ".md"),
          markdown_file({"title": "«Дорожная карта» района", "layout": "roadmap",
                         "roadmap_title": district["title"], "sections": hugo_sections(district["sections"])}, ""))
    for school in schools:
        folder = os.path.join(content, "schools", school["slug"])
        front = school_yaml(school)
        front.update({"title": school["short_name"], "layout": "school", "weight": school["number"]})
        write(os.path.join(folder, "_index.md"), markdown_file(front, school["intro"]))
        write(os.path.join(folder, "roadmap.md"),
              markdown_file({"title": "«Дорожная карта»", "layout": "roadmap", "school": True,
                             "roadmap_title": school["roadmap"]["title"],
                             "sections": hugo_sections(school["roadmap"]["sections"])}, ""))
        write(os.path.join(folder, "results.md"),
              markdown_file({"title": "Результаты оценочных процедур", "layout": "results",
                             "rows": school["results"]}, ""))
        write(os.path.join(folder, "documents.md"),
              markdown_file({"title": "Документы", "layout": "documents",
                             "documents": school["documents"]}, ""))
        write(os.path.join(folder, "news", "_index.md"),
              markdown_file({"title": "Новости", "layout": "newslist"}, ""))
        for item in school["news"]:
            write(os.path.join(folder, "news", item["id"] + ".md"),
                  markdown_file({"title": item["title"], "date": item["date"], "layout": "news",
                                 "roadmap_item": item["roadmap_item"]}, item["body"]))

# ---------------------------------------------------------------- main


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("schools", type=int, help="number of schools N")
    parser.add_argument("out", help="output folder (content/ and hugo/ are replaced)")
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args()
    if args.schools < 1:
        parser.error("N must be at least 1")
    for part in ("content", "hugo"):
        shutil.rmtree(os.path.join(args.out, part), ignore_errors=True)
    schools = [school_data(number, args.seed) for number in range(1, args.schools + 1)]
    write_shnor_content(args.out, schools, args.schools)
    write_hugo_site(args.out, schools, args.schools)


if __name__ == "__main__":
    main()
