"""Group a stream of inference requests into batches for the model server."""

from collections.abc import Iterable, Iterator


def batch_requests(requests: Iterable[dict], *, max_size: int, max_tokens: int,
                   oversized: str = "alone") -> Iterator[list[dict]]:
    """Yield lists of requests, in input order, within `max_size` items and `max_tokens` tokens."""
    raise NotImplementedError
