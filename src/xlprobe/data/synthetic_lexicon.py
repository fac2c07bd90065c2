"""The word lists of the synthetic world and the inflection of each entry in en/de/fr/es/ar.

Every entry is one concept with its forms in the five languages: nouns with gender and
plural, adjectives with their agreement forms, verbs with tense and person forms, numbers
1-99 in their case forms. Irregular forms are written out; regular ones follow the small rules
below (English and Spanish plurals, French and Spanish adjective agreement, German adjective
endings, Arabic feminine verbs and adjectives). Multi-word Arabic numbers are joined by ``_``.

Row formats (one entry a line, cells separated by ``|``):

- nouns: ``en[/plural]|de:gender:plural[:w]|fr:gender[:plural]|es:gender[:plural]``
  ``|ar:gender:plural|classes`` (``w``: German weak masculine, ``-en`` in the oblique
  singular; classes below);
- adjectives: ``en|de[/stem]|fr[/f/m.pl/f.pl]|es[/f/m.pl/f.pl]|ar[/f][:d]|...`` (``d``: diptote);
- verbs: see :data:`TRANSITIVE` and :data:`INTRANSITIVE`.

Noun classes: a animal, f food, t thing, c clothing, v vehicle, p place, n nature,
b body part, k kin.
"""

from __future__ import annotations

from dataclasses import dataclass

LANGUAGES: tuple[str, ...] = ("en", "de", "fr", "es", "ar")


@dataclass(frozen=True)
class Noun:
    """A countable noun: singular and plural per language, grammatical gender for de/fr/es/ar."""

    key: str
    sg: dict[str, str]
    pl: dict[str, str]
    gender: dict[str, str]
    classes: str
    weak: bool = False


@dataclass(frozen=True)
class Adjective:
    """An adjective: English form, German predicative form and stem, four French and Spanish
    agreement forms (m.sg, f.sg, m.pl, f.pl), Arabic masculine and feminine singular."""

    key: str
    en: str
    de: str
    de_stem: str
    fr: tuple[str, str, str, str]
    es: tuple[str, str, str, str]
    ar: tuple[str, str]
    ar_diptote: bool
    classes: str = ""
    fr_before: bool = False
    es_estar: bool = False
    polarity: int | None = None


@dataclass(frozen=True)
class Verb:
    """A verb's forms. ``en``: base, 3sg present, past, -ing. ``de``: 3sg/3pl present, 3sg/3pl
    past. ``fr``: 3sg/3pl present, past participle, auxiliary (``a`` avoir, ``e`` être).
    ``es``: 3sg/3pl present, 3sg/3pl preterite. ``ar``: masculine past and present (the
    feminine is derived)."""

    key: str
    en: tuple[str, str, str, str]
    de: tuple[str, str, str, str]
    fr: tuple[str, str, str, str]
    es: tuple[str, str, str, str]
    ar: tuple[str, str]
    classes: str


def _english_plural(word: str) -> str:
    if word.endswith(("s", "x", "z", "ch", "sh")):
        return word + "es"
    if word.endswith("y") and word[-2:-1] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


def _french_plural(word: str) -> str:
    if word.endswith(("s", "x", "z")):
        return word
    if word.endswith(("eau", "au", "eu")):
        return word + "x"
    if word.endswith("al"):
        return word[:-2] + "aux"
    return word + "s"


_UNACCENT = str.maketrans("áéíóú", "aeiou")


def _spanish_plural(word: str) -> str:
    if word[-1] in "aeiouáéóú":
        return word + "s"
    if word.endswith("z"):
        return word[:-1] + "ces"
    # the written accent of a stressed last syllable goes: ratón -> ratones, autobús -> autobuses
    stem = word[:-3] + word[-3:].translate(_UNACCENT)
    return stem + "es"


def _cells(rows: str) -> list[list[str]]:
    return [[c.strip() for c in row.split("|")] for row in rows.strip().splitlines()]


def _nouns(rows: str) -> list[Noun]:
    nouns = []
    for en, de, fr, es, ar, classes in _cells(rows):
        en_sg, _, en_pl = en.partition("/")
        de_parts, fr_parts, es_parts, ar_parts = (c.split(":") for c in (de, fr, es, ar))
        sg = {"en": en_sg, "de": de_parts[0], "fr": fr_parts[0], "es": es_parts[0]}
        sg["ar"] = ar_parts[0]
        pl = {
            "en": en_pl or _english_plural(en_sg),
            "de": de_parts[2],
            "fr": fr_parts[2] if len(fr_parts) > 2 else _french_plural(fr_parts[0]),
            "es": es_parts[2] if len(es_parts) > 2 else _spanish_plural(es_parts[0]),
            "ar": ar_parts[2],
        }
        gender = {"de": de_parts[1], "fr": fr_parts[1], "es": es_parts[1], "ar": ar_parts[1]}
        weak = len(de_parts) > 3 and de_parts[3] == "w"
        nouns.append(Noun(en_sg, sg, pl, gender, classes, weak))
    return nouns


def _french_feminine(word: str) -> str:
    for old, new in (("eux", "euse"), ("er", "ère"), ("el", "elle"), ("en", "enne")):
        if word.endswith(old):
            return word[: -len(old)] + new
    if word.endswith("on"):
        return word + "ne"
    if word.endswith("f"):
        return word[:-1] + "ve"
    return word if word.endswith("e") else word + "e"


def _french_forms(cell: str) -> tuple[str, str, str, str]:
    forms = cell.split("/")
    if len(forms) == 4:
        return tuple(forms)  # type: ignore[return-value]
    m = forms[0]
    f = forms[1] if len(forms) > 1 else _french_feminine(m)
    m_pl = m if m.endswith(("s", "x")) else (m[:-2] + "aux" if m.endswith("al") else m + "s")
    return m, f, m_pl, f + "s"


def _spanish_forms(cell: str) -> tuple[str, str, str, str]:
    forms = cell.split("/")
    if len(forms) == 4:
        return tuple(forms)  # type: ignore[return-value]
    m = forms[0]
    f = forms[1] if len(forms) > 1 else (m[:-1] + "a" if m.endswith("o") else m)
    return m, f, _spanish_plural(m), _spanish_plural(f)


def _adjectives(rows: str, polarity: tuple[int, ...] | None = None) -> list[Adjective]:
    adjectives = []
    for i, cells in enumerate(_cells(rows)):
        en, de, fr, es, ar = cells[:5]
        flags = cells[5] if len(cells) > 5 else ""
        classes = cells[6] if len(cells) > 6 else ""
        de_pred, _, de_stem = de.partition("/")
        if not de_stem:
            de_stem = de_pred[:-1] if de_pred.endswith("e") else de_pred
        ar_forms, _, ar_flag = ar.partition(":")
        ar_m, _, ar_f = ar_forms.partition("/")
        adjectives.append(
            Adjective(
                key=en,
                en=en,
                de=de_pred,
                de_stem=de_stem,
                fr=_french_forms(fr),
                es=_spanish_forms(es),
                ar=(ar_m, ar_f or ar_m + "ة"),
                ar_diptote=ar_flag == "d",
                classes=classes,
                fr_before="pre" in flags,
                es_estar="estar" in flags,
                polarity=None if polarity is None else polarity[i],
            )
        )
    return adjectives


def _english_3sg(base: str) -> str:
    if base.endswith(("s", "x", "z", "ch", "sh", "o")):
        return base + "es"
    if base.endswith("y") and base[-2] not in "aeiou":
        return base[:-1] + "ies"
    return base + "s"


def _english_ing(base: str) -> str:
    if base.endswith("ie"):
        return base[:-2] + "ying"
    if base.endswith("e") and not base.endswith(("ee", "ye", "oe")):
        return base[:-1] + "ing"
    return base + "ing"


def _german_past_plural(past: str) -> str:
    return past + ("n" if past.endswith("e") else "en")


def _verbs(rows: str) -> list[Verb]:
    verbs = []
    for en, de, fr, es, ar, classes in _cells(rows):
        en_parts = en.split(",")
        base, past = en_parts[0], en_parts[1]
        ing = en_parts[2] if len(en_parts) > 2 else _english_ing(base)
        de3, de3pl, de_past = de.split(",")
        fr3, fr3pl, fr_part, fr_aux = fr.split(",")
        es_parts = es.split(",")
        ar_past, ar_pres = ar.split(",")
        verbs.append(
            Verb(
                key=base,
                en=(base, _english_3sg(base), past, ing),
                de=(de3, de3pl, de_past, _german_past_plural(de_past)),
                fr=(fr3, fr3pl, fr_part, fr_aux),
                es=tuple(es_parts),  # type: ignore[arg-type]
                ar=(ar_past, ar_pres),
                classes=classes,
            )
        )
    return verbs


def arabic_feminine_past(past: str) -> str:
    """رأى -> رأت, اشترى -> اشترت, كتب -> كتبت (third person feminine singular)."""
    return (past[:-1] if past.endswith("ى") else past) + "ت"


def arabic_feminine_present(present: str) -> str:
    """يكتب -> تكتب (third person feminine singular)."""
    return "ت" + present[1:]


