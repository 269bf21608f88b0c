"""Atlântico Lisbon (nearshore vendor): Latin-1, ``;``-separated, decimal comma, dates
``dd-mm-yyyy``, Portuguese headers and words, S/N flags; contacts gzipped; customers
identified by a hand-typed e-mail address."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from pipelines.samplegen import dirt
from pipelines.samplegen import textformat as fmt
from pipelines.samplegen.calendar import Window
from pipelines.samplegen.centre_data import CentreData, WrittenFile, export_path
from pipelines.samplegen.identities import messy_email
from pipelines.samplegen.qa import CLIENT
from pipelines.samplegen.sinks import CsvDialect, write_csv

DIALECT = CsvDialect(delimiter=";", encoding="latin-1")
CHANNEL_WORDS = np.array(["Telefone", "Chat", "Email"])
REASON_WORDS = np.array(
    ["Faturação", "Pagamento", "Alteração de dados", "Avaria", "Mudança de casa", "Cancelamento"]
)
QUEUE_GROUP = np.array(["Faturação", "Faturação", "Clientes", "Avarias", "Clientes", "Retenção"])
OWN_EVALUATORS = np.array(
    ["Inês Marques", "João Lopes", "Sofia Araújo", "Tiago Gonçalves", "Ana Conceição", "Rui Simões"]
)
CLIENT_EVALUATORS = np.array(
    ["N. Patel", "R. Shah", "E. Hughes", "D. Morgan", "C. Lloyd", "H. Price"]
)
SECTION_WORDS = {
    "accuracy": "Rigor",
    "empathy": "Empatia",
    "brand": "Marca",
    "compliance": "Conformidade",
    "process": "Processo",
}


def period_name(window: Window) -> str:
    """``20260525_20261122``: the window's days, in the file names."""
    return f"{window.first_day:%Y%m%d}_{window.last_day:%Y%m%d}"


def contact_ids(numbers: np.ndarray) -> pd.Series:
    return fmt.zero_padded(numbers, 7, "PT26-")


def agents(numbers: np.ndarray) -> pd.Series:
    return fmt.zero_padded(np.asarray(numbers) + 1, 3, "AT-")


def contacts_table(data: CentreData, rng: np.random.Generator) -> pd.DataFrame:
    c = data.contacts
    answered = c["answered"].to_numpy()
    channel = c["channel"].to_numpy()
    reason = c["reason"].to_numpy()
    return pd.DataFrame(
        {
            "ID_Contacto": contact_ids(c["contact_no"]),
            "Canal": pd.Series(CHANNEL_WORDS[channel], dtype="str"),
            "Fila": pd.Series(
                "NW " + CHANNEL_WORDS[channel] + " " + QUEUE_GROUP[reason], dtype="str"
            ),
            "Motivo": pd.Series(REASON_WORDS[reason], dtype="str"),
            "Agente": fmt.blank_where(agents(np.maximum(c["agent"], 0)), ~answered),
            "Email_Cliente": messy_email(c["customer"].to_numpy(), rng),
            "Data_Hora": fmt.local_time(
                c["started_at"], data.profile.timezone, "%d-%m-%Y %H:%M:%S"
            ),
            "Atendida": fmt.flag(answered, "S", "N"),
            "Abandonada": fmt.flag(c["abandoned"], "S", "N"),
            "Tempo_Espera": fmt.one_decimal(c["wait_s"], ","),
            "Tempo_Conversa": fmt.one_decimal(c["talk_s"], ","),
            "Tempo_Espera_Hold": fmt.one_decimal(c["hold_s"], ","),
            "Tempo_Pos_Chamada": fmt.one_decimal(c["wrap_s"], ","),
            "Transferida": fmt.flag(c["transferred"], "S", "N"),
            "Reclamação": fmt.flag(c["complaint"], "S", "N"),
        }
    )


def surveys_table(data: CentreData) -> pd.DataFrame:
    s = data.surveys
    return pd.DataFrame(
        {
            "ID_Inquerito": fmt.zero_padded(s["survey_no"] + 1, 6, "INQ-"),
            "ID_Contacto": contact_ids(s["contact_no"]),
            "Data_Resposta": fmt.local_time(
                s["responded_at"], data.profile.timezone, "%d-%m-%Y %H:%M"
            ),
            "Satisfacao_0_10": fmt.whole(s["csat_raw"]),
            "Recomendacao_0_10": fmt.whole(s["nps"]),
            "Resolvido": fmt.flag(s["resolved"], "S", "N"),
            "Comentario": s["comment"].astype("str").reset_index(drop=True),
        }
    )


def qa_table(data: CentreData) -> pd.DataFrame:
    q = data.qa
    client = (q["org"] == CLIENT).to_numpy()
    evaluator = np.where(client, CLIENT_EVALUATORS[q["evaluator"]], OWN_EVALUATORS[q["evaluator"]])
    return pd.DataFrame(
        {
            "ID_Avaliacao": fmt.zero_padded(q["eval_no"] + 1, 6, "AV-"),
            "ID_Contacto": contact_ids(q["contact_no"]),
            "Agente": agents(q["agent"]),
            "Avaliador": pd.Series(evaluator, dtype="str"),
            "Equipa": fmt.flag(client, "Northwind", "Atlantico"),
            "Data": fmt.local_time(q["evaluated_at"], data.profile.timezone, "%d-%m-%Y"),
            "Pontuacao": fmt.one_decimal(q["score"], ","),
            "Falha_Critica": fmt.flag(q["critical_fail"], "S", "N"),
            **{word: fmt.whole(q[section]) for section, word in SECTION_WORDS.items()},
        }
    )


