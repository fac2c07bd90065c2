"""Regenerate ``src/xlprobe/data/languages.tsv``, the language registry, from its sources.

Rows: every FLORES-200 language (204 codes, e.g. ``deu_Latn``), N'Ko (``nqo_Nkoo``, in SIB-200
though not in FLORES-200) and every language with a treebank in one Universal Dependencies
release (a UD language that is a FLORES language joins that row). Together they cover the
languages of Blaschke et al. (Findings of ACL 2025), whose POS tagging and parsing data is UD and
whose topic data is SIB-200; their exact list of 263 is not published with the paper.

Sources, and what each gives:

* FLORES-200 codes and names: ``FLORES_200`` below, copied from
  https://github.com/facebookresearch/flores/blob/main/flores200/README.md (commit a6c830c);
  the code is ``<ISO 639-3>_<ISO 15924 script>``.
* SIB-200 (``Davlan/sib200``): the FLORES-200 codes plus ``nqo_Nkoo`` (the configs of
  https://github.com/dadelani/sib-200, ``data/annotated/``, commit 593cea8).
* UD: ``codes_and_flags.yaml`` (language name -> UD code, ISO 639-3, family, scripts) and
  ``valdan/releases.json`` (treebanks per release) of
  https://github.com/UniversalDependencies/docs-automation, given as files (``--ud-codes``,
  ``--ud-releases``).
* lang2vec 1.1.2 (installed): ``letter_codes.json`` (ISO 639-1 and 639-2/B -> 639-3), the
  URIEL language list and ``family_features.npz`` (Glottolog ancestors per language).
* ``SAME_LANGUAGE``, ``PRIMARY_SCRIPT``, ``UD_TREEBANK_LANGUAGE`` below: the few decisions the
  sources leave open (ISO 639-3 macrolanguage memberships from SIL's iso-639-3-macrolanguages
  table; which script a bare code means; Norwegian Nynorsk treebanks).

Usage (from the repository root, files taken from a checkout of docs-automation)::

    python scripts/build_languages.py --ud-codes codes_and_flags.yaml \\
        --ud-releases releases.json --ud-source "docs-automation@0960a90"
"""

from __future__ import annotations

import argparse
import json
from importlib.metadata import version
from pathlib import Path

import numpy as np
import yaml

from xlprobe.analysis.langsim import lang2vec_data_dir, load_table
from xlprobe.data.languages import COLUMNS, REGISTRY_FILE
from xlprobe.io import write_text_atomic

