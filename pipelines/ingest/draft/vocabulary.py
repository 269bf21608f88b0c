"""Header vocabulary: which canonical field a header names (English, German, Portuguese,
Spanish, French, ACD/BPO jargon), and word classes of headers (durations, phones, legs,
...)."""

from __future__ import annotations

import re
import unicodedata

from .canonical import FLAG_FIELDS, ID_FIELDS


def normalise(name: str) -> str:
    """A header as lower-case ASCII words: ``Gesprächszeit`` -> ``gesprachszeit``,
    ``CallID`` -> ``call id``, ``ID_Contacto`` -> ``id contacto``."""
    text = re.sub(r"([a-z])([A-Z])", r"\1 \2", name)
    text = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1 \2", text)
    text = unicodedata.normalize("NFKD", text.replace("ß", "ss"))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return " ".join(re.findall(r"[a-z0-9%]+", text))


# Canonical field -> (score, regex over the normalised header). 10 = the header names the
# field; lower scores are weaker hints (a generic "Date" or "Type"). The key of each kind
# also takes a bare "ID" (see name_scores).

_ID = r"(id|ref|reference|nr|no|num|number|nummer|numero|guid|uid|key|code|codigo)"
_CONTACT = (
    r"(call|contact|interaction|conversation|session|ticket|case|anruf|kontakt|"
    r"gesprachs?|appel|llamada|chamada|contacto|contato|interaccion|interacao|"
    r"interaktion|vorgang|contacte)"
)
_SURVEY = (
    r"(survey|umfrage|befragung|encuesta|enquete|inquerito|questionario|feedback|"
    r"response|sondage|csat)"
)
_EVAL = (
    r"(evaluation|eval|avaliacao|bewertung|evaluacion|evaluacao|qa|audit|auditoria|"
    r"review|assessment|monitoring|scorecard)"
)
_OF = r"(?: (?:de|do|da|du|del|de la|des))?"

