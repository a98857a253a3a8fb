"""Wrong: sorts requests by tokens to pack batches tighter."""

from collections.abc import Iterable, Iterator


def batch_requests(requests: Iterable[dict], *, max_size: int, max_tokens: int,
                   oversized: str = "alone") -> Iterator[list[dict]]:
    """Yield lists of requests, in input order, within `max_size` items and `max_tokens` tokens; lazily."""
    if max_size < 1 or max_tokens < 1:
        raise ValueError("max_size and max_tokens must be at least 1")
    if oversized not in ("alone", "skip"):
        raise ValueError("oversized must be 'alone' or 'skip'")
    batch: list[dict] = []
    tokens = 0
    for request in sorted(requests, key=lambda r: r["tokens"]):
        cost = request["tokens"]
        if cost > max_tokens:
            if oversized == "alone":
                if batch:
                    yield batch
                    batch, tokens = [], 0
                yield [request]
            continue
        if tokens + cost > max_tokens:
            yield batch
            batch, tokens = [], 0
        batch.append(request)
        tokens += cost
        if len(batch) == max_size or tokens == max_tokens:
            yield batch
            batch, tokens = [], 0
    if batch:
        yield batch
