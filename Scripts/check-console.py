#!/usr/bin/env python3
"""Drives the live console (capi serve) in headless Chromium through Selenium.

    python3 Scripts/check-console.py CONSOLE_URL PARKED_ID WORK_DIR

Opens the overview, follows the parked event from the event list, clicks Replay, and waits
until the event page shows the event delivered: the page's own script follows the state and
reloads, nobody reloads by hand. Fails on any message the browser logs at level SEVERE (a
Content-Security-Policy violation, a failed request). Saves console-overview.png and
console-event.png in WORK_DIR.
"""
import sys
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as conditions
from selenium.webdriver.support.ui import WebDriverWait


def fail(message):
    raise SystemExit(f"check-console: {message}")


def main():
    if len(sys.argv) != 4:
        raise SystemExit(__doc__)
    url, parked_id, work = sys.argv[1], sys.argv[2], sys.argv[3]
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1280,1400",
                     "--force-device-scale-factor=1", f"--user-data-dir={work}/selenium-profile"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    try:
        wait = WebDriverWait(driver, 30)
        driver.get(url)
        for section in ("states", "holds", "throughput", "coverage", "failures"):
            driver.find_element(By.ID, section)
        if "Replay all 1 parked" not in driver.page_source:
            fail("the overview offers no replay of the parked event")
        driver.save_screenshot(f"{work}/console-overview.png")

        driver.find_element(By.LINK_TEXT, "Parked").click()
        wait.until(conditions.presence_of_element_located((By.CSS_SELECTOR, "table.events")))
        driver.find_element(By.LINK_TEXT, parked_id).click()
        wait.until(conditions.presence_of_element_located((By.ID, "replay")))
        state = driver.find_element(By.ID, "event-state").text
        if "parked" not in state:
            fail(f"the event page does not show the event parked: {state!r}")

        driver.find_element(By.ID, "replay").click()
        # The 303 lands on the event page, pending; its script reloads it once the worker delivered.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                state = driver.find_element(By.ID, "event-state").text
            except Exception:
                state = ""
            if "delivered" in state:
                break
            time.sleep(0.2)
        else:
            fail(f"the event page never showed the event delivered: {state!r}")
        if "replayed=1" not in driver.current_url:
            fail(f"the replay did not land on the event page: {driver.current_url}")
        driver.find_element(By.ID, "attempts")
        driver.save_screenshot(f"{work}/console-event.png")

        severe = [entry for entry in driver.get_log("browser") if entry.get("level") == "SEVERE"]
        if severe:
            fail("the browser logged errors: " + "; ".join(entry.get("message", "") for entry in severe))
    finally:
        driver.quit()
    print("check-console: replayed in the browser and saw it delivered")


if __name__ == "__main__":
    main()