FLORES_URL = "https://github.com/facebookresearch/flores/blob/main/flores200/README.md"
SIB200_EXTRA = {"nqo_Nkoo": "N'Ko"}
FLORES_200 = """
ace_Arab Acehnese (Arabic script)
ace_Latn Acehnese (Latin script)
acm_Arab Mesopotamian Arabic
acq_Arab Ta’izzi-Adeni Arabic
aeb_Arab Tunisian Arabic
afr_Latn Afrikaans
ajp_Arab South Levantine Arabic
aka_Latn Akan
amh_Ethi Amharic
apc_Arab North Levantine Arabic
arb_Arab Modern Standard Arabic
arb_Latn Modern Standard Arabic (Romanized)
ars_Arab Najdi Arabic
ary_Arab Moroccan Arabic
arz_Arab Egyptian Arabic
asm_Beng Assamese
ast_Latn Asturian
awa_Deva Awadhi
ayr_Latn Central Aymara
azb_Arab South Azerbaijani
azj_Latn North Azerbaijani
bak_Cyrl Bashkir
bam_Latn Bambara
ban_Latn Balinese
bel_Cyrl Belarusian
bem_Latn Bemba
ben_Beng Bengali
bho_Deva Bhojpuri
bjn_Arab Banjar (Arabic script)
bjn_Latn Banjar (Latin script)
bod_Tibt Standard Tibetan
bos_Latn Bosnian
bug_Latn Buginese
bul_Cyrl Bulgarian
cat_Latn Catalan
ceb_Latn Cebuano
ces_Latn Czech
cjk_Latn Chokwe
ckb_Arab Central Kurdish
crh_Latn Crimean Tatar
cym_Latn Welsh
dan_Latn Danish
deu_Latn German
dik_Latn Southwestern Dinka
dyu_Latn Dyula
dzo_Tibt Dzongkha
ell_Grek Greek
eng_Latn English
epo_Latn Esperanto
est_Latn Estonian
eus_Latn Basque
ewe_Latn Ewe
fao_Latn Faroese
fij_Latn Fijian
fin_Latn Finnish
fon_Latn Fon
fra_Latn French
fur_Latn Friulian
fuv_Latn Nigerian Fulfulde
gla_Latn Scottish Gaelic
gle_Latn Irish
glg_Latn Galician
grn_Latn Guarani
guj_Gujr Gujarati
hat_Latn Haitian Creole
hau_Latn Hausa
heb_Hebr Hebrew
hin_Deva Hindi
hne_Deva Chhattisgarhi
hrv_Latn Croatian
hun_Latn Hungarian
hye_Armn Armenian
ibo_Latn Igbo
ilo_Latn Ilocano
ind_Latn Indonesian
isl_Latn Icelandic
ita_Latn Italian
jav_Latn Javanese
jpn_Jpan Japanese
kab_Latn Kabyle
kac_Latn Jingpho
kam_Latn Kamba
kan_Knda Kannada
kas_Arab Kashmiri (Arabic script)
kas_Deva Kashmiri (Devanagari script)
kat_Geor Georgian
knc_Arab Central Kanuri (Arabic script)
knc_Latn Central Kanuri (Latin script)
kaz_Cyrl Kazakh
kbp_Latn Kabiyè
kea_Latn Kabuverdianu
khm_Khmr Khmer
kik_Latn Kikuyu
kin_Latn Kinyarwanda
kir_Cyrl Kyrgyz
kmb_Latn Kimbundu
kmr_Latn Northern Kurdish
kon_Latn Kikongo
kor_Hang Korean
lao_Laoo Lao
lij_Latn Ligurian
lim_Latn Limburgish
lin_Latn Lingala
lit_Latn Lithuanian
lmo_Latn Lombard
ltg_Latn Latgalian
ltz_Latn Luxembourgish
lua_Latn Luba-Kasai
lug_Latn Ganda
luo_Latn Luo
lus_Latn Mizo
lvs_Latn Standard Latvian
mag_Deva Magahi
mai_Deva Maithili
mal_Mlym Malayalam
mar_Deva Marathi
min_Arab Minangkabau (Arabic script)
min_Latn Minangkabau (Latin script)
mkd_Cyrl Macedonian
plt_Latn Plateau Malagasy
mlt_Latn Maltese
mni_Beng Meitei (Bengali script)
khk_Cyrl Halh Mongolian
mos_Latn Mossi
mri_Latn Maori
mya_Mymr Burmese
nld_Latn Dutch
nno_Latn Norwegian Nynorsk
nob_Latn Norwegian Bokmål
npi_Deva Nepali
nso_Latn Northern Sotho
nus_Latn Nuer
nya_Latn Nyanja
oci_Latn Occitan
gaz_Latn West Central Oromo
ory_Orya Odia
pag_Latn Pangasinan
pan_Guru Eastern Panjabi
pap_Latn Papiamento
pes_Arab Western Persian
pol_Latn Polish
por_Latn Portuguese
prs_Arab Dari
pbt_Arab Southern Pashto
quy_Latn Ayacucho Quechua
ron_Latn Romanian
run_Latn Rundi
rus_Cyrl Russian
sag_Latn Sango
san_Deva Sanskrit
sat_Olck Santali
scn_Latn Sicilian
shn_Mymr Shan
sin_Sinh Sinhala
slk_Latn Slovak
slv_Latn Slovenian
smo_Latn Samoan
sna_Latn Shona
snd_Arab Sindhi
som_Latn Somali
sot_Latn Southern Sotho
spa_Latn Spanish
als_Latn Tosk Albanian
srd_Latn Sardinian
srp_Cyrl Serbian
ssw_Latn Swati
sun_Latn Sundanese
swe_Latn Swedish
swh_Latn Swahili
szl_Latn Silesian
tam_Taml Tamil
tat_Cyrl Tatar
tel_Telu Telugu
tgk_Cyrl Tajik
tgl_Latn Tagalog
tha_Thai Thai
tir_Ethi Tigrinya
taq_Latn Tamasheq (Latin script)
taq_Tfng Tamasheq (Tifinagh script)
tpi_Latn Tok Pisin
tsn_Latn Tswana
tso_Latn Tsonga
tuk_Latn Turkmen
tum_Latn Tumbuka
tur_Latn Turkish
twi_Latn Twi
tzm_Tfng Central Atlas Tamazight
uig_Arab Uyghur
ukr_Cyrl Ukrainian
umb_Latn Umbundu
urd_Arab Urdu
uzn_Latn Northern Uzbek
vec_Latn Venetian
vie_Latn Vietnamese
war_Latn Waray
wol_Latn Wolof
xho_Latn Xhosa
ydd_Hebr Eastern Yiddish
yor_Latn Yoruba
yue_Hant Yue Chinese
zho_Hans Chinese (Simplified)
zho_Hant Chinese (Traditional)
zsm_Latn Standard Malay
zul_Latn Zulu
"""
# A macrolanguage (or other) code -> the FLORES-200 language it designates here, after SIL's
# iso-639-3-macrolanguages table (the member FLORES uses) and UD's codes (cmn for Chinese).
SAME_LANGUAGE = {
    "ara": "arb", "aze": "azj", "fas": "pes", "kau": "knc", "kur": "kmr", "lav": "lvs",
    "mlg": "plt", "mon": "khk", "msa": "zsm", "nep": "npi", "nor": "nob", "ori": "ory",
    "orm": "gaz", "pus": "pbt", "que": "quy", "sqi": "als", "swa": "swh", "uzb": "uzn",
    "yid": "ydd", "cmn": "zho",
}  # fmt: skip
# ISO 639-3 codes with several FLORES scripts -> the script a bare code (``zh``, ``arb``) means.
PRIMARY_SCRIPT = {
    "ace": "Latn", "arb": "Arab", "bjn": "Latn", "kas": "Arab", "knc": "Latn", "min": "Latn",
    "taq": "Latn", "zho": "Hans",
}  # fmt: skip
# UD treebanks of one UD language that belong to another registry language.
UD_TREEBANK_LANGUAGE = {"UD_Norwegian-Nynorsk": "nno", "UD_Norwegian-NynorskLIA": "nno"}
# UD's family abbreviations.
UD_FAMILY_NAMES = {"IE": "Indo-European"}


