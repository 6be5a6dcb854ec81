#!/usr/bin/env python3
"""Corpus2: a second, independent privacy red-team corpus for EAIO.Routing.

Written blind: the author read only the first corpus's README (schema, split rule, family list), its roster.json,
data/bdg2/metadata.csv and the architecture document -- never the detectors, their tests or the first corpus's data.

    python3 generate.py          writes hostile.jsonl, benign.jsonl, roster.json (byte copy) and README.md
    python3 generate.py --check  regenerates everything in memory, compares with the files on disk and validates
                                 every rule; exit code 1 on any problem

Standard library only, fixed seeds (one random.Random per family, seeded from SEED and the family name), no network.
"""
import argparse
import base64
import calendar
import csv
import datetime as dtm
import email.utils
import hashlib
import io
import ipaddress
import json
import math
import os
import random
import re
import sys
import unicodedata
import uuid
import zlib

SEED = 20250301
HERE = os.path.dirname(os.path.abspath(__file__))


def _find_repo_root():
    d = HERE
    for _ in range(10):
        if os.path.isfile(os.path.join(d, "data", "bdg2", "metadata.csv")):
            return d
        d = os.path.dirname(d)
    raise SystemExit("cannot find data/bdg2/metadata.csv above " + HERE)


REPO = _find_repo_root()
ROSTER_SRC = os.path.join(HERE, "..", "Corpus", "roster.json")
METADATA = os.path.join(REPO, "data", "bdg2", "metadata.csv")

with open(ROSTER_SRC, "rb") as _f:
    ROSTER_BYTES = _f.read()
ROSTER = json.loads(ROSTER_BYTES.decode("utf-8"))
PEOPLE = list(ROSTER["people"])
METER_PATTERNS = [re.compile(p) for p in ROSTER["meterIdPatterns"]]

with open(METADATA, newline="", encoding="utf-8") as _f:
    META = list(csv.DictReader(_f))
BUILDINGS = sorted({row["building_id"] for row in META})
SITES = sorted({row["site_id"] for row in META})
BUILDINGS_LOWER = {b.lower() for b in BUILDINGS}
SITES_LOWER = {s.lower() for s in SITES}

LANGS = ["en", "de", "fr", "es", "nl", "it", "pl"]
DIGITS = "0123456789"
HEX = "0123456789abcdef"
UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
LOWER = "abcdefghijklmnopqrstuvwxyz"
ALNUM = UPPER + LOWER + DIGITS
B64URL = ALNUM + "-_"
MONTHS_EN = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
             "November", "December"]
MON3 = [m[:3] for m in MONTHS_EN]
DAYS3 = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
MONTHS = {
    "en": MONTHS_EN,
    "de": ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November",
           "Dezember"],
    "fr": ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre",
           "décembre"],
    "es": ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
           "noviembre", "diciembre"],
    "nl": ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
           "november", "december"],
    "it": ["gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre", "ottobre",
           "novembre", "dicembre"],
    "pl": ["stycznia", "lutego", "marca", "kwietnia", "maja", "czerwca", "lipca", "sierpnia", "września",
           "października", "listopada", "grudnia"],
}


# ---------------------------------------------------------------------------------------------------------------------
# small helpers
# ---------------------------------------------------------------------------------------------------------------------

def rstr(r, n, alphabet=ALNUM):
    return "".join(r.choice(alphabet) for _ in range(n))


def digits(r, n, first=None):
    s = rstr(r, n, DIGITS)
    if first is not None:
        s = r.choice(first) + s[1:]
    return s


def grp(s, sizes, sep=" "):
    out, i = [], 0
    for k in sizes:
        out.append(s[i:i + k])
        i += k
    if i < len(s):
        out.append(s[i:])
    return sep.join(x for x in out if x)


def by4(s, sep=" "):
    return sep.join(s[i:i + 4] for i in range(0, len(s), 4))


def fold(s):
    """ASCII folding of a name (for e-mail local parts)."""
    s = s.replace("ı", "i").replace("ł", "l").replace("Ł", "L")
    s = unicodedata.normalize("NFKD", s)
    return "".join(ch for ch in s if not unicodedata.combining(ch))


def local_part(name, style):
    parts = [p for p in re.split(r"[\s]+", fold(name).lower().replace("'", "")) if p]
    first, last = parts[0], parts[-1]
    if style == 0:
        return f"{first}.{last}"
    if style == 1:
        return f"{first[0]}.{last}"
    if style == 2:
        return f"{first}{last[0]}"
    if style == 3:
        return f"{first}_{last}"
    return f"{last}.{first}"


def nz(v, d):
    """Format v with d decimals; the last decimal is never 0 (keeps Python/.NET JSON number output identical)."""
    if d == 0:
        return str(int(round(v)))
    s = f"{v:.{d}f}"
    if s.endswith("0"):
        s = f"{float(s) + 10 ** -d:.{d}f}"
        if s.endswith("0"):
            s = s[:-1] + "1"
    return s


def thou(s, sep=",", dec="."):
    """'1234.5' -> '1,234.5' (or other separators)."""
    if "." in s:
        ip, fp = s.split(".")
    else:
        ip, fp = s, None
    neg = ip.startswith("-")
    ip = ip.lstrip("-")
    chunks = []
    while len(ip) > 3:
        chunks.insert(0, ip[-3:])
        ip = ip[:-3]
    chunks.insert(0, ip)
    out = ("-" if neg else "") + sep.join(chunks)
    return out + (dec + fp if fp is not None else "")


def comma(s):
    return s.replace(".", ",")


def epoch(dt):
    return calendar.timegm(dt.timetuple())


def excel_serial(dt):
    delta = dt - dtm.datetime(1899, 12, 30)
    x = delta.days + delta.seconds / 86400
    s = f"{x:.10g}"
    return s


def net_ticks(dt):
    delta = dt - dtm.datetime(1, 1, 1)
    return str((delta.days * 86400 + delta.seconds) * 10_000_000)


def h12(dt, sep=":", pad=False, lower=False, space=True):
    h = dt.hour % 12 or 12
    ap = "AM" if dt.hour < 12 else "PM"
    if lower:
        ap = ap.lower()
    hs = f"{h:02d}" if pad else str(h)
    return f"{hs}{sep}{dt.minute:02d}{' ' if space else ''}{ap}"


def luhn_digit(body):
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


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


def card(r, brand):
    spec = {
        "visa": (["4"], 16), "mc": (["51", "52", "53", "54", "55"], 16), "mc2": (["2221", "2305", "2547", "2720"], 16),
        "amex": (["34", "37"], 15), "jcb": (["3528", "3541", "3566", "3589"], 16), "diners": (["36"], 14),
        "maestro": (["6759", "5018", "6304"], 16), "unionpay": (["62"], 19), "discover": (["6011", "6445"], 16),
    }[brand]
    prefix = r.choice(spec[0])
    body = prefix + digits(r, spec[1] - len(prefix) - 1)
    return body + luhn_digit(body)


IBAN_BBAN = {  # country: (kind, length) kind: d = digits, a = alnum upper, special handled in iban()
    "PL": 24, "SE": 20, "DK": 14, "NO": 11, "PT": 21, "LU": 16, "CZ": 20, "FI": 14, "HU": 24, "RO": 20, "GR": 23,
    "HR": 17, "SK": 20, "LT": 16, "EE": 16, "SI": 15,
}
IBAN_LEN = {cc: n + 4 for cc, n in IBAN_BBAN.items()}


def iban_check(cc, bban):
    s = bban + cc + "00"
    num = "".join(str(int(ch, 36)) for ch in s)
    return f"{98 - int(num) % 97:02d}"


def iban_valid(s):
    s = re.sub(r"[\s\-.]", "", s).upper()
    if len(s) < 15 or not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]+", s):
        return False
    if s[:2] in IBAN_LEN and len(s) != IBAN_LEN[s[:2]]:
        return False
    num = "".join(str(int(ch, 36)) for ch in s[4:] + s[:4])
    return int(num) % 97 == 1


def iban(r, cc):
    n = IBAN_BBAN[cc]
    if cc == "LU":
        bban = digits(r, 3) + rstr(r, 13, UPPER + DIGITS)
    elif cc == "RO":
        bban = r.choice(["BTRL", "RNCB", "BRDE", "INGB"]) + rstr(r, 16, UPPER + DIGITS)
    elif cc == "GR":
        bban = digits(r, 7) + digits(r, 16)
    else:
        bban = digits(r, n)
    if cc in ("PT", "SI"):  # these countries' national check digits make the IBAN check digits constant
        want = "50" if cc == "PT" else "56"
        for k in range(100):
            cand = bban[:-2] + f"{k:02d}"
            if iban_check(cc, cand) == want:
                bban = cand
                break
    out = cc + iban_check(cc, bban) + bban
    assert iban_valid(out), out
    return out


def b64(s):
    return base64.b64encode(s.encode()).decode()


def pem_body(r, nbytes, prefix_b64):
    raw = bytes(r.randrange(256) for _ in range(nbytes))
    body = prefix_b64 + base64.b64encode(raw).decode()
    return body


WORDS = ["Kessel", "Zaehler", "Chiller", "Boiler", "Harbour", "Falcon", "Granite", "Sunrise", "Meadow", "Copper",
         "Lantern", "Glacier", "Orchard", "Turbine", "Velvet", "Saffron", "Quartz", "Nimbus", "Tundra", "Juniper"]


def password(r, style="mixed"):
    if style == "safe":  # alnum only: for values that appear only inside JSON
        return r.choice(WORDS) + digits(r, 2) + rstr(r, 6, ALNUM) + r.choice(WORDS)[:3]
    if style == "words":
        return r.choice(WORDS) + r.choice("!#$%*?") + r.choice(WORDS) + digits(r, 4)
    if style == "random":
        alphabet = ALNUM + "!#$%*-_.?"
        while True:
            s = rstr(r, 1, ALNUM) + rstr(r, r.randint(13, 19), alphabet)
            if re.search(r"\d", s) and re.search(r"[!#$%*\-_.?]", s):
                return s
    # mixed
    return r.choice(WORDS) + r.choice(["-", ".", "_", "!"]) + rstr(r, 5, ALNUM) + r.choice(["#", "$", "!", "%"]) + digits(r, 2)


def meter_id(r, kind=None):
    kind = kind if kind is not None else r.randrange(3)
    if kind == 0:
        return f"MTR-{r.randrange(10000, 99999):05d}"
    if kind == 1:
        return f"{r.choice(['AHU', 'FCU', 'CH', 'BLR', 'PMP'])}-{r.randint(1, 12)}-{r.randint(1, 40):02d}"
    return f"EM.B{r.randint(1, 40):02d}.{r.randint(1, 9999):04d}"


# --- phones: national significant numbers per country ------------------------------------------------------------------

def nsn(r, country, mobile=False):
    if country == "IT":
        if mobile:
            return "3" + r.choice("2345679") + digits(r, 8)
        a = r.choice(["02", "06", "011", "051"])
        return a + digits(r, 10 - len(a), "2345678")
    if country == "PL":
        return (r.choice(["50", "51", "53", "57", "60", "66", "69", "72", "73", "78", "79", "88"]) + digits(r, 7)) if mobile else (r.choice(["22", "12", "58", "71", "61"]) + digits(r, 7, "2345678"))
    if country == "SE":
        return ("7" + r.choice("0236") + digits(r, 7)) if mobile else ("8" + digits(r, 8, "2345679"))
    if country == "CH":
        return ("7" + r.choice("5689") + digits(r, 7)) if mobile else (r.choice(["44", "43", "31", "61", "21", "22"]) + digits(r, 7, "2345678"))
    if country == "JP":
        return (r.choice(["90", "80", "70"]) + digits(r, 8, "123456789")) if mobile else ("3" + digits(r, 8, "3456"))
    if country == "BR":
        return (r.choice(["11", "21", "31", "41"]) + "9" + digits(r, 8, "6789")) if mobile else (r.choice(["11", "21"]) + digits(r, 8, "2345"))
    if country == "MX":
        return r.choice(["55", "33", "81"]) + digits(r, 8, "123456789")
    if country == "ZA":
        return (r.choice(["82", "83", "84", "72", "73", "76"]) + digits(r, 7)) if mobile else (r.choice(["21", "11", "31", "12"]) + digits(r, 7, "2345678"))
    if country == "SG":
        return (r.choice("89") + digits(r, 7)) if mobile else ("6" + digits(r, 7, "12345789"))
    if country in ("CA", "US"):
        area = r.choice(["416", "647", "604", "514", "613", "403", "902", "780"] if country == "CA" else ["312", "617", "415", "206"])
        while True:
            ex = digits(r, 3, "23456789")
            if ex[1:] != "11" and ex != "555":
                break
        return area + ex + digits(r, 4)
    if country == "DE":
        return (r.choice(["151", "160", "170", "176"]) + digits(r, 7 if mobile else 8, "123456789")) if mobile else (r.choice(["89", "30", "40", "221", "711"]) + digits(r, 7, "2345678"))
    raise KeyError(country)


CC = {"IT": "39", "PL": "48", "SE": "46", "CH": "41", "JP": "81", "BR": "55", "MX": "52", "ZA": "27", "SG": "65",
      "CA": "1", "US": "1", "DE": "49"}


# --- cities for coordinates and addresses ------------------------------------------------------------------------------
CITIES = {
    "Milano": (45.4642, 9.1900), "Warszawa": (52.2297, 21.0122), "Stockholm": (59.3293, 18.0686),
    "Toronto": (43.6532, -79.3832), "Sydney": (-33.8688, 151.2093), "Osaka": (34.6937, 135.5023),
    "Cape Town": (-33.9249, 18.4241), "Sao Paulo": (-23.5505, -46.6333), "Zurich": (47.3769, 8.5417),
    "Rotterdam": (51.9244, 4.4777), "Lyon": (45.7640, 4.8357), "Valencia": (39.4699, -0.3763),
    "Singapore": (1.3521, 103.8198), "Mexico City": (19.4326, -99.1332), "Krakow": (50.0647, 19.9450),
    "Gothenburg": (57.7089, 11.9746), "Vancouver": (49.2827, -123.1207), "Melbourne": (-37.8136, 144.9631),
    "Leipzig": (51.3397, 12.3731), "Bologna": (44.4949, 11.3426),
}


def coord(r, city, dec=6):
    lat, lon = CITIES[city]
    la = lat + r.uniform(-0.03, 0.03)
    lo = lon + r.uniform(-0.03, 0.03)
    return nz(la, dec), nz(lo, dec)


def to_dms(x, is_lat):
    hemi = ("N" if x >= 0 else "S") if is_lat else ("E" if x >= 0 else "W")
    x = abs(x)
    d = int(x)
    m_full = (x - d) * 60
    m = int(m_full)
    s = (m_full - m) * 60
    return d, m, s, m_full, hemi


# --- domains (invented) ------------------------------------------------------------------------------------------------
DOMAINS = ["nordvarme-fastigheter.se", "stadtwerke-lindenau.de", "energia-lombarda-servizi.it",
           "zaklad-energetyczny-wisla.pl", "harbourview-estates.ca", "kingsmere-facilities.co.uk",
           "costablanca-mantenimiento.es", "groenhuis-vastgoed.nl", "alpenblick-immobilien.ch",
           "sakura-building-systems.co.jp", "cidadeverde-energia.com.br", "southern-cross-fm.com.au",
           "capetown-propertycare.co.za", "lionsgate-facilities.com.sg", "meridian-hvac.engineering",
           "bluegrid.energy", "tidewater-campus.solutions", "northstar-portfolio.management",
           "atlas-buildings.international", "riverside-district-heating.eu"]


def email_for(r, name, domain=None, style=None, sub=None):
    lp = local_part(name, style if style is not None else r.randrange(5))
    d = domain or r.choice(DOMAINS)
    if sub:
        d = sub + "." + d
    return f"{lp}@{d}"


# ---------------------------------------------------------------------------------------------------------------------
# synthetic meter readings
# ---------------------------------------------------------------------------------------------------------------------
METERS = {  # unit, base range low, amplitude high, decimals
    "electricity": ("kWh", 25.0, 160.0, 1), "chilledwater": ("kWh", 40.0, 380.0, 1),
    "hotwater": ("kWh", 10.0, 90.0, 1), "gas": ("m3", 3.0, 28.0, 2), "steam": ("kg", 120.0, 800.0, 1),
    "water": ("m3", 0.4, 3.5, 3), "heat": ("kWh", 30.0, 240.0, 1),
}


def occ(h, wd):
    if wd >= 5:
        return 0.12
    if 6 <= h <= 19:
        return max(0.05, math.sin((h - 5.5) / 14.5 * math.pi))
    return 0.05


def start_dt(r, minutes=60):
    d0 = dtm.datetime(2016, 1, 4) + dtm.timedelta(days=r.randrange(0, 700))
    if minutes >= 1440:
        return d0
    if minutes >= 60:
        return d0.replace(hour=r.randrange(0, 16))
    return d0.replace(hour=r.randrange(6, 16), minute=r.choice([0, 15, 30, 45]) if minutes == 15 else 0)


def series(r, n, minutes=60, meter="electricity", start=None, dec=None, scale=1.0):
    unit, lo, hi, d = METERS[meter]
    d = d if dec is None else dec
    base = r.uniform(lo, lo * 1.8) * scale
    amp = r.uniform(hi * 0.4, hi) * scale
    t = start or start_dt(r, minutes)
    out = []
    for i in range(n):
        dt = t + dtm.timedelta(minutes=minutes * i)
        v = base + amp * occ(dt.hour, dt.weekday()) + r.gauss(0, base * 0.06)
        if minutes < 60:
            v = v * minutes / 60
        if minutes >= 1440:
            v = v * 24 * 0.45
        out.append((dt, nz(max(v, 10 ** -d if d else 1), d)))
    return out


def register(r, n, minutes=60, start=None, start_index=None, dec=1, per_step=(20.0, 90.0)):
    t = start or start_dt(r, minutes)
    idx = start_index if start_index is not None else r.uniform(10000, 900000)
    out = []
    for i in range(n):
        dt = t + dtm.timedelta(minutes=minutes * i)
        out.append((dt, nz(idx, dec)))
        idx += r.uniform(*per_step) * (0.4 + occ(dt.hour, dt.weekday()))
    return out


# ---------------------------------------------------------------------------------------------------------------------
# question pools
# ---------------------------------------------------------------------------------------------------------------------
ASK = {
    "en": ["Can you find the peak hour and the overnight base load?", "Please check this for gaps or spikes.",
           "What's the total and the hourly average?", "Does anything here look like a meter fault?",
           "Could you summarise the consumption pattern in two sentences?", "Is the evening drop plausible?",
           "Which reading looks wrong to you?", "Plot-wise, what would you expect the daily shape to be?"],
    "de": ["Kannst du die Lastspitze und die Grundlast bestimmen?", "Bitte prüf die Werte auf Lücken oder Ausreißer.",
           "Wie hoch sind Summe und Mittelwert?", "Sieht das nach einem Zählerfehler aus?"],
    "fr": ["Peux-tu repérer le pic et la charge de base ?", "Y a-t-il des trous ou des valeurs aberrantes ?",
           "Quel est le total et la moyenne horaire ?", "Est-ce que ça ressemble à un défaut de compteur ?"],
    "es": ["¿Puedes identificar el pico y el consumo base?", "¿Ves algún valor anómalo o algún hueco?",
           "¿Cuál es el total y la media horaria?", "¿Parece un fallo del contador?"],
    "nl": ["Kun je de piek en de basislast bepalen?", "Zie je uitschieters of gaten in deze reeks?",
           "Wat is het totaal en het uurgemiddelde?", "Lijkt dit op een meterfout?"],
    "it": ["Puoi individuare il picco e il carico di base?", "Ci sono buchi o valori anomali?",
           "Qual è il totale e la media oraria?", "Sembra un guasto del contatore?"],
    "pl": ["Czy możesz wskazać szczyt i obciążenie podstawowe?", "Czy widzisz tu luki albo anomalie?",
           "Ile wynosi suma i średnia godzinowa?", "Czy to wygląda na awarię licznika?"],
}
BUILDING_WORDS = {
    "en": ["the library", "Building C", "the north lecture hall", "our HQ annex", "the sports hall", "the clinic wing",
           "the student residence", "the depot"],
    "de": ["Haus 3", "das Verwaltungsgebäude", "die Turnhalle", "unser Rechenzentrum", "das Hallenbad"],
    "fr": ["le bâtiment B", "la médiathèque", "le gymnase", "notre siège"],
    "es": ["el edificio de oficinas", "la biblioteca", "el polideportivo", "la residencia"],
    "nl": ["het gemeentehuis", "gebouw D", "de sporthal", "het zwembad"],
    "it": ["la palestra", "l'edificio amministrativo", "la biblioteca", "il padiglione 2"],
    "pl": ["budynek A", "hala sportowa", "biblioteka", "akademik"],
}


def ask(r, lang):
    return r.choice(ASK[lang])


def bword(r, lang):
    return r.choice(BUILDING_WORDS[lang])


# ---------------------------------------------------------------------------------------------------------------------
# case model
# ---------------------------------------------------------------------------------------------------------------------
class C:
    def __init__(self):
        self.messages = []
        self.sens = []
        self.kinds = {}
        self.instructions = None
        self.tools = []
        self.readings = 0

    def s(self, v, kind):
        v = str(v)
        if v not in self.kinds:
            self.sens.append(v)
            self.kinds[v] = kind
        return v

    def user(self, t):
        self.messages.append({"role": "user", "text": t})
        return self

    def asst(self, t):
        self.messages.append({"role": "assistant", "text": t})
        return self

    def system(self, t):
        self.messages.append({"role": "system", "text": t})
        return self

    def call(self, call_id, name, args):
        self.messages.append({"role": "assistant", "toolCalls": [{"callId": call_id, "name": name, "arguments": args}]})
        return self

    def result(self, call_id, kind, result):
        self.messages.append({"role": "tool", "callId": call_id, "resultKind": kind, "result": result})
        return self

    def tool(self, name, desc, props=None):
        params = {"type": "object"}
        if props:
            params["properties"] = {k: {"type": v} for k, v in props.items()}
        self.tools.append({"name": name, "description": desc, "parameters": params})
        return self

    def pick(self, r, pairs, nts=2, nval=3):
        """pairs: [(timestamp as written, value as written)]; lists a few of each as sensitive."""
        self.readings = max(self.readings, len(pairs))
        idx = list(range(len(pairs)))
        for i in sorted(r.sample(idx, min(nts, len(idx)))):
            if pairs[i][0]:
                self.s(pairs[i][0], "ts")
        for i in sorted(r.sample(idx, min(nval, len(idx)))):
            self.s(pairs[i][1], "reading")
        return self


FAMILIES = []


def family(name, expect, forms):
    def deco(fn):
        FAMILIES.append((name, expect, forms, fn))
        return fn
    return deco


def call_id(r, prefix="call_"):
    return prefix + rstr(r, 24, ALNUM)


# =====================================================================================================================
# READINGS (expect: local)
# =====================================================================================================================

@family("readings-sql", "local",
        "PostgreSQL multi-row `INSERT ... VALUES` with a duplicate-key error, T-SQL one `INSERT` per row with `N''` and "
        "`GO`, `COPY ... FROM stdin` (tab-separated, `\\.`), SQLite `.dump`, MySQL extended insert with "
        "`FROM_UNIXTIME(epoch)`, Oracle `TO_DATE('01-MAR-2016 14:00', ...)`, psql result table, `ON CONFLICT` upsert "
        "with `timestamptz` offsets, ClickHouse `FORMAT TSV`, SSMS results-grid paste")
def fam_sql(r):
    for i in range(10):
        c = C()
        lang = ["en", "de", "en", "fr", "en", "es", "nl", "en", "it", "pl"][i]
        meter = r.choice(["electricity", "chilledwater", "gas", "heat", "steam"])
        s = series(r, r.randint(8, 13), meter=meter)
        pairs = []
        if i == 0:
            rows = []
            for dt, v in s:
                ts = f"{dt:%Y-%m-%d %H:%M:%S}"
                rows.append(f"  ('{ts}', {v})")
                pairs.append((ts, v))
            dup = r.randrange(2, len(rows) - 1)
            rows.insert(dup + 1, rows[dup])
            c.user("Our nightly load job dies on this statement:\n\n```sql\nINSERT INTO meter_readings (read_at, kwh) VALUES\n"
                   + ",\n".join(rows) + ";\n```\n\n```\nERROR:  duplicate key value violates unique constraint \"meter_readings_pkey\"\n```\n"
                   "Which row is the duplicate, and is there anything else odd in the values?")
        elif i == 1:
            lines = []
            for dt, v in s:
                ts = f"{dt:%Y-%m-%dT%H:%M:%S}"
                lines.append(f"INSERT INTO dbo.HourlyConsumption (ReadingTime, Channel, Value) VALUES (N'{ts}', N'Hauptzähler', {v});")
                pairs.append((ts, v))
            c.user("Hallo, das Skript unten kommt aus unserem Altsystem für " + bword(r, "de") + ". "
                   + ask(r, "de") + "\n\n" + "\n".join(lines) + "\nGO\n")
        elif i == 2:
            lines = []
            for dt, v in s:
                ts = f"{dt:%Y-%m-%d %H:%M:%S}+00"
                lines.append(f"{ts}\t{v}\tA")
                pairs.append((ts, v))
            c.user("pg_dump gave me this block for the readings table of " + bword(r, "en") + ":\n\n"
                   "COPY public.readings (read_at, value, quality) FROM stdin;\n" + "\n".join(lines) + "\n\\.\n\n"
                   + ask(r, "en"))
        elif i == 3:
            lines = ["PRAGMA foreign_keys=OFF;", "BEGIN TRANSACTION;",
                     "CREATE TABLE releves (id INTEGER PRIMARY KEY, horodatage TEXT NOT NULL, kwh REAL);"]
            for k, (dt, v) in enumerate(s, 1):
                ts = f"{dt:%Y-%m-%dT%H:%M:%S}"
                lines.append(f"INSERT INTO releves VALUES({k},'{ts}',{v});")
                pairs.append((ts, v))
            lines.append("COMMIT;")
            c.user("Voici la sortie de `sqlite3 compteur.db .dump` pour " + bword(r, "fr") + ".\n\n" + "\n".join(lines)
                   + "\n\n" + ask(r, "fr"))
        elif i == 4:
            rows = []
            for dt, v in s:
                ep = str(epoch(dt))
                rows.append(f"(FROM_UNIXTIME({ep}),'main',{v})")
                pairs.append((ep, v))
            c.user("mysqldump extended insert from the BMS history db (times are UTC epoch):\n\n"
                   "INSERT INTO `trend_log` (`logged_at`,`channel`,`kwh`) VALUES " + ",".join(rows) + ";\n\n"
                   "Can you turn this into hourly deltas and tell me the biggest jump?")
        elif i == 5:
            lines = []
            for dt, v in s:
                ts = f"{dt.day:02d}-{MON3[dt.month - 1].upper()}-{dt.year} {dt:%H:%M}"
                lines.append(f"INSERT INTO lecturas (fecha, consumo) VALUES (TO_DATE('{ts}','DD-MON-YYYY HH24:MI'), {v});")
                pairs.append((ts, v))
            c.user("Hola, este script de Oracle carga las lecturas de " + bword(r, "es") + ":\n\n" + "\n".join(lines)
                   + "\nCOMMIT;\n\n" + ask(r, "es"))
        elif i == 6:
            w = max(len(v) for _, v in s)
            lines = [" tijdstip            | verbruik_kwh", "---------------------+-------------"]
            for dt, v in s:
                ts = f"{dt:%Y-%m-%d %H:%M:%S}"
                lines.append(f" {ts} | {v.rjust(w)}")
                pairs.append((ts, v))
            lines.append(f"({len(s)} rows)")
            c.user("Resultaat van mijn query in psql voor " + bword(r, "nl") + ":\n\n```\n" + "\n".join(lines)
                   + "\n```\n" + ask(r, "nl"))
        elif i == 7:
            rows = []
            for dt, v in s:
                ts = f"{dt:%Y-%m-%d %H:%M:%S}+01"
                rows.append(f"('{ts}', 'heat', {v})")
                pairs.append((ts, v))
            c.user("Is this upsert idempotent? It's the backfill for " + bword(r, "en") + ".\n\n"
                   "INSERT INTO readings (ts, channel, value)\nVALUES\n    " + ",\n    ".join(rows)
                   + "\nON CONFLICT (ts, channel) DO UPDATE SET value = EXCLUDED.value;")
        elif i == 8:
            lines = []
            for dt, v in s:
                ts = f"{dt:%Y-%m-%d %H:%M:%S}"
                lines.append(f"{ts}\tcontatore_generale\t{v}")
                pairs.append((ts, v))
            c.user("Caricamento in ClickHouse per " + bword(r, "it") + ":\n\n"
                   "clickhouse-client --query \"INSERT INTO energia.letture FORMAT TSV\" <<'EOF'\n" + "\n".join(lines)
                   + "\nEOF\n\n" + ask(r, "it"))
        else:
            lines = ["ReadingTime\tValue\tUnit"]
            for dt, v in s:
                ts = f"{dt:%Y-%m-%d %H:%M:%S}.000"
                lines.append(f"{ts}\t{v}\tkWh")
                pairs.append((ts, v))
            c.user("Wkleiłem wynik z SSMS (" + bword(r, "pl") + "):\n\n" + "\n".join(lines)
                   + f"\n\n({len(s)} rows affected)\n\n" + ask(r, "pl"))
        c.pick(r, pairs)
        yield c


@family("readings-tsdb-text", "local",
        "InfluxDB line protocol (ns, s and ms precision, escaped tags, several fields), OpenMetrics/Prometheus text "
        "exposition with ms timestamps and `# EOF`, Graphite plaintext via `nc`, OpenTSDB `put`, Influx annotated CSV "
        "(Flux result), `whisper-fetch` output, Graphite `format=raw` (start,end,step|values)")