NOUNS: list[Noun] = _nouns("""
cat|Katze:f:Katzen|chat:m|gato:m|قطة:f:قطط|a
dog|Hund:m:Hunde|chien:m|perro:m|كلب:m:كلاب|a
horse|Pferd:n:Pferde|cheval:m:chevaux|caballo:m|حصان:m:أحصنة|a
bird|Vogel:m:Vögel|oiseau:m|pájaro:m|طائر:m:طيور|a
fish/fish|Fisch:m:Fische|poisson:m|pez:m|سمكة:f:أسماك|a
cow|Kuh:f:Kühe|vache:f|vaca:f|بقرة:f:أبقار|a
sheep/sheep|Schaf:n:Schafe|mouton:m|oveja:f|خروف:m:خراف|a
rabbit|Kaninchen:n:Kaninchen|lapin:m|conejo:m|أرنب:m:أرانب|a
mouse/mice|Maus:f:Mäuse|souris:f|ratón:m|فأر:m:فئران|a
lion|Löwe:m:Löwen:w|lion:m|león:m|أسد:m:أسود|a
tiger|Tiger:m:Tiger|tigre:m|tigre:m|نمر:m:نمور|a
bear|Bär:m:Bären:w|ours:m|oso:m|دب:m:دببة|a
wolf/wolves|Wolf:m:Wölfe|loup:m|lobo:m|ذئب:m:ذئاب|a
fox|Fuchs:m:Füchse|renard:m|zorro:m|ثعلب:m:ثعالب|a
camel|Kamel:n:Kamele|chameau:m|camello:m|جمل:m:جمال|a
donkey|Esel:m:Esel|âne:m|burro:m|حمار:m:حمير|a
duck|Ente:f:Enten|canard:m|pato:m|بطة:f:بطات|a
frog|Frosch:m:Frösche|grenouille:f|rana:f|ضفدع:m:ضفادع|a
snake|Schlange:f:Schlangen|serpent:m|serpiente:f|ثعبان:m:ثعابين|a
elephant|Elefant:m:Elefanten:w|éléphant:m|elefante:m|فيل:m:فيلة|a
monkey|Affe:m:Affen:w|singe:m|mono:m|قرد:m:قرود|a
hen|Huhn:n:Hühner|poule:f|gallina:f|دجاجة:f:دجاجات|a
bee|Biene:f:Bienen|abeille:f|abeja:f|نحلة:f:نحلات|a
ant|Ameise:f:Ameisen|fourmi:f|hormiga:f|نملة:f:نملات|a
butterfly|Schmetterling:m:Schmetterlinge|papillon:m|mariposa:f|فراشة:f:فراشات|a
spider|Spinne:f:Spinnen|araignée:f|araña:f|عنكبوت:m:عناكب|a
turtle|Schildkröte:f:Schildkröten|tortue:f|tortuga:f|سلحفاة:f:سلاحف|a
whale|Wal:m:Wale|baleine:f|ballena:f|حوت:m:حيتان|a
dolphin|Delfin:m:Delfine|dauphin:m|delfín:m|دلفين:m:دلافين|a
pig|Schwein:n:Schweine|cochon:m|cerdo:m|خنزير:m:خنازير|a
parrot|Papagei:m:Papageien|perroquet:m|loro:m|ببغاء:m:ببغاوات|a
pigeon|Taube:f:Tauben|pigeon:m|paloma:f|حمامة:f:حمامات|a
giraffe|Giraffe:f:Giraffen|girafe:f|jirafa:f|زرافة:f:زرافات|a
squirrel|Eichhörnchen:n:Eichhörnchen|écureuil:m|ardilla:f|سنجاب:m:سناجب|a
crocodile|Krokodil:n:Krokodile|crocodile:m|cocodrilo:m|تمساح:m:تماسيح|a
scorpion|Skorpion:m:Skorpione|scorpion:m|escorpión:m|عقرب:f:عقارب|a
gazelle|Gazelle:f:Gazellen|gazelle:f|gacela:f|غزال:m:غزلان|a
goose/geese|Gans:f:Gänse|oie:f|ganso:m|إوزة:f:إوزات|a
swan|Schwan:m:Schwäne|cygne:m|cisne:m|بجعة:f:بجعات|a
fly/flies|Fliege:f:Fliegen|mouche:f|mosca:f|ذبابة:f:ذباب|a
worm|Wurm:m:Würmer|ver:m|gusano:m|دودة:f:ديدان|a
owl|Eule:f:Eulen|chouette:f|búho:m|بومة:f:بوم|a
bull|Stier:m:Stiere|taureau:m|toro:m|ثور:m:ثيران|a
calf/calves|Kalb:n:Kälber|veau:m|ternero:m|عجل:m:عجول|a
apple|Apfel:m:Äpfel|pomme:f|manzana:f|تفاحة:f:تفاحات|f
banana|Banane:f:Bananen|banane:f|plátano:m|موزة:f:موزات|f
orange|Orange:f:Orangen|orange:f|naranja:f|برتقالة:f:برتقالات|f
lemon|Zitrone:f:Zitronen|citron:m|limón:m|ليمونة:f:ليمونات|f
carrot|Karotte:f:Karotten|carotte:f|zanahoria:f|جزرة:f:جزرات|f
onion|Zwiebel:f:Zwiebeln|oignon:m|cebolla:f|بصلة:f:بصلات|f
egg|Ei:n:Eier|œuf:m|huevo:m|بيضة:f:بيضات|f
cake|Kuchen:m:Kuchen|gâteau:m|pastel:m|كعكة:f:كعكات|f
sandwich|Sandwich:n:Sandwiches|sandwich:m|sándwich:m:sándwiches|شطيرة:f:شطائر|f
peach|Pfirsich:m:Pfirsiche|pêche:f|melocotón:m|خوخة:f:خوخات|f
cherry|Kirsche:f:Kirschen|cerise:f|cereza:f|كرزة:f:كرزات|f
grape|Traube:f:Trauben|raisin:m|uva:f|عنبة:f:عنبات|f
cucumber|Gurke:f:Gurken|concombre:m|pepino:m|خيارة:f:خيارات|f
fig|Feige:f:Feigen|figue:f|higo:m|تينة:f:تينات|f
date|Dattel:f:Datteln|datte:f|dátil:m|تمرة:f:تمرات|f
olive|Olive:f:Oliven|olive:f|aceituna:f|زيتونة:f:زيتونات|f
walnut|Walnuss:f:Walnüsse|noix:f|nuez:f|جوزة:f:جوزات|f
pumpkin|Kürbis:m:Kürbisse|citrouille:f|calabaza:f|يقطينة:f:يقطينات|f
apricot|Aprikose:f:Aprikosen|abricot:m|albaricoque:m|مشمشة:f:مشمشات|f
loaf/loaves|Brot:n:Brote|pain:m|pan:m|رغيف:m:أرغفة|f
pie|Pastete:f:Pasteten|tourte:f|empanada:f|فطيرة:f:فطائر|f
hammer|Hammer:m:Hämmer|marteau:m|martillo:m|مطرقة:f:مطارق|t
knife/knives|Messer:n:Messer|couteau:m|cuchillo:m|سكين:m:سكاكين|t
spoon|Löffel:m:Löffel|cuillère:f|cuchara:f|ملعقة:f:ملاعق|t
fork|Gabel:f:Gabeln|fourchette:f|tenedor:m|شوكة:f:شوك|t
plate|Teller:m:Teller|assiette:f|plato:m|صحن:m:صحون|t
cup|Tasse:f:Tassen|tasse:f|taza:f|فنجان:m:فناجين|t
glass|Glas:n:Gläser|verre:m|vaso:m|كأس:f:كؤوس|t
bottle|Flasche:f:Flaschen|bouteille:f|botella:f|زجاجة:f:زجاجات|t
box|Kiste:f:Kisten|boîte:f|caja:f|صندوق:m:صناديق|t
bag|Tasche:f:Taschen|sac:m|bolso:m|حقيبة:f:حقائب|t
key|Schlüssel:m:Schlüssel|clé:f|llave:f|مفتاح:m:مفاتيح|t
book|Buch:n:Bücher|livre:m|libro:m|كتاب:m:كتب|t
pen|Stift:m:Stifte|stylo:m|bolígrafo:m|قلم:m:أقلام|t
notebook|Heft:n:Hefte|cahier:m|cuaderno:m|دفتر:m:دفاتر|t
letter|Brief:m:Briefe|lettre:f|carta:f|رسالة:f:رسائل|t
map|Karte:f:Karten|carte:f|mapa:m|خريطة:f:خرائط|t
painting|Bild:n:Bilder|tableau:m|cuadro:m|لوحة:f:لوحات|t
lamp|Lampe:f:Lampen|lampe:f|lámpara:f|مصباح:m:مصابيح|t
chair|Stuhl:m:Stühle|chaise:f|silla:f|كرسي:m:كراسي|t
table|Tisch:m:Tische|table:f|mesa:f|طاولة:f:طاولات|t
bed|Bett:n:Betten|lit:m|cama:f|سرير:m:أسرة|t
door|Tür:f:Türen|porte:f|puerta:f|باب:m:أبواب|t
window|Fenster:n:Fenster|fenêtre:f|ventana:f|نافذة:f:نوافذ|t
clock|Uhr:f:Uhren|horloge:f|reloj:m|ساعة:f:ساعات|t
mirror|Spiegel:m:Spiegel|miroir:m|espejo:m|مرآة:f:مرايا|t
basket|Korb:m:Körbe|panier:m|cesta:f|سلة:f:سلال|t
ball|Ball:m:Bälle|ballon:m|pelota:f|كرة:f:كرات|t
umbrella|Regenschirm:m:Regenschirme|parapluie:m|paraguas:m:paraguas|مظلة:f:مظلات|t
candle|Kerze:f:Kerzen|bougie:f|vela:f|شمعة:f:شموع|t
rope|Seil:n:Seile|corde:f|cuerda:f|حبل:m:حبال|t
ladder|Leiter:f:Leitern|échelle:f|escalera:f|سلم:m:سلالم|t
shovel|Schaufel:f:Schaufeln|pelle:f|pala:f|مجرفة:f:مجارف|t
nail|Nagel:m:Nägel|clou:m|clavo:m|مسمار:m:مسامير|t
needle|Nadel:f:Nadeln|aiguille:f|aguja:f|إبرة:f:إبر|t
bucket|Eimer:m:Eimer|seau:m|cubo:m|دلو:m:دلاء|t
pot|Topf:m:Töpfe|casserole:f|olla:f|قدر:f:قدور|t
phone|Telefon:n:Telefone|téléphone:m|teléfono:m|هاتف:m:هواتف|t
computer|Computer:m:Computer|ordinateur:m|ordenador:m|حاسوب:m:حواسيب|t
ring|Ring:m:Ringe|bague:f|anillo:m|خاتم:m:خواتم|t
necklace|Halskette:f:Halsketten|collier:m|collar:m|قلادة:f:قلائد|t
wallet|Geldbörse:f:Geldbörsen|portefeuille:m|cartera:f|محفظة:f:محافظ|t
ticket|Fahrkarte:f:Fahrkarten|billet:m|billete:m|تذكرة:f:تذاكر|t
newspaper|Zeitung:f:Zeitungen|journal:m:journaux|periódico:m|صحيفة:f:صحف|t
envelope|Umschlag:m:Umschläge|enveloppe:f|sobre:m|ظرف:m:ظروف|t
blanket|Decke:f:Decken|couverture:f|manta:f|بطانية:f:بطانيات|t
pillow|Kissen:n:Kissen|oreiller:m|almohada:f|وسادة:f:وسائد|t
towel|Handtuch:n:Handtücher|serviette:f|toalla:f|منشفة:f:مناشف|t
comb|Kamm:m:Kämme|peigne:m|peine:m|مشط:m:أمشاط|t
bowl|Schüssel:f:Schüsseln|bol:m|cuenco:m|وعاء:m:أوعية|t
drum|Trommel:f:Trommeln|tambour:m|tambor:m|طبل:m:طبول|t
flag|Fahne:f:Fahnen|drapeau:m|bandera:f|علم:m:أعلام|t
gift|Geschenk:n:Geschenke|cadeau:m|regalo:m|هدية:f:هدايا|t
tent|Zelt:n:Zelte|tente:f|carpa:f|خيمة:f:خيام|t
carpet|Teppich:m:Teppiche|tapis:m|alfombra:f|سجادة:f:سجاجيد|t
curtain|Vorhang:m:Vorhänge|rideau:m|cortina:f|ستارة:f:ستائر|t
shelf/shelves|Regal:n:Regale|étagère:f|estante:m|رف:m:رفوف|t
sofa|Sofa:n:Sofas|canapé:m|sofá:m|أريكة:f:أرائك|t
wheel|Rad:n:Räder|roue:f|rueda:f|عجلة:f:عجلات|t
bell|Glocke:f:Glocken|cloche:f|campana:f|جرس:m:أجراس|t
stamp|Briefmarke:f:Briefmarken|timbre:m|sello:m|طابع:m:طوابع|t
photo|Foto:n:Fotos|photo:f|foto:f|صورة:f:صور|t
statue|Statue:f:Statuen|statue:f|estatua:f|تمثال:m:تماثيل|t
helmet|Helm:m:Helme|casque:m|casco:m|خوذة:f:خوذات|t
sword|Schwert:n:Schwerter|épée:f|espada:f|سيف:m:سيوف|t
shield|Schild:m:Schilde|bouclier:m|escudo:m|درع:m:دروع|t
crown|Krone:f:Kronen|couronne:f|corona:f|تاج:m:تيجان|t
toy|Spielzeug:n:Spielzeuge|jouet:m|juguete:m|لعبة:f:ألعاب|t
doll|Puppe:f:Puppen|poupée:f|muñeca:f|دمية:f:دمى|t
brush|Bürste:f:Bürsten|brosse:f|cepillo:m|فرشاة:f:فرش|t
jar|Krug:m:Krüge|pot:m|tarro:m|جرة:f:جرار|t
vase|Vase:f:Vasen|vase:m|jarrón:m|مزهرية:f:مزهريات|t
stool|Hocker:m:Hocker|tabouret:m|taburete:m|مقعد:m:مقاعد|t
broom|Besen:m:Besen|balai:m|escoba:f|مكنسة:f:مكانس|t
teapot|Teekanne:f:Teekannen|théière:f|tetera:f|إبريق:m:أباريق|t
kettle|Kessel:m:Kessel|bouilloire:f|hervidor:m|غلاية:f:غلايات|t
lock|Schloss:n:Schlösser|serrure:f|cerradura:f|قفل:m:أقفال|t
chain|Kette:f:Ketten|chaîne:f|cadena:f|سلسلة:f:سلاسل|t
net|Netz:n:Netze|filet:m|red:f|شبكة:f:شباك|t
card|Karte:f:Karten|carte:f|tarjeta:f|بطاقة:f:بطاقات|t
paper|Blatt:n:Blätter|feuille:f|hoja:f|ورقة:f:أوراق|t
poster|Plakat:n:Plakate|affiche:f|cartel:m|ملصق:m:ملصقات|t
battery|Batterie:f:Batterien|pile:f|pila:f|بطارية:f:بطاريات|t
cable|Kabel:n:Kabel|câble:m|cable:m|سلك:m:أسلاك|t
barrel|Fass:n:Fässer|tonneau:m|barril:m|برميل:m:براميل|t
sack|Sack:m:Säcke|sac:m|saco:m|كيس:m:أكياس|t
whistle|Pfeife:f:Pfeifen|sifflet:m|silbato:m|صفارة:f:صفارات|t
shirt|Hemd:n:Hemden|chemise:f|camisa:f|قميص:m:قمصان|c
dress|Kleid:n:Kleider|robe:f|vestido:m|فستان:m:فساتين|c
hat|Hut:m:Hüte|chapeau:m|sombrero:m|قبعة:f:قبعات|c
coat|Mantel:m:Mäntel|manteau:m|abrigo:m|معطف:m:معاطف|c
jacket|Jacke:f:Jacken|veste:f|chaqueta:f|سترة:f:سترات|c
shoe|Schuh:m:Schuhe|chaussure:f|zapato:m|حذاء:m:أحذية|c
sock|Socke:f:Socken|chaussette:f|calcetín:m|جورب:m:جوارب|c
skirt|Rock:m:Röcke|jupe:f|falda:f|تنورة:f:تنانير|c
scarf/scarves|Schal:m:Schals|écharpe:f|bufanda:f|وشاح:m:أوشحة|c
glove|Handschuh:m:Handschuhe|gant:m|guante:m|قفاز:m:قفازات|c
belt|Gürtel:m:Gürtel|ceinture:f|cinturón:m|حزام:m:أحزمة|c
sweater|Pullover:m:Pullover|pull:m|suéter:m:suéteres|كنزة:f:كنزات|c
uniform|Uniform:f:Uniformen|uniforme:m|uniforme:m|زي:m:أزياء|c
sandal|Sandale:f:Sandalen|sandale:f|sandalia:f|صندل:m:صنادل|c
car|Auto:n:Autos|voiture:f|coche:m|سيارة:f:سيارات|v
bus|Bus:m:Busse|bus:m|autobús:m|حافلة:f:حافلات|v
train|Zug:m:Züge|train:m|tren:m|قطار:m:قطارات|v
bicycle|Fahrrad:n:Fahrräder|vélo:m|bicicleta:f|دراجة:f:دراجات|v
boat|Boot:n:Boote|bateau:m|barco:m|قارب:m:قوارب|v
ship|Schiff:n:Schiffe|navire:m|buque:m|سفينة:f:سفن|v
plane|Flugzeug:n:Flugzeuge|avion:m|avión:m|طائرة:f:طائرات|v
truck|Lastwagen:m:Lastwagen|camion:m|camión:m|شاحنة:f:شاحنات|v
tractor|Traktor:m:Traktoren|tracteur:m|tractor:m|جرار:m:جرارات|v
cart|Karren:m:Karren|charrette:f|carreta:f|عربة:f:عربات|v
school|Schule:f:Schulen|école:f|escuela:f|مدرسة:f:مدارس|p
church|Kirche:f:Kirchen|église:f|iglesia:f|كنيسة:f:كنائس|p
hospital|Krankenhaus:n:Krankenhäuser|hôpital:m:hôpitaux|hospital:m|مستشفى:m:مستشفيات|p
market|Markt:m:Märkte|marché:m|mercado:m|سوق:f:أسواق|p
station|Bahnhof:m:Bahnhöfe|gare:f|estación:f|محطة:f:محطات|p
museum|Museum:n:Museen|musée:m|museo:m|متحف:m:متاحف|p
library|Bibliothek:f:Bibliotheken|bibliothèque:f|biblioteca:f|مكتبة:f:مكتبات|p
park|Park:m:Parks|parc:m|parque:m|منتزه:m:منتزهات|p
garden|Garten:m:Gärten|jardin:m|jardín:m|حديقة:f:حدائق|p
house|Haus:n:Häuser|maison:f|casa:f|بيت:m:بيوت|p
castle|Burg:f:Burgen|château:m|castillo:m|قلعة:f:قلاع|p
tower|Turm:m:Türme|tour:f|torre:f|برج:m:أبراج|p
hotel|Hotel:n:Hotels|hôtel:m|hotel:m|فندق:m:فنادق|p
restaurant|Restaurant:n:Restaurants|restaurant:m|restaurante:m|مطعم:m:مطاعم|p
shop|Laden:m:Läden|magasin:m|tienda:f|متجر:m:متاجر|p
bakery|Bäckerei:f:Bäckereien|boulangerie:f|panadería:f|مخبز:m:مخابز|p
farm|Bauernhof:m:Bauernhöfe|ferme:f|granja:f|مزرعة:f:مزارع|p
factory|Fabrik:f:Fabriken|usine:f|fábrica:f|مصنع:m:مصانع|p
airport|Flughafen:m:Flughäfen|aéroport:m|aeropuerto:m|مطار:m:مطارات|p
theatre|Theater:n:Theater|théâtre:m|teatro:m|مسرح:m:مسارح|p
stadium|Stadion:n:Stadien|stade:m|estadio:m|ملعب:m:ملاعب|p
village|Dorf:n:Dörfer|village:m|pueblo:m|قرية:f:قرى|p
mosque|Moschee:f:Moscheen|mosquée:f|mezquita:f|مسجد:m:مساجد|p
palace|Palast:m:Paläste|palais:m|palacio:m|قصر:m:قصور|p
office|Büro:n:Büros|bureau:m|oficina:f|مكتب:m:مكاتب|p
kitchen|Küche:f:Küchen|cuisine:f|cocina:f|مطبخ:m:مطابخ|p
bridge|Brücke:f:Brücken|pont:m|puente:m|جسر:m:جسور|p
barn|Scheune:f:Scheunen|grange:f|granero:m|حظيرة:f:حظائر|p
lighthouse|Leuchtturm:m:Leuchttürme|phare:m|faro:m|منارة:f:منارات|p
pharmacy|Apotheke:f:Apotheken|pharmacie:f|farmacia:f|صيدلية:f:صيدليات|p
prison|Gefängnis:n:Gefängnisse|prison:f|cárcel:f|سجن:m:سجون|p
well|Brunnen:m:Brunnen|puits:m|pozo:m|بئر:f:آبار|p
mill|Mühle:f:Mühlen|moulin:m|molino:m|طاحونة:f:طواحين|p
river|Fluss:m:Flüsse|rivière:f|río:m|نهر:m:أنهار|n
lake|See:m:Seen|lac:m|lago:m|بحيرة:f:بحيرات|n
mountain|Berg:m:Berge|montagne:f|montaña:f|جبل:m:جبال|n
hill|Hügel:m:Hügel|colline:f|colina:f|تل:m:تلال|n
forest|Wald:m:Wälder|forêt:f|bosque:m|غابة:f:غابات|n
island|Insel:f:Inseln|île:f|isla:f|جزيرة:f:جزر|n
beach|Strand:m:Strände|plage:f|playa:f|شاطئ:m:شواطئ|n
desert|Wüste:f:Wüsten|désert:m|desierto:m|صحراء:f:صحارى|n
cave|Höhle:f:Höhlen|grotte:f|cueva:f|كهف:m:كهوف|n
rock|Felsen:m:Felsen|rocher:m|roca:f|صخرة:f:صخور|n
cloud|Wolke:f:Wolken|nuage:m|nube:f|غيمة:f:غيوم|n
star|Stern:m:Sterne|étoile:f|estrella:f|نجمة:f:نجوم|n
field|Feld:n:Felder|champ:m|campo:m|حقل:m:حقول|n
waterfall|Wasserfall:m:Wasserfälle|cascade:f|cascada:f|شلال:m:شلالات|n
volcano/volcanoes|Vulkan:m:Vulkane|volcan:m|volcán:m|بركان:m:براكين|n
pond|Teich:m:Teiche|étang:m|estanque:m|بركة:f:برك|n
tree|Baum:m:Bäume|arbre:m|árbol:m|شجرة:f:أشجار|n
flower|Blume:f:Blumen|fleur:f|flor:f|زهرة:f:زهور|n
stone|Stein:m:Steine|pierre:f|piedra:f|حجر:m:أحجار|n
shell|Muschel:f:Muscheln|coquillage:m|concha:f|صدفة:f:أصداف|n
feather|Feder:f:Federn|plume:f|pluma:f|ريشة:f:ريش|n
bush/bushes|Busch:m:Büsche|buisson:m|arbusto:m|شجيرة:f:شجيرات|n
path|Pfad:m:Pfade|sentier:m|sendero:m|درب:m:دروب|n
branch/branches|Ast:m:Äste|branche:f|rama:f|غصن:m:أغصان|n
nest|Nest:n:Nester|nid:m|nido:m|عش:m:أعشاش|n
tail|Schwanz:m:Schwänze|queue:f|cola:f|ذيل:m:ذيول|b
ear|Ohr:n:Ohren|oreille:f|oreja:f|أذن:f:آذان|b
eye|Auge:n:Augen|œil:m:yeux|ojo:m|عين:f:عيون|b
leg|Bein:n:Beine|patte:f|pata:f|ساق:f:سيقان|b
nose|Nase:f:Nasen|nez:m|nariz:f|أنف:m:أنوف|b
tooth/teeth|Zahn:m:Zähne|dent:f|diente:m|سن:f:أسنان|b
head|Kopf:m:Köpfe|tête:f|cabeza:f|رأس:m:رؤوس|b
neck|Hals:m:Hälse|cou:m|cuello:m|رقبة:f:رقاب|b
beak|Schnabel:m:Schnäbel|bec:m|pico:m|منقار:m:مناقير|b
horn|Horn:n:Hörner|corne:f|cuerno:m|قرن:m:قرون|b
claw|Kralle:f:Krallen|griffe:f|garra:f|مخلب:m:مخالب|b
brother|Bruder:m:Brüder|frère:m|hermano:m|أخ:m:إخوة|k
sister|Schwester:f:Schwestern|sœur:f|hermana:f|أخت:f:أخوات|k
son|Sohn:m:Söhne|fils:m|hijo:m|ابن:m:أبناء|k
daughter|Tochter:f:Töchter|fille:f|hija:f|ابنة:f:بنات|k
uncle|Onkel:m:Onkel|oncle:m|tío:m|عم:m:أعمام|k
aunt|Tante:f:Tanten|tante:f|tía:f|عمة:f:عمات|k
grandfather|Großvater:m:Großväter|grand-père:m:grands-pères|abuelo:m|جد:m:أجداد|k
grandmother|Großmutter:f:Großmütter|grand-mère:f:grands-mères|abuela:f|جدة:f:جدات|k
mosquito/mosquitoes|Mücke:f:Mücken|moustique:m|mosquito:m|بعوضة:f:بعوضات|a
hedgehog|Igel:m:Igel|hérisson:m|erizo:m|قنفذ:m:قنافذ|a
leopard|Leopard:m:Leoparden:w|léopard:m|leopardo:m|فهد:m:فهود|a
penguin|Pinguin:m:Pinguine|pingouin:m|pingüino:m|بطريق:m:بطاريق|a
kangaroo|Känguru:n:Kängurus|kangourou:m|canguro:m|كنغر:m:كناغر|a
seal|Robbe:f:Robben|phoque:m|foca:f|فقمة:f:فقمات|a
rat|Ratte:f:Ratten|rat:m|rata:f|جرذ:m:جرذان|a
beetle|Käfer:m:Käfer|scarabée:m|escarabajo:m|خنفساء:f:خنافس|a
puppy|Welpe:m:Welpen:w|chiot:m|cachorro:m|جرو:m:جراء|a
kitten|Kätzchen:n:Kätzchen|chaton:m|gatito:m|هريرة:f:هريرات|a
pear|Birne:f:Birnen|poire:f|pera:f|إجاصة:f:إجاصات|f
pomegranate|Granatapfel:m:Granatäpfel|grenade:f|granada:f|رمانة:f:رمانات|f
almond|Mandel:f:Mandeln|amande:f|almendra:f|لوزة:f:لوزات|f
ruler|Lineal:n:Lineale|règle:f|regla:f|مسطرة:f:مساطر|t
calendar|Kalender:m:Kalender|calendrier:m|calendario:m|تقويم:m:تقاويم|t
guitar|Gitarre:f:Gitarren|guitare:f|guitarra:f|قيثارة:f:قيثارات|t
violin|Geige:f:Geigen|violon:m|violín:m|كمان:m:كمانات|t
flute|Flöte:f:Flöten|flûte:f|flauta:f|ناي:m:نايات|t
trumpet|Trompete:f:Trompeten|trompette:f|trompeta:f|بوق:m:أبواق|t
button|Knopf:m:Knöpfe|bouton:m|botón:m|زر:m:أزرار|t
drill|Bohrer:m:Bohrer|perceuse:f|taladro:m|مثقاب:m:مثاقب|t
tool|Werkzeug:n:Werkzeuge|outil:m|herramienta:f|أداة:f:أدوات|t
machine|Maschine:f:Maschinen|machine:f|máquina:f|آلة:f:آلات|t
robot|Roboter:m:Roboter|robot:m|robot:m|روبوت:m:روبوتات|t
engine|Motor:m:Motoren|moteur:m|motor:m|محرك:m:محركات|t
pipe|Rohr:n:Rohre|tuyau:m|tubo:m|أنبوب:m:أنابيب|t
brick|Ziegel:m:Ziegel|brique:f|ladrillo:m|طوبة:f:طوبات|t
board|Brett:n:Bretter|planche:f|tabla:f|لوح:m:ألواح|t
stick|Stock:m:Stöcke|bâton:m|palo:m|عصا:f:عصي|t
sponge|Schwamm:m:Schwämme|éponge:f|esponja:f|إسفنجة:f:إسفنجات|t
lantern|Laterne:f:Laternen|lanterne:f|farol:m|فانوس:m:فوانيس|t
cage|Käfig:m:Käfige|cage:f|jaula:f|قفص:m:أقفاص|t
medal|Medaille:f:Medaillen|médaille:f|medalla:f|ميدالية:f:ميداليات|t
mask|Maske:f:Masken|masque:m|máscara:f|قناع:m:أقنعة|t
album|Album:n:Alben|album:m|álbum:m|ألبوم:m:ألبومات|t
dictionary|Wörterbuch:n:Wörterbücher|dictionnaire:m|diccionario:m|قاموس:m:قواميس|t
novel|Roman:m:Romane|roman:m|novela:f|رواية:f:روايات|t
magazine|Zeitschrift:f:Zeitschriften|magazine:m|revista:f|مجلة:f:مجلات|t
bracelet|Armband:n:Armbänder|bracelet:m|pulsera:f|سوار:m:أساور|t
fan|Ventilator:m:Ventilatoren|ventilateur:m|ventilador:m|مروحة:f:مراوح|t
fridge|Kühlschrank:m:Kühlschränke|réfrigérateur:m|nevera:f|ثلاجة:f:ثلاجات|t
oven|Ofen:m:Öfen|four:m|horno:m|فرن:m:أفران|t
cupboard|Schrank:m:Schränke|armoire:f|armario:m|خزانة:f:خزائن|t
desk|Schreibtisch:m:Schreibtische|bureau:m|escritorio:m|مكتب:m:مكاتب|t
blouse|Bluse:f:Blusen|chemisier:m|blusa:f|بلوزة:f:بلوزات|c
slipper|Hausschuh:m:Hausschuhe|pantoufle:f|zapatilla:f|شبشب:m:شباشب|c
suit|Anzug:m:Anzüge|costume:m|traje:m|بدلة:f:بدلات|c
rocket|Rakete:f:Raketen|fusée:f|cohete:m|صاروخ:m:صواريخ|v
canoe|Kanu:n:Kanus|canoë:m|canoa:f|زورق:m:زوارق|v
helicopter|Hubschrauber:m:Hubschrauber|hélicoptère:m|helicóptero:m|مروحية:f:مروحيات|v
university|Universität:f:Universitäten|université:f|universidad:f|جامعة:f:جامعات|p
port|Hafen:m:Häfen|port:m|puerto:m|ميناء:m:موانئ|p
temple|Tempel:m:Tempel|temple:m|templo:m|معبد:m:معابد|p
tunnel|Tunnel:m:Tunnel|tunnel:m|túnel:m|نفق:m:أنفاق|p
street|Straße:f:Straßen|rue:f|calle:f|شارع:m:شوارع|p
apartment|Wohnung:f:Wohnungen|appartement:m|apartamento:m|شقة:f:شقق|p
room|Zimmer:n:Zimmer|chambre:f|habitación:f|غرفة:f:غرف|p
garage|Garage:f:Garagen|garage:m|garaje:m|مرآب:m:مرائب|p
sea|Meer:n:Meere|mer:f|mar:m|بحر:m:بحار|n
ocean|Ozean:m:Ozeane|océan:m|océano:m|محيط:m:محيطات|n
meadow|Wiese:f:Wiesen|prairie:f|pradera:f|مرج:m:مروج|n
cliff|Klippe:f:Klippen|falaise:f|acantilado:m|جرف:m:جروف|n
dune|Düne:f:Dünen|dune:f|duna:f|كثيب:m:كثبان|n
stream|Bach:m:Bäche|ruisseau:m|arroyo:m|جدول:m:جداول|n
root|Wurzel:f:Wurzeln|racine:f|raíz:f|جذر:m:جذور|n
palm|Palme:f:Palmen|palmier:m|palmera:f|نخلة:f:نخلات|n
rose|Rose:f:Rosen|rose:f|rosa:f|وردة:f:ورود|n
stripe|Streifen:m:Streifen|rayure:f|raya:f|خط:m:خطوط|b
goat|Ziege:f:Ziegen|chèvre:f|cabra:f|عنزة:f:عنزات|a
hawk|Falke:m:Falken:w|faucon:m|halcón:m|صقر:m:صقور|a
raven|Rabe:m:Raben:w|corbeau:m|cuervo:m|غراب:m:غربان|a
lamb|Lamm:n:Lämmer|agneau:m|cordero:m|حمل:m:حملان|a
eggplant|Aubergine:f:Auberginen|aubergine:f|berenjena:f|باذنجانة:f:باذنجانات|f
package|Paket:n:Pakete|colis:m|paquete:m|طرد:m:طرود|t
frame|Rahmen:m:Rahmen|cadre:m|marco:m|إطار:m:أطر|t
ribbon|Band:n:Bänder|ruban:m|cinta:f|شريط:m:أشرطة|t
thread|Faden:m:Fäden|fil:m|hilo:m|خيط:m:خيوط|t
drawer|Schublade:f:Schubladen|tiroir:m|cajón:m|درج:m:أدراج|t
mattress|Matratze:f:Matratzen|matelas:m|colchón:m|مرتبة:f:مراتب|t
hook|Haken:m:Haken|crochet:m|gancho:m|خطاف:m:خطاطيف|t
compass|Kompass:m:Kompasse|boussole:f|brújula:f|بوصلة:f:بوصلات|t
telescope|Teleskop:n:Teleskope|télescope:m|telescopio:m|تلسكوب:m:تلسكوبات|t
microscope|Mikroskop:n:Mikroskope|microscope:m|microscopio:m|مجهر:m:مجاهر|t
balloon|Luftballon:m:Luftballons|ballon:m|globo:m|بالون:m:بالونات|t
arrow|Pfeil:m:Pfeile|flèche:f|flecha:f|سهم:m:أسهم|t
sail|Segel:n:Segel|voile:f|vela:f|شراع:m:أشرعة|t
cathedral|Dom:m:Dome|cathédrale:f|catedral:f|كاتدرائية:f:كاتدرائيات|p
hut|Hütte:f:Hütten|cabane:f|cabaña:f|كوخ:m:أكواخ|p
gallery|Galerie:f:Galerien|galerie:f|galería:f|معرض:m:معارض|p
wave|Welle:f:Wellen|vague:f|ola:f|موجة:f:أمواج|n
hole|Loch:n:Löcher|trou:m|agujero:m|حفرة:f:حفر|n
planet|Planet:m:Planeten:w|planète:f|planeta:m|كوكب:m:كواكب|n
seed|Samen:m:Samen|graine:f|semilla:f|بذرة:f:بذور|n
hoof/hooves|Huf:m:Hufe|sabot:m|pezuña:f|حافر:m:حوافر|b
fin|Flosse:f:Flossen|nageoire:f|aleta:f|زعنفة:f:زعانف|b
bone|Knochen:m:Knochen|os:m|hueso:m|عظمة:f:عظام|b
""")

