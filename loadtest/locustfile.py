"""Mixed load for `make loadtest` (run by loadtest/run.py): pages, search, simulator API, ratings, quiz answers.

Each simulated learner signs in as its own account (made by run.py), rates questions and answers its
own quiz attempt. Counts of 5xx answers and acknowledged writes go to the JSON file in LOADTEST_OUT.
"""

import itertools
import json
import os
import random
import re
import secrets
import threading
import time

from locust import HttpUser, between, events, task

PLAN = json.loads(open(os.environ["LOADTEST_PLAN"], encoding="utf-8").read())
PHASE = int(os.environ.get("LOADTEST_PHASE", "0"))
COUNTS = {"requests": 0, "5xx": 0, "writes": 0, "resets": 0, "statuses": {}, "failures": []}
_lock = threading.Lock()
_ids = itertools.count()
VERSION = re.compile(r'name="version" value="(\d*)"')


@events.request.add_listener
def _count(request_type, name, response, exception, **kwargs):
    status = getattr(response, "status_code", 0) or 0
    with _lock:
        COUNTS["requests"] += 1
        COUNTS["statuses"][str(status)] = COUNTS["statuses"].get(str(status), 0) + 1
        if status >= 500 or (exception is not None and status == 0):
            # A 5xx, or a connection closed mid-answer (Learner._send resends it once; run.py allows one
            # per killed worker and counts the rest as failures).
            COUNTS["5xx" if status else "resets"] += 1
            if len(COUNTS["failures"]) < 20:  # what failed, for run.py to print
                COUNTS["failures"].append(f"{time.strftime('%H:%M:%S')} {request_type} {name} {status} {exception!r:.200}")


@events.quitting.add_listener
def _write(environment, **kwargs):
    with open(os.environ["LOADTEST_OUT"], "w", encoding="utf-8") as out:
        json.dump(COUNTS, out)


class Learner(HttpUser):
    wait_time = between(0.05, 0.2)

    # Production cookies are Secure and this run is plain HTTP on loopback: keep them by hand.
    def _send(self, method, url, **kwargs):
        response = self.client.request(method, url, cookies=self.jar, **kwargs)
        if not response.status_code:
            # The connection closed mid-answer: a worker SIGKILLed after its headers went out, which no
            # proxy can retry (nginx resends a request, POSTs included, only before the answer starts).
            # A browser resends such a GET on a new connection and a learner presses the button again;
            # so does this client once, and the app records a repeated rating or answer only once.
            response = self.client.request(method, url, cookies=self.jar, **kwargs)
            if not response.status_code:
                with _lock:
                    COUNTS["5xx"] += 1
                    COUNTS["failures"].append(f"{time.strftime('%H:%M:%S')} {method} {kwargs.get('name')} cut off twice")
        self.jar.update(response.cookies.get_dict())
        return response

    def _get(self, url, **kwargs):
        return self._send("GET", url, **kwargs)

    def _post(self, url, **kwargs):
        return self._send("POST", url, allow_redirects=False, **kwargs)

    def on_start(self):
        # Signed in with a session made by run.py (production password hashing would dominate the run);
        # the CSRF cookie is a fresh secret, and forms send the same secret.
        self.account = PLAN["users"][next(_ids) % len(PLAN["users"])]
        attempt = self.account["attempts"][PHASE % len(self.account["attempts"])]
        self.attempt, self.answers = attempt["id"], list(attempt["answers"])
        self.jar = {"sessionid": self.account["session"], "csrftoken": secrets.token_hex(16)}
        self.signed_in = self._get("/en/dashboard/", name="dashboard").status_code == 200

    def _token(self):
        return self.jar.get("csrftoken", "")

    @task(4)
    def question_page(self):
        lang = random.choice(["en", "zh-hans"])
        self._get(f"/{lang}/questions/{random.choice(PLAN['questions'])}/", name="question page")

    @task(2)
    def topic_or_home(self):
        lang = random.choice(["en", "zh-hans"])
        self._get(random.choice([f"/{lang}/", f"/{lang}/topics/{random.choice(PLAN['topics'])}/"]), name="home/topic")

    @task(2)
    def search(self):
        lang, term = random.choice([("en", "probe"), ("en", "rolling update"), ("zh-hans", "探针"), ("zh-hans", "调度")])
        self._get(f"/{lang}/search/", params={"q": term}, name="search")

    @task(2)
    def simulator_api(self):
        kind, query = random.choice(PLAN["sim_calls"])
        self._get(f"/api/sim/{kind}", params=query, name="sim api")

    @task(2)
    def rate(self):
        if not self.signed_in:
            return
        # As a learner does: the checked question page (its rating form carries the card's version), then the
        # rating through htmx. Only an answer that says it was recorded counts as an acknowledged write (a
        # rating another client of the same account sent first is answered "already saved").
        slug = random.choice(PLAN["questions"])
        page = self._get(f"/en/questions/{slug}/", params={"choice": 0}, name="question page")
        found = VERSION.search(page.text or "")
        if found is None:
            return
        response = self._post(f"/en/questions/{slug}/rate/", name="rate",
                              data={"rating": random.choice([1, 2, 3, 4]), "version": found.group(1),
                                    "csrfmiddlewaretoken": self._token()},
                              headers={"Referer": self.host, "HX-Request": "true"})
        if response.status_code == 200 and 'class="rated"' in response.text:
            with _lock:
                COUNTS["writes"] += 1

    @task(2)
    def answer(self):
        if not self.signed_in or not self.answers:
            return
        position, value = self.answers.pop(0)
        response = self._post(f"/en/quiz/attempts/{self.attempt}/answer/", name="quiz answer",
                                    data={"position": position, "value": value, "csrfmiddlewaretoken": self._token()},
                                    headers={"Referer": self.host})
        if response.status_code == 302:
            with _lock:
                COUNTS["writes"] += 1
