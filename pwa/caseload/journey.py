"""The client journey (DOMAIN.md section 2): an episode's status, what may happen in it now,
and the one next step for the trainer. Pure functions on the episode's fields."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from pwa.caseload import vocab

OPEN_STATES = frozenset({"registered", "eligible", "assessed", "in_plan", "paused"})
ENDED_STATES = frozenset({"not_eligible", "exited"})
NO_EPISODE = "none"  # a registered client with no episode yet: checking eligibility opens one

# Action (also its audit name) -> the states in which it may happen.
ALLOWED: dict[str, frozenset[str]] = {
    "check_eligibility": frozenset({NO_EPISODE, "registered", "eligible"}),
    "assess": frozenset({"eligible"}),
    "agree_plan": frozenset({"assessed"}),
    "pause": OPEN_STATES - {"paused"},
    "resume": frozenset({"paused"}),
    "exit_client": OPEN_STATES,
    "record_follow_up": frozenset({"exited"}),
    "add_measures": OPEN_STATES | {"exited"},
    "new_episode": frozenset({NO_EPISODE}) | ENDED_STATES,
}

# Why an action cannot happen now, in the trainer's words, by the state it needs first.
_REFUSALS = {
    "check_eligibility": "Eligibility is checked at the start, before the assessment.",
    "assess": "Check eligibility first: the assessment comes after it.",
    "agree_plan": "Do the first assessment before agreeing the plan.",
    "pause": "Only an open episode that is not already paused can be paused.",
    "resume": "Only a paused episode can be resumed.",
    "exit_client": "There is no open episode to finish.",
    "record_follow_up": "Follow-ups come after the client has finished.",
    "add_measures": "Measures are taken during an episode or after it has finished.",
    "new_episode": "Finish the open episode before starting a new one.",
}

# Measure stages that make sense in each state.
MEASURE_STAGES_BY_STATE = {
    **{state: ("baseline", "review") for state in OPEN_STATES},
    "exited": ("exit", "follow_up"),
}


def status(episode) -> str:
    """The journey state of an episode (None: a client with no episode yet is "registered")."""
    if episode is None:
        return "registered"
    if episode.ended_on is not None:
        not_eligible = episode.eligible is False or episode.exit_reason == "not_eligible"
        return "not_eligible" if not_eligible else "exited"
    if episode.paused_on is not None:
        return "paused"
    if episode.agreed_on is not None:
        return "in_plan"
    if episode.assessed_on is not None:
        return "assessed"
    if episode.eligible:
        return "eligible"
    return "registered"


def _state(episode) -> str:
    return NO_EPISODE if episode is None else status(episode)


def may(action: str, episode) -> bool:
    """True when the action may happen to this episode (None: the client has none)."""
    return _state(episode) in ALLOWED[action]


def refusal(action: str, episode) -> str | None:
    """Why the action cannot happen now, or None when it can."""
    return None if may(action, episode) else _REFUSALS[action]


@dataclass(frozen=True)
class NextStep:
    """What the trainer should do next, and where: an endpoint taking client_id, or none."""

    label: str
    endpoint: str | None = None
    permission: str = "journey.record"
    method: str = "get"
    hint: str = ""


def next_step(episode, *, goals: Iterable = (), follow_ups: Iterable = (), today: date) -> NextStep:
    """The one thing to do next with this client, in plain words."""
    state = status(episode)
    if state == "registered":
        return NextStep("Check eligibility", "journey.eligibility", "journey.decide")
    if state == "eligible":
        return NextStep("Do the first assessment", "journey.assess")
    if state == "assessed":
        return NextStep("Agree the plan at the first session", "journey.agree")
    if state == "paused":
        return NextStep("Start again when they are ready", "journey.resume", method="post")
    if state == "in_plan":
        if not list(goals):
            return NextStep("Add the first goal together", "plans.new_goal", "plan.manage")
        return NextStep(
            "Review the goals at the next session",
            "plans.plan",
            "plan.manage",
            hint="When the sessions are done, finish with outcomes, measures and a plan to keep going.",
        )
    if state == "exited":
        waiting = sorted((item for item in follow_ups if item.done_on is None), key=lambda item: item.due_on)
        if waiting:
            first = waiting[0]
            label = f"Do the {vocab.FOLLOW_UP_STAGES.get(first.stage, '')} follow-up"
            if first.due_on <= today:
                return NextStep(label, "journey.follow_up")
            return NextStep(
                f"Wait for the {vocab.FOLLOW_UP_STAGES.get(first.stage, '')} follow-up",
                hint=f"It is due on {first.due_on.strftime('%-d %B %Y')}.",
            )
    return NextStep("Start a new episode if they come back", "journey.new_episode", "journey.decide")


def open_goals(goals: Iterable) -> list:
    """Goals that still need an outcome before the client can finish."""
    return [goal for goal in goals if goal.outcome is None]