def newest(versions) -> str:
    return max(versions, key=lambda v: tuple(int(p) for p in v.split(".")))


def read_ud(codes_file: str, releases_file: str, release: str | None):
    """``(release, {UD language name: (its codes_and_flags entry, [treebanks])})``."""
    codes = yaml.safe_load(Path(codes_file).read_text(encoding="utf-8"))
    data = json.loads(Path(releases_file).read_text(encoding="utf-8"))
    release = release or newest(data["releases"])
    renamed = {old: new for pairs in data["renamed_after_release"].values() for old, new in pairs}
    languages: dict[str, tuple[dict, list[str]]] = {}
    for treebank in data["releases"][release]["treebanks"]:
        current = treebank
        while current in renamed:
            current = renamed[current]
        name = current[3:].split("-")[0].replace("_", " ")
        if name not in codes:
            raise SystemExit(f"{treebank}: UD language {name!r} is not in {codes_file}")
        languages.setdefault(name, (codes[name], []))[1].append(treebank)
    return release, languages


def base_rows() -> dict[str, dict]:
    """FLORES-200 and SIB-200 rows, with the primary script per ISO 639-3 code."""
    flores = dict(line.split(" ", 1) for line in FLORES_200.strip().splitlines())
    rows = {}
    for code, name in [*flores.items(), *SIB200_EXTRA.items()]:
        iso, script = code.split("_")
        rows[code] = {
            "code": code, "name": name, "iso639_3": iso, "script": script,
            "flores": code if code in flores else "", "sib200": True, "ud_treebanks": [],
        }  # fmt: skip
    for row in rows.values():
        scripts = [r["script"] for r in rows.values() if r["iso639_3"] == row["iso639_3"]]
        row["primary"] = len(scripts) == 1 or PRIMARY_SCRIPT[row["iso639_3"]] == row["script"]
    return rows


