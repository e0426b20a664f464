"""Issue 20, deliver 9: the model-based test over the whole custody domain (R15–R19, R21, R23).

Hypothesis drives the service layer with random sequences of what people with overlapping roles
do (tests/services/custody_machine.py) and after every step checks every custody invariant
(archive_service/domain/invariants.py). Bounded for CI: derandomized (the same sequences on every
run, no example database), CUSTODY_EXAMPLES sequences of up to CUSTODY_STEPS steps per engine.
A sequence it finds failing is kept as a plain test in test_custody_regressions.py. (The explain
phase is off: it reruns failing steps under coverage tracing, minutes on this machine.)"""
import os

from hypothesis import HealthCheck, Phase, settings
from hypothesis.stateful import run_state_machine_as_test

from tests.services.custody_machine import CustodyMachine
from tests.services.custody_world import custody_env  # noqa: F401 (a fixture)

EXAMPLES = int(os.environ.get("CUSTODY_EXAMPLES", "50"))
STEPS = int(os.environ.get("CUSTODY_STEPS", "30"))
SETTINGS = settings(max_examples=EXAMPLES, stateful_step_count=STEPS, deadline=None, derandomize=True,
                    database=None, print_blob=False, phases=[p for p in Phase if p != Phase.explain],
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                           HealthCheck.data_too_large])


def test_r15_r23_custody_invariants_hold_after_every_step_of_any_sequence(custody_env):  # noqa: F811
    run_state_machine_as_test(CustodyMachine.bound(custody_env), settings=SETTINGS)
