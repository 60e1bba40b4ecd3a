"""Registering a client: checks, age bands, duplicates (and their privacy), accounts, details and consent."""

from datetime import date, timedelta

import pytest
from sqlmodel import select

from models import AuditEvent, Client, Episode, Person, PostcodeArea, RoleGrant, SetupCode
from pwa.caseload.registration_rules import (
    age_band_on,
    check_consent,
    check_registration,
    clean_phone,
    similar_names,
    split_partners,
    username_base,
)
from pwa.clock import london_today
from tests.conftest import act_as, post_form

TODAY = london_today()


def form(**changes) -> dict:
    """A complete, valid registration form for Maya Patel."""
    data = {
        "full_name": "Maya Patel",
        "registered_on": TODAY.isoformat(),
        "gender": "female",
        "date_of_birth": "1984-06-02",
        "ethnicity": "asian_indian",
        "disability": "not_disabled",
        "gp_registered": "yes",
        "phone": "07700 900123",
        "postcode": "fe1 6fr",
        "how_heard": "word_of_mouth",
        "referral_source": "gp_primary_care",
        "communities": ["carers", "faith_group"],
        "employment_status": "unemployed",
        "time_since_paid_work": "1_3_years",
        "consent_data_use": "yes",
        "contact_by_text": "yes",
        "diary_shared": "yes",
        "partner_sharing": "Ferncombe Food Bank\nAge Concern, Citizens Advice",
        "consent_signed_on": TODAY.isoformat(),
    }
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


def clients_named(db_session, name: str) -> list[Client]:
    db_session.expire_all()
    return list(db_session.exec(select(Client).where(Client.full_name == name)).all())


def audit_rows(db_session, action: str) -> list[AuditEvent]:
    db_session.expire_all()
    return list(db_session.exec(select(AuditEvent).where(AuditEvent.action == action)).all())


def as_trainer(client, world, who="trainer"):
    act_as(client, world.people[who], world.grants[who])


# --- Pure rules -------------------------------------------------------------------------------


def _years_ago(years: int, on: date = date(2025, 6, 15)) -> date:
    return on.replace(year=on.year - years)


@pytest.mark.parametrize(
    ("born", "band"),
    [
        (_years_ago(18) + timedelta(days=1), "under_18"),  # 18 tomorrow
        (_years_ago(18), "18_25"),  # 18 today
        (_years_ago(26) + timedelta(days=1), "18_25"),  # still 25
        (_years_ago(26), "26_35"),
        (_years_ago(36) + timedelta(days=1), "26_35"),
        (_years_ago(36), "36_45"),
        (_years_ago(46) + timedelta(days=1), "36_45"),
        (_years_ago(46), "46_55"),
        (_years_ago(56) + timedelta(days=1), "46_55"),
        (_years_ago(56), "56_65"),
        (_years_ago(66) + timedelta(days=1), "56_65"),
        (_years_ago(66), "over_65"),
        (_years_ago(101), "over_65"),
        (_years_ago(0), "under_18"),
    ],
)
def test_age_band_at_every_boundary(born, band):
    assert age_band_on(born, date(2025, 6, 15)) == band


def test_age_band_for_a_leap_day_birthday():
    assert age_band_on(date(2004, 2, 29), date(2022, 2, 28)) == "under_18"  # 18 on 1 March
    assert age_band_on(date(2004, 2, 29), date(2022, 3, 1)) == "18_25"
    assert age_band_on(date(2004, 2, 29), date(2024, 2, 29)) == "18_25"