VOCABULARY: dict[str, list[tuple[int, str]]] = {
    "contact_id": [
        (10, rf"^{_CONTACT} ?{_ID}$"),
        (10, rf"^{_ID}{_OF} ?{_CONTACT}$"),
        (9, r"^(callid|contactid|callref|ucid|call guid|interactionid|anrufid|anrufnummer)$"),
        (4, r"^(interaction|contact|call|anruf|conversation)$"),
    ],
    "survey_id": [(10, rf"^{_SURVEY} ?{_ID}$"), (10, rf"^{_ID}{_OF} ?{_SURVEY}$")],
    "evaluation_id": [(10, rf"^{_EVAL} ?{_ID}?$"), (10, rf"^{_ID}{_OF} ?{_EVAL}$")],
    "channel": [
        (
            10,
            r"^(channel|canal|kanal|media|medium|media type|mediatype|channel type|"
            r"contact type|contact channel|tipo de canal|type de canal|canal de contacto|"
            r"contact media|medientyp|kontaktart|kontaktkanal|channel name|media channel)$",
        ),
        (4, r"^(type|tipo|typ|art|source|origem|origen)$"),
    ],
    "queue": [
        (
            10,
            r"^(queue|queue name|queue id|skill|skill name|skillset|skill group|split|"
            r"split skill|skill split|fila|fila de espera|cola|warteschlange|file d attente|"
            r"vdn|service|workgroup|group|gruppe|routing point|hotline|queue group|"
            r"nome da fila|nombre de cola)$",
        ),
        (6, r"\b(queue|skill|split|fila|cola|warteschlange)\b"),
        (4, r"^(campaign|campanha|campana|kampagne|campagne)$"),
    ],
    "contact_reason": [
        (
            10,
            r"^(reason|contact reason|call reason|reason code|motivo|motivo contacto|"
            r"motivo do contacto|motivo de contacto|motivo da chamada|grund|anrufgrund|"
            r"kontaktgrund|anliegen|disposition|disposition code|wrap code|wrapup code|"
            r"wrap up code|category|kategorie|categoria|motif|motif d appel|topic|thema|"
            r"call type|subject|assunto|asunto|tipificacao|tipificacion|outcome code)$",
        ),
        (6, r"(reason|motivo|grund|anliegen|disposition|categor|motif|topic)"),
    ],
    "agent_id": [
        (
            10,
            r"^(agent|agent id|agent name|agent login|agent nr|agent no|agentid|advisor|"
            r"adviser|advisor id|rep|rep id|representative|agente|mitarbeiter|login|"
            r"login id|logid|operator|operador|user|user id|conseiller|asesor|atendente|"
            r"sachbearbeiter|employee|staff|handled by|agent code)$",
        ),
        (6, r"(agent|advisor|mitarbeiter|operador|asesor|atendente|conseiller)"),
        (4, r"^(extension|nebenstelle|ext)$"),
    ],
    "started_at": [
        (
            10,
            r"^(start|start time|start date time|start datetime|started|started at|begin|"
            r"beginn|begin time|call start|call start time|contact start|data hora|"
            r"data hora inicio|data e hora|fecha hora|fecha y hora|hora inicio|inicio|"
            r"date heure|date debut|debut|startzeit|anrufbeginn|anfang|datum uhrzeit|"
            r"zeitpunkt|timestamp|time stamp|call time|call date|contact date|contact time|"
            r"date time|datetime|created|created at|received|arrival|arrival time|"
            r"eingang|start timestamp|segment start|leg start|call start date)$",
        ),
        (7, r"\b(start|beginn|inicio|debut|started)\b"),
        (6, r"^(date|datum|data|fecha|time|uhrzeit|hora|heure|start date|call date)$"),
    ],
    "answered": [
        (
            10,
            r"^(answered|handled|answer|atendida|atendido|angenommen|beantwortet|"
            r"contestada|contestado|repondu|decroche|connected|accepted|taken|is answered|"
            r"was answered|answered flag|handled flag)$",
        ),
        (7, r"(answered|handled|atendid|angenommen|beantwort|contestad)"),
    ],
    "abandoned": [
        (
            10,
            r"^(abandoned|abandon|abandonada|abandonado|aufgelegt|abgebrochen|verloren|"
            r"lost|dropped|abandonne|perdida|perdido|abandono|hung up|hangup|"
            r"caller abandoned|is abandoned|abandoned flag)$",
        ),
        (7, r"(abandon|abgebrochen|aufgelegt|verlor)"),
    ],
    "wait_s": [
        (
            10,
            r"^(wait|wait time|waiting time|queue time|queue duration|queue wait|"
            r"queue wait time|time in queue|queued|wartezeit|wartedauer|tempo espera|"
            r"tempo de espera|tiempo espera|tiempo de espera|temps d attente|attente|"
            r"duree attente|asa|speed of answer|ring|ring time|ringing|answer time|"
            r"wait duration|queue seconds|queue secs)( (s|sec|secs|seconds|ms|sek|seg|min))?$",
        ),
        (6, r"(wait|warte|espera|attente|queue time|\bring\b)"),
    ],
    "talk_s": [
        (
            10,
            r"^(talk|talk time|talk duration|talktime|conversation time|conversation|"
            r"tempo conversa|tempo de conversa|tempo conversacao|tiempo conversacion|"
            r"tiempo de conversacion|temps de conversation|duree conversation|"
            r"gesprachszeit|gesprachsdauer|sprechzeit|connected time|speak time|"
            r"talk seconds|talk secs)( (s|sec|secs|seconds|ms|sek|seg|min))?$",
        ),
        (7, r"(talk|gesprach|conversa|sprech)"),
        (
            5,
            r"^(duration|call duration|dauer|duracao|duracion|duree)( (s|sec|secs|seconds|ms|"
            r"sek|seg|min))?$",
        ),
    ],
    "hold_s": [
        (
            10,
            r"^(hold|hold time|hold duration|on hold|haltezeit|halten|gehalten|"
            r"warteschleife|tempo espera hold|tempo em espera|tempo de espera hold|"
            r"tiempo en espera|tiempo espera hold|temps de mise en attente|mise en attente|"
            r"retenue|parked|parkzeit|hold seconds|hold secs)( (s|sec|secs|seconds|ms|sek|seg|"
            r"min))?$",
        ),
        (9, r"(hold|halte|warteschleife|retenue|parkzeit)"),
    ],
    "wrap_s": [
        (
            10,
            r"^(wrap|wrap time|wrap up|wrapup|wrap up time|wrapup time|acw|acw time|"
            r"after call work|after call work time|after call|after call time|post call|"
            r"nachbearbeitung|nachbearbeitungszeit|nacharbeit|nacharbeitszeit|"
            r"tempo pos chamada|pos chamada|tempo pos atendimento|tiempo post llamada|"
            r"post llamada|posllamada|temps post appel|post appel|travail post appel|ncz|"
            r"nbz|wrap seconds|wrap secs)( (s|sec|secs|seconds|ms|sek|seg|min))?$",
        ),
        (
            8,
            r"(wrap|\bacw\b|nachbearb|nacharbeit|pos chamada|post call|post llamada|"
            r"post appel|after call)",
        ),
    ],
    "transferred": [
        (
            10,
            r"^(transfer|transferred|transfered|xfer|xferred|transferida|transferido|"
            r"weitergeleitet|weiterleitung|vermittelt|transfere|transferencia|"
            r"is transferred|was transferred|transfer flag|umgeleitet)$",
        ),
        (7, r"(transfer|xfer|weiterge|weiterleit|vermittel)"),
    ],
    "complaint": [
        (
            10,
            r"^(complaint|complaints|complaint flag|reclamacao|reclamacion|reclamo|"
            r"beschwerde|plainte|queja|reclamation|is complaint|complaint raised)$",
        ),
        (7, r"(complain|reclama|beschwerde|plainte|queja)"),
    ],
    "responded_at": [
        (
            10,
            r"^(completed|completed at|completion time|response time|responded|"
            r"responded at|response date|survey time|survey date|survey completed|"
            r"data resposta|data da resposta|fecha respuesta|fecha de respuesta|"
            r"antwortzeit|antwortdatum|beantwortet am|date reponse|date de reponse|"
            r"submitted|submitted at|submission date|feedback date)$",
        ),
        (7, r"(survey (time|date)|resposta|respuesta|reponse|umfrage datum)"),
        (5, r"^(date|datum|data|fecha|time|timestamp|date time|datetime|received)$"),
    ],
    "csat": [
        (
            10,
            r"^(csat|csat score|satisfaction|satisfaction score|overall satisfaction|"
            r"satisfacao|satisfaccion|zufriedenheit|gesamtzufriedenheit|sat|sat score)$",
        ),
        (9, r"(csat|satisf|zufrieden)"),
        (4, r"^(rating|score|bewertung|nota|note|puntuacion)$"),
    ],
    "nps": [
        (10, r"^(nps|nps score|ltr)$"),
        (9, r"(nps|recommend|recomend|empfehl|recommand|likelihood)"),
    ],
    "resolved": [
        (
            10,
            r"^(fcr|resolved|resolution|resolvido|resolvida|resuelto|resuelta|gelost|"
            r"geloest|resolu|solved|issue resolved|first contact resolution|"
            r"problem solved|problema resolvido|anliegen gelost|is resolved)$",
        ),
        (8, r"(resolv|fcr|gelost|resuelt|resolu|solved)"),
    ],
    "comment": [
        (
            9,
            r"(comment|verbatim|comentario|kommentar|bemerkung|commentaire|remark|"
            r"freitext|free text|observac|observaci|anmerkung)",
        ),
        (5, r"^(feedback|text|notes|note text|notizen)$"),
    ],
    "evaluator_org": [
        (
            10,
            r"^(scored by|evaluator org|evaluator organisation|evaluator organization|"
            r"evaluator company|evaluator team|evaluator source|equipa|equipo|equipe|team|"
            r"org|organisation|organization|company|qa team|qa org|bewerter firma|"
            r"bewerterfirma|empresa avaliadora|empresa evaluadora|evaluated by team)$",
        ),
        (7, r"\b(org|organisation|organization|company|empresa|firma|equipa|equipo|team)\b"),
    ],
    "evaluator_id": [
        (
            10,
            r"^(evaluator|evaluator id|evaluator name|avaliador|avaliadora|bewerter|"
            r"bewerterin|evaluador|evaluadora|evaluateur|evaluatrice|qa analyst|"
            r"qa evaluator|reviewer|assessor|scorer|auditor|auditora|coach|"
            r"quality analyst|analyst|monitor|evaluated by)$",
        ),
        (6, r"(evaluator|avaliador|bewerter|evaluador|evaluateur|reviewer|auditor)"),
    ],
    "evaluated_at": [
        (
            10,
            r"^(date|eval date|evaluation date|evaluated on|evaluated at|evaluated|"
            r"review date|scored on|scored at|audit date|data|data avaliacao|"
            r"data da avaliacao|datum|bewertungsdatum|fecha|fecha evaluacion|"
            r"fecha de evaluacion|date evaluation|date d evaluation|qa date|"
            r"evaluation time)$",
        ),
        (6, r"\b(date|datum|data|fecha)\b"),
    ],
    "score_pct": [
        (
            10,
            r"^(score|total|total %|total score|overall|overall score|overall %|"
            r"final score|quality score|qa score|score %|score pct|score percent|"
            r"pontuacao|pontuacao final|pontuacao total|nota|nota final|punktzahl|"
            r"gesamtpunktzahl|ergebnis|gesamtergebnis|gesamt|puntuacion|"
            r"puntuacion total|calificacion|note|note finale|resultat|result|percentage|"
            r"percent|%|quality %)$",
        ),
        (6, r"(score|pontua|punkt|puntua|\btotal\b|overall|ergebnis)"),
    ],
    "critical_fail": [
        (
            10,
            r"^(critical fail|critical failure|critical|critical error|auto fail|autofail|"
            r"automatic fail|fatal|fatal error|ko|k o|knock out|falha critica|falha grave|"
            r"erro critico|kritischer fehler|kritisch|fallo critico|error critico|"
            r"echec critique|erreur critique|compliance fail|zero tolerance)$",
        ),
        (8, r"(critical|critica|kritisch|fatal|auto fail|autofail|echec)"),
    ],
    # QA section scores (qa only)
    "section:accuracy": [
        (
            9,
            r"(accura|rigor|rigour|genauigkeit|korrektheit|precisao|"
            r"exactitud|exactitude|correctness)",
        )
    ],
    "section:empathy": [(9, r"(empath|empatia|einfuhlung)")],
    "section:brand": [(9, r"(brand|\bmarca\b|\bmarke\b|\bmarque\b|tone of voice)")],
    "section:compliance": [
        (
            9,
            r"(complian|conformidade|cumplimiento|conformite|"
            r"regelkonform|konformitat)",
        )
    ],
    "section:process": [
        (
            9,
            r"(process|processo|prozess|proceso|procedure|procedimento|"
            r"procedimiento|\bablauf\b)",
        )
    ],
}
_GENERIC_ID = (4, r"^(id|ref|reference|record id|nr|no|key|row id)$")
_COMPILED = {
    name: [(score, re.compile(p)) for score, p in rules] for name, rules in VOCABULARY.items()
}
_COMPILED_GENERIC_ID = re.compile(_GENERIC_ID[1])


