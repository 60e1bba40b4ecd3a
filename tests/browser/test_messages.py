"""A trainer's message in a real phone-sized browser: sent with one tap from the client's record,
counted in the client's menu, read on "Messages", and the count gone, with JavaScript on and off."""

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import delete

from models import Message
from tests.browser.conftest import PHONE
from tests.browser.helpers import assert_accessible, log_in


def nav_link(page: Page, name: str):
    return page.get_by_role("navigation", name="Main").get_by_role("link", name=name, exact=True)


@pytest.fixture
def casey(world, db_session):
    """Casey agreed to messages in the app and has none yet."""
    record = world.clients["own"]
    record.contact_by_app = True
    db_session.add(record)
    db_session.exec(delete(Message))
    db_session.commit()
    return record


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_trainers_great_week_reaches_the_client(live_server, browser, casey, javascript):
    trainer_context = browser.new_context(java_script_enabled=javascript, **PHONE)
    client_context = browser.new_context(java_script_enabled=javascript, **PHONE)
    try:
        trainer, client = trainer_context.new_page(), client_context.new_page()
        log_in(trainer, live_server.url, "trainer")
        trainer.goto(f"{live_server.url}/clients/{casey.id}")
        trainer.get_by_role("link", name="Messages", exact=True).click()
        expect(trainer.get_by_role("heading", level=1)).to_have_text("Messages to Casey Client")
        expect(trainer.get_by_text("they will see it next time they open the app")).to_be_visible()
        trainer.get_by_role("button", name="Great week!", exact=True).click()
        expect(trainer.get_by_role("status")).to_have_text("Message sent.")
        sent = trainer.locator(".inbox__item")
        expect(sent).to_have_count(1)
        expect(sent).to_contain_text("Great week!")
        expect(sent).to_contain_text("Not read yet.")

        log_in(client, live_server.url, "client")
        expect(nav_link(client, "Messages (1 new)")).to_be_visible()
        nav_link(client, "Messages (1 new)").click()
        expect(client.get_by_role("heading", level=1)).to_have_text("Messages")
        item = client.locator(".inbox__item")
        expect(item).to_have_count(1)
        expect(item).to_contain_text("New")
        expect(item).to_contain_text("From Trainer")
        expect(item).to_contain_text("Great week!")
        expect(nav_link(client, "Messages")).to_have_attribute("aria-current", "page")
        client.goto(live_server.url + "/today")
        expect(nav_link(client, "Messages")).to_be_visible()
        expect(nav_link(client, "Messages (1 new)")).to_have_count(0)

        trainer.reload()
        expect(trainer.locator(".inbox__item")).to_contain_text("Read on ")
    finally:
        trainer_context.close()
        client_context.close()


def test_an_empty_message_is_refused_next_to_the_box(live_server, page, casey):
    log_in(page, live_server.url, "trainer")
    page.goto(f"{live_server.url}/clients/{casey.id}/messages")
    page.get_by_role("button", name="Send", exact=True).click()
    expect(page.locator("#body-error")).to_contain_text("Type a message, or tap one of the quick messages.")
    expect(page.get_by_label("Your message")).to_have_attribute("aria-invalid", "true")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the page is {width} px wide on a 360 px phone"
    assert_accessible(page)
