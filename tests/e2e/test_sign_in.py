"""A collector signs in and finds their way around by mouse, keyboard and on a tablet."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, username: str, password: str = PASSWORD) -> None:
    page.goto("/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_collector_signs_in_and_sees_the_navigation_of_the_role(page, collector):
    sign_in(page, "alice")
    expect(page).to_have_url(re.compile(r"/queue/$"))
    expect(page.get_by_role("heading", name="Work queue")).to_be_visible()
    navigation = page.get_by_role("navigation", name="Main")
    expect(navigation.get_by_role("link", name="Work queue")).to_have_attribute("aria-current", "page")
    expect(navigation.get_by_role("link", name="Accounts")).to_be_visible()
    expect(navigation.get_by_role("link", name="Dashboards")).to_have_count(0)
    expect(navigation.get_by_role("link", name="Configuration")).to_have_count(0)
    expect(page.get_by_text("Your queue is empty")).to_be_visible()

    navigation.get_by_role("link", name="Accounts").click()
    expect(page.get_by_role("heading", name="Accounts", exact=True)).to_be_visible()

    page.get_by_label("Search accounts").fill("Smith")
    page.get_by_label("Search accounts").press("Enter")
    expect(page.get_by_text("No accounts match your search")).to_be_visible()

    page.get_by_role("button", name="Test User").click()
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="Sign in to Collections CRM")).to_be_visible()


def test_a_wrong_password_is_explained(page, collector):
    sign_in(page, "alice", "not-the-password")
    expect(page.get_by_role("alert")).to_contain_text("Please enter a correct username and password")


def test_keyboard_users_can_skip_to_the_content(page, collector):
    sign_in(page, "alice")
    expect(page.get_by_role("heading", name="Work queue")).to_be_visible()
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()


def test_on_a_tablet_the_navigation_folds_into_a_menu(browser, live_server, manager):
    context = browser.new_context(viewport={"width": 768, "height": 1024}, base_url=live_server.url)
    page = context.new_page()
    sign_in(page, "bob")
    dashboards = page.get_by_role("link", name="Dashboards")
    expect(dashboards).to_be_hidden()
    page.get_by_role("button", name="Show navigation").click()
    dashboards.click()
    expect(page.get_by_role("heading", name="Dashboards", exact=True)).to_be_visible()
    context.close()