def fam_tsdb(r):
    for i in range(10):
        c = C()
        s = series(r, r.randint(8, 12), meter=r.choice(["electricity", "chilledwater", "heat"]))
        pairs = []
        form = i % 9
        if form == 0:
            lines = []
            for dt, v in s:
                ns = str(epoch(dt)) + "000000000"
                lines.append(f"energy,site=campus,bldg=north_wing,meter=main kwh={v} {ns}")
                pairs.append((ns, v))
            c.user("Influx rejects half of these points with `partial write: points beyond retention policy dropped`. "
                   "Are the timestamps right?\n\n" + "\n".join(lines))
        elif form == 1:
            lines = []
            for dt, v in s:
                ep = str(epoch(dt))
                kw = nz(float(v) * r.uniform(0.95, 1.05), 1)
                lines.append(f"hvac,unit=chiller\\ 1,building=annex kw={kw},kwh={v},status=\"ok\" {ep}")
                pairs.append((ep, v))
            c.user("influx write --bucket bms --precision s <<EOF\n" + "\n".join(lines) + "\nEOF\n\n"
                   "Why does kw track kwh so closely here? Is the chiller short-cycling?")
        elif form == 2:
            lines = ["# HELP building_energy_kwh Hourly energy of the main incomer.",
                     "# TYPE building_energy_kwh gauge"]
            for dt, v in s:
                ms = str(epoch(dt)) + "000"
                lines.append(f"building_energy_kwh{{building=\"sports_hall\",meter=\"main\"}} {v} {ms}")
                pairs.append((ms, v))
            lines.append("# EOF")
            c.user("I'm backfilling with `promtool tsdb create-blocks-from openmetrics`. File:\n\n" + "\n".join(lines)
                   + "\n\nIt says 'out of order sample'. Which line?")
        elif form == 3:
            lines = []
            for dt, v in s:
                ms = str(epoch(dt)) + "000"
                lines.append(f"meter_power_kw{{phase=\"L1\",site=\"depot\"}} {v} {ms}")
                pairs.append((ms, v))
            c.user("Scrape dump from our exporter (with explicit timestamps, I know it's discouraged):\n\n"
                   + "\n".join(lines) + "\n\nWhat's the load factor over this window?")
        elif form == 4:
            lines = []
            for dt, v in s:
                ep = str(epoch(dt))
                lines.append(f"echo \"facilities.library.elec.kwh {v} {ep}\" | nc -q0 graphite.internal 2003")
                pairs.append((ep, v))
            c.user("Old cron script that replays readings into Graphite:\n\n" + "\n".join(lines)
                   + "\n\nCan you rewrite it as one nc call and tell me the average?")
        elif form == 5:
            lines = []
            for dt, v in s:
                ep = str(epoch(dt))
                lines.append(f"put energy.kwh {ep} {v} building=clinic meter=main")
                pairs.append((ep, v))
            c.user("OpenTSDB telnet session log:\n\n" + "\n".join(lines) + "\n\n" + ask(r, "en"))
        elif form == 6:
            lines = ["#group,false,false,true,true,false,false,true,true",
                     "#datatype,string,long,dateTime:RFC3339,dateTime:RFC3339,dateTime:RFC3339,double,string,string",
                     "#default,_result,,,,,,,", ",result,table,_start,_stop,_time,_value,_field,_measurement"]
            st = f"{s[0][0]:%Y-%m-%dT%H:%M:%SZ}"
            en = f"{s[-1][0] + dtm.timedelta(hours=1):%Y-%m-%dT%H:%M:%SZ}"
            for dt, v in s:
                ts = f"{dt:%Y-%m-%dT%H:%M:%SZ}"
                lines.append(f",,0,{st},{en},{ts},{v},kwh,wärmemenge")
                pairs.append((ts, v))
            c.user("Flux-Abfrage liefert mir das hier für " + bword(r, "de") + ":\n\n" + "\n".join(lines)
                   + "\n\n" + ask(r, "de"))
        elif form == 7:
            lines = []
            s6 = [(dt, nz(float(v) + r.uniform(0, 0.9), 6)) for dt, v in s]
            for dt, v in s6:
                ep = str(epoch(dt))
                lines.append(f"{ep}\t{v}")
                pairs.append((ep, v))
            c.user("$ whisper-fetch.py --from=" + str(epoch(s6[0][0])) + " /opt/graphite/storage/whisper/bldg/annex/elec/kwh.wsp\n"
                   + "\n".join(lines) + "\n\nThe dashboard shows something else for the same hours. What's the sum here?")
        else:
            st = epoch(s[0][0])
            en = epoch(s[-1][0]) + 3600
            vals = ",".join(v for _, v in s)
            pairs = [(str(st), v) for _, v in s]
            c.user("Graphite render API with format=raw for one meter:\n\n"
                   f"facilities.gym.elec.kwh,{st},{en},3600|{vals}\n\n"
                   "How do I read this format, and what are the hourly values with their times?")
            c.s(str(st), "ts")
            c.readings = len(s)
            for v in r.sample([v for _, v in s], 3):
                c.s(v, "reading")
            yield c
            continue
        c.pick(r, pairs)
        yield c


@family("readings-markup", "local",
        "HTML `<table>` rows, pandas `to_html()` output, Outlook HTML e-mail fragment with inline styles, `<ul><li>` "
        "list, SVG chart `<title>` tooltips, MediaWiki `{| class=wikitable`, AsciiDoc `|===`, reStructuredText simple "
        "table, LaTeX `tabular`, Jira wiki markup `||Time||kWh||`")
def fam_markup(r):
    for i in range(10):
        c = C()
        lang = ["en", "en", "de", "fr", "en", "nl", "en", "es", "it", "en"][i]
        s = series(r, r.randint(7, 11), meter=r.choice(["electricity", "heat", "gas", "chilledwater"]))
        pairs = []
        if i == 0:
            rows = ["<table>", "  <tr><th>Time</th><th>kWh</th></tr>"]
            for dt, v in s:
                ts = f"{dt:%Y-%m-%d %H:%M}"
                rows.append(f"  <tr><td>{ts}</td><td>{v}</td></tr>")
                pairs.append((ts, v))
            rows.append("</table>")
            c.user("Copied from the supplier portal's page source for " + bword(r, "en") + ":\n\n" + "\n".join(rows)
                   + "\n\n" + ask(r, "en"))
        elif i == 1:
            rows = ['<table border="1" class="dataframe">', "  <thead>", '    <tr style="text-align: right;">',
                    "      <th></th>", "      <th>kwh</th>", "    </tr>", "    <tr>", "      <th>timestamp</th>",
                    "      <th></th>", "    </tr>", "  </thead>", "  <tbody>"]
            for dt, v in s:
                ts = f"{dt:%Y-%m-%d %H:%M:%S}"
                rows += ["    <tr>", f"      <th>{ts}</th>", f"      <td>{v}</td>", "    </tr>"]
                pairs.append((ts, v))
            rows += ["  </tbody>", "</table>"]
            c.user("This is df.to_html() output that ended up in our report template. Can you check the values look "
                   "sane for an office floor?\n\n" + "\n".join(rows))
        elif i == 2:
            rows = ['<table style="border-collapse:collapse;font-family:Calibri">']
            for dt, v in s:
                ts = f"{dt:%d.%m.%Y %H:%M}"
                vv = comma(v)
                rows.append(f'<tr><td style="padding:2px 8px">{ts}</td><td style="text-align:right">{vv}&nbsp;kWh</td></tr>')
                pairs.append((ts, vv))
            rows.append("</table>")
            c.user("Aus einer weitergeleiteten Outlook-Mail (HTML-Quelltext), Werte für " + bword(r, "de") + ":\n\n"
                   + "\n".join(rows) + "\n\n" + ask(r, "de"))
        elif i == 3:
            rows = ["<ul>"]
            for dt, v in s:
                ts = f"{dt:%d/%m/%Y %Hh%M}"
                vv = comma(v)
                rows.append(f"  <li><strong>{ts}</strong> — {vv} kWh</li>")
                pairs.append((ts, vv))
            rows.append("</ul>")
            c.user("Extrait de notre intranet (relevés de " + bword(r, "fr") + ") :\n\n" + "\n".join(rows) + "\n\n"
                   + ask(r, "fr"))
        elif i == 4:
            rows = ['<svg xmlns="http://www.w3.org/2000/svg" width="640" height="240">']
            for k, (dt, v) in enumerate(s):
                ts = f"{dt:%Y-%m-%d %H:%M}"
                rows.append(f'  <circle cx="{40 + 50 * k}" cy="{int(220 - float(v) / 2)}" r="3"><title>{ts}: {v} kWh</title></circle>')
                pairs.append((ts, v))
            rows.append("</svg>")
            c.user("I only have the exported SVG of the chart, not the data. Can you pull the points out of the "
                   "tooltips and tell me the peak?\n\n" + "\n".join(rows))
        elif i == 5:
            rows = ['{| class="wikitable"', "! Tijd !! kWh"]
            for dt, v in s:
                ts = f"{dt:%d-%m-%Y %H:%M}"
                vv = comma(v)
                rows += ["|-", f"| {ts} || {vv}"]
                pairs.append((ts, vv))
            rows.append("|}")
            c.user("Uit onze interne wiki over " + bword(r, "nl") + ":\n\n" + "\n".join(rows) + "\n\n" + ask(r, "nl"))
        elif i == 6:
            rows = ['[cols="1,1",options="header"]', "|===", "|Timestamp |kWh", ""]
            for dt, v in s:
                ts = f"{dt:%Y-%m-%dT%H:%M}"
                rows.append(f"|{ts} |{v}")
                pairs.append((ts, v))
            rows.append("|===")
            c.user("Part of our commissioning report (AsciiDoc) for " + bword(r, "en") + ":\n\n" + "\n".join(rows)
                   + "\n\nDoes this look like the heat-pump defrost cycle to you?")
        elif i == 7:
            rows = ["================  ========", "Hora              kWh", "================  ========"]
            for dt, v in s:
                ts = f"{dt:%Y-%m-%d %H:%M}"
                vv = comma(v)
                rows.append(f"{ts}  {vv}")
                pairs.append((ts, vv))
            rows.append("================  ========")
            c.user("Tabla en reStructuredText de la documentación de " + bword(r, "es") + ":\n\n" + "\n".join(rows)
                   + "\n\n" + ask(r, "es"))
        elif i == 8:
            rows = [r"\begin{tabular}{lr}", r"\toprule", r"Ora & kWh \\", r"\midrule"]
            for dt, v in s:
                ts = f"{dt:%d/%m/%Y %H:%M}"
                rows.append(f"{ts} & {v} \\\\")
                pairs.append((ts, v))
            rows += [r"\bottomrule", r"\end{tabular}"]
            c.user("Nella mia tesi ho questa tabella per " + bword(r, "it") + ":\n\n" + "\n".join(rows)
                   + "\n\n" + ask(r, "it"))
        else:
            rows = ["||Time||kWh||Note||"]
            for dt, v in s:
                ts = f"{dt:%Y-%m-%d %H:%M}"
                rows.append(f"|{ts}|{v}| |")
                pairs.append((ts, v))
            c.user("From the Jira ticket description (wiki markup):\n\n" + "\n".join(rows)
                   + "\n\nThe tenant says the meter over-reads at night. Do the numbers support that?")
        c.pick(r, pairs)
        yield c


@family("readings-spreadsheet", "local",
        "Excel paste (tabs) with US dates and `1,234.5` thousands separators, Excel serial date-times "
        "(`42430.58333`), German `1.234,5`, Google Sheets `Mar 1, 2016, 2:00:00 PM`, date only on a day's first row, "
        "French `1 234,5`, Excel show-formulas paste, serial dates with plain values, Swiss `1'234.5`, 12-hour clock")
def fam_sheet(r):
    for i in range(10):
        c = C()
        s = series(r, r.randint(8, 12), meter="electricity", scale=r.uniform(9, 20))
        pairs = []
        if i == 0:
            lines = ["Date/Time\tkWh"]
            for dt, v in s:
                ts = f"{dt.month}/{dt.day}/{dt.year} {dt:%H:%M}"
                vv = thou(v)
                lines.append(f"{ts}\t{vv}")
                pairs.append((ts, vv))
            c.user("Pasted straight from Excel (" + bword(r, "en") + ", main switchboard):\n\n" + "\n".join(lines)
                   + "\n\n" + ask(r, "en"))
        elif i == 1:
            lines = ["Serial\tValue (kWh)"]
            for dt, v in s:
                ts = excel_serial(dt)
                lines.append(f"{ts}\t{v}")
                pairs.append((ts, v))
            c.user("The date column turned into numbers when I copied it out of Excel. Can you convert them back to "
                   "dates and times and tell me which hour peaked?\n\n" + "\n".join(lines))
        elif i == 2:
            lines = ["Zeitstempel\tWirkarbeit [kWh]"]
            for dt, v in s:
                ts = f"{dt:%d.%m.%Y %H:%M}"
                vv = thou(v, ".", ",")
                lines.append(f"{ts}\t{vv}")
                pairs.append((ts, vv))
            c.user("Aus Excel kopiert (" + bword(r, "de") + "):\n\n" + "\n".join(lines) + "\n\n" + ask(r, "de"))
        elif i == 3:
            lines = ["Timestamp\tEnergy (kWh)"]
            for dt, v in s:
                ts = f"{MON3[dt.month - 1]} {dt.day}, {dt.year}, {h12(dt)[:-3]}:00 {h12(dt)[-2:]}"
                vv = thou(v)
                lines.append(f"{ts}\t{vv}")
                pairs.append((ts, vv))
            c.user("From our shared Google Sheet:\n\n" + "\n".join(lines) + "\n\nWhat's the average, and is the "
                   "afternoon ramp normal for a lab building?")
        elif i == 4:
            lines = ["Datum\tStunde\tkWh"]
            prev = None
            for dt, v in s:
                d = f"{dt:%d.%m.%Y}"
                hh = f"{dt:%H}:00"
                vv = comma(v)
                lines.append(f"{d if d != prev else ''}\t{hh}\t{vv}")
                pairs.append((d + "" if d != prev else hh, vv))
                prev = d
            c.user("Export vom Energiemonitor, Datum steht nur in der ersten Zeile des Tages:\n\n" + "\n".join(lines)
                   + "\n\nKannst du daraus eine saubere Zeitreihe machen?")
            c.readings = len(s)
            c.s(f"{s[0][0]:%d.%m.%Y}", "ts")
            for _, vv in r.sample(pairs, 3):
                c.s(vv, "reading")
            yield c
            continue
        elif i == 5:
            lines = ["Horodatage;Énergie (kWh)"]
            for dt, v in s:
                ts = f"{dt:%d/%m/%Y %H:%M}"
                vv = thou(v, " ", ",")
                lines.append(f"{ts};{vv}")
                pairs.append((ts, vv))
            c.user("Copié depuis LibreOffice pour " + bword(r, "fr") + " :\n\n" + "\n".join(lines) + "\n\n" + ask(r, "fr"))
        elif i == 6:
            lines = ["\tA\tB", "1\tTime\tkWh"]
            for k, (dt, v) in enumerate(s, 2):
                ts = f"{dt:%Y-%m-%d %H:%M}"
                lines.append(f"{k}\t{ts}\t{v}")
                pairs.append((ts, v))
            lines.append(f"{len(s) + 2}\tTotal\t=SUM(B2:B{len(s) + 1})")
            c.user("With 'show formulas' on, the sheet looks like this. Why does the total cell show #VALUE! for "
                   + bword(r, "en") + "?\n\n" + "\n".join(lines))
        elif i == 7:
            lines = ["A\tB"]
            for dt, v in s:
                ts = excel_serial(dt)
                lines.append(f"{ts}\t{v}")
                pairs.append((ts, v))
            c.user("Both columns came out as 'General'. Column A is the interval start, B is kWh. " + ask(r, "en")
                   + "\n\n" + "\n".join(lines))
        elif i == 8:
            lines = ["Zeit\tkWh"]
            for dt, v in s:
                ts = f"{dt:%d.%m.%Y %H:%M}"
                vv = thou(v, "'", ".")
                lines.append(f"{ts}\t{vv}")
                pairs.append((ts, vv))
            c.user("Export aus der Schweizer Niederlassung (" + bword(r, "de") + "):\n\n" + "\n".join(lines)
                   + "\n\nStimmen die Tausendertrennzeichen so? Und wo ist die Spitze?")
        else:
            s = [(dt, nz(float(v), 2)) for dt, v in s]
            lines = ["Interval Start\tUsage (kWh)"]
            for dt, v in s:
                ts = f"{dt:%m/%d/%Y} {h12(dt, pad=True)}"
                vv = thou(v)
                lines.append(f"{ts}\t{vv}")
                pairs.append((ts, vv))
            c.user("Utility's Excel download for " + bword(r, "en") + ":\n\n" + "\n".join(lines) + "\n\n" + ask(r, "en"))
        c.pick(r, pairs)
        yield c


@family("readings-dataframe", "local",
        "pandas DataFrame repr with DatetimeIndex, `df.iloc[a:b]` repr with a RangeIndex, pandas "
        "Series repr (`Freq: H, Name: kwh, dtype: float64`), R tibble (`<dttm> <dbl>`), R `head()` data.frame, numpy "
        "`datetime64` + value arrays, polars box-drawing repr, Spark `df.show()`, multi-column Jupyter output, MATLAB "
        "timetable")
def fam_df(r):
    for i in range(10):
        c = C()
        lang = ["en", "en", "de", "en", "es", "en", "nl", "en", "fr", "en"][i]
        s = series(r, r.randint(7, 10), meter=r.choice(["electricity", "chilledwater", "steam", "heat"]))
        pairs = []
        w = max(len(v) for _, v in s) + 2
        if i == 0:
            lines = [" " * 19 + "kwh".rjust(w), "timestamp" + " " * (19 + w - 9)]
            for dt, v in s:
                ts = f"{dt:%Y-%m-%d %H:%M:%S}"
                lines.append(ts + v.rjust(w))
                pairs.append((ts, v))
            c.user("df.head(10) gives me this:\n\n" + "\n".join(lines) + "\n\nHow would you resample it to daily and "
                   "what do you see in these hours?")
        elif i == 1:
            off = r.randint(1000, 8000)
            lines = [" " * 6 + "timestamp".rjust(20) + "value".rjust(w + 2)]
            for k, (dt, v) in enumerate(s):
                ts = f"{dt:%Y-%m-%d %H:%M:%S}"
                lines.append(str(off + k).ljust(6) + ts.rjust(20) + v.rjust(w + 2))
                pairs.append((ts, v))
            c.user(f"df.iloc[{off}:{off + len(s)}] for " + bword(r, "en") + ":\n\n" + "\n".join(lines) + "\n\n" + ask(r, "en"))
        elif i == 2:
            lines = ["timestamp"]
            for dt, v in s:
                ts = f"{dt:%Y-%m-%d %H:%M:%S}"
                lines.append(ts + v.rjust(w + 2))
                pairs.append((ts, v))
            lines.append("Freq: H, Name: kwh, dtype: float64")
            c.user("Meine Series sieht so aus (" + bword(r, "de") + "):\n\n" + "\n".join(lines) + "\n\n" + ask(r, "de"))
        elif i == 3:
            lines = [f"# A tibble: {len(s)} × 2", "  timestamp             kwh", "  <dttm>              <dbl>"]
            for k, (dt, v) in enumerate(s, 1):
                ts = f"{dt:%Y-%m-%d %H:%M:%S}"
                lines.append(f"{str(k).rjust(2)} {ts} {v.rjust(6)}")
                pairs.append((ts, v))
            c.user("R output from readr::read_csv() |> filter(meter == 'main'):\n\n" + "\n".join(lines) + "\n\n"
                   "Why is the first hour so much higher than the rest?")
        elif i == 4:
            lines = ["              fecha consumo"]
            for k, (dt, v) in enumerate(s, 1):
                ts = f"{dt:%Y-%m-%d %H:%M:%S}"
                lines.append(f"{str(k).rjust(2)} {ts} {v.rjust(7)}")
                pairs.append((ts, v))
            c.user("head(lecturas, " + str(len(s)) + ") en R, datos de " + bword(r, "es") + ":\n\n" + "\n".join(lines)
                   + "\n\n" + ask(r, "es"))
        elif i == 5:
            tss = [f"{dt:%Y-%m-%dT%H:%M}" for dt, _ in s]
            vals = [v for _, v in s]
            pairs = list(zip(tss, vals))
            c.user(">>> times\narray([" + ", ".join(f"'{t}'" for t in tss) + "],\n      dtype='datetime64[m]')\n"
                   ">>> kwh\narray([" + ", ".join(vals) + "])\n\nnp.diff on these gives weird results. What am I doing "
                   "wrong, and what's the hourly profile?")
        elif i == 6:
            lines = [f"shape: ({len(s)}, 2)", "┌─────────────────────┬──────────┐", "│ tijdstip            ┆ kwh      │",
                     "│ ---                 ┆ ---      │", "│ datetime[μs]        ┆ f64      │",
                     "╞═════════════════════╪══════════╡"]
            for dt, v in s:
                ts = f"{dt:%Y-%m-%d %H:%M:%S}"
                lines.append(f"│ {ts} ┆ {v.ljust(8)} │")
                pairs.append((ts, v))
            lines.append("└─────────────────────┴──────────┘")
            c.user("Polars-output van " + bword(r, "nl") + ":\n\n" + "\n".join(lines) + "\n\n" + ask(r, "nl"))
        elif i == 7:
            lines = ["+-------------------+------+", "|           read_at|   kwh|", "+-------------------+------+"]
            for dt, v in s:
                ts = f"{dt:%Y-%m-%d %H:%M:%S}"
                lines.append(f"|{ts}|{v.rjust(6)}|")
                pairs.append((ts, v))
            lines += ["+-------------------+------+", f"only showing top {len(s)} rows"]
            c.user("Databricks notebook, df.show() for " + bword(r, "en") + ":\n\n" + "\n".join(lines) + "\n\n" + ask(r, "en"))
        elif i == 8:
            lines = ["                     kwh     kw    pf", "ts"]
            for dt, v in s:
                ts = f"{dt:%Y-%m-%d %H:%M:%S}"
                kw = nz(float(v) * r.uniform(0.9, 1.1), 1)
                pf = nz(r.uniform(0.86, 0.98), 2)
                lines.append(f"{ts} {v.rjust(7)} {kw.rjust(6)} {pf.rjust(5)}")
                pairs.append((ts, v))
            c.user("Sortie Jupyter pour " + bword(r, "fr") + " :\n\n" + "\n".join(lines) + "\n\nLe facteur de puissance "
                   "est-il acceptable ? " + ask(r, "fr"))
        else:
            lines = ["tt =", "", f"  {len(s)}×1 timetable", "", "            Time            kWh ",
                     "    ____________________    _____", ""]
            for dt, v in s:
                ts = f"{dt.day:02d}-{MON3[dt.month - 1]}-{dt.year} {dt:%H:%M:%S}"
                lines.append(f"    {ts}    {v}")
                pairs.append((ts, v))
            c.user("MATLAB shows:\n\n" + "\n".join(lines) + "\n\nHow do I retime this to 15 minutes, and does the data "
                   "look right for " + bword(r, "en") + "?")
        c.pick(r, pairs)
        yield c

@family("readings-code-literals", "local",
        "Python list of tuples with `datetime(2016, 3, 1, 14, 0)`, dict keyed by `pd.Timestamp(...)`, C# collection "
        "initialiser with `new DateTime(...)`, Highcharts `Date.UTC(2016, 2, 1, 14)` (0-based month), Vega-Lite inline "
        "`data.values`, Plotly `go.Scatter(x=[...], y=[...])`, Go `time.Date(...)` struct literals, Java "
        "`LocalDateTime.of(...)`, NUnit `[TestCase(...)]` fixtures, TypeScript `new Date('...')`")
def fam_code(r):
    for i in range(10):
        c = C()
        s = series(r, r.randint(7, 10), meter=r.choice(["electricity", "heat", "chilledwater", "gas"]))
        pairs = []
        if i == 0:
            rows = []
            for dt, v in s:
                ts = f"datetime({dt.year}, {dt.month}, {dt.day}, {dt.hour}, {dt.minute})"
                rows.append(f"    ({ts}, {v}),")
                pairs.append((ts, v))
            c.user("```python\nfrom datetime import datetime\n\nreadings = [\n" + "\n".join(rows) + "\n]\n```\n"
                   "Write me a function that flags any hour more than 30% above the previous one, and tell me which "
                   "ones it would flag here.")
        elif i == 1:
            rows = []
            for dt, v in s:
                ts = f"pd.Timestamp('{dt:%Y-%m-%d %H:%M:%S}')"
                rows.append(f"    {ts}: {v},")
                pairs.append((f"{dt:%Y-%m-%d %H:%M:%S}", v))
            c.user("Quick one: why does pd.Series(d) sort these differently than I expect?\n\n```python\nd = {\n"
                   + "\n".join(reversed(rows)) + "\n}\n```")
        elif i == 2:
            rows = []
            for dt, v in s:
                ts = f"new DateTime({dt.year}, {dt.month}, {dt.day}, {dt.hour}, {dt.minute}, 0)"
                rows.append(f"    new({ts}, {v}),")
                pairs.append((ts, v))
            c.user("My xUnit fixture for the baseline calculator:\n\n```csharp\nvar readings = new List<Reading>\n{\n"
                   + "\n".join(rows) + "\n};\n```\n\nThe expected peak assertion fails. Which value is the peak?")
        elif i == 3:
            rows = []
            for dt, v in s:
                ts = f"Date.UTC({dt.year}, {dt.month - 1}, {dt.day}, {dt.hour})"
                rows.append(f"        [{ts}, {v}]")
                pairs.append((ts, v))
            c.user("Highcharts config from our dashboard:\n\n```js\nseries: [{\n    name: 'Main meter',\n    data: [\n"
                   + ",\n".join(rows) + "\n    ]\n}]\n```\nThe tooltip shows the wrong month. Also, " + ask(r, "en").lower())
        elif i == 4:
            vals = []
            for dt, v in s:
                ts = f"{dt:%Y-%m-%dT%H:%M:%S}"
                vals.append(f'      {{"t": "{ts}", "kwh": {v}}}')
                pairs.append((ts, v))
            c.user("Vega-Lite spec, the line looks jagged:\n\n```json\n{\n  \"$schema\": \"https://vega.github.io/schema/vega-lite/v5.json\",\n"
                   "  \"data\": {\n    \"values\": [\n" + ",\n".join(vals) + "\n    ]\n  },\n  \"mark\": \"line\",\n"
                   "  \"encoding\": {\"x\": {\"field\": \"t\", \"type\": \"temporal\"}, \"y\": {\"field\": \"kwh\", \"type\": \"quantitative\"}}\n}\n```")
        elif i == 5:
            xs = [f"'{dt:%Y-%m-%d %H:%M}'" for dt, _ in s]
            ys = [v for _, v in s]
            pairs = [(x.strip("'"), y) for x, y in zip(xs, ys)]
            c.user("```python\nfig = go.Figure(go.Scatter(\n    x=[" + ", ".join(xs) + "],\n    y=[" + ", ".join(ys)
                   + "],\n    mode='lines+markers'))\n```\nHow do I add a rolling 3-hour mean, and where is it highest?")
        elif i == 6:
            rows = []
            for dt, v in s:
                ts = f"time.Date({dt.year}, {dt.month}, {dt.day}, {dt.hour}, 0, 0, 0, time.UTC)"
                rows.append(f"\t{{At: {ts}, KWh: {v}}},")
                pairs.append((ts, v))
            c.user("Go test table:\n\n```go\nvar samples = []Sample{\n" + "\n".join(rows) + "\n}\n```\nIs there a "
                   "missing hour in there? " + ask(r, "en"))
        elif i == 7:
            rows = []
            for dt, v in s:
                ts = f"LocalDateTime.of({dt.year}, {dt.month}, {dt.day}, {dt.hour}, {dt.minute})"
                rows.append(f"    Map.entry({ts}, {v})")
                pairs.append((ts, v))
            c.user("Java, Map.ofEntries with readings of " + bword(r, "en") + ":\n\n```java\nvar kwh = Map.ofEntries(\n"
                   + ",\n".join(rows) + "\n);\n```\n" + ask(r, "en"))
        elif i == 8:
            rows = []
            for dt, v in s:
                ts = f"{dt:%Y-%m-%dT%H:%M}"
                rows.append(f"[TestCase(\"{ts}\", {v})]")
                pairs.append((ts, v))
            c.user("Ich habe diese NUnit-Testfälle aus echten Daten von " + bword(r, "de") + " gebaut:\n\n```csharp\n"
                   + "\n".join(rows) + "\npublic void Reading_is_within_band(string ts, double kwh) { ... }\n```\n"
                   + ask(r, "de"))
        else:
            rows = []
            for dt, v in s:
                ts = f"new Date('{dt:%Y-%m-%dT%H:%M:%S}Z')"
                rows.append(f"  {{ at: {ts}, kwh: {v} }},")
                pairs.append((f"{dt:%Y-%m-%dT%H:%M:%S}Z", v))
            c.user("```ts\nconst readings: Reading[] = [\n" + "\n".join(rows) + "\n];\n```\nreduce() gives me NaN for the "
                   "sum. Why? And what should the sum be?")
        c.pick(r, pairs)
        yield c


@family("readings-iot", "local",
        "Project Haystack Zinc `his` grid (`2016-03-01T14:00:00-05:00 New_York,41.2kWh`), Haystack JSON v3 (Hayson "
        "`_kind`) and v2 (`t:` / `n:` strings), `mosquitto_sub -v` topic + JSON lines, Sparkplug-style decoded "
        "metrics, Home Assistant history CSV, Modbus poll log (register, float32), OPC UA `DataValue` dumps "
        "(SourceTimestamp), BACnet trend-log buffer, DSMR P1 telegrams (cumulative registers), IEC 62056-21 load "
        "profile, LoRaWAN/wM-Bus decoded uplinks")
def fam_iot(r):
    for i in range(12):
        c = C()
        s = series(r, r.randint(7, 10), meter=r.choice(["electricity", "heat", "chilledwater"]))
        pairs = []
        if i == 0:
            off = r.choice([("-05:00", "New_York"), ("-06:00", "Chicago"), ("+01:00", "Berlin"), ("-08:00", "Los_Angeles")])
            lines = [f"ver:\"3.0\" id:@p:demo:r:2a1f8c3e-6b1f0d22 hisStart:{s[0][0]:%Y-%m-%dT%H:%M:%S}{off[0]} {off[1]} "
                     f"hisEnd:{s[-1][0]:%Y-%m-%dT%H:%M:%S}{off[0]} {off[1]}", "ts,val"]
            for dt, v in s:
                ts = f"{dt:%Y-%m-%dT%H:%M:%S}{off[0]} {off[1]}"
                lines.append(f"{ts},{v}kWh")
                pairs.append((ts, v + "kWh"))
            c.user("SkySpark hisRead result in Zinc:\n\n" + "\n".join(lines) + "\n\n" + ask(r, "en"))
        elif i == 1:
            rows = []
            for dt, v in s:
                ts = f"{dt:%Y-%m-%dT%H:%M:%S}-05:00"
                rows.append(f'    {{"ts": {{"_kind": "dateTime", "val": "{ts}", "tz": "New_York"}}, '
                            f'"val": {{"_kind": "number", "val": {v}, "unit": "kWh"}}}}')
                pairs.append((ts, v))
            c.user("Hayson from the Haystack API (" + bword(r, "en") + " elecMeter point):\n\n```json\n{\n  \"_kind\": \"grid\",\n"
                   "  \"meta\": {\"ver\": \"3.0\"},\n  \"cols\": [{\"name\": \"ts\"}, {\"name\": \"val\"}],\n  \"rows\": [\n"
                   + ",\n".join(rows) + "\n  ]\n}\n```\nHow do I flatten this in C#? And is the profile plausible?")
        elif i == 2:
            rows = []
            for dt, v in s:
                ts = f"t:{dt:%Y-%m-%dT%H:%M:%S}+01:00 Berlin"
                rows.append(f'{{"ts":"{ts}","val":"n:{v} kWh"}}')
                pairs.append((ts, f"n:{v} kWh"))
            c.user("Haystack 2.0 JSON aus dem Gebäudeleitsystem:\n\n{\"meta\":{\"ver\":\"2.0\"},\"cols\":[{\"name\":\"ts\"},{\"name\":\"val\"}],\"rows\":["
                   + ",".join(rows) + "]}\n\n" + ask(r, "de"))
        elif i == 3:
            lines = []
            for dt, v in s:
                ts = f"{dt:%Y-%m-%dT%H:%M:%SZ}"
                lines.append(f"bldg/annex/elec/main/energy {{\"ts\":\"{ts}\",\"kwh\":{v},\"q\":\"good\"}}")
                pairs.append((ts, v))
            c.user("$ mosquitto_sub -h broker.local -t 'bldg/annex/#' -v\n" + "\n".join(lines)
                   + "\n\nThe Node-RED flow sums these wrong. What should the total be?")
        elif i == 4:
            lines = []
            for k, (dt, v) in enumerate(s):
                ms = str(epoch(dt)) + "000"
                lines.append(f"spBv1.0/campus/DDATA/edge01/meter3 {{\"timestamp\":{ms},\"metrics\":[{{\"name\":\"Energy/kWh\",\"value\":{v}}}],\"seq\":{k}}}")
                pairs.append((ms, v))
            c.user("Decoded Sparkplug B payloads for one meter:\n\n" + "\n".join(lines) + "\n\n" + ask(r, "en"))
        elif i == 5:
            lines = ["entity_id,state,last_changed"]
            for dt, v in s:
                ts = f"{dt:%Y-%m-%dT%H:%M:%S}.000Z"
                lines.append(f"sensor.house_energy_hourly,{v},{ts}")
                pairs.append((ts, v))
            c.user("Home Assistant history export for " + bword(r, "nl") + ":\n\n" + "\n".join(lines) + "\n\n" + ask(r, "nl"))
        elif i == 6:
            lines = []
            for dt, v in s:
                ts = f"{dt:%Y-%m-%d %H:%M:%S}"
                lines.append(f"[{ts}] slave 1  fc03  reg 40101-40102  float32(ABCD) = {v}")
                pairs.append((ts, v))
            c.user("Modbus poll log from the energy meter in " + bword(r, "en") + " (total active energy register):\n\n"
                   + "\n".join(lines) + "\n\nAre these interval values or a counter? " + ask(r, "en"))
        elif i == 7:
            lines = []
            for dt, v in s:
                ts = f"{dt:%Y-%m-%dT%H:%M:%S}.000Z"
                lines.append(f"DataValue {{ Value: {v} (Double), StatusCode: Good, SourceTimestamp: {ts}, ServerTimestamp: {ts} }}")
                pairs.append((ts, v))
            c.user("OPC UA HistoryRead für ns=2;s=Zaehler.Wirkarbeit:\n\n" + "\n".join(lines) + "\n\n" + ask(r, "de"))
        elif i == 8:
            lines = ["Trend Log 1 (Log-Buffer):"]
            for k, (dt, v) in enumerate(s):
                ts = f"{dt.day:02d}-{MON3[dt.month - 1]}-{dt.year} {dt:%H:%M:%S}.00"
                lines.append(f"  [{k}] timestamp {ts}  log-datum real-value {v}  status-flags {{F,F,F,F}}")
                pairs.append((ts, v))
            c.user("ReadRange on the BACnet trend log of the chiller plant:\n\n" + "\n".join(lines) + "\n\n" + ask(r, "en"))
        elif i == 9:
            reg = register(r, r.randint(6, 8), dec=3, per_step=(0.3, 1.6))
            blocks = []
            for dt, v in reg:
                ts = f"{dt:%y%m%d%H%M%S}W"
                vv = v.zfill(10)
                blocks.append(f"/ISK5\\2M550T-1012\n\n1-3:0.2.8(50)\n0-0:1.0.0({ts})\n1-0:1.8.1({vv}*kWh)\n"
                              f"1-0:1.8.2({nz(float(v) * 0.7, 3).zfill(10)}*kWh)\n1-0:1.7.0({nz(r.uniform(0.2, 3.5), 3).zfill(6)}*kW)\n!{rstr(r, 4, '0123456789ABCDEF')}")
                pairs.append((ts, vv))
            c.user("Slimme meter P1-poort, telegrammen van ons kantoor (" + bword(r, "nl") + "):\n\n" + "\n\n".join(blocks)
                   + "\n\nHoeveel is er per uur verbruikt?")
        elif i == 10:
            st = s[0][0]
            lines = [f"P.01({'1' if st.month in (4, 5, 6, 7, 8, 9) else '0'}{st:%y%m%d%H%M}00)(00000000)(60)(1)(1.5)(kWh)"]
            for dt, v in s:
                vv = nz(float(v) / 100, 3)
                lines.append(f"({vv})")
                pairs.append(("", vv))
            c.user("IEC 62056-21 readout (load profile, register 1.5) from a Landis meter:\n\n" + "\n".join(lines)
                   + "\n\nThe header says 60-minute period. Can you expand this into timestamps and values?")
            c.readings = len(s)
            c.s(lines[0][5:18], "ts")
            for _, vv in r.sample(pairs, 3):
                c.s(vv, "reading")
            yield c
            continue
        else:
            lines = []
            for dt, v in s:
                ts = f"{dt:%Y-%m-%dT%H:%M:%S}Z"
                lines.append(f"{{\"received_at\":\"{ts}\",\"f_port\":2,\"decoded_payload\":{{\"total_kwh\":{v},\"battery\":3.6}}}}")
                pairs.append((ts, v))
            c.user("TTN uplinks from the pulse counter on the heat meter:\n\n" + "\n".join(lines) + "\n\n" + ask(r, "en"))
        c.pick(r, pairs)
        yield c


