"""The report's Danish words: figure names, labels of tracks, end types and outcomes, and the footnote that
defines each figure (the same definitions, in English, are in reporting/report.py)."""

from __future__ import annotations

DASH = "–"

SHARE_FIGURES = (
    ("workplace_first_meeting", "1. samtale på arbejdspladsen"),
    ("first_meeting_by_week_8", "1. samtale inden udgangen af uge 8"),
    ("measure_before_week_13", "Virksomhedsrettet indsats før uge 13"),
    ("employer_took_part", "Arbejdsgiveren deltog i 1. samtale"),
)
SHORT = {
    "workplace_first_meeting": "Arbejdsplads",
    "first_meeting_by_week_8": "Inden uge 8",
    "measure_before_week_13": "Indsats u. 13",
    "employer_took_part": "AG deltog",
}
MEDIAN_LABEL = "Mediandage fra sygemelding til 1. samtale"
BREACHES_LABEL = "Lovfristoverskridelser (sager)"
MISSED_LABEL = "Modellens mål ikke nået, 1. samtale i uge 8 (sager)"
EXITS_LABEL = "Afgang til arbejde (hel eller delvis raskmelding)"
KIND_LABELS = {
    "first_meeting": "1. samtale inden udgangen af uge 8",
    "fast_track": "Hurtigspor: 1. samtale inden for to uger (§ 13 b, stk. 2)",
    "first_conversation": "1. samtale inden for seks måneder (lovens minimum)",
}
OUTCOME_LABELS = {
    "work": "Beskæftigelse",
    "education": "Uddannelse",
    "other": "Andet",
    "unknown": "Ukendt",
    "not_yet_due": "Endnu ikke opgjort",
}
TRACK_LABELS = {
    "workplace": "Målgruppen (arbejdspladsspor)",
    "exempt": "Undtaget",
    "watch": "Overvåges",
    "outside": "Uden for målgruppen",
    "none": "Ikke visiteret",
    "employer_estimate_needed": "Afventer arbejdsgiverens skøn",
}
END_TYPE_LABELS = {
    "full_recovery": "Raskmelding",
    "partial_recovery": "Delvis raskmelding",
    "dismissal": "Opsigelse",
    "moved_municipality": "Flyttet kommune",
    "benefit_ended": "Sygedagpenge ophørt",
    "death": "Dødsfald",
    "open": "Ikke afsluttet",
}
REASON_LABELS = {"held_late": "holdt for sent", "not_held": "ikke holdt", "recorded": "registreret af motoren"}
SCOPE_KIND = {"all": "Hele kommunen", "team": "Team", "caseworker": "Sagsbehandler"}
NO_CASEWORKER = "(ingen sagsbehandler)"
NO_TEAM = "(intet team)"
WHOLE = "Hele kommunen"

FOOTNOTE = (
    ("Periode", "kommunens sager, hvis første fraværsdag ligger i perioden (begge dage medregnet)."),
    (
        "Målgruppen",
        "sager visiteret til modellens arbejdspladsspor. Tal om samtaler, indsatser og afgang "
        "gælder kun målgruppen; fordelingen på spor og afslutning gælder alle sager.",
    ),
    (
        "1. samtale",
        "sagens første holdte samtale, uanset nummer (efter en udeblivelse er den nybookede samtale "
        "nummer 2); er ingen samtale holdt, den første bookede, som så er »ikke holdt«. Holdt: "
        "registreret som holdt; tidspunktet er det faktiske, ellers det bookede. Datoer er danske "
        "kalenderdatoer.",
    ),
    (
        "På arbejdspladsen",
        "andel af holdte første samtaler, der blev holdt på arbejdspladsen, i sager i "
        "visitationskategori 2 og 3 (sager uden kategori, fra 1. juli 2026, tæller med). "
        "Målet er 70 %.",
    ),
    (
        "Inden udgangen af uge 8",
        "andel af målgruppens sager, hvor 1. samtale blev holdt senest på fristdagen "
        "(udgangen af uge 8), ud af sager, hvor samtalen er holdt, eller fristen er "
        "passeret. En sag, der sluttede senest på fristdagen uden samtale, tæller ikke med.",
    ),
    (
        "Lovfristoverskridelser",
        "sager, hvor en frist i loven er overskredet: 1. samtale inden udgangen af uge 8, "
        "hvor den er lovens frist (§ 13 b, før 1. juli 2026), holdt for sent eller ikke "
        "holdt, og sager, hvor motoren har registreret en overskridelse af enhver art: "
        "hurtigsporets samtale inden for to uger (§ 13 b, stk. 2), lovens minimum på én "
        "samtale inden for seks måneder og andre frister. Tallet tæller sager; listen har "
        "én linje pr. sag og frist.",
    ),
    (
        "Modellens mål ikke nået",
        "sager, hvor 1. samtale inden udgangen af uge 8 er kommunens eget mål efter "
        "modellen (fra 1. juli 2026), og samtalen blev holdt for sent eller ikke er holdt. "
        "Det er ikke en lovfrist og opgøres for sig.",
    ),
    (
        "Afgang til arbejde",
        "opgjort efter sagens endelige status: afsluttede sager, der sluttede med "
        "raskmelding, og åbne sager med en registreret delvis raskmelding, ud af målgruppens "
        "sager. En delvis raskmelding, der blev fulgt af opsigelse, dødsfald, flytning eller "
        "ophør, tæller ikke.",
    ),
    (
        "Indsats før uge 13",
        "som målet på jobindsats.dk, som modellen henviser til: andel af målgruppens "
        "sager med en virksomhedsrettet indsats startet inden udgangen af 13. sygefraværsuge, ud af sager, "
        "hvor fraværet varede hele uge 13 (uge 13 er slut, og sagen var ikke afsluttet inden). "
        "En sag, der sluttede før uge 13, er ikke med i grundlaget.",
    ),
    ("Arbejdsgiveren deltog", "andel af holdte første samtaler, hvor arbejdsgiveren deltog."),
    (
        "Afgang",
        "målgruppens afsluttede sager efter, hvad borgeren var i en måned efter afslutningen; "
        "»endnu ikke opgjort«, når måneden efter afslutningen ikke er gået; »ukendt«, når måneden er gået, "
        "og intet er registreret.",
    ),
    ("Mediandage", "medianen af dage fra sygemeldingen nåede jobcentret til 1. samtale blev holdt."),
    ("Sagsbehandler og team", "den nuværende ansvarlige sagsbehandler og dennes team."),
    ("Tegnet –", "betyder, at der ingen sager er at beregne andelen af."),
)
