"""The demo registry: fictitious people who reproduce the seed's screens and every branch of the
journeys. A new data directory starts with them; ``mes-tui registry reset`` brings them back.

Every NIR below is fictitious but valid (its key is computed, not typed). The table ``DEMO_TABLE``
is what a trainer needs at the desk; ``mes-tui registry list`` shows the same, live.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from mes_tui.models import nir_key
from mes_tui.services import rules

DEMO_TABLE = """\
Registre de démonstration : chaque code provisoire sert une fois (registry list
montre le code en cours). Carte avec photo : les 11 chiffres à saisir.

Personne                     NIR                    Carte  N° de série  Code
Martine Julie LEGUELLEC      1 16 30 44 038 016 18  sans   01024576124  HuqZF3KXCz8k
    en attente ; e-mail, pas de mobile ; 5 profils rattachés (ci-dessous)
  Virginie CAPANELLI         2 99 04 44 038 021 39  sans   0234567812   Vr7kP2mQx9Ta
    profil opposé le 07/12/2021
  Jean-Jacques CAPANELLI     1 01 07 44 038 033 77  sans   0311223344   Jj4nW8sLp2Ze
  Gerard CAPANELLI           1 03 02 44 038 045 81  sans   0322334455   Gd9tR3vYk6Hc
  Brigitte CAPANELLI         2 12 05 44 038 052 19  sans   0333445566   Bg2wX7nMq5Fu
    mineure (née en 2012)
  Vincent CAPANELLI          1 15 09 44 038 067 68  sans   0344556677   Vc8hT4jNr3Ys
    mineur (né en 2015)
Karim BENALI                 1 78 07 75 114 089 18  avec   04512378906  Kb6zQ9wEr4Tn
    e-mail et mobile
Jeanne MARTIN                2 65 03 69 123 045 89  sans   01987654321  Jm5pK8dWs2Ga
    ni e-mail ni mobile : invitation par courrier, pas de nouveau code par e-mail
Lucas PETIT                  1 82 06 13 055 071 67  sans   02468013579  (aucun)
    activé ; identifiant lucas.petit, mot de passe Azur&Menthe42
Sophie ROUX                  2 91 10 33 063 012 83  sans   01357924680  Sr3mV7bXq9Lk
    identification bloquée pendant 24 h après chaque remise à zéro
Thomas LEFEBVRE              1 72 04 56 118 034 33  avec   09876543210  Tl4cN6gHw8Pj
    opposé le 20/08/2021 : peut changer d'avis et activer
Marie-Ange SANTONI           2 85 03 2A 004 123 71  sans   01122334455  Ms7aC3eRt5Vy
    née en Corse-du-Sud (2A)
Françoise Hélène CŒURDEROY   2 68 01 13 055 098 14  avec   05566778899  Fc2eZ8uKd6Wb
    nom accentué ; e-mail et mobile
"""

DEMO_PASSWORD = "Azur&Menthe42"  # noqa: S105 - published on purpose, for trainers
"""Lucas PETIT's password, documented for trainers; it meets every rule of the checklist."""

# argon2id hash of DEMO_PASSWORD with argon2-cffi's default parameters, computed once: a reset
# does not need to load argon2 or spend a second hashing a password everyone knows.
DEMO_PASSWORD_HASHES = {
    DEMO_PASSWORD: (
        "$argon2id$v=19$m=65536,t=3,p=4$EOYZDfwW5nhuxJB24tPJ6g$"
        "5dlDfgLhpXMyjaa+Ebs9rFvIpJsJIga6BYM+uDfeZU4"
    ),
}

LOCKED_NIR_BODY = "2911033063012"


def _nir(body: str) -> str:
    """The 13 characters, spaced as printed, followed by their computed key."""
    compact = body.replace(" ", "")
    return compact + nir_key(compact)


MARTINE = _nir("1 16 30 44 038 016")
VIRGINIE = _nir("2 99 04 44 038 021")
JEAN_JACQUES = _nir("1 01 07 44 038 033")
GERARD = _nir("1 03 02 44 038 045")
BRIGITTE = _nir("2 12 05 44 038 052")
VINCENT = _nir("1 15 09 44 038 067")
KARIM = _nir("1 78 07 75 114 089")
JEANNE = _nir("2 65 03 69 123 045")
LUCAS = _nir("1 82 06 13 055 071")
SOPHIE = _nir(LOCKED_NIR_BODY)
THOMAS = _nir("1 72 04 56 118 034")
MARIE_ANGE = _nir("2 85 03 2A 004 123")
FRANCOISE = _nir("2 68 01 13 055 098")


