"""Browser tests: pim's pages in a real headless Chromium, driven by selenium.

Run by Tests/browser/run.sh, which starts `pim serve --demo` and sets:
  PIM_URL        the server's base address, e.g. http://127.0.0.1:41234
  PIM_ARTEFACTS  a directory for the screenshots of every page visited
The demo users and passwords are pim's published demo logins (Sources/PIMCommandLine/Support/DemoWorkspace.swift).
Every flow runs; a page that does not answer is a failure.
"""

import base64
import csv
import os
import re
import tempfile
import time
import unittest
import urllib.error
import urllib.request

from selenium import webdriver
from selenium.webdriver.remote.remote_connection import RemoteConnection
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

BASE = os.environ.get("PIM_URL", "http://127.0.0.1:8080").rstrip("/")
ARTEFACTS = os.environ.get("PIM_ARTEFACTS", os.path.join(".build", "browser-artefacts"))
PASSWORDS = {
    "admin": "demo-admin-password",
    "officer": "demo-officer-password",
    "dpfp": "demo-dpfp-password",
    "analyst": "demo-analyst-password",
    "partner": "demo-partner-password",
    "caseworker": "demo-caseworker-password",
    "supervisor": "demo-supervisor-password",
}
CATEGORIES = [
    "population-data", "protection-monitoring", "case-management", "protection-needs-assessment",
    "protection-response-monitoring-evaluation", "security-situational-awareness", "sectoral-im-systems-other",
    "communicating-with-affected-communities",
]
WAIT = 30


