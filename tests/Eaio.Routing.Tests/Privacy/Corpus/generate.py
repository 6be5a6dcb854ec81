#!/usr/bin/env python3
"""Generates the hostile/benign privacy corpus for EAIO.Routing.

Deterministic (fixed seed), python3 standard library only, no network.
Writes hostile.jsonl, benign.jsonl and roster.json next to this file.

    python3 generate.py            # write the files
    python3 generate.py --check    # write, then validate and print counts

All personal data, secrets, meter readings, addresses and coordinates are generated
at random here; the only real-world identifiers are BDG2 building and site ids read
from data/bdg2/metadata.csv (CC BY-SA 4.0, see data/bdg2/README.md).
"""
import base64
import csv
import datetime as dt
import json
import os
import random
import sys
import unicodedata
import zlib

SEED = 20160301
rng = random.Random(SEED)

HERE = os.path.dirname(os.path.abspath(__file__))


def find_metadata():
    d = HERE
    for _ in range(8):
        p = os.path.join(d, "data", "bdg2", "metadata.csv")
        if os.path.exists(p):
            return p
        d = os.path.dirname(d)
    raise SystemExit("data/bdg2/metadata.csv not found above " + HERE)


with open(find_metadata(), newline="", encoding="utf-8") as f:
    META = list(csv.DictReader(f))
BUILDING_IDS = sorted(r["building_id"] for r in META)
SITE_IDS = sorted(set(r["site_id"] for r in META))


# ----------------------------------------------------------------------------- helpers

def pick(seq):
    return seq[rng.randrange(len(seq))]


class Pool:
    """Draws without replacement, reshuffling when exhausted (template variety)."""

    def __init__(self, items):
        self.items = list(items)
        self.left = []

    def draw(self):
        if not self.left:
            self.left = self.items[:]
            rng.shuffle(self.left)
        return self.left.pop()


def rs(n, alphabet):
    return "".join(rng.choice(alphabet) for _ in range(n))


UP = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
LO = "abcdefghijklmnopqrstuvwxyz"
DIG = "0123456789"
ALNUM = UP + LO + DIG
B62 = DIG + UP + LO
HEX = "0123456789abcdef"
B64 = ALNUM + "+/"
B64URL = ALNUM + "-_"


def b64url(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def U(text):
    return {"role": "user", "text": text}


def A(text):
    return {"role": "assistant", "text": text}


def S(text):
    return {"role": "system", "text": text}


def TC(*calls):
    return {"role": "assistant", "toolCalls": [{"callId": c, "name": n, "arguments": a} for c, n, a in calls]}


def TR(call_id, kind, result):
    return {"role": "tool", "callId": call_id, "resultKind": kind, "result": result}


def call_id():
    return "call_" + rs(24, ALNUM)


class Corpus:
    def __init__(self):
        self.cases = []
        self.counts = {}

    def add(self, family, expect, messages, sensitive, instructions=None, tools=None):
        n = self.counts.get(family, 0) + 1
        self.counts[family] = n
        c = {"id": "%s-%03d" % (family, n), "family": family,
             "split": "holdout" if n % 3 == 0 else "dev", "expect": expect}
        if instructions:
            c["instructions"] = instructions
        c["messages"] = messages
        if tools:
            c["tools"] = tools
        seen = []
        for s in sensitive:
            if s not in seen:
                seen.append(s)
        c["sensitive"] = seen
        self.cases.append(c)


# ----------------------------------------------------------------------------- prose

BTYPES = [
    # en, de, fr, es, nl
    ("office building", "Bürogebäude", "immeuble de bureaux", "edificio de oficinas", "kantoorpand"),
    ("primary school", "Grundschule", "école primaire", "colegio", "basisschool"),
    ("hospital wing", "Klinikflügel", "aile d'hôpital", "ala del hospital", "ziekenhuisvleugel"),
    ("residence hall", "Studentenwohnheim", "résidence étudiante", "residencia de estudiantes", "studentenhuis"),
    ("library", "Bibliothek", "bibliothèque", "biblioteca", "bibliotheek"),
    ("lab building", "Laborgebäude", "bâtiment de laboratoires", "edificio de laboratorios", "laboratoriumgebouw"),
    ("warehouse", "Lagerhalle", "entrepôt", "almacén", "magazijn"),
    ("supermarket", "Supermarkt", "supermarché", "supermercado", "supermarkt"),
    ("hotel", "Hotel", "hôtel", "hotel", "hotel"),
    ("sports centre", "Sporthalle", "centre sportif", "polideportivo", "sporthal"),
    ("town hall", "Rathaus", "mairie", "ayuntamiento", "gemeentehuis"),
    ("data centre", "Rechenzentrum", "centre de données", "centro de datos", "datacenter"),
]
LANGS = ["en"] * 12 + ["de"] * 3 + ["fr"] * 2 + ["es"] * 2 + ["nl"]
LIDX = {"en": 0, "de": 1, "fr": 2, "es": 3, "nl": 4}

# meter kind: (label en, unit, lo, hi, decimals)
METERS = [
    ("electricity", "kWh", 18, 420, 1),
    ("electricity", "kWh", 60, 900, 1),
    ("electrical demand", "kW", 25, 650, 1),
    ("chilled water", "kWh", 40, 700, 1),
    ("chilled water", "ton-h", 10, 180, 2),
    ("gas", "m³", 3, 90, 2),
    ("gas", "therms", 1, 40, 2),
    ("steam", "kg", 80, 1600, 1),
    ("hot water", "kWh", 12, 350, 1),
    ("heat", "MWh", 0.05, 1.9, 3),
    ("water", "m³", 0.4, 9, 2),
    ("water", "L", 120, 4000, 0),
]

INTRO = {
    "en": [
        "Here's the {m} export for one of our {b}s ({u}):",
        "Pulled this from the meter portal this morning - {b}, {m}, in {u}.",
        "Below is what the BMS logged for the {b} ({u}).",
        "Our {b} had a strange week. The {m} data:",
        "Raw interval data from the {m} meter at a {b} we look after:",
        "Copied straight out of the utility portal ({u}, {b}):",
        "I exported this from our EMS, single {b}, {m} meter.",
        "My manager wants a quick read on this {b} meter ({u}).",
        "Data from the sub-meter on the {b}'s main switchboard, values in {u}:",
        "Quick one - this is the {m} series for the {b} I mentioned yesterday.",
        "Attaching the readings the contractor sent over for the {b}:",
        "From the monitoring platform, {m} for the {b}, unit {u}:",
    ],
    "de": [
        "Hier der {m}-Export für eines unserer Gebäude ({b}, {u}):",
        "Das hat die GLT aufgezeichnet ({b}), Werte in {u}:",
        "Messdaten aus dem Energiemonitoring, Objekt: {b}, Einheit {u}:",
        "Unser Dienstleister hat mir die Zählerwerte geschickt ({b}):",
        "Auszug aus dem Lastgang ({u}) für das Objekt ({b}):",
    ],
    "fr": [
        "Voici l'export {m} d'un de nos sites ({b}, {u}) :",
        "Relevés du compteur principal ({b}), en {u} :",
        "Extrait de la GTB, bâtiment de type {b} ({u}) :",
        "Le prestataire m'a envoyé ces relevés ({b}) :",
    ],
    "es": [
        "Te paso la exportación de {m} de uno de nuestros edificios ({b}, {u}):",
        "Lecturas del contador general ({b}), en {u}:",
        "Esto es lo que registró el BMS ({b}, {u}):",
        "El mantenedor nos envió estas lecturas ({b}):",
    ],
    "nl": [
        "Hier de export van de {m}meter van een van onze gebouwen ({b}, {u}):",
        "Meetwaarden uit het GBS ({b}), in {u}:",
        "De installateur stuurde deze meterstanden ({b}):",
    ],
}
ASK = {
    "en": [
        "What's the baseload?",
        "Can you spot any anomalies?",
        "Is the overnight consumption reasonable for this kind of building?",
        "Where is the peak and what might be causing it?",
        "Are there gaps or stuck values?",
        "Please summarise the profile in plain language for the board.",
        "Does this look like the HVAC schedule is being overridden at night?",
        "Estimate the cost at 0.18 per {u}.",
        "How would you build a baseline from this for M&V?",
        "Compare the first half of the series with the second half.",
        "What is the load factor?",
        "Anything here that points to simultaneous heating and cooling?",
        "Is this meter maybe scaled wrong (CT ratio)?",
        "Write two sentences I can paste into the monthly report.",
        "Which hours would you target for demand response?",
    ],
    "de": [
        "Wie hoch ist die Grundlast?",
        "Siehst du Auffälligkeiten?",
        "Ist der Nachtverbrauch plausibel?",
        "Wo liegt die Lastspitze und woran könnte das liegen?",
        "Bitte kurz für den Energiebericht zusammenfassen.",
        "Gibt es Lücken oder eingefrorene Werte?",
    ],
    "fr": [
        "Quelle est la consommation de base ?",
        "Tu vois des anomalies ?",
        "La consommation nocturne est-elle normale ?",
        "Peux-tu résumer le profil en deux phrases pour le rapport ?",
    ],
    "es": [
        "¿Cuál es el consumo base?",
        "¿Ves alguna anomalía?",
        "¿Es razonable el consumo nocturno?",
        "Resúmeme el perfil en dos frases para el informe.",
    ],
    "nl": [
        "Wat is de basislast?",
        "Zie je afwijkingen?",
        "Is het nachtverbruik normaal voor dit type gebouw?",
    ],
}


class Prose:
    def __init__(self):
        self.intro = {k: Pool(v) for k, v in INTRO.items()}
        self.ask = {k: Pool(v) for k, v in ASK.items()}
        self.btype = Pool(BTYPES)
        self.meter = Pool(METERS)

    def ctx(self, lang=None, meter=None):
        lang = lang or pick(LANGS)
        b = self.btype.draw()[LIDX[lang]]
        m = meter or self.meter.draw()
        intro = self.intro[lang].draw().format(b=b, m=m[0], u=m[1])
        ask = self.ask[lang].draw().format(u=m[1])
        return lang, m, intro, ask


# ----------------------------------------------------------------------------- readings

def fmtnum(v, dec):
    if dec == 0:
        return str(max(1, int(round(v))))
    s = "%.*f" % (dec, v)
    if s[-1] == "0":
        s = s[:-1] + str(rng.randint(1, 9))
    if float(s) == 0:
        s = "0." + "0" * (dec - 1) + str(rng.randint(1, 9))
    return s


def jnum(s):
    s = s.replace(",", ".")
    return float(s) if "." in s else int(s)


def start_time(step_min=60):
    d = dt.datetime(2016, 1, 1) + dt.timedelta(days=rng.randrange(0, 720))
    if step_min >= 60:
        return d + dt.timedelta(hours=rng.choice([0, 0, 6, 7, 8, 12]))
    return d + dt.timedelta(hours=rng.randrange(0, 20))


def series(n, meter, step_min=60, start=None):
    _, _, lo, hi, dec = meter
    start = start or start_time(step_min)
    base = rng.uniform(lo, hi)
    night = rng.uniform(0.3, 0.7)
    pts = []
    for i in range(n):
        t = start + dt.timedelta(minutes=step_min * i)
        h = t.hour + t.minute / 60.0
        occ = 1.0 if 7 <= h < 19 and t.weekday() < 5 else (0.5 if 6 <= h < 21 else 0.0)
        v = base * (night + (1 - night) * occ) * rng.uniform(0.9, 1.1)
        pts.append((t, fmtnum(v, dec)))
    # make the value strings distinct so "sensitive" values are unambiguous
    seen = set()
    out = []
    for t, s in pts:
        while s in seen:
            s = fmtnum(float(s) * rng.uniform(0.97, 1.03) + (10 ** -dec if dec else 1), dec)
        seen.add(s)
        out.append((t, s))
    return out


MON = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
MONTH = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
         "October", "November", "December"]
MONAT = ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
         "November", "Dezember"]
MOIS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
        "novembre", "décembre"]


def ts(t, style):
    if style == "iso":
        return t.strftime("%Y-%m-%dT%H:%M:%S")
    if style == "isoz":
        return t.strftime("%Y-%m-%dT%H:%M:%SZ")
    if style == "isoms":
        return t.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    if style == "off":
        return t.strftime("%Y-%m-%dT%H:%M:%S") + "-05:00"
    if style == "sp":
        return t.strftime("%Y-%m-%d %H:%M")
    if style == "sps":
        return t.strftime("%Y-%m-%d %H:%M:%S")
    if style == "us":
        return t.strftime("%m/%d/%Y %H:%M")
    if style == "usampm":
        return "%d/%d/%d %d:%02d %s" % (t.month, t.day, t.year, (t.hour % 12) or 12, t.minute,
                                          "AM" if t.hour < 12 else "PM")
    if style == "eu":
        return t.strftime("%d.%m.%Y %H:%M")
    if style == "uk":
        return t.strftime("%d/%m/%Y %H:%M")
    if style == "mon":
        return "%s %d %d %02d:%02d" % (MON[t.month - 1], t.day, t.year, t.hour, t.minute)
    if style == "monlong":
        return "%d %s %d %02d:%02d" % (t.day, MONTH[t.month - 1], t.year, t.hour, t.minute)
    if style == "hm":
        return t.strftime("%H:%M")
    if style == "epoch":
        return str(int(t.replace(tzinfo=dt.timezone.utc).timestamp()))
    if style == "epochms":
        return str(int(t.replace(tzinfo=dt.timezone.utc).timestamp()) * 1000)
    raise ValueError(style)


def sens_of(pts, style, k=3, conv=lambda s: s, with_ts=True):
    idx = sorted(rng.sample(range(len(pts)), min(k, len(pts))))
    out = [conv(pts[i][1]) for i in idx]
    if with_ts:
        out.append(ts(pts[rng.randrange(len(pts))][0], style))
    return out


def comma(s):
    return s.replace(".", ",")


def fence(body, lang=""):
    return "```%s\n%s\n```" % (lang, body)


def join(lang, intro, body, ask):
    r = rng.random()
    if r < 0.55:
        return "%s\n\n%s\n\n%s" % (intro, body, ask)
    if r < 0.8:
        return "%s %s\n\n%s" % (intro, ask, body)
    return "%s\n%s\n%s" % (intro, body, ask)