def test_check_registration_accepts_a_full_form_and_derives_the_age_band():
    raw = form(age_band="declined", registered_on="2025-06-15", consent_signed_on="2025-06-01")
    checked = check_registration(raw, today=date(2025, 6, 15))
    assert checked.ok, checked.errors
    values = checked.values
    assert values["age_band"] == "36_45"  # the date of birth wins over the band chosen
    assert values["postcode"] == "FE1 6FR" and values["postcode_district"] == "FE1"
    assert values["phone"] == "07700900123"
    assert values["communities"] == ["carers", "faith_group"]
    assert values["partner_sharing"] == ["Ferncombe Food Bank", "Age Concern", "Citizens Advice"]
    assert values["consent_data_use"] and values["contact_by_text"] and not values["contact_by_phone"]


def test_check_registration_uses_the_band_without_a_date_of_birth_and_defaults_to_today():
    checked = check_registration(form(date_of_birth="", age_band="declined", registered_on=""), today=TODAY)
    assert checked.ok, checked.errors
    assert checked.values["age_band"] == "declined" and checked.values["date_of_birth"] is None
    assert checked.values["registered_on"] == TODAY


def test_prefer_not_to_say_is_allowed_everywhere():
    raw = form(
        gender="prefer_not_to_say",
        date_of_birth="",
        age_band="declined",
        ethnicity="not_stated",
        disability="prefer_not_to_say",
        how_heard="not_applicable",
        employment_status="not_disclosed",
        time_since_paid_work="not_disclosed",
        gp_registered="",
        phone="",
        postcode="",
        communities=[],
        partner_sharing="",
        consent_signed_on="",
    )
    checked = check_registration(raw, today=TODAY)
    assert checked.ok, checked.errors
    assert checked.values["gp_registered"] == "not_recorded" and checked.values["consent_signed_on"] is None


def test_the_other_referral_text_is_only_kept_for_other():
    assert check_registration(form(referral_source_other="Mosque"), today=TODAY).values["referral_source_other"] == ""
    checked = check_registration(form(referral_source="other", referral_source_other=" The  mosque "), today=TODAY)
    assert checked.values["referral_source_other"] == "The mosque"


def test_consent_may_be_withdrawn_later_but_is_needed_to_register():
    assert "consent_data_use" in check_consent({}, today=TODAY, registering=True).errors
    assert check_consent({}, today=TODAY, registering=False).ok


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("07700 900123", "07700900123"),
        ("+44 7700 900123", "07700900123"),
        ("+44 (0)20 7946 0018", "02079460018"),
        ("0044 7700-900-123", "07700900123"),
        ("(01632) 960 001", "01632960001"),
        ("", ""),
        ("12345", None),
        ("0770090012345", None),
        ("call me", None),
    ],
)
def test_phone_numbers(typed, kept):
    assert clean_phone(typed) == kept


def test_partner_lists_drop_blanks_and_repeats():
    assert split_partners("Food Bank,\n\n food  bank ; Mind\n") == ["Food Bank", "Mind"]


@pytest.mark.parametrize(
    ("one", "other", "similar"),
    [
        ("John Smith", "Jon Smith", True),
        ("Jon Smith", "JOHN  SMITH", True),
        ("Mohammed Ali", "Muhammad Ali", True),
        ("J Smith", "Jane Smith", True),  # same surname and first initial
        ("Zoë O'Neil", "Zoe ONeil", True),
        ("Mary Jane Brown", "Mary Brown", True),
        ("Jane Smith", "Paul Smith", False),
        ("Maya Patel", "Priya Patel", False),
        ("Maya Patel", "Maya Jones", False),
        ("", "Maya Patel", False),
    ],
)
def test_similar_names(one, other, similar):
    assert similar_names(one, other) is similar


def test_username_base():
    assert username_base("Zoë O'Neil") == "zoe.oneil"
    assert username_base("Mary Jane Brown") == "mary.brown"
    assert username_base("Al") == "client.al"
    assert username_base("李") == "client"


# --- Registering through the form -----------------------------------------------------------