# Colours, sizes and other neutral attributes; the classes say which nouns they describe.
ATTRIBUTES: list[Adjective] = _adjectives("""
red|rot|rouge|rojo|أحمر/حمراء:d||atcv
blue|blau|bleu/bleue/bleus/bleues|azul|أزرق/زرقاء:d||atcv
green|grün|vert|verde|أخضر/خضراء:d||atcvf
yellow|gelb|jaune|amarillo|أصفر/صفراء:d||atcvf
black|schwarz|noir|negro|أسود/سوداء:d||atcv
white|weiß|blanc/blanche/blancs/blanches|blanco|أبيض/بيضاء:d||atcv
brown|braun|brun|marrón|بني/بنية||atcv
grey|grau|gris/grise/gris/grises|gris|رمادي/رمادية||atcv
big|groß|grand|grande|كبير|pre|atcvfpn
small|klein|petit|pequeño|صغير|pre|atcvfpn
long|lang|long/longue/longs/longues|largo|طويل|pre|tcvbn
short|kurz|court|corto|قصير||tcbn
heavy|schwer|lourd|pesado|ثقيل||atv
old|alt|ancien|viejo|قديم||tcvp
new|neu|neuf|nuevo|جديد||tcvp
round|rund|rond|redondo|مستدير||tf
wet|nass|mouillé|mojado|مبلل||ac
dry|trocken|sec/sèche/secs/sèches|seco|جاف||cfn
hungry|hungrig|affamé|hambriento|جائع||a
wild|wild|sauvage|salvaje|بري/برية||a
fat|dick|gros/grosse/gros/grosses|gordo|سمين|pre|a
wide|breit|large|ancho|عريض||tpn
narrow|schmal|étroit|estrecho|ضيق||pn
deep|tief|profond|profundo|عميق||n
fresh|frisch|frais/fraîche/frais/fraîches|fresco|طازج||f
ripe|reif|mûr|maduro|ناضج||f
sour|sauer/saur|acide|ácido|حامض||f
cold|kalt|froid|frío|بارد||ftn
warm|warm|chaud|caliente|دافئ||ftc
empty|leer|vide|vacío|فارغ||tvp
famous|berühmt|célèbre|famoso|مشهور||ap
modern|modern|moderne|moderno|حديث||tvp
dark|dunkel/dunkl|sombre|oscuro|مظلم||pn
strong|stark|fort|fuerte|قوي/قوية||a
pointed|spitz|pointu|puntiagudo|مدبب||tb
soft|weich|moelleux|suave|ناعم||tcb
""")