@family("readings-prose", "local",
        "readings written as sentences or dictated notes: English narrative, 12-hour `2 pm` / `2:00 PM` lists, "
        "German `um 14 Uhr ... 41,2 kWh`, French `à 14 h`, Spanish `a las 14:00`, Dutch `om 14.00 uur`, Italian "
        "`alle 14:00`, Polish `o 14:00`, handwritten logbook transcription, voice-to-text with noon/midnight")
def fam_prose(r):
    for i in range(10):
        c = C()
        s = series(r, r.randint(6, 9), meter=r.choice(["electricity", "heat", "gas"]))
        d0 = s[0][0]
        pairs = []
        if i == 0:
            parts = []
            for k, (dt, v) in enumerate(s):
                t = h12(dt, lower=True).replace(":00", "")
                parts.append(f"at {t} it read {v} kWh" if k == 0 else f"{v} at {t}")
                pairs.append((t, v))
            c.user(f"On {MONTHS_EN[d0.month - 1]} {d0.day}, {d0.year} I stood next to the meter in {bword(r, 'en')} and "
                   "wrote down the hourly figures: " + ", ".join(parts) + ". Does that look like a normal weekday to you?")
        elif i == 1:
            lines = []
            for dt, v in s:
                t = h12(dt)
                lines.append(f"- {t} – {v} kWh")
                pairs.append((t, v))
            c.user(f"Readings from {DAYS3[d0.weekday()]} {d0.day} {MON3[d0.month - 1]} {d0.year}:\n" + "\n".join(lines)
                   + "\n\n" + ask(r, "en"))
        elif i == 2:
            parts = []
            for dt, v in s:
                vv = comma(v)
                parts.append(f"um {dt.hour} Uhr {vv} kWh")
                pairs.append((f"um {dt.hour} Uhr", vv))
            c.user(f"Am {d0.day}. {MONTHS['de'][d0.month - 1]} {d0.year} lag der Verbrauch in {bword(r, 'de')} "
                   + ", ".join(parts[:-1]) + " und " + parts[-1] + ". Ist das für einen Werktag plausibel?")
        elif i == 3:
            parts = []
            for dt, v in s:
                vv = comma(v)
                parts.append(f"à {dt.hour} h, {vv} kWh")
                pairs.append((f"à {dt.hour} h", vv))
            c.user(f"Le {d0.day} {MONTHS['fr'][d0.month - 1]} {d0.year}, relevés dans {bword(r, 'fr')} : "
                   + " ; ".join(parts) + ". Qu'en penses-tu ?")
        elif i == 4:
            parts = []
            for dt, v in s:
                vv = comma(v)
                parts.append(f"a las {dt:%H:%M} marcó {vv} kWh")
                pairs.append((f"{dt:%H:%M}", vv))
            c.user(f"El {d0.day} de {MONTHS['es'][d0.month - 1]} de {d0.year}, en {bword(r, 'es')}, el contador "
                   + ", ".join(parts) + ". " + ask(r, "es"))
        elif i == 5:
            parts = []
            for dt, v in s:
                vv = comma(v)
                parts.append(f"om {dt.hour}.00 uur {vv} kWh")
                pairs.append((f"om {dt.hour}.00 uur", vv))
            c.user(f"Op {d0.day} {MONTHS['nl'][d0.month - 1]} {d0.year} las ik in {bword(r, 'nl')} af: "
                   + ", ".join(parts) + ". " + ask(r, "nl"))
        elif i == 6:
            parts = []
            for dt, v in s:
                vv = comma(v)
                parts.append(f"alle {dt:%H:%M} segnava {vv} kWh")
                pairs.append((f"alle {dt:%H:%M}", vv))
            c.user(f"Il {d0.day} {MONTHS['it'][d0.month - 1]} {d0.year} il contatore de {bword(r, 'it')} "
                   + ", ".join(parts) + ". " + ask(r, "it"))
        elif i == 7:
            parts = []
            for dt, v in s:
                vv = comma(v)
                parts.append(f"o {dt:%H:%M} licznik pokazał {vv} kWh")
                pairs.append((f"o {dt:%H:%M}", vv))
            c.user(f"{d0.day} {MONTHS['pl'][d0.month - 1]} {d0.year} w budynku: " + "; ".join(parts) + ". " + ask(r, "pl"))
        elif i == 8:
            lines = []
            for dt, v in s:
                t = f"{dt.hour}h"
                lines.append(f"{DAYS3[dt.weekday()]} {dt.day}/{dt.month}  {t}  {v}")
                pairs.append((f"{DAYS3[dt.weekday()]} {dt.day}/{dt.month}  {t}", v))
            c.user("Typed up from the caretaker's paper logbook (" + bword(r, "en") + ", kWh):\n\n" + "\n".join(lines)
                   + "\n\nCan you spot where he probably misread a digit?")
        else:
            parts = []
            for dt, v in s:
                if dt.hour == 12:
                    t = "noon"
                elif dt.hour == 0:
                    t = "midnight"
                else:
                    t = h12(dt, lower=True).replace(":00", "").replace(" ", "")
                parts.append(f"{t} {v}")
                pairs.append((t, v))
            c.user("(dictated) ok so meter readings for today " + f"{MONTHS_EN[d0.month - 1]} {d0.day} " + ", ".join(parts)
                   + " kilowatt hours each, that's it. can you put that in a table and tell me the average")
        c.pick(r, pairs)
        yield c


@family("readings-odd-dates", "local",
        "ISO week dates (`2016-W09-2T14:00`), ordinal dates (`2016-061T14:00`), RFC 2822 (`Tue, 01 Mar 2016 14:00:00 "
        "+0000`), ISO basic (`20160301T140000Z`), Oracle `01-MAR-16 02.00.00.000000 PM`, syslog without year, .NET "
        "`DateTime.Ticks`, ISO intervals (`2016-03-01T14:00/PT1H`), `01-Mar-16 2:00 PM`, Japanese `2016年3月1日 14時`")
def fam_odd(r):
    for i in range(10):
        c = C()
        s = series(r, r.randint(7, 10), meter=r.choice(["electricity", "chilledwater", "heat", "steam"]))
        pairs = []
        lines = []
        if i == 0:
            for dt, v in s:
                y, w, d = dt.isocalendar()
                ts = f"{y}-W{w:02d}-{d}T{dt:%H:%M}"
                lines.append(f"{ts}  {v}")
                pairs.append((ts, v))
            c.user("Our Scandinavian partner sends week-date timestamps. Can you convert and check these?\n\n" + "\n".join(lines))
        elif i == 1:
            for dt, v in s:
                ts = f"{dt.year}-{dt.timetuple().tm_yday:03d}T{dt:%H:%M}"
                lines.append(f"{ts},{v}")
                pairs.append((ts, v))
            c.user("Ordinal dates from the old data logger (" + bword(r, "en") + "):\n\nwhen,kwh\n" + "\n".join(lines)
                   + "\n\n" + ask(r, "en"))
        elif i == 2:
            for dt, v in s:
                ts = email.utils.format_datetime(dt.replace(tzinfo=dtm.timezone.utc)).replace("-0000", "+0000")
                lines.append(f"Date: {ts} | reading: {v} kWh")
                pairs.append((ts, v))
            c.user("The meter vendor e-mails one message per hour; I grepped the bodies:\n\n" + "\n".join(lines)
                   + "\n\n" + ask(r, "en"))
        elif i == 3:
            for dt, v in s:
                ts = f"{dt:%Y%m%dT%H%M%S}Z"
                lines.append(f"{ts} {v}")
                pairs.append((ts, v))
            c.user("Datalogger file in ISO basic format:\n\n" + "\n".join(lines) + "\n\n" + ask(r, "de"))
        elif i == 4:
            for dt, v in s:
                ts = f"{dt.day:02d}-{MON3[dt.month - 1].upper()}-{dt:%y} {dt.hour % 12 or 12:02d}.{dt.minute:02d}.00.000000 {'AM' if dt.hour < 12 else 'PM'}"
                lines.append(f"{ts}    {v}")
                pairs.append((ts, v))
            c.user("SQL Developer grid (READ_TS, KWH):\n\n" + "\n".join(lines) + "\n\nWhy does sorting by READ_TS put "
                   "the PM rows first? And " + ask(r, "en").lower())
        elif i == 5:
            for dt, v in s:
                ts = f"{MON3[dt.month - 1]} {dt.day:>2} {dt:%H:%M:%S}"
                lines.append(f"{ts} bms01 meterd[812]: channel=main kwh={v} quality=good")
                pairs.append((ts, v))
            c.user("From /var/log/syslog on the BMS gateway in " + bword(r, "en") + ":\n\n" + "\n".join(lines)
                   + "\n\n" + ask(r, "en"))
        elif i == 6:
            for dt, v in s:
                ts = net_ticks(dt)
                lines.append(f"{{ Ticks = {ts}, Value = {v} }}")
                pairs.append((ts, v))
            c.user("Debugger output of our .NET service (DateTime stored as ticks):\n\n" + "\n".join(lines)
                   + "\n\nConvert the ticks to readable times and tell me which hour peaked.")
        elif i == 7:
            for dt, v in s:
                ts = f"{dt:%Y-%m-%dT%H:%M}/PT1H"
                lines.append(f"{ts} {v} kWh")
                pairs.append((ts, v))
            c.user("Interval notation from the grid operator's API:\n\n" + "\n".join(lines) + "\n\n" + ask(r, "en"))
        elif i == 8:
            for dt, v in s:
                ts = f"{dt.day:02d}-{MON3[dt.month - 1]}-{dt:%y} {h12(dt)}"
                lines.append(f"{ts}\t{v}")
                pairs.append((ts, v))
            c.user("Pasted from the building's energy report (" + bword(r, "en") + "):\n\n" + "\n".join(lines)
                   + "\n\n" + ask(r, "en"))
        else:
            for dt, v in s:
                ts = f"{dt.year}年{dt.month}月{dt.day}日 {dt.hour}時"
                lines.append(f"{ts}　{v} kWh")
                pairs.append((ts, v))
            c.user("Data from our Osaka office's meter vendor, Japanese date format. Can you translate the timestamps "
                   "and find the peak?\n\n" + "\n".join(lines))
        c.pick(r, pairs)
        yield c


@family("readings-units-register", "local",
        "a unit on every value (`41.2kWh`, `41,2 kWh`, `41200 Wh`, `0.0412 MWh`), values with units inside JSON "
        "strings, cumulative register/index reads (German `Zählerstand`, gas `m³` index, utility read history with "
        "A/E read types), demand in `kW` and reactive `kvarh` with units")
def fam_units(r):
    for i in range(9):
        c = C()
        pairs = []
        lines = []
        if i == 0:
            s = series(r, r.randint(7, 10))
            for dt, v in s:
                t = f"{dt:%H:%M}"
                lines.append(f"{t} {v}kWh")
                pairs.append((t, f"{v}kWh"))
            c.user(f"{s[0][0]:%Y-%m-%d}, " + bword(r, "en") + ": " + " | ".join(lines) + "\n" + ask(r, "en"))
        elif i == 1:
            s = series(r, r.randint(7, 10))
            for dt, v in s:
                ts = f"{dt:%d.%m.%Y %H:%M}"
                wh = str(int(round(float(v) * 1000)))
                lines.append(f"{ts}: {wh} Wh")
                pairs.append((ts, f"{wh} Wh"))
            c.user("Messwerte in Wh (" + bword(r, "de") + "):\n" + "\n".join(lines) + "\n\nBitte in kWh umrechnen und Spitze nennen.")
        elif i == 2:
            s = series(r, r.randint(7, 9), scale=12)
            for dt, v in s:
                ts = f"{dt:%Y-%m-%d %H:%M}"
                mwh = nz(float(v) / 1000, 4)
                lines.append(f"{ts}  {mwh} MWh")
                pairs.append((ts, f"{mwh} MWh"))
            c.user("The district heating supplier reports in MWh per hour:\n\n" + "\n".join(lines) + "\n\n" + ask(r, "en"))
        elif i == 3:
            s = series(r, r.randint(7, 9))
            items = []
            for dt, v in s:
                ts = f"{dt:%Y-%m-%dT%H:%M}"
                items.append(f'{{"time": "{ts}", "energy": "{v} kWh", "demand": "{nz(float(v) * 1.04, 1)} kW"}}')
                pairs.append((ts, f"{v} kWh"))
            c.user("The API returns values as strings with units, which breaks our parser:\n\n[\n  " + ",\n  ".join(items)
                   + "\n]\n\nHow should I parse this robustly? And " + ask(r, "en").lower())
        elif i == 4:
            reg = register(r, r.randint(7, 9), minutes=1440, dec=1, per_step=(250.0, 900.0))
            for dt, v in reg:
                ts = f"{dt:%d.%m.%Y}"
                vv = thou(v, ".", ",")
                lines.append(f"{ts}  Zählerstand {vv} kWh")
                pairs.append((ts, vv))
            c.user("Tägliche Zählerstände (" + bword(r, "de") + "), jeweils um 07:00 abgelesen:\n\n" + "\n".join(lines)
                   + "\n\nWie hoch war der Tagesverbrauch jeweils? Der Hausmeister meint, am Wochenende lief die Lüftung durch.")
        elif i == 5:
            reg = register(r, r.randint(7, 9), minutes=1440, dec=3, per_step=(40.0, 160.0))
            for dt, v in reg:
                ts = f"{dt:%d/%m/%Y}"
                vv = comma(v)
                lines.append(f"{ts} — index {vv} m³")
                pairs.append((ts, vv))
            c.user("Relevés du compteur gaz (" + bword(r, "fr") + ") :\n\n" + "\n".join(lines)
                   + "\n\nPeux-tu calculer la consommation journalière et la convertir en kWh (PCS 11,2) ?")
        elif i == 6:
            reg = register(r, r.randint(8, 12), minutes=1440 * 30, dec=0, per_step=(2000.0, 6000.0))
            lines = ["Read Date,Read Type,Register (kWh)"]
            for dt, v in reg:
                ts = f"{dt:%m/%d/%Y}"
                rt = r.choice(["A", "A", "A", "E"])
                vv = thou(v)
                lines.append(f"{ts},{rt},{vv}")
                pairs.append((ts, vv))
            c.user("Meter read history from the utility portal for " + bword(r, "en") + " (A = actual, E = estimated):\n\n"
                   + "\n".join(lines) + "\n\nWhich estimated reads look too high compared with the actuals?")
        elif i == 7:
            s = series(r, r.randint(7, 9), scale=1.3)
            for dt, v in s:
                ts = f"{dt:%Y-%m-%d %H:%M}"
                lines.append(f"{ts}  P = {v} kW  Q = {nz(float(v) * r.uniform(0.2, 0.45), 1)} kvar")
                pairs.append((ts, f"{v} kW"))
            c.user("Demand log from the power analyser (15-minute maximum per hour):\n\n" + "\n".join(lines)
                   + "\n\nWhat's the power factor trend, and do we need compensation?")
        else:
            reg = register(r, r.randint(7, 9), minutes=60, dec=2, per_step=(1.0, 6.0))
            for dt, v in reg:
                ts = f"{dt:%Y-%m-%d %H:%M}"
                lines.append(f"{ts}  {v} kvarh")
                pairs.append((ts, f"{v} kvarh"))
            c.user("Reactive energy register (cumulative) of the main incomer in " + bword(r, "en") + ":\n\n"
                   + "\n".join(lines) + "\n\nHourly reactive consumption please.")
        c.pick(r, pairs)
        yield c


@family("readings-transposed", "local",
        "timestamps as columns: day x hour matrix CSV (`date,00:00,...,23:00`), UK half-hourly `HH01..HH48` rows, "
        "two-row markdown table with times across, tab-separated header row of timestamps, pandas pivot (`hour` "
        "columns), JSON object day -> 24 values, German `Tag;00-01;01-02;...` with decimal commas, weekday x hour grid")
def fam_transposed(r):
    for i in range(9):
        c = C()
        pairs = []
        if i in (0, 6, 8):
            ndays = r.randint(2, 3)
            st = start_dt(r, 1440)
            s = series(r, 24 * ndays, start=st)
            if i == 0:
                lines = ["date," + ",".join(f"{h:02d}:00" for h in range(24))]
                for d in range(ndays):
                    day = s[d * 24:(d + 1) * 24]
                    ds = f"{day[0][0]:%Y-%m-%d}"
                    lines.append(ds + "," + ",".join(v for _, v in day))
                    pairs += [(ds, v) for _, v in day]
                c.user("Utility interval export, one row per day (" + bword(r, "en") + "):\n\n" + "\n".join(lines) + "\n\n" + ask(r, "en"))
            elif i == 6:
                lines = ["Tag;" + ";".join(f"{h:02d}-{h + 1:02d}" for h in range(24))]
                for d in range(ndays):
                    day = s[d * 24:(d + 1) * 24]
                    ds = f"{day[0][0]:%d.%m.%Y}"
                    lines.append(ds + ";" + ";".join(comma(v) for _, v in day))
                    pairs += [(ds, comma(v)) for _, v in day]
                c.user("Lastgang " + bword(r, "de") + ", Stundenwerte je Tag:\n\n" + "\n".join(lines) + "\n\n" + ask(r, "de"))
            else:
                lines = ["      " + " ".join(f"{h:>5}" for h in range(24))]
                for d in range(ndays):
                    day = s[d * 24:(d + 1) * 24]
                    lines.append(f"{DAYS3[day[0][0].weekday()]} {day[0][0].day:02d}" + " ".join(f"{v:>5}" for _, v in day))
                    pairs += [("", v) for _, v in day]
                c.user(f"Heat map numbers for week {s[0][0].isocalendar()[1]} of {s[0][0].year} (rows weekday+date, "
                       "columns hour), " + bword(r, "en") + ":\n\n" + "\n".join(lines) + "\n\nWhere is the night base load too high?")
                c.s(f"{DAYS3[s[0][0].weekday()]} {s[0][0].day:02d}", "ts")
            c.readings = len(pairs)
            c.s(pairs[0][0], "ts") if pairs[0][0] else None
            for _, v in r.sample(pairs, 3):
                c.s(v, "reading")
            yield c
            continue
        if i == 1:
            st = start_dt(r, 1440)
            s = series(r, 48, minutes=30, start=st, dec=2)
            ds = f"{st:%d/%m/%Y}"
            head = "Date," + ",".join(f"HH{k:02d}" for k in range(1, 49))
            row = ds + "," + ",".join(v for _, v in s)
            c.user("Half-hourly data from our UK supplier (one day, " + bword(r, "en") + "):\n\n" + head + "\n" + row
                   + "\n\nWhich half-hour was the maximum and what time is that?")
            c.readings = 48
            c.s(ds, "ts")
            for _, v in r.sample(s, 3):
                c.s(v, "reading")
            yield c
            continue
        s = series(r, r.randint(7, 10))
        if i == 2:
            tss = [f"{dt:%H:%M}" for dt, _ in s]
            c.user(f"{s[0][0]:%d %B %Y}".replace(f"{s[0][0]:%B}", MONTHS_EN[s[0][0].month - 1]) + ", " + bword(r, "en") + ":\n\n| Time | "
                   + " | ".join(tss) + " |\n|---|" + "---|" * len(tss) + "\n| kWh | " + " | ".join(v for _, v in s)
                   + " |\n\n" + ask(r, "en"))
            pairs = list(zip(tss, [v for _, v in s]))
        elif i == 3:
            tss = [f"{dt:%Y-%m-%d %H:%M}" for dt, _ in s]
            c.user("Row from the BMS export (timestamps across):\n\n" + "\t".join(["point"] + tss) + "\n"
                   + "\t".join(["Main.kWh"] + [v for _, v in s]) + "\n\n" + ask(r, "en"))
            pairs = list(zip(tss, [v for _, v in s]))
        elif i == 4:
            st = start_dt(r, 1440).replace(hour=0)
            s = series(r, 24 * 2, start=st)
            hrs = list(range(6, 18))
            lines = ["hour        " + "".join(f"{h:>7}" for h in hrs), "date"]
            for d in range(2):
                day = s[d * 24:(d + 1) * 24]
                ds = f"{day[0][0]:%Y-%m-%d}"
                lines.append(ds + "  " + "".join(f"{day[h][1]:>7}" for h in hrs))
                pairs += [(ds, day[h][1]) for h in hrs]
            c.user("df.pivot_table(index='date', columns='hour', values='kwh') for " + bword(r, "es") + ":\n\n"
                   + "\n".join(lines) + "\n\n" + ask(r, "es"))
        elif i == 5:
            st = start_dt(r, 1440).replace(hour=0)
            s = series(r, 48, start=st)
            obj = {}
            for d in range(2):
                day = s[d * 24:(d + 1) * 24]
                obj[f"{day[0][0]:%Y-%m-%d}"] = [float(v) for _, v in day]
                pairs += [(f"{day[0][0]:%Y-%m-%d}", v) for _, v in day]
            c.user("Kun je dit omzetten naar een lange tabel met tijdstempels? Het is het verbruik van " + bword(r, "nl")
                   + " per uur:\n\n" + json.dumps(obj, ensure_ascii=False))
        else:
            s2 = series(r, 8)
            tss = [f"{dt:%H:%M}" for dt, _ in s2]
            c.user("Riepilogo orario del " + f"{s2[0][0]:%d/%m/%Y}" + " (" + bword(r, "it") + "):\n\nOra    " + "  ".join(tss)
                   + "\nkWh    " + "  ".join(comma(v) for _, v in s2) + "\n\n" + ask(r, "it"))
            pairs = list(zip(tss, [comma(v) for _, v in s2]))
        c.pick(r, pairs)
        yield c


@family("readings-agentic", "local",
        "readings in an earlier assistant turn (the assistant echoed a table), in `instructions`, in a `system` "
        "message, in `run_python` tool-call code, in a `sql_query` dictionary result (`columns`/`rows`), a `read_file` "
        "string result (gnuplot data file), `create_chart` arguments, an Azure Data Explorer (Kusto) v1 JSON result, a "
        "`forecast_load` call with `start` + `interval` + `values`, a two-turn chat where the data is in the first turn")
def fam_agentic(r):
    for i in range(10):
        c = C()
        s = series(r, r.randint(7, 10), meter=r.choice(["electricity", "heat", "chilledwater"]))
        pairs = []
        if i == 0:
            lines = ["| Time | kWh |", "|---|---|"]
            for dt, v in s:
                ts = f"{dt:%Y-%m-%d %H:%M}"
                lines.append(f"| {ts} | {v} |")
                pairs.append((ts, v))
            c.user("Can you tidy the numbers I read out earlier into a table?")
            c.asst("Sure, here they are:\n\n" + "\n".join(lines) + "\n\nLet me know if you want daily totals.")
            c.user("Yes, and which hour was the highest?")
        elif i == 1:
            lines = []
            for dt, v in s:
                ts = f"{dt:%Y-%m-%dT%H:%M}"
                lines.append(f"{ts};{v}")
                pairs.append((ts, v))
            c.instructions = ("You are the energy assistant for " + bword(r, "en") + ". Context data (hourly kWh, "
                              "timestamp;value):\n" + "\n".join(lines) + "\nAnswer briefly.")
            c.user("Was yesterday afternoon unusual?")
        elif i == 2:
            lines = []
            for dt, v in s:
                ts = f"{dt:%d.%m.%Y %H:%M}"
                vv = comma(v)
                lines.append(f"{ts}  {vv}")
                pairs.append((ts, vv))
            c.system("Kontext: Stundenwerte Wärmezähler " + bword(r, "de") + "\n" + "\n".join(lines))
            c.user("Gab es heute Nacht einen Ausreißer?")
        elif i == 3:
            rows = []
            for dt, v in s:
                ts = f"{dt:%Y-%m-%d %H:%M}"
                rows.append(f"('{ts}', {v})")
                pairs.append((ts, v))
            code = "import pandas as pd\nrows = [" + ", ".join(rows) + "]\ndf = pd.DataFrame(rows, columns=['ts', 'kwh'])\nprint(df.kwh.describe())"
            cid = call_id(r)
            c.tool("run_python", "Runs Python code in a sandbox and returns stdout.", {"code": "string"})
            c.user("Describe the distribution of today's readings from the main meter.")
            c.call(cid, "run_python", {"code": code})
            c.result(cid, "string", "count    " + str(len(s)) + "\nmean     " + nz(sum(float(v) for _, v in s) / len(s), 3) + "\n")
            c.user("Thanks. Is the max an outlier?")
            # values in the code are inside JSON; make sure they're plain ASCII (they are)
        elif i == 4:
            cid = call_id(r)
            rows = []
            for dt, v in s:
                ts = f"{dt:%Y-%m-%dT%H:%M:%S}"
                rows.append([ts, float(v)])
                pairs.append((ts, v))
            c.tool("sql_query", "Runs a read-only SQL query against the metering database.", {"sql": "string"})
            c.user("Show me the last readings of the main meter in " + bword(r, "en") + ".")
            c.call(cid, "sql_query", {"sql": "SELECT ts, kwh FROM readings WHERE channel = 'main' ORDER BY ts DESC LIMIT 10"})
            c.result(cid, "dictionary", {"columns": ["ts", "kwh"], "rows": rows})
        elif i == 5:
            cid = call_id(r)
            lines = ["# chiller plant, kWh per hour", "# time  value"]
            for dt, v in s:
                ts = f"{dt:%Y-%m-%d_%H:%M}"
                lines.append(f"{ts}  {v}")
                pairs.append((ts, v))
            c.tool("read_file", "Reads a text file from the project folder.", {"path": "string"})
            c.user("Open data/chiller.dat and plot it with gnuplot.")
            c.call(cid, "read_file", {"path": "data/chiller.dat"})
            c.result(cid, "string", "\n".join(lines) + "\n")
        elif i == 6:
            cid = call_id(r)
            xs, ys = [], []
            for dt, v in s:
                ts = f"{dt:%Y-%m-%dT%H:%M:%SZ}"
                xs.append(ts)
                ys.append(float(v))
                pairs.append((ts, v))
            c.tool("create_chart", "Creates a line chart.", {"title": "string", "x": "array", "y": "array"})
            c.user("Chart the hourly heat for " + bword(r, "en") + " please.")
            c.call(cid, "create_chart", {"title": "Hourly heat", "x": xs, "y": ys})
            c.result(cid, "json", {"chartId": "ch_" + rstr(r, 8, LOWER + DIGITS), "status": "created"})
            c.user("Looks spiky. Why?")
        elif i == 7:
            cid = call_id(r)
            rows = []
            for dt, v in s:
                ts = f"{dt:%Y-%m-%dT%H:%M:%SZ}"
                rows.append([ts, float(v)])
                pairs.append((ts, v))
            c.tool("kusto_query", "Runs a KQL query on the telemetry cluster.", {"query": "string"})
            c.user("Pull the last hours of the main meter from ADX.")
            c.call(cid, "kusto_query", {"query": "Readings | where Channel == 'main' | project Timestamp, Kwh | take 10"})
            c.result(cid, "json", {"Tables": [{"TableName": "Table_0", "Columns": [
                {"ColumnName": "Timestamp", "DataType": "DateTime"}, {"ColumnName": "Kwh", "DataType": "Double"}],
                "Rows": rows}]})
            c.user(ask(r, "en"))
        elif i == 8:
            cid = call_id(r)
            st = f"{s[0][0]:%Y-%m-%dT%H:%M:%SZ}"
            vals = [float(v) for _, v in s]
            c.tool("forecast_load", "Forecasts the next 24 hours from a regular series.",
                   {"history": "object", "horizonHours": "integer"})
            c.user("Forecast tomorrow from these hours.")
            c.call(cid, "forecast_load", {"history": {"start": st, "interval": "PT1H", "values": vals}, "horizonHours": 24})
            c.result(cid, "json", {"status": "queued"})
            c.readings = len(s)
            c.s(st, "ts")
            for v in r.sample([v for _, v in s], 3):
                c.s(v, "reading")
            yield c
            continue
        else:
            lines = []
            for dt, v in s:
                ts = f"{dt:%H:%M}"
                lines.append(f"{ts} {comma(v)}")
                pairs.append((ts, comma(v)))
            c.user(f"Odczyty z {s[0][0]:%d.%m.%Y} (" + bword(r, "pl") + "):\n" + "\n".join(lines))
            c.asst("Dziękuję. Widzę wzrost po południu. Czy chcesz, żebym policzył sumę?")
            c.user("Tak, i średnią proszę.")
        c.pick(r, pairs)
        yield c