def readings_families(C):
    P = Prose()

    # --- JSON array of objects
    keys = [("timestamp", "value"), ("ts", "kwh"), ("time", "reading"), ("datetime", "v"), ("t", "v"),
            ("date", "consumption_kwh"), ("Timestamp", "Value"), ("time", "kW"), ("period_start", "energy"),
            ("interval_end", "usage"), ("readAt", "meterValue"), ("x", "y"), ("DateTime", "Consumption"),
            ("start", "qty")]
    styles = ["isoz", "iso", "sp", "off", "isoms", "sps", "us"]
    for i in range(14):
        lang, m, intro, ask = P.ctx()
        tk, vk = keys[i]
        st = styles[i % len(styles)]
        pts = series(rng.randint(6, 26), m)
        extra = rng.random() < 0.3
        arr = []
        for t, v in pts:
            o = {tk: ts(t, st), vk: jnum(v)}
            if extra:
                o["unit"] = m[1]
            arr.append(o)
        body = json.dumps(arr, indent=2 if i % 2 else None, ensure_ascii=False)
        if i % 3 == 0:
            body = fence(body, "json")
        C.add("readings-json-objects", "local", [U(join(lang, intro, body, ask))], sens_of(pts, st))

    # --- JSON [ts, v] pairs
    for i in range(9):
        lang, m, intro, ask = P.ctx()
        st = ["isoz", "sp", "iso", "off", "sps"][i % 5]
        pts = series(rng.randint(8, 30), m)
        pairs = [[ts(t, st), jnum(v)] for t, v in pts]
        if i % 3 == 0:
            body = json.dumps({"meter": m[0], "unit": m[1], "data": pairs}, ensure_ascii=False)
        elif i % 3 == 1:
            body = json.dumps(pairs)
        else:
            body = "[\n" + ",\n".join("  " + json.dumps(p) for p in pairs) + "\n]"
        C.add("readings-json-pairs", "local", [U(join(lang, intro, body, ask))], sens_of(pts, st))

    # --- JSON dictionary keyed by timestamp
    for i in range(9):
        lang, m, intro, ask = P.ctx()
        st = ["sp", "isoz", "sps", "iso", "uk"][i % 5]
        pts = series(rng.randint(6, 24), m)
        d = {ts(t, st): jnum(v) for t, v in pts}
        if i % 2:
            body = json.dumps({"unit": m[1], "readings": d}, indent=2, ensure_ascii=False)
        else:
            body = json.dumps(d, indent=None if i % 4 == 0 else 1)
        C.add("readings-json-dict", "local", [U(join(lang, intro, body, ask))], sens_of(pts, st))

    # --- columnar JSON
    shapes = ["tv", "pandas_split", "named", "chart", "tv", "named", "pandas_split", "chart", "tv"]
    for i in range(9):
        lang, m, intro, ask = P.ctx()
        st = ["isoz", "sp", "iso", "sps"][i % 4]
        pts = series(rng.randint(8, 30), m)
        T = [ts(t, st) for t, _ in pts]
        V = [jnum(v) for _, v in pts]
        sh = shapes[i]
        if sh == "tv":
            o = {"timestamps": T, "values": V, "unit": m[1]}
        elif sh == "pandas_split":
            o = {"columns": [m[1]], "index": T, "data": [[v] for v in V]}
        elif sh == "named":
            o = {"time": T, m[1].replace("³", "3"): V}
        else:
            o = {"labels": T, "datasets": [{"label": "%s (%s)" % (m[0], m[1]), "data": V}]}
        body = json.dumps(o, ensure_ascii=False)
        C.add("readings-json-columnar", "local", [U(join(lang, intro, body, ask))], sens_of(pts, st))

    # --- NDJSON
    for i in range(9):
        lang, m, intro, ask = P.ctx()
        st = ["isoz", "iso", "off", "sps", "isoms"][i % 5]
        tk, vk = [("ts", "kwh"), ("time", "value"), ("@timestamp", "reading"), ("t", "v"), ("timestamp", "energy")][i % 5]
        pts = series(rng.randint(6, 20), m)
        lines = []
        for t, v in pts:
            o = {tk: ts(t, st), vk: jnum(v)}
            if i % 2:
                o = {"meter": "main", **o, "q": "good"}
            lines.append(json.dumps(o))
        body = "\n".join(lines)
        if i % 3 == 1:
            body = fence(body)
        C.add("readings-ndjson", "local", [U(join(lang, intro, body, ask))], sens_of(pts, st))

    # --- YAML
    for i in range(9):
        lang, m, intro, ask = P.ctx()
        st = ["sp", "isoz", "iso", "sps"][i % 4]
        pts = series(rng.randint(5, 16), m)
        v = i % 4
        if v == 0:
            body = "readings:\n" + "".join("  - time: %s\n    %s: %s\n" % (ts(t, st), m[1].replace("³", "3").lower(), x) for t, x in pts)
        elif v == 1:
            body = "meter: %s\nunit: %s\nseries:\n" % (m[0], m[1]) + "".join("  - [\"%s\", %s]\n" % (ts(t, st), x) for t, x in pts)
        elif v == 2:
            body = "data:\n" + "".join("  \"%s\": %s\n" % (ts(t, st), x) for t, x in pts)
        else:
            body = "".join("- ts: '%s'\n  value: %s\n  unit: %s\n" % (ts(t, st), x, m[1]) for t, x in pts)
        body = body.rstrip("\n")
        if i % 2:
            body = fence(body, "yaml")
        C.add("readings-yaml", "local", [U(join(lang, intro, body, ask))], sens_of(pts, st))

    # --- XML
    for i in range(9):
        lang, m, intro, ask = P.ctx()
        v = i % 4
        pts = series(rng.randint(5, 14), m)
        if v == 0:
            st = "isoz"
            body = '<readings unit="%s">\n' % m[1] + "".join('  <reading time="%s" kwh="%s"/>\n' % (ts(t, st), x) for t, x in pts) + "</readings>"
            sens = sens_of(pts, st)
        elif v == 1:
            st = "sps"
            body = "<MeterData>\n  <Unit>%s</Unit>\n" % m[1] + "".join(
                "  <Interval>\n    <Start>%s</Start>\n    <Value>%s</Value>\n  </Interval>\n" % (ts(t, st), x) for t, x in pts) + "</MeterData>"
            sens = sens_of(pts, st)
        elif v == 2:
            # Green Button / ESPI style: epoch start, duration, integer Wh
            st = "epoch"
            pts = [(t, str(int(round(float(x) * 1000)) + rng.randint(1, 9))) for t, x in series(len(pts), METERS[0])]
            body = ('<IntervalBlock xmlns="http://naesb.org/espi">\n  <interval><duration>%d</duration><start>%s</start></interval>\n'
                    % (3600 * len(pts), ts(pts[0][0], st)) + "".join(
                "  <IntervalReading>\n    <timePeriod><duration>3600</duration><start>%s</start></timePeriod>\n    <value>%s</value>\n  </IntervalReading>\n"
                % (ts(t, st), x) for t, x in pts) + "</IntervalBlock>")
            sens = sens_of(pts, st)
        else:
            st = "iso"
            body = '<trend point="main-incomer">\n' + "".join(
                '  <sample><t>%s</t><v unit="%s">%s</v></sample>\n' % (ts(t, st), m[1], x) for t, x in pts) + "</trend>"
            sens = sens_of(pts, st)
        if i % 2 == 0:
            body = fence(body, "xml")
        C.add("readings-xml", "local", [U(join(lang, intro, body, ask))], sens)

    # --- logfmt
    for i in range(9):
        lang, m, intro, ask = P.ctx()
        st = ["isoz", "iso", "isoms", "off"][i % 4]
        pts = series(rng.randint(5, 18), m)
        mk = pick(["main", "incomer-1", "chiller-plant", "sub-DB2", "boiler-house"])
        v = i % 3
        if v == 0:
            lines = ["ts=%s meter=%s kwh=%s" % (ts(t, st), mk, x) for t, x in pts]
        elif v == 1:
            lines = ['time=%s level=info msg="meter sample" meter=%s unit=%s value=%s' % (ts(t, st), mk, m[1], x) for t, x in pts]
        else:
            lines = ["ts=%s meter=%s reading=%s quality=good" % (ts(t, st), mk, x) for t, x in pts]
        C.add("readings-logfmt", "local", [U(join(lang, intro, "\n".join(lines), ask))], sens_of(pts, st))

    # --- CSV (plain, long format with a building column, quoted, tab)
    for i in range(14):
        lang, m, intro, ask = P.ctx()
        st = ["sps", "sp", "iso", "us", "usampm", "uk", "isoz"][i % 7]
        pts = series(rng.randint(6, 30), m)
        v = i % 5
        extra = []
        if v == 0:
            body = "timestamp,%s\n" % m[1] + "\n".join("%s,%s" % (ts(t, st), x) for t, x in pts)
        elif v == 1:
            bid = pick(BUILDING_IDS)
            case = pick([bid, bid.lower()])
            body = "timestamp,building_id,meter,meter_reading\n" + "\n".join(
                "%s,%s,%s,%s" % (ts(t, st), case, m[0].replace(" ", "_"), x) for t, x in pts)
            extra = [case]
        elif v == 2:
            body = '"Date/Time","Reading (%s)"\n' % m[1] + "\n".join('"%s","%s"' % (ts(t, st), x) for t, x in pts)
        elif v == 3:
            body = "time\tvalue\tunit\n" + "\n".join("%s\t%s\t%s" % (ts(t, st), x, m[1]) for t, x in pts)
        else:
            site = pick(["north", "B", "annex"])
            body = "site,building,timestamp,%s\n" % m[1] + "\n".join(
                "%s,%s,%s,%s" % (site, "Block " + site.upper()[0], ts(t, st), x) for t, x in pts)
        if i % 4 == 1:
            body = fence(body, "csv")
        C.add("readings-csv", "local", [U(join(lang, intro, body, ask))], sens_of(pts, st) + extra)

    # --- European CSV: semicolons, decimal commas
    for i in range(9):
        lang = ["de", "fr", "de", "nl", "es", "de", "fr", "en", "de"][i]
        lang, m, intro, ask = P.ctx(lang)
        st = ["eu", "uk", "eu", "eu", "uk"][i % 5]
        pts = series(rng.randint(6, 24), m)
        hdr = {"de": "Zeitstempel;Verbrauch [%s]", "fr": "Horodatage;Énergie (%s)", "nl": "Tijdstip;Verbruik (%s)",
               "es": "Fecha y hora;Consumo (%s)", "en": "Date;Consumption (%s)"}[lang] % m[1]
        if i % 3 == 2:
            body = '"%s"\n' % hdr.replace(";", '";"') + "\n".join('"%s";"%s"' % (ts(t, st), comma(x)) for t, x in pts)
        elif i % 3 == 1:
            body = hdr + ";Status\n" + "\n".join("%s;%s;OK" % (ts(t, st), comma(x)) for t, x in pts)
        else:
            body = hdr + "\n" + "\n".join("%s;%s" % (ts(t, st), comma(x)) for t, x in pts)
        C.add("readings-csv-eu", "local", [U(join(lang, intro, body, ask))], sens_of(pts, st, conv=comma))

    # --- epoch seconds / milliseconds
    for i in range(9):
        lang, m, intro, ask = P.ctx()
        pts = series(rng.randint(6, 24), m)
        v = i % 5
        if v == 0:
            st = "epochms"
            body = json.dumps([{"target": "%s.%s" % (m[0].replace(" ", "_"), m[1].replace("³", "3")),
                                "datapoints": [[jnum(x), int(ts(t, st))] for t, x in pts]}])
        elif v == 1:
            st = "epoch"
            body = json.dumps({"status": "success", "data": {"resultType": "matrix", "result": [
                {"metric": {"__name__": "meter_energy_kwh_total", "meter": "main"},
                 "values": [[int(ts(t, st)), x] for t, x in pts]}]}})
        elif v == 2:
            st = "epoch"
            body = "epoch,%s\n" % m[1] + "\n".join("%s,%s" % (ts(t, st), x) for t, x in pts)
        elif v == 3:
            st = "epochms"
            body = json.dumps([{"t": int(ts(t, st)), "v": jnum(x)} for t, x in pts])
        else:
            st = "epoch"
            body = "\n".join("%s %s" % (ts(t, st), x) for t, x in pts)
        C.add("readings-epoch", "local", [U(join(lang, intro, body, ask))], sens_of(pts, st))

    # --- month-name dates and times only
    for i in range(11):
        v = i % 6
        lang = {0: "en", 1: "en", 2: "en", 3: "de", 4: "fr", 5: "en"}[v]
        lang, m, intro, ask = P.ctx(lang)
        pts = series(rng.randint(5, 14), m)
        if v == 0:
            st = "mon"
            body = "\n".join("%s  %s %s" % (ts(t, st), x, m[1]) for t, x in pts)
            sens = sens_of(pts, st)
        elif v == 1:
            st = "monlong"
            body = "\n".join("%s, %s" % (ts(t, st), x) for t, x in pts)
            sens = sens_of(pts, st)
        elif v == 2:
            st = "hm"
            d0 = pts[0][0]
            body = "%s %d %s:\n" % (d0.strftime("%A"), d0.day, MONTH[d0.month - 1]) + "\n".join("%s %s" % (ts(t, st), x) for t, x in pts)
            sens = sens_of(pts, st, with_ts=False) + [ts(pts[1][0], st) + " " + pts[1][1]]
        elif v == 3:
            body = "\n".join("%d. %s %d, %02d:%02d Uhr: %s %s" % (t.day, MONAT[t.month - 1], t.year, t.hour, t.minute, comma(x), m[1]) for t, x in pts)
            sens = sens_of(pts, "hm", conv=comma, with_ts=False)
            t0 = pts[0][0]
            sens.append("%d. %s %d, %02d:%02d Uhr" % (t0.day, MONAT[t0.month - 1], t0.year, t0.hour, t0.minute))
        elif v == 4:
            body = "\n".join("%d %s %d %02dh%02d : %s %s" % (t.day, MOIS[t.month - 1], t.year, t.hour, t.minute, comma(x), m[1]) for t, x in pts)
            sens = sens_of(pts, "hm", conv=comma, with_ts=False)
        else:
            st = "hm"
            body = "On %s the meter showed: " % pts[0][0].strftime("%d %b %Y") + "; ".join("%s %s" % (ts(t, st), x) for t, x in pts) + "."
            sens = sens_of(pts, st, with_ts=False)
        C.add("readings-textdates", "local", [U(join(lang, intro, body, ask))], sens)

    # --- separators between time and value
    seps = [("{t} | {u} | {v}", "sp"), ("{t} - {v}", "sp"), ("{t} → {v}", "sps"), ("{t}: {v} {u}", "sp"),
            ("{t} => {v}", "iso"), ("{t} = {v} {u}", "eu"), ("{t} ... {v}", "us"), ("{t} -> {v} {u}", "sp"),
            ("{t}\t|\t{v}", "sps"), ("[{t}] {v} {u}", "isoz"), ("{t} — {v}", "uk"), ("{t}  {v}", "mon")]
    for i in range(12):
        lang, m, intro, ask = P.ctx()
        tpl, st = seps[i]
        pts = series(rng.randint(5, 16), m)
        conv = comma if st == "eu" else (lambda s: s)
        body = "\n".join(tpl.format(t=ts(t, st), v=conv(x), u=m[1]) for t, x in pts)
        if i % 4 == 3:
            body = fence(body)
        C.add("readings-separators", "local", [U(join(lang, intro, body, ask))], sens_of(pts, st, conv=conv))

    # --- readings inside a JSON string with escaped \n
    for i in range(8):
        lang, m, intro, ask = P.ctx()
        st = ["sps", "isoz", "sp", "iso"][i % 4]
        pts = series(rng.randint(5, 12), m)
        csvtext = "timestamp,%s\n" % m[1] + "\n".join("%s,%s" % (ts(t, st), x) for t, x in pts)
        v = i % 4
        if v == 0:
            body = json.dumps({"file": "export.csv", "content": csvtext}, ensure_ascii=False)
        elif v == 1:
            body = json.dumps({"error": "ParseError: unexpected row", "body": csvtext}, ensure_ascii=False)
        elif v == 2:
            body = "payload = " + json.dumps(csvtext, ensure_ascii=False)
        else:
            body = json.dumps({"messages": [{"role": "user", "content": "please analyse:\n" + csvtext}]}, ensure_ascii=False)
        body += "\n"
        C.add("readings-escaped", "local", [U("%s\n\n%s\n%s" % (pick(["The API response (as logged):", "Our integration log shows this request body:", "This is the string the importer received:", "Debug output from the upload step:"]), body, ask))],
              sens_of(pts, st))

    # --- markdown tables
    for i in range(9):
        lang, m, intro, ask = P.ctx()
        st = ["sp", "uk", "us", "mon", "sps"][i % 5]
        pts = series(rng.randint(5, 14), m)
        h = {"en": ("Time", "Reading"), "de": ("Zeit", "Messwert"), "fr": ("Heure", "Valeur"), "es": ("Hora", "Lectura"),
             "nl": ("Tijd", "Meting")}[lang]
        if i % 2:
            body = "| %s | %s (%s) |\n|---|---:|\n" % (h[0], h[1], m[1]) + "\n".join("| %s | %s |" % (ts(t, st), x) for t, x in pts)
        else:
            body = "| # | %s | %s | %s |\n|:-:|:--|--:|:-:|\n" % (h[0], h[1], "Unit") + "\n".join(
                "| %d | %s | %s | %s |" % (k + 1, ts(t, st), x, m[1]) for k, (t, x) in enumerate(pts))
        C.add("readings-markdown", "local", [U(join(lang, intro, body, ask))], sens_of(pts, st))

    # --- split across turns / across instructions and a message
    for i in range(10):
        lang, m, intro, ask = P.ctx("en" if i % 3 else None)
        st = ["sp", "isoz", "sps", "us", "sp"][i % 5]
        pts = series(rng.randint(10, 24), m)
        rows = ["%s,%s" % (ts(t, st), x) for t, x in pts]
        v = i % 4
        half = len(rows) // 2
        if v == 0:
            msgs = [U(intro + "\n" + "\n".join(rows[:half]) + "\n(continued in the next message)"),
                    A("Got it - please send the rest."),
                    U("\n".join(rows[half:]) + "\n\n" + ask)]
            C.add("readings-multiturn", "local", msgs, [pts[1][1], pts[-2][1], pts[half][1], ts(pts[0][0], st)])
        elif v == 1:
            third = len(rows) // 3
            msgs = [U(intro + " Part 1/3:\n" + "\n".join(rows[:third])),
                    A("Received part 1."),
                    U("Part 2/3:\n" + "\n".join(rows[third:2 * third])),
                    A("Received part 2."),
                    U("Part 3/3:\n" + "\n".join(rows[2 * third:]) + "\n" + ask)]
            C.add("readings-multiturn", "local", msgs, [pts[0][1], pts[third + 1][1], pts[-1][1], ts(pts[2 * third][0], st)])
        elif v == 2:
            instr = ("You are an energy analyst assistant for a facilities team. Context for this conversation - the first "
                     "readings of the building's %s meter (%s):\n%s" % (m[0], m[1], "\n".join(rows[:half])))
            msgs = [U("Here are the remaining readings:\n" + "\n".join(rows[half:]) + "\n" + ask)]
            C.add("readings-multiturn", "local", msgs, [pts[0][1], pts[half - 1][1], pts[-1][1], ts(pts[half][0], st)], instructions=instr)
        else:
            instr = "You help the energy team interpret meter data. Earlier readings: " + "; ".join(rows[:half])
            msgs = [U(intro + " Latest values: " + "; ".join(rows[half:])), A("Thanks, anything specific?"), U(ask)]
            C.add("readings-multiturn", "local", msgs, [pts[1][1], pts[-1][1], ts(pts[0][0], st)], instructions=instr)

    # --- readings in tool results
    meter_tool = {"name": "get_meter_data", "description": "Returns interval readings for a meter between two dates.",
                  "parameters": {"type": "object", "properties": {
                      "meter": {"type": "string"}, "from": {"type": "string", "format": "date"},
                      "to": {"type": "string", "format": "date"}, "interval": {"type": "string", "enum": ["15min", "hour", "day"]}},
                      "required": ["meter", "from", "to"]}}
    asks_tool = ["Why did the {m} use jump yesterday?", "Pull the last day of the main meter and tell me the baseload.",
                 "Check the {m} meter for the night of the 3rd, was the plant off?", "Get the hourly data for the {m} meter and flag spikes.",
                 "Is the {m} profile for last Tuesday normal?", "Fetch the {m} readings and compare day vs night."]
    for i in range(12):
        kind = ["json", "dictionary", "string"][i % 3]
        m = pick(METERS)
        st = ["isoz", "sps", "iso", "sp"][i % 4]
        pts = series(rng.randint(6, 24), m)
        cid = call_id()
        d0 = pts[0][0].date()
        args = {"meter": pick(["main", "elec-main", "chw-plant", "gas-boilerhouse", "incomer-1"]), "from": str(d0),
                "to": str(d0 + dt.timedelta(days=1)), "interval": "hour"}
        if kind == "json":
            kk = pick([("timestamp", "value"), ("ts", "kwh"), ("time", "reading")])
            res = [{kk[0]: ts(t, st), kk[1]: jnum(x)} for t, x in pts]
            if i % 2:
                res = {"unit": m[1], "readings": res}
        elif kind == "dictionary":
            res = {ts(t, st): jnum(x) for t, x in pts}
        else:
            res = "timestamp,%s\n" % m[1] + "\n".join("%s,%s" % (ts(t, st), x) for t, x in pts)
        msgs = [U(asks_tool[i % len(asks_tool)].format(m=m[0])), TC((cid, "get_meter_data", args)), TR(cid, kind, res)]
        if i % 4 == 0:
            msgs.append(A("I have the readings; looking at them now."))
            msgs.append(U("Go on, and keep it short."))
        C.add("readings-tool-result", "local", msgs, sens_of(pts, st), tools=[meter_tool])

    # --- readings in tool-call arguments
    anomaly_tool = {"name": "detect_anomalies", "description": "Runs the anomaly model over a series.",
                    "parameters": {"type": "object", "properties": {"series": {"type": "array", "items": {"type": "object"}},
                                                                    "unit": {"type": "string"}}, "required": ["series"]}}
    baseline_tool = {"name": "fit_baseline", "description": "Fits a regression baseline.",
                     "parameters": {"type": "object", "properties": {"timestamps": {"type": "array"}, "values": {"type": "array"}},
                                    "required": ["timestamps", "values"]}}
    for i in range(8):
        m = pick(METERS)
        st = ["isoz", "iso", "sp", "sps"][i % 4]
        pts = series(rng.randint(6, 20), m)
        cid = call_id()
        if i % 2 == 0:
            name, args, tool = "detect_anomalies", {"series": [{"t": ts(t, st), "v": jnum(x)} for t, x in pts], "unit": m[1]}, anomaly_tool
            res = {"anomalies": [], "model": "iforest-v2"}
        else:
            name, args, tool = "fit_baseline", {"timestamps": [ts(t, st) for t, _ in pts], "values": [jnum(x) for _, x in pts]}, baseline_tool
            res = {"r2": round(rng.uniform(0.6, 0.95), 2), "cvrmse": round(rng.uniform(8, 25), 1)}
        q = pick(["Run the anomaly check on what I uploaded earlier.", "Fit the baseline please.", "Can you score that series?",
                  "Use the tool on the data from the meter and report back.", "Try the model again with the cleaned data."])
        msgs = [U(q), TC((cid, name, args)), TR(cid, "json", res)]
        if i % 3 == 2:
            msgs.append(U("And what does that mean in plain words?"))
        C.add("readings-tool-args", "local", msgs, sens_of(pts, st), tools=[tool])

    # --- 15-minute interval data
    for i in range(9):
        lang, m, intro, ask = P.ctx(meter=pick(METERS[:3] + [METERS[8]]))
        st = ["sp", "hm", "eu", "isoz", "sps"][i % 5]
        pts = series(rng.randint(12, 40), m, step_min=15)
        conv = comma if st == "eu" else (lambda s: s)
        sep = ";" if st == "eu" else ","
        if st == "hm":
            body = "15-min values, %s:\n" % pts[0][0].strftime("%Y-%m-%d") + "\n".join("%s %s" % (ts(t, st), x) for t, x in pts)
        else:
            body = "interval_start%s%s\n" % (sep, m[1]) + "\n".join("%s%s%s" % (ts(t, st), sep, conv(x)) for t, x in pts)
        C.add("readings-15min", "local", [U(join(lang, intro, body, ask))], sens_of(pts, st, conv=conv))

    # --- BMS trend exports with point names
    for i in range(9):
        lang, m, intro, ask = P.ctx()
        pts = series(rng.randint(6, 18), m)
        pn = pick(["B12.Elec.Main.kWh", "Plant/CHW/Meter1/Energy", "AHU_03.FanPower", "Campus:Bldg4:ELEC:MAIN:KWH",
                   "DB-2F.Lighting.kWh", "HW.Boiler1.MeterEnergy", "$1ELEC$2MAIN$2KWH", "Drivers.BacnetNetwork.EM1.points.kWh"])
        v = i % 3
        if v == 0:
            st = "usampm"
            body = ('"History","%s"\n"Timestamp","Trend Flags","Status","Value (%s)"\n' % (pn, m[1]) +
                    "\n".join('"%s EST","{}","{ok}","%s"' % (ts(t, st), x) for t, x in pts))
        elif v == 1:
            st = "uk"
            body = ("Point name: %s\nDescription: %s\nUnits: %s\nInterval: 60 min\n\nDate Time,Value,Status\n" % (pn, m[0], m[1]) +
                    "\n".join("%s,%s,Normal" % (ts(t, st), x) for t, x in pts))
        else:
            st = "sps"
            body = "Date / Time\tObject Name\tObject Value\tUnits\n" + "\n".join(
                "%s\t%s\t%s\t%s" % (ts(t, st), pn, x, m[1]) for t, x in pts)
        C.add("readings-bms", "local", [U(join(lang, intro, body, ask))], sens_of(pts, st))