def add_ud(rows: dict[str, dict], ud: dict[str, tuple[dict, list[str]]]) -> None:
    """Put each UD treebank on its language's row; a UD language FLORES lacks gets a new row."""
    primary = {r["iso639_3"]: r for r in rows.values() if r["primary"]}
    for name, (entry, treebanks) in sorted(ud.items()):
        iso = entry["iso3"]
        for treebank in treebanks:
            target = UD_TREEBANK_LANGUAGE.get(treebank, SAME_LANGUAGE.get(iso, iso))
            target = target if target in primary else iso
            if target not in primary:
                code = f"{iso}_{entry['scripts'][0]}"
                primary[iso] = rows[code] = {
                    "code": code, "name": name, "iso639_3": iso, "script": entry["scripts"][0],
                    "flores": "", "sib200": False, "primary": True, "ud_treebanks": [],
                }  # fmt: skip
            row = primary[target]
            if row.setdefault("ud_code", entry["lcode"]) != entry["lcode"]:
                raise SystemExit(f"{row['code']}: UD codes {row['ud_code']} and {entry['lcode']}")
            row["ud_family"] = UD_FAMILY_NAMES.get(entry["family"], entry["family"])
            row["ud_treebanks"].append(treebank)


def add_codes(rows: dict[str, dict]) -> None:
    """ISO 639-1 codes and aliases (from lang2vec's letter_codes.json and ``SAME_LANGUAGE``)."""
    letters = json.loads((lang2vec_data_dir() / "letter_codes.json").read_text(encoding="utf-8"))
    iso1 = {three: code for code, three in letters.items() if len(code) == 2}
    bibliographic = {code: three for code, three in letters.items() if len(code) == 3}
    for row in rows.values():
        macros = [m for m, target in SAME_LANGUAGE.items() if target == row["iso639_3"]]
        row["iso639_1"] = next((iso1[c] for c in [row["iso639_3"], *macros] if c in iso1), "")
        aliases = [*macros, *(iso1[m] for m in macros if m in iso1)]
        aliases += [b for b, three in bibliographic.items() if three in [row["iso639_3"], *macros]]
        row["aliases"] = [a for a in dict.fromkeys(aliases) if a != row["iso639_1"]]
    keys = [k for r in rows.values() for k in [r["code"], *keys_of(r)]]
    ud_codes = [r.get("ud_code") for r in rows.values()]
    for row in rows.values():
        ud_code = row.get("ud_code")
        if ud_code and ud_codes.count(ud_code) == 1 and ud_code not in keys:
            row["aliases"].append(ud_code)


def keys_of(row: dict) -> list[str]:
    """The ISO codes and aliases that name a primary row."""
    if not row["primary"]:
        return []
    return [row["iso639_3"], *([row["iso639_1"]] if row["iso639_1"] else []), *row["aliases"]]


def add_uriel(rows: dict[str, dict]) -> None:
    """URIEL code and top-level family (the Glottolog ancestor holding most URIEL languages)."""
    table = load_table("family_features.npz")
    langs = {str(code): i for i, code in enumerate(table.langs)}
    members = (table.data == 1).sum(axis=0)
    for row in rows.values():
        macros = [m for m, target in SAME_LANGUAGE.items() if target == row["iso639_3"]]
        row["uriel"] = next((c for c in [row["iso639_3"], *macros] if c in langs), "")
        ancestors = np.flatnonzero(table.data[langs[row["uriel"]]] == 1) if row["uriel"] else []
        if len(ancestors):
            row["family"] = str(table.feats[ancestors[members[ancestors].argmax()]])[2:]
            row["family_source"] = "uriel"
        elif row.get("ud_family"):
            row["family"], row["family_source"] = row["ud_family"], "ud"