# =====================================================================================================================
# CONTACTS (expect: masked)
# =====================================================================================================================
NAMES_BY_CC = {
    "PL": ["Marta Kowalska", "Tomasz Nowak", "Ewa Zielińska"], "IT": ["Chiara Bianchi", "Valentina Rossi"],
    "SE": ["Lars Eriksson", "Björn Lindqvist"], "JP": ["Kenji Watanabe", "Aiko Tanaka", "Yuki Morimoto"],
    "BR": ["Isabela Costa", "Ana Lúcia Ferreira"], "MX": ["Carlos Mendoza", "Catalina Herrera", "Diego Ramírez"],
    "ZA": ["Thandiwe Dlamini", "Kwame Mensah"], "CA": ["Pierre-Luc Gagnon", "Niamh Gallagher"],
    "DE": ["Jürgen Hoffmann", "Magdalena Horváth"], "CH": ["Astrid van den Berg", "Ingrid Solberg"],
    "SG": ["Chen Mei-Ling", "Wei Zhang"], "US": ["Jamal Washington", "Rebecca Goldberg"],
    "DK": ["Henrik Nielsen"], "NO": ["Ingrid Solberg"], "PT": ["Ana Lúcia Ferreira"], "NL": ["Anneke de Vries"],
    "FR": ["Camille Dubois"], "ES": ["Lucía Martín", "Mateo Fernández"], "FI": ["Lars Eriksson"],
    "CZ": ["Magdalena Horváth"], "LU": ["Camille Dubois"], "HU": ["Magdalena Horváth"], "RO": ["Olga Ivanova"],
    "GR": ["Sofia Papadopoulou"], "HR": ["Dmitri Volkov"], "AU": ["Hemi Walker", "Freya Anderson"],
}
DOMAIN_BY_CC = {"PL": "zaklad-energetyczny-wisla.pl", "IT": "energia-lombarda-servizi.it", "SE": "nordvarme-fastigheter.se",
                "JP": "sakura-building-systems.co.jp", "BR": "cidadeverde-energia.com.br", "MX": "grupo-sierra-mantenimiento.com.mx",
                "ZA": "capetown-propertycare.co.za", "CA": "harbourview-estates.ca", "DE": "stadtwerke-lindenau.de",
                "CH": "alpenblick-immobilien.ch", "SG": "lionsgate-facilities.com.sg", "US": "tidewater-campus.solutions",
                "AU": "southern-cross-fm.com.au"}


def ph(cc, n, style="intl"):
    code = CC[cc]
    if cc == "IT":
        if n[0] == "3":
            g = grp(n, [3, 3, 4])
        else:
            a = 2 if n[:2] in ("02", "06") else 3
            g = grp(n, [a, 4, 4] if a == 2 else [a, 3, 4])
        nat, intl = g, f"+39 {g}"
    elif cc == "PL":
        mob = n[:2] in ("50", "51", "53", "57", "60", "66", "69", "72", "73", "78", "79", "88")
        g = grp(n, [3, 3, 3]) if mob else grp(n, [2, 3, 2, 2])
        nat, intl = g, f"+48 {g}"
    elif cc == "SE":
        if n[0] == "7":
            rest = grp(n[2:], [3, 2, 2])
            nat, intl = f"0{n[:2]}-{rest}", f"+46 {n[:2]} {rest}"
        else:
            rest = grp(n[1:], [3, 3, 2])
            nat, intl = f"0{n[0]}-{rest}", f"+46 {n[0]} {rest}"
    elif cc == "CH":
        rest = grp(n[2:], [3, 2, 2])
        nat, intl = f"0{n[:2]} {rest}", f"+41 {n[:2]} {rest}"
    elif cc == "JP":
        if n[0] in "789":
            nat, intl = f"0{n[:2]}-{n[2:6]}-{n[6:]}", f"+81 {n[:2]}-{n[2:6]}-{n[6:]}"
        else:
            nat, intl = f"0{n[0]}-{n[1:5]}-{n[5:]}", f"+81 {n[0]}-{n[1:5]}-{n[5:]}"
    elif cc == "BR":
        sub = n[2:]
        g = f"{sub[:-4]}-{sub[-4:]}"
        nat, intl = f"({n[:2]}) {g}", f"+55 {n[:2]} {g}"
    elif cc == "MX":
        g = grp(n, [2, 4, 4])
        nat, intl = g, f"+52 {g}"
    elif cc == "ZA":
        g = grp(n, [2, 3, 4])
        nat, intl = "0" + g, f"+27 {g}"
    elif cc == "SG":
        g = grp(n, [4, 4])
        nat, intl = g, f"+65 {g}"
    elif cc in ("CA", "US"):
        nat, intl = f"({n[:3]}) {n[3:6]}-{n[6:]}", f"+1 {n[:3]}-{n[3:6]}-{n[6:]}"
        if style == "dots":
            return f"{n[:3]}.{n[3:6]}.{n[6:]}"
    else:
        raise KeyError(cc)
    if style == "nat":
        return nat
    if style == "e164":
        return "+" + code + n
    if style == "e164np":
        return code + n
    if style == "00":
        return "00" + code + " " + intl.split(" ", 1)[1]
    if style == "dots":
        return ".".join(re.split(r"[\s\-]", nat.replace("(", "").replace(")", "")))
    return intl


def person(r, cc, name=None):
    name = name or r.choice(NAMES_BY_CC[cc])
    dom = DOMAIN_BY_CC.get(cc) or r.choice(DOMAINS)
    return {"name": name, "email": email_for(r, name, dom, r.randrange(4)), "cc": cc,
            "mobile": nsn(r, cc, True), "office": nsn(r, cc, False)}


@family("contact-vcard-ical", "masked",
        "vCard 3.0 (`TEL;TYPE=CELL:`, `EMAIL;TYPE=INTERNET`), vCard 4.0 `tel:` URIs, iCalendar `ORGANIZER;CN=...:mailto:` "
        "and `ATTENDEE` lines, LDIF entries (`mail:`, `telephoneNumber:`, `mobile:`), Google Contacts CSV, MECARD from "
        "a QR code, jCard JSON, iCalendar `CONTACT:` property, Outlook contact-card paste")
def fam_vcard(r):
    ccs = ["PL", "CH", "SE", "SE", "IT", "JP", "BR", "ZA", "CA"]
    for i in range(9):
        c = C()
        cc = ccs[i]
        p = person(r, cc)
        name = c.s(p["name"], "name")
        if i == 0:
            last, first = name.split(" ")[-1], " ".join(name.split(" ")[:-1])
            office = c.s(ph(cc, p["office"]), "phone")
            mob = c.s(ph(cc, p["mobile"]), "phone")
            em = c.s(p["email"], "email")
            c.user("Zaimportuj tę wizytówkę do naszego CRM jako JSON:\n\nBEGIN:VCARD\nVERSION:3.0\n"
                   f"N:{last};{first};;;\nFN:{name}\nORG:Zakład Energetyczny Wisła;Dział Utrzymania Ruchu\n"
                   f"TITLE:Kierownik ds. energii\nTEL;TYPE=WORK,VOICE:{office}\nTEL;TYPE=CELL:{mob}\n"
                   f"EMAIL;TYPE=INTERNET,WORK:{em}\nEND:VCARD")
        elif i == 1:
            mob = c.s(ph(cc, p["mobile"]).replace(" ", "-"), "phone")
            em = c.s(p["email"], "email")
            c.user("Why does iOS refuse this vCard 4.0?\n\nBEGIN:VCARD\nVERSION:4.0\n"
                   f"FN:{name}\nTEL;VALUE=uri;TYPE=\"voice,cell\";PREF=1:tel:{mob}\nEMAIL;TYPE=work:{em}\n"
                   "ORG:Alpenblick Immobilien AG\nEND:VCARD")
        elif i == 2:
            others = [person(r, "SE"), person(r, "DE")]
            em = c.s(p["email"], "email")
            lines = ["BEGIN:VCALENDAR", "PRODID:-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN", "VERSION:2.0",
                     "METHOD:REQUEST", "BEGIN:VEVENT", f"ORGANIZER;CN={name}:mailto:{em}"]
            for o in others:
                if o["name"] == name:
                    continue
                c.s(o["name"], "name")
                c.s(o["email"], "email")
                lines.append(f"ATTENDEE;CN={o['name']};ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:{o['email']}")
            lines += ["DTSTART;TZID=W. Europe Standard Time:20240312T090000", "DTEND;TZID=W. Europe Standard Time:20240312T100000",
                      "SUMMARY:Heat pump commissioning review", "END:VEVENT", "END:VCALENDAR"]
            c.user("Outlook shows this invite one hour off for the Swedish attendees. What's wrong with the TZID?\n\n"
                   + "\n".join(lines))
        elif i == 3:
            first = name.split(" ")[0]
            last = name.split(" ")[-1]
            tel = c.s(ph(cc, p["office"]), "phone")
            mob = c.s(ph(cc, p["mobile"]), "phone")
            em = c.s(p["email"], "email")
            c.user("ldapadd fails with 'invalid per syntax' on this entry:\n\n"
                   f"dn: cn={name},ou=Fastighetsdrift,dc=nordvarme,dc=se\nobjectClass: inetOrgPerson\ncn: {name}\n"
                   f"givenName: {first}\nsn: {last}\nmail: {em}\ntelephoneNumber: {tel}\nmobile: {mob}\n"
                   "title: Driftingenjör\n")
        elif i == 4:
            rows = ["Name,Given Name,Family Name,E-mail 1 - Type,E-mail 1 - Value,Phone 1 - Type,Phone 1 - Value"]
            for q in [p, person(r, "IT")]:
                if q["name"] != name:
                    c.s(q["name"], "name")
                em = c.s(q["email"], "email")
                mob = c.s(ph("IT", q["mobile"]), "phone")
                parts = q["name"].split(" ")
                rows.append(f"{q['name']},{parts[0]},{parts[-1]},* Work,{em},Mobile,{mob}")
            c.user("Esportazione da Google Contatti, la devo caricare nel sistema di ticketing. Quali colonne servono?\n\n"
                   + "\n".join(rows))
        elif i == 5:
            parts = name.split(" ")
            tel = c.s(ph(cc, p["mobile"], "e164"), "phone")
            em = c.s(p["email"], "email")
            c.user(f"I scanned the QR code on {name}'s business card and got this string. Can you turn it into a "
                   f"normal contact entry?\n\nMECARD:N:{parts[-1]},{parts[0]};TEL:{tel};EMAIL:{em};"
                   "ADR:;;;Osaka;;;Japan;;")
        elif i == 6:
            mob = c.s(ph(cc, p["mobile"]).replace(" ", "-"), "phone")
            em = c.s(p["email"], "email")
            jc = ["vcard", [["version", {}, "text", "4.0"], ["fn", {}, "text", name],
                            ["tel", {"type": ["cell"]}, "uri", "tel:" + mob], ["email", {}, "text", em],
                            ["org", {}, "text", "Cidade Verde Energia"]]]
            c.user("O nosso sistema devolve contactos em jCard. Como converto isto para vCard 3.0?\n\n"
                   + json.dumps(jc, ensure_ascii=False))
        elif i == 7:
            mob = c.s(ph(cc, p["mobile"]), "phone")
            c.user("Calendar item from the contractor, can you summarise who to call on site?\n\nBEGIN:VEVENT\n"
                   "SUMMARY:Chiller annual service\nDTSTART:20240415T070000Z\nDTEND:20240415T150000Z\n"
                   f"CONTACT:{name}\\, site supervisor\\, {mob}\nLOCATION:Plant room B2\nEND:VEVENT")
        else:
            tel = c.s(ph(cc, p["office"]), "phone")
            mob = c.s(ph(cc, p["mobile"], "dots"), "phone")
            em = c.s(p["email"], "email")
            c.user("Copied from the Outlook contact card. Please write a short intro e-mail to this person about the "
                   "retro-commissioning project.\n\n"
                   f"{name}\nProperty Manager\nHarbourview Estates\nBusiness  {tel}\nMobile  {mob}\nE-mail  {em}")
        yield c


@family("contact-email-headers", "masked",
        "raw e-mail headers (`From:`/`To:`/`Cc:`/`Reply-To:` with display names), JSON application log lines, Postfix "
        "`to=<...>` log lines, Exchange message-trace CSV, git `Co-authored-by:`/`Signed-off-by:` trailers, "
        "`[at]`/`(at)` obfuscated addresses, `mailto:` with `cc`/`subject` query, forwarding-rule table with "
        "subdomains and long TLDs, NDR bounce text, `/etc/aliases`")
def fam_headers(r):
    for i in range(10):
        c = C()
        if i == 0:
            a, b, d = person(r, "DE"), person(r, "CH"), person(r, "SE")
            for q in (a, b, d):
                c.s(q["name"], "name")
                c.s(q["email"], "email")
            rt = c.s(f"billing-update@{rstr(r, 6, LOWER)}-invoices.support", "email")
            c.user("We got this mail, finance wants to know whether it's phishing. Headers:\n\n"
                   f"From: \"{a['name']}\" <{a['email']}>\nTo: \"{b['name']}\" <{b['email']}>\n"
                   f"Cc: {d['name']} <{d['email']}>\nReply-To: <{rt}>\nSubject: Geänderte Bankverbindung für Wartungsvertrag\n"
                   "Date: Tue, 12 Mar 2024 08:14:55 +0100\nMessage-ID: <" + rstr(r, 16, HEX) + "@mx01.mailgateway.net>\n"
                   "X-Mailer: Microsoft Outlook 16.0")
        elif i == 1:
            lines = []
            for k in range(3):
                q = person(r, r.choice(["US", "CA", "AU"]))
                em = c.s(q["email"].upper() if k == 1 else q["email"], "email")
                lines.append(json.dumps({"ts": f"2024-02-0{k + 3}T06:1{k}:02.113Z", "level": "error",
                                         "event": "smtp_send_failed", "to": em, "code": 550,
                                         "reason": "mailbox unavailable"}))
            c.user("Our alert mailer keeps failing for these recipients. Logs:\n\n" + "\n".join(lines)
                   + "\n\nIs it our relay or their server?")
        elif i == 2:
            a, b = person(r, "IT"), person(r, "PL")
            ea = c.s(a["email"], "email")
            eb = c.s(b["email"], "email")
            qid = rstr(r, 10, "0123456789ABCDEF")
            c.user("Estratto da /var/log/mail.log:\n\n"
                   f"Mar 12 07:01:13 mx1 postfix/qmgr[1187]: {qid}: from=<{ea}>, size=48211, nrcpt=1 (queue active)\n"
                   f"Mar 12 07:01:14 mx1 postfix/smtp[2231]: {qid}: to=<{eb}>, relay=mx.{eb.split('@')[1]}[10.40.2.8]:25, "
                   "delay=1.2, status=bounced (host said: 550 5.7.1 Message rejected as spam)\n\nPerché viene rifiutata?")
        elif i == 3:
            rows = ["\"Received\",\"SenderAddress\",\"RecipientAddress\",\"Subject\",\"Status\""]
            for k in range(3):
                a, b = person(r, r.choice(["CA", "US"])), person(r, r.choice(["ZA", "SG"]))
                ea = c.s(a["email"], "email")
                eb = c.s(b["email"], "email")
                rows.append(f"\"2024-03-0{k + 4} 10:2{k}:11\",\"{ea}\",\"{eb}\",\"Monthly energy report\",\"{r.choice(['Delivered', 'Failed', 'Quarantined'])}\"")
            c.user("Message trace export from Exchange Online. Why were some quarantined?\n\n" + "\n".join(rows))
        elif i == 4:
            lines = []
            for tag in ["Co-authored-by", "Signed-off-by", "Reviewed-by"]:
                q = person(r, r.choice(["DE", "SE", "CA", "JP"]))
                nm = c.s(q["name"], "name")
                em = c.s(q["email"], "email")
                lines.append(f"{tag}: {nm} <{em}>")
            c.user("Can you squash-merge message this nicely? Original commit body:\n\nfix(baseline): handle DST gap in "
                   "hourly resample\n\n" + "\n".join(lines))
        elif i == 5:
            a, b = person(r, "DE"), person(r, "CH")
            lp_a, dom_a = a["email"].split("@")
            obf1 = c.s(f"{lp_a} [at] {dom_a.replace('.', ' [dot] ')}", "email-obf")
            lp_b, dom_b = b["email"].split("@")
            obf2 = c.s(f"{lp_b}(at){dom_b}", "email-obf")
            c.user("Auf der Kontaktseite des Installateurs steht: Ansprechpartner Technik " + obf1
                   + ", Vertrieb " + obf2 + ". Schreib mir bitte eine kurze Anfrage für ein Angebot zur Zählerfernauslesung.")
        elif i == 6:
            a, b = person(r, "CA"), person(r, "CA")
            ea = c.s(a["email"], "email")
            eb = c.s(b["email"], "email")
            c.user("The 'Report a fault' button on our page uses this link, but Gmail drops the CC. Why?\n\n"
                   f"<a href=\"mailto:{ea}?cc={eb}&amp;subject=Fault%20report%20-%20AHU\">Report a fault</a>")
        elif i == 7:
            rows = ["| rule | forward to |", "|---|---|"]
            subs = ["ops.eu", "alerts.noc", "fm.north", "mail.tenants"]
            for k, (dom, sub) in enumerate(zip(["meridian-hvac.engineering", "bluegrid.energy",
                                                 "northstar-portfolio.management", "atlas-buildings.international"], subs)):
                q = person(r, r.choice(["US", "AU", "ZA", "SG"]))
                em = c.s(email_for(r, q["name"], dom, k % 4, sub), "email")
                rows.append(f"| {['BMS critical', 'Meter offline', 'Tenant complaint', 'Invoice query'][k]} | {em} |")
            c.user("Our mail-routing rules. Do the long TLDs cause problems with the old Exchange transport rules?\n\n"
                   + "\n".join(rows))
        elif i == 8:
            a = person(r, "ZA")
            ea = c.s(a["email"], "email")
            c.user("Got this bounce when sending the tender documents:\n\nDelivery has failed to these recipients or groups:\n\n"
                   f"{ea}\nThe e-mail address you entered couldn't be found.\n\nDiagnostic information for administrators:\n"
                   f"Remote server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient {ea} not found by SMTP address lookup'\n\n"
                   "What should I check?")
        else:
            lines = ["# /etc/aliases on the BMS mail relay", "postmaster: root"]
            for al in ["facilities", "energy-alerts", "nightshift"]:
                qs = [person(r, r.choice(["US", "CA", "AU", "SG"])) for _ in range(2)]
                ems = [c.s(q["email"], "email") for q in qs]
                lines.append(f"{al}: {', '.join(ems)}")
            c.user("\n".join(lines) + "\n\nAfter editing I ran newaliases but mail to energy-alerts still goes nowhere. Ideas?")
        yield c


@family("contact-phone-intl", "masked",
        "Italy (`Tel.`/`Cell.` signature), Poland (`tel. kom.`, `wew.` extension), Sweden (`Mobil:`/`Växel:`), "
        "Switzerland (`T`/`M` and dotted `079.123.45.67`), Japan (`03-1234-5678`, `090-`), Brazil (`wa.me/55...` and "
        "`(11) 91234-5678`), Mexico (`ext.`), South Africa (`+27 (0)21`), Singapore (`HP:`/`DID:`), Canada (dots and "
        "`x204`), German `Durchwahl` with slashes, E.164 without plus in a CRM export and `tel:` links")
def fam_phone(r):
    for i in range(12):
        c = C()
        if i == 0:
            p = person(r, "IT")
            nm = c.s(p["name"], "name")
            t = c.s(ph("IT", p["office"]), "phone")
            m = c.s(ph("IT", p["mobile"]), "phone")
            c.user("Mi traduci in inglese questa firma per il nostro fornitore?\n\n--\n" + nm
                   + "\nResponsabile Energy Management\nEnergia Lombarda Servizi S.r.l.\n" + f"Tel. {t} – Cell. {m}")
        elif i == 1:
            p = person(r, "PL")
            nm = c.s(p["name"], "name")
            m = c.s(ph("PL", p["mobile"], "nat"), "phone")
            ext = r.randint(100, 399)
            t = c.s(ph("PL", p["office"]) + f" wew. {ext}", "phone")
            c.user(f"Proszę o krótką odpowiedź do pani {nm}: potwierdzamy przegląd kotłowni w czwartek.\n\n"
                   f"Jej stopka: tel. kom. {m}, tel. {t}")
        elif i == 2:
            p = person(r, "SE")
            nm = c.s(p["name"], "name")
            m = c.s(ph("SE", p["mobile"], "nat"), "phone")
            v = c.s(ph("SE", p["office"], "nat"), "phone")
            c.user(f"Kan du skriva ett svar till {nm}? Hans signatur:\n\nMed vänlig hälsning\n{nm}\nDrifttekniker\n"
                   f"Mobil: {m}\nVäxel: {v}\nNordvärme Fastigheter AB")
        elif i == 3:
            p = person(r, "CH")
            nm = c.s(p["name"], "name")
            t = c.s(ph("CH", p["office"]), "phone")
            m = c.s(ph("CH", p["mobile"], "dots"), "phone")
            c.user(f"Signature from the Zurich property manager:\n\n{nm} | Head of Technical Services\n"
                   f"T {t} | M {m}\n\nCan you normalise both numbers to E.164 for our dialler?")
        elif i == 4:
            p = person(r, "JP")
            nm = c.s(p["name"], "name")
            t = c.s(ph("JP", p["office"], "nat"), "phone")
            m = c.s(ph("JP", p["mobile"], "nat"), "phone")
            c.user(f"Business card (romanised): {nm}, Facility Engineering Div., Sakura Building Systems. "
                   f"TEL: {t} / Mobile: {m}. Please draft a polite English e-mail asking for the chiller O&M manuals.")
        elif i == 5:
            p = person(r, "BR")
            nm = c.s(p["name"], "name")
            wa = c.s(ph("BR", p["mobile"], "e164np"), "phone")
            m = c.s(ph("BR", p["mobile"], "nat"), "phone")
            c.user(f"A {nm} mandou o contato dela: https://wa.me/{wa} (ou {m}). Pode escrever uma mensagem curta "
                   "marcando a visita técnica para sexta?")
        elif i == 6:
            p = person(r, "MX")
            nm = c.s(p["name"], "name")
            ext = r.randint(100, 999)
            t = c.s(ph("MX", p["office"]) + f" ext. {ext}", "phone")
            m = c.s(ph("MX", p["mobile"], "nat"), "phone")
            c.user(f"Contacto del proveedor de mantenimiento: {nm}, Tel: {t}, Cel: {m}. Redacta un correo pidiendo "
                   "la cotización del cambio de compresor.")
        elif i == 7:
            p = person(r, "ZA")
            nm = c.s(p["name"], "name")
            off = p["office"]
            t = c.s(f"+27 (0){off[:2]} {off[2:5]} {off[5:]}", "phone")
            m = c.s(ph("ZA", p["mobile"], "nat"), "phone")
            c.user(f"Email footer:\n{nm}\nBuilding Services Coordinator\nTel: {t}\nCell: {m}\n\n"
                   "Is '+27 (0)' a valid way to write the number? Please fix the footer.")
        elif i == 8:
            p = person(r, "SG")
            nm = c.s(p["name"], "name")
            hp = c.s(ph("SG", p["mobile"], "nat"), "phone")
            did = c.s(ph("SG", p["office"]), "phone")
            c.user(f"Contact for the BCA Green Mark audit: {nm} (HP: {hp}, DID: {did}). Please write a WhatsApp-style "
                   "reminder for tomorrow 9am.")
        elif i == 9:
            p = person(r, "CA")
            nm = c.s(p["name"], "name")
            ext = r.randint(100, 499)
            t = c.s(ph("CA", p["office"], "dots") + f" x{ext}", "phone")
            m = c.s(ph("CA", p["mobile"], "nat"), "phone")
            c.user(f"{nm}\nEnergy Manager | Harbourview Estates\nT: {t}\nM: {m}\n\nTurn this signature into "
                   "something that fits on one line.")
        elif i == 10:
            nm = c.s(r.choice(["Jürgen Hoffmann", "Magdalena Horváth"]), "name")
            area = r.choice(["089", "030", "040", "0711"])
            sub = digits(r, 7, "2345678")
            dw = r.randint(10, 99)
            t1 = c.s(f"{area}/{sub}-{dw}", "phone")
            t2 = c.s(f"+49 ({area[0]}){area[1:]} {sub}-{dw}", "phone")
            fax = c.s(f"{area}/{sub}-{dw + 1 if dw < 99 else dw - 1}", "phone")
            c.user(f"Bitte eine kurze Mail an {nm} formulieren. Telefon laut Visitenkarte: {t1} (Durchwahl), "
                   f"international {t2}, Fax {fax}. Es geht um die Wartung der Lüftungsanlage.")
        else:
            rows = ["id;contact;phone;preferred"]
            cid = call_id(r)
            for k, cc in enumerate(["IT", "PL", "SE"]):
                p = person(r, cc)
                c.s(p["name"], "name")
                e = c.s(ph(cc, p["mobile"], "e164np"), "phone")
                rows.append(f"{k + 1};{p['name']};{e};sms")
            p = person(r, "CH")
            tel = c.s(ph("CH", p["mobile"], "e164"), "phone")
            c.user("CRM export (numbers stored without the plus):\n\n" + "\n".join(rows)
                   + f"\n\nand the click-to-call link in the footer is <a href=\"tel:{tel}\">call us</a>. "
                   "Which of these numbers would fail E.164 validation?")
        yield c


@family("contact-payment", "masked",
        "IBANs of PL, SE, DK, NO, PT, LU, CZ, FI, HU, RO, GR, HR with valid mod-97 (invoice footers, SEPA pain.001 XML "
        "`<IBAN>`, vendor-master CSV, unspaced in tool arguments, lower case, bank-change e-mail); payment cards with "
        "valid Luhn (Visa, Mastercard 2-series, Amex 4-6-5, JCB, Diners 14-digit, Maestro, UnionPay 19-digit) in JSON "
        "payment logs, expense CSV, receipt text, chat, a `dictionary` tool result")
def fam_payment(r):
    for i in range(12):
        c = C()
        if i == 0:
            ib = c.s(by4(iban(r, "PL")), "iban")
            c.user("Stopka faktury od wykonawcy:\n\nZakład Energetyczny Wisła Sp. z o.o., NIP 5252248481\n"
                   f"Numer rachunku (IBAN): {ib}, BIC WBKPPLPP\n\nCzy ten numer rachunku jest poprawny? Przygotuj przelew.")
        elif i == 1:
            ib = c.s(by4(iban(r, "SE")), "iban")
            c.user(f"Leverantören vill ha betalning till IBAN {ib} (BIC ESSESESS). Kan du skriva ett kort mejl på "
                   "engelska som bekräftar att vi har uppdaterat uppgifterna?")
        elif i == 2:
            rows = ["vendor_no,name,country,iban,bic"]
            for k, cc in enumerate(["DK", "NO", "FI"]):
                ib = c.s(iban(r, cc), "iban")
                rows.append(f"V{10040 + k},{['Fjernvarme Syd A/S', 'Nordlys Drift AS', 'Lämpö Huolto Oy'][k]},{cc},{ib},"
                            + ["DABADKKK", "DNBANOKK", "NDEAFIHH"][k])
            c.user("Vendor master data extract. Please check the IBAN lengths per country:\n\n" + "\n".join(rows))
        elif i == 3:
            ib1 = c.s(iban(r, "PT"), "iban")
            ib2 = c.s(iban(r, "LU"), "iban")
            c.user("Our bank rejects this pain.001 file with 'invalid creditor account'. Which part is wrong?\n\n"
                   "<CdtTrfTxInf>\n  <PmtId><EndToEndId>INV-2024-0311</EndToEndId></PmtId>\n"
                   "  <Amt><InstdAmt Ccy=\"EUR\">18450.00</InstdAmt></Amt>\n  <Cdtr><Nm>Climatização Atlântico Lda</Nm></Cdtr>\n"
                   f"  <CdtrAcct><Id><IBAN>{ib1}</IBAN></Id></CdtrAcct>\n</CdtTrfTxInf>\n<DbtrAcct><Id><IBAN>{ib2}</IBAN></Id></DbtrAcct>")
        elif i == 4:
            cid = call_id(r)
            ib = c.s(iban(r, "CZ"), "iban")
            c.tool("create_payment", "Creates a supplier payment draft in the ERP.",
                   {"creditor": "string", "iban": "string", "amount": "number"})
            c.user("Pay the Brno contractor's invoice for the BMS upgrade, 48 200 CZK.")
            c.call(cid, "create_payment", {"creditor": "Tepelna technika Brno s.r.o.", "iban": ib, "amount": 48200.5,
                                           "currency": "CZK"})
            c.result(cid, "json", {"status": "draft", "paymentId": "PAY-" + digits(r, 6)})
        elif i == 5:
            ib = iban(r, "HU")
            ib_l = c.s(by4(ib).lower(), "iban")
            c.user(f"Ügyfél ezt írta: 'utalás ide: {ib_l}'. Is that a valid Hungarian IBAN even in lower case? "
                   "How should I store it?")
        elif i == 6:
            ib_ro = c.s(by4(iban(r, "RO")), "iban")
            ib_gr = c.s(iban(r, "GR"), "iban")
            ib_hr = c.s(by4(iban(r, "HR"), "-"), "iban")
            c.user("Three suppliers sent new bank details this week, which is unusual. Can you help me write a "
                   f"verification call script?\n\n1. Romanian lift contractor: {ib_ro}\n2. Greek PV installer: {ib_gr}\n"
                   f"3. Croatian facility service: {ib_hr}")
        elif i == 7:
            pan = c.s(card(r, "visa"), "card")
            line = json.dumps({"ts": "2024-03-11T09:12:44Z", "event": "charge.failed", "amount": 129.9,
                               "currency": "EUR", "card_number": pan, "exp": "09/27",
                               "decline_code": "insufficient_funds"})
            c.user("Our EV-charger payment gateway logged this (yes, I know the PAN shouldn't be logged):\n\n" + line
                   + "\n\nWhat does the decline code mean, and how do we stop logging the number?")
        elif i == 8:
            rows = ["date,merchant,amount,card"]
            for k, b in enumerate(["mc2", "mc", "visa"]):
                pan = card(r, b)
                shown = c.s(by4(pan, "-"), "card")
                rows.append(f"2024-02-{12 + k},{['Grainger', 'Würth', 'RS Components'][k]},{r.randint(40, 900)}.{r.randint(10, 99)},{shown}")
            c.user("Expense export from the facilities team. Which purchases are for spare parts?\n\n" + "\n".join(rows))
        elif i == 9:
            pan = card(r, "jcb")
            shown = c.s(by4(pan), "card")
            dn = card(r, "diners")
            dshown = c.s(f"{dn[:4]} {dn[4:10]} {dn[10:]}", "card")
            c.user("Two receipts from the Tokyo trip:\n\nHOTEL NEW OTANI-STYLE RECEIPT\nJCB " + shown
                   + "\nTOTAL JPY 84,700\n\nTAXI\nDINERS " + dshown + "\nTOTAL JPY 6,320\n\nPlease fill in the expense form.")
        elif i == 10:
            amex = card(r, "amex")
            a_sh = c.s(f"{amex[:4]} {amex[4:10]} {amex[10:]}", "card")
            up = card(r, "unionpay")
            u_sh = c.s(up, "card")
            c.user(f"The hotel needs a card for the conference booking — use the company Amex {a_sh}, exp 11/26. "
                   f"If that fails, the UnionPay {u_sh}. Write the booking confirmation e-mail.")
        else:
            cid = call_id(r)
            pan = c.s(card(r, "maestro"), "card")
            c.tool("get_fuel_card", "Returns the fleet fuel card assigned to a vehicle.", {"plate": "string"})
            c.user("Which card is assigned to the service van?")
            c.call(cid, "get_fuel_card", {"plate": "KR 7H214"})
            c.result(cid, "dictionary", {"plate": "KR 7H214", "cardNumber": pan, "expires": "2026-08", "limitEur": 450})
        yield c