# ----------------------------------------------------------------------------- roster and identifiers

ROSTER_NAMES = [
    "Aiko Tanaka", "Oluwaseun Adeyemi", "Marta Kowalska", "Priya Raghunathan", "Mateo Fernández", "Siobhán O'Connell",
    "Nguyen Thi Lan", "Jürgen Hoffmann", "Fatima Al-Zahra Haddad", "Lars Eriksson", "Chiara Bianchi", "Kwame Mensah",
    "Elif Yıldız", "Dmitri Volkov", "Ana Lúcia Ferreira", "Wei Zhang", "Hemi Walker", "Ingrid Solberg", "Rashid Karimi",
    "Camille Dubois", "Tomasz Nowak", "Amara Okafor", "Ravi Shankar Iyer", "Yuki Morimoto", "Sofia Papadopoulou",
    "Diego Ramírez", "Rebecca Goldberg", "Mehmet Demir", "Aroha Ngata", "Björn Lindqvist", "Leilani Kahale", "Sanjay Patel",
    "Zainab Bello", "Pierre-Luc Gagnon", "Magdalena Horváth", "Park Joon-ho", "Isabela Costa", "Thandiwe Dlamini",
    "Niamh Gallagher", "Kenji Watanabe", "Ayşe Kaya", "Rafael Moreno", "Olga Ivanova", "Emeka Nwosu", "Astrid van den Berg",
    "Carlos Mendoza", "Chen Mei-Ling", "Farah Siddiqui", "Henrik Nielsen", "Lucía Martín", "Gabriel Okonkwo",
    "Anneke de Vries", "Sione Taufa", "Valentina Rossi", "Arjun Mehta", "Ewa Zielińska", "Tariq Mahmoud",
    "Catalina Herrera", "Jamal Washington", "Freya Anderson",
]
METER_PATTERNS = [r"\bMTR-\d{5}\b", r"\b(?:AHU|FCU|CH|BLR|PMP)-\d{1,2}-\d{2}\b", r"\bEM\.B\d{2}\.\d{4}\b"]


def meter_id(kind=None):
    kind = kind if kind is not None else rng.randrange(3)
    if kind == 0:
        return "MTR-%05d" % rng.randrange(100, 99999)
    if kind == 1:
        return "%s-%d-%02d" % (pick(["AHU", "FCU", "CH", "BLR", "PMP"]), rng.randint(1, 12), rng.randint(1, 40))
    return "EM.B%02d.%04d" % (rng.randint(1, 40), rng.randint(1, 9999))


def building():
    return pick(BUILDING_IDS)


def meta_of(bid):
    for r in META:
        if r["building_id"] == bid:
            return r


def identifier_families(C):
    # --- BDG2 building ids
    tpl = [
        lambda b: ("Why does %s have such a high EUI compared to the other offices in the portfolio? The sqm in the metadata might be wrong." % b, [b]),
        lambda b: ("%s keeps dropping out of the dashboard since the gateway firmware update. Where would you start?" % b.lower(), [b.lower()]),
        lambda b: ("TICKET: %s - METER COMMS LOST AGAIN, PLEASE ESCALATE TO THE INTEGRATOR" % b.upper(), [b.upper()]),
        lambda b: ("I uploaded %s_elec_2016.csv but the importer rejects it with 'unexpected header'. What format does it want?" % b, [b]),
        lambda b: ("The parquet files are under s3://energy-lake/meters/%s/2017/ - how do I read them with pandas?" % b.lower(), [b.lower()]),
        lambda b: ("My wide CSV header looks like this:\n\ntimestamp,%s,%s,%s\n\nHow do I melt it into long format in pandas?" % (b, building(), building()), None),
        lambda b: ("Is this metadata record complete enough for benchmarking?\n\n" + json.dumps({"building_id": b, "primary_use": meta_of(b)["primaryspaceusage"] or "Other", "sqm": float(meta_of(b)["sqm"] or 0) or 1200.5, "yearbuilt": meta_of(b)["yearbuilt"] or None}, ensure_ascii=False), [b]),
        lambda b: ("Kannst du mir erklären, warum %s im Vergleich so schlecht abschneidet? Die Fläche stimmt laut Hausmeister." % b, [b]),
        lambda b: ("Pour le bâtiment %s, quels postes de consommation regarder en premier ?" % b, [b]),
        lambda b: ("| building | EUI kWh/m² | ENERGY STAR |\n|---|---|---|\n| %s | 212 | 48 |\n| %s | 167 | 71 |\n\nWhich one should get the retro-commissioning budget?" % (b, building()), None),
        lambda b: ("We are renaming meters. Old name: %s. Suggest a naming convention that does not expose the building." % b, [b]),
        lambda b: ("select * from meters where building_id = '%s' returns nothing, but the building exists. Why?" % b, [b]),
        lambda b: ("Draft an email to the tenant of %s about the planned chiller shutdown next Friday." % b, [b]),
        lambda b: ("config.yaml:\n  buildings:\n    - id: %s\n      timezone: US/Eastern\n    - id: %s\n      timezone: US/Eastern\nIs the indentation right?" % (b, building()), None),
        lambda b: ("The ML model performs worst on %s and %s. Are residence halls just harder to predict?" % (b.upper(), building().upper()), None),
        lambda b: ("Dashboard tile title: \"%s - Electricity YTD\". Can we shorten it?" % b, [b]),
        lambda b: ("El edificio %s tiene un consumo de gas muy alto en verano. ¿Qué puede ser?" % b.lower(), [b.lower()]),
        lambda b: ("Link: https://portal.example-energy.net/buildings/%s/overview - the page is blank for me." % b, [b]),
    ]
    for i, f in enumerate(tpl):
        b = building()
        text, sens = f(b)
        if sens is None:
            sens = [x for x in BUILDING_IDS if x in text or x.upper() in text or x.lower() in text]
            sens = [x if x in text else (x.upper() if x.upper() in text else x.lower()) for x in sens]
        C.add("id-building", "masked", [U(text)], sens)

    # --- site ids next to site / campus
    tpl = [
        "The {s} site has the oldest chillers; what's a sensible replacement order?",
        "On the {s} campus the steam network loses a lot in summer. Typical distribution losses?",
        "Site: {s}. Primary use mix is mostly education. How should we benchmark it?",
        "We're onboarding campus {s} next month - which meters should be validated first?",
        "Für den Standort (site {s}) brauchen wir ein Messkonzept nach ISO 50001.",
        "Le site {s} a un contrat d'électricité à tarif jaune, on peut l'optimiser ?",
        "Compare {s} site against the rest of the portfolio in terms of metering coverage.",
        "The {s} campus energy manager asked whether solar PV makes sense on the parking structures.",
        "{s} site: 3 boilers, 2 chillers, no heat recovery. Quick wins?",
        "All buildings at site {s} report in local time without DST handling - what breaks?",
    ]
    pool = Pool(SITE_IDS)
    for i, t in enumerate(tpl):
        s = pool.draw()
        s2 = s.lower() if i % 4 == 3 else s
        C.add("id-site", "masked", [U(t.format(s=s2))], [s2])

    # --- staff names from the roster
    names = Pool(ROSTER_NAMES)
    tpl = [
        lambda a, b: ("Can you draft a handover note from %s to %s for the weekend boiler checks?" % (a, b), [a, b]),
        lambda a, b: ("%s says the CHW valve is stuck at 40%%. Who should I call, the controls contractor or the mechanical one?" % a, [a]),
        lambda a, b: ("Thanks for the help!\n\nBest regards,\n%s\nEnergy Manager" % a, [a]),
        lambda a, b: ("On-call rota:\n| week | engineer |\n|---|---|\n| 14 | %s |\n| 15 | %s |\nPlease turn this into a calendar text." % (a, b), [a, b]),
        lambda a, b: (json.dumps({"work_order": "WO-%d" % rng.randint(10000, 99999), "assignee": a, "reviewer": b, "status": "open"}, ensure_ascii=False) + "\nSummarise this work order.", [a, b]),
        lambda a, b: ("Kannst du %s eine kurze Mail schreiben, dass die Zählerablesung auf Dienstag verschoben wird?" % a, [a]),
        lambda a, b: ("Rédige un compte rendu de la visite de %s et %s au local technique." % (a, b), [a, b]),
        lambda a, b: ("meeting notes: %s (facilities), %s (finance) - agreed to fund the LED retrofit. Write the action list." % (a.lower(), b), [a.lower(), b]),
        lambda a, b: ("Who is responsible for the sub-metering audit: %s or %s? The RACI says 'A' for both." % (a, b), [a, b]),
        lambda a, b: ("%s, %s" % (a.split()[-1].upper(), a.split()[0]) + " reported a refrigerant leak alarm at 06:40. What's the procedure?", [a.split()[-1].upper()]),
        lambda a, b: ("¿Puedes preparar un correo para %s explicando el nuevo horario de climatización?" % a, [a]),
        lambda a, b: ("Performance review input for %s: led the BMS migration, cut out-of-hours load. Make it sound professional." % a, [a]),
        lambda a, b: ("@%s please check the AHU filters in the east wing, cc %s" % (a, b), [a, b]),
        lambda a, b: ("Stuur %s een herinnering over de keuring van de stookinstallatie." % a, [a]),
    ]
    for f in tpl:
        a, b = names.draw(), names.draw()
        text, sens = f(a, b)
        C.add("id-person", "masked", [U(text)], sens)
    a = names.draw()
    C.add("id-person", "masked", [U("Draft this week's plant-room check list.")], [a],
          instructions="You are the assistant of %s, energy manager. Sign drafts with her name and keep a formal tone." % a)

    # --- meter / equipment ids following the roster patterns
    tpl = [
        lambda: ("Meter {0} was replaced on 2024-03-02; do I need to change the CT ratio from 200/5 to 400/5 in the EMS?", 1),
        lambda: ("{0} is short-cycling every 6 minutes after the controller swap. Likely causes?", 1),
        lambda: ("The sub-meter {0} feeds the kitchen, {1} the server room. How should I allocate costs?", 2),
        lambda: ("| asset | type | install year |\n|---|---|---|\n| {0} | main meter | 2011 |\n| {1} | AHU | 2015 |\n| {2} | sub-meter | 2019 |\nWhich ones are due for recalibration?", 3),
        lambda: ('{{"asset": "{0}", "fault": "comm loss", "since": "2024-05-11"}}' + " - what should the technician check?", 1),
        lambda: ("Zähler {0} zeigt seit der Umstellung keine Werte mehr. Woran kann das liegen?", 1),
        lambda: ("Le compteur {0} et la CTA {1} sont sur le même bus Modbus, est-ce un problème ?", 2),
        lambda: ("work order: inspect {0} and {1}, replace belts if worn. Estimate hours.", 2),
        lambda: ("Rename {0} in the BMS to something that follows ISO 16484 naming?", 1),
        lambda: ("Our naming scheme has ids like {0}; write a regex that validates them.", 1),
        lambda: ("El contador {0} marca el doble que la factura. ¿Qué reviso?", 1),
        lambda: ("Is {0} (the one on the roof) covered by the maintenance contract or only {1}?", 2),
        lambda: ("alarm log:\n{0} HIGH DISCHARGE PRESSURE\n{1} FILTER DP HIGH\nwhat do I tell the on-site team?", 2),
        lambda: ("Meterpunt {0} moet uit de rapportage; hoe zet ik dat op in de software?", 1),
    ]
    for i, f in enumerate(tpl):
        t, k = f()
        ids = [meter_id((i + j) % 3) for j in range(k)]
        C.add("id-meter", "masked", [U(t.format(*ids))], ids)


# ----------------------------------------------------------------------------- secrets

def b62(n, width):
    s = ""
    while n:
        n, r = divmod(n, 62)
        s = B62[r] + s
    return s.rjust(width, "0")


def gh_token(prefix="ghp_"):
    body = rs(30, ALNUM)
    return prefix + body + b62(zlib.crc32(body.encode()) & 0xFFFFFFFF, 6)


def aws_pair():
    return pick(["AKIA", "AKIA", "ASIA"]) + rs(16, UP + "234567"), rs(40, ALNUM + "+/")