def _person(
    nir: str,
    first_name: str,
    last_name: str,
    birth_date: str,
    card_type: str,
    card_serial: str,
    provisional_code: str | None,
    *,
    status: str = "en_attente",
    email: str | None = None,
    mobile: str | None = None,
    profiles: tuple[str, ...] = (),
    **extra: Any,
) -> dict[str, Any]:
    return {
        "nir": nir,
        "first_name": first_name,
        "last_name": last_name,
        "birth_date": birth_date,
        "card_type": card_type,
        "card_serial": card_serial,
        "provisional_code": provisional_code,
        "status": status,
        "email": email,
        "mobile": mobile,
        "profiles": list(profiles),
        **extra,
    }


def demo_people(now: datetime) -> list[dict[str, Any]]:
    """The demo registry as import rows (the keys of DESIGN.md); ``now`` dates the demo lock."""
    return [
        _person(
            MARTINE,
            "Martine Julie",
            "LEGUELLEC",
            "1976-06-16",
            "sans_photo",
            "01024576124",
            "HuqZF3KXCz8k",
            email="dlfr-cn5-tma-support-cobra@atos.net",
            profiles=(VIRGINIE, JEAN_JACQUES, GERARD, BRIGITTE, VINCENT),
        ),
        _person(
            VIRGINIE,
            "Virginie",
            "CAPANELLI",
            "1999-04-21",
            "sans_photo",
            "0234567812",
            "Vr7kP2mQx9Ta",
            status="opposee",
            decided_on="2021-12-07",
        ),
        _person(
            JEAN_JACQUES,
            "Jean-Jacques",
            "CAPANELLI",
            "2001-07-09",
            "sans_photo",
            "0311223344",
            "Jj4nW8sLp2Ze",
        ),
        _person(
            GERARD,
            "Gerard",
            "CAPANELLI",
            "2003-02-14",
            "sans_photo",
            "0322334455",
            "Gd9tR3vYk6Hc",
        ),
        _person(
            BRIGITTE,
            "Brigitte",
            "CAPANELLI",
            "2012-05-30",
            "sans_photo",
            "0333445566",
            "Bg2wX7nMq5Fu",
        ),
        _person(
            VINCENT,
            "Vincent",
            "CAPANELLI",
            "2015-09-03",
            "sans_photo",
            "0344556677",
            "Vc8hT4jNr3Ys",
        ),
        _person(
            KARIM,
            "Karim",
            "BENALI",
            "1978-07-22",
            "avec_photo",
            "04512378906",
            "Kb6zQ9wEr4Tn",
            email="karim.benali@exemple.fr",
            mobile="+33611121314",
        ),
        _person(
            JEANNE,
            "Jeanne",
            "MARTIN",
            "1965-03-08",
            "sans_photo",
            "01987654321",
            "Jm5pK8dWs2Ga",
        ),
        _person(
            LUCAS,
            "Lucas",
            "PETIT",
            "1982-06-11",
            "sans_photo",
            "02468013579",
            None,
            status="active",
            decided_on="2021-09-01",
            email="lucas.petit@exemple.fr",
            mobile="+33663781970",
            identifier="lucas.petit",
            password=DEMO_PASSWORD,
        ),
        _person(
            SOPHIE,
            "Sophie",
            "ROUX",
            "1991-10-05",
            "sans_photo",
            "01357924680",
            "Sr3mV7bXq9Lk",
            email="sophie.roux@exemple.fr",
            locked_until=(now + rules.DEMO_LOCK).isoformat(),
        ),
        _person(
            THOMAS,
            "Thomas",
            "LEFEBVRE",
            "1972-04-19",
            "avec_photo",
            "09876543210",
            "Tl4cN6gHw8Pj",
            status="opposee",
            decided_on="2021-08-20",
            email="thomas.lefebvre@exemple.fr",
        ),
        _person(
            MARIE_ANGE,
            "Marie-Ange",
            "SANTONI",
            "1985-03-27",
            "sans_photo",
            "01122334455",
            "Ms7aC3eRt5Vy",
            email="marie-ange.santoni@exemple.fr",
        ),
        _person(
            FRANCOISE,
            "Françoise Hélène",
            "CŒURDEROY",
            "1968-01-12",
            "avec_photo",
            "05566778899",
            "Fc2eZ8uKd6Wb",
            email="francoise.coeurderoy@exemple.fr",
            mobile="+33761234567",
        ),
    ]
