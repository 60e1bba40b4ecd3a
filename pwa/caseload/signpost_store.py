"""Saving signposts, their results and the episode's signposting choice. Database work only."""

from sqlmodel import Session

from models import Client, Episode, Signpost
from pwa.caseload.checked import Checked
from pwa.caseload.record import client_signposts
from pwa.clock import utcnow


def signposts_of(session: Session, client: Client) -> list[Signpost]:
    """All the client's signposts, newest first (they stay with the client across episodes)."""
    return client_signposts(session, client)


def signpost_of_client(session: Session, client: Client, signpost_id: int) -> Signpost | None:
    """One of this client's signposts, or None (another client's id is as good as missing)."""
    found = session.get(Signpost, signpost_id)
    return found if found is not None and found.client_id == client.id else None


def new_signpost(
    values: dict, *, service_id: int, client_id: int | None, episode_id: int | None, by_id: int, **more
) -> Signpost:
    """A signpost (not yet added) from the checked signpost form: where to, how, when, follow-up.
    `more` holds what a signpost from a listing adds (listing_id, person_label)."""
    return Signpost(
        service_id=service_id,
        client_id=client_id,
        episode_id=episode_id,
        for_family_member=values["for_family_member"],
        destination=values["destination"],
        destination_name=values["destination_name"],
        kind=values["kind"],
        made_on=values["made_on"],
        follow_up_on=values["follow_up_on"],
        by_id=by_id,
        **more,
    )


def add_signpost(session: Session, client: Client, episode: Episode | None, checked: Checked, by_id: int) -> Signpost:
    """A new signpost or referral, in the open episode when there is one."""
    episode_id = episode.id if episode else None
    signpost = new_signpost(
        checked.values, service_id=client.service_id, client_id=client.id, episode_id=episode_id, by_id=by_id
    )
    session.add(signpost)
    session.commit()
    return signpost


def record_result(session: Session, signpost: Signpost, checked: Checked) -> Signpost:
    """What came of the signpost (a later answer replaces an earlier one)."""
    for name in ("result", "barrier", "result_note", "result_on"):
        setattr(signpost, name, checked.values[name])
    session.add(signpost)
    session.commit()
    return signpost


def set_signposting(session: Session, episode: Episode, choice: str) -> None:
    """Store "not needed" or "not done yet" on the episode (done is worked out from the records)."""
    episode.signposting = choice
    episode.updated_at = utcnow()
    session.add(episode)
    session.commit()
