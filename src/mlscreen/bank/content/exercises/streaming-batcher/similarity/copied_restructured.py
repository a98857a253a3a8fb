def _validate(max_size, max_tokens, oversized):
    if max_size < 1 or max_tokens < 1:
        raise ValueError("max_size and max_tokens need to be >= 1")
    if oversized not in ("alone", "skip"):
        raise ValueError("oversized is 'alone' or 'skip'")


def batch_requests(requests, *, max_size, max_tokens, oversized="alone"):
    _validate(max_size, max_tokens, oversized)
    batch = []
    tokens = 0
    it = iter(requests)
    while True:
        try:
            request = next(it)
        except StopIteration:
            break
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
