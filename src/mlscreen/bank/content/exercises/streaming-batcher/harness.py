"""Sandbox-side functions of the streaming-batcher exercise (not secret): drive the generator, count reads."""

import itertools


def make_request(index):
    """Return the request number `index` of the endless test stream."""
    return {"id": f"r{index}", "tokens": (index * 37) % 23 + 1, "text": "x" * (index % 5)}


def collect(submission, requests, **options):
    """Return every batch the candidate yields for `requests`, as lists."""
    return [list(batch) for batch in submission.batch_requests(requests, **options)]


def collect_from_iterator(submission, requests, **options):
    """Like `collect`, but the requests arrive through a one-shot iterator."""
    return collect(submission, iter(requests), **options)


def collect_from_tuple(submission, requests, **options):
    """Like `collect`, but the requests arrive as a tuple."""
    return collect(submission, tuple(requests), **options)


def take_from_stream(submission, batches, cap, **options):
    """Take `batches` batches from an endless request stream; return them and how many requests were read."""
    pulled = 0

    def stream():
        nonlocal pulled
        for index in itertools.count():
            if pulled >= cap:
                raise RuntimeError("the batcher read far more requests than the consumer asked for")
            pulled += 1
            yield make_request(index)

    taken = [list(batch) for batch in itertools.islice(submission.batch_requests(stream(), **options), batches)]
    return {"batches": taken, "pulled": pulled}


def first_batch_before_failure(submission, requests, **options):
    """Return the first batch from a stream that fails right after `requests`: a lazy batcher never sees it."""

    def stream():
        yield from requests
        raise ConnectionError("the upstream queue went away")

    return list(next(iter(submission.batch_requests(stream(), **options))))


def error_name(submission, requests, **options):
    """Return the name of the exception iterating the batches raises, or None."""
    try:
        for _ in submission.batch_requests(requests, **options):
            pass
    except Exception as exc:  # noqa: BLE001 - the test checks which exception it was
        return type(exc).__name__
    return None
