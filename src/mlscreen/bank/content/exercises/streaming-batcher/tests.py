"""Hidden tests of the streaming-batcher exercise; expected batches are computed here from known inputs."""

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from mlscreen.grader import check, load_sibling

harness = load_sibling(__file__, "harness.py")
PROPERTY = settings(
    max_examples=25, deadline=None, derandomize=True, database=None, phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


def _expected(requests, max_size, max_tokens, oversized="alone"):
    batches, batch, tokens = [], [], 0
    for request in requests:
        cost = request["tokens"]
        if cost > max_tokens:
            if oversized == "alone":
                if batch:
                    batches.append(batch)
                    batch, tokens = [], 0
                batches.append([request])
            continue
        if tokens + cost > max_tokens:
            batches.append(batch)
            batch, tokens = [], 0
        batch.append(request)
        tokens += cost
        if len(batch) == max_size or tokens == max_tokens:
            batches.append(batch)
            batch, tokens = [], 0
    if batch:
        batches.append(batch)
    return batches


def _requests(tokens):
    return [{"id": f"q{i}", "tokens": t, "user": f"u{i % 3}"} for i, t in enumerate(tokens)]


def _ids(batches):
    assert isinstance(batches, list) and all(isinstance(b, list) for b in batches)
    return [[r["id"] for r in b] for b in batches]


@check(id="batches-by-size", kind="core", message="Requests must be grouped in input order into batches of at "
       "most max_size requests, with the last, partial batch yielded too.")
def batches_by_size(sub):
    requests = _requests([1] * 10)
    got = sub.harness("collect", requests, max_size=4, max_tokens=100)
    assert got == _expected(requests, 4, 100)


@check(id="batches-by-tokens", kind="core", message="A batch's total tokens must never exceed max_tokens: start a "
       "new batch when the next request does not fit.")
def batches_by_tokens(sub):
    requests = _requests([5, 3, 4, 2, 6, 1, 1, 7, 3])
    got = sub.harness("collect", requests, max_size=10, max_tokens=10)
    assert got == _expected(requests, 10, 10)


@check(id="order-and-content", kind="core", message="Every request must appear exactly once, unchanged, in input "
       "order across the batches; do not reorder to pack batches tighter.")
def order_and_content(sub):
    requests = _requests([9, 1, 8, 2, 7, 3, 6, 4, 5, 5])
    got = sub.harness("collect", requests, max_size=3, max_tokens=10)
    assert [r for b in got for r in b] == requests
    assert got == _expected(requests, 3, 10)


@check(id="oversized-alone", kind="edge", message="A request with more tokens than max_tokens must, by default, "
       "travel alone in its own batch, after the pending batch, without breaking the order of the others.")
def oversized_alone(sub):
    requests = _requests([2, 3, 50, 1, 2, 60, 70, 4])
    got = sub.harness("collect", requests, max_size=5, max_tokens=10)
    assert _ids(got) == _ids(_expected(requests, 5, 10))


@check(id="oversized-skip", kind="edge", message="With oversized='skip', requests over the token budget must be "
       "dropped and the others batched as usual.")
def oversized_skip(sub):
    requests = _requests([2, 3, 50, 1, 2, 60, 70, 4])
    got = sub.harness("collect", requests, max_size=5, max_tokens=10, oversized="skip")
    assert _ids(got) == _ids(_expected(requests, 5, 10, "skip"))


@check(id="budget-boundary", kind="edge", message="A batch whose tokens add up to exactly max_tokens is allowed "
       "(the budget is inclusive); a request of exactly max_tokens fits alone.")
def budget_boundary(sub):
    requests = _requests([4, 6, 10, 3, 3, 4, 1])
    got = sub.harness("collect", requests, max_size=8, max_tokens=10)
    assert _ids(got) == _ids(_expected(requests, 8, 10))
    got = sub.harness("collect", requests, max_size=8, max_tokens=10, oversized="skip")  # 10 is not oversized
    assert _ids(got) == _ids(_expected(requests, 8, 10, "skip"))
    requests = _requests([3, 20, 4, 6, 2])  # after an oversized request, the next batch has the whole budget
    got = sub.harness("collect", requests, max_size=8, max_tokens=10)
    assert _ids(got) == _ids(_expected(requests, 8, 10))


@check(id="empty-and-any-iterable", kind="edge", message="An empty input yields no batch at all (not an empty "
       "one), and any iterable works: list, tuple, one-shot iterator.")
def empty_and_any_iterable(sub):
    assert sub.harness("collect", [], max_size=3, max_tokens=10) == []
    requests = _requests([3, 3, 3, 3, 3])
    expected = _ids(_expected(requests, 2, 7))
    assert _ids(sub.harness("collect_from_iterator", requests, max_size=2, max_tokens=7)) == expected
    assert _ids(sub.harness("collect_from_tuple", requests, max_size=2, max_tokens=7)) == expected


@check(id="invalid-limits", kind="edge", message="max_size or max_tokens below 1, or an unknown oversized policy, "
       "must raise ValueError (at the latest when iteration starts).")
def invalid_limits(sub):
    requests = _requests([1, 2])
    assert sub.harness("error_name", requests, max_size=0, max_tokens=10) == "ValueError"
    assert sub.harness("error_name", requests, max_size=2, max_tokens=0) == "ValueError"
    assert sub.harness("error_name", requests, max_size=2, max_tokens=10, oversized="split") == "ValueError"


@check(id="random-streams", kind="property", message="For any stream and limits: every request appears once in "
       "order, no batch exceeds max_size or the token budget (except a lone oversized request), no batch is empty.")
def random_streams(sub):
    @PROPERTY
    @given(st.lists(st.integers(0, 30), max_size=40), st.integers(1, 6), st.integers(1, 25))
    def holds(tokens, max_size, max_tokens):
        requests = _requests(tokens)
        got = sub.harness("collect", requests, max_size=max_size, max_tokens=max_tokens)
        assert [r for b in got for r in b] == requests
        for batch in got:
            assert 1 <= len(batch) <= max_size
            assert sum(r["tokens"] for r in batch) <= max_tokens or len(batch) == 1
        assert got == _expected(requests, max_size, max_tokens)

    holds()


@check(id="yields-when-full", kind="behaviour", message="A batch must be yielded as soon as it is complete (max_size "
       "requests, or exactly max_tokens): do not wait for the next request, which may be slow or never come.")
def yields_when_full(sub):
    requests = _requests([1, 1, 1])
    assert _ids([sub.harness("first_batch_before_failure", requests, max_size=3, max_tokens=100)]) == [["q0", "q1", "q2"]]
    requests = _requests([4, 6])
    assert _ids([sub.harness("first_batch_before_failure", requests, max_size=9, max_tokens=10)]) == [["q0", "q1"]]


@check(id="lazy-on-endless-stream", kind="behaviour", message="batch_requests must be lazy: on an endless stream it "
       "reads only the requests needed for the batches the consumer takes (a generator, not a list).")
def lazy_on_endless_stream(sub):
    for max_size, max_tokens in ((4, 1000), (50, 30)):
        report = sub.harness("take_from_stream", 3, 10_000, max_size=max_size, max_tokens=max_tokens)
        assert isinstance(report, dict)
        taken, pulled = report.get("batches"), report.get("pulled")
        consumed = sum(len(b) for b in taken)
        prefix = [harness.make_request(i) for i in range(consumed + 1)]
        assert taken == _expected(prefix, max_size, max_tokens)[:3]
        assert isinstance(pulled, int) and consumed <= pulled <= consumed + 1