# Evaluative adjectives; the second argument is each one's polarity (1 positive, 0 negative).
QUALITIES: list[Adjective] = _adjectives(
    """
beautiful|schön|magnifique|hermoso|جميل
wonderful|wunderbar|merveilleux|maravilloso|رائع
clean|sauber|propre|limpio|نظيف|estar
useful|nützlich|utile|útil|مفيد
perfect|perfekt|parfait|perfecto|مثالي/مثالية
cute|niedlich|mignon|lindo|لطيف
funny|lustig|drôle|gracioso|مضحك
excellent|ausgezeichnet|excellent|excelente|ممتاز
ugly|hässlich|laid|feo|قبيح
terrible|schrecklich|terrible|terrible|فظيع
dirty|schmutzig|sale|sucio|متسخ|estar
dangerous|gefährlich|dangereux|peligroso|خطير
boring|langweilig|ennuyeux|aburrido|ممل
weak|schwach|faible|débil|ضعيف
slow|langsam|lent|lento|بطيء/بطيئة
noisy|laut|bruyant|ruidoso|صاخب
""",
    (1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0),
)

# How a person feels (Spanish with estar); polarity as for QUALITIES.
EMOTIONS: list[Adjective] = _adjectives(
    """
happy|glücklich|heureux|feliz|سعيد
proud|stolz|fier|orgulloso|فخور
calm|ruhig|calme|tranquilo|هادئ
excited|begeistert|ravi|emocionado|متحمس
grateful|dankbar|reconnaissant|agradecido|ممتن
relieved|erleichtert|soulagé|aliviado|مرتاح
pleased|froh|content|contento|مسرور
sad|traurig|triste|triste|حزين
angry|wütend|fâché|enfadado|غاضب
afraid|ängstlich|effrayé|asustado|خائف
tired|müde|fatigué|cansado|متعب
lonely|einsam|seul|solo|وحيد
worried|besorgt|inquiet/inquiète/inquiets/inquiètes|preocupado|قلق
nervous|nervös|nerveux|nervioso|متوتر
disappointed|enttäuscht|déçu|decepcionado|محبط
""",
    (1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0),
)