def write(data: CentreData, folder: Path, rng: np.random.Generator) -> list[WrittenFile]:
    cid = data.profile.centre_id
    period = period_name(data.window)
    contacts = contacts_table(data, rng)
    answered = (contacts["Atendida"] == "S").to_numpy()
    new_contact = dirt.fresh_id("ID_Contacto", contact_ids)
    contacts, contact_dirt = dirt.inject(
        contacts,
        [
            dirt.Dirt(dirt.DUPLICATE, 3),
            dirt.Dirt(dirt.TOO_FEW_FIELDS, 2, new_contact, answered, keep_fields=10),
            dirt.Dirt(
                dirt.BAD_DATE,
                2,
                dirt.then(new_contact, dirt.set_column("Data_Hora", "31-09-2026 11:02:45")),
                answered,
            ),
            dirt.Dirt(
                dirt.BAD_DURATION,
                2,
                dirt.then(new_contact, dirt.set_column("Tempo_Conversa", "1O5,2")),
                answered,
            ),
            dirt.Dirt(
                dirt.NEGATIVE_DURATION,
                2,
                dirt.then(new_contact, dirt.set_column("Tempo_Conversa", "-35,0")),
                answered,
            ),
        ],
        rng,
        fresh_start=len(data.contacts),
    )
    contacts_path = export_path(data.profile, f"atlantico_contactos_{period}.csv.gz")
    write_csv(
        folder / contacts_path, contacts, CsvDialect(delimiter=";", encoding="latin-1", gzip=True)
    )

    surveys = surveys_table(data)
    new_survey = dirt.fresh_id("ID_Inquerito", lambda n: fmt.zero_padded(n + 1, 6, "INQ-"))
    surveys, survey_dirt = dirt.inject(
        surveys,
        [
            dirt.Dirt(dirt.DUPLICATE, 1),
            dirt.Dirt(dirt.TOO_FEW_FIELDS, 1, new_survey, keep_fields=4),
            dirt.Dirt(
                dirt.BAD_DATE,
                1,
                dirt.then(new_survey, dirt.set_column("Data_Resposta", "2026/07/14 10:20")),
            ),
            dirt.Dirt(
                dirt.CSAT_OUT_OF_RANGE,
                1,
                dirt.then(new_survey, dirt.set_column("Satisfacao_0_10", "12")),
            ),
            dirt.Dirt(
                dirt.NPS_OUT_OF_RANGE,
                1,
                dirt.then(new_survey, dirt.set_column("Recomendacao_0_10", "11")),
            ),
            dirt.Dirt(
                dirt.UNKNOWN_CONTACT,
                2,
                dirt.then(new_survey, dirt.unknown_contact("ID_Contacto", contact_ids)),
            ),
        ],
        rng,
        fresh_start=len(data.surveys),
    )
    surveys_path = export_path(data.profile, f"atlantico_inqueritos_{period}.csv")
    write_csv(folder / surveys_path, surveys, DIALECT)

    qa = qa_table(data)
    new_eval = dirt.fresh_id("ID_Avaliacao", lambda n: fmt.zero_padded(n + 1, 6, "AV-"))
    qa_clean = {
        "qa_evaluations": len(data.qa),
        "own": int((data.qa["org"] != CLIENT).sum()),
        "client": int((data.qa["org"] == CLIENT).sum()),
    }
    qa, qa_dirt = dirt.inject(
        qa,
        [
            dirt.Dirt(dirt.DUPLICATE, 1),
            dirt.Dirt(dirt.TOO_FEW_FIELDS, 1, new_eval, keep_fields=7),
            dirt.Dirt(dirt.BAD_DATE, 1, dirt.then(new_eval, dirt.set_column("Data", "00-10-2026"))),
            dirt.Dirt(
                dirt.QA_OUT_OF_RANGE, 1, dirt.then(new_eval, dirt.set_column("Pontuacao", "105,0"))
            ),
            dirt.Dirt(
                dirt.UNKNOWN_CONTACT,
                1,
                dirt.then(new_eval, dirt.unknown_contact("ID_Contacto", contact_ids)),
            ),
        ],
        rng,
        fresh_start=len(data.qa),
    )
    qa_path = export_path(data.profile, f"atlantico_qualidade_{period}.csv")
    write_csv(folder / qa_path, qa, DIALECT)

    return [
        WrittenFile(
            contacts_path,
            cid,
            ["contacts"],
            len(contacts),
            contact_dirt,
            {"contacts": len(data.contacts)},
        ),
        WrittenFile(
            surveys_path,
            cid,
            ["surveys"],
            len(surveys),
            survey_dirt,
            {"surveys": len(data.surveys)},
        ),
        WrittenFile(qa_path, cid, ["qa"], len(qa), qa_dirt, qa_clean),
    ]