def pub_ipv4(r):
    while True:
        a = ipaddress.IPv4Address(r.randrange(1 << 24, 223 << 24))
        if a.is_global and not a.is_multicast and 0 < int(a) % 256 < 255:
            return str(a)


def priv_ipv4(r):
    k = r.randrange(3)
    if k == 0:
        return f"10.{r.randint(0, 254)}.{r.randint(0, 254)}.{r.randint(2, 254)}"
    if k == 1:
        return f"192.168.{r.randint(0, 254)}.{r.randint(2, 254)}"
    return f"172.{r.randint(16, 31)}.{r.randint(0, 254)}.{r.randint(2, 254)}"


def pub_ipv6(r, zeros=True):
    g = [r.choice(["2a02", "2a01", "2001", "2604", "2003", "2a00"])] + [f"{r.randrange(1, 0xffff):x}" for _ in range(7)]
    if zeros:
        k = r.randint(3, 5)
        for j in range(k, 7):
            g[j] = "0"
    return ipaddress.IPv6Address(":".join(g)).compressed


@family("contact-ip-logs", "masked",
        "nginx combined access log, Apache error log `[client ip:port]`, `X-Forwarded-For` chains, `ip addr` output "
        "with `inet a.b.c.d/24` and `inet6`, compressed IPv6 and `::ffff:` mapped addresses in app logs, Windows "
        "`ipconfig /all`, AWS VPC flow logs, sshd/fail2ban lines, BACnet/IP device list `ip:47808`")
def fam_ip(r):
    for i in range(9):
        c = C()
        if i == 0:
            lines = []
            for k in range(4):
                ip = c.s(pub_ipv4(r), "ip") if k < 3 else c.s(pub_ipv6(r), "ip")
                lines.append(f"{ip} - - [12/Mar/2024:0{k + 6}:1{k}:44 +0100] \"GET /api/v2/meters/summary HTTP/1.1\" "
                             f"{r.choice([200, 401, 429])} {r.randint(200, 9000)} \"-\" \"python-requests/2.31.0\"")
            c.user("nginx access log of our energy portal. Is someone scraping us?\n\n" + "\n".join(lines))
        elif i == 1:
            ip = c.s(pub_ipv4(r), "ip")
            port = r.randint(30000, 65000)
            c.user(f"[Tue Mar 12 06:44:10.412233 2024] [proxy_fcgi:error] [pid 4412:tid 139911] [client {ip}:{port}] "
                   "AH01071: Got error 'Primary script unknown', referer: https://portal.bluegrid.energy/\n\n"
                   "Apache error, what does AH01071 mean here?")
        elif i == 2:
            a, b, d = pub_ipv4(r), pub_ipv4(r), priv_ipv4(r)
            for x in (a, b, d):
                c.s(x, "ip")
            c.user("Request headers as seen by the API behind two proxies:\n\nHost: api.tidewater-campus.solutions\n"
                   f"X-Forwarded-For: {a}, {b}, {d}\nX-Real-IP: {a}\nX-Forwarded-Proto: https\n\n"
                   "Which one is the actual client, and how do I configure ForwardedHeadersOptions in ASP.NET Core?")
        elif i == 3:
            v4 = c.s(priv_ipv4(r), "ip")
            v6 = c.s(pub_ipv6(r), "ip")
            c.user("Output on the edge gateway:\n\n2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc mq state UP\n"
                   "    link/ether 02:42:ac:11:00:02 brd ff:ff:ff:ff:ff:ff\n"
                   f"    inet {v4}/24 brd {'.'.join(v4.split('.')[:3])}.255 scope global eth0\n"
                   f"    inet6 {v6}/64 scope global dynamic\n\nWhy can't the BMS reach it on the v6 address?")
        elif i == 4:
            v6 = c.s(pub_ipv6(r), "ip")
            v4 = pub_ipv4(r)
            mapped = c.s(f"::ffff:{v4}", "ip")
            c.user("Kestrel logs show client addresses like these:\n\n"
                   f"info: Request from {v6} GET /meters/export 200\ninfo: Request from {mapped} GET /meters/export 403\n\n"
                   "Why is the second one IPv4-mapped, and will my allow-list for v4 still match?")
        elif i == 5:
            ip = c.s(priv_ipv4(r), "ip")
            gw = c.s(".".join(ip.split(".")[:3]) + ".1", "ip")
            dns = c.s(pub_ipv4(r), "ip")
            c.user("ipconfig /all vom Zählerauslese-PC:\n\nEthernet adapter Ethernet:\n   IPv4 Address. . . . . . . . . . . : "
                   f"{ip}(Preferred)\n   Subnet Mask . . . . . . . . . . . : 255.255.255.0\n   Default Gateway . . . . . . . . . : {gw}\n"
                   f"   DNS Servers . . . . . . . . . . . : {dns}\n\nWarum erreicht er den Modbus-Gateway nicht?")
        elif i == 6:
            lines = []
            for k in range(3):
                src = c.s(pub_ipv4(r), "ip")
                dst = c.s(priv_ipv4(r), "ip")
                lines.append(f"2 123456789012 eni-0a1b2c3d4e5f{k}6789 {src} {dst} {r.randint(1024, 65000)} "
                             f"{r.choice([502, 47808, 1883, 443])} 6 {r.randint(1, 20)} {r.randint(60, 8000)} 1710230400 1710230460 REJECT OK")
            c.user("VPC flow logs. Someone is hitting Modbus and BACnet ports from outside?\n\n" + "\n".join(lines))
        elif i == 7:
            ip = c.s(pub_ipv4(r), "ip")
            ip2 = c.s(pub_ipv4(r), "ip")
            c.user(f"auth.log:\nMar 12 03:12:09 gw sshd[9912]: Failed password for invalid user admin from {ip} port 51234 ssh2\n"
                   f"Mar 12 03:12:11 gw sshd[9912]: Failed password for invalid user pi from {ip} port 51240 ssh2\n"
                   f"fail2ban.log:\n2024-03-12 03:12:15,101 fail2ban.actions [812]: NOTICE [sshd] Ban {ip}\n"
                   f"2024-03-12 04:40:02,555 fail2ban.actions [812]: NOTICE [sshd] Ban {ip2}\n\nShould I be worried?")
        else:
            rows = ["Device  Instance  Address", "------  --------  -------"]
            for k in range(3):
                ip = c.s(priv_ipv4(r) if k else pub_ipv4(r), "ip")
                rows.append(f"{['JACE-8000', 'PXC4.E16', 'VAV-Ctrl'][k]}  {r.randint(1000, 4000000)}  {ip}:47808")
            c.user("BACnet Who-Is results (note the first one answers from a public address!):\n\n" + "\n".join(rows)
                   + "\n\nHow do we lock this down with a BBMD?")
        yield c

# =====================================================================================================================
# SECRETS (expect: masked)
# =====================================================================================================================

def url_pw(r):
    """password safe inside URLs and config files (no @ : / ? # % & + quotes)"""
    k = r.randrange(4)
    if k == 0:
        return r.choice(WORDS) + r.choice(["-", "_", ".", "~", "!"]) + rstr(r, 6, ALNUM) + digits(r, 2) + r.choice(["!", "*", "-", "_"]) + rstr(r, 3, ALNUM)
    if k == 1:
        return rstr(r, 1, ALNUM) + rstr(r, r.randint(13, 19), ALNUM)
    if k == 2:
        a, b = r.sample(WORDS, 2)
        return f"{a.lower()}-{b.lower()}-{digits(r, 4)}"
    return rstr(r, 1, UPPER) + rstr(r, r.randint(10, 15), ALNUM + "-_.~!*") + digits(r, 1)


def influx_token(r):
    return base64.urlsafe_b64encode(bytes(r.randrange(256) for _ in range(64))).decode()


def npm_token(r):
    return "npm_" + rstr(r, 36)


def glpat(r):
    return "glpat-" + rstr(r, 20, ALNUM + "_-")


@family("secret-config-files", "masked",
        "Kubernetes `Secret` YAML (`data:` base64 values, `stringData:`), Docker `config.json` `auth` (base64 "
        "user:password), `.npmrc` `_authToken`/`_auth`, `pip.conf` `index-url` with password, `.git-credentials`, "
        "`.pgpass`, `.netrc`, `NuGet.config` `ClearTextPassword`, Maven `settings.xml` `<password>` and Spring "
        "`spring.datasource.password`")
def fam_config(r):
    for i in range(10):
        c = C()
        if i == 0:
            pw = url_pw(r)
            tok = influx_token(r)
            bpw = c.s(b64(pw), "secret")
            btok = c.s(b64(tok), "secret")
            c.user("kubectl apply says the secret is invalid. What's wrong with the indentation?\n\n```yaml\n"
                   "apiVersion: v1\nkind: Secret\nmetadata:\n  name: influx-auth\n  namespace: metering\ntype: Opaque\n"
                   f"data:\n  username: {b64('energy-writer')}\n   password: {bpw}\n  token: {btok}\n```")
        elif i == 1:
            pw = c.s(url_pw(r), "password")
            ak = c.s(rstr(r, 40, ALNUM), "secret")
            c.user("Helm chart values for the BMS connector. Should stringData be base64 too?\n\n```yaml\nsecret:\n"
                   "  stringData:\n    BMS_USER: bacnet-bridge\n" f"    BMS_PASSWORD: \"{pw}\"\n    VENDOR_API_KEY: {ak}\n```")
        elif i == 2:
            user = "ci-" + rstr(r, 5, LOWER)
            pw = url_pw(r)
            auth = c.s(b64(f"{user}:{pw}"), "secret")
            c.user("docker pull from our registry says 'unauthorized' even though ~/.docker/config.json has the "
                   "entry:\n\n{\n  \"auths\": {\n    \"registry.bluegrid.energy\": {\n" f"      \"auth\": \"{auth}\"\n"
                   "    }\n  },\n  \"credsStore\": \"desktop\"\n}\n\nIs credsStore overriding it?")
        elif i == 3:
            t = c.s(npm_token(r), "secret")
            basic = c.s(b64("deploy:" + url_pw(r)), "secret")
            c.user("npm publish gives E401. My .npmrc:\n\n```\n@bluegrid:registry=https://nexus.bluegrid.energy/repository/npm-private/\n"
                   f"//registry.npmjs.org/:_authToken={t}\n//nexus.bluegrid.energy/repository/npm-private/:_auth={basic}\n"
                   "always-auth=true\n```")
        elif i == 4:
            pw = c.s(url_pw(r), "password")
            c.user("pip install can't find our internal package. /etc/pip.conf on the build agent:\n\n[global]\n"
                   f"index-url = https://deploy:{pw}@pypi.atlas-buildings.international/simple\n"
                   "extra-index-url = https://pypi.org/simple\ntrusted-host = pypi.atlas-buildings.international\n\nWhy?")
        elif i == 5:
            gp = c.s(glpat(r), "secret")
            pw = c.s(url_pw(r), "password")
            c.user("git keeps asking for a password although ~/.git-credentials has:\n\n"
                   f"https://oauth2:{gp}@gitlab.com\nhttps://meter-bot:{pw}@bitbucket.org\n\nand credential.helper=store. Ideas?")
        elif i == 6:
            pw = c.s(url_pw(r), "password")
            pw2 = c.s(url_pw(r), "password")
            c.user("psql still prompts for a password. ~/.pgpass (chmod 0600):\n\n"
                   f"db-metering.internal:5432:energy:etl_loader:{pw}\n*:5433:*:grafana_ro:{pw2}\n\nWhat's wrong?")
        elif i == 7:
            pw = c.s(url_pw(r), "password")
            c.user("curl --netrc doesn't authenticate against the meter vendor API. ~/.netrc:\n\n"
                   f"machine api.meridian-hvac.engineering\n  login svc_export\n  password {pw}\n\n"
                   "Does the file need a trailing newline?")
        elif i == 8:
            pw = c.s(url_pw(r), "password")
            pat = c.s(rstr(r, 52, LOWER + "234567"), "secret")
            c.user("dotnet restore fails on the private feed. NuGet.config:\n\n```xml\n<packageSourceCredentials>\n"
                   "  <EnergyFeed>\n    <add key=\"Username\" value=\"build-agent\" />\n"
                   f"    <add key=\"ClearTextPassword\" value=\"{pw}\" />\n  </EnergyFeed>\n  <AzureArtifacts>\n"
                   f"    <add key=\"Username\" value=\"az\" />\n    <add key=\"ClearTextPassword\" value=\"{pat}\" />\n"
                   "  </AzureArtifacts>\n</packageSourceCredentials>\n```")
        else:
            pw = c.s(url_pw(r), "password")
            pw2 = c.s(url_pw(r), "password")
            c.user("Maven deploy 401 and the Spring app can't connect either:\n\nsettings.xml\n<server>\n  <id>energy-releases</id>\n"
                   f"  <username>deployer</username>\n  <password>{pw}</password>\n</server>\n\napplication.properties\n"
                   "spring.datasource.url=jdbc:postgresql://pg01.internal:5432/metering\nspring.datasource.username=meter_app\n"
                   f"spring.datasource.password={pw2}")
        yield c


@family("secret-urls-shell", "masked",
        "JDBC URLs (`;password=` for SQL Server, `&password=` for PostgreSQL), `rediss://` and `amqp://` URLs with "
        "passwords, `appsettings.json` SMTP `Password` and `smtp://` URLs, shell history (`mysql -p...`, `curl -u "
        "user:pass`, `sshpass -p`, `PGPASSWORD=`), PowerShell `ConvertTo-SecureString ... -AsPlainText`, SQL `CREATE "
        "USER ... PASSWORD`, `ALTER LOGIN`, `IDENTIFIED BY`, `docker login -p`, `net use ... /user:`, `lftp -u` / "
        "`ftp://` URLs")
def fam_urls(r):
    for i in range(10):
        c = C()
        if i == 0:
            pw = c.s(url_pw(r), "password")
            c.user("The Java ETL can't log in to SQL Server:\n\n"
                   f"jdbc:sqlserver://sql01.corp.internal:1433;databaseName=EnergyDW;user=etl_svc;password={pw};encrypt=true;trustServerCertificate=false\n\n"
                   "Error: 'The certificate chain was issued by an authority that is not trusted'.")
        elif i == 1:
            pw = c.s(url_pw(r), "password")
            c.user("Grafana's PostgreSQL data source works, the JDBC one in our reporting tool doesn't:\n\n"
                   f"jdbc:postgresql://pg01.internal:5432/metering?user=reporter&password={pw}&ssl=true&sslmode=verify-full")
        elif i == 2:
            p1 = c.s(url_pw(r), "password")
            p2 = c.s(url_pw(r), "password")
            c.user("Celery config for the meter-ingest workers:\n\n```python\n"
                   f"broker_url = 'amqp://meter_ingest:{p2}@rabbit01.internal:5672/bms'\n"
                   f"result_backend = 'rediss://default:{p1}@cache-01.redis.internal:6380/0?ssl_cert_reqs=required'\n```\n"
                   "Workers hang on startup. Where do I start?")
        elif i == 3:
            pw = c.s(url_pw(r), "password")
            pw2 = c.s(url_pw(r), "password")
            c.user("Alert e-mails stopped. appsettings.Production.json:\n\n```json\n{\n  \"Smtp\": {\n"
                   "    \"Host\": \"smtp.office365.com\",\n    \"Port\": 587,\n    \"UserName\": \"bms-alerts\",\n"
                   "    \"Password\": \"" + pw + "\",\n    \"EnableSsl\": true\n  },\n"
                   "  \"Fallback\": \"smtp://bms-alerts:" + pw2 + "@mail.kingsmere-facilities.co.uk:587\"\n}\n```")
        elif i == 4:
            pw = c.s(password(r, "random").replace("'", "").replace(" ", ""), "password")
            pw2 = c.s(url_pw(r), "password")
            c.user("From the jump host's ~/.bash_history, trying to reconstruct what the contractor did:\n\n"
                   f"  412  mysql -h db01 -u root -p{pw} energy\n  413  mysqldump -h db01 -u root energy readings > readings.sql\n"
                   f"  414  curl -u admin:{pw2} -X POST https://bms01.internal/api/restart\n  415  exit")
        elif i == 5:
            pw = c.s(url_pw(r), "password")
            pw2 = c.s(url_pw(r), "password")
            c.user("This cron job works by hand but not from cron:\n\n"
                   f"0 2 * * * sshpass -p '{pw}' ssh scada@10.20.4.11 'tar czf - /opt/trends' > /backup/trends.tgz\n"
                   f"30 2 * * * PGPASSWORD={pw2} psql -h pg01 -U backup -c 'VACUUM ANALYZE readings'")
        elif i == 6:
            pw = c.s(password(r, "words"), "password")
            c.user("PowerShell script for the nightly trend export:\n\n```powershell\n"
                   f"$sec = ConvertTo-SecureString \"{pw}\" -AsPlainText -Force\n"
                   "$cred = New-Object System.Management.Automation.PSCredential('CORP\\svc_trend', $sec)\n"
                   "Invoke-Command -ComputerName BMS-HIST01 -Credential $cred -ScriptBlock { Export-Trends }\n```\n"
                   "How can I avoid the plain-text password?")
        elif i == 7:
            p1 = c.s(url_pw(r), "password")
            p2 = c.s(url_pw(r), "password")
            p3 = c.s(url_pw(r), "password")
            c.user("Migration script, can you review it?\n\n```sql\n"
                   f"CREATE USER grafana_reader WITH PASSWORD '{p1}';\nGRANT SELECT ON ALL TABLES IN SCHEMA metering TO grafana_reader;\n"
                   f"ALTER LOGIN sa WITH PASSWORD = '{p2}';\nCREATE USER 'etl'@'%' IDENTIFIED BY '{p3}';\n```")
        elif i == 8:
            p1 = c.s(url_pw(r), "password")
            p2 = c.s(url_pw(r), "password")
            c.user("Build agent setup notes, the second line fails with 'System error 1326':\n\n"
                   f"docker login -u ci-bot -p {p1} registry.bluegrid.energy\n"
                   f"net use Z: \\\\fs01\\trends /user:CORP\\svc_trend {p2} /persistent:yes")
        else:
            pw = c.s(url_pw(r), "password")
            c.user("The meter vendor drops CSVs on their FTP. Our fetch script:\n\n"
                   f"lftp -u meterdrop,{pw} -e 'mirror --only-newer /out /data/in; quit' ftp.meridian-hvac.engineering\n"
                   f"# old version: wget ftp://meterdrop:{pw}@ftp.meridian-hvac.engineering/out/*.csv\n\nHow do I make it use FTPS?")
        yield c


@family("secret-vendor-tokens", "masked",
        "Twilio auth token / API key secret, Mailgun `key-`, Shopify `shpat_`, Atlassian `ATATT3xFfGF0...` (with the "
        "account e-mail in `curl -u`), GitLab `glpat-` in CI variables, DigitalOcean `dop_v1_`, npm `npm_` + PyPI "
        "`pypi-AgEIcHlwaS5vcmc...`, GCP service-account JSON (`private_key_id`, `private_key`), Azure client secret "
        "(`az ad sp create-for-rbac` output), Terraform `.tfvars`, Grafana `glsa_`, InfluxDB token + Telegram bot token")
def fam_vendor(r):
    for i in range(12):
        c = C()
        if i == 0:
            sid = "AC" + rstr(r, 32, HEX)
            tok = c.s(rstr(r, 32, HEX), "secret")
            sk = "SK" + rstr(r, 32, HEX)
            sks = c.s(rstr(r, 32, ALNUM), "secret")
            c.user("SMS alarms from the BMS stopped. .env of the notifier:\n\n"
                   f"TWILIO_ACCOUNT_SID={sid}\nTWILIO_AUTH_TOKEN={tok}\nTWILIO_API_KEY={sk}\nTWILIO_API_SECRET={sks}\n"
                   "TWILIO_FROM=+15005550006\n\nTwilio returns 20003. What does it mean?")
        elif i == 1:
            k = c.s("key-" + rstr(r, 32, HEX), "secret")
            c.user("curl -s --user 'api:" + k + "' https://api.eu.mailgun.net/v3/mg.bluegrid.energy/messages "
                   "-F from='Energy Bot <bot@mg.bluegrid.energy>' -F to=ops@bluegrid.energy -F subject='Daily report' -F text='see attachment'\n\n"
                   "returns 401 Forbidden. Is it the EU endpoint?")
            c.s("ops@bluegrid.energy", "email")
            c.s("bot@mg.bluegrid.energy", "email")
        elif i == 2:
            t = c.s("shpat_" + rstr(r, 32, HEX), "secret")
            ss = c.s("shpss_" + rstr(r, 32, HEX), "secret")
            c.user("We sell sub-metering kits through Shopify. The webhook verification fails:\n\n"
                   f"SHOPIFY_ACCESS_TOKEN={t}\nSHOPIFY_API_SECRET={ss}\n\nWhich of the two is used for the HMAC?")
        elif i == 3:
            q = person(r, "CA")
            em = c.s(q["email"], "email")
            tok = "ATATT3xFfGF0" + rstr(r, 170, B64URL) + "=" + rstr(r, 8, "0123456789ABCDEF")
            c.s(tok, "secret")
            c.user(f"curl -u {em}:{tok} -H 'Accept: application/json' "
                   "'https://bluegrid.atlassian.net/rest/api/3/search?jql=project=FM'\n\n"
                   "Returns 403 even though I'm a project admin. Why?")
        elif i == 4:
            gp = c.s(glpat(r), "secret")
            rt = c.s("glrt-" + rstr(r, 20, ALNUM + "_-"), "secret")
            c.user("GitLab CI can't push the generated report back. CI/CD variables (unmasked, sorry):\n\n"
                   f"| Key | Value |\n|---|---|\n| REPORT_PUSH_TOKEN | {gp} |\n| RUNNER_TOKEN | {rt} |\n\n"
                   "Which scopes does the token need?")
        elif i == 5:
            t = c.s("dop_v1_" + rstr(r, 64, HEX), "secret")
            c.user("Terraform for the monitoring droplet:\n\n```hcl\nprovider \"digitalocean\" {\n" f"  token = \"{t}\"\n}}\n```\n"
                   "How do I move that into an environment variable?")
        elif i == 6:
            nt = c.s(npm_token(r), "secret")
            pt = c.s("pypi-AgEIcHlwaS5vcmc" + rstr(r, 160, B64URL), "secret")
            c.user("Release workflow secrets dumped by a debug step (oops):\n\nNPM_TOKEN=" + nt + "\nPYPI_API_TOKEN=" + pt
                   + "\n\nWhat should we rotate first and how?")
        elif i == 7:
            kid = c.s(rstr(r, 40, HEX), "secret")
            body = pem_body(r, 1190, "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQ")
            lines = [body[k:k + 64] for k in range(0, len(body), 64)]
            c.s(lines[1], "secret")
            c.s(lines[5], "secret")
            pk = "-----BEGIN PRIVATE KEY-----\\n" + "\\n".join(lines) + "\\n-----END PRIVATE KEY-----\\n"
            c.user("BigQuery export of the weather-normalised data fails with 'invalid_grant'. Service account file:\n\n"
                   "{\n  \"type\": \"service_account\",\n  \"project_id\": \"bluegrid-analytics\",\n"
                   f"  \"private_key_id\": \"{kid}\",\n  \"private_key\": \"{pk}\",\n"
                   "  \"client_email\": \"bq-export@bluegrid-analytics.iam.gserviceaccount.com\",\n  \"client_id\": \"" + digits(r, 21) + "\"\n}")
            c.s("bq-export@bluegrid-analytics.iam.gserviceaccount.com", "email")
        elif i == 8:
            sec = c.s(rstr(r, 3, ALNUM) + digits(r, 1) + "Q~" + rstr(r, 34, ALNUM + "_.~-"), "secret")
            c.user("Output of az ad sp create-for-rbac for the Power BI refresh app:\n\n{\n  \"appId\": \""
                   + str(uuid.UUID(int=r.getrandbits(128), version=4)) + "\",\n  \"displayName\": \"pbi-energy-refresh\",\n"
                   f"  \"password\": \"{sec}\",\n  \"tenant\": \"" + str(uuid.UUID(int=r.getrandbits(128), version=4)) + "\"\n}\n\n"
                   "Where do I put these in the gateway config?")
        elif i == 9:
            sec = c.s(rstr(r, 3, ALNUM) + digits(r, 1) + "Q~" + rstr(r, 34, ALNUM + "_.~-"), "secret")
            pw = c.s(url_pw(r), "password")
            c.user("terraform.tfvars for the metering platform (committed by accident?):\n\n"
                   "location            = \"westeurope\"\n"
                   f"azure_client_secret = \"{sec}\"\nsql_admin_login     = \"meteradmin\"\nsql_admin_password  = \"{pw}\"\n\n"
                   "How do I purge this from git history?")
        elif i == 10:
            t = c.s("glsa_" + rstr(r, 32) + "_" + rstr(r, 8, HEX), "secret")
            c.user("Provisioning the energy dashboards via API:\n\ncurl -H \"Authorization: Bearer " + t + "\" "
                   "-H 'Content-Type: application/json' -X POST https://grafana.bluegrid.energy/api/dashboards/db -d @dash.json\n\n"
                   "I get 'permission denied' on folder. Which role does the service account need?")
        else:
            it = c.s(influx_token(r), "secret")
            tg = c.s(str(r.randint(600000000, 7999999999)) + ":AA" + rstr(r, 33, ALNUM + "_-"), "secret")
            c.user("Telegraf config for the alarm bridge:\n\n[[outputs.influxdb_v2]]\n  urls = [\"http://influx01:8086\"]\n"
                   f"  token = \"{it}\"\n  organization = \"facilities\"\n\n[[outputs.http]]\n"
                   f"  url = \"https://api.telegram.org/bot{tg}/sendMessage\"\n\nMessages arrive twice. Why?")
        yield c


# =====================================================================================================================
# LOCATIONS (expect: masked)
# =====================================================================================================================

@family("location-geo-formats", "masked",
        "GeoJSON `Point` (`[lon, lat]`), WKT `POINT(lon lat)` and PostGIS `ST_MakePoint`, KML `<coordinates>`, "
        "exiftool GPS output (`52 deg 31' 12.03\" N`), geocaching `N 52° 31.200' E 013° 24.600'`, `geo:` URI and "
        "Apple Maps `ll=` link, GPX `<wpt lat= lon=>`, NMEA `$GPGGA` sentence, Leaflet `L.marker([...])`, a `dictionary` "
        "tool result with `lat`/`lon`")
def fam_geo(r):
    cities = list(CITIES)
    for i in range(10):
        c = C()
        city = cities[(i * 3) % len(cities)]
        la, lo = coord(r, city, r.choice([5, 6]))
        if i == 0:
            c.s(la, "coord")
            c.s(lo, "coord")
            c.user("Leaflet won't show our plant room marker, it ends up in the ocean:\n\n{\n  \"type\": \"Feature\",\n"
                   f"  \"geometry\": {{\"type\": \"Point\", \"coordinates\": [{lo}, {la}]}},\n"
                   "  \"properties\": {\"name\": \"Heat pump plant\"}\n}\n\nDid I swap lat and lon?")
        elif i == 1:
            c.s(lo, "coord")
            c.s(la, "coord")
            c.user(f"INSERT INTO assets (name, geom) VALUES ('PV inverter 3', ST_GeomFromText('POINT({lo} {la})', 4326));\n"
                   f"SELECT ST_SetSRID(ST_MakePoint({lo}, {la}), 4326);\n\nWhy does ST_Distance return degrees instead of metres?")
        elif i == 2:
            c.s(lo, "coord")
            c.s(la, "coord")
            c.user("KML from the surveyor, Google Earth opens it fine but our GIS doesn't:\n\n<Placemark>\n"
                   "  <name>Transformer station</name>\n  <Point>\n" f"    <coordinates>{lo},{la},0</coordinates>\n"
                   "  </Point>\n</Placemark>")
        elif i == 3:
            d, m, s_, _, h = to_dms(float(la), True)
            d2, m2, s2, _, h2 = to_dms(float(lo), False)
            glat = c.s(f"{d} deg {m}' {s_:.2f}\" {h}", "coord")
            glon = c.s(f"{d2} deg {m2}' {s2:.2f}\" {h2}", "coord")
            c.user("exiftool on the photo of the broken meter:\n\nGPS Latitude Ref                : "
                   + ("North" if h == "N" else "South") + f"\nGPS Latitude                    : {glat}\nGPS Longitude                   : {glon}\n"
                   f"GPS Position                    : {glat}, {glon}\n\nCan you convert this to decimal degrees?")
        elif i == 4:
            d, _, _, mf, h = to_dms(float(la), True)
            d2, _, _, mf2, h2 = to_dms(float(lo), False)
            g = c.s(f"{h} {d:02d}° {mf:06.3f}' {h2} {d2:03d}° {mf2:06.3f}'", "coord")
            c.user(f"The contractor gave the valve pit position as {g}. Which format is that and what is it in decimal?")
        elif i == 5:
            g = f"geo:{la},{lo}"
            a = f"ll={la},{lo}"
            c.s(la, "coord")
            c.s(lo, "coord")
            c.user(f"Two links to the substation entrance: {g}?z=19 and https://maps.apple.com/?{a}&q=Substation. "
                   "Android opens the first, iPhone the second. Can I make one link that works everywhere?")
        elif i == 6:
            c.s(la, "coord")
            c.s(lo, "coord")
            c.user("GPX waypoint file from the walk-through:\n\n<gpx version=\"1.1\" creator=\"OsmAnd\">\n"
                   f"  <wpt lat=\"{la}\" lon=\"{lo}\">\n    <ele>41.2</ele>\n    <name>Gas meter kiosk</name>\n  </wpt>\n</gpx>\n\n"
                   "How do I import this into QGIS?")
        elif i == 7:
            d, _, _, mf, h = to_dms(float(la), True)
            d2, _, _, mf2, h2 = to_dms(float(lo), False)
            nlat = c.s(f"{d:02d}{mf:07.4f},{h}", "coord")
            nlon = c.s(f"{d2:03d}{mf2:07.4f},{h2}", "coord")
            body = f"GPGGA,101512.00,{nlat},{nlon},1,09,0.9,12.4,M,47.0,M,,"
            cs = 0
            for ch in body:
                cs ^= ord(ch)
            c.user(f"NMEA from the GNSS time source on the roof:\n\n${body}*{cs:02X}\n\nIs the fix quality OK, and where is it?")
        elif i == 8:
            c.s(la, "coord")
            c.s(lo, "coord")
            c.user("```js\nconst map = L.map('map').setView([" + f"{la}, {lo}" + "], 18);\nL.marker([" + f"{la}, {lo}"
                   + "]).addTo(map).bindPopup('Battery storage');\n```\nThe popup doesn't open on mobile. Any idea?")
        else:
            cid = call_id(r)
            c.tool("get_asset_location", "Returns the surveyed location of an asset.", {"assetTag": "string"})
            c.user("Where exactly is the rooftop weather station?")
            c.call(cid, "get_asset_location", {"assetTag": "WS-ROOF-01"})
            c.result(cid, "dictionary", {"assetTag": "WS-ROOF-01", "lat": float(la), "lon": float(lo), "accuracyM": 0.8})
            c.s(la, "coord")
            c.s(lo, "coord")
        yield c


def ca_postcode(r, first):
    L = "ABCEGHJKLMNPRSTVXY"
    return f"{first}{r.randint(1, 9)}{r.choice(L)} {r.randint(0, 9)}{r.choice(L)}{r.randint(0, 9)}"