def test_register_page_offers_the_fieldsets(client, world):
    as_trainer(client, world)
    page = client.get("/clients/new").get_data(as_text=True)
    for heading in ["About them", "Where they live", "How they found us", "Work", "Consent", "App account"]:
        assert f"<legend>{heading}</legend>" in page
    assert "Prefer not to say" in page
    # The trainer is chosen for themselves; trainers from another service are never offered.
    assert f'<option value="{world.people["trainer"].id}" selected>' in page
    assert "South Trainer" not in page


def test_registering_saves_client_first_episode_and_audit(client, db_session, world):
    db_session.add(
        PostcodeArea(
            postcode="FE1 6FR",
            ward_code="E05999901",
            ward_name="Ferncombe Central",
            lsoa_code="E01999901",
            imd_decile=2,
        )
    )
    db_session.commit()
    as_trainer(client, world)
    response = post_form(client, "/clients/new", form(registered_on=(TODAY - timedelta(days=3)).isoformat()))
    [maya] = clients_named(db_session, "Maya Patel")
    assert response.status_code == 302 and response.headers["Location"] == f"/clients/{maya.id}"
    trainer = world.people["trainer"]
    assert (maya.service_id, maya.trainer_id, maya.registered_by_id) == (world.north.id, trainer.id, trainer.id)
    assert maya.registered_on == TODAY - timedelta(days=3)
    assert (maya.gender, maya.date_of_birth, maya.ethnicity) == ("female", date(1984, 6, 2), "asian_indian")
    assert (maya.postcode, maya.postcode_district, maya.ward_name, maya.deprivation_quintile) == (
        "FE1 6FR",
        "FE1",
        "Ferncombe Central",
        "q1_most_deprived",
    )
    assert maya.communities == ["carers", "faith_group"] and maya.employment_status == "unemployed"
    assert maya.consent_data_use and maya.contact_by_text and maya.diary_shared and not maya.contact_by_app
    assert maya.partner_sharing == ["Ferncombe Food Bank", "Age Concern", "Citizens Advice"]
    assert maya.person_id is None
    [episode] = db_session.exec(select(Episode).where(Episode.client_id == maya.id)).all()
    assert (episode.number, episode.started_on, episode.service_id) == (1, maya.registered_on, world.north.id)
    [event] = audit_rows(db_session, "register_client")
    assert (event.client_id, event.actor_id) == (maya.id, trainer.id)

    page = client.get(f"/clients/{maya.id}").get_data(as_text=True)
    for shown in [
        "Maya Patel is registered.",
        "FE1 6FR, Ferncombe Central",
        "1 (most deprived)",
        "Word of mouth",
        "GP or primary care",
        "Carers, Faith group",
        "Ferncombe Food Bank, Age Concern",
        "text",
    ]:
        assert shown in page
    assert "Change details" in page and "Change consent" in page and "Make an app account" in page


def test_a_postcode_missing_from_the_lookup_is_kept_as_unknown(client, db_session, world):
    as_trainer(client, world)
    post_form(client, "/clients/new", form(postcode="w10 5ab"))
    [maya] = clients_named(db_session, "Maya Patel")
    assert (maya.postcode, maya.postcode_district, maya.ward_name, maya.deprivation_quintile) == (
        "W10 5AB",
        "W10",
        "",
        "unknown",
    )