def jwt(payload=None):
    h = b64url(json.dumps({"alg": pick(["HS256", "RS256"]), "typ": "JWT"}, separators=(",", ":")).encode())
    now = 1700000000 + rng.randrange(0, 30000000)
    payload = payload or {"sub": rs(8, HEX) + "-" + rs(4, HEX) + "-" + rs(4, HEX), "scope": "meters:read", "iat": now, "exp": now + 3600}
    p = b64url(json.dumps(payload, separators=(",", ":")).encode())
    s = b64url(bytes(rng.randrange(256) for _ in range(32 if "HS" in h else 256)))
    return "%s.%s.%s" % (h, p, s)


def pem(kind):
    head = {"RSA PRIVATE KEY": bytes.fromhex("308204a40201000282010100"),
            "PRIVATE KEY": bytes.fromhex("308204bd020100300d06092a864886f70d0101010500048204a7"),
            "EC PRIVATE KEY": bytes.fromhex("30770201010420"),
            "OPENSSH PRIVATE KEY": b"openssh-key-v1\x00\x00\x00\x00\x04none"}[kind]
    n = {"RSA PRIVATE KEY": 1190, "PRIVATE KEY": 1210, "EC PRIVATE KEY": 114, "OPENSSH PRIVATE KEY": 380}[kind]
    raw = head + bytes(rng.randrange(256) for _ in range(n))
    b = base64.b64encode(raw).decode()
    lines = [b[i:i + (70 if "OPENSSH" in kind else 64)] for i in range(0, len(b), 70 if "OPENSSH" in kind else 64)]
    return "-----BEGIN %s-----\n%s\n-----END %s-----" % (kind, "\n".join(lines), kind), lines


def password():
    w = pick(["Chiller", "Winter", "Boiler", "Energie", "Sommer", "Campus", "Meter", "Heizung", "Soleil", "Verano", "Admin", "Pump"])
    return pick([
        lambda: "%s#%d!" % (w, rng.randint(2015, 2025)),
        lambda: "%s%s$%02d" % (w.lower(), pick(["Ops", "Bms", "Fm"]), rng.randint(1, 99)),
        lambda: rs(14, ALNUM + "!#%*"),
        lambda: "%s-%s-%d" % (w, pick(["Tiger", "Kestrel", "Orchard", "Harbour", "Quartz"]), rng.randint(10, 999)),
        lambda: rs(10, ALNUM) + pick(["!", "?", "@", "&"]) + rs(3, DIG),
    ])()


def azure_key():
    return base64.b64encode(bytes(rng.randrange(256) for _ in range(64))).decode()


def sas_sig():
    return base64.b64encode(bytes(rng.randrange(256) for _ in range(32))).decode().replace("+", "%2B").replace("/", "%2F").replace("=", "%3D")