def header(release: str, ud_source: str) -> list[str]:
    lang2vec = f"lang2vec {version('lang2vec')}"
    return [
        "# xlprobe language registry, written by scripts/build_languages.py (do not edit by hand)",
        f"# sources: FLORES-200 language list ({FLORES_URL}, commit a6c830c); SIB-200 configs "
        "(github.com/dadelani/sib-200 data/annotated, commit 593cea8); Universal Dependencies "
        f"release {release} (UniversalDependencies/docs-automation codes_and_flags.yaml and "
        f"valdan/releases.json, {ud_source}); {lang2vec} (letter_codes.json, family_features.npz)",
        "# code: the FLORES-200 code; for a language FLORES-200 lacks, <iso639_3>_<first script "
        "in UD's codes_and_flags.yaml>",
        "# name: FLORES-200's English name, else UD's language name",
        "# iso639_3: the code's language part (FLORES-200), else UD's iso3",
        f"# iso639_1: {lang2vec} letter_codes.json, for the language or the macrolanguage it "
        "stands for in SAME_LANGUAGE (ar for arb)",
        "# script: ISO 15924, from the FLORES-200 code, else UD's first script",
        "# primary: 1 for the row a bare ISO code names (PRIMARY_SCRIPT where FLORES-200 has "
        "several scripts for one language)",
        "# flores: the FLORES-200 code, empty if none; sib200: 1 if Davlan/sib200 has the code",
        f"# uriel: the ISO 639-3 code (or its macrolanguage) if {lang2vec}'s URIEL tables list it",
        "# family, family_source: uriel = the Glottolog ancestor with most members in "
        f"{lang2vec} family_features.npz; ud = UD's codes_and_flags.yaml family (IE expanded)",
        "# ud_code, ud_treebanks: UD's lcode and the release's treebanks (languages merged by "
        "ISO 639-3 code through SAME_LANGUAGE; Nynorsk treebanks on nno_Latn)",
        "# aliases: macrolanguage codes in SAME_LANGUAGE, their ISO 639-1 codes, ISO 639-2/B codes "
        "from letter_codes.json, UD's lcode where it names one row only",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ud-codes", required=True, help="docs-automation codes_and_flags.yaml")
    parser.add_argument("--ud-releases", required=True, help="docs-automation releases.json")
    parser.add_argument("--ud-release", help="UD release, e.g. 2.15 (default: the newest)")
    parser.add_argument("--ud-source", default="", help="where the UD files came from (commit)")
    default_out = Path(__file__).parents[1] / "src" / "xlprobe" / "data" / REGISTRY_FILE
    parser.add_argument("--out", default=str(default_out), help="the TSV to write")
    args = parser.parse_args()

    release, ud = read_ud(args.ud_codes, args.ud_releases, args.ud_release)
    rows = base_rows()
    add_ud(rows, ud)
    add_codes(rows)
    add_uriel(rows)
    keys = [k.lower() for r in rows.values() for k in [r["code"], *keys_of(r)]]
    clashes = sorted({k for k in keys if keys.count(k) > 1})
    if clashes:
        raise SystemExit(f"codes naming several languages: {clashes}")

    def cell(row: dict, column: str) -> str:
        value = row.get(column, "")
        if isinstance(value, bool):
            return "1" if value else "0"
        return ",".join(value) if isinstance(value, list) else str(value)

    lines = [*header(release, args.ud_source), "\t".join(COLUMNS)]
    lines += ["\t".join(cell(rows[c], col) for col in COLUMNS) for c in sorted(rows)]
    write_text_atomic(args.out, "\n".join(lines) + "\n")
    with_ud = sum(bool(r["ud_treebanks"]) for r in rows.values())
    print(f"{args.out}: {len(rows)} languages, {with_ud} with UD {release} treebanks")


if __name__ == "__main__":
    main()