# Transitive verbs; the classes say which nouns they take as objects.
# en: base,past[,ing] | de: 3sg,3pl,past | fr: 3sg,3pl,participle,aux | es: 3sg,3pl,pret,pret.pl
# | ar: past,present (masculine)
TRANSITIVE: list[Verb] = _verbs("""
see,saw|sieht,sehen,sah|voit,voient,vu,a|ve,ven,vio,vieron|رأى,يرى|aftcvpn
buy,bought|kauft,kaufen,kaufte|achète,achètent,acheté,a|compra,compran,compró,compraron|اشترى,يشتري|aftcvp
sell,sold|verkauft,verkaufen,verkaufte|vend,vendent,vendu,a|vende,venden,vendió,vendieron|باع,يبيع|aftcvp
find,found|findet,finden,fand|trouve,trouvent,trouvé,a|encuentra,encuentran,encontró,encontraron|وجد,يجد|aftcvn
lose,lost|verliert,verlieren,verlor|perd,perdent,perdu,a|pierde,pierden,perdió,perdieron|فقد,يفقد|atc
forget,forgot,forgetting|vergisst,vergessen,vergaß|oublie,oublient,oublié,a|olvida,olvidan,olvidó,olvidaron|نسي,ينسى|tc
carry,carried|trägt,tragen,trug|porte,portent,porté,a|lleva,llevan,llevó,llevaron|حمل,يحمل|aftc
clean,cleaned|putzt,putzen,putzte|nettoie,nettoient,nettoyé,a|limpia,limpian,limpió,limpiaron|نظف,ينظف|tcvp
draw,drew|zeichnet,zeichnen,zeichnete|dessine,dessinent,dessiné,a|dibuja,dibujan,dibujó,dibujaron|رسم,يرسم|aftcvpn
photograph,photographed|fotografiert,fotografieren,fotografierte|photographie,photographient,photographié,a|fotografía,fotografían,fotografió,fotografiaron|صور,يصور|aftcvpn
take,took|nimmt,nehmen,nahm|prend,prennent,pris,a|toma,toman,tomó,tomaron|أخذ,يأخذ|ftc
bring,brought|bringt,bringen,brachte|apporte,apportent,apporté,a|trae,traen,trajo,trajeron|أحضر,يحضر|aftc
hide,hid|versteckt,verstecken,versteckte|cache,cachent,caché,a|esconde,esconden,escondió,escondieron|أخفى,يخفي|ftc
repair,repaired|repariert,reparieren,reparierte|répare,réparent,réparé,a|repara,reparan,reparó,repararon|أصلح,يصلح|tcv
use,used|benutzt,benutzen,benutzte|utilise,utilisent,utilisé,a|usa,usan,usó,usaron|استخدم,يستخدم|tv
choose,chose|wählt,wählen,wählte|choisit,choisissent,choisi,a|elige,eligen,eligió,eligieron|اختار,يختار|aftcv
steal,stole|stiehlt,stehlen,stahl|vole,volent,volé,a|roba,roban,robó,robaron|سرق,يسرق|aftcv
describe,described|beschreibt,beschreiben,beschrieb|décrit,décrivent,décrit,a|describe,describen,describió,describieron|وصف,يصف|atcvpn
open,opened|öffnet,öffnen,öffnete|ouvre,ouvrent,ouvert,a|abre,abren,abrió,abrieron|فتح,يفتح|t
break,broke|zerbricht,zerbrechen,zerbrach|casse,cassent,cassé,a|rompe,rompen,rompió,rompieron|كسر,يكسر|t
count,counted|zählt,zählen,zählte|compte,comptent,compté,a|cuenta,cuentan,contó,contaron|عد,يعد|aft
feed,fed|füttert,füttern,fütterte|nourrit,nourrissent,nourri,a|alimenta,alimentan,alimentó,alimentaron|أطعم,يطعم|a
wash,washed|wäscht,waschen,wusch|lave,lavent,lavé,a|lava,lavan,lavó,lavaron|غسل,يغسل|aftcv
eat,ate|isst,essen,aß|mange,mangent,mangé,a|come,comen,comió,comieron|أكل,يأكل|f
cook,cooked|kocht,kochen,kochte|cuisine,cuisinent,cuisiné,a|cocina,cocinan,cocinó,cocinaron|طبخ,يطبخ|f
cut,cut,cutting|schneidet,schneiden,schnitt|coupe,coupent,coupé,a|corta,cortan,cortó,cortaron|قطع,يقطع|ft
wear,wore|trägt,tragen,trug|porte,portent,porté,a|lleva,llevan,llevó,llevaron|لبس,يلبس|c
drive,drove|fährt,fahren,fuhr|conduit,conduisent,conduit,a|conduce,conducen,condujo,condujeron|قاد,يقود|v
order,ordered|bestellt,bestellen,bestellte|commande,commandent,commandé,a|pide,piden,pidió,pidieron|طلب,يطلب|ftc
love,loved|liebt,lieben,liebte|adore,adorent,adoré,a|adora,adoran,adoró,adoraron|أحب,يحب|aftcvpn
hate,hated|hasst,hassen,hasste|déteste,détestent,détesté,a|odia,odian,odió,odiaron|كره,يكره|aftcvpn
want,wanted|will,wollen,wollte|veut,veulent,voulu,a|quiere,quieren,quiso,quisieron|أراد,يريد|aftcv
throw,threw|wirft,werfen,warf|lance,lancent,lancé,a|lanza,lanzan,lanzó,lanzaron|رمى,يرمي|ft
check,checked|prüft,prüfen,prüfte|vérifie,vérifient,vérifié,a|revisa,revisan,revisó,revisaron|فحص,يفحص|tcv
touch,touched|berührt,berühren,berührte|touche,touchent,touché,a|toca,tocan,tocó,tocaron|لمس,يلمس|atn
weigh,weighed|wiegt,wiegen,wog|pèse,pèsent,pesé,a|pesa,pesan,pesó,pesaron|وزن,يزن|aft
measure,measured|misst,messen,maß|mesure,mesurent,mesuré,a|mide,miden,midió,midieron|قاس,يقيس|atvn
fill,filled|füllt,füllen,füllte|remplit,remplissent,rempli,a|llena,llenan,llenó,llenaron|ملأ,يملأ|t
visit,visited|besucht,besuchen,besuchte|visite,visitent,visité,a|visita,visitan,visitó,visitaron|زار,يزور|pn
prefer,preferred,preferring|bevorzugt,bevorzugen,bevorzugte|préfère,préfèrent,préféré,a|prefiere,prefieren,prefirió,prefirieron|فضل,يفضل|aftcv
receive,received|bekommt,bekommen,bekam|reçoit,reçoivent,reçu,a|recibe,reciben,recibió,recibieron|استلم,يستلم|tc
push,pushed|schiebt,schieben,schob|pousse,poussent,poussé,a|empuja,empujan,empujó,empujaron|دفع,يدفع|tv
lift,lifted|hebt,heben,hob|soulève,soulèvent,soulevé,a|levanta,levantan,levantó,levantaron|رفع,يرفع|atc
hold,held|hält,halten,hielt|tient,tiennent,tenu,a|sostiene,sostienen,sostuvo,sostuvieron|أمسك,يمسك|ftc
catch,caught|fängt,fangen,fing|attrape,attrapent,attrapé,a|atrapa,atrapan,atrapó,atraparon|التقط,يلتقط|at
fold,folded|faltet,falten,faltete|plie,plient,plié,a|dobla,doblan,dobló,doblaron|طوى,يطوي|tc
paint,painted|streicht,streichen,strich|peint,peignent,peint,a|pinta,pintan,pintó,pintaron|طلى,يطلي|tvp
decorate,decorated|schmückt,schmücken,schmückte|décore,décorent,décoré,a|decora,decoran,decoró,decoraron|زين,يزين|tp
sew,sewed|näht,nähen,nähte|coud,cousent,cousu,a|cose,cosen,cosió,cosieron|خاط,يخيط|c
build,built|baut,bauen,baute|construit,construisent,construit,a|construye,construyen,construyó,construyeron|بنى,يبني|tvp
destroy,destroyed|zerstört,zerstören,zerstörte|détruit,détruisent,détruit,a|destruye,destruyen,destruyó,destruyeron|دمر,يدمر|tvp
burn,burned|verbrennt,verbrennen,verbrannte|brûle,brûlent,brûlé,a|quema,queman,quemó,quemaron|أحرق,يحرق|ftc
heat,heated|erhitzt,erhitzen,erhitzte|chauffe,chauffent,chauffé,a|calienta,calientan,calentó,calentaron|سخن,يسخن|ft
taste,tasted|probiert,probieren,probierte|goûte,goûtent,goûté,a|prueba,prueban,probó,probaron|تذوق,يتذوق|f
peel,peeled|schält,schälen,schälte|épluche,épluchent,épluché,a|pela,pelan,peló,pelaron|قشر,يقشر|f
mix,mixed|mischt,mischen,mischte|mélange,mélangent,mélangé,a|mezcla,mezclan,mezcló,mezclaron|خلط,يخلط|f
share,shared|teilt,teilen,teilte|partage,partagent,partagé,a|comparte,comparten,compartió,compartieron|تقاسم,يتقاسم|ft
send,sent|schickt,schicken,schickte|envoie,envoient,envoyé,a|envía,envían,envió,enviaron|أرسل,يرسل|ft
read,read|liest,lesen,las|lit,lisent,lu,a|lee,leen,leyó,leyeron|قرأ,يقرأ|t
write,wrote|schreibt,schreiben,schrieb|écrit,écrivent,écrit,a|escribe,escriben,escribió,escribieron|كتب,يكتب|t
print,printed|druckt,drucken,druckte|imprime,impriment,imprimé,a|imprime,imprimen,imprimió,imprimieron|طبع,يطبع|t
copy,copied|kopiert,kopieren,kopierte|copie,copient,copié,a|copia,copian,copió,copiaron|نسخ,ينسخ|t
sort,sorted|sortiert,sortieren,sortierte|trie,trient,trié,a|ordena,ordenan,ordenó,ordenaron|رتب,يرتب|ftc
deliver,delivered|liefert,liefern,lieferte|livre,livrent,livré,a|entrega,entregan,entregó,entregaron|سلم,يسلم|ftc
wrap,wrapped,wrapping|verpackt,verpacken,verpackte|emballe,emballent,emballé,a|envuelve,envuelven,envolvió,envolvieron|غلف,يغلف|ftc
park,parked|parkt,parken,parkte|gare,garent,garé,a|aparca,aparcan,aparcó,aparcaron|ركن,يركن|v
rent,rented|mietet,mieten,mietete|loue,louent,loué,a|alquila,alquilan,alquiló,alquilaron|استأجر,يستأجر|tcvp
recognize,recognized|erkennt,erkennen,erkannte|reconnaît,reconnaissent,reconnu,a|reconoce,reconocen,reconoció,reconocieron|عرف,يعرف|atcvpn
notice,noticed|bemerkt,bemerken,bemerkte|remarque,remarquent,remarqué,a|nota,notan,notó,notaron|لاحظ,يلاحظ|atcvpn
ignore,ignored|ignoriert,ignorieren,ignorierte|ignore,ignorent,ignoré,a|ignora,ignoran,ignoró,ignoraron|تجاهل,يتجاهل|atcvpn
protect,protected|schützt,schützen,schützte|protège,protègent,protégé,a|protege,protegen,protegió,protegieron|حمى,يحمي|atpn
chase,chased|verfolgt,verfolgen,verfolgte|poursuit,poursuivent,poursuivi,a|persigue,persiguen,persiguió,persiguieron|طارد,يطارد|av
hit,hit,hitting|schlägt,schlagen,schlug|frappe,frappent,frappé,a|golpea,golpean,golpeó,golpearon|ضرب,يضرب|t
shake,shook|schüttelt,schütteln,schüttelte|secoue,secouent,secoué,a|sacude,sacuden,sacudió,sacudieron|هز,يهز|tcn
move,moved|bewegt,bewegen,bewegte|déplace,déplacent,déplacé,a|mueve,mueven,movió,movieron|حرك,يحرك|tv
drag,dragged,dragging|schleppt,schleppen,schleppte|traîne,traînent,traîné,a|arrastra,arrastran,arrastró,arrastraron|جر,يجر|tv
cover,covered|bedeckt,bedecken,bedeckte|couvre,couvrent,couvert,a|cubre,cubren,cubrió,cubrieron|غطى,يغطي|ftv
empty,emptied|leert,leeren,leerte|vide,vident,vidé,a|vacía,vacían,vació,vaciaron|أفرغ,يفرغ|t
polish,polished|poliert,polieren,polierte|polit,polissent,poli,a|pule,pulen,pulió,pulieron|لمع,يلمع|tv
dry,dried|trocknet,trocknen,trocknete|sèche,sèchent,séché,a|seca,secan,secó,secaron|جفف,يجفف|ftc
iron,ironed|bügelt,bügeln,bügelte|repasse,repassent,repassé,a|plancha,planchan,planchó,plancharon|كوى,يكوي|c
sharpen,sharpened|schärft,schärfen,schärfte|aiguise,aiguisent,aiguisé,a|afila,afilan,afiló,afilaron|شحذ,يشحذ|t
study,studied|studiert,studieren,studierte|étudie,étudient,étudié,a|estudia,estudian,estudió,estudiaron|درس,يدرس|atpn
collect,collected|sammelt,sammeln,sammelte|collectionne,collectionnent,collectionné,a|colecciona,coleccionan,coleccionó,coleccionaron|جمع,يجمع|tcn
plant,planted|pflanzt,pflanzen,pflanzte|plante,plantent,planté,a|planta,plantan,plantó,plantaron|زرع,يزرع|n
water,watered|gießt,gießen,goss|arrose,arrosent,arrosé,a|riega,riegan,regó,regaron|سقى,يسقي|n
pick,picked|pflückt,pflücken,pflückte|cueille,cueillent,cueilli,a|recoge,recogen,recogió,recogieron|قطف,يقطف|f
bury,buried|vergräbt,vergraben,vergrub|enterre,enterrent,enterré,a|entierra,entierran,enterró,enterraron|دفن,يدفن|tf
stop,stopped,stopping|stoppt,stoppen,stoppte|arrête,arrêtent,arrêté,a|detiene,detienen,detuvo,detuvieron|أوقف,يوقف|v
rescue,rescued|rettet,retten,rettete|sauve,sauvent,sauvé,a|salva,salvan,salvó,salvaron|أنقذ,ينقذ|a
serve,served|serviert,servieren,servierte|sert,servent,servi,a|sirve,sirven,sirvió,sirvieron|قدم,يقدم|f
show,showed|zeigt,zeigen,zeigte|montre,montrent,montré,a|muestra,muestran,mostró,mostraron|عرض,يعرض|atcv
brush,brushed|bürstet,bürsten,bürstete|brosse,brossent,brossé,a|cepilla,cepillan,cepilló,cepillaron|مشط,يمشط|a
watch,watched|beobachtet,beobachten,beobachtete|observe,observent,observé,a|observa,observan,observó,observaron|راقب,يراقب|atvpn
examine,examined|untersucht,untersuchen,untersuchte|examine,examinent,examiné,a|examina,examinan,examinó,examinaron|عاين,يعاين|atcv
guard,guarded|bewacht,bewachen,bewachte|surveille,surveillent,surveillé,a|vigila,vigilan,vigiló,vigilaron|حرس,يحرس|atvp
close,closed|schließt,schließen,schloss|ferme,ferment,fermé,a|cierra,cierran,cerró,cerraron|أغلق,يغلق|tp
replace,replaced|ersetzt,ersetzen,ersetzte|remplace,remplacent,remplacé,a|reemplaza,reemplazan,reemplazó,reemplazaron|استبدل,يستبدل|tcv
test,tested|testet,testen,testete|teste,testent,testé,a|ensaya,ensayan,ensayó,ensayaron|اختبر,يختبر|tv
grill,grilled|grillt,grillen,grillte|grille,grillent,grillé,a|asa,asan,asó,asaron|شوى,يشوي|f
squeeze,squeezed|presst,pressen,presste|presse,pressent,pressé,a|exprime,exprimen,exprimió,exprimieron|عصر,يعصر|f
design,designed|entwirft,entwerfen,entwarf|conçoit,conçoivent,conçu,a|diseña,diseñan,diseñó,diseñaron|صمم,يصمم|tcvp
scratch,scratched|kratzt,kratzen,kratzte|gratte,grattent,gratté,a|rasca,rascan,rascó,rascaron|حك,يحك|tv
bend,bent|biegt,biegen,bog|tord,tordent,tordu,a|tuerce,tuercen,torció,torcieron|ثنى,يثني|t
tear,tore|zerreißt,zerreißen,zerriss|déchire,déchirent,déchiré,a|rasga,rasgan,rasgó,rasgaron|مزق,يمزق|tc
train,trained|dressiert,dressieren,dressierte|dresse,dressent,dressé,a|adiestra,adiestran,adiestró,adiestraron|درب,يدرب|a
free,freed|befreit,befreien,befreite|libère,libèrent,libéré,a|libera,liberan,liberó,liberaron|حرر,يحرر|a
""")