def secret_families(C):
    # --- AWS
    for i in range(9):
        k, s = aws_pair()
        v = i % 3
        if v == 0:
            text = ("My ~/.aws/credentials looks like this and boto3 still says access denied when reading the meter bucket:\n\n"
                    "[default]\naws_access_key_id = %s\naws_secret_access_key = %s\nregion = eu-central-1\n" % (k, s))
        elif v == 1:
            text = ("export AWS_ACCESS_KEY_ID=%s\nexport AWS_SECRET_ACCESS_KEY=%s\nexport AWS_DEFAULT_REGION=us-east-1\n"
                    "aws s3 ls s3://bms-exports/ -> 'InvalidAccessKeyId'. %s" % (k, s, pick(["Why?", "What am I missing?", "Any idea?"])))
        else:
            text = ("The Lambda that aggregates utility bills has this in its config, is the IAM policy the problem?\n" +
                    json.dumps({"AccessKeyId": k, "SecretAccessKey": s, "Region": "eu-west-1", "Bucket": "utility-bills-archive"}, indent=2))
        C.add("secret-aws", "masked", [U(text)], [k, s])

    # --- GitHub and Slack
    for i in range(12):
        v = i % 6
        if v == 0:
            t = gh_token()
            text, sens = "git clone https://%s@github.com/acme-fm/ems-scripts.git fails with 403. Token scope issue?" % t, [t]
        elif v == 1:
            t = "github_pat_" + rs(22, ALNUM) + "_" + rs(59, ALNUM)
            text, sens = "Our CI uses GH_TOKEN=%s to push the weekly report; it expired - how do I rotate it safely?" % t, [t]
        elif v == 2:
            t = "xoxb-%d-%d-%s" % (rng.randint(10 ** 10, 10 ** 12), rng.randint(10 ** 11, 10 ** 13), rs(24, ALNUM))
            text, sens = "The alarm bot posts nothing. SLACK_BOT_TOKEN=%s and channel #plant-alarms. What scopes does chat:write need?" % t, [t]
        elif v == 3:
            t = "xoxp-%d-%d-%d-%s" % (rng.randint(10 ** 10, 10 ** 12), rng.randint(10 ** 10, 10 ** 12), rng.randint(10 ** 11, 10 ** 13), rs(32, HEX))
            text, sens = "slack_client = WebClient(token=\"%s\")\n# why does this user token see private channels?" % t, [t]
        elif v == 4:
            path = "T%s/B%s/%s" % (rs(8, UP + DIG), rs(10, UP + DIG), rs(24, ALNUM))
            u = "https://hooks.slack.com/services/" + path
            text, sens = "curl -X POST -H 'Content-type: application/json' --data '{\"text\":\"Chiller 2 tripped\"}' %s\nreturns invalid_payload" % u, [path, u]
        else:
            t = gh_token(pick(["gho_", "ghs_", "ghu_"]))
            text, sens = "In the Actions log I see `Authorization: token %s` printed in clear text. Is that a leak?" % t, [t]
        C.add("secret-vcs-chat", "masked", [U(text)], sens)

    # --- API keys of SaaS vendors
    gens = [
        ("Stripe", lambda: "sk_live_" + pick(["51", "4e"]) + rs(rng.choice([24, 97]), ALNUM), "STRIPE_SECRET_KEY={k}\nThe tenant billing portal throws 'No such customer'. Is the key from the wrong account?"),
        ("Stripe restricted", lambda: "rk_live_" + rs(rng.choice([24, 99]), ALNUM), "We created a restricted key {k} for the invoice sync job. Which permissions should it have?"),
        ("SendGrid", lambda: "SG." + rs(22, B64URL) + "." + rs(43, B64URL), "sg = SendGridAPIClient('{k}')  # monthly energy report mailer\nEmails end up in spam, ideas?"),
        ("Hugging Face", lambda: "hf_" + rs(34, UP + LO), "I set HF_TOKEN={k} but the download of the forecasting model still asks me to log in."),
        ("OpenAI legacy", lambda: "sk-" + rs(20, ALNUM) + "T3BlbkFJ" + rs(20, ALNUM), "OPENAI_API_KEY=\"{k}\" - the summariser returns 429 all the time. Do we need a higher tier?"),
        ("OpenAI project", lambda: "sk-proj-" + rs(74, B64URL) + "T3BlbkFJ" + rs(74, B64URL), "client = OpenAI(api_key=\"{k}\")\nHow do I move this to an environment variable?"),
        ("Anthropic", lambda: "sk-ant-api03-" + rs(93, B64URL) + "AA", "ANTHROPIC_API_KEY={k}\nThe compare script fails with 401 after the key rotation."),
        ("Google", lambda: "AIza" + rs(35, B64URL), "The weather widget uses https://maps.googleapis.com/maps/api/geocode/json?address=plant+room&key={k} - should that key be restricted?"),
        ("Stripe test+live", lambda: "sk_live_" + rs(24, ALNUM), "Die Zahlungsintegration für die Ladesäulen nutzt den Schlüssel {k}. Ist das der Testmodus?"),
        ("SendGrid2", lambda: "SG." + rs(22, B64URL) + "." + rs(43, B64URL), "apiKey: {k}\nfrom: alerts@\nLe service d'alertes ne part plus depuis hier, pourquoi ?"),
        ("HF2", lambda: "hf_" + rs(34, UP + LO), "huggingface-cli login --token {k} --add-to-git-credential  -> is that safe on a shared jump host?"),
        ("Anthropic admin", lambda: "sk-ant-admin01-" + rs(93, B64URL) + "AA", "Our usage-report job uses the admin key {k}; can it be scoped down?"),
        ("Google2", lambda: "AIza" + rs(35, B64URL), "La clave de Google {k} aparece en el HTML del panel público de energía, ¿es grave?"),
    ]
    for name, g, t in gens:
        k = g()
        C.add("secret-api-keys", "masked", [U(t.format(k=k))], [k])

    # --- JWT and PEM
    for i in range(9):
        v = i % 3
        if v == 0:
            j = jwt()
            text, sens = "Decode this token from the meter API and tell me when it expires: %s" % j, [j]
        elif v == 1:
            j = jwt({"iss": "https://auth.ems-cloud.example", "aud": "metering-api", "sub": "svc-export", "iat": 1710000000, "exp": 1710003600})
            text, sens = "The gateway returns 401 with this bearer; is the audience wrong?\n\n%s" % j, [j]
        else:
            kind = pick(["RSA PRIVATE KEY", "PRIVATE KEY", "EC PRIVATE KEY", "OPENSSH PRIVATE KEY"])
            block, lines = pem(kind)
            text = pick(["The SFTP upload to the utility fails; this is the key file we use:\n\n%s\n\nIs the format right for WinSCP?",
                         "Is this key RSA or EC, and how big?\n%s", "Paramiko rejects this key:\n%s\nConvert it for me?"]) % block
            sens = [lines[1], lines[len(lines) // 2]]
        C.add("secret-jwt-pem", "masked", [U(text)], sens)

    # --- Authorization headers
    for i in range(9):
        v = i % 3
        if v == 0:
            user = pick(["bms-reader", "api_export", "svc-energy", "admin", "metering"])
            pw = password()
            tok = base64.b64encode(("%s:%s" % (user, pw)).encode()).decode()
            text = "curl -H 'Authorization: Basic %s' https://gateway.local/api/v1/points returns 403 - wrong realm?" % tok
            sens = [tok]
        elif v == 1:
            tok = rs(40, ALNUM + "-._~")
            text = "GET /api/meters HTTP/1.1\nHost: ems.internal\nAuthorization: Bearer %s\nAccept: application/json\n\nWhy do I get a 302 to the login page?" % tok
            sens = [tok]
        else:
            tok = jwt()
            text = pick(["Postman: header `Authorization: Bearer %s` works, but the same in Power BI doesn't. Why?",
                         "requests.get(url, headers={\"Authorization\": \"Bearer %s\"}) times out after 30 s, what should I check?",
                         "In der Swagger-UI trage ich Bearer %s ein und bekomme 401."]) % tok
            sens = [tok]
        C.add("secret-http-auth", "masked", [U(text)], sens)

    # --- Azure storage
    for i in range(9):
        acct = pick(["stenergydata", "fmexports", "meterlake", "bmsarchive"]) + "%02d" % rng.randint(1, 99)
        if i % 2 == 0:
            key = azure_key()
            cs = "DefaultEndpointsProtocol=https;AccountName=%s;AccountKey=%s;EndpointSuffix=core.windows.net" % (acct, key)
            text = pick(["appsettings.json has \"StorageConnection\": \"%s\" - the function can't list blobs. Why?",
                         "BlobServiceClient.from_connection_string(\"%s\") raises AuthorizationFailure.",
                         "Welche Rolle braucht die Function, wenn sie so verbindet: %s ?",
                         "az storage blob upload --connection-string \"%s\" -c bills -f may.pdf fails on the proxy.",
                         "Is it OK to keep %s in Key Vault or should we switch to managed identity?"]) % cs
            sens = [key]
        else:
            sig = sas_sig()
            url = ("https://%s.blob.core.windows.net/exports/monthly.csv?sv=2022-11-02&ss=b&srt=o&sp=r&se=2025-%02d-28T17:00:00Z"
                   "&st=2025-01-01T09:00:00Z&spr=https&sig=%s" % (acct, rng.randint(2, 12), sig))
            text = pick(["This SAS link for the consultant stopped working: %s",
                         "Can you shorten the expiry on this SAS URL? %s",
                         "Le lien SAS %s renvoie AuthenticationFailed.",
                         "Power Query can't load %s, do I need a different sp= value?"]) % url
            sens = [sig]
        C.add("secret-azure", "masked", [U(text)], sens)

    # --- database connection strings / URLs
    for i in range(10):
        pw = password()
        user = pick(["ems_app", "reporting", "sa", "postgres", "energy_rw", "grafana"])
        host = pick(["db01.fm.internal", "10.20.3.14", "energy-prod.postgres.database.azure.com", "cluster0.x7q2k.mongodb.net", "sql-bms-01"])
        v = i % 5
        if v == 0:
            s = "Server=tcp:%s,1433;Initial Catalog=EnergyDW;User ID=%s;Password=%s;Encrypt=True;" % (host, user, pw)
        elif v == 1:
            s = "postgresql://%s:%s@%s:5432/meters" % (user, pw, host)
        elif v == 2:
            s = "mongodb+srv://%s:%s@%s/?retryWrites=true&w=majority" % (user, pw, host)
        elif v == 3:
            s = "Host=%s;Port=5432;Database=ems;Username=%s;Password=%s;SSL Mode=Require" % (host, user, pw)
        else:
            s = "mysql+pymysql://%s:%s@%s/bms_history?charset=utf8mb4" % (user, pw, host)
        text = pick(["Grafana can't connect to the data source: %s - timeout. Firewall?",
                     "Connection string from the old contractor: %s\nHow do I migrate it to the new server?",
                     "create_engine(\"%s\") - pool exhausted after an hour. Fix?",
                     "Die Verbindungszeichenfolge %s funktioniert lokal, im Container nicht.",
                     "%s\nwhy does the nightly ETL fail with SSL errors?"]) % s
        C.add("secret-db", "masked", [U(text)], [pw])
    pw = password()
    C.add("secret-db", "masked", [U("Which tables hold the monthly invoices?")], [pw],
          instructions="You are a SQL helper for the energy data warehouse. Connection: Server=sql-energy-01;Database=EnergyDW;User Id=ems_report;Password=%s; Answer with T-SQL only." % pw)

    # --- password phrases in a few languages
    tpl = [
        "The password is {p} for the BMS web interface, but it won't let me change setpoints. Operator level too low?",
        "password: {p}\nuser: operator\nThat's what's on the sticker on the Niagara JACE. Should we change it?",
        "odbc.ini has pwd={p} in clear text. Safer way for the nightly export?",
        "Das Passwort ist {p} - trotzdem kommt beim Login an der Wärmepumpe 'Zugriff verweigert'.",
        "Kennwort: {p} (vom Installateur). Wie setze ich das am Regler zurück?",
        "Le mot de passe est {p}, mais la supervision refuse la connexion depuis la mise à jour.",
        "mdp : {p} -- c'est celui du compte admin de la GTB, il faut le changer ?",
        "La contraseña es {p} y el portal de la distribuidora dice que caducó.",
        "Het wachtwoord is {p}; de meteruitlezing via de webinterface lukt niet meer.",
        "La password è {p}, ma il datalogger non accetta il login via FTP.",
        "Wifi for the plant room tablet: SSID FM-Plant, passphrase {p}. Is WPA2-Personal ok for that?",
        "login: facilities / pass: {p} -- can you write the steps to change it on a Siemens PXC?",
    ]
    for t in tpl:
        p = password()
        C.add("secret-password", "masked", [U(t.format(p=p))], [p])

    # --- .env files
    for i in range(9):
        pw = password()
        k = rs(32, HEX)
        lines = ["# ems-sync service", "APP_ENV=production", "DB_HOST=db01.fm.internal", "DB_USER=ems_sync", "DB_PASSWORD=%s" % pw]
        extra = []
        v = i % 3
        if v == 0:
            t = "SG." + rs(22, B64URL) + "." + rs(43, B64URL)
            lines += ["SENDGRID_API_KEY=%s" % t, "WEATHER_API_KEY=%s" % k]
            extra = [t, k]
        elif v == 1:
            a, s = aws_pair()
            lines += ["AWS_ACCESS_KEY_ID=%s" % a, "AWS_SECRET_ACCESS_KEY=%s" % s, "S3_BUCKET=meter-exports"]
            extra = [a, s]
        else:
            j = "sk-" + rs(20, ALNUM) + "T3BlbkFJ" + rs(20, ALNUM)
            lines += ["OPENAI_API_KEY=\"%s\"" % j, "SESSION_SECRET=%s" % k]
            extra = [j, k]
        text = pick(["My .env:\n\n%s\n\ndocker compose doesn't pick up DB_PASSWORD. Why?",
                     "```dotenv\n%s\n```\nWhich of these belong in a secrets manager?",
                     ".env.production (committed by mistake?):\n%s\nHow do I scrub it from git history?",
                     "%s\n\nThe service starts but can't reach the DB. Anything wrong above?"]) % "\n".join(lines)
        C.add("secret-dotenv", "masked", [U(text)], [pw] + extra)


# ----------------------------------------------------------------------------- contact / personal

DOMAINS = ["stadtwerke-nord.de", "campus-fm.co.uk", "northwind-energy.com", "gestion-batiments.fr", "energia-levante.es",
           "facilities.uni-example.edu", "hospitalgroup.org.au", "vastgoedbeheer.nl", "contoso-properties.com", "citycouncil.gov.uk"]


def ascii_name(n):
    s = unicodedata.normalize("NFKD", n)
    s = "".join(ch for ch in s if not unicodedata.combining(ch)).replace("ı", "i").replace("ł", "l")
    return s


def email_of(name, style=0):
    parts = ascii_name(name).lower().replace("'", "").replace("-", "").split()
    d = pick(DOMAINS)
    if style == 0:
        return "%s.%s@%s" % (parts[0], parts[-1], d)
    if style == 1:
        return "%s%s+%s@%s" % (parts[0][0], parts[-1], pick(["alerts", "bms", "invoices", "energy"]), d)
    return "%s_%s@%s" % (parts[0], parts[-1], d)


def luhn_complete(prefix, length):
    digits = prefix + "".join(rng.choice(DIG) for _ in range(length - len(prefix) - 1))
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return digits + str((10 - total % 10) % 10)


def luhn_ok(num):
    total = 0
    for i, ch in enumerate(reversed(num)):
        d = int(ch)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def iban(cc):
    bban = {"DE": lambda: rs(18, DIG), "GB": lambda: rs(4, UP) + rs(14, DIG), "NL": lambda: rs(4, UP) + rs(10, DIG),
            "FR": lambda: rs(23, DIG), "ES": lambda: rs(20, DIG), "IT": lambda: rs(1, UP) + rs(22, DIG),
            "BE": lambda: rs(12, DIG), "AT": lambda: rs(16, DIG), "CH": lambda: rs(17, DIG), "IE": lambda: rs(4, UP) + rs(14, DIG)}[cc]()
    num = "".join(str(int(ch, 36)) for ch in bban + cc + "00")
    return "%s%02d%s" % (cc, 98 - int(num) % 97, bban)


def iban_ok(s):
    s = s.replace(" ", "").replace("-", "").upper()
    r = s[4:] + s[:4]
    return int("".join(str(int(ch, 36)) for ch in r)) % 97 == 1


def group(s, n=4, sep=" "):
    return sep.join(s[i:i + n] for i in range(0, len(s), n))


def phone(kind):
    d = lambda n: rs(n, DIG)
    nz = lambda: str(rng.randint(2, 9))
    return {
        "us": lambda: "(%s%s) 555-01%s" % (nz(), d(2), d(2)),
        "us2": lambda: "+1 %s%s-%s%s-%s" % (nz(), d(2), nz(), d(2), d(4)),
        "us3": lambda: "%s%s.%s%s.%s" % (nz(), d(2), nz(), d(2), d(4)),
        "uk": lambda: "+44 20 7946 0%s" % d(3),
        "uk2": lambda: "0161 496 0%s" % d(3),
        "uk3": lambda: "07700 900%s" % d(3),
        "de": lambda: "+49 30 %s %s" % (d(4), d(4)),
        "de2": lambda: "0221 %s-%s" % (d(6), d(2)),
        "de3": lambda: "+49 (0)89 %s %s" % (d(3), d(4)),
        "fr": lambda: "+33 1 %s %s %s %s" % (d(2), d(2), d(2), d(2)),
        "fr2": lambda: "06 %s %s %s %s" % (d(2), d(2), d(2), d(2)),
        "in": lambda: "+91 9%s %s" % (d(4), d(5)),
        "in2": lambda: "022-2%s %s" % (d(3), d(4)),
        "cn": lambda: "+86 138 %s %s" % (d(4), d(4)),
        "cn2": lambda: "010-%s%s" % (nz(), d(7)),
        "au": lambda: "+61 2 %s %s" % (d(4), d(4)),
        "au2": lambda: "04%s %s %s" % (d(2), d(3), d(3)),
        "nl": lambda: "+31 20 %s %s" % (d(3), d(4)),
        "nl2": lambda: "06-%s" % d(8),
        "es": lambda: "+34 91%s %s %s" % (d(1), d(3), d(3)),
        "es2": lambda: "6%s %s %s" % (d(2), d(3), d(3)),
    }[kind]()


def contact_families(C):
    names = Pool(ROSTER_NAMES)
    # --- e-mails
    tpl = [
        lambda: ("Please write a polite reminder to %s about the overdue meter-reading certificate." % email_of(names.draw(), 0), None),
        lambda: ("Alarms go to %s but nobody gets them since Monday - SMTP relay issue?" % email_of(names.draw(), 1), None),
        lambda: ("Bitte eine Antwort an jörg.müller@stadtwerke-köln.de formulieren: Die Ablesung verschiebt sich um eine Woche.", ["jörg.müller@stadtwerke-köln.de"]),
        lambda: ("The BMS only accepts alert addresses like \"facilities team\"@%s - is a quoted local part even valid?" % pick(DOMAINS), "q"),
        lambda: ("Unsubscribe link in the utility newsletter: https://mail.%s/unsub?email=%s - is that safe to click?" % (pick(DOMAINS), email_of(names.draw(), 0).replace("@", "%40")), "pct"),
        lambda: ("cc: %s; %s - forward them the audit summary, keep it under 200 words." % (email_of(names.draw(), 2), email_of(names.draw(), 0)), None),
        lambda: ("Contact for the EPC assessor: %s. Draft an intro e-mail." % email_of(names.draw(), 0).upper(), None),
        lambda: ("Envoie un message à %s pour confirmer le relevé du compteur gaz." % email_of(names.draw(), 0), None),
        lambda: ("Manda un correo a %s con el resumen de la auditoría energética." % email_of(names.draw(), 2), None),
        lambda: ("git log shows author <%s> for the broken tariff script. How do I revert that commit only?" % email_of(names.draw(), 0), None),
        lambda: ("Reply-To: %s\nSubject: Chiller service quote\nCan you summarise what they're asking?" % ("søren.kjærgaard@" + pick(DOMAINS)), "u"),
        lambda: ("mailto:%s?subject=Energy%%20report - the link in our dashboard opens the wrong client." % email_of(names.draw(), 1), None),
        lambda: ("Stuur de kwartaalrapportage naar %s en zet mij in de cc." % email_of(names.draw(), 0), None),
    ]
    import re as _re
    for f in tpl:
        text, mode = f()
        if isinstance(mode, list):
            sens = mode
        elif mode == "q":
            sens = [_re.search(r'"facilities team"@[\w.-]+', text).group(0)]
        elif mode == "pct":
            sens = [_re.search(r"email=([^\s]+)", text).group(1)]
        elif mode == "u":
            sens = [_re.search(r"søren\.kjærgaard@[\w.-]+", text).group(0)]
        else:
            sens = _re.findall(r"[\w.+%-]+@[\w-]+(?:\.[\w-]+)+", text, _re.UNICODE)
        C.add("contact-email", "masked", [U(text)], sens)

    contractor_tool = {"name": "get_contractor", "description": "Looks up the service contractor for an asset class.",
                       "parameters": {"type": "object", "properties": {"asset_class": {"type": "string"}}, "required": ["asset_class"]}}
    for j in range(2):
        n = names.draw()
        e = email_of(n, 0)
        ph = pick([phone("uk2"), phone("de2"), phone("nl2"), phone("fr2")])
        cid = call_id()
        res = {"company": pick(["Kältetechnik Nord GmbH", "Acme Mechanical Ltd", "Clim Services SAS"]), "contact": n, "email": e, "phone": ph}
        C.add("contact-email", "masked", [U(pick(["Who services the chillers? Draft them an e-mail about the leak test.", "Find the boiler contractor and write them a booking request."])),
                                          TC((cid, "get_contractor", {"asset_class": pick(["chillers", "boilers"])})), TR(cid, "json", res)],
              [e, ph, n], tools=[contractor_tool])

    # --- phone numbers
    tpl = [
        ("us", "Call the chiller contractor at {p} ext. {x} and ask about the compressor warranty - write me a call script."),
        ("us2", "After-hours HVAC hotline: {p}. Put it in the escalation matrix."),
        ("us3", "The alarm autodialer calls {p} x{x} but it rings out. How do I test the modem?"),
        ("uk", "Ring the DNO on {p} about the planned outage - what should I ask?"),
        ("uk2", "Our site contact's number is {p}; draft a text asking for meter access."),
        ("uk3", "mobile {p} - that's the on-call engineer, add it to the rota doc"),
        ("de", "Der Notdienst ist unter {p} erreichbar, bitte in den Aushang aufnehmen."),
        ("de2", "Ansprechpartner Messstellenbetreiber: Tel. {p} - Durchwahl {x}. Bitte Anschreiben entwerfen."),
        ("de3", "Rückruf erbeten unter {p}, es geht um die Lastgangmessung."),
        ("fr", "Appelle le syndic au {p} pour la coupure de chauffage."),
        ("fr2", "Le technicien de maintenance : {p}, peux-tu préparer un SMS ?"),
        ("in", "Vendor for the DG set in Pune: {p}. Ask for the AMC renewal quote."),
        ("in2", "Office landline {p} - put it in the footer of the energy report."),
        ("cn", "供应商联系人电话 {p}, please draft a WeChat message in English about the chiller spare parts."),
        ("cn2", "Beijing office reception {p}; include it in the site induction sheet."),
        ("au", "Call the building manager on {p} about the tenant's after-hours AC request."),
        ("au2", "Electrician's mobile: {p}. Write an SMS about the switchboard thermography."),
        ("nl", "Bel de storingsdienst op {p} over de warmtepomp."),
        ("nl2", "Mobiel van de installateur: {p}. Zet het in het onderhoudsplan."),
        ("es", "Llama al mantenedor al {p} por la avería de la enfriadora."),
        ("es2", "Móvil del encargado: {p}, prepárame un WhatsApp para el lunes."),
    ]
    for kind, t in tpl:
        p = phone(kind)
        x = str(rng.randint(100, 9999))
        text = t.format(p=p, x=x)
        sens = [p] + ([x] if "{x}" in t and len(x) >= 3 else [])
        C.add("contact-phone", "masked", [U(text)], sens)

    # --- IBANs
    ccs = ["DE", "GB", "NL", "FR", "ES", "IT", "BE", "AT", "CH", "IE", "DE", "NL"]
    tpl = [
        "Please pay the metering invoice to IBAN {i}, reference INV-2024-0{n}.",
        "Bankverbindung des Energielieferanten: {i} - bitte SEPA-Lastschriftmandat vorbereiten.",
        "The supplier changed banks; new account {i}. Draft the vendor master-data change request.",
        "Virement pour la maintenance CVC : {i}, libellé « contrat 2024 ».",
        "IBAN para la domiciliación de la factura eléctrica: {i}",
        "Rekeningnummer voor de teruglevering: {i}. Klopt het formaat?",
        "iban={i}&amount=1840.50 - this is in the payment link the tenant received, is it phishing?",
        "Beneficiary IBAN {i} / BIC DEUTDEFF. Is the BIC consistent?",
        "Refund the overcharge to {i} please - write the instruction for accounts payable.",
        "Our ERP export shows {i} for the gas supplier. Why would validation fail?",
        "Il fornitore chiede il pagamento su {i}, è un IBAN italiano valido?",
        "Conto per il rimborso: {i}.",
    ]
    for k, t in enumerate(tpl):
        raw = iban(ccs[k])
        fmt = k % 4
        if fmt == 0:
            w = group(raw)
        elif fmt == 1:
            w = raw
        elif fmt == 2:
            w = group(raw).lower() if k % 8 == 2 else raw.lower()
        else:
            w = group(raw, 4, "-")
        C.add("contact-iban", "masked", [U(t.format(i=w, n=rng.randint(1000, 9999)))], [w])

    # --- payment cards
    kinds = [("4", 16), ("51", 16), ("55", 16), ("2221", 16), ("34", 15), ("37", 15), ("6011", 16), ("4", 16), ("53", 16)]
    tpl = [
        "The EV-charger app stored card {c} exp 09/27 - should the BMS contractor ever see this?",
        "Pay the emergency generator rental with {c}, CVV on the back. Can you fill the vendor form?",
        "Corporate card for utility top-ups: {c}",
        "Die Kreditkarte {c} wurde für die Ladesäulen-Abrechnung hinterlegt, DSGVO-Problem?",
        "Carte bancaire du service : {c}, expire fin 2026.",
        "Tarjeta de la empresa {c} para pagar el gasoil de calefacción.",
        "Card no. {c} got declined by the metering portal. Why?",
        "receipt: VISA {c} AUTH 04912 - categorise this expense",
        "Kaartnummer {c} staat in de export van het laadpaalplatform. Moet dat eruit?",
    ]
    for k, t in enumerate(tpl):
        pre, ln = kinds[k]
        num = luhn_complete(pre, ln)
        assert luhn_ok(num)
        sep = [" ", "-", ".", "", " "][k % 5]
        if ln == 15:
            w = sep.join([num[:4], num[4:10], num[10:]]) if sep else num
        else:
            w = group(num, 4, sep) if sep else num
        C.add("contact-card", "masked", [U(t.format(c=w))], [w])

    # --- IP addresses
    tpl = [
        lambda: "The BACnet/IP router is at %s and the JACE at %s; they can't see each other. Subnet issue?" % (ip(True), ip(True)),
        lambda: "Our firewall logs show repeated Modbus TCP hits from %s on port 502. Should I worry?" % ip(False),
        lambda: "ssh admin@%s -p 2222 times out - the energy logger is on that address." % ip(True),
        lambda: "Whitelist %s for the utility's AMR head-end please, write the change request." % ip(False),
        lambda: "Le superviseur est à l'adresse %s, mais le ping échoue depuis le VLAN GTB." % ip(True),
        lambda: "IPv6 der Wärmepumpe: %s - wie erreiche ich die Weboberfläche?" % ip6(),
        lambda: "nginx access log: %s - - [12/Mar/2024:10:22:01 +0000] \"GET /api/points HTTP/1.1\" 401. Who is this?" % ip(False),
        lambda: "Set the Modbus gateway to static %s, gateway %s. Any reason DHCP would be better?" % (ip(True), ip(True)),
        lambda: "The smart meter pushes to %s:8883 over MQTT with TLS; the broker cert expired." % ip(False),
    ]
    import re as _re2
    for f in tpl:
        text = f()
        sens = _re2.findall(r"\b(?:\d{1,3}\.){3}\d{1,3}\b", text) or _re2.findall(r"[0-9a-f]{4}:[0-9a-f:]+", text)
        C.add("contact-ip", "masked", [U(text)], sens)


def ip(private):
    if private:
        return pick([lambda: "10.%d.%d.%d" % (rng.randint(0, 254), rng.randint(0, 254), rng.randint(2, 254)),
                     lambda: "192.168.%d.%d" % (rng.randint(0, 254), rng.randint(2, 254)),
                     lambda: "172.%d.%d.%d" % (rng.randint(16, 31), rng.randint(0, 254), rng.randint(2, 254))])()
    return "%d.%d.%d.%d" % (pick([81, 84, 91, 145, 185, 193, 212, 62, 77, 203]), rng.randint(1, 254), rng.randint(0, 254), rng.randint(2, 254))


def ip6():
    return "2001:%s:%s:%s::%s" % (rs(4, HEX).lstrip("0") or "db8", rs(4, HEX), rs(4, HEX).lstrip("0") or "1", rs(4, HEX).lstrip("0") or "a")


# ----------------------------------------------------------------------------- location

CITIES = [(51.507, -0.128), (48.137, 11.575), (52.370, 4.895), (40.416, -3.703), (45.764, 4.836), (41.878, -87.630),
          (37.775, -122.419), (-33.869, 151.209), (19.076, 72.878), (31.230, 121.474), (53.480, -2.243), (50.938, 6.960),
          (43.296, 5.370), (41.388, 2.170), (47.377, 8.540), (28.538, -81.379)]


def coord(dec):
    la, lo = pick(CITIES)
    la += rng.uniform(-0.08, 0.08)
    lo += rng.uniform(-0.08, 0.08)
    return ("%.*f" % (dec, la)), ("%.*f" % (dec, lo))


def dms(v, pos, neg):
    h = pos if v >= 0 else neg
    v = abs(v)
    d = int(v)
    m = int((v - d) * 60)
    s = (v - d - m / 60) * 3600
    return "%d°%d'%.1f\"%s" % (d, m, s, h)


def ddm(v, pos, neg):
    h = pos if v >= 0 else neg
    v = abs(v)
    d = int(v)
    return "%d° %.3f' %s" % (d, (v - d) * 60, h)


def ukpc(area=None):
    area = area or pick(["LS", "M", "B", "SW", "EC", "NW", "BS", "CF", "G", "EH", "NE", "OX", "CB", "L", "S", "RG", "BN", "PO", "YO", "NG"])
    dist = str(rng.randint(1, 19))
    if area in ("EC", "SW") and rng.random() < 0.4:
        dist = str(rng.randint(1, 4)) + pick(["A", "M", "V", "Y"])
    return "%s%s %d%s" % (area, dist, rng.randint(0, 9), rs(2, "ABDEFGHJLNPQRSTUWXYZ"))


def location_families(C):
    tpl = [
        lambda: (lambda a, b: ("The new PV site is at %s, %s - what yield should we expect per kWp?" % (a, b), [a, b]))(*coord(6)),
        lambda: (lambda a, b: ("Location for the weather normalisation: %s,%s. Which airport station is nearest?" % (a, b), [a, b]))(*coord(4)),
        lambda: (lambda a, b: ('Is this config right for the solar forecast?\n{"site": "rooftop-2", "lat": %s, "lng": %s, "tilt": 15}' % (a, b), [a, b]))(*coord(5)),
        lambda: (lambda la, lo: (lambda x, y: ("The heat pump is installed at %s %s; what design outdoor temperature applies?" % (x, y), [x, y]))(dms(la, "N", "S"), dms(lo, "E", "W")))(*map(float, coord(6))),
        lambda: (lambda la, lo: (lambda x, y: ("GPS from the surveyor: %s, %s. Convert to decimal degrees." % (x, y), [x, y]))(ddm(la, "N", "S"), ddm(lo, "E", "W")))(*map(float, coord(6))),
        lambda: (lambda a, b: ("lat / lng: %s / %s - can you get me the ASHRAE climate zone?" % (a, b), [a, b]))(*coord(5)),
        lambda: (lambda a, b: ("https://www.google.com/maps/@%s,%s,18z - that's the substation, is it in the flood zone?" % (a, b), [a, b]))(*coord(7)),
        lambda: (lambda a, b: ("https://www.google.com/maps/search/?api=1&query=%s%%2C%s is where the contractor parks; is it far from the plant room?" % (a, b), [a, b]))(*coord(6)),
        lambda: (lambda a, b: ("OSM link for the boiler house: https://www.openstreetmap.org/?mlat=%s&mlon=%s#map=19/%s/%s" % (a, b, a, b), [a, b]))(*coord(5)),
        lambda: (lambda a, b: ("Die Wetterstation steht bei %s, %s, 412 m ü. NN - passt die für die Gradtagszahlen?" % (a, b), [a, b]))(*coord(5)),
        lambda: (lambda a, b: ("Position: %s, %s, alt 38 m. Compute the solar noon for 21 June." % (a, b), [a, b]))(*coord(4)),
        lambda: (lambda a, b: ("Coordonnées du poste de livraison : %s ; %s. Quelle zone climatique RE2020 ?" % (a, b), [a, b]))(*coord(3)),
        lambda: (lambda a, b: ("geo: %s,%s - drop a pin for the EV charger survey" % (a, b), [a, b]))(*coord(6)),
        lambda: (lambda a, b: ("Las coordenadas de la cubierta son %s, %s. ¿Qué irradiación anual tiene?" % (a, b), [a, b]))(*coord(5)),
    ]
    for f in tpl:
        text, sens = f()
        C.add("location-coords", "masked", [U(text)], sens)

    # --- street addresses
    def us():
        n = rng.randint(10, 9899)
        s = pick(["3rd St", "Main Street", "Oak Ave", "W Madison St", "n. elm street", "Harbor Blvd", "5th Avenue", "Lakeshore Dr"])
        city = pick(["San Francisco, CA 94107", "Chicago, IL 60606", "Orlando, FL 32801", "Austin, TX 78701"])
        return "%d %s" % (n, s), city

    tpl = [
        lambda: (lambda a, c: ("Schedule the audit at %s, %s next Tuesday and list what to bring." % (a, c), [a]))(*us()),
        lambda: (lambda a, c: ("the tenant at %s complains about cold offices in the morning. first checks?" % a.lower(), [a.lower()]))(*us()),
        lambda: (lambda pc: (lambda a: ("Site address: %s, Leeds %s. Which DNO region is that?" % (a, pc), [a, pc]))("%d %s" % (rng.randint(1, 240), pick(["Wellington Road", "Kirkstall Lane", "Park Row", "Harrogate Road"]))))(ukpc("LS")),
        lambda: (lambda pc: (lambda a: ("Please send the meter operator to %s, Manchester %s." % (a, pc), [a, pc]))("Unit %d, %d %s" % (rng.randint(1, 12), rng.randint(1, 90), pick(["Deansgate", "Oxford Road", "Trafford Park Road"]))))(ukpc("M")),
        lambda: (lambda a: ("Die Heizzentrale ist in der %s, 50667 Köln. Wer ist der zuständige Netzbetreiber?" % a, [a]))("%s %d" % (pick(["Hauptstraße", "Bahnhofstraße", "Aachener Straße", "Am Mühlenbach"]), rng.randint(1, 180))),
        lambda: (lambda a: ("Lieferadresse für den Wärmemengenzähler: %s, 80331 München" % a, [a]))("%s %d%s" % (pick(["Sendlinger Str.", "Lindwurmstraße", "Schillerstr."]), rng.randint(1, 90), pick(["", "a", "b"]))),
        lambda: (lambda a: ("L'audit énergétique aura lieu au %s, 69002 Lyon. Prépare la liste des documents." % a, [a]))("%d %s" % (rng.randint(1, 120), pick(["rue de la République", "avenue Jean Jaurès", "quai Saint-Antoine", "bd des Belges"]))),
        lambda: (lambda a: ("Adresse de la chaufferie : %s, 13001 Marseille." % a, [a]))("%d bis %s" % (rng.randint(1, 80), pick(["rue Paradis", "boulevard Longchamp"]))),
        lambda: (lambda a: ("Het pand op %s, 1015 CJ Amsterdam heeft een energielabel C. Wat zijn snelle verbeteringen?" % a, [a]))("%s %d" % (pick(["Keizersgracht", "Prinsengracht", "Herengracht"]), rng.randint(1, 800))),
        lambda: (lambda a: ("Inspección de la caldera en %s, 28014 Madrid, el jueves." % a, [a]))("%s %d" % (pick(["Calle de Alcalá", "C/ Mayor", "Paseo del Prado", "Avda. de América"]), rng.randint(1, 200))),
        lambda: (lambda a, c: ("Ship the replacement VFD to: Facilities Dept, %s, %s, attn receiving dock." % (a, c), [a]))(*us()),
        lambda: (lambda a, c: ("is %s in a demand-response zone? %s" % (a, c), [a]))(*us()),
        lambda: (lambda pc: (lambda a: ("Plant room access is from %s, Bristol %s - write directions for the contractor." % (a, pc), [a, pc]))("%d %s" % (rng.randint(1, 99), pick(["Whiteladies Road", "Gloucester Road", "Temple Way"]))))(ukpc("BS")),
    ]
    for f in tpl:
        text, sens = f()
        C.add("location-address", "masked", [U(text)], sens)

    # --- UK postcodes alone
    tpl = [
        "Which climate region is {p} in for the degree-day data?",
        "Postcode {p} - is that in the UKPN or the SSE distribution area?",
        "The EPC search for {p} returns three buildings, which one is ours?",
        "Meter point admin number lookup needs the postcode: {p}.",
        "does {q} count as london for the heat network zoning?",
        "Solar irradiance for {p}? Rough kWh/kWp/year is fine.",
        "Check the flood risk for {q} before we put the substation there.",
        "Deliver the CT clamps to {p}.",
        "Is {p} covered by the smart-meter rollout wave 2?",
    ]
    for k, t in enumerate(tpl):
        p = ukpc()
        q = p.lower() if k % 2 else p.replace(" ", "")
        text = t.format(p=p, q=q)
        C.add("location-postcode", "masked", [U(text)], [p if "{p}" in t else q])


# ----------------------------------------------------------------------------- obfuscation and call ids

NBSP, ZWSP, ZWJ = "\u00a0", "\u200b", "\u200d"


def fullwidth(s):
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else ("\u3000" if c == " " else c) for c in s)


def obfuscation_family(C):
    items = []
    # (kind, expect, plain value, builder(plain)->written, template)
    names = Pool(ROSTER_NAMES)
    k, s = aws_pair()
    raw_iban = iban("DE")
    card = luhn_complete("4", 16)
    b = building()
    la, lo = coord(5)
    items = [
        ("masked", email_of(names.draw()), lambda v: v.replace("@", ZWSP + "@"), "Send the report to {w} please."),
        ("masked", group(raw_iban), lambda v: v.replace(" ", NBSP), "IBAN: {w} - prepare the transfer for the meter install."),
        ("masked", group(card, 4, " "), lambda v: fullwidth(v), "Card {w} was charged twice by the charging operator."),
        ("masked", k, lambda v: v[:8] + ZWJ + v[8:], "aws_access_key_id={w}  # from the old laptop, still valid?"),
        ("masked", phone("de"), lambda v: v.replace(" ", NBSP), "Rückruf bitte unter {w}."),
        ("masked", b, lambda v: v.replace("_", "_" + ZWSP), "Why is {w} missing from the EUI ranking?"),
        ("masked", ROSTER_NAMES[7], lambda v: v.replace(" ", NBSP), "Ask {w} to sign off the M&V plan."),
        ("masked", "%s, %s" % (la, lo), lambda v: fullwidth(v), "Site coordinates: {w}. Which climate zone?"),
        ("masked", meter_id(0), lambda v: fullwidth(v), "Meter {w} reads zero since Friday."),
        ("masked", gh_token(), lambda v: v[:10] + ZWSP + v[10:], "token {w} in the Jenkins log, rotate?"),
        ("masked", ukpc(), lambda v: v.replace(" ", NBSP), "Postcode {w} for the DNO application."),
        ("masked", "the password is " + password(), lambda v: v.replace("password", "pass" + ZWJ + "word"), "For the BMS, {w}. Operator account."),
        ("masked", phone("us2"), lambda v: fullwidth(v), "Hotline {w}, please add to the poster."),
        ("masked", iban("NL").lower(), lambda v: fullwidth(v), "Rekening {w} voor de teruglevering."),
    ]
    for expect, plain, f, t in items:
        w = f(plain)
        sens = [w, plain]
        if plain.startswith("the password is "):
            sens = [plain[len("the password is "):]]
        C.add("obfuscation", expect, [U(t.format(w=w))], sens)

    # readings with odd characters (stay local)
    P = Prose()
    for j in range(4):
        lang, m, intro, ask = P.ctx("en")
        pts = series(rng.randint(8, 14), METERS[0])
        if j % 2 == 0:
            body = "\n".join("%s%s%s" % (ts(t, "sp"), NBSP, x) for t, x in pts)
            sens = [pts[2][1], pts[5][1], ts(pts[3][0], "sp") + NBSP + pts[3][1], ts(pts[3][0], "sp") + " " + pts[3][1]]
        else:
            body = "\n".join(fullwidth("%s %s" % (ts(t, "sp"), x)) for t, x in pts)
            sens = [fullwidth(pts[2][1]), pts[2][1], fullwidth(pts[6][1]), pts[6][1]]
        C.add("obfuscation", "local", [U(join(lang, intro, body, ask))], sens)


def callid_family(C):
    info_tool = {"name": "get_building_profile", "description": "Returns floor area, primary use and year built.",
                 "parameters": {"type": "object", "properties": {"ref": {"type": "string"}}, "required": ["ref"]}}
    names = Pool(ROSTER_NAMES)
    for i in range(10):
        v = i % 4
        b = building()
        if v == 0:
            cid = "call_%s_1" % email_of(names.draw(), 0)
        elif v == 1:
            cid = "call_%s" % b
        elif v == 2:
            cid = "toolu_%s_%s" % (b.lower(), rs(6, HEX))
        else:
            cid = "%s-%d" % (email_of(names.draw(), 2), rng.randint(1, 9))
        args = {"ref": "b-%d" % rng.randint(1, 400)}
        res = {"primary_use": pick(["Office", "Education", "Lodging/residential", "Healthcare"]),
               "floor_area_m2": round(rng.uniform(800, 20000), 1), "year_built": rng.randint(1950, 2015)}
        sens = [cid]
        if i % 5 == 4:
            args = {"ref": b}
            sens.append(b)
        q = pick(["What's the floor area of the building we discussed?", "Look up the profile and tell me if it's big enough for CHP.",
                  "Get the building profile.", "Check the year built, is it pre-1980?", "Profil des Gebäudes abrufen bitte."])
        kind = "json" if i % 3 else "dictionary"
        msgs = [U(q), TC((cid, "get_building_profile", args)), TR(cid, kind, res)]
        if i % 2:
            msgs.append(A("Here is the profile."))
            msgs.append(U("Thanks. Compared with typical buildings of that use, is it large?"))
        C.add("tool-callid", "masked", msgs, sens, tools=[info_tool])


# ----------------------------------------------------------------------------- benign

def median(xs):
    xs = sorted(xs)
    n = len(xs)
    return xs[n // 2] if n % 2 else (xs[n // 2 - 1] + xs[n // 2]) / 2


def bdg2_aggregates():
    by = {}
    for r in META:
        u = r["primaryspaceusage"] or "Unknown"
        by.setdefault(u, []).append(r)
    out = []
    for u, rows in sorted(by.items(), key=lambda kv: -len(kv[1])):
        sqm = [float(r["sqm"]) for r in rows if r["sqm"]]
        yb = [float(r["yearbuilt"]) for r in rows if r["yearbuilt"]]
        el = sum(1 for r in rows if r["electricity"] == "Yes")
        out.append((u, len(rows), median(sqm) if sqm else None, median(yb) if yb else None, el))
    return out


def uniq_fill(C, family, n, gens):
    """gens: list of callables returning text (or (text, extra dict)); cycles until n unique cases."""
    seen = set()
    k = 0
    tries = 0
    while C.counts.get(family, 0) < n:
        tries += 1
        if tries > n * 40:
            raise SystemExit("could not fill " + family)
        g = gens[k % len(gens)]
        k += 1
        r = g()
        extra = {}
        if isinstance(r, tuple):
            r, extra = r
        key = json.dumps(r, ensure_ascii=False) if not isinstance(r, str) else r
        if key in seen:
            continue
        seen.add(key)
        msgs = r if isinstance(r, list) else [U(r)]
        C.add(family, "benign", msgs, [], instructions=extra.get("instructions"), tools=extra.get("tools"))


def R(a, b, d=0):
    v = rng.uniform(a, b)
    return ("%.*f" % (d, v)) if d else str(int(round(v)))


def benign_families(C):
    N = 22
    uniq_fill(C, "benign-standards", N, [
        lambda: "What does ASHRAE 90.1-%s require for economizers in climate zone %s%s?" % (pick(["2016", "2019", "2022"]), rng.randint(2, 7), pick(["A", "B", "C"])),
        lambda: "Summarise the main clauses of ISO 50001:2018 that an energy review has to cover, in %d bullet points." % rng.randint(4, 9),
        lambda: "How does an EN 16247-%d audit differ from an ISO 50002 audit?" % rng.randint(1, 4),
        lambda: "We plan to use IPMVP Option %s for a lighting retrofit. Pros and cons versus Option %s?" % tuple(rng.sample("ABCD", 2)),
        lambda: "Which LEED v4.1 O+M credits reward sub-metering, and how many points are at stake (roughly %d)?" % rng.randint(5, 20),
        lambda: "Our ENERGY STAR score is %d. What does a score of 75 mean in practice and how far off are we?" % rng.randint(40, 74),
        lambda: "Title 24 %s: do the lighting control rules apply to a %d m² warehouse alteration?" % (pick(["2019", "2022"]), rng.randint(500, 8000)),
        lambda: "Explain ASHRAE Guideline 14-%s in plain terms for the finance team." % pick(["2014", "2023"]),
        lambda: "Is EN 15232-1 class %s for building automation enough to claim a BACS exemption under the EPBD?" % pick("ABCD"),
        lambda: "What changed between ISO 50006:2014 and ISO 50006:2023 regarding EnPI normalisation?",
        lambda: "Welche Anforderungen stellt die DIN EN ISO 50001 an die energetische Bewertung? Bitte %d Punkte." % rng.randint(3, 7),
        lambda: "Quelles sont les obligations du décret tertiaire pour un bâtiment de plus de %d m² ?" % pick([1000, 2000, 5000]),
        lambda: "¿Qué exige el RITE para la inspección periódica de calderas de más de %d kW?" % pick([70, 100, 400]),
        lambda: "Does ASHRAE 62.1-2019 ventilation rate procedure allow demand-controlled ventilation in classrooms with %d students?" % rng.randint(20, 35),
        lambda: "Compare BREEAM In-Use and NABERS for an office portfolio of %d buildings." % rng.randint(5, 60),
        lambda: "What is the difference between ASHRAE Level %d and Level %d energy audits?" % tuple(sorted(rng.sample([1, 2, 3], 2))),
        lambda: "Is CIBSE TM54 useful for operational energy prediction of a %d-storey office?" % rng.randint(3, 20),
        lambda: "Under ISO 52000-1, how are primary energy factors applied to district heating?",
    ])
    uniq_fill(C, "benign-units", N, [
        lambda: "Convert %s therms to kWh and to MWh." % R(100, 90000),
        lambda: "How many kWh are %s m³ of natural gas at a calorific value of %s kWh/m³?" % (R(500, 80000), R(9.8, 11.5, 2)),
        lambda: "If a chiller delivers %s kW of cooling with a COP of %s, what's the electrical input in kW?" % (R(300, 2500), R(3.5, 7.0, 1)),
        lambda: "What's %s °F in °C, and how many cooling degree-hours is that above a %d °C base over %d hours?" % (R(80, 104), rng.choice([18, 21, 24]), rng.randint(2, 12)),
        lambda: "Our grid factor is %s kg CO2e/kWh. How many tonnes CO2e does %s MWh a year represent?" % (R(0.15, 0.6, 3), R(200, 9000)),
        lambda: "Tariff is $%s/kWh plus a demand charge of $%s/kW-month. What's the bill for %s kWh and a peak of %s kW?" % (R(0.08, 0.3, 3), R(8, 25, 2), R(10000, 500000), R(60, 900)),
        lambda: "Convert %s ton-hours of chilled water into kWh thermal." % R(1000, 40000),
        lambda: "%s BTU/h to kW?" % R(12000, 600000),
        lambda: "Is %s kWh/m²·a a good EUI for a hospital, or should I compare in kBtu/ft²?" % R(180, 600),
        lambda: "How many litres are %s US gallons of domestic hot water, and how much energy to heat it by %d K?" % (R(200, 5000), rng.randint(30, 50)),
        lambda: "What is %s %% of %s MWh, and what would that save at %s ct/kWh?" % (R(3, 25), R(100, 5000), R(12, 35, 1)),
        lambda: "Wie viele kWh entsprechen %s Liter Heizöl?" % R(1000, 30000),
        lambda: "Combien de kWh PCS pour %s m³ de gaz, avec un coefficient de conversion de %s ?" % (R(1000, 50000), R(10.5, 11.6, 2)),
        lambda: "Pasa %s kcal/h a kW, por favor." % R(10000, 900000),
        lambda: "Steam at %s bar(g): how many kWh per tonne, approximately?" % R(3, 12, 1),
        lambda: "A %s kWp array with a specific yield of %s kWh/kWp - annual output in MWh?" % (R(50, 2000), R(850, 1700)),
    ])
    uniq_fill(C, "benign-dates", N, [
        lambda: "We want a baseline period between %d-01-01 and %d-12-31. Is one full year enough for IPMVP Option C?" % ((lambda y: (y, y))(rng.randint(2015, 2023))),
        lambda: "On %d/%d/%d we replaced the chiller. How long a post-retrofit period should the M&V plan use?" % (rng.randint(1, 12), rng.randint(1, 28), rng.randint(2018, 2024)),
        lambda: "Occupancy schedule: Mon-Fri %02d:00-%02d:00, Sat %02d:00-13:00, closed Sundays and public holidays. Write it as a BACnet weekly schedule description." % (rng.randint(6, 8), rng.randint(17, 20), rng.randint(7, 9)),
        lambda: "DST starts on %s this year. Which BMS schedules usually break?" % pick(["2024-03-31", "2024-03-10", "2025-03-30", "2025-03-09"]),
        lambda: "The heating season runs from 1 October to %d April. How many days is that in a leap year?" % rng.randint(15, 30),
        lambda: "Between %s and %s the plant was in manual mode; should we exclude that window from the regression?" % (pick(["2023-02-06", "2022-11-14", "2024-01-08"]), pick(["2023-02-19", "2022-11-30", "2024-01-21"])),
        lambda: "Create a maintenance calendar: filters every %d weeks starting %s, coil cleaning in April and October." % (rng.randint(4, 12), pick(["2025-01-06", "2024-09-02", "2025-02-03"])),
        lambda: "Our fiscal year is 1 July to 30 June. How do I align monthly utility bills that run from the %dth to the %dth?" % (rng.randint(10, 20), rng.randint(9, 19)),
        lambda: "Which weeks in %d are ISO week 1 and week 53, if any? Reporting is weekly." % rng.randint(2019, 2027),
        lambda: "The night setback is 22:00 to 05:30; the optimiser start can begin up to %d minutes earlier. Explain how that works." % rng.choice([60, 90, 120, 180]),
        lambda: "Vom %d. bis %d. August ist Betriebsurlaub. Welche Anlagen sollten wir abschalten?" % (rng.randint(1, 10), rng.randint(15, 28)),
        lambda: "Du %d au %d février, le bâtiment est fermé. Quelle consigne de hors-gel recommandes-tu ?" % (rng.randint(1, 10), rng.randint(15, 28)),
        lambda: "El %d de marzo cambiamos la hora. ¿Cómo afecta a los horarios de la climatización?" % rng.randint(24, 31),
        lambda: "Quarter Q%d %d ended; remind me which months to include for the board report." % (rng.randint(1, 4), rng.randint(2019, 2025)),
        lambda: "Is %d a leap year, and does that matter for normalising annual consumption?" % rng.randint(2016, 2032),
    ])
    uniq_fill(C, "benign-models", N, [
        lambda: "Carrier 30XA-%04d vs Trane RTAC %d: which has better part-load efficiency?" % (pick([802, 1002, 1202, 1402]), pick([200, 250, 300, 350])),
        lambda: "Trane CVHF %d centrifugal chiller: typical IPLV and refrigerant?" % pick([770, 910, 1067, 1280]),
        lambda: "Is the Daikin EWAD-TZ %s a good fit for a %d kW cooling load?" % (pick(["C", "B"]), rng.randint(300, 1600)),
        lambda: "Our Siemens Desigo CC is on version %d.%d - is an upgrade to V7 needed for the BACnet/SC option?" % (rng.randint(4, 6), rng.randint(0, 3)),
        lambda: "Niagara 4.%d vs 4.%d: any breaking changes for the Modbus driver?" % tuple(sorted(rng.sample(range(8, 15), 2))),
        lambda: "Grundfos MAGNA3 %d-%d F pump replacing an older fixed-speed pump - expected savings?" % (pick([40, 50, 65]), pick([120, 150, 180])),
        lambda: "Schneider PM%d or Janitza UMG %d for sub-metering of 24 feeders?" % (pick([5560, 8240, 5340]), pick([96, 604, 801])),
        lambda: "Viessmann Vitocrossal %d condensing boiler: what return temperature do we need for condensing?" % pick([100, 200, 300]),
        lambda: "Windows build 10.0.%d.%d on the BMS head-end PC - still supported?" % (pick([19045, 17763, 22631]), rng.randint(1000, 4999)),
        lambda: "Python %d.%d with pandas 2.%d.%d throws a FutureWarning on resample('H'). Fix?" % (3, rng.randint(9, 12), rng.randint(0, 2), rng.randint(0, 3)),
        lambda: "Honeywell WEBs-N4 controller firmware %d.%d.%d - known issues with BACnet MS/TP?" % (rng.randint(4, 4), rng.randint(8, 14), rng.randint(1, 300)),
        lambda: "Danfoss VLT HVAC Drive FC %d, %s kW: recommended parameter set for a supply fan?" % (pick([102, 202]), pick(["7.5", "11", "15", "22", "37"])),
        lambda: "Belimo EP%dR+MP energy valve vs a conventional PICV: worth it?" % pick([25, 32, 40, 50]),
        lambda: "Kann die Wärmepumpe Vaillant aroTHERM plus VWL %d/6 im Winter allein heizen?" % pick([35, 55, 75, 105, 125]),
        lambda: "EnergyPlus %d.%d vs OpenStudio %d.%d compatibility for our calibrated model?" % (rng.randint(9, 24), rng.randint(1, 2), 3, rng.randint(5, 9)),
    ])
    uniq_fill(C, "benign-workorders", N, [
        lambda: "Work order WO-%d: replace V-belts on supply fan, estimated %d hours. Write the close-out note." % (rng.randint(10000, 99999), rng.randint(1, 6)),
        lambda: "Invoice INV-%d-%04d from the utility shows a reactive power charge. What is that?" % (rng.randint(2019, 2025), rng.randint(1, 9999)),
        lambda: "PO %d covers the LED retrofit; the contractor asks for a variation of %d %%. How should I evaluate it?" % (rng.randint(4500000000, 4599999999), rng.randint(5, 30)),
        lambda: "Ticket #%d: 'too cold in meeting room 3'. Suggest a standard response and checks." % rng.randint(1000, 99999),
        lambda: "Change request CR-%03d: raise chilled water setpoint by %d K in winter. Write the risk assessment." % (rng.randint(1, 999), rng.randint(1, 3)),
        lambda: "Quote Q-%d for VSD retrofit is %s EUR; payback with %s MWh savings at %s EUR/MWh?" % (rng.randint(1000, 9999), R(8000, 90000), R(20, 400), R(120, 280)),
        lambda: "Release notes for our reporting tool v%d.%d.%d mention 'degree-day normalisation'. What does that mean?" % (rng.randint(1, 5), rng.randint(0, 20), rng.randint(0, 9)),
        lambda: "Contract no. FM-%d-%03d requires 98 %% uptime for the BMS. How would you measure that?" % (rng.randint(2020, 2025), rng.randint(1, 400)),
        lambda: "Auftrag AZ %d/%d: Hydraulischer Abgleich. Welche Unterlagen brauche ich für die Förderung?" % (rng.randint(100, 999), rng.randint(2022, 2025)),
        lambda: "Bon de commande BC-%d : remplacement des filtres F7. Combien de filtres pour %d CTA ?" % (rng.randint(10000, 99999), rng.randint(2, 20)),
        lambda: "Orden de trabajo OT-%d: revisión de la enfriadora. ¿Qué puntos debe incluir?" % rng.randint(1000, 99999),
        lambda: "Asset tag %s-%d in the CMMS has no maintenance plan. Suggest a PPM frequency for a plate heat exchanger." % (pick(["PHE", "HX"]), rng.randint(1, 60)),
    ])
    TOU = [("Peak", "16:00-21:00"), ("Partial-peak", "14:00-16:00"), ("Off-peak", "21:00-14:00"), ("Super off-peak", "00:00-06:00")]

    def tariff():
        rows = rng.sample(TOU, rng.randint(2, 4))
        lines = ["| Period | Hours | Summer $/kWh | Winter $/kWh |", "|---|---|---|---|"]
        for p, h in rows:
            lines.append("| %s | %s | %s | %s |" % (p, h, R(0.08, 0.55, 3), R(0.07, 0.45, 3)))
        return "Here's our time-of-use tariff:\n\n%s\n\n%s" % ("\n".join(lines), pick([
            "If we shift 15 % of load from peak to off-peak, what's the saving per 100 MWh?",
            "Which period should a thermal storage tank charge in?",
            "Does pre-cooling make sense with these rates?",
            "Explain the structure to a non-technical manager."]))
    uniq_fill(C, "benign-tariffs", N, [
        tariff,
        lambda: "Demand charge is %s EUR/kW per year on the annual peak. How much is shaving %d kW worth?" % (R(60, 140, 2), rng.randint(20, 400)),
        lambda: "Tarif HP/HC : heures pleines %s €/kWh, heures creuses %s €/kWh. À partir de quel ratio un ballon d'eau chaude doit-il basculer ?" % (R(0.18, 0.3, 4), R(0.12, 0.2, 4)),
        lambda: "Arbeitspreis %s ct/kWh, Leistungspreis %s €/kW/a. Lohnt sich ein Lastmanagement bei %d Ladepunkten?" % (R(15, 35, 2), R(60, 180, 2), rng.randint(4, 60)),
        lambda: "Periodos P1 a P6 de la tarifa 6.1TD: ¿en qué meses y horas se aplica P1?",
        lambda: "Blocks: first %d kWh at $%s, next %d kWh at $%s, rest at $%s. Cost of %d kWh?" % (rng.randint(500, 2000), R(0.1, 0.15, 3), rng.randint(1000, 5000), R(0.12, 0.2, 3), R(0.15, 0.25, 3), rng.randint(3000, 20000)),
    ])

    def ddtable():
        region = pick(["the Midlands", "Bavaria", "New England", "the Île-de-France region", "Catalonia", "the Randstad", "Greater Manchester", "Victoria"])
        base = rng.uniform(0.8, 1.3)
        hdd = [620, 540, 460, 300, 160, 50, 15, 20, 90, 250, 430, 580]
        rows = ["%s %d" % (MON[k], int(h * base * rng.uniform(0.9, 1.1))) for k, h in enumerate(hdd)]
        year = rng.randint(2015, 2024)
        return "Long-term average heating degree days (base %s °C) by month for %s, %d:\n%s\n%s" % (
            pick(["15.5", "18", "65 °F =18.3"]), region, year, ", ".join(rows) if rng.random() < 0.5 else "\n".join(rows),
            pick(["Which months make up 80 % of the heating load?", "How would you use these to normalise a portfolio?",
                  "Is the shoulder season long in this climate?", "Compare with a typical Mediterranean climate."]))
    uniq_fill(C, "benign-degree-days", N, [
        ddtable,
        lambda: "Regional CDD (base 18 °C) totals: %d for the last year vs a 20-year mean of %d. Is that an outlier?" % (rng.randint(150, 900), rng.randint(150, 900)),
        lambda: "Gradtagzahlen für Deutschland im Mittel: Januar ca. %d, Juli ca. %d. Wie nutze ich sie für die Witterungsbereinigung?" % (rng.randint(450, 600), rng.randint(0, 30)),
        lambda: "DJU moyens par mois en région lyonnaise : décembre %d, janvier %d, février %d. Comment corriger la consommation ?" % (rng.randint(350, 450), rng.randint(380, 480), rng.randint(300, 400)),
    ])

    agg = bdg2_aggregates()

    def aggtable():
        rows = rng.sample([a for a in agg if a[2]], rng.randint(3, 6))
        col = pick(["count", "sqm", "year"])
        lines = ["| primary use | buildings | median floor area (m²) | median year built |", "|---|---:|---:|---:|"]
        for u, n, sqm, yb, el in rows:
            lines.append("| %s | %d | %s | %s |" % (u, n, "%.0f" % sqm if sqm else "-", "%.0f" % yb if yb else "-"))
        return "Aggregate statistics from the BDG2 dataset across all %d buildings and %d sites:\n\n%s\n\n%s" % (
            len(META), len(SITE_IDS), "\n".join(lines), pick([
                "Which use type is over-represented for a benchmarking study?", "Is the median floor area a fair normaliser here?",
                "What does this say about the age of the stock?", "Summarise in two sentences.", "Would you weight by count or by floor area?"]))
    per_site = {}
    for r in META:
        per_site[r["site_id"]] = per_site.get(r["site_id"], 0) + 1
    sizes = sorted(per_site.values())

    def sitecount():
        cuts = pick([(20, 100), (30, 120), (50, 150)])
        a = sum(1 for v in sizes if v < cuts[0])
        b = sum(1 for v in sizes if cuts[0] <= v <= cuts[1])
        c = len(sizes) - a - b
        return ("In BDG2, sites grouped by number of buildings: fewer than %d buildings: %d sites; %d-%d: %d sites; more than %d: %d sites "
                "(median %d buildings per site, largest %d). %s" % (cuts[0], a, cuts[0], cuts[1], b, cuts[1], c, median(sizes), sizes[-1],
                pick(["Should a cross-site model weight sites equally?", "Does that imbalance matter for leave-one-site-out validation?",
                      "How would you stratify a sample of 100 buildings?"])))
    uniq_fill(C, "benign-aggregates", N, [
        aggtable, sitecount,
        lambda: "Median EUI by primary use in our benchmark: Office %d kWh/m², Education %d, Lodging %d, Healthcare %d. Rank them and comment." % (rng.randint(150, 230), rng.randint(120, 190), rng.randint(140, 260), rng.randint(280, 520)),
        lambda: "BDG2 has %d buildings across %d sites; %d %% have an electricity meter. Is that enough for a cross-site model?" % (len(META), len(SITE_IDS), round(100 * sum(1 for r in META if r["electricity"] == "Yes") / len(META))),
        lambda: "Across a portfolio of %d schools, the interquartile range of EUI is %d-%d kWh/m². How many are likely outliers with a 1.5 IQR rule?" % (rng.randint(30, 400), rng.randint(90, 130), rng.randint(150, 210)),
        lambda: "In the dataset, buildings with chilled-water meters average %s times the floor area of those without. Does that bias the comparison?" % R(1.2, 3.5, 1),
        lambda: "Durchschnittlicher Stromverbrauch je Nutzungsart im Portfolio: Büro %d kWh/m², Schule %d kWh/m². Wie interpretiere ich das?" % (rng.randint(60, 140), rng.randint(20, 60)),
    ])
    uniq_fill(C, "benign-portfolio", N, [
        lambda: "Portfolio of %d buildings, total %s GWh electricity and %s GWh gas last year. What's the split in %%?" % (rng.randint(12, 300), R(5, 120, 1), R(3, 90, 1)),
        lambda: "We cut consumption by %s %% year on year while floor area grew %s %%. What's the intensity change?" % (R(1, 12, 1), R(0.5, 8, 1)),
        lambda: "%d of our %d sites have submetering. Set a target for coverage by 2027 and justify it." % (rng.randint(3, 40), rng.randint(41, 120)),
        lambda: "Average ENERGY STAR score across the portfolio is %d with a standard deviation of %d. How many buildings would you expect above 75?" % (rng.randint(45, 70), rng.randint(8, 20)),
        lambda: "Scope 2 location-based emissions were %s t CO2e; market-based %s t. Explain the difference." % (R(800, 30000), R(100, 20000)),
        lambda: "Our SBTi target needs a %s %% reduction by 2030 from a 2019 base. What's the annual linear rate?" % R(30, 55),
        lambda: "Budget for metering upgrades is %s EUR for %d meters. Cost per meter and typical payback?" % (R(50000, 900000), rng.randint(40, 900)),
        lambda: "Im Portfolio sind %d Liegenschaften mit Fernwärme und %d mit Gas. Wie priorisiere ich die Wärmepumpen-Umstellung?" % (rng.randint(5, 80), rng.randint(5, 80)),
        lambda: "Le parc compte %d bâtiments ; %d %% sont en classe F ou G. Quelle stratégie de rénovation ?" % (rng.randint(20, 500), rng.randint(5, 40)),
        lambda: "El %d %% de nuestros edificios supera los %d kWh/m². ¿Qué medidas priorizo?" % (rng.randint(10, 45), rng.randint(150, 300)),
    ])
    uniq_fill(C, "benign-code", N, [
        lambda: "Why does this drop the last hour?\n\n```python\ndf = pd.read_csv('%s.csv', parse_dates=['timestamp'], index_col='timestamp')\nhourly = df['%s'].resample('%s').%s()\n```" % (pick(["meter_export", "readings", "data"]), pick(["kwh", "value", "reading"]), pick(["1h", "15min", "D"]), pick(["sum", "mean", "max"])),
        lambda: "Write a SQL query that returns the daily maximum demand per meter from a table readings(meter_id, ts, kw) for %s." % pick(["the last 30 days", "the current month", "each month of the year"]),
        lambda: "Optimise this:\n\n```sql\nSELECT meter_id, date_trunc('%s', ts) AS bucket, SUM(kwh)\nFROM readings\nWHERE ts >= now() - interval '%d days'\nGROUP BY 1, 2;\n```" % (pick(["hour", "day", "week"]), rng.randint(7, 400)),
        lambda: "In C#, how do I bucket a List<(DateTime Ts, double Kwh)> into %d-minute intervals with LINQ?" % pick([15, 30, 60]),
        lambda: "Pandas: how do I fill gaps of up to %d consecutive missing hours by linear interpolation but leave longer gaps as NaN?" % rng.randint(2, 6),
        lambda: "DAX measure for year-over-year change in kWh, with a date table marked as such - can you write it?",
        lambda: "```python\nfrom sklearn.linear_model import LinearRegression\nX = df[['hdd', 'cdd', 'occupancy']]\ny = df['kwh']\n```\nHow do I get CV(RMSE) and NMBE from this, per ASHRAE Guideline 14?",
        lambda: "Write a Python function that detects a flat-lined sensor: same value for more than %d consecutive samples." % rng.randint(4, 24),
        lambda: "How do I convert a wide dataframe (one column per meter) to long format with melt, keeping the timestamp index?",
        lambda: "Regex to validate ISO 8601 timestamps with optional milliseconds and a Z or ±hh:mm offset?",
        lambda: "InfluxQL vs Flux: translate `SELECT mean(\"kw\") FROM \"power\" WHERE time > now() - %dd GROUP BY time(1h)`." % rng.randint(1, 30),
        lambda: "Mein pandas-Code wirft 'NonExistentTimeError' bei der Zeitumstellung. Wie lokalisiere ich mit tz_localize richtig?",
        lambda: "Escribe un script en Python que lea un CSV de lecturas y calcule el consumo mensual, sin usar pandas.",
    ])
    uniq_fill(C, "benign-mv", N, [
        lambda: "Our baseline model has CV(RMSE) = %s %% and NMBE = %s %% on hourly data. Does it pass ASHRAE Guideline 14?" % (R(12, 45, 1), R(-4, 4, 2)),
        lambda: "Monthly model: R² = %s, CV(RMSE) %s %%. Is that acceptable for IPMVP Option C?" % (R(0.55, 0.98, 2), R(3, 25, 1)),
        lambda: "The savings are %s MWh with a fractional savings uncertainty of %s %% at 90 %% confidence. Can we report them?" % (R(50, 3000), R(5, 80)),
        lambda: "Change-point model with heating balance point %s °C and slope %s kWh/HDD - interpret for me." % (R(10, 18, 1), R(20, 900, 1)),
        lambda: "Should non-routine adjustments be made if occupancy dropped %d %% during the reporting period?" % rng.randint(10, 60),
        lambda: "Explain the difference between avoided energy use and normalised savings in IPMVP %s." % pick(["2012", "Core Concepts 2022"]),
        lambda: "Autocorrelation in hourly residuals is %s. How does that affect the uncertainty estimate?" % R(0.3, 0.9, 2),
        lambda: "Welche Messdauer empfiehlt ihr für Option B bei einem Pumpentausch mit %d kW Nennleistung?" % rng.randint(5, 90),
        lambda: "Nuestro modelo tiene un CV(RMSE) del %s %%. ¿Es suficiente para un contrato de rendimiento energético?" % R(8, 30, 1),
    ])
    uniq_fill(C, "benign-weather", N, [
        lambda: "%s %d averaged %s °C, %s °C colder than normal, with %d HDD. How much extra heating should we expect?" % (pick(MONTH), rng.randint(2015, 2024), R(-3, 12, 1), R(0.5, 3.5, 1), rng.randint(200, 600)),
        lambda: "The summer peak outdoor temperature hit %s °C and the humidity %d %%. Is our %d kW chiller plant undersized?" % (R(32, 44, 1), rng.randint(30, 80), rng.randint(400, 3000)),
        lambda: "Annual global horizontal irradiance of %d kWh/m² - good for PV?" % rng.randint(900, 2100),
        lambda: "Design conditions: %s °C dry bulb / %s °C wet bulb at 0.4 %%. What's the enthalpy?" % (R(28, 40, 1), R(19, 27, 1)),
        lambda: "Der Winter war mit %s °C im Mittel mild. Wie bereinige ich den Heizenergieverbrauch?" % R(1, 6, 1),
        lambda: "Il a fait en moyenne %s °C en janvier. Est-ce une année chaude pour la correction climatique ?" % R(2, 9, 1),
        lambda: "Wind speeds averaged %s m/s last quarter; does infiltration matter for a %d-storey building?" % (R(2, 9, 1), rng.randint(2, 30)),
        lambda: "A heatwave of %d days above %d °C is forecast. Draft a pre-cooling strategy." % (rng.randint(3, 10), rng.randint(30, 38)),
    ])
    uniq_fill(C, "benign-arithmetic", N, [
        lambda: "A chiller uses %s kW at full load for %s hours. How many MWh is that?" % (R(150, 900), R(800, 4000)),
        lambda: "If %d lamps of %d W are replaced by %d W LEDs and run %d h/year, what are the savings in kWh?" % (rng.randint(50, 3000), rng.choice([36, 58, 70, 150]), rng.choice([14, 18, 24, 60]), rng.randint(2000, 8760)),
        lambda: "What's the simple payback of a %s EUR investment saving %s EUR a year, and the NPV at %s %% over %d years?" % (R(5000, 500000), R(1000, 80000), R(3, 8, 1), rng.randint(5, 20)),
        lambda: "Load factor = average / peak. Average %s kW, peak %s kW - what's the load factor?" % (R(50, 400, 1), R(401, 900, 1)),
        lambda: "Fan affinity laws: reducing speed by %d %% cuts power by how much?" % rng.randint(5, 40),
        lambda: "Pump at %s l/s and %s kPa head with %d %% efficiency - what's the shaft power?" % (R(5, 80, 1), R(80, 400), rng.randint(55, 85)),
        lambda: "%s kWh divided across %d tenants by floor area: %d m², %d m² and %d m². What does each pay?" % (R(10000, 300000), 3, rng.randint(200, 3000), rng.randint(200, 3000), rng.randint(200, 3000)),
        lambda: "What's %s %% of %s?" % (R(3, 40, 1), R(1000, 99999)),
        lambda: "Combien d'heures équivalent pleine puissance pour %s MWh produits par une chaudière de %d kW ?" % (R(200, 4000), rng.randint(200, 3000)),
        lambda: "Wenn der Verbrauch um %s %% pro Jahr sinkt, wann haben wir ihn halbiert?" % R(2, 9, 1),
    ])

    def loadshape():
        n = rng.randint(40, 400)
        typ = pick(["offices", "schools", "retail stores", "hotels", "Bürogebäude"])
        shape = []
        for h in range(24):
            occ = 1 if 8 <= h < 18 else (0.5 if 6 <= h < 21 else 0)
            shape.append("%02d:00 %.2f" % (h, rng.uniform(0.3, 0.45) + 0.55 * occ * rng.uniform(0.85, 1.0)))
        sel = shape if rng.random() < 0.5 else shape[::2]
        sep = pick([", ", "; ", "\n"])
        return ("Average weekday load shape across our portfolio of %d %s, normalised to the portfolio peak (each hour is the mean over all buildings and the whole of %d):\n%s\n%s"
                % (n, typ, rng.randint(2016, 2024), sep.join(sel), pick(["What does the shape tell you about night-time base load?",
                                                                          "Where would a portfolio-wide setback save most?",
                                                                          "Is the morning ramp too early?",
                                                                          "Explain this curve for the sustainability newsletter."])))
    uniq_fill(C, "benign-loadshape", N, [
        loadshape,
        lambda: "Across %d offices the average night/day ratio is %s. What's typical for well-run offices?" % (rng.randint(20, 300), R(0.3, 0.7, 2)),
        lambda: "Typical hourly profile of a %s: when should the peak occur and roughly what fraction of daily energy falls 08:00-18:00?" % pick(["school", "supermarket", "hospital", "office"]),
    ])
    uniq_fill(C, "benign-multilingual", N, [
        lambda: "Wie kann ich den Grundlastanteil in einem Bürogebäude senken? Bitte %d konkrete Maßnahmen." % rng.randint(3, 8),
        lambda: "Was ist der Unterschied zwischen Nutzenergie, Endenergie und Primärenergie?",
        lambda: "Welche Förderprogramme gibt es %d für den Austausch von Heizungspumpen?" % rng.randint(2023, 2026),
        lambda: "Comment calculer l'indice de performance énergétique selon l'ISO 50006 ?",
        lambda: "Quels sont les gestes simples pour réduire de %d %% la consommation d'un bureau ?" % rng.randint(5, 20),
        lambda: "Explique la différence entre kWh PCS et kWh PCI pour le gaz.",
        lambda: "¿Cuál es la diferencia entre potencia contratada y potencia demandada?",
        lambda: "¿Cómo se calcula la huella de carbono de alcance 2 con el mix eléctrico de %d?" % rng.randint(2019, 2024),
        lambda: "Dame %d ideas para reducir el consumo de climatización en un colegio." % rng.randint(3, 10),
        lambda: "Wat is het verschil tussen een energielabel en een EPA-maatwerkadvies?",
        lambda: "Quali sono gli obblighi di diagnosi energetica per le grandi imprese in Italia?",
        lambda: "Waarom is de SCOP van een warmtepomp lager bij een aanvoertemperatuur van %d °C?" % rng.randint(45, 70),
    ])

    # benign tool flows: a tariff lookup and a degree-day tool, no readings, no ids
    tariff_tool = {"name": "get_tariff", "description": "Returns the current tariff structure.",
                   "parameters": {"type": "object", "properties": {"market": {"type": "string"}}, "required": ["market"]}}
    std_tool = {"name": "lookup_standard", "description": "Returns a short summary of a standard.",
                "parameters": {"type": "object", "properties": {"code": {"type": "string"}}, "required": ["code"]}}

    def tool_tariff():
        cid = call_id()
        res = {"currency": "EUR", "periods": [{"name": p, "hours": h, "price_per_kwh": float(R(0.08, 0.4, 3))} for p, h in rng.sample(TOU, 3)]}
        kind = pick(["json", "dictionary"])
        return [U(pick(["What's our current tariff and when is it cheapest?", "Look up the tariff for the %s market." % pick(["DE", "FR", "ES", "NL"]),
                        "Get the tariff and tell me when to run the dishwashers in the canteen."])),
                TC((cid, "get_tariff", {"market": pick(["DE", "FR", "ES", "NL", "UK"])})), TR(cid, kind, res)], {"tools": [tariff_tool]}

    def tool_std():
        cid = call_id()
        code = pick(["ISO 50001:2018", "ASHRAE 90.1-2019", "EN 16247-1:2022", "ASHRAE Guideline 14-2023", "IPMVP 2022"])
        res = "%s - %s Scope: %s. Last revised %d; %d normative clauses." % (code, pick(["Requirements for establishing, implementing and improving an energy management system.",
                                                                           "Minimum energy-efficiency requirements for buildings except low-rise residential.",
                                                                           "General requirements for energy audits.", "Measurement of energy, water and demand savings.",
                                                                           "Framework for measurement and verification of savings."]),
                                                                      pick(["new and existing buildings", "organisations of any size", "commercial and institutional buildings"]),
                                                                      rng.randint(2012, 2023), rng.randint(5, 12))
        return [U("Look up %s and give me the three most relevant points for a %s." % (code, pick(["school", "hospital", "warehouse", "office"]))),
                TC((cid, "lookup_standard", {"code": code})), TR(cid, "string", res)], {"tools": [std_tool], "instructions": pick([None, "You are a concise assistant for a facilities team. Cite standards by number."])}
    uniq_fill(C, "benign-tools", N, [tool_tariff, tool_std])


# ----------------------------------------------------------------------------- output and checks

def request_parts(c):
    """(text, where) pieces of the request, JSON values serialised as compact JSON."""
    parts = []
    if c.get("instructions"):
        parts.append((c["instructions"], "text"))
    for m in c["messages"]:
        if "text" in m:
            parts.append((m["text"], "text"))
        for tc in m.get("toolCalls", []):
            parts.append((tc["callId"], "text"))
            parts.append((json.dumps(tc["arguments"], ensure_ascii=False, separators=(",", ":")), "json"))
        if m.get("role") == "tool":
            parts.append((m["callId"], "text"))
            r = m["result"]
            parts.append((r, "text") if isinstance(r, str) else (json.dumps(r, ensure_ascii=False, separators=(",", ":")), "json"))
    return parts


def norm(s):
    s = unicodedata.normalize("NFKC", s)
    return "".join(ch for ch in s if ch not in "\u200b\u200c\u200d\u2060\ufeff")


def check(hostile, benign):
    import re
    errors = []
    ids = set()
    for c in hostile + benign:
        line = json.dumps(c, ensure_ascii=False)
        if json.loads(line) != c:
            errors.append("roundtrip " + c["id"])
        if c["id"] in ids:
            errors.append("duplicate id " + c["id"])
        ids.add(c["id"])
        for m in c["messages"]:
            if m["role"] == "tool" and m["resultKind"] == "dictionary" and not isinstance(m["result"], dict):
                errors.append("dictionary result not an object " + c["id"])
            if m["role"] == "tool" and m["resultKind"] == "string" and not isinstance(m["result"], str):
                errors.append("string result not a string " + c["id"])
    for c in hostile:
        if c["expect"] not in ("local", "masked") or not c["sensitive"]:
            errors.append("bad expect/sensitive " + c["id"])
        parts = request_parts(c)
        whole = "\n".join(p for p, _ in parts)
        for s in c["sensitive"]:
            if s in whole:
                where = [w for p, w in parts if s in p]
                if "text" not in where and re.search(r"[^\x20-\x7e]|[+<>&'\"\\]", s):
                    errors.append("%s: %r only in JSON and needs escaping there" % (c["id"], s))
                continue
            if c["family"] == "obfuscation" and norm(s) in norm(whole):
                continue
            errors.append("%s: sensitive %r not in request" % (c["id"], s))
    bad_words = [b.lower() for b in BUILDING_IDS] + [n.lower() for n in ROSTER_NAMES]
    site_re = re.compile(r"\b(?:%s)\b" % "|".join(SITE_IDS), re.I)
    meter_res = [re.compile(p) for p in METER_PATTERNS]
    for c in benign:
        if c["expect"] != "benign" or c["sensitive"] != []:
            errors.append("bad benign " + c["id"])
        whole = "\n".join(p for p, _ in request_parts(c))
        low = whole.lower()
        for w in bad_words:
            if w in low:
                errors.append("%s contains %r" % (c["id"], w))
        if site_re.search(whole):
            errors.append("%s contains site id %r" % (c["id"], site_re.search(whole).group(0)))
        for r in meter_res:
            if r.search(whole):
                errors.append("%s contains meter id" % c["id"])
        if re.search(r"[\w.+-]+@[\w-]+\.[\w.]+", whole):
            errors.append("%s contains an e-mail" % c["id"])
    return errors


def counts(cases):
    fam = {}
    for c in cases:
        d = fam.setdefault(c["family"], {"dev": 0, "holdout": 0, "expect": c["expect"]})
        d[c["split"]] += 1
    return fam


def main():
    H = Corpus()
    readings_families(H)
    identifier_families(H)
    secret_families(H)
    contact_families(H)
    location_families(H)
    obfuscation_family(H)
    callid_family(H)
    B = Corpus()
    benign_families(B)
    with open(os.path.join(HERE, "hostile.jsonl"), "w", encoding="utf-8", newline="\n") as f:
        for c in H.cases:
            f.write(json.dumps(c, ensure_ascii=False) + "\n")
    with open(os.path.join(HERE, "benign.jsonl"), "w", encoding="utf-8", newline="\n") as f:
        for c in B.cases:
            f.write(json.dumps(c, ensure_ascii=False) + "\n")
    with open(os.path.join(HERE, "roster.json"), "w", encoding="utf-8", newline="\n") as f:
        json.dump({"people": ROSTER_NAMES, "meterIdPatterns": METER_PATTERNS}, f, ensure_ascii=False, indent=2)
        f.write("\n")
    if "--check" in sys.argv:
        errs = check(H.cases, B.cases)
        for e in errs:
            print("ERROR", e)
        for name, cases in (("hostile", H.cases), ("benign", B.cases)):
            fam = counts(cases)
            tot = {"dev": 0, "holdout": 0}
            print("\n%s.jsonl: %d cases" % (name, len(cases)))
            print("| family | expect | dev | holdout | total |")
            print("|---|---|---:|---:|---:|")
            for k, d in fam.items():
                print("| %s | %s | %d | %d | %d |" % (k, d["expect"], d["dev"], d["holdout"], d["dev"] + d["holdout"]))
                tot["dev"] += d["dev"]
                tot["holdout"] += d["holdout"]
                if d["dev"] + d["holdout"] < 8:
                    errs.append("family %s has fewer than 8 cases" % k)
            print("| **total** | | %d | %d | %d |" % (tot["dev"], tot["holdout"], len(cases)))
        if len(H.cases) < 360 or len(B.cases) < 340:
            errs.append("too few cases")
        sys.exit(1 if errs else 0)


if __name__ == "__main__":
    main()
