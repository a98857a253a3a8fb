"""Batching of inference requests."""

from collections.abc import Iterable, Iterator


class _Batch:
    def __init__(self) -> None:
        self.items: list[dict] = []
        self.tokens = 0

    def fits(self, cost: int, max_size: int, max_tokens: int) -> bool:
        return len(self.items) < max_size and self.tokens + cost <= max_tokens

    def full(self, max_size: int, max_tokens: int) -> bool:
        return len(self.items) >= max_size or self.tokens >= max_tokens

    def add(self, request: dict, cost: int) -> None:
        self.items.append(request)
        self.tokens += cost


def batch_requests(requests: Iterable[dict], *, max_size: int, max_tokens: int,
                   oversized: str = "alone") -> Iterator[list[dict]]:
    if oversized != "alone" and oversized != "skip":
        raise ValueError("oversized must be alone or skip")
    if min(max_size, max_tokens) < 1:
        raise ValueError("max_size and max_tokens must be >= 1")
    open_batch = _Batch()
    for request in requests:
        cost = int(request["tokens"])
        if cost > max_tokens:
            if oversized == "alone":
                if open_batch.items:
                    yield open_batch.items
                    open_batch = _Batch()
                yield [request]
            continue
        if not open_batch.fits(cost, max_size, max_tokens):
            yield open_batch.items
            open_batch = _Batch()
        open_batch.add(request, cost)
        if open_batch.full(max_size, max_tokens):
            yield open_batch.items
            open_batch = _Batch()
    if open_batch.items:
        yield open_batch.items
