import asyncio
import gc

from streams.runtime.changes import Changes


def test_a_change_after_the_mark_wakes_the_waiter_even_if_it_came_before_the_wait():
    async def scenario() -> bool:
        changes = Changes()
        woken = changes.mark("m1")
        changes.changed("m1")  # during the waiter's read
        await changes.wait(woken, 0)
        return woken.is_set()

    assert asyncio.run(scenario())


def test_a_change_wakes_every_waiter_of_that_key_and_no_other():
    async def scenario() -> list[bool]:
        changes = Changes()
        one, two, other = changes.mark("m1"), changes.mark("m1"), changes.mark("m2")
        assert one is two
        asyncio.get_running_loop().call_later(0.05, changes.changed, "m1")
        await changes.wait(one, 30)
        await changes.wait(other, 0.05)
        return [one.is_set(), other.is_set(), changes.local, changes.mark("m1") is one]

    assert asyncio.run(scenario()) == [True, False, True, False]


def test_a_key_nobody_waits_on_takes_no_room():
    changes = Changes()
    woken = changes.mark("m1")
    assert len(changes.next) == 1
    del woken
    gc.collect()
    assert len(changes.next) == 0 and not changes.local