def test_age_band_from_the_form(client, db_session, world):
    as_trainer(client, world)
    born = TODAY.replace(year=TODAY.year - 26) + timedelta(days=1)  # 26 tomorrow
    post_form(client, "/clients/new", form(date_of_birth=born.isoformat(), age_band="over_65"))
    post_form(client, "/clients/new", form(full_name="Sam Rivers", date_of_birth="", age_band="declined"))
    assert clients_named(db_session, "Maya Patel")[0].age_band == "18_25"
    sam = clients_named(db_session, "Sam Rivers")[0]
    assert (sam.age_band, sam.date_of_birth) == ("declined", None)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"full_name": "  "}, "full_name", "Type their full name."),
        ({"registered_on": (TODAY + timedelta(days=1)).isoformat()}, "registered_on", "cannot be in the future"),
        ({"registered_on": "yesterday"}, "registered_on", "Type the date"),
        ({"gender": "martian"}, "gender", "Choose one from the list."),
        ({"gender": ""}, "gender", "Prefer not to say"),
        ({"date_of_birth": (TODAY + timedelta(days=1)).isoformat()}, "date_of_birth", "cannot be in the future"),
        ({"date_of_birth": "1890-01-01"}, "date_of_birth", "over 120 years ago"),
        ({"date_of_birth": "31/02/1980"}, "date_of_birth", "Type the date of birth as a date"),
        ({"date_of_birth": ""}, "age_band", "or choose an age band"),
        ({"date_of_birth": "", "age_band": "ancient"}, "age_band", "Choose one from the list."),
        ({"ethnicity": "klingon"}, "ethnicity", "Choose one from the list."),
        ({"disability": ""}, "disability", "Say whether they are disabled"),
        ({"phone": "12345"}, "phone", "UK phone number"),
        ({"postcode": "NOT A CODE"}, "postcode", "This is not a UK postcode"),
        ({"how_heard": "telepathy"}, "how_heard", "Choose one from the list."),
        ({"referral_source": ""}, "referral_source", "Choose who sent them"),
        ({"referral_source": "other"}, "referral_source_other", "Say who sent them to us."),
        ({"communities": ["carers", "aliens"]}, "communities", "Choose communities from the list."),
        ({"employment_status": "astronaut"}, "employment_status", "Choose one from the list"),
        ({"time_since_paid_work": "forever"}, "time_since_paid_work", "Choose one from the list"),
        ({"gp_registered": "maybe"}, "gp_registered", "Choose one from the list"),
        ({"consent_data_use": None}, "consent_data_use", "do not save this form"),
        ({"consent_signed_on": (TODAY + timedelta(days=2)).isoformat()}, "consent_signed_on", "in the future"),
        ({"partner_sharing": "x" * 130}, "partner_sharing", "under 120 letters"),
        ({"trainer_id": "999999"}, "trainer_id", "Choose the health trainer"),
        ({"make_account": "yes", "username": "A B"}, "username", "small letters"),
        ({"make_account": "yes", "username": "trainer"}, "username", "already has this username"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_is_saved(client, db_session, world, changes, field, message):
    as_trainer(client, world)
    data = form(**changes)
    data.setdefault("trainer_id", str(world.people["trainer"].id))
    episodes_before = len(db_session.exec(select(Episode)).all())
    response = post_form(client, "/clients/new", data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="{field}-error"' in page
    assert message in page.split(f'id="{field}-error"')[1].split("</p>")[0]
    assert clients_named(db_session, data.get("full_name", "").strip() or "Maya Patel") == []
    assert len(db_session.exec(select(Episode)).all()) == episodes_before
    assert audit_rows(db_session, "register_client") == []
    # What was typed is still there to fix.
    assert 'value="07700 900123"' in page or "phone" in changes


def test_a_trainer_from_another_service_cannot_be_chosen(client, db_session, world):
    as_trainer(client, world, "manager")
    response = post_form(client, "/clients/new", form(trainer_id=str(world.people["south-trainer"].id)))
    assert response.status_code == 422 and clients_named(db_session, "Maya Patel") == []


def test_a_manager_chooses_the_trainer(client, db_session, world):
    as_trainer(client, world, "manager")
    page = client.get("/clients/new").get_data(as_text=True)
    for name in ["Trainer", "Other Trainer", "Trainee (trainee)"]:
        assert f">{name}</option>" in page
    assert "South Trainer" not in page
    assert post_form(client, "/clients/new", form()).status_code == 422  # no trainer chosen
    response = post_form(client, "/clients/new", form(trainer_id=str(world.people["other-trainer"].id)))
    [maya] = clients_named(db_session, "Maya Patel")
    assert response.headers["Location"] == f"/clients/{maya.id}"
    assert (maya.trainer_id, maya.registered_by_id) == (world.people["other-trainer"].id, world.people["manager"].id)


def test_a_trainer_may_register_onto_a_colleagues_caseload(client, db_session, world):
    as_trainer(client, world)
    response = post_form(client, "/clients/new", form(trainer_id=str(world.people["other-trainer"].id)))
    [maya] = clients_named(db_session, "Maya Patel")
    assert maya.trainer_id == world.people["other-trainer"].id
    # They cannot see the record afterwards, so they go home with a message.
    assert response.headers["Location"] == "/"


def test_a_supervised_trainee_may_not_register(client, db_session, world):
    world.north.trainee_mode = "supervised"
    db_session.add(world.north)
    db_session.commit()
    as_trainer(client, world, "trainee")
    assert client.get("/clients/new").status_code == 403
    assert post_form(client, "/clients/new", form()).status_code == 403
    assert clients_named(db_session, "Maya Patel") == []


def test_a_trainee_in_full_mode_registers_onto_their_own_caseload(client, db_session, world):
    as_trainer(client, world, "trainee")
    post_form(client, "/clients/new", form())
    assert clients_named(db_session, "Maya Patel")[0].trainer_id == world.people["trainee"].id


# --- Duplicates -------------------------------------------------------------------------------


def _existing(db_session, client: Client, **values) -> Client:
    for name, value in values.items():
        setattr(client, name, value)
    db_session.add(client)
    db_session.commit()
    return client


def test_a_possible_duplicate_on_my_caseload_is_shown_and_must_be_confirmed(client, db_session, world):
    own = _existing(db_session, world.clients["own"], full_name="Maya Patel", date_of_birth=date(1984, 6, 2))
    as_trainer(client, world)
    response = post_form(client, "/clients/new", form(full_name="Maya  Pattel", postcode=""))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Is this person already registered?" in page
    assert f'href="/clients/{own.id}">Maya Patel</a>' in page and "born 2 June 1984" in page
    assert "This is a different person" in page
    assert clients_named(db_session, "Maya Pattel") == []

    response = post_form(client, "/clients/new", form(full_name="Maya Pattel", postcode="", not_duplicate="yes"))
    assert response.status_code == 302
    [new] = clients_named(db_session, "Maya Pattel")
    [event] = audit_rows(db_session, "register_client")
    assert event.client_id == new.id and str(own.id) in event.detail


def test_a_duplicate_out_of_reach_is_not_described(client, db_session, world):
    """The trainer learns only that a similar client exists elsewhere: no name, birth date or link."""
    other = _existing(
        db_session,
        world.clients["other-caseload"],
        full_name="Maya Patel",
        postcode="FE1 6FR",
        date_of_birth=date(1979, 1, 1),
    )
    as_trainer(client, world)
    page = post_form(client, "/clients/new", form(date_of_birth="1990-05-05")).get_data(as_text=True)
    assert "A client with a similar name and the same postcode is already registered with another trainer." in page
    assert "Ask your manager." in page
    assert f"/clients/{other.id}" not in page and "1979" not in page and "Olly" not in page
    assert clients_named(db_session, "Maya Patel") == [other]

    # Their manager sees the whole service, so sees who it is.
    as_trainer(client, world, "manager")
    data = form(date_of_birth="1990-05-05", trainer_id=str(world.people["trainer"].id))
    page = post_form(client, "/clients/new", data).get_data(as_text=True)
    assert f'href="/clients/{other.id}">Maya Patel</a>' in page and "born 1 January 1979" in page


def test_no_duplicate_warning_for_a_different_person_or_another_service(client, db_session, world):
    _existing(db_session, world.clients["south"], full_name="Maya Patel", date_of_birth=date(1984, 6, 2))
    _existing(db_session, world.clients["own"], full_name="Priya Patel", date_of_birth=date(1984, 6, 2))
    _existing(db_session, world.clients["other-caseload"], full_name="Maya Patel", date_of_birth=date(1950, 1, 1))
    as_trainer(client, world)
    assert post_form(client, "/clients/new", form(postcode="")).status_code == 302


# --- App accounts -----------------------------------------------------------------------------


def test_registering_with_an_app_account_shows_the_set_up_code(client, db_session, world):
    db_session.add(Person(username="maya.patel", display_name="Another Maya", session_token="x"))
    db_session.commit()
    as_trainer(client, world)
    response = post_form(client, "/clients/new", form(make_account="yes"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Code for Maya Patel" in page
    [maya] = clients_named(db_session, "Maya Patel")
    person = db_session.get(Person, maya.person_id)
    assert person.username == "maya.patel2" and person.password_hash is None
    assert f"<strong>{person.username}</strong>" in page
    [grant] = db_session.exec(select(RoleGrant).where(RoleGrant.person_id == person.id)).all()
    assert (grant.role, grant.service_id) == ("client", world.north.id)
    assert db_session.exec(select(SetupCode).where(SetupCode.person_id == person.id)).one().purpose == "setup"
    assert [event.client_id for event in audit_rows(db_session, "issue_code")] == [maya.id]


def test_registering_with_a_chosen_username(client, db_session, world):
    as_trainer(client, world)
    post_form(client, "/clients/new", form(make_account="yes", username=" Maya84 "))
    [maya] = clients_named(db_session, "Maya Patel")
    assert db_session.get(Person, maya.person_id).username == "maya84"


def test_an_account_can_be_added_later(client, db_session, world):
    as_trainer(client, world, "manager")
    olly = world.clients["other-caseload"]
    page = client.get(f"/clients/{olly.id}").get_data(as_text=True)
    assert "Make an app account" in page
    response = post_form(client, f"/clients/{olly.id}/account")
    assert response.status_code == 200 and "Code for Olly Other" in response.get_data(as_text=True)
    db_session.expire_all()
    person = db_session.get(Person, db_session.get(Client, olly.id).person_id)
    assert person.username == "olly.other"
    assert [event.subject_person_id for event in audit_rows(db_session, "make_account")] == [person.id]

    # A second press makes no second account.
    response = post_form(client, f"/clients/{olly.id}/account")
    assert response.status_code == 302
    assert len(db_session.exec(select(Person).where(Person.display_name == "Olly Other")).all()) == 1


# --- Changing details and consent ------------------------------------------------------------


def test_details_can_be_changed_later(client, db_session, world):
    own = world.clients["own"]
    before = own.updated_at
    as_trainer(client, world)
    page = client.get(f"/clients/{own.id}/details").get_data(as_text=True)
    assert 'value="Casey Client"' in page and "<legend>Work</legend>" in page
    data = form(full_name="Casey Client", date_of_birth="", age_band="declined", employment_status="employed")
    response = post_form(client, f"/clients/{own.id}/details", data)
    assert response.status_code == 302
    db_session.expire_all()
    own = db_session.get(Client, own.id)
    assert (own.employment_status, own.postcode, own.age_band, own.phone) == (
        "employed",
        "FE1 6FR",
        "declined",
        "07700900123",
    )
    assert own.updated_at > before
    [event] = audit_rows(db_session, "edit_client")
    assert "employment_status" in event.detail and "postcode" in event.detail and "full_name" not in event.detail


def test_bad_details_change_nothing(client, db_session, world):
    own = world.clients["own"]
    as_trainer(client, world)
    response = post_form(client, f"/clients/{own.id}/details", form(full_name="Casey Client", phone="999"))
    assert response.status_code == 422 and "UK phone number" in response.get_data(as_text=True)
    db_session.expire_all()
    assert db_session.get(Client, own.id).phone == "" and audit_rows(db_session, "edit_client") == []


def test_changing_the_date_of_birth_checks_for_duplicates(client, db_session, world):
    own = _existing(db_session, world.clients["own"], full_name="Maya Patel", date_of_birth=date(1990, 1, 1))
    _existing(db_session, world.clients["other-caseload"], full_name="Maya Patel", date_of_birth=date(1984, 6, 2))
    as_trainer(client, world)
    data = form(postcode="")
    response = post_form(client, f"/clients/{own.id}/details", data)
    assert response.status_code == 422 and "already registered with another trainer" in response.get_data(as_text=True)
    db_session.expire_all()
    assert db_session.get(Client, own.id).date_of_birth == date(1990, 1, 1)
    assert post_form(client, f"/clients/{own.id}/details", {**data, "not_duplicate": "yes"}).status_code == 302
    # Once saved, changing something else does not ask again.
    data = form(postcode="", employment_status="student")
    assert post_form(client, f"/clients/{own.id}/details", data).status_code == 302


def test_consent_changes_are_recorded_in_the_audit_trail(client, db_session, world):
    own = world.clients["own"]
    as_trainer(client, world)
    assert "Save consent" in client.get(f"/clients/{own.id}/consent").get_data(as_text=True)
    data = {
        "consent_data_use": "yes",
        "contact_by_text": "yes",
        "partner_sharing": "Mind, Food Bank",
        "consent_signed_on": TODAY.isoformat(),
    }  # diary sharing unticked
    assert post_form(client, f"/clients/{own.id}/consent", data).status_code == 302
    db_session.expire_all()
    own = db_session.get(Client, own.id)
    assert own.contact_by_text and not own.diary_shared and own.diary_shared_changed_at is not None
    assert own.partner_sharing == ["Mind", "Food Bank"] and own.consent_signed_on == TODAY
    [event] = audit_rows(db_session, "change_consent")
    for change in [
        "consent_data_use: no -> yes",
        "contact_by_text: no -> yes",
        "diary_shared: yes -> no",
        "partners: +Mind, +Food Bank",
        f"consent_signed_on: not signed -> {TODAY.isoformat()}",
    ]:
        assert change in event.detail
    assert event.at is not None

    data["partner_sharing"] = "Food Bank"
    post_form(client, f"/clients/{own.id}/consent", data)
    assert audit_rows(db_session, "change_consent")[-1].detail == "partners: -Mind"


def test_withdrawing_data_consent_warns_plainly(client, db_session, world):
    own = _existing(db_session, world.clients["own"], consent_data_use=True)
    as_trainer(client, world)
    response = post_form(client, f"/clients/{own.id}/consent", {"diary_shared": "yes"}, follow_redirects=True)
    assert "no longer agrees to us keeping their details" in response.get_data(as_text=True)


def test_a_bad_consent_date_changes_nothing(client, db_session, world):
    own = world.clients["own"]
    as_trainer(client, world)
    future = (TODAY + timedelta(days=5)).isoformat()
    response = post_form(client, f"/clients/{own.id}/consent", {"contact_by_text": "yes", "consent_signed_on": future})
    assert response.status_code == 422
    db_session.expire_all()
    assert not db_session.get(Client, own.id).contact_by_text


@pytest.mark.parametrize("path", ["details", "consent"])
def test_other_services_and_other_caseloads_are_out_of_reach(client, world, path):
    as_trainer(client, world)
    assert client.get(f"/clients/{world.clients['south'].id}/{path}").status_code == 404
    assert client.get(f"/clients/{world.clients['other-caseload'].id}/{path}").status_code == 403
    assert post_form(client, f"/clients/{world.clients['south'].id}/{path}", form()).status_code == 404


def test_no_account_for_a_client_of_another_service(client, db_session, world):
    as_trainer(client, world, "manager")
    south = _existing(db_session, world.clients["south"], person_id=None)
    assert post_form(client, f"/clients/{south.id}/account").status_code == 404
    db_session.expire_all()
    assert db_session.get(Client, south.id).person_id is None
