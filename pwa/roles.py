"""The roles a person can hold in a service."""

from enum import StrEnum


class Role(StrEnum):
    CLIENT = "client"
    CHAMPION = "champion"
    TRAINEE = "trainee"
    TRAINER = "trainer"
    MANAGER = "manager"
    ADMIN = "admin"


ROLE_LABELS = {
    Role.CLIENT: "Client",
    Role.CHAMPION: "Health trainer champion",
    Role.TRAINEE: "Trainee health trainer",
    Role.TRAINER: "Health trainer",
    Role.MANAGER: "Manager",
    Role.ADMIN: "Admin",
}

# Staff roles carry a whole-time equivalent (WTE).
STAFF_ROLES = frozenset({Role.CHAMPION, Role.TRAINEE, Role.TRAINER, Role.MANAGER})
# Roles that hold a caseload of clients.
CASELOAD_ROLES = frozenset({Role.TRAINER, Role.TRAINEE})
# The role a person starts in after login when they hold several: their day job first.
DEFAULT_ORDER = [Role.MANAGER, Role.TRAINER, Role.TRAINEE, Role.CHAMPION, Role.CLIENT, Role.ADMIN]
