"""The client's message list: what is unread, for the menu's count."""

from sqlalchemy import func
from sqlmodel import Session, select

from models import Message


def unread_count(session: Session, client_id: int) -> int:
    """Messages the client has not opened yet (served by ix_messages_client_read)."""
    query = select(func.count()).select_from(Message).where(Message.client_id == client_id, Message.read_at.is_(None))
    return session.exec(query).one()