# Intransitive verbs with animal subjects.
INTRANSITIVE: list[Verb] = _verbs("""
run,ran,running|läuft,laufen,lief|court,courent,couru,a|corre,corren,corrió,corrieron|ركض,يركض|a
sleep,slept|schläft,schlafen,schlief|dort,dorment,dormi,a|duerme,duermen,durmió,durmieron|نام,ينام|a
jump,jumped|springt,springen,sprang|saute,sautent,sauté,a|salta,saltan,saltó,saltaron|قفز,يقفز|a
swim,swam,swimming|schwimmt,schwimmen,schwamm|nage,nagent,nagé,a|nada,nadan,nadó,nadaron|سبح,يسبح|a
play,played|spielt,spielen,spielte|joue,jouent,joué,a|juega,juegan,jugó,jugaron|لعب,يلعب|a
wait,waited|wartet,warten,wartete|attend,attendent,attendu,a|espera,esperan,esperó,esperaron|انتظر,ينتظر|a
eat,ate|frisst,fressen,fraß|mange,mangent,mangé,a|come,comen,comió,comieron|أكل,يأكل|a
drink,drank|trinkt,trinken,trank|boit,boivent,bu,a|bebe,beben,bebió,bebieron|شرب,يشرب|a
fall,fell|fällt,fallen,fiel|tombe,tombent,tombé,e|cae,caen,cayó,cayeron|سقط,يسقط|a
come,came|kommt,kommen,kam|vient,viennent,venu,e|viene,vienen,vino,vinieron|أتى,يأتي|a
stay,stayed|bleibt,bleiben,blieb|reste,restent,resté,e|permanece,permanecen,permaneció,permanecieron|بقي,يبقى|a
walk,walked|geht,gehen,ging|marche,marchent,marché,a|camina,caminan,caminó,caminaron|مشى,يمشي|a
fly,flew|fliegt,fliegen,flog|vole,volent,volé,a|vuela,vuelan,voló,volaron|طار,يطير|a
sing,sang|singt,singen,sang|chante,chantent,chanté,a|canta,cantan,cantó,cantaron|غنى,يغني|a
scream,screamed|schreit,schreien,schrie|crie,crient,crié,a|grita,gritan,gritó,gritaron|صرخ,يصرخ|a
climb,climbed|klettert,klettern,kletterte|grimpe,grimpent,grimpé,a|trepa,trepan,trepó,treparon|تسلق,يتسلق|a
dream,dreamed|träumt,träumen,träumte|rêve,rêvent,rêvé,a|sueña,sueñan,soñó,soñaron|حلم,يحلم|a
hunt,hunted|jagt,jagen,jagte|chasse,chassent,chassé,a|caza,cazan,cazó,cazaron|اصطاد,يصطاد|a
""")

