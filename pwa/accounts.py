"""Account rules with no HTTP in them: passwords, login, set-up and reset codes."""

import hashlib
import hmac
import secrets
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func
from sqlmodel import Session, select

from models import Person, SetupCode
from pwa.clock import utcnow

hasher = PasswordHasher()  # Argon2id with the library's current recommended parameters
# Checked when no account matches, so a wrong username takes as long as a wrong password.
_DUMMY_HASH = hasher.hash("not a real password")

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 128
# Passwords so common that attackers try them first. Kept short and readable on purpose.
COMMON_PASSWORDS = frozenset(
    """password password1 password12 password123 passw0rd 12345678 123456789 1234567890
    11111111 00000000 87654321 qwertyui qwerty123 abcdefgh abcd1234 iloveyou letmein1
    welcome1 football liverpool arsenal chelsea manchester sunshine princess monkey123
    trustno1 baseball superman starwars whatever computer internet healthy1 changeme""".split()
)

# Codes people type from a slip of paper: no 0/O, 1/I/L lookalikes.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8


def hash_password(password: str) -> str:
    return hasher.hash(password)


def password_problems(password: str, *, username: str = "", email: str | None = None) -> list[str]:
    """Plain-English reasons a new password is not allowed (empty when it is fine)."""
    problems = []
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(f"Use at least {MIN_PASSWORD_LENGTH} letters, numbers or symbols.")
    if len(password) > MAX_PASSWORD_LENGTH:
        problems.append(f"Use no more than {MAX_PASSWORD_LENGTH} characters.")
    lowered = password.lower()
    if lowered in COMMON_PASSWORDS or len(set(lowered)) <= 2:
        problems.append("This password is too easy to guess. Try three random words.")
    elif lowered in {username.lower(), (email or "").lower()}:
        problems.append("Do not use your username or email as your password.")
    return problems


def find_person_by_login(db: Session, login: str) -> Person | None:
    """Find an account by username or email, ignoring case and spaces around it."""
    login = login.strip().lower()
    if not login:
        return None
    return db.exec(
        select(Person).where((func.lower(Person.username) == login) | (func.lower(Person.email) == login))
    ).first()


def check_password(db: Session, person: Person | None, password: str) -> bool:
    """True when the password matches. Upgrades the stored hash when parameters change."""
    if person is None or not person.password_hash:
        try:
            hasher.verify(_DUMMY_HASH, password + "x")
        except VerificationError:
            pass
        return False
    try:
        hasher.verify(person.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
    if hasher.check_needs_rehash(person.password_hash):
        person.password_hash = hash_password(password)
        db.add(person)
    return True


def set_password(person: Person, password: str) -> None:
    """Store a new password and end the person's other logins."""
    person.password_hash = hash_password(password)
    person.session_token = new_session_token()


def new_session_token() -> str:
    return secrets.token_urlsafe(24)


def normalise_code(code: str) -> str:
    """What a person typed, as the code we issued: capitals, no spaces or dashes."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


def format_code(code: str) -> str:
    """ABCD-EFGH: two short groups are easier to read out and type."""
    return f"{code[:4]}-{code[4:]}"


def _code_hash(code: str, secret_key: str) -> str:
    return hmac.new(secret_key.encode(), normalise_code(code).encode(), hashlib.sha256).hexdigest()


def issue_code(
    db: Session, person: Person, *, purpose: str, hours: int, issued_by: Person | None, secret_key: str
) -> str:
    """Make a new single-use code for the person, cancelling any earlier unused ones."""
    now = utcnow()
    for old in db.exec(select(SetupCode).where(SetupCode.person_id == person.id, SetupCode.used_at.is_(None))).all():
        old.used_at = now
        db.add(old)
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    db.add(
        SetupCode(
            person_id=person.id,
            code_hash=_code_hash(code, secret_key),
            purpose=purpose,
            created_by_id=issued_by.id if issued_by else None,
            expires_at=now + timedelta(hours=hours),
        )
    )
    return format_code(code)


class CodeProblem(ValueError):
    """A set-up code that cannot be used, with a message for the person holding it."""


def find_usable_code(db: Session, code: str, secret_key: str) -> tuple[SetupCode, Person]:
    """The code's record and person, or CodeProblem saying why it cannot be used."""
    if len(normalise_code(code)) != CODE_LENGTH:
        raise CodeProblem("Codes have 8 letters and numbers, like ABCD-2345. Check and try again.")
    record = db.exec(select(SetupCode).where(SetupCode.code_hash == _code_hash(code, secret_key))).first()
    if record is None:
        raise CodeProblem("We do not know this code. Check it, or ask your health trainer for a new one.")
    if record.used_at is not None:
        raise CodeProblem("This code has been used already. Ask your health trainer for a new one.")
    if record.expires_at <= utcnow():
        raise CodeProblem("This code is too old. Ask your health trainer for a new one.")
    person = db.get(Person, record.person_id)
    if person is None or person.is_disabled:
        raise CodeProblem("This account is turned off. Ask your health trainer.")
    return record, person


def redeem_code(db: Session, record: SetupCode, person: Person, password: str) -> None:
    """Use the code up and set the password, in one transaction with the caller's commit."""
    record.used_at = utcnow()
    set_password(person, password)
    db.add(record)
    db.add(person)