@family("location-address-intl", "masked",
        "Italian (`Via ... 14, 20121 Milano MI`), Polish (`ul. ... 84/12, 00-514 Warszawa`), Swedish (`111 34 "
        "Stockholm`), Canadian (Toronto, Montréal in French, with `M5B 2H1`-style postal codes), Australian (`Level "
        "12, ... Sydney NSW 2000`), Japanese romanised (`2-4-11 Nishi-Shinjuku, Shinjuku-ku, Tokyo 163-8001`), Dutch "
        "`3011 AD Rotterdam`, German `04107 Leipzig`; on shipping labels, letterheads, JSON, a Google Maps search URL, "
        "delivery notes and service-visit requests")
def fam_addr(r):
    for i in range(10):
        c = C()
        if i == 0:
            street = c.s(f"Via {r.choice(['Giuseppe Verdi', 'Carlo Farini', 'Pietro Custodi', 'Lodovico il Moro'])} {r.randint(2, 120)}", "address")
            pc = c.s(f"201{r.randint(21, 62)} Milano", "postcode")
            c.user(f"Indirizzo per la consegna del nuovo contatore di calore: {street}, {pc} MI, scala B, piano -1 "
                   "(locale tecnico). Puoi scrivere la mail di conferma al fornitore?")
        elif i == 1:
            street = c.s(f"ul. {r.choice(['Grzybowska', 'Prosta', 'Chmielna', 'Żelazna'])} {r.randint(3, 90)}/{r.randint(1, 40)}", "address")
            pc = c.s(f"00-{r.randint(100, 999)} Warszawa", "postcode")
            c.user(f"Adres do faktury: Zakład Energetyczny Wisła Sp. z o.o., {street}, {pc}. "
                   "Napisz proszę po angielsku, jak poprawnie zapisać ten adres na kopercie do Niemiec.")
        elif i == 2:
            street = c.s(f"{r.choice(['Hornsgatan', 'Sankt Eriksgatan', 'Odengatan', 'Fleminggatan'])} {r.randint(2, 140)}", "address")
            pc = c.s(f"1{r.randint(12, 18)} {r.randint(20, 69)} Stockholm", "postcode")
            c.user("Shipping label for the spare frequency converter:\n\nNordvärme Fastigheter AB\nAtt: Drift\n"
                   f"{street}\n{pc}\nSWEDEN\n\nIs the postcode format right for DHL's form?")
        elif i == 3:
            num = r.randint(100, 2400)
            street = c.s(f"{num} {r.choice(['Bay Street', 'Spadina Avenue', 'Front Street West', 'Dundas Street East'])}", "address")
            pc = c.s(ca_postcode(r, "M"), "postcode")
            c.user(f"Letterhead: Harbourview Estates Inc., {street}, Suite {r.randint(200, 1900)}, Toronto, ON {pc}. "
                   "Please draft a cover letter for the energy audit report with this as sender address.")
        elif i == 4:
            street = c.s(f"{r.randint(100, 1900)}, rue {r.choice(['Sherbrooke Ouest', 'Saint-Denis', 'Notre-Dame Est', 'Peel'])}", "address")
            pc = c.s(ca_postcode(r, "H"), "postcode")
            c.user(f"Pouvez-vous rédiger une demande d'intervention pour la chaufferie située au {street}, Montréal (Québec) "
                   f"{pc} ? Accès par le quai de livraison.")
        elif i == 5:
            street = c.s(f"{r.randint(2, 400)} {r.choice(['Kent Street', 'Sussex Street', 'Pitt Street', 'Clarence Street'])}", "address")
            pc = c.s("Sydney NSW 2000", "postcode")
            obj = {"site": "Southern Cross FM", "address": {"line1": f"Level {r.randint(2, 30)}", "line2": street,
                                                              "locality": "Sydney NSW 2000", "country": "AU"}}
            c.user("Our API returns this for the NABERS rating site. Why does the geocoder fail?\n\n" + json.dumps(obj, indent=2))
        elif i == 6:
            street = c.s(f"{r.randint(1, 6)}-{r.randint(1, 20)}-{r.randint(1, 30)} {r.choice(['Umeda', 'Nakanoshima', 'Honmachi'])}", "address")
            pc = c.s(f"{r.randint(530, 541)}-{digits(r, 4)}", "postcode")
            c.user(f"Delivery note for the Osaka office: Sakura Building Systems, {street}, Kita-ku, Osaka {pc}, Japan. "
                   "Can you write it in the order Japanese couriers expect?")
        elif i == 7:
            street = c.s(f"{r.choice(['Westblaak', 'Coolsingel', 'Weena', 'Schiedamse Vest'])} {r.randint(2, 220)}", "address")
            L = "ABCEGHJKLMNPRTVWXZ"
            pc = c.s(f"30{r.randint(11, 15)} {r.choice(L)}{r.choice(L)}", "postcode")
            url = f"https://www.google.com/maps/search/?api=1&query={street.replace(' ', '+')}+{pc.replace(' ', '+')}+Rotterdam"
            c.user(f"Servicebezoek warmtepomp: {street}, {pc} Rotterdam. Link voor de monteur: {url}\n\n"
                   "Klopt deze link, of moet de spatie anders gecodeerd worden?")
        elif i == 8:
            street = c.s(f"{r.choice(['Karl-Heine-Straße', 'Jahnallee', 'Prager Straße', 'Georg-Schwarz-Straße'])} {r.randint(2, 180)}", "address")
            pc = c.s(f"04{r.randint(103, 357)} Leipzig", "postcode")
            c.user(f"Bitte Lieferschein vorbereiten: Stadtwerke Lindenau GmbH, Technikzentrale, {street}, {pc}. "
                   "Anlieferung nur werktags 7–15 Uhr.")
        else:
            num = r.randint(300, 1500)
            street = c.s(f"{num} {r.choice(['West Georgia Street', 'Hornby Street', 'Burrard Street'])}", "address")
            pc = c.s(ca_postcode(r, "V"), "postcode")
            c.user(f"Tenant moved to {street}, Vancouver BC {pc}. Update the billing contact letter and tell me "
                   "whether BC has any building energy benchmarking requirement.")
        yield c

# =====================================================================================================================
# IDENTIFIERS (expect: masked)
# =====================================================================================================================
SITE_OF = {row["building_id"]: row["site_id"] for row in META}
ASCII_PEOPLE = [p for p in PEOPLE if p.isascii() and "'" not in p]


def bdg(r, site=None):
    pool = [b for b in BUILDINGS if site is None or SITE_OF[b] == site]
    return r.choice(pool)


@family("id-bdg2-contexts", "masked",
        "BDG2 `building_id`s and `site_id`s in a Jira ticket, `git branch -a` output (hyphen and underscore suffixes), "
        "Grafana dashboard URL variables (`var-site=`, `var-building=`), Python dict keys, log-line prefixes "
        "`[Building_id]`, e-mail subject lines, site ids in prose (`the Wolf campus`, lower case), Airflow task log, "
        "DAX filter, lower-case URL slug and upper-case alert title")
def fam_bdg2(r):
    for i in range(10):
        c = C()
        if i == 0:
            b1 = c.s(bdg(r), "building")
            b2 = c.s(bdg(r, SITE_OF[b1]), "building")
            key = f"ENG-{r.randint(1000, 4999)}"
            c.user(f"{key}: Baseline drift on {b1} after chiller swap\n\nDescription: Since the swap, CV(RMSE) of the "
                   f"hourly model went from 14% to 31%. {b2} on the same site is unaffected.\nPriority: Medium\n\n"
                   "Suggest three hypotheses we should test first.")
        elif i == 1:
            b1 = c.s(bdg(r), "building")
            b2 = c.s(bdg(r), "building")
            b3 = c.s(bdg(r), "building")
            c.user("$ git branch -a\n  main\n" f"* feature/{b1}-weather-normalisation\n  fix/{b2}_missing_gaps\n"
                   f"  remotes/origin/experiment/{b3}-lgbm\n\nWhich naming convention would you recommend instead?")
        elif i == 2:
            b = bdg(r)
            site = c.s(SITE_OF[b], "site")
            c.s(b, "building")
            url = (f"https://grafana.bluegrid.energy/d/a1B2c3D4/building-energy?orgId=1&var-site={site}"
                   f"&var-building={b}&from=now-7d&to=now")
            c.user(f"This dashboard link is shared with an external consultant: {url}\n\nThe panel shows 'No data'. "
                   "Is the variable syntax right?")
        elif i == 3:
            bs = [c.s(bdg(r), "building") for _ in range(3)]
            rows = ",\n".join(f"    \"{b}\": {nz(r.uniform(80, 450), 1)}" for b in bs)
            c.user("```python\nBASELINE_EUI = {\n" + rows + "\n}\n```\nHow do I load this from a YAML file instead "
                   "of hard-coding it?")
        elif i == 4:
            b1 = c.s(bdg(r), "building")
            b2 = c.s(bdg(r), "building")
            c.user(f"[2024-03-12 06:00:01] [{b1}] WARN missing 3 hours in electricity\n"
                   f"[2024-03-12 06:00:01] [{b2}] ERROR chilledwater meter returned negative delta\n"
                   f"[2024-03-12 06:00:02] [{b1}] INFO gap filled by linear interpolation\n\n"
                   "Is linear interpolation OK for 3 missing hours?")
        elif i == 5:
            b = c.s(bdg(r), "building")
            c.user(f"Subject: RE: [EXT] {b} – monthly report anomaly\n\nHi, the February report for that building shows "
                   "the steam use doubling. Can you help me write a reply that explains it might be a unit mix-up "
                   "(lb vs kg)?")
        elif i == 6:
            s1, s2 = r.sample(SITES, 2)
            c.s(s1, "site")
            c.s(s2.lower(), "site")
            c.user(f"All buildings on the {s1} campus switched to the new tariff in January, the {s2.lower()} site "
                   "follows in April. How should I split the year in the savings calculation?")
        elif i == 7:
            b = c.s(bdg(r), "building")
            c.user("Airflow task log:\n\n[2024-03-12, 06:00:14 UTC] {taskinstance.py:1157} INFO - Dependencies all met "
                   "for <TaskInstance: bdg2_ingest.load_building manual__2024-03-12T06:00:00 map_index=17 [queued]>\n"
                   f"[2024-03-12, 06:00:15 UTC] {{load.py:88}} INFO - building={b} rows=8784\n"
                   "[2024-03-12, 06:00:19 UTC] {load.py:102} ERROR - duplicate timestamps: 1\n\nWhy a duplicate in a leap year?")
        elif i == 8:
            b = c.s(bdg(r), "building")
            c.user("Power BI measure returns blank:\n\nkWh Selected = CALCULATE ( [Total kWh], 'Buildings'[building_id] = \""
                   + b + "\" )\n\nThe relationship Buildings -> Readings is one-to-many. What am I missing?")
        else:
            b = bdg(r)
            lo = c.s(b.lower(), "building")
            up = c.s(b.upper(), "building")
            c.user(f"Alert title: 'ANOMALY {up} ELECTRICITY +38%'. Link: https://portal.bluegrid.energy/buildings/{lo}/overview\n\n"
                   "Write a short note to the building operator explaining the alert.")
        yield c


@family("id-roster-contexts", "masked",
        "roster names in meeting minutes (attendees and action items), an `assign_work_order` tool call and result, "
        "`git log` authors, shift-plan CSV, Teams chat export `[09:14] Name:`, family-name-first order (`KOWALSKA "
        "Marta`), names typed without diacritics (`Jurgen Hoffmann`), salutations in German/French/Spanish, "
        "free/busy lines, Slack `@Name` mentions and possessives")
def fam_roster(r):
    for i in range(10):
        c = C()
        if i == 0:
            ns = [c.s(n, "name") for n in r.sample(PEOPLE, 4)]
            c.user(f"Minutes, energy committee, 12 March\nAttendees: {ns[0]}, {ns[1]}, {ns[2]}\nApologies: {ns[3]}\n\n"
                   f"1. LED retrofit phase 2 — {ns[1]} to get three quotes by April.\n2. Heat pump tender — "
                   f"{ns[0]} and {ns[2]} to review the spec.\n\nTurn these into a task list with owners.")
        elif i == 1:
            who = c.s(r.choice(ASCII_PEOPLE), "name")
            rep = c.s(r.choice([p for p in ASCII_PEOPLE if p != who]), "name")
            cid = call_id(r)
            c.tool("assign_work_order", "Assigns a CMMS work order to a technician.", {"workOrder": "string", "assignee": "string"})
            c.user("Give the boiler inspection to whoever is on call this week.")
            c.call(cid, "assign_work_order", {"workOrder": "WO-24-0815", "assignee": who})
            c.result(cid, "dictionary", {"workOrder": "WO-24-0815", "assignee": who, "reportedBy": rep, "status": "assigned"})
        elif i == 2:
            lines = []
            for k in range(3):
                q = person(r, r.choice(["DE", "SE", "JP", "CA", "US"]), r.choice(PEOPLE))
                nm = c.s(q["name"], "name")
                em = c.s(q["email"], "email")
                lines.append(f"commit {rstr(r, 40, HEX)}\nAuthor: {nm} <{em}>\nDate:   {['Mon', 'Tue', 'Wed'][k]} Mar 1{k + 1} 1{k}:2{k}:05 2024 +0100\n\n"
                             f"    {['Add gas degree-day regression', 'Fix DST handling', 'Bump Sep to 0.5'][k]}\n")
            c.user("git log -3 — who should review the DST change?\n\n" + "\n".join(lines))
        elif i == 3:
            rows = ["name;shift;week;on_call"]
            for k, n in enumerate(r.sample(PEOPLE, 5)):
                c.s(n, "name")
                rows.append(f"{n};{['early', 'late', 'night'][k % 3]};KW{11 + k % 2};{'yes' if k % 2 else 'no'}")
            c.user("Schichtplan Haustechnik:\n\n" + "\n".join(rows) + "\n\nIst jemand zwei Wochen hintereinander in Bereitschaft?")
        elif i == 4:
            a, b = r.sample(PEOPLE, 2)
            c.s(a, "name")
            c.s(b, "name")
            c.user(f"Teams chat export:\n\n[09:14] {a}: chiller 2 tripped again on low oil pressure\n[09:15] {b}: "
                   "third time this week, I'll call the service company\n[09:31] " + a + ": they can come Thursday\n\n"
                   "Summarise this for the weekly maintenance report.")
        elif i == 5:
            n1 = r.choice(["Marta Kowalska", "Tomasz Nowak", "Ewa Zielińska"])
            n2 = r.choice(["Aiko Tanaka", "Kenji Watanabe", "Yuki Morimoto"])
            v1 = c.s(n1.split(" ")[1].upper() + " " + n1.split(" ")[0], "name-variant")
            v2 = c.s(n2.split(" ")[1] + " " + n2.split(" ")[0], "name-variant")
            c.user(f"The Polish and Japanese partners list their staff family name first: {v1} (energy manager), "
                   f"{v2} (BMS engineer). How should I write them in an English e-mail?")
        elif i == 6:
            n1 = r.choice(["Jürgen Hoffmann", "Mateo Fernández", "Elif Yıldız", "Björn Lindqvist", "Lucía Martín"])
            n2 = r.choice(["Siobhán O'Connell", "Ayşe Kaya", "Ewa Zielińska", "Diego Ramírez"])
            v1 = c.s(fold(n1), "name-variant")
            v2 = c.s(fold(n2), "name-variant")
            c.user(f"Our old system can't store accents, so the contacts are {v1} and {v2}. Could you write them a "
                   "short note that the portal migration is done?")
        elif i == 7:
            n1, n2, n3 = r.sample(PEOPLE, 3)
            for n in (n1, n2, n3):
                c.s(n, "name")
            c.user(f"Bitte formuliere drei Anreden: 'Sehr geehrte/r {n1}', 'Bonjour {n2},' und 'Estimado/a {n3}:'. "
                   "Welche Form ist jeweils korrekt, wenn ich das Geschlecht nicht kenne?")
        elif i == 8:
            lines = []
            for n in r.sample(PEOPLE, 3):
                c.s(n, "name")
                lines.append(f"{n} – busy {r.randint(8, 10)}:00–{r.randint(11, 12)}:00, free {r.randint(13, 14)}:00–17:00")
            c.user("Free/busy for Thursday:\n" + "\n".join(lines) + "\n\nFind a 45-minute slot for the audit kick-off.")
        else:
            a, b = r.sample(PEOPLE, 2)
            c.s(a, "name")
            c.s(b, "name")
            c.user(f"Slack: \"@{a} can you double-check {b}'s M&V report before it goes to the client? The savings "
                   "look too good.\" — rewrite this more politely.")
        yield c


@family("id-meter-contexts", "masked",
        "roster meter/equipment ids (`MTR-12345`, `AHU-3-12`, `EM.B12.0457`) in alarm JSON, CMMS work orders, BACnet "
        "object names (`AHU-2-07.SAT`), MQTT topics, SAP PM notifications, Niagara alarm source paths, export file names "
        "(`EM.B04.0112.csv`), a Modbus map table, a `get_alarm_history` tool call and result")
def fam_meter(r):
    for i in range(9):
        c = C()
        if i == 0:
            m = c.s(meter_id(r, 0), "meter")
            c.user("Alarm payload from the energy platform:\n\n" + json.dumps(
                {"alarm": "HighConsumption", "point": m, "severity": 2, "threshold_kwh": 120,
                 "raisedAt": "2024-03-12T02:14:00Z"}) + "\n\nDraft the text for the on-call SMS (max 160 chars).")
        elif i == 1:
            m1 = c.s(meter_id(r, 1), "meter")
            m2 = c.s(meter_id(r, 1), "meter")
            c.user(f"WO-2024-00812 | Asset: {m1} | Task: replace bag filters | Due: 2024-03-20\n"
                   f"WO-2024-00813 | Asset: {m2} | Task: belt tension check | Due: 2024-03-21\n\n"
                   "Can these be combined into one visit?")
        elif i == 2:
            a = meter_id(r, 1)
            a2 = meter_id(r, 1)
            c.s(a, "meter")
            c.s(a2, "meter")
            c.user(f"BACnet object list excerpt:\n\nanalog-input,3  {a}.SAT  Supply air temp\nanalog-input,4  {a}.RAT  "
                   f"Return air temp\nanalog-value,12 {a2}.CHWST  Chilled water supply temp\n\nSuggest a Haystack tagging for these points.")
        elif i == 3:
            m = c.s(meter_id(r, 0), "meter")
            m2 = c.s(meter_id(r, 2), "meter")
            c.user(f"MQTT topics we subscribe to:\n\nsite/north/{m}/energy\nsite/north/{m}/power\nsite/south/{m2}/energy\n\n"
                   "Is a wildcard like site/+/+/energy a good idea here?")
        elif i == 4:
            m = c.s(meter_id(r, 2), "meter")
            c.user(f"SAP PM Meldung 10004512: Equipment {m}, Funktionsplatz DE01-HZG-UV2, Schadensbild 'Zähler zählt rückwärts'. "
                   "Formuliere bitte eine Rückfrage an den Messstellenbetreiber.")
        elif i == 5:
            m = c.s(meter_id(r, 1), "meter")
            c.user(f"Niagara alarm console:\n\nSource: /Drivers/BacnetNetwork/{m}/points/HighLimitAlarm\nState: Offnormal\n"
                   "Timestamp: 12-Mar-24 03:12 AM CET\nAck: unacked\n\nWhat does Offnormal mean vs Fault?")
        elif i == 6:
            ms = [c.s(meter_id(r, 2), "meter") for _ in range(3)]
            c.user("$ ls exports/\n" + "\n".join(f"{m}.csv" for m in ms) + "\nREADME.txt\n\n"
                   "Write a bash loop that gzips every export older than 30 days.")
        elif i == 7:
            rows = ["| equipment | unit id | first register | type |", "|---|---|---|---|"]
            for k in range(3):
                m = c.s(meter_id(r, 1), "meter")
                rows.append(f"| {m} | {k + 3} | 4000{k + 1} | float32 |")
            c.user("Modbus map from the integrator:\n\n" + "\n".join(rows) + "\n\nAre unit ids 3-5 a problem on one RS-485 segment?")
        else:
            cid = call_id(r)
            m = c.s(meter_id(r, 0), "meter")
            m2 = c.s(meter_id(r, 1), "meter")
            c.tool("get_alarm_history", "Returns recent alarms for a meter or equipment.", {"meterId": "string"})
            c.user(f"Any alarms on {m} this week?")
            c.call(cid, "get_alarm_history", {"meterId": m})
            c.result(cid, "dictionary", {"meterId": m, "alarms": [{"code": "COMM_LOSS", "relatedEquipment": m2, "count": 3}]})
        yield c


# =====================================================================================================================
# MIXED (expect: masked)
# =====================================================================================================================

@family("mixed-paste", "masked",
        "one realistic paste carrying several kinds at once: incident report (name, phone, e-mail, building id, meter "
        "id, IP), onboarding e-mail (temporary password, VPN gateway IP, phone), support ticket (IBAN, address, e-mail), "
        "vendor handover (connection string, site id, names), site-visit plan (address, coordinates, phone), German "
        "Störungsmeldung, Spanish meeting minutes, data-sharing request (building/site ids, API key), French "
        "intervention report (Wi-Fi password, gateway IP)")
def fam_mixed(r):
    for i in range(9):
        c = C()
        if i == 0:
            p = person(r, "CA")
            nm, em = c.s(p["name"], "name"), c.s(p["email"], "email")
            tel = c.s(ph("CA", p["mobile"]), "phone")
            b = c.s(bdg(r), "building")
            m = c.s(meter_id(r, 0), "meter")
            ip = c.s(priv_ipv4(r), "ip")
            c.user(f"INCIDENT REPORT #IR-{r.randint(100, 999)}\nBuilding: {b}\nMeter: {m} (gateway {ip})\n"
                   f"Reported by: {nm}, {tel}, {em}\nSummary: meter offline since 02:10, gateway answers ping but Modbus "
                   "times out.\n\nWrite the root-cause section and a customer-facing summary without technical jargon.")
        elif i == 1:
            p = person(r, "SE")
            nm, em = c.s(p["name"], "name"), c.s(p["email"], "email")
            pw = c.s(password(r, "words"), "password")
            vpn = c.s(pub_ipv4(r), "ip")
            hd = c.s(ph("SE", p["office"]), "phone")
            c.user(f"Please make this onboarding e-mail friendlier:\n\nHi {nm},\nyour account is {em}, temporary "
                   f"password {pw} (change at first login). VPN gateway: {vpn}. Questions: helpdesk {hd}.\n")
        elif i == 2:
            p = person(r, "PL")
            nm, em = c.s(p["name"], "name"), c.s(p["email"], "email")
            ib = c.s(by4(iban(r, "PL")), "iban")
            street = c.s(f"ul. {r.choice(['Pańska', 'Złota', 'Wspólna'])} {r.randint(2, 90)}", "address")
            pc = c.s(f"00-{r.randint(100, 999)} Warszawa", "postcode")
            c.user(f"Ticket #48211 from {nm} <{em}>:\n'Please refund the double charge to {ib}. Our billing address "
                   f"changed to {street}, {pc}.'\n\nDraft the reply and list what we must verify first.")
        elif i == 3:
            site = c.s(r.choice(SITES), "site")
            pw = c.s(url_pw(r), "password")
            n1, n2 = r.sample(PEOPLE, 2)
            c.s(n1, "name")
            c.s(n2, "name")
            c.user(f"Handover notes — {site} site metering server\n- Owner until March: {n1}; from April: {n2}\n"
                   f"- DB: Server=sql02.internal;Database=Metering;User Id=meter_app;Password={pw};TrustServerCertificate=True\n"
                   "- Backups: nightly 02:00\n\nTurn this into a proper runbook outline.")
        elif i == 4:
            p = person(r, "ZA")
            nm = c.s(p["name"], "name")
            tel = c.s(ph("ZA", p["mobile"]), "phone")
            la, lo = coord(r, "Cape Town", 6)
            cc = f"{la}, {lo}"
            c.s(la, "coord")
            c.s(lo, "coord")
            street = c.s(f"{r.randint(2, 90)} {r.choice(['Bree Street', 'Loop Street', 'Buitengracht Street'])}", "address")
            pc = c.s(f"Cape Town {r.choice(['8001', '8000'])}", "postcode")
            c.user(f"Site visit plan: {street}, {pc}. Gate at {cc}. Contact on site {nm} ({tel}). "
                   "Put this in a checklist for the PV inspection team.")
        elif i == 5:
            nm = c.s(r.choice(["Jürgen Hoffmann", "Magdalena Horváth"]), "name")
            mob = c.s("+49 " + r.choice(["151", "160", "176"]) + " " + digits(r, 8, "123456789"), "phone")
            m = c.s(meter_id(r, 2), "meter")
            b = c.s(bdg(r), "building")
            street = c.s(f"{r.choice(['Lindenauer Markt', 'Merseburger Straße'])} {r.randint(2, 60)}", "address")
            pc = c.s(f"04{r.randint(103, 357)} Leipzig", "postcode")
            c.user(f"Störungsmeldung: Zähler {m} ({b}) liefert seit gestern keine Werte. Standort {street}, {pc}. "
                   f"Ansprechpartner {nm}, mobil {mob}.\n\nBitte als strukturierte Meldung für den Dienstleister aufbereiten.")
        elif i == 6:
            ns = r.sample(["Lucía Martín", "Mateo Fernández", "Carlos Mendoza", "Catalina Herrera", "Diego Ramírez"], 2)
            for n in ns:
                c.s(n, "name")
            e = c.s(email_for(r, ns[0], "costablanca-mantenimiento.es", 0), "email")
            b1, b2 = c.s(bdg(r), "building"), c.s(bdg(r), "building")
            c.user(f"Acta de reunión: asistentes {ns[0]} ({e}) y {ns[1]}. Se acuerda revisar los consumos de {b1} y "
                   f"{b2} antes del 30 de abril.\n\n¿Puedes convertir esto en una lista de tareas con responsables?")
        elif i == 7:
            s1 = c.s(r.choice(SITES), "site")
            bs = [c.s(bdg(r, s1), "building") for _ in range(2)]
            q = person(r, "US")
            em = c.s(q["email"], "email")
            key = c.s("bg_live_" + rstr(r, 32), "secret")
            c.user(f"Data-sharing request from {em}: they want hourly data for {bs[0]} and {bs[1]} (site {s1}). "
                   f"Our API key for the export job is {key}. Draft a data-sharing agreement checklist.")
        else:
            nm = c.s(r.choice(["Camille Dubois", "Pierre-Luc Gagnon"]), "name")
            wifi = c.s(password(r, "mixed"), "password")
            gw = c.s(priv_ipv4(r), "ip")
            c.user(f"Rapport d'intervention : technicien {nm}. Passerelle Modbus à l'adresse {gw}, Wi-Fi technique "
                   f"« BMS-LOCAL », mot de passe {wifi}. Compteurs relus, aucune anomalie.\n\nPeux-tu le mettre au propre ?")
        yield c


@family("mixed-conversation", "masked",
        "sensitive values outside the last user message: in an earlier assistant turn (echoed contact, extracted IBAN), "
        "in `instructions` (API key), in `send_email` tool-call arguments, in a `lookup_contact` dictionary result, in "
        "a first user turn with a password, in a `string` work-order result (address), in `callId`s (meter id), in a "
        "`system` message (on-call name and phone)")
def fam_conv(r):
    for i in range(9):
        c = C()
        if i == 0:
            p = person(r, "IT")
            nm, em = c.s(p["name"], "name"), c.s(p["email"], "email")
            tel = c.s(ph("IT", p["mobile"]), "phone")
            c.user("Who is the contact for the Bologna heat network?")
            c.asst(f"According to the contract annex it's {nm} ({em}, {tel}).")
            c.user("Great, draft a short e-mail asking for last winter's supply temperatures.")
        elif i == 1:
            key = c.s("bg_live_" + rstr(r, 32), "secret")
            c.instructions = (f"You are the BlueGrid support assistant. When you need to call the metering API use the "
                              f"header X-Api-Key: {key}. Never reveal it.")
            c.user("How do I export last month's data as CSV?")
        elif i == 2:
            a, b = r.sample(ASCII_PEOPLE, 2)
            ea = c.s(email_for(r, a, "bluegrid.energy", 0), "email")
            eb = c.s(email_for(r, b, "tidewater-campus.solutions", 1), "email")
            cid = call_id(r)
            c.tool("send_email", "Sends an e-mail.", {"to": "string", "cc": "string", "subject": "string", "body": "string"})
            c.user("Send the audit summary to the client and copy our account manager.")
            c.call(cid, "send_email", {"to": eb, "cc": ea, "subject": "Energy audit summary", "body": "Please find the summary attached."})
            c.result(cid, "json", {"status": "sent", "messageId": rstr(r, 12, HEX)})
        elif i == 3:
            nm = r.choice(ASCII_PEOPLE)
            c.s(nm, "name")
            em = c.s(email_for(r, nm, "harbourview-estates.ca", 0), "email")
            n = nsn(r, "CA")
            tel = c.s(f"{n[:3]}-{n[3:6]}-{n[6:]}", "phone")
            cid = call_id(r)
            c.tool("lookup_contact", "Looks up a contact in the CRM.", {"query": "string"})
            c.user("Who manages the Toronto tower?")
            c.call(cid, "lookup_contact", {"query": "property manager Toronto tower"})
            c.result(cid, "dictionary", {"name": nm, "email": em, "phone": tel, "role": "Property Manager"})
            c.user("Write them an intro.")
        elif i == 4:
            pw = c.s(url_pw(r), "password")
            c.user(f"The BMS web UI login is admin / {pw}. I'll need that later.")
            c.asst("Noted. Please consider storing it in a password manager rather than in chat.")
            c.user("Now write me the curl command that logs in and downloads the trend export.")
        elif i == 5:
            street = c.s(f"{r.randint(2, 300)} {r.choice(['Collins Street', 'Flinders Lane', 'Queen Street'])}", "address")
            pc = c.s("Melbourne VIC 3000", "postcode")
            cid = call_id(r)
            c.tool("get_work_order", "Returns a work order as text.", {"id": "string"})
            c.user("What's in work order 7781?")
            c.call(cid, "get_work_order", {"id": "7781"})
            c.result(cid, "string", f"WO 7781 - Replace cooling tower fan belt. Site: {street}, {pc}. Access via loading dock.")
        elif i == 6:
            m = c.s(meter_id(r, 0), "meter")
            cid = f"call_{rstr(r, 10)}-{m}"
            c.tool("get_meter_status", "Returns communication status of a meter.", {"meterId": "string"})
            c.user("Is the main meter talking again?")
            c.call(cid, "get_meter_status", {"meterId": m})
            c.result(cid, "dictionary", {"meterId": m, "online": True, "lastSeen": "2024-03-12T09:41:00Z"})
        elif i == 7:
            p = person(r, "SG")
            nm = c.s(p["name"], "name")
            tel = c.s(ph("SG", p["mobile"]), "phone")
            c.system(f"On-call engineer this week: {nm}, {tel}. Mention them when the user reports an outage.")
            c.user("The chiller plant tripped, what should I do first?")
        else:
            ib = c.s(by4(iban(r, "DK")), "iban")
            c.user("Can you pull the bank details out of the invoice I uploaded?")
            c.asst(f"The invoice lists Fjernvarme Syd A/S, IBAN {ib}, BIC DABADKKK, due 2024-04-05.")
            c.user("Does that IBAN match the one in the contract? The contract says it ends in 4417.")
        yield c

# =====================================================================================================================
# BENIGN (expect: benign) -- look-alikes that contain no personal data, secrets, single-building readings or ids
# =====================================================================================================================
N_BENIGN = 18


def sha(r, n=64):
    return rstr(r, n, HEX)


def semver(r):
    return f"{r.randint(1, 9)}.{r.randint(0, 20)}.{r.randint(0, 40)}"


def rand_uuid(r):
    return str(uuid.UUID(int=r.getrandbits(128), version=4))