class PimBrowserTests(unittest.TestCase):
    driver = None
    downloads = None
    shot = 0

    @classmethod
    def setUpClass(cls):
        os.makedirs(ARTEFACTS, exist_ok=True)
        cls.downloads = tempfile.mkdtemp(prefix="pim-browser-downloads-")
        options = webdriver.ChromeOptions()
        options.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
        for a in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1000",
                  "--lang=en-GB"]:
            options.add_argument(a)
        options.add_experimental_option("prefs", {
            "download.default_directory": cls.downloads, "download.prompt_for_download": False,
        })
        service = Service(executable_path=os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver"))
        # A command chromedriver never answers fails after a minute instead of holding the run up.
        RemoteConnection.set_timeout(60)
        cls.driver = webdriver.Chrome(service=service, options=options)
        cls.driver.set_page_load_timeout(WAIT)
        cls.driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": cls.downloads})

    @classmethod
    def tearDownClass(cls):
        if cls.driver:
            cls.driver.quit()

    # --- helpers ---------------------------------------------------------------------------------------------

    def screenshot(self, name):
        """Saves a screenshot of the current page as an artefact (numbered in visiting order)."""
        PimBrowserTests.shot += 1
        safe = re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-")
        target = os.path.join(ARTEFACTS, "%02d-%s.png" % (PimBrowserTests.shot, safe))
        try:  # the whole page, not only the viewport (capped at 12,000 px)
            size = self.driver.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]
            clip = {"x": 0, "y": 0, "width": size["width"], "height": min(size["height"], 12000), "scale": 1}
            shot = self.driver.execute_cdp_cmd("Page.captureScreenshot",
                                               {"format": "png", "captureBeyondViewport": True, "clip": clip})
            with open(target, "wb") as f:
                f.write(base64.b64decode(shot["data"]))
        except Exception:  # an older driver without these commands: the viewport will do
            self.driver.save_screenshot(target)

    def visit(self, path, name):
        self.driver.get(BASE + path)
        self.screenshot(name)

    def path(self):
        return re.sub(r"^https?://[^/]+", "", self.driver.current_url)

    def wait_for(self, css, timeout=WAIT):
        return WebDriverWait(self.driver, timeout).until(lambda d: d.find_element(By.CSS_SELECTOR, css))

    def submit(self, button_css, name):
        self.driver.find_element(By.CSS_SELECTOR, button_css).click()
        WebDriverWait(self.driver, WAIT).until(lambda d: d.execute_script("return document.readyState") == "complete")
        self.screenshot(name)

    def login(self, user, password=None):
        self.driver.delete_all_cookies()
        self.visit("/login", "login-form-" + user)
        self.driver.find_element(By.ID, "user_name").send_keys(user)
        self.driver.find_element(By.ID, "password").send_keys(password or PASSWORDS[user])
        self.submit("form.login button[type=submit]", "after-login-" + user)

    def status(self, path):
        """The HTTP status of GET path with the browser's cookies (no redirect followed)."""
        cookie = "; ".join("%s=%s" % (c["name"], c["value"]) for c in self.driver.get_cookies())

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        opener = urllib.request.build_opener(NoRedirect)
        try:
            with opener.open(urllib.request.Request(BASE + path, headers={"Cookie": cookie}), timeout=WAIT) as r:
                return r.status
        except urllib.error.HTTPError as e:
            return e.code

    def require_page(self, path):
        """Fails at once, with the status, when a flow's first page does not answer 200."""
        status = self.status(path)
        self.assertEqual(status, 200, "%s answers %s" % (path, status))

    # --- the flows -------------------------------------------------------------------------------------------

    def test_01_wrong_password_shows_an_error(self):
        self.login("analyst", "not-the-password-at-all")
        self.assertEqual(self.path(), "/login")
        alert = self.driver.find_element(By.CSS_SELECTOR, "[role=alert]")
        self.assertTrue(alert.text.strip(), "the login page shows why the sign-in failed")

    def test_02_login_lands_on_home_with_the_eight_categories(self):
        self.login("admin")
        self.assertEqual(self.path(), "/")
        self.assertIn("pim demo", self.driver.find_element(By.TAG_NAME, "h1").text)
        for c in CATEGORIES:
            heading = self.driver.find_element(By.ID, "cat-" + c)
            self.assertTrue(heading.text.strip())
            section = self.driver.find_element(By.CSS_SELECTOR, "section[aria-labelledby='cat-%s']" % c)
            links = section.find_elements(By.CSS_SELECTOR, "a[href='/datasets/demo-%s']" % c)
            self.assertEqual(len(links), 1, "the home page lists the demo dataset of " + c)

    def test_03_framework_matrix_and_a_category_page(self):
        self.login("analyst")
        self.visit("/framework", "framework-matrix")
        headers = self.driver.find_elements(By.CSS_SELECTOR, "table.matrix thead th a")
        self.assertEqual(len(headers), 8)
        self.driver.find_element(By.CSS_SELECTOR, "table.matrix thead a[href='/framework/case-management']").click()
        self.wait_for("h1")
        self.screenshot("framework-case-management")
        self.assertEqual(self.path(), "/framework/case-management")
        self.assertIn("case management", self.driver.find_element(By.TAG_NAME, "h1").text.lower())

    def test_04_dataset_page_draws_its_chart(self):
        self.login("officer")
        self.visit("/datasets/demo-protection-monitoring", "dataset-demo-protection-monitoring")
        self.assertEqual(self.driver.find_element(By.TAG_NAME, "h1").text, "demo-protection-monitoring")
        svg = self.driver.find_element(By.CSS_SELECTOR, "figure.chart svg")
        self.assertGreater(svg.size["width"], 100, "the SVG chart is drawn")
        self.assertTrue(self.driver.find_elements(By.CSS_SELECTOR, "figure.chart svg rect"), "the chart has bars")
        rows = self.driver.find_elements(By.CSS_SELECTOR, "section[aria-labelledby=versions] tbody tr")
        self.assertGreaterEqual(len(rows), 1, "the versions table shows the provenance")

    def test_05_audit_page_for_the_focal_point(self):
        self.login("dpfp")
        self.visit("/audit", "audit")
        body = self.driver.find_element(By.TAG_NAME, "main").text
        self.assertIn("intact", body)
        self.assertGreater(len(self.driver.find_elements(By.CSS_SELECTOR, "main table tbody tr")), 5)

    def test_06_analyst_cannot_open_the_audit_page(self):
        self.login("analyst")
        self.assertNotEqual(self.status("/audit"), 200)

    def test_07_import_a_small_csv(self):
        self.login("officer")
        self.require_page("/import")
        fd, path = tempfile.mkstemp(suffix=".csv", prefix="browser-import-")
        with os.fdopen(fd, "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["date", "adm1_code", "adm2_code", "sex", "age_group", "incidents"])
            for i in range(24):
                w.writerow(["2026-0%d-1%d" % (1 + i % 6, i % 10), "ZZ01", "ZZ0101", ["female", "male"][i % 2],
                            ["children", "adults", "elderly"][i % 3], i % 7])
        self.visit("/import", "import-upload-form")
        form = self.driver.find_element(By.ID, "upload-form")
        form.find_element(By.NAME, "file").send_keys(path)
        form.find_element(By.NAME, "dataset").send_keys("browser-import")
        Select(form.find_element(By.NAME, "category")).select_by_value("protection-monitoring")
        self.submit("#upload-submit", "import-preview")
        self.assertTrue(self.driver.find_elements(By.CSS_SELECTOR, "#preview"), "the preview shows the first rows")
        # The job page refreshes itself every second while the job runs (a meta refresh, no JavaScript), and a
        # command sent to chromedriver while that refresh navigates can hang it. So the form is sent, and the
        # job followed, with the browser's own session cookie but outside the browser; the browser then opens
        # the job's result, a page that does not refresh.
        self.screenshot("import-confirm")
        action, fields = self.driver.execute_script(
            "const f = document.querySelector('#commit-submit').form;"
            "return [f.action, Array.from(new FormData(f)).map(e => [e[0], String(e[1])])];")
        cookie = "; ".join("%s=%s" % (c["name"], c["value"]) for c in self.driver.get_cookies())

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        opener = urllib.request.build_opener(NoRedirect)
        body = urllib.parse.urlencode([tuple(f) for f in fields]).encode()
        request = urllib.request.Request(action, data=body, headers={
            "Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})
        try:
            with opener.open(request, timeout=WAIT) as r:
                self.fail("the confirmation answered %s instead of a redirect to its job" % r.status)
        except urllib.error.HTTPError as e:
            self.assertEqual(e.code, 303, "the confirmation redirects to its job")
            job_url = urllib.parse.urljoin(action, e.headers["Location"])
        deadline = time.time() + 120
        result = None
        while time.time() < deadline and result is None:
            with opener.open(urllib.request.Request(job_url, headers={"Cookie": cookie}), timeout=WAIT) as r:
                page = r.read().decode("utf-8")
            if 'id="job-error"' in page:
                self.fail("the import failed: " + re.sub(r"<[^>]+>", " ", page.split('id="job-error"', 1)[1])[:300])
            found = re.search(r'id="job-result"[^>]*href="([^"]+)"', page) or re.search(r'href="([^"]+)"[^>]*id="job-result"', page)
            if found:
                result = found.group(1)
            else:
                time.sleep(0.3)
        if result is None:
            self.fail("the import did not finish within two minutes")
        self.driver.get(urllib.parse.urljoin(BASE + "/", result))
        self.wait_for("h1")
        self.screenshot("import-dataset")
        self.assertEqual(self.path(), "/datasets/browser-import")

    def test_08_risk_report(self):
        self.login("officer")
        self.require_page("/datasets/demo-protection-needs-assessment/risk")
        self.visit("/datasets/demo-protection-needs-assessment/risk", "risk-form")
        self.driver.find_element(By.ID, "risk-form")
        self.submit("#risk-submit", "risk-report")
        report = self.wait_for("#risk-report")
        self.assertTrue(report.text.strip(), "the risk report has content")

    def test_09_request_and_download_a_share(self):
        self.login("officer")
        self.require_page("/shares/new")
        self.visit("/shares/new", "share-form")
        form = self.driver.find_element(By.ID, "share-form")
        agreement = Select(form.find_element(By.NAME, "agreement"))
        if any(o.get_attribute("value") == "DSA-DEMO-01" for o in agreement.options):
            agreement.select_by_value("DSA-DEMO-01")
        dataset = Select(form.find_element(By.NAME, "dataset"))
        if any(o.get_attribute("value") == "demo-protection-monitoring" for o in dataset.options):
            dataset.select_by_value("demo-protection-monitoring")
        self.submit("#share-submit", "share-result")
        refusal = self.driver.find_elements(By.ID, "share-refusal")
        if refusal:
            self.fail("the share under the demo agreement was refused: " + refusal[0].text)
        self.driver.find_element(By.ID, "share-package")
        before = set(os.listdir(self.downloads))
        self.driver.find_element(By.ID, "share-download").click()
        deadline = time.time() + WAIT
        new = []
        while time.time() < deadline:
            new = [f for f in set(os.listdir(self.downloads)) - before if not f.endswith(".crdownload")]
            if new:
                break
            time.sleep(0.3)
        self.assertTrue(new, "the share package was downloaded")
        self.assertGreater(os.path.getsize(os.path.join(self.downloads, new[0])), 0)

    def case_rows(self, user):
        """Signs in as `user` and returns the case-management dataset's visible row count (versions table)."""
        self.login(user)
        self.require_page("/datasets/demo-case-management")
        self.visit("/datasets/demo-case-management", "case-management-" + user)
        rows = self.driver.find_element(By.CSS_SELECTOR, "section[aria-labelledby=versions] tbody tr td:nth-child(2)").text
        return int(rows.replace(",", ""))

    def test_11_case_workers_see_their_cases_and_supervisors_their_teams(self):
        own = self.case_rows("caseworker")
        team = self.case_rows("supervisor")
        self.assertGreater(own, 0)
        self.assertGreater(team, own, "the supervisor sees both case workers' cases")
        # a case worker opens no other dataset, and never the risk or audit pages
        self.assertEqual(self.status("/datasets/demo-protection-monitoring"), 404)
        self.login("caseworker")
        self.assertEqual(self.status("/datasets/demo-protection-monitoring"), 404)
        self.assertNotEqual(self.status("/datasets/demo-case-management/risk"), 200)
        self.assertNotEqual(self.status("/audit"), 200)

    def test_12_partner_sees_only_what_the_agreement_covers(self):
        self.login("partner")
        self.assertEqual(self.status("/datasets/demo-protection-monitoring"), 200)
        self.visit("/datasets/demo-protection-monitoring", "partner-dataset")
        self.assertTrue(self.driver.find_elements(By.CSS_SELECTOR, "figure.chart svg"), "the partner sees the shareable chart")
        self.assertEqual(self.status("/datasets/demo-case-management"), 404)
        self.assertNotEqual(self.status("/datasets/demo-protection-monitoring?view=internal"), 200)

    def test_13_a_request_left_unfinished_is_closed(self):
        # A client that never finishes its request headers does not hold a connection (the server runs
        # with --idle-timeout 3 here; 30 s by default).
        import socket
        import urllib.parse
        u = urllib.parse.urlparse(BASE)
        s = socket.create_connection((u.hostname, u.port), timeout=20)
        try:
            s.sendall(b"GET /health?x=" + b"a" * 9000 + b" HTTP/1.1\r\nHost: x\r\nCookie: ")
            started = time.time()
            self.assertEqual(s.recv(100), b"", "the server closes the connection")
            self.assertLess(time.time() - started, 15)
        finally:
            s.close()
        # A complete request with the same long address is answered
        with urllib.request.urlopen(BASE + "/health?x=" + "a" * 9000, timeout=10) as r:
            self.assertEqual(r.status, 200)

    def test_14_a_table_by_dimensions_for_the_officer_and_perturbed_for_the_analyst(self):
        self.login("officer")
        self.require_page("/datasets/demo-protection-monitoring/aggregate")
        self.visit("/datasets/demo-protection-monitoring", "dataset-links")
        self.driver.find_element(By.ID, "aggregate-link").click()
        self.wait_for("#aggregate-form")
        field = self.driver.find_element(By.ID, "by")
        field.clear()
        field.send_keys("adm1_code,date=month")
        self.submit("#aggregate-submit", "aggregate-officer")
        table = self.wait_for("#aggregate-table")
        self.assertGreater(len(table.find_elements(By.CSS_SELECTOR, "tbody tr")), 3, "the table has rows")
        self.assertTrue(self.driver.find_element(By.ID, "aggregate-download").get_attribute("href"))
        self.login("analyst")
        self.visit("/datasets/demo-protection-monitoring/aggregate?by=adm1_code", "aggregate-analyst")
        self.assertIn("cell-key", self.wait_for("#aggregate-result").text)

    def test_15_a_user_changes_their_password(self):
        self.login("supervisor")
        self.visit("/account/password", "password-form")
        self.driver.find_element(By.ID, "current_password").send_keys("demo-supervisor-password")
        self.driver.find_element(By.ID, "new_password").send_keys("a new supervisor passphrase")
        self.driver.find_element(By.ID, "repeat_password").send_keys("a new supervisor passphrase")
        self.submit("#password-submit", "password-changed")
        self.assertIn("was changed", self.driver.find_element(By.TAG_NAME, "main").text)
        # Back to the demo's password, so that a later run signs in as before
        self.driver.find_element(By.ID, "current_password").send_keys("a new supervisor passphrase")
        self.driver.find_element(By.ID, "new_password").send_keys("demo-supervisor-password")
        self.driver.find_element(By.ID, "repeat_password").send_keys("demo-supervisor-password")
        self.submit("#password-submit", "password-restored")
        self.assertIn("was changed", self.driver.find_element(By.TAG_NAME, "main").text)

    def test_10_logout_then_pages_redirect_to_login(self):
        self.login("admin")
        self.assertEqual(self.path(), "/")
        self.submit("#logout-form button[type=submit]", "after-logout")
        self.visit("/datasets/demo-case-management", "protected-page-after-logout")
        self.assertEqual(self.path(), "/login")


if __name__ == "__main__":
    unittest.main(verbosity=2)