# Professions: en | de m/f | fr m/f | es m/f | ar m/f.
JOBS = _cells("""
teacher|Lehrer/Lehrerin|enseignant/enseignante|profesor/profesora|معلم/معلمة
doctor|Arzt/Ärztin|médecin/médecin|médico/médica|طبيب/طبيبة
nurse|Krankenpfleger/Krankenpflegerin|infirmier/infirmière|enfermero/enfermera|ممرض/ممرضة
engineer|Ingenieur/Ingenieurin|ingénieur/ingénieure|ingeniero/ingeniera|مهندس/مهندسة
cook|Koch/Köchin|cuisinier/cuisinière|cocinero/cocinera|طباخ/طباخة
baker|Bäcker/Bäckerin|boulanger/boulangère|panadero/panadera|خباز/خبازة
farmer|Bauer/Bäuerin|agriculteur/agricultrice|agricultor/agricultora|مزارع/مزارعة
writer|Schriftsteller/Schriftstellerin|écrivain/écrivaine|escritor/escritora|كاتب/كاتبة
painter|Maler/Malerin|peintre/peintre|pintor/pintora|رسام/رسامة
driver|Fahrer/Fahrerin|chauffeur/chauffeuse|conductor/conductora|سائق/سائقة
student|Student/Studentin|étudiant/étudiante|estudiante/estudiante|طالب/طالبة
journalist|Journalist/Journalistin|journaliste/journaliste|periodista/periodista|صحفي/صحفية
pilot|Pilot/Pilotin|pilote/pilote|piloto/piloto|طيار/طيارة
secretary|Sekretär/Sekretärin|secrétaire/secrétaire|secretario/secretaria|سكرتير/سكرتيرة
waiter|Kellner/Kellnerin|serveur/serveuse|camarero/camarera|نادل/نادلة
musician|Musiker/Musikerin|musicien/musicienne|músico/música|موسيقي/موسيقية
pharmacist|Apotheker/Apothekerin|pharmacien/pharmacienne|farmacéutico/farmacéutica|صيدلي/صيدلانية
gardener|Gärtner/Gärtnerin|jardinier/jardinière|jardinero/jardinera|بستاني/بستانية
carpenter|Tischler/Tischlerin|menuisier/menuisière|carpintero/carpintera|نجار/نجارة
tailor|Schneider/Schneiderin|tailleur/tailleuse|sastre/sastra|خياط/خياطة
butcher|Metzger/Metzgerin|boucher/bouchère|carnicero/carnicera|جزار/جزارة
translator|Übersetzer/Übersetzerin|traducteur/traductrice|traductor/traductora|مترجم/مترجمة
researcher|Forscher/Forscherin|chercheur/chercheuse|investigador/investigadora|باحث/باحثة
photographer|Fotograf/Fotografin|photographe/photographe|fotógrafo/fotógrafa|مصور/مصورة
mechanic|Mechaniker/Mechanikerin|mécanicien/mécanicienne|mecánico/mecánica|ميكانيكي/ميكانيكية
dancer|Tänzer/Tänzerin|danseur/danseuse|bailarín/bailarina|راقص/راقصة
programmer|Programmierer/Programmiererin|programmeur/programmeuse|programador/programadora|مبرمج/مبرمجة
accountant|Buchhalter/Buchhalterin|comptable/comptable|contable/contable|محاسب/محاسبة
architect|Architekt/Architektin|architecte/architecte|arquitecto/arquitecta|معماري/معمارية
""")

# Time adverbials: (en, de, fr, es, ar) word lists, split on spaces; "past" or "present".
TIMES = _cells("""
yesterday|gestern|hier|ayer|أمس|past
suddenly|plötzlich|soudain|súbitamente|فجأة|past
finally|endlich|enfin|finalmente|أخيرا|past
recently|kürzlich|récemment|recientemente|مؤخرا|past
today|heute|aujourd'hui|hoy|اليوم|present
now|jetzt|maintenant|ahora|الآن|present
every day|jeden Tag|chaque jour|cada día|كل يوم|habit
often|oft|souvent|frecuentemente|غالبا|habit
always|immer|toujours|siempre|دائما|habit
usually|normalerweise|habituellement|normalmente|عادة|habit
""")

DAYS = _cells("""
Monday|Montag|lundi|lunes|الاثنين
Tuesday|Dienstag|mardi|martes|الثلاثاء
Wednesday|Mittwoch|mercredi|miércoles|الأربعاء
Thursday|Donnerstag|jeudi|jueves|الخميس
Friday|Freitag|vendredi|viernes|الجمعة
Saturday|Samstag|samedi|sábado|السبت
Sunday|Sonntag|dimanche|domingo|الأحد
""")

MONTHS = _cells("""
January|Januar|janvier|enero|يناير
February|Februar|février|febrero|فبراير
March|März|mars|marzo|مارس
April|April|avril|abril|أبريل
May|Mai|mai|mayo|مايو
June|Juni|juin|junio|يونيو
July|Juli|juillet|julio|يوليو
August|August|août|agosto|أغسطس
September|September|septembre|septiembre|سبتمبر
October|Oktober|octobre|octubre|أكتوبر
November|November|novembre|noviembre|نوفمبر
December|Dezember|décembre|diciembre|ديسمبر
""")