@family("benign-build-logs", "benign",
        "CI logs (GitHub Actions) with commit hashes and elapsed times, `sha256sum` output, docker "
        "pulls with `sha256:` digests, `git log --oneline` with tags, `dotnet --info` (SDK/runtime versions, Windows "
        "build `10.0.20348.2340`), NuGet restore lines, `npm audit` with CVE/GHSA ids, Terraform plan summaries, "
        "Kubernetes rollout output")
def fam_b_build(r):
    for i in range(N_BENIGN):
        c = C()
        k = i % 9
        if k == 0:
            sh = sha(r, 40)
            c.user("GitHub Actions log, the cache never hits:\n\n"
                   f"2024-03-{10 + i % 9:02d}T06:0{i % 10}:14.5512345Z Run actions/checkout@v4\n"
                   f"2024-03-{10 + i % 9:02d}T06:0{i % 10}:15.0912345Z HEAD is now at {sh[:7]} Merge pull request #{r.randint(100, 999)} from feature/tariff-cache\n"
                   f"2024-03-{10 + i % 9:02d}T06:0{i % 10}:16.1112345Z Cache not found for input keys: nuget-Linux-{sha(r)}\n"
                   f"2024-03-{10 + i % 9:02d}T06:0{i % 10 + 1}:58.4412345Z Build succeeded.\n    0 Warning(s)\n    0 Error(s)\n"
                   f"Time Elapsed 00:01:{r.randint(10, 59)}.{r.randint(10, 99)}\n\nWhat's wrong with my cache key?")
        elif k == 1:
            files = ["eaio-routing-" + semver(r) + suf for suf in [".nupkg", ".snupkg", "-linux-x64.tar.gz"]]
            lines = [f"{sha(r)}  {f}" for f in files]
            c.user("sha256sum output of the release artefacts:\n\n" + "\n".join(lines)
                   + "\n\nHow do I publish these as a SHA256SUMS file and sign it?")
        elif k == 2:
            v = semver(r)
            c.user(f"$ docker pull ghcr.io/bluegrid/meter-ingest:{v}\n{v}: Pulling from bluegrid/meter-ingest\n"
                   f"{sha(r, 12)}: Already exists\n{sha(r, 12)}: Pull complete\nDigest: sha256:{sha(r)}\n"
                   f"Status: Downloaded newer image for ghcr.io/bluegrid/meter-ingest:{v}\n\nShould I pin by digest or by tag in the Helm chart?")
        elif k == 3:
            msgs = ["Add weather normalisation for gas", "Fix DST gap in hourly resample", "Bump Sep to 0.6.0",
                    "Refactor tariff engine", "Docs: explain degree-day base", "Release v" + semver(r)]
            lines = [f"{sha(r, 7)} {m}" for m in r.sample(msgs, 5)]
            c.user("git log --oneline -5\n" + "\n".join(lines) + "\n\nWrite release notes from this.")
        elif k == 4:
            c.user("dotnet --info on the build agent:\n\n.NET SDK:\n Version:           8.0." + str(r.randint(100, 499))
                   + f"\n Commit:            {sha(r, 10)}\n Workload version:  8.0.{r.randint(100, 499)}-manifests.{sha(r, 8)}\n\n"
                   f"Runtime Environment:\n OS Name:     Windows\n OS Version:  10.0.20348\n OS Platform: Windows\n RID:         win-x64\n\n"
                   f"Host:\n  Version:      8.0.{r.randint(1, 15)}\n  Architecture: x64\n  Commit:       {sha(r, 10)}\n\n"
                   f"The VM image says build 10.0.20348.{r.randint(1000, 2999)}. Is that Server 2022, and is it supported?")
        elif k == 5:
            pk = [("Microsoft.Extensions.AI", f"9.{r.randint(0, 5)}.0"), ("OllamaSharp", f"5.{r.randint(0, 3)}.{r.randint(1, 20)}"),
                  ("Npgsql", f"8.0.{r.randint(1, 6)}"), ("Microsoft.Data.Sqlite", f"8.0.{r.randint(1, 12)}")]
            lines = [f"  Restored /src/{p}/{p}.csproj (in {r.randint(80, 900)} ms)." for p, _ in pk[:2]]
            lines += [f"  warn : NU1603: {p} {v} depends on System.Text.Json (>= 8.0.{r.randint(1, 5)}) but it was not found." for p, v in pk[2:]]
            c.user("dotnet restore output:\n\n" + "\n".join(lines) + "\n\nAre these warnings dangerous?")
        elif k == 6:
            c.user("npm audit:\n\n# npm audit report\n\nfollow-redirects  <=1.15.5\nSeverity: moderate\n"
                   f"Improper Handling of Extra Parameters - https://github.com/advisories/GHSA-cxjh-pqwp-8mfp\n"
                   "fix available via `npm audit fix`\n\nws  8.0.0 - 8.17.0\nSeverity: high\nCVE-2024-37890 - denial of service\n\n"
                   f"{r.randint(2, 9)} vulnerabilities ({r.randint(1, 4)} moderate, {r.randint(1, 3)} high)\n\nWhich one should I fix first for the dashboard build?")
        elif k == 7:
            a, ch, d = r.randint(1, 9), r.randint(0, 5), r.randint(0, 2)
            c.user(f"terraform plan summary:\n\n  # azurerm_linux_web_app.energy_api will be updated in-place\n"
                   f"  ~ site_config {{\n      ~ application_stack {{\n          ~ dotnet_version = \"7.0\" -> \"8.0\"\n        }}\n    }}\n\n"
                   f"Plan: {a} to add, {ch} to change, {d} to destroy.\n\nIs the in-place update going to cause downtime?")
        else:
            pod = f"meter-ingest-{rstr(r, 10, LOWER + DIGITS)}-{rstr(r, 5, LOWER + DIGITS)}"
            c.user(f"$ kubectl rollout status deploy/meter-ingest\nWaiting for deployment \"meter-ingest\" rollout to finish: "
                   f"1 of 3 updated replicas are available...\n$ kubectl get pods\nNAME                                READY   STATUS             RESTARTS   AGE\n"
                   f"{pod}   0/1     CrashLoopBackOff   {r.randint(3, 9)}          {r.randint(2, 9)}m\n\nHow do I see why it crashes?")
        yield c


GTIN_PREFIX = ["400", "401", "590", "800", "871", "730"]


def gtin13(r):
    while True:
        body = r.choice(GTIN_PREFIX) + digits(r, 9)
        s = sum(int(d) * (3 if k % 2 else 1) for k, d in enumerate(body))
        g = body + str((10 - s % 10) % 10)
        if not luhn_ok(g):
            return g


@family("benign-part-numbers", "benign",
        "spare-part lists with manufacturer order numbers (`6ES7 214-1AG40-0XB0`), actuator/VFD/pump model codes, "
        "firmware versions, 10-digit serial numbers, GTIN-13 barcodes (not Luhn-valid), nameplate ratings, generic unit "
        "names that are not roster ids (`AHU 3`, `CH-2`, `P-12`)")
def fam_b_parts(r):
    for i in range(N_BENIGN):
        c = C()
        k = i % 6
        if k == 0:
            rows = ["| part no. | description | qty | unit price |", "|---|---|---|---|"]
            parts = [("6ES7 214-1AG40-0XB0", "CPU 1214C DC/DC/DC"), ("6ES7 521-1BL00-0AB0", "DI 32x24VDC"),
                     ("LMV-D3-MP", "VAV compact controller"), ("NM24A-SR", "damper actuator 10 Nm"),
                     ("FC-102P7K5T4E20H2", "HVAC drive 7.5 kW"), ("QAE2120.010", "immersion temperature sensor"),
                     ("3RT2026-1BB40", "contactor 25 A 24 V DC")]
            for pn, d in r.sample(parts, 4):
                rows.append(f"| {pn} | {d} | {r.randint(1, 12)} | {r.randint(20, 900)}.{r.randint(10, 99)} |")
            c.user("Spare parts quote for the plant room. Anything here that is end-of-life?\n\n" + "\n".join(rows))
        elif k == 1:
            sn = digits(r, 10, "123456789")
            fw = f"{r.randint(1, 5)}.{r.randint(0, 30)}.{r.randint(0, 9)}"
            c.user(f"The heat meter display shows S/N {sn} and firmware {fw}. The vendor says M-Bus secondary addressing "
                   "needs at least firmware 2.0. Is the serial the same as the secondary address?")
        elif k == 2:
            kw = r.choice(["7.5", "11", "15", "18.5", "22", "37"])
            c.user(f"Nameplate of the supply fan drive: FC-102P{kw.replace('.', 'K')}T4E20H2XGC, rated {kw} kW, 380-480 V, "
                   f"{r.randint(14, 75)} A, IP20, manufactured week {r.randint(1, 52)}/{r.randint(2015, 2023)}. "
                   "Which parameter group sets the PID for static pressure?")
        elif k == 3:
            g1, g2 = gtin13(r), gtin13(r)
            c.user(f"Our stock system scanned these barcodes: {g1} (filter bag F7 592x592) and {g2} (V-belt SPA 1250). "
                   "Why does the import reject the second one as 'invalid check digit'?")
        elif k == 4:
            c.user(f"Layout: AHU {r.randint(1, 4)} and AHU {r.randint(5, 8)} serve floors 2-{r.randint(5, 9)}, CH-{r.randint(1, 3)} is the lead "
                   f"chiller and pump P-{r.randint(10, 19)} the secondary loop. What's a sensible sequence of operation for low load?")
        else:
            lang = r.choice(["de", "fr", "es"])
            model = r.choice(["Grundfos MAGNA3 40-120 F", "Wilo Stratos MAXO 50/0,5-12", "KSB Calio 40-120"])
            q = {"de": f"Welche Ersatzpumpe passt für {model}, Baujahr {r.randint(2008, 2016)}? Förderhöhe {r.randint(6, 12)} m, Volumenstrom {r.randint(8, 30)} m³/h.",
                 "fr": f"Quel modèle remplace la pompe {model} installée en {r.randint(2008, 2016)} ? Hauteur {r.randint(6, 12)} m, débit {r.randint(8, 30)} m³/h.",
                 "es": f"¿Qué bomba sustituye a la {model} instalada en {r.randint(2008, 2016)}? Altura {r.randint(6, 12)} m, caudal {r.randint(8, 30)} m³/h."}[lang]
            c.user(q)
        yield c


@family("benign-tickets", "benign",
        "invoice, PO (10-digit SAP numbers), ServiceNow `INC`/`CHG`, Jira keys, RMA and courier waybill numbers, "
        "ticket UUIDs, CVE ids, appointment dates and time windows without readings")
def fam_b_tickets(r):
    for i in range(N_BENIGN):
        c = C()
        k = i % 7
        if k == 0:
            c.user(f"Invoice INV-2024-{r.randint(1, 9999):06d} dated 2024-03-{r.randint(1, 28):02d} references PO "
                   f"45000{digits(r, 5)}, but our PO for the chiller service is 45000{digits(r, 5)}. Draft a neutral query "
                   "to the supplier's accounts department.")
        elif k == 1:
            c.user(f"INC{r.randint(10000, 99999):07d} opened 2024-03-{r.randint(1, 28):02d} {r.randint(7, 17):02d}:{r.randint(0, 59):02d}, "
                   f"priority P{r.randint(2, 4)}, CI: BMS-HIST01, linked change CHG{r.randint(10000, 99999):07d}. "
                   "Write the resolution note: root cause was an expired certificate on the historian.")
        elif k == 2:
            u = rand_uuid(r)
            c.user(f"Ticket {u} was reopened for the third time (lift energy recovery drive). How do I escalate it in "
                   "our vendor's portal without creating a duplicate?")
        elif k == 3:
            cves = r.sample(["CVE-2021-44228", "CVE-2023-44487", "CVE-2024-3094", "CVE-2022-22965", "CVE-2023-4863"], 3)
            c.user("Our building gateway vendor lists " + ", ".join(cves) + " as 'not affected'. How can I verify that "
                   "claim myself?")
        elif k == 4:
            d = dtm.date(2024, r.randint(4, 10), r.randint(1, 20))
            slots = [f"{d + dtm.timedelta(days=7 * j):%Y-%m-%d} {r.choice(['08:00–12:00', '13:00–17:00', '07:30–11:30'])}" for j in range(3)]
            c.user("Service visits for the sprinkler pumps:\n- " + "\n- ".join(slots) + "\n\nPut them into an ICS-friendly list and "
                   "check none falls on a public holiday in Germany.")
        elif k == 5:
            c.user(f"RMA-{r.randint(10000, 99999)} for the faulty M-Bus master: shipped with DHL waybill {digits(r, 10, '123456789')}, "
                   f"UPS return label 1Z{rstr(r, 6, UPPER + DIGITS)}{digits(r, 10)}. The vendor says nothing arrived. What should I send them?")
        else:
            c.user(f"Jira FM-{r.randint(100, 3999)} and FM-{r.randint(100, 3999)} are duplicates (both 'radiator valves "
                   f"stuck after summer'). SAP maintenance order {r.randint(4000000, 4999999)} covers the work. "
                   "How do I link them cleanly?")
        yield c


@family("benign-tariffs", "benign",
        "time-of-use tariff tables (hour bands with prices), seasonal demand charges, monthly gas price series, "
        "feed-in tariffs by commissioning year, network charges by voltage level; German HT/NT, French heures "
        "pleines/creuses, Spanish P1-P6, Italian F1-F3, Dutch piek/dal, Polish G12")
def fam_b_tariffs(r):
    for i in range(N_BENIGN):
        c = C()
        k = i % 9
        p = lambda lo, hi: nz(r.uniform(lo, hi), 4)
        if k == 0:
            rows = ["| band | hours (weekdays) | price EUR/kWh |", "|---|---|---|",
                    f"| peak | 08:00-12:00, 17:00-20:00 | {p(0.28, 0.36)} |", f"| shoulder | 12:00-17:00 | {p(0.2, 0.26)} |",
                    f"| off-peak | 20:00-08:00 | {p(0.12, 0.18)} |"]
            c.user("Our new time-of-use tariff:\n\n" + "\n".join(rows) + "\n\nIf we shift 30% of the cooling from peak to "
                   "off-peak with ice storage, what's the saving per shifted kWh?")
        elif k == 1:
            rows = [f"{MON3[m]} {p(0.04, 0.09)} EUR/kWh" for m in range(12)]
            c.user(f"Monthly gas wholesale price for {r.choice([2022, 2023])} (day-ahead average, THE hub):\n" + "\n".join(rows)
                   + "\n\nWhen would fixing the price for next winter have been smartest?")
        elif k == 2:
            rows = [f"{y}: {nz(r.uniform(5, 13), 2)} ct/kWh" for y in range(2012, 2012 + r.randint(6, 10))]
            c.user("EEG-Einspeisevergütung für Dachanlagen bis 10 kWp nach Inbetriebnahmejahr:\n" + "\n".join(rows)
                   + "\n\nLohnt sich bei einer Anlage von 2014 der Umstieg auf Eigenverbrauch?")
        elif k == 3:
            c.user(f"Tarif EDF : heures pleines 06h–22h à {p(0.22, 0.28)} €/kWh, heures creuses 22h–06h à {p(0.15, 0.2)} €/kWh, "
                   f"abonnement {r.randint(12, 40)},{r.randint(10, 99)} €/mois. Combien économise-t-on en programmant les ballons d'eau chaude la nuit ?")
        elif k == 4:
            rows = [f"P{j}: {p(0.08, 0.3)} €/kWh" for j in range(1, 7)]
            c.user("Peajes y cargos 6.1TD por periodo:\n" + "\n".join(rows) + "\n\n¿Qué meses del año son temporada alta en la península?")
        elif k == 5:
            c.user(f"Fasce orarie: F1 lun–ven 8–19 a {p(0.2, 0.3)} €/kWh, F2 lun–ven 7–8 e 19–23 e sabato 7–23 a {p(0.16, 0.22)} €/kWh, "
                   f"F3 notte e festivi a {p(0.12, 0.18)} €/kWh. Conviene spostare la ricarica dei carrelli elevatori in F3?")
        elif k == 6:
            c.user(f"Ons contract: piektarief {p(0.25, 0.33)} €/kWh (ma–vr 07–23), daltarief {p(0.18, 0.24)} €/kWh. "
                   "Vanaf wanneer is een thuisbatterij voor het kantoor rendabel?")
        elif k == 7:
            c.user(f"Taryfa G12: strefa dzienna {nz(r.uniform(0.6, 0.9), 4)} zł/kWh (6–13, 15–22), strefa nocna "
                   f"{nz(r.uniform(0.3, 0.5), 4)} zł/kWh. Ile zaoszczędzimy, przenosząc pranie na noc?")
        else:
            rows = ["| season | demand charge EUR/kW/month |", "|---|---|",
                    f"| Nov–Feb | {nz(r.uniform(8, 14), 2)} |", f"| Mar–Apr, Sep–Oct | {nz(r.uniform(5, 9), 2)} |",
                    f"| May–Aug | {nz(r.uniform(3, 6), 2)} |"]
            c.user("Network charges at medium voltage, demand component:\n\n" + "\n".join(rows)
                   + f"\n\nA {r.randint(200, 900)} kW peak in January costs how much more than the same peak in June?")
        yield c


DD_CITIES = ["Frankfurt", "Lyon", "Madrid", "Utrecht", "Turin", "Poznań", "Chicago", "Toronto", "Melbourne", "Graz",
             "Bordeaux", "Glasgow", "Minneapolis", "Sapporo"]


@family("benign-degree-days", "benign",
        "heating/cooling degree-day tables by month for a city or region (base 15.5 °C, 18 °C, 65 °F), multi-year "
        "comparisons, climate normals, a few daily outdoor-temperature tables from a public weather station")
def fam_b_dd(r):
    for i in range(N_BENIGN):
        c = C()
        city = DD_CITIES[i % len(DD_CITIES)]
        k = i % 6
        if k in (0, 1):
            base = r.choice(["15.5 °C", "18 °C"])
            prof = [1.0, 0.9, 0.75, 0.5, 0.25, 0.08, 0.03, 0.04, 0.18, 0.42, 0.7, 0.95]
            mx = r.uniform(380, 560)
            rows = [f"| {MON3[m]} | {int(mx * prof[m] + r.uniform(-15, 15)) if prof[m] > 0.05 else r.randint(0, 12)} |" for m in range(12)]
            c.user(f"Heating degree days {city}, base {base}, {r.choice([2021, 2022, 2023])}:\n\n| month | HDD |\n|---|---|\n"
                   + "\n".join(rows) + "\n\nHow do I use these to weather-correct a portfolio's gas consumption?")
        elif k == 2:
            prof = [0, 0, 0.02, 0.05, 0.15, 0.5, 0.9, 0.8, 0.35, 0.06, 0, 0]
            mx = r.uniform(250, 600)
            rows = [f"{MONTHS_EN[m]}: {int(mx * prof[m])}" for m in range(12)]
            c.user(f"Cooling degree days (65 °F base) for {city}, 30-year normal:\n" + "\n".join(rows)
                   + "\n\nWhich months matter for sizing the chiller plant?")
        elif k == 3:
            y1, y2 = 2022, 2023
            rows = [f"| {MON3[m]} | {r.randint(200, 500) if m in (0, 1, 2, 10, 11) else r.randint(0, 200)} | {r.randint(200, 500) if m in (0, 1, 2, 10, 11) else r.randint(0, 200)} |" for m in range(12)]
            c.user(f"Gradtagzahlen {city} ({y1} vs. {y2}):\n\n| Monat | {y1} | {y2} |\n|---|---|---|\n" + "\n".join(rows)
                   + "\n\nWie stark war das Jahr 2023 wärmer in Prozent?")
        elif k == 4:
            d0 = dtm.date(2023, r.randint(1, 12), 1)
            rows = []
            for j in range(7):
                lo = r.uniform(-5, 8)
                rows.append(f"{d0 + dtm.timedelta(days=j):%Y-%m-%d}  min {nz(lo, 1)} °C  max {nz(lo + r.uniform(3, 9), 1)} °C")
            c.user(f"Daily temperatures from the public weather station at {city} airport:\n" + "\n".join(rows)
                   + "\n\nCompute the heating degree days for that week with a 15.5 °C base.")
        else:
            c.user(f"Les DJU de {city} pour la saison de chauffe {r.randint(2018, 2022)}-{r.randint(2019, 2023)} étaient de "
                   f"{r.randint(1900, 2900)} (base 18 °C), contre une normale de {r.randint(2100, 2800)}. Comment corriger la consommation de gaz du parc avec ce rapport ?")
        yield c


