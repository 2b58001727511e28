"""The demo's workspace: about twenty people in several teams and time zones."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DemoPerson:
    handle: str
    real_name: str
    team: str
    tz: str
    locale: str
    is_admin: bool = False


PEOPLE = (
    DemoPerson("alice", "Alice Martin", "Quality", "Europe/Paris", "en-GB", is_admin=True),
    DemoPerson("bruno", "Bruno Lefèvre", "Quality", "Europe/Paris", "fr-FR"),
    DemoPerson("chen", "Chen Wei", "Platform", "Asia/Singapore", "en-US"),
    DemoPerson("dara", "Dara O'Neill", "Mobile", "Europe/Dublin", "en-GB"),
    DemoPerson("emma", "Emma Schulz", "Platform", "Europe/Berlin", "en-US"),
    DemoPerson("farah", "Farah Haddad", "Data", "America/New_York", "en-US"),
    DemoPerson("gael", "Gaël Moreau", "Mobile", "Europe/Paris", "fr-FR"),
    DemoPerson("hana", "Hana Sato", "Design", "Asia/Tokyo", "en-US"),
    DemoPerson("ines", "Inès Dubois", "Data", "America/Montreal", "fr-CA"),
    DemoPerson("jon", "Jon Eriksen", "Support", "Europe/Oslo", "en-GB"),
    DemoPerson("kofi", "Kofi Mensah", "Platform", "Africa/Accra", "en-GB"),
    DemoPerson("lea", "Léa Garnier", "Design", "Europe/Paris", "fr-FR"),
    DemoPerson("maya", "Maya Patel", "Quality", "America/New_York", "en-US"),
    DemoPerson("nils", "Nils Berg", "Support", "Europe/Stockholm", "en-GB"),
    DemoPerson("omar", "Omar Benali", "Mobile", "Africa/Casablanca", "fr-FR"),
    DemoPerson("paula", "Paula Ruiz", "Data", "America/Los_Angeles", "en-US"),
    DemoPerson("quentin", "Quentin Roy", "Quality", "Europe/Brussels", "fr-BE"),
    DemoPerson("rosa", "Rosa Costa", "Design", "Europe/Lisbon", "en-GB"),
    DemoPerson("sam", "Sam Taylor", "Support", "Australia/Sydney", "en-AU"),
    DemoPerson("tomas", "Tomás Silva", "Platform", "America/Sao_Paulo", "en-US"),
)


def user_id(handle: str) -> str:
    """Readable Slack ids for the demo's people: alice → UALICE000."""
    return "U" + handle.upper().ljust(8, "0")[:8]
