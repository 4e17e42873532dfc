import time

import pytest

from bench.measure import cpu_seconds, summary, timed


def test_timed_runs_the_function_once_per_repeat_and_times_each_run():
    calls: list[int] = []

    def work() -> None:
        calls.append(1)
        time.sleep(0.02)

    times = timed(work, 4)
    assert len(calls) == 4
    assert len(times) == 4
    assert all(0.02 <= t < 1.0 for t in times)


def test_timed_measures_each_run_on_its_own():
    delays = iter([0.0, 0.06, 0.0])
    times = timed(lambda: time.sleep(next(delays)), 3)
    assert times[1] >= 0.06
    assert times[0] < 0.05 and times[2] < 0.05  # not cumulative


def test_timed_with_no_repeats_does_not_call():
    def boom() -> None:
        raise AssertionError("called")

    assert timed(boom, 0) == []


def test_timed_lets_an_error_through():
    def fails() -> None:
        raise KeyError("x")

    with pytest.raises(KeyError):
        timed(fails, 3)


def test_summary_of_runs_in_measured_order():
    times = [0.5, 0.1, 0.3, 0.2, 0.4]
    s = summary(times)
    assert s["min_s"] == 0.1
    assert s["median_s"] == 0.3
    assert s["p95_s"] == 0.5  # index round(0.95 * 4) = 4 of the sorted runs
    assert s["runs"] == 5
    assert s["samples_s"] == [0.5, 0.1, 0.3, 0.2, 0.4]  # not sorted: drift shows only in this order
    assert times == [0.5, 0.1, 0.3, 0.2, 0.4]  # the caller's list is left alone


def test_summary_median_of_an_even_count_is_the_mean_of_the_middle_two():
    assert summary([4.0, 1.0, 3.0, 2.0])["median_s"] == 2.5


def test_summary_p95_of_twenty_runs_is_the_nineteenth_smallest():
    times = [float(i) for i in range(20, 0, -1)]  # 20.0 … 1.0
    s = summary(times)
    assert s["p95_s"] == 19.0
    assert s["min_s"] == 1.0


def test_summary_p95_of_a_hundred_runs():
    s = summary([i / 100 for i in range(1, 101)])
    assert s["p95_s"] == 0.95  # index round(94.05) = 94 → the 95th smallest
    assert s["median_s"] == 0.505


def test_summary_of_one_run():
    s = summary([0.123456789])
    assert s == {"min_s": 0.1235, "median_s": 0.1235, "p95_s": 0.1235, "runs": 1, "samples_s": [0.12346]}


def test_summary_rounds_figures_to_four_places_and_samples_to_five():
    s = summary([0.000123456, 1.987654321])
    assert s["min_s"] == 0.0001
    assert s["samples_s"] == [0.00012, 1.98765]


def test_summary_of_no_runs_is_an_error():
    with pytest.raises(IndexError):
        summary([])


def test_cpu_seconds_counts_work_not_waiting():
    def spin() -> None:
        end = time.process_time() + 0.1
        while time.process_time() < end:
            pass

    assert cpu_seconds(spin) >= 0.1
    assert cpu_seconds(lambda: time.sleep(0.2)) < 0.1