def name_scores(header: str) -> dict[str, int]:
    """Canonical field (or ``section:<name>``) -> how strongly the header names it."""
    norm = normalise(header)
    scores: dict[str, int] = {}
    for name, rules in _COMPILED.items():
        for score, pattern in rules:
            if pattern.search(norm):
                scores[name] = max(scores.get(name, 0), score)
                break
    if _COMPILED_GENERIC_ID.match(norm):
        for key in ID_FIELDS:
            scores.setdefault(key, _GENERIC_ID[0])
    return scores


_WORDS = {
    "duration": re.compile(
        r"(wait|warte|talk|gesprach|conversa|sprech|hold|halte|halten|wrap|\bacw\b|after call|"
        r"nachbearb|nacharbeit|pos chamada|post call|duration|dauer|duracao|duracion|duree|"
        r"length|\bring\b|queue time|queue wait|\btempo\b|tiempo|\btemps\b|espera|attente|"
        r"\bsek\b|\bsec\b|\bsecs\b|seconds|segundos|secondes|sekunden|\bms\b|msec|millis|"
        r"\bmin\b|minutes|minuten|minutos|\baht\b|handle time|handling time|talktime|\basa\b|"
        r"(?<!uhr)(?<!start)(?<!end)(?<!an)zeit\b)"
    ),
    "time_of_day": re.compile(
        r"(start|begin|\bend\b|ende|uhrzeit|\bhora\b|heure|\btime\b|timestamp|zeitpunkt|"
        r"inicio|\bfim\b|\bfin\b|debut|started|ended|datum|\bdate\b|\bdata\b|fecha|\bat\b|"
        r"completed|created|received|arrival)"
    ),
    "ms": re.compile(r"(\bms\b|msec|millis)"),
    "minutes": re.compile(r"(\bmin\b|\bmins\b|minutes|minuten|minutos)"),
    "phone": re.compile(
        r"(\bani\b|\bcli\b|caller|phone|telephone|\btel\b|telefon|telefono|"
        r"mobile|\bmobil\b|msisdn|rufnummer|anrufer|calling|handy|\bcell\b|"
        r"\bdnis\b|numero de telefone|contact number)"
    ),
    "email": re.compile(r"(e ?mail|correo|courriel)"),
    "account": re.compile(
        r"(account|customer id|customer number|customer no|customer ref|"
        r"kundennummer|kunden nr|kunden id|numero cliente|n cliente|"
        r"id cliente|cliente id|numero de cuenta|\bconta\b|\bcuenta\b|"
        r"\bcompte\b|contract|vertrag|\bmpan\b|meter)"
    ),
    "number": re.compile(
        r"(score|csat|nps|rating|count|anzahl|\bqty\b|quantidade|"
        r"%|pontuacao|punkt|nota|total)"
    ),
    "leg": re.compile(
        r"^(leg|legs|leg no|leg nr|leg number|leg id|leg seq|segment|"
        r"segment no|segment nr|segment number|seg|hop|hop no|seq|sequence|"
        r"sequence no|part|teil|abschnitt|perna|tramo|troncon|leg index|"
        r"call leg|step|schritt)$"
    ),
    "line": re.compile(
        r"\b(line|linie|linha|linea|ligne|site|standort|tenant|mandant|"
        r"server|node|switch|pbx|system|trunk|location|sede|filiale|branch|"
        r"region|centre|center|platform|instance|lob)\b"
    ),
    "direction": re.compile(
        r"^(direction|call direction|richtung|anrufrichtung|direcao|"
        r"direccion|sens|sens d appel|inbound outbound|io|"
        r"call direction type|direction type)$"
    ),
    "outcome": re.compile(
        r"\b(status|outcome|result|disposition|ergebnis|estado|resultado|"
        r"statut|resultat|state|call status|call result|call outcome|"
        r"termination|end reason)\b"
    ),
}


def has_words(header: str, kind: str) -> bool:
    """Does the header hold a word of the class (a key of ``_WORDS``)?"""
    return bool(_WORDS[kind].search(normalise(header)))


def flag_named(header: str) -> bool:
    scores = name_scores(header)
    return (
        any(scores.get(f, 0) >= 7 for f in FLAG_FIELDS)
        or header.rstrip().endswith("?")
        or bool(re.match(r"^(is|has|was|flag)\b", normalise(header)))
    )