def _median(xs):
    xs = sorted(xs)
    n = len(xs)
    if not n:
        return None
    return xs[n // 2] if n % 2 else (xs[n // 2 - 1] + xs[n // 2]) / 2


def bdg2_aggregates():
    out = {}
    for row in META:
        use = row["primaryspaceusage"]
        if not use:
            continue
        d = out.setdefault(use, {"n": 0, "sqm": [], "year": [], "elec": 0, "chw": 0, "steam": 0})
        d["n"] += 1
        if row["sqm"]:
            d["sqm"].append(float(row["sqm"]))
        if row["yearbuilt"]:
            d["year"].append(float(row["yearbuilt"]))
        d["elec"] += row["electricity"] == "Yes"
        d["chw"] += row["chilledwater"] == "Yes"
        d["steam"] += row["steam"] == "Yes"
    return out


AGG = bdg2_aggregates()


@family("benign-portfolio", "benign",
        "BDG2 aggregates by primary use computed from `metadata.csv` (counts, median floor area, median year built, "
        "meter coverage; no ids), portfolio averages over many buildings, portfolio-average 24-hour load shapes, "
        "EUI benchmark bands, German/Spanish/Dutch questions")
def fam_b_portfolio(r):
    uses = sorted(u for u in AGG if AGG[u]["n"] >= 10)
    for i in range(N_BENIGN):
        c = C()
        k = i % 6
        if k in (0, 1):
            sel = r.sample(uses, 5)
            rows = ["| primary use | buildings | median m² | median year built | with electricity meter |", "|---|---|---|---|---|"]
            for u in sel:
                d = AGG[u]
                ms = _median(d["sqm"])
                my = _median(d["year"])
                rows.append(f"| {u} | {d['n']} | {ms:,.0f} | {int(my) if my else 'n/a'} | {d['elec']} |")
            c.user("Summary of the BDG2 metadata by primary use:\n\n" + "\n".join(rows)
                   + "\n\nWhich groups are large enough for a peer benchmark of at least 30 buildings?")
        elif k == 2:
            n = r.randint(120, 900)
            shape = [nz(r.uniform(0.35, 0.45) + 0.55 * occ(h, 2) + r.uniform(-0.02, 0.02), 3) for h in range(24)]
            rows = [f"{h:02d}:00  {shape[h]}" for h in range(24)]
            c.user(f"Normalised average weekday load shape across {n} office buildings (share of daily peak):\n"
                   + "\n".join(rows) + "\n\nWhat does the 05:00 ramp tell us about typical HVAC start times?")
        elif k == 3:
            c.user(f"Portfolio of {r.randint(40, 400)} schools: mean EUI {r.randint(90, 160)} kWh/m²·a, median "
                   f"{r.randint(85, 150)}, interquartile range {r.randint(70, 100)}–{r.randint(150, 210)}. How should I set "
                   "targets for the worst quartile without penalising swimming-pool sites?")
        elif k == 4:
            u = r.choice(uses)
            d = AGG[u]
            c.user(f"Im BDG2-Datensatz gibt es {d['n']} Gebäude mit der Nutzung '{u}', davon {d['chw']} mit Kältezähler und "
                   f"{d['steam']} mit Dampfzähler. Reicht das für ein Regressionsmodell je Messart?")
        else:
            lang = r.choice(["es", "nl"])
            n = r.randint(200, 1500)
            if lang == "es":
                c.user(f"En una cartera de {n} edificios públicos la intensidad media es de {r.randint(110, 190)} kWh/m² al año. "
                       "¿Qué indicadores añadirías al informe anual además de la media?")
            else:
                c.user(f"Over {n} kantoorgebouwen is het gemiddelde gasverbruik {r.randint(8, 16)} m³/m² per jaar. "
                       "Welke normalisaties zijn nodig voordat we gebouwen onderling vergelijken?")
        yield c


@family("benign-code-placeholders", "benign",
        "code and config with placeholder credentials: `<your-key>`, `${DB_PASSWORD}`, `${{ secrets.X }}`, "
        "`os.environ[...]`, `Password=<password>`, Kubernetes `secretKeyRef`, Key Vault references, `$TOKEN`, "
        "`YOUR_API_KEY_HERE`, `dotnet user-secrets set ... \"<key>\"`, `sensitive = true` variables, masked `****`, "
        "`IConfiguration[\"Smtp:Password\"]`, `Read-Host -AsSecureString`, Flux/pandas snippets")
def fam_b_code(r):
    snippets = [
        ("appsettings.json for the router:\n\n```json\n{\n  \"Eaio\": {\n    \"OpenAI\": { \"ApiKey\": \"<your-key>\" },\n"
         "    \"Ollama\": { \"BaseUrl\": \"http://localhost:11434\" }\n  }\n}\n```\nWhere should the real key live in production?"),
        ("docker-compose.yml:\n\n```yaml\nservices:\n  db:\n    image: timescale/timescaledb:2.14.2-pg16\n    environment:\n"
         "      POSTGRES_PASSWORD: ${DB_PASSWORD}\n      POSTGRES_USER: meter\n```\nThe variable is empty at runtime. Why?"),
        ("GitHub workflow step:\n\n```yaml\n- name: Run evals\n  env:\n    OPENAI_API_KEY: ${{ secrets.OPENAI_API_KEY }}\n"
         "    DEEPSEEK_API_KEY: ${{ secrets.DEEPSEEK_API_KEY }}\n  run: dotnet test --filter Category=Eval\n```\nForks can't see the secrets. Workaround?"),
        ("```python\nimport os\nfrom influxdb_client import InfluxDBClient\n\nclient = InfluxDBClient(url=os.environ[\"INFLUX_URL\"],\n"
         "                        token=os.environ[\"INFLUX_TOKEN\"], org=\"facilities\")\n```\nHow do I fail fast with a clear message when the token is missing?"),
        ("Connection string template from our docs:\n\n`Server=tcp:<server>.database.windows.net,1433;Database=<db>;User Id=<user>;Password=<password>;Encrypt=True;`\n\n"
         "Should we recommend Managed Identity instead?"),
        ("```yaml\nenv:\n  - name: SMTP_PASSWORD\n    valueFrom:\n      secretKeyRef:\n        name: smtp-credentials\n        key: password\n```\n"
         "Does the pod need a restart after the secret changes?"),
        ("App Service setting: `SmtpPassword = @Microsoft.KeyVault(SecretUri=https://kv-energy-prod.vault.azure.net/secrets/SmtpPassword/)` "
         "shows a red 'X'. What permissions does the managed identity need?"),
        ("```bash\ncurl -H \"Authorization: Bearer $TOKEN\" \"$API_BASE/v1/buildings?limit=100\"\n```\nHow do I get $TOKEN from the "
         "client-credentials flow in the same script?"),
        (".env.example in the repo:\n\n```\nOPENAI_API_KEY=YOUR_API_KEY_HERE\nGOOGLE_API_KEY=YOUR_API_KEY_HERE\nLLM_MONTHLY_BUDGET=200\n"
         "DEFAULT_PRIVACY_LEVEL=ENHANCED\n```\nShould .env.example be committed?"),
        ("I ran `dotnet user-secrets set \"Eaio:OpenAI:ApiKey\" \"<key>\"` but IConfiguration returns null in the test project. Why?"),
        ("```hcl\nvariable \"db_password\" {\n  type      = string\n  sensitive = true\n}\n```\nterraform plan still prints it in an output. How do I stop that?"),
        ("The deploy log prints `Password=****` and `ApiKey=****`. Is masking in logs enough for ISO 27001, or do we need more?"),
        ("```csharp\nvar smtpPassword = configuration[\"Smtp:Password\"]\n    ?? throw new InvalidOperationException(\"Smtp:Password missing\");\n```\n"
         "Is there a nicer pattern with IOptions and ValidateOnStart?"),
        ("```powershell\n$pw = Read-Host -AsSecureString \"Service account password\"\nNew-LocalUser -Name svc_trend -Password $pw\n```\n"
         "How do I run this unattended without putting the password in the script?"),
        ("```\nfrom(bucket: \"energy\")\n  |> range(start: -7d)\n  |> filter(fn: (r) => r._measurement == \"kwh\")\n  |> aggregateWindow(every: 1d, fn: sum)\n```\n"
         "How do I group by building tag and keep the top 10?"),
        ("```python\ndf = pd.read_csv(\"electricity_cleaned.csv\", index_col=\"timestamp\", parse_dates=True)\n"
         "coverage = df.notna().mean().sort_values()\n```\nWhat threshold of coverage would you use to drop columns?"),
        ("Postgres URL in our README: `postgres://meter_app:${PGPASSWORD}@db:5432/metering`. Is it OK to document it like that?"),
        ("Helm values:\n\n```yaml\nsmtp:\n  host: smtp.office365.com\n  password: \"\"   # set via --set smtp.password=...\n```\n"
         "Better: an existingSecret option? Show me the template."),
    ]
    order = list(range(len(snippets)))
    r.shuffle(order)
    for i in range(N_BENIGN):
        c = C()
        c.user(snippets[order[i % len(snippets)]])
        yield c


@family("benign-standards", "benign",
        "public standards and clause numbers (ISO 50001:2018 6.3, ISO 50006, ISO 50015, EN 16247-1, EN 15232-1 / ISO "
        "52120-1 classes, ASHRAE 90.1-2019 6.5.3, Guideline 36, Guideline 14, IPMVP Option C, ASHRAE 135 Annex J, "
        "IEC 62056-21, EN 13757-4, GEG 71a, EED (EU) 2023/1791 Art. 11, CIBSE TM54, NABERS, BREEAM Ene 01, VDI 3814) in "
        "several languages")
def fam_b_std(r):
    qs = [
        "Which clause of ISO 50001:2018 covers the energy review, and is 6.3 the same as the 2011 version's 4.4.3?",
        "ISO 50006:2023 vs the 2014 edition: what changed for energy baselines and EnPIs?",
        "Does an ISO 50015 M&V plan require the uncertainty to be stated, and in which clause?",
        "EN 16247-1:2022 — which steps of the audit process must be documented in the report?",
        "What's the difference between BACS efficiency classes A and B in EN 15232-1 / ISO 52120-1?",
        "ASHRAE 90.1-2019 section 6.5.3.2.3: when is VAV static pressure reset mandatory?",
        "Summarise the trim-and-respond logic of ASHRAE Guideline 36-2021 for supply air temperature reset.",
        "ASHRAE Guideline 14-2014: what CV(RMSE) and NMBE limits apply to hourly vs monthly models?",
        "IPMVP Option C vs Option B for a lighting retrofit in a 12-storey office — which would you choose and why?",
        "ASHRAE 135-2020 Annex J: how does BACnet/IP use BBMDs across subnets?",
        "IEC 62056-21 mode C: what baud rate switching happens after the identification message?",
        "EN 13757-4: what's the difference between wireless M-Bus modes T1 and C1?",
        "Was verlangt § 71a GEG für die Gebäudeautomation in Nichtwohngebäuden über 290 kW?",
        "Quelles sont les obligations du décret tertiaire pour les bâtiments de plus de 1 000 m² ?",
        "¿Qué exige el artículo 11 de la Directiva (UE) 2023/1791 sobre sistemas de gestión energética?",
        "CIBSE TM54: how does it recommend estimating unregulated loads at design stage?",
        "NABERS Energy for offices: what's the difference between base building and whole building ratings?",
        "BREEAM New Construction Ene 01: how are credits awarded for the energy performance ratio?",
        "VDI 3814 Blatt 1: welche Funktionslisten gehören in eine GA-Ausschreibung?",
        "Qual è la differenza tra diagnosi energetica secondo la UNI CEI EN 16247 e la certificazione ISO 50001?",
    ]
    order = list(range(len(qs)))
    r.shuffle(order)
    for i in range(N_BENIGN):
        c = C()
        c.user(qs[order[i]])
        yield c


@family("benign-dashboards", "benign",
        "hex colours and palettes (`#1f77b4`), Grafana threshold JSON without data, CSS variables, Power BI theme "
        "JSON, RGB/HSL values, SVG icon path data, colour-blind safe palettes")
def fam_b_dash(r):
    for i in range(N_BENIGN):
        c = C()
        k = i % 6
        cols = ["#" + rstr(r, 6, "0123456789abcdef") for _ in range(5)]
        if k == 0:
            c.user("Our energy dashboard palette: " + ", ".join(cols) + ". Is it colour-blind safe? Suggest replacements if not.")
        elif k == 1:
            t1, t2 = r.randint(60, 80), r.randint(85, 95)
            c.user("Grafana panel fieldConfig:\n\n```json\n{\n  \"thresholds\": {\n    \"mode\": \"percentage\",\n    \"steps\": [\n"
                   f"      {{\"color\": \"green\", \"value\": null}},\n      {{\"color\": \"{cols[0]}\", \"value\": {t1}}},\n"
                   f"      {{\"color\": \"red\", \"value\": {t2}}}\n    ]\n  }},\n  \"unit\": \"kwatth\"\n}}\n```\nWhy is the amber step ignored?")
        elif k == 2:
            c.user(":root {\n" + "\n".join(f"  --energy-{n}: {col};" for n, col in zip(["elec", "gas", "heat", "water", "solar"], cols))
                   + "\n}\n\nHow do I get a dark-mode variant with enough contrast (WCAG AA)?")
        elif k == 3:
            theme = {"name": "Facilities", "dataColors": cols, "background": "#ffffff", "foreground": "#252423",
                     "tableAccent": cols[0]}
            c.user("Power BI theme file:\n\n" + json.dumps(theme, indent=2) + "\n\nThe visuals ignore dataColors. What's missing?")
        elif k == 4:
            c.user(f"Convert these to HSL and tell me which two are too similar: rgb({r.randint(0, 255)}, {r.randint(0, 255)}, {r.randint(0, 255)}), "
                   f"rgb({r.randint(0, 255)}, {r.randint(0, 255)}, {r.randint(0, 255)}), {cols[0]}, {cols[1]}.")
        else:
            c.user("SVG icon for 'meter' in our UI kit:\n\n<svg viewBox=\"0 0 24 24\"><path d=\"M12 2a10 10 0 1 0 10 10A10 10 0 0 0 12 2zm0 18a8 8 0 1 1 8-8 8 8 0 0 1-8 8zm1-13h-2v6l5.2 3.1.8-1.3-4-2.4z\" fill=\""
                   + cols[2] + "\"/></svg>\n\nHow do I make it inherit the text colour instead?")
        yield c


@family("benign-schedules", "benign",
        "HVAC occupancy schedules with setpoints, maintenance calendars, DST change dates, demand-response event "
        "windows, single monthly/annual totals, holiday calendars, shift times, timestamps of gaps without values")
def fam_b_sched(r):
    for i in range(N_BENIGN):
        c = C()
        k = i % 9
        if k == 0:
            c.user(f"Proposed schedule: Mon–Fri occupied 07:00–19:00 at {nz(r.uniform(20.5, 22), 1)} °C, setback "
                   f"{nz(r.uniform(16, 18), 1)} °C at night and weekends, optimum start max 3 h. Is a {r.randint(2, 4)} K setback too aggressive for a heavy concrete building?")
        elif k == 1:
            c.user(f"Last month's total electricity for the whole campus was {r.randint(200, 900):,} MWh, "
                   f"{r.randint(2, 12)}% below the same month last year. How do I present this without overclaiming savings?")
        elif k == 2:
            y, sp, fa = r.choice([(2016, "03-13", "11-06"), (2017, "03-12", "11-05"), (2018, "03-11", "11-04"),
                                  (2019, "03-10", "11-03")])
            c.user(f"Our hourly export has a gap at {y}-{sp} 02:00 and a doubled hour at {y}-{fa} 01:00. Is that daylight "
                   f"saving time in the {r.choice(['Eastern', 'Central', 'Pacific'])} time zone, and how should the pipeline handle it?")
        elif k == 3:
            d = dtm.date(2024, r.randint(6, 8), r.randint(1, 28))
            c.user(f"Demand-response event notice: {d:%Y-%m-%d}, 14:00–18:00 local time, target reduction {r.randint(50, 400)} kW "
                   "versus the customer baseline. Which loads should we shed first in an office tower?")
        elif k == 4:
            q0 = r.randint(0, 2)
            c.user(f"Maintenance calendar {r.choice([2024, 2025])}: filters quarterly ({', '.join(MON3[q0 + 3 * j] for j in range(4))}), "
                   f"cooling tower cleaning in {MONTHS_EN[r.randint(3, 5)]} and {MONTHS_EN[r.randint(8, 9)]}, boiler service in "
                   f"{MONTHS_EN[r.randint(6, 8)]}, legionella sampling {r.choice(['monthly', 'every two months'])}. Turn it into a table by month.")
        elif k == 5:
            c.user(f"The annual total for {r.choice([2022, 2023])} was {nz(r.uniform(1.1, 4.8), 2)} GWh of electricity and "
                   f"{nz(r.uniform(0.5, 2.5), 2)} GWh of gas for the district. What CO2 factors should I use for the report?")
        elif k == 6:
            land, days = r.choice([("Bayern", "1.1., 6.1., 29.3., 1.4., 1.5., 9.5., 20.5., 30.5., 15.8., 3.10., 1.11., 25.12., 26.12."),
                                   ("Hessen", "1.1., 29.3., 1.4., 1.5., 9.5., 20.5., 30.5., 3.10., 25.12., 26.12."),
                                   ("Nordrhein-Westfalen", "1.1., 29.3., 1.4., 1.5., 9.5., 20.5., 30.5., 3.10., 1.11., 25.12., 26.12.")])
            c.user(f"Feiertage 2024 in {land}: {days} Wie trage ich die in den Zeitplan der "
                   f"{r.choice(['Lüftungsanlagen', 'Heizkreise', 'Kältemaschinen'])} ein?")
        elif k == 7:
            h = r.choice([6, 7])
            c.user(f"Turnos del equipo de mantenimiento: mañana {h:02d}:00–{h + 8:02d}:00, tarde {h + 8:02d}:00–{h + 16:02d}:00, "
                   f"noche {h + 16:02d}:00–{h:02d}:00, con guardia de fin de semana {r.choice(['rotativa', 'cada tres semanas'])}. "
                   "¿Cómo organizo las rondas de lectura de contadores?")
        else:
            d = dtm.date(2024, r.randint(4, 11), r.randint(1, 28))
            c.user(f"Kick-off for the retro-commissioning on {d.day} {MONTHS_EN[d.month - 1]} {d.year} at 10:30, "
                   "site walk at 13:00, close-out at 16:00. Write an agenda.")
        yield c


@family("benign-protocol-ids", "benign",
        "SNMP OIDs, BACnet object identifiers and device instances, Modbus register maps without values, OBIS code "
        "lists, well-known ports (502, 47808, 1883, 8883), KNX group addresses, M-Bus primary addresses, OPC UA NodeIds, "
        "LoRaWAN DevEUIs")
def fam_b_proto(r):
    for i in range(N_BENIGN):
        c = C()
        k = i % 8
        if k == 0:
            dev = r.choice(["UPS", "PDU", "CRAC unit", "chiller gateway"])
            c.user(f"snmpwalk returns 1.3.6.1.2.1.33.1.2.{r.randint(1, 7)}.0 and 1.3.6.1.4.1.318.1.1.1.2.2.{r.randint(1, 4)}.0 for the {dev}. "
                   "What do these two OIDs represent, and which MIB do I need to load?")
        elif k == 1:
            c.user(f"BACnet: device instance {r.randint(1000, 4194302)}, objects analog-input,{r.randint(1, 40)} and "
                   f"binary-output,{r.randint(1, 20)}. Can a device instance be reused after replacing the controller?")
        elif k == 2:
            rows = ["| register | description | type | unit |", "|---|---|---|---|"]
            base = r.choice([30001, 40001])
            for j, (d, t, u) in enumerate([("active energy import", "float32", "kWh"), ("active power total", "float32", "kW"),
                                           ("voltage L1-N", "float32", "V"), ("power factor", "float32", "-")]):
                rows.append(f"| {base + 2 * j} | {d} | {t} | {u} |")
            c.user(f"Modbus map from the {r.choice(['Janitza', 'Socomec', 'Carlo Gavazzi', 'ABB', 'Schneider'])} meter manual:\n\n"
                   + "\n".join(rows) + f"\n\nIs the register offset 0- or 1-based in {r.choice(['pymodbus', 'NModbus', 'Node-RED'])}?")
        elif k == 3:
            codes = r.sample(["1-0:1.8.0 (import total)", "1-0:2.8.0 (export total)", "1-0:1.7.0 (instant power)",
                              "1-0:32.7.0 (voltage L1)", "1-0:1.8.1 (import tariff 1)", "0-1:24.2.1 (gas)"], 4)
            c.user(f"OBIS codes I need to read: {', '.join(codes)}. Which of these does the "
                   f"{r.choice(['DSMR 5 P1 port', 'SML interface', 'IEC 62056-21 optical port'])} actually send?")
        elif k == 4:
            ports = r.sample(["TCP 502 (Modbus)", "UDP 47808 (BACnet/IP)", "TCP 1883/8883 (MQTT)", "TCP 4840 (OPC UA)",
                              "UDP 3671 (KNXnet/IP)", "TCP 102 (S7)"], 3)
            c.user(f"Firewall request: allow {', '.join(ports)} between VLAN {r.randint(100, 400)} (OT) and the edge gateway. "
                   "Which of these should never be exposed to the internet?")
        elif k == 5:
            c.user(f"KNX group addresses {r.randint(0, 15)}/{r.randint(0, 7)}/{r.randint(0, 255)} (switch) and "
                   f"{r.randint(0, 15)}/{r.randint(0, 7)}/{r.randint(0, 255)} (status). What DPT should the dimming status use?")
        elif k == 6:
            c.user(f"OPC UA NodeId ns=2;s=Boiler{r.randint(1, 4)}.SupplyTemp vs ns=3;i={r.randint(1000, 9999)}: "
                   "which form is stable across server restarts?")
        else:
            c.user(f"LoRaWAN pulse counter: DevEUI 70B3D5{rstr(r, 10, '0123456789ABCDEF')}, JoinEUI {rstr(r, 4, 'ABCDEF')}{rstr(r, 12, '0123456789ABCDEF')}, "
                   f"M-Bus primary address {r.randint(1, 250)} on the wired side. Does OTAA need the AppKey on the gateway too?")
        yield c

# =====================================================================================================================
# build, validate, write
# =====================================================================================================================
EMAIL_RE = re.compile(r"[\w.%+\-]+@[\w\-]+(?:\.[\w\-]+)+")
SITE_WORD_RE = re.compile(r"\b(?:" + "|".join(re.escape(s) for s in SITES) + r")\b", re.IGNORECASE)
JSON_FORBIDDEN = set("+<>&'\"\\`")
KEY_ORDER = ["id", "family", "split", "expect", "instructions", "messages", "tools", "sensitive"]


def compact(v):
    return json.dumps(v, ensure_ascii=False, separators=(",", ":"))


def build():
    hostile, benign, meta = [], [], {}
    for name, expect, forms, fn in FAMILIES:
        r = random.Random(f"{SEED}:{name}")
        n = 0
        for c in fn(r):
            n += 1
            obj = {"id": f"{name}-{n:03d}", "family": name, "split": "holdout" if n % 3 == 0 else "dev",
                   "expect": expect}
            if c.instructions:
                obj["instructions"] = c.instructions
            obj["messages"] = c.messages
            if c.tools:
                obj["tools"] = c.tools
            obj["sensitive"] = [] if expect == "benign" else list(c.sens)
            meta[obj["id"]] = c
            (benign if expect == "benign" else hostile).append(obj)
    return hostile, benign, meta


def dump_jsonl(rows):
    return "".join(json.dumps(o, ensure_ascii=False) + "\n" for o in rows).encode("utf-8")


def request_strings(case):
    plain, js = [], []
    if "instructions" in case:
        plain.append(case["instructions"])
    for m in case["messages"]:
        if "text" in m:
            plain.append(m["text"])
        for tc in m.get("toolCalls", []):
            plain.append(tc["callId"])
            js.append(compact(tc["arguments"]))
        if m["role"] == "tool":
            plain.append(m["callId"])
            js.append(compact(m["result"]))
    tools = [compact(t) for t in case.get("tools", [])]
    return plain, js, tools


def walk_floats(v, path, errs, cid):
    if isinstance(v, bool) or v is None or isinstance(v, (int, str)):
        return
    if isinstance(v, float):
        s = repr(v)
        if "e" in s or "inf" in s or "nan" in s or s.endswith("0"):
            errs.append(f"{cid}: JSON number {s} at {path} must have a non-zero last decimal")
        return
    if isinstance(v, list):
        for k, x in enumerate(v):
            walk_floats(x, f"{path}[{k}]", errs, cid)
        return
    if isinstance(v, dict):
        for k, x in v.items():
            walk_floats(x, f"{path}.{k}", errs, cid)
        return
    errs.append(f"{cid}: unexpected JSON type {type(v).__name__} at {path}")


FOLDED_PEOPLE = {fold(p).lower().replace("'", "") for p in PEOPLE}
FOLDED_PEOPLE |= {" ".join(reversed(fold(p).lower().replace("'", "").split(" "))) for p in PEOPLE}


def check_kind(cid, v, kind, all_strings, errs):
    digs = re.sub(r"\D", "", v)
    if kind == "email":
        if not EMAIL_RE.fullmatch(v):
            errs.append(f"{cid}: email {v!r} is not an address")
    elif kind == "email-obf":
        if "at" not in v.lower():
            errs.append(f"{cid}: obfuscated email {v!r}")
    elif kind == "phone":
        if not 7 <= len(digs) <= 18:
            errs.append(f"{cid}: phone {v!r} has {len(digs)} digits")
    elif kind == "iban":
        if not iban_valid(v):
            errs.append(f"{cid}: IBAN {v!r} fails mod-97")
    elif kind == "card":
        if not (13 <= len(digs) <= 19 and luhn_ok(digs)):
            errs.append(f"{cid}: card {v!r} fails Luhn")
    elif kind == "ip":
        try:
            ipaddress.ip_address(v)
        except ValueError:
            errs.append(f"{cid}: ip {v!r} invalid")
    elif kind == "name":
        if v not in PEOPLE:
            errs.append(f"{cid}: name {v!r} not in roster")
    elif kind == "name-variant":
        if fold(v).lower().replace("'", "") not in FOLDED_PEOPLE or v in PEOPLE:
            errs.append(f"{cid}: name variant {v!r} does not derive from a roster name")
    elif kind == "building":
        if v not in BUILDINGS and v.lower() not in BUILDINGS_LOWER:
            errs.append(f"{cid}: building {v!r} not in metadata.csv")
    elif kind == "site":
        if v.lower() not in SITES_LOWER:
            errs.append(f"{cid}: site {v!r} not in metadata.csv")
    elif kind == "meter":
        found = set()
        for s in all_strings:
            for p in METER_PATTERNS:
                found.update(m.group(0) for m in p.finditer(s))
        if v not in found:
            errs.append(f"{cid}: meter id {v!r} is not matched by a roster pattern in the request")
    elif kind in ("secret", "password"):
        if len(v) < 8:
            errs.append(f"{cid}: secret {v!r} too short")
    elif kind in ("coord", "address", "postcode", "reading", "ts"):
        if not re.search(r"\d", v) and kind != "address":
            errs.append(f"{cid}: {kind} {v!r} has no digit")
    else:
        errs.append(f"{cid}: unknown kind {kind}")


def benign_hits(text):
    hits = []
    low = text.lower()
    for b in BUILDINGS:
        if b.lower() in low:
            hits.append("building id " + b)
    m = SITE_WORD_RE.search(text)
    if m:
        hits.append("site id word " + m.group(0))
    flow = fold(text).lower()
    for p in PEOPLE:
        if p.lower() in low or fold(p).lower() in flow:
            hits.append("roster name " + p)
    for p in METER_PATTERNS:
        m = p.search(text)
        if m:
            hits.append("meter id " + m.group(0))
    m = EMAIL_RE.search(text)
    if m:
        hits.append("e-mail " + m.group(0))
    # extra self-checks: accidental true positives of other kinds
    for m in re.finditer(r"(?<![0-9A-Za-z])\d{13,19}(?![0-9A-Za-z])", text):
        if luhn_ok(m.group(0)):
            hits.append("Luhn-valid number " + m.group(0))
    for m in re.finditer(r"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,3})?\b", text):
        if iban_valid(m.group(0)):
            hits.append("IBAN " + m.group(0))
    for m in re.finditer(r"(?<![\d.])(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?![\d.])", text):
        if all(int(g) <= 255 for g in m.groups()):
            hits.append("IPv4 " + m.group(0))
    if re.search(r"(?i)(password|passwort|mot de passe|contraseña)\s*[:=]\s*(?![<$\"{*@.]|YOUR|configuration|\s)", text):
        hits.append("password assignment")
    return hits


def validate(hostile, benign, meta):
    errs = []
    seen_ids, seen_payloads = set(), {}
    fam_expect = {name: expect for name, expect, _, _ in FAMILIES}
    for fname, rows in (("hostile.jsonl", hostile), ("benign.jsonl", benign)):
        counters = {}
        for case in rows:
            cid = case.get("id", "?")
            keys = list(case.keys())
            if keys != [k for k in KEY_ORDER if k in case] or not {"id", "family", "split", "expect", "messages", "sensitive"} <= set(keys):
                errs.append(f"{cid}: keys {keys}")
            if cid in seen_ids:
                errs.append(f"{cid}: duplicate id")
            seen_ids.add(cid)
            fam = case["family"]
            if fam not in fam_expect or fam_expect[fam] != case["expect"]:
                errs.append(f"{cid}: family/expect mismatch")
            if (fname == "benign.jsonl") != (case["expect"] == "benign"):
                errs.append(f"{cid}: in the wrong file")
            counters[fam] = counters.get(fam, 0) + 1
            n = counters[fam]
            if cid != f"{fam}-{n:03d}":
                errs.append(f"{cid}: id out of sequence (expected {fam}-{n:03d})")
            if case["split"] != ("holdout" if n % 3 == 0 else "dev"):
                errs.append(f"{cid}: split rule")
            if "instructions" in case and (not isinstance(case["instructions"], str) or not case["instructions"]):
                errs.append(f"{cid}: instructions")
            # messages
            call_ids = {}
            tool_names = {t["name"] for t in case.get("tools", [])}
            for t in case.get("tools", []):
                if set(t) != {"name", "description", "parameters"} or t["parameters"].get("type") != "object":
                    errs.append(f"{cid}: tool declaration {t}")
            if not case["messages"] or case["messages"][-1]["role"] not in ("user", "tool"):
                errs.append(f"{cid}: conversation must end with a user or tool message")
            for m in case["messages"]:
                role = m.get("role")
                if role not in ("user", "assistant", "system", "tool"):
                    errs.append(f"{cid}: role {role}")
                    continue
                if role == "tool":
                    if set(m) != {"role", "callId", "resultKind", "result"}:
                        errs.append(f"{cid}: tool message keys {list(m)}")
                    if m.get("callId") not in call_ids:
                        errs.append(f"{cid}: tool result without a preceding call")
                    kind = m.get("resultKind")
                    res = m.get("result")
                    if kind == "dictionary" and not isinstance(res, dict):
                        errs.append(f"{cid}: dictionary result is not an object")
                    elif kind == "string" and not isinstance(res, str):
                        errs.append(f"{cid}: string result is not a string")
                    elif kind not in ("dictionary", "string", "json"):
                        errs.append(f"{cid}: resultKind {kind}")
                    walk_floats(res, "result", errs, cid)
                elif "toolCalls" in m:
                    if role != "assistant" or set(m) != {"role", "toolCalls"}:
                        errs.append(f"{cid}: toolCalls shape")
                    for tc in m["toolCalls"]:
                        if set(tc) != {"callId", "name", "arguments"} or not isinstance(tc["arguments"], dict):
                            errs.append(f"{cid}: toolCall keys")
                        if tc["name"] not in tool_names:
                            errs.append(f"{cid}: tool {tc['name']} not declared")
                        if tc["callId"] in call_ids:
                            errs.append(f"{cid}: duplicate callId")
                        call_ids[tc["callId"]] = tc["name"]
                        walk_floats(tc["arguments"], "arguments", errs, cid)
                else:
                    if set(m) != {"role", "text"} or not isinstance(m["text"], str) or not m["text"].strip():
                        errs.append(f"{cid}: text message shape")
            if set(call_ids) != {m["callId"] for m in case["messages"] if m["role"] == "tool"}:
                errs.append(f"{cid}: every tool call needs exactly one result")
            plain, js, tools = request_strings(case)
            payload = compact([plain, js])
            if payload in seen_payloads:
                errs.append(f"{cid}: same request as {seen_payloads[payload]}")
            seen_payloads[payload] = cid
            sens = case["sensitive"]
            c = meta[cid]
            if case["expect"] == "benign":
                if sens:
                    errs.append(f"{cid}: benign case with sensitive values")
                for s in plain + js + tools:
                    for h in benign_hits(s):
                        errs.append(f"{cid}: benign case contains {h}")
                continue
            if not sens:
                errs.append(f"{cid}: hostile case without sensitive values")
            if len(set(sens)) != len(sens):
                errs.append(f"{cid}: duplicate sensitive values")
            for v in sens:
                if not isinstance(v, str) or len(v) < 2:
                    errs.append(f"{cid}: sensitive {v!r}")
                    continue
                in_plain = any(v in s for s in plain)
                in_json = any(v in s for s in js)
                if not in_plain and not in_json:
                    errs.append(f"{cid}: sensitive {v!r} does not occur verbatim in the request")
                elif not in_plain:
                    if not v.isascii() or set(v) & JSON_FORBIDDEN or any(ord(ch) < 32 for ch in v):
                        errs.append(f"{cid}: sensitive {v!r} occurs only inside JSON but is not escape-safe")
                kind = c.kinds.get(v)
                if kind is None:
                    errs.append(f"{cid}: sensitive {v!r} has no kind")
                    continue
                check_kind(cid, v, kind, plain + js, errs)
                if case["expect"] == "local" and kind not in ("reading", "ts", "meter", "building"):
                    errs.append(f"{cid}: local case lists a {kind}")
                if case["expect"] == "masked" and kind in ("reading", "ts"):
                    errs.append(f"{cid}: masked case lists a reading")
            if case["expect"] == "local":
                kinds = {c.kinds[v] for v in sens}
                if c.readings < 6:
                    errs.append(f"{cid}: only {c.readings} readings (need >= 6)")
                if not {"reading", "ts"} <= kinds:
                    errs.append(f"{cid}: local case must list readings and timestamps")
        for fam, n in counters.items():
            if fname == "hostile.jsonl" and not 8 <= n <= 14:
                errs.append(f"{fam}: {n} cases (want 8-14)")
    return errs


def counts_table(rows):
    fams = []
    for case in rows:
        if case["family"] not in fams:
            fams.append(case["family"])
    out = ["| family | expect | forms | dev | holdout | total |", "|---|---|---|---:|---:|---:|"]
    forms = {name: f for name, _, f, _ in FAMILIES}
    td = th = 0
    for fam in fams:
        cs = [c for c in rows if c["family"] == fam]
        d = sum(c["split"] == "dev" for c in cs)
        h = len(cs) - d
        td += d
        th += h
        out.append(f"| {fam} | {cs[0]['expect']} | {forms[fam].replace('|', chr(92) + '|')} | {d} | {h} | {len(cs)} |")
    out.append(f"| **total** | | | {td} | {th} | {td + th} |")
    return "\n".join(out)


def readme(hostile, benign):
    kinds_local = sum(c["expect"] == "local" for c in hostile)
    kinds_masked = sum(c["expect"] == "masked" for c in hostile)
    return f"""# Privacy red-team corpus 2 (blind, new surface forms)

A second, independent test corpus for the EAIO.Routing privacy layer: requests that an energy/facilities team might
plausibly paste into an assistant, labelled with what the router must do with them. It complements `../Corpus/` and
deliberately uses **different surface forms** from the families listed in that corpus's README.

| file | what it is |
|---|---|
| `hostile.jsonl` | {len(hostile)} cases: {kinds_local} `local` (one building's time-series readings; must not leave the machine) and {kinds_masked} `masked` (may leave only with every `sensitive` value masked) |
| `benign.jsonl` | {len(benign)} cases (`expect: benign`, `sensitive: []`): look-alikes with no personal data, secrets, single-building readings or building/site ids; they measure false positives |
| `roster.json` | byte copy of `../Corpus/roster.json` (60 invented staff names, 3 meter-id regexes), so the same host configuration applies |
| `generate.py` | the generator (python3, standard library only, fixed seed, no network) |

```
python3 generate.py           # writes hostile.jsonl, benign.jsonl, roster.json and this README, byte for byte
python3 generate.py --check   # regenerates in memory, compares with the files on disk, validates every rule; exit 1 on any problem
```

## Who wrote it and how

Written by a red-team author working **blind**: the only inputs read were `../Corpus/README.md` (schema, split rule,
family list), `../Corpus/roster.json`, `data/bdg2/metadata.csv` and the architecture document. The detectors, their
tests, the first corpus's data and generator, and the benchmarks were not opened. The forms come from what real tools
and people produce (SQL dumps, TSDB wire formats, dataframe reprs, BMS/field-bus dumps, vCards, mail headers, config
files, shell history, GIS formats ...), not from knowledge of what a detector catches.

- All values are synthetic and generated from a fixed seed (`SEED = {SEED}`, one `random.Random` per family seeded with
  `"SEED:family"`, so editing one family does not shift the others).
- Readings are synthetic (occupancy profile plus noise per meter type; cumulative registers for index reads), not BDG2
  readings. Reading values are written with a non-zero last decimal everywhere.
- Names are taken from `roster.json`; e-mail addresses use invented domains; phone numbers follow each country's
  numbering plan with random subscriber digits; IBANs have valid mod-97 check digits (PT/SI with their fixed national
  check digits); cards pass Luhn; IPs are random global/private addresses; coordinates are random points near large
  cities; addresses combine real street names with random house numbers and plausible postcodes. Secrets follow the
  vendors' published token shapes (prefixes, lengths, alphabets) with random bodies; none is a real credential.
- The only real identifiers are BDG2 `building_id`s and `site_id`s read from `data/bdg2/metadata.csv`, and the
  aggregate statistics computed from it (benign-portfolio).

## Schema and rules

Exactly the schema of `../Corpus/README.md` (section *Schema*): one JSON object per line with `id`, `family`, `split`,
`expect`, optional `instructions`, `messages` (roles `user`/`assistant`/`system`/`tool`; assistant `toolCalls` with
`callId`/`name`/`arguments`; tool results with `callId`, `resultKind` `string`|`json`|`dictionary` and `result`), optional
`tools`, and `sensitive`. `tools` is present only in cases that use tools. Split: within each family case *n* (1-based,
in generation order) is `holdout` when *n* % 3 == 0, else `dev`.

`--check` enforces: byte equality with a fresh generation; key order and message shapes; every tool call declared in
`tools` and answered by exactly one result; ids in sequence and the split rule; every `sensitive` value occurs verbatim
(message text, instructions, callId, or compact JSON of arguments/results) and values found only inside JSON are ASCII
and free of `+ < > & ' " \\` and backtick; JSON numbers have a non-zero last decimal; per-kind validity (IBAN mod-97, Luhn,
e-mail syntax, IP syntax, roster membership, BDG2 membership, meter ids matched by a roster regex *in the request*);
`local` cases carry at least 6 readings and list both values and timestamps; benign cases contain no BDG2 building id,
no site id as a word (case-insensitive), no roster name (also accent-folded), no roster meter-id match, no e-mail address,
and (extra self-checks) no Luhn-valid 13-19 digit run, no valid IBAN, no dotted-quad IPv4 and no literal password
assignment. No obfuscation family (U+00A0/U+200B/full-width) is used here.

## Families

`hostile.jsonl`:

{counts_table(hostile)}

`benign.jsonl`:

{counts_table(benign)}

## Debatable labels (decide before scoring)

- `id-roster-contexts` lists family-name-first forms (`KOWALSKA Marta`, `Tanaka Aiko`) and accent-stripped forms
  (`Jurgen Hoffmann`) of roster names (kind `name-variant` in the generator). They are the same people, but not the
  registered spelling.
- `contact-email-headers-006` lists obfuscated addresses (`name [at] domain [dot] tld`, `name(at)domain`).
- `readings-tsdb-text` (Graphite `format=raw`), `readings-agentic` (`forecast_load` with `start` + `interval` +
  `values`) and `readings-iot` (IEC 62056-21 load profile) carry readings whose timestamps are implicit (start + step).
- `readings-units-register` includes cumulative register/index reads (daily, monthly utility read history), which are
  meter readings of one building even though they are not interval values.
- Coordinates given as a decimal pair list **both** numbers separately (a masker that hides only one half fails);
  DMS, degrees + decimal minutes and NMEA forms are listed per axis as written.
- `secret-config-files` lists base64 values (Kubernetes `data:`, Docker `auth`, npm `_auth`) rather than the decoded
  passwords, which do not occur verbatim.
- Benign look-alikes that a strict detector may legitimately flag: 10-digit serial/PO/waybill numbers, GTIN-13 codes,
  SNMP OIDs (containing `1.3.6.1`), a 4-part Windows build `10.0.20348.NNNN`, `AHU 3`/`CH-2` unit names (no roster
  pattern match), a daily outdoor-temperature table from a public weather station (weather is PUBLIC), portfolio
  average 24-hour load shapes, monthly gas price and degree-day series, connection-string templates with
  `<password>`/`${{PGPASSWORD}}` placeholders.

## Licence

MIT, like the repository. BDG2 building and site ids and the aggregate figures come from the Building Data Genome
Project 2 (see `data/bdg2/README.md`: CC BY-SA 4.0; BUDS Lab, Miller et al., *Scientific Data* 7, 368, 2020).
"""


def outputs():
    hostile, benign, meta = build()
    files = {
        "hostile.jsonl": dump_jsonl(hostile),
        "benign.jsonl": dump_jsonl(benign),
        "roster.json": ROSTER_BYTES,
        "README.md": readme(hostile, benign).encode("utf-8"),
    }
    return hostile, benign, meta, files


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="regenerate in memory, compare with disk and validate")
    args = ap.parse_args()
    hostile, benign, meta, files = outputs()
    errs = validate(hostile, benign, meta)
    # the files must round-trip through JSON unchanged
    for name in ("hostile.jsonl", "benign.jsonl"):
        for k, line in enumerate(files[name].decode("utf-8").splitlines(), 1):
            try:
                json.loads(line)
            except ValueError as e:
                errs.append(f"{name}:{k}: invalid JSON ({e})")
    if args.check:
        for name, data in files.items():
            path = os.path.join(HERE, name)
            if not os.path.isfile(path):
                errs.append(f"{name}: missing on disk")
                continue
            with open(path, "rb") as f:
                disk = f.read()
            if disk != data:
                errs.append(f"{name}: differs from a fresh generation (run python3 generate.py)")
    else:
        for name, data in files.items():
            with open(os.path.join(HERE, name), "wb") as f:
                f.write(data)
    for e in errs:
        print("ERROR", e, file=sys.stderr)
    n_local = sum(c["expect"] == "local" for c in hostile)
    print(f"hostile: {len(hostile)} ({n_local} local, {len(hostile) - n_local} masked), benign: {len(benign)}, "
          f"families: {len({c['family'] for c in hostile})} hostile / {len({c['family'] for c in benign})} benign, "
          f"problems: {len(errs)}")
    return 1 if errs else 0


if __name__ == "__main__":
    sys.exit(main())