# Manner adverbs, placed after the object.
MANNERS = _cells("""
quickly|schnell|rapidement|rápidamente|بسرعة
slowly|langsam|lentement|lentamente|ببطء
carefully|sorgfältig|soigneusement|cuidadosamente|بعناية
quietly|leise|silencieusement|silenciosamente|بهدوء
easily|leicht|facilement|fácilmente|بسهولة
secretly|heimlich|secrètement|secretamente|سرا
gladly|gern|volontiers|gustosamente|بسرور
""")

# People: first names (gender f/m), surnames; the same Latin spelling in en/de/fr/es.
FIRST_NAMES = _cells("""
Anna|آنا|f
Omar|عمر|m
Lucas|لوكاس|m
Maria|ماريا|f
Yusuf|يوسف|m
Sofia|صوفيا|f
Karim|كريم|m
Elena|إيلينا|f
Paul|باول|m
Laila|ليلى|f
Hugo|هوغو|m
Nadia|نادية|f
Jonas|يوناس|m
Clara|كلارا|f
Samir|سمير|m
Ines|إيناس|f
Felix|فيليكس|m
Amira|أميرة|f
Leon|ليون|m
Hannah|هانا|f
Ali|علي|m
Julia|يوليا|f
Tarek|طارق|m
Emma|إيما|f
Mateo|ماتيو|m
Lina|لينا|f
David|دافيد|m
Rania|رانيا|f
Marco|ماركو|m
Salma|سلمى|f
Adam|آدم|m
Lea|ليا|f
Nabil|نبيل|m
Eva|إيفا|f
Bruno|برونو|m
Dina|دينا|f
Victor|فيكتور|m
Mona|منى|f
Pablo|بابلو|m
Zeynep|زينب|f
Noah|نوح|m
Mariam|مريم|f
Hassan|حسن|m
Chloe|كلوي|f
Daniel|دانيال|m
Yasmin|ياسمين|f
Thomas|توماس|m
Fatima|فاطمة|f
Diego|دييغو|m
Rosa|روزا|f
Khalid|خالد|m
Alice|أليس|f
Louis|لويس|m
Huda|هدى|f
Carlos|كارلوس|m
Sara|سارة|f
Ibrahim|إبراهيم|m
Nora|نورا|f
Martin|مارتن|m
Layla|ليلى|f
Tim|تيم|m
Marta|مارتا|f
Rami|رامي|m
Greta|غريتا|f
Sami|سامي|m
Irene|إيرين|f
Jakob|ياكوب|m
Hiba|هبة|f
Antonio|أنطونيو|m
Olivia|أوليفيا|f
Majid|ماجد|m
Lucia|لوتشيا|f
Oscar|أوسكار|m
Nour|نور|f
Emil|إميل|m
Camille|كاميل|f
Bilal|بلال|m
Paula|باولا|f
Hamza|حمزة|m
Vera|فيرا|f
Adrian|أدريان|m
Fadi|فادي|m
Helena|هيلينا|f
Ziad|زياد|m
Mila|ميلا|f
Kamal|كمال|m
Rita|ريتا|f
Simon|سيمون|m
Dalia|داليا|f
Anton|أنطون|m
Jana|يانا|f
Alma|ألما|f
Ramon|رامون|m
Nada|ندى|f
Erik|إريك|m
Lara|لارا|f
Walid|وليد|m
Ida|إيدا|f
Hector|هيكتور|m
Asma|أسماء|f
Gabriel|غابرييل|m
Otto|أوتو|m
Carmen|كارمن|f
Mustafa|مصطفى|m
Frida|فريدا|f
Julien|جوليان|m
Samira|سميرة|f
Ivan|إيفان|m
Petra|بيترا|f
Jamal|جمال|m
Agnes|أغنيس|f
Rafael|رافائيل|m
Zahra|زهراء|f
Kurt|كورت|m
Faris|فارس|m
Lotte|لوته|f
""")

SURNAMES = _cells("""
Weber|فيبر
Haddad|حداد
Martin|مارتن
Costa|كوستا
Schmidt|شميت
Khoury|خوري
Dubois|دوبوا
Garcia|غارسيا
Fischer|فيشر
Mansour|منصور
Moreau|مورو
Lopez|لوبيز
Becker|بيكر
Nasser|ناصر
Laurent|لوران
Romero|روميرو
Wagner|فاغنر
Saleh|صالح
Bernard|برنار
Silva|سيلفا
Hoffmann|هوفمان
Aziz|عزيز
Lefebvre|لوفيفر
Navarro|نافارو
Richter|ريشتر
Hamdan|حمدان
Girard|جيرار
Ortega|أورتيغا
Klein|كلاين
Yassin|ياسين
Roux|رو
Castro|كاسترو
Neumann|نويمان
Jaber|جابر
Fontaine|فونتين
Molina|مولينا
Vogel|فوغل
Darwish|درويش
Mercier|مرسييه
Herrera|هيريرا
Braun|براون
Qasim|قاسم
Chevalier|شوفالييه
Vargas|فارغاس
Schulz|شولتس
Rahman|رحمن
Blanc|بلان
Medina|مدينا
Zimmermann|تسيمرمان
Karam|كرم
Faure|فور
Ramos|راموس
Krause|كراوزه
Sabbagh|صباغ
Picard|بيكار
Iglesias|إغليسياس
Lange|لانغه
Habib|حبيب
Giraud|جيرو
Soto|سوتو
""")

# Cities: en|de|fr|es|ar.
CITIES = _cells("""
Paris|Paris|Paris|París|باريس
Berlin|Berlin|Berlin|Berlín|برلين
Madrid|Madrid|Madrid|Madrid|مدريد
London|London|Londres|Londres|لندن
Rome|Rom|Rome|Roma|روما
Vienna|Wien|Vienne|Viena|فيينا
Tunis|Tunis|Tunis|Túnez|تونس
Lisbon|Lissabon|Lisbonne|Lisboa|لشبونة
Beirut|Beirut|Beyrouth|Beirut|بيروت
Munich|München|Munich|Múnich|ميونخ
Barcelona|Barcelona|Barcelone|Barcelona|برشلونة
Lyon|Lyon|Lyon|Lyon|ليون
Athens|Athen|Athènes|Atenas|أثينا
Moscow|Moskau|Moscou|Moscú|موسكو
Warsaw|Warschau|Varsovie|Varsovia|وارسو
Prague|Prag|Prague|Praga|براغ
Amman|Amman|Amman|Amán|عمان
Baghdad|Bagdad|Bagdad|Bagdad|بغداد
Damascus|Damaskus|Damas|Damasco|دمشق
Rabat|Rabat|Rabat|Rabat|الرباط
Venice|Venedig|Venise|Venecia|البندقية
Geneva|Genf|Genève|Ginebra|جنيف
Brussels|Brüssel|Bruxelles|Bruselas|بروكسل
Cologne|Köln|Cologne|Colonia|كولونيا
Seville|Sevilla|Séville|Sevilla|إشبيلية
Naples|Neapel|Naples|Nápoles|نابولي
Florence|Florenz|Florence|Florencia|فلورنسا
Marseille|Marseille|Marseille|Marsella|مرسيليا
Hamburg|Hamburg|Hambourg|Hamburgo|هامبورغ
Milan|Mailand|Milan|Milán|ميلانو
Porto|Porto|Porto|Oporto|بورتو
Valencia|Valencia|Valence|Valencia|فالنسيا
Bordeaux|Bordeaux|Bordeaux|Burdeos|بوردو
Stockholm|Stockholm|Stockholm|Estocolmo|ستوكهولم
Dublin|Dublin|Dublin|Dublín|دبلن
Budapest|Budapest|Budapest|Budapest|بودابست
Oslo|Oslo|Oslo|Oslo|أوسلو
Zurich|Zürich|Zurich|Zúrich|زيورخ
Istanbul|Istanbul|Istanbul|Estambul|إسطنبول
Casablanca|Casablanca|Casablanca|Casablanca|الدار_البيضاء
Alexandria|Alexandria|Alexandrie|Alejandría|الإسكندرية
Doha|Doha|Doha|Doha|الدوحة
Dubai|Dubai|Dubaï|Dubái|دبي
Riyadh|Riad|Riyad|Riad|الرياض
Marrakesh|Marrakesch|Marrakech|Marrakech|مراكش
Toulouse|Toulouse|Toulouse|Toulouse|تولوز
Hanover|Hannover|Hanovre|Hannover|هانوفر
Granada|Granada|Grenade|Granada|غرناطة
""")

# Countries, all used without an article (feminine in French: "en France").
COUNTRIES = _cells("""
France|Frankreich|France|Francia|فرنسا
Germany|Deutschland|Allemagne|Alemania|ألمانيا
Spain|Spanien|Espagne|España|إسبانيا
Italy|Italien|Italie|Italia|إيطاليا
Belgium|Belgien|Belgique|Bélgica|بلجيكا
Greece|Griechenland|Grèce|Grecia|اليونان
China|China|Chine|China|الصين
Russia|Russland|Russie|Rusia|روسيا
Egypt|Ägypten|Égypte|Egipto|مصر
Algeria|Algerien|Algérie|Argelia|الجزائر
Syria|Syrien|Syrie|Siria|سوريا
Jordan|Jordanien|Jordanie|Jordania|الأردن
Austria|Österreich|Autriche|Austria|النمسا
Poland|Polen|Pologne|Polonia|بولندا
Sweden|Schweden|Suède|Suecia|السويد
Norway|Norwegen|Norvège|Noruega|النرويج
Finland|Finnland|Finlande|Finlandia|فنلندا
Ireland|Irland|Irlande|Irlanda|أيرلندا
Hungary|Ungarn|Hongrie|Hungría|المجر
Romania|Rumänien|Roumanie|Rumania|رومانيا
Argentina|Argentinien|Argentine|Argentina|الأرجنتين
Colombia|Kolumbien|Colombie|Colombia|كولومبيا
Australia|Australien|Australie|Australia|أستراليا
""")

# Organizations: the same two words in en/de/fr/es and Arabic; ``r`` marks Arabic names whose
# words come in the reverse order of the English ones ("مجموعة أطلس" is "Group Atlas").
ORGANIZATIONS = _cells("""
Atlas Group|مجموعة أطلس|r
Nova Bank|بنك نوفا|r
Orion Labs|مختبرات أوريون|r
Cedar Press|مطبعة الأرز|r
Delta Air|دلتا إير|
Vega Motors|فيغا موتورز|
Lumen Energy|لومن إنرجي|
Sahara Foods|صحارى فودز|
Polar Systems|بولار سيستمز|
Helix Pharma|هيليكس فارما|
""")
