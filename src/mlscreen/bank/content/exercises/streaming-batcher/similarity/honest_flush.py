def batch_requests(requests, *, max_size, max_tokens, oversized="alone"):
    if max_size <= 0 or max_tokens <= 0:
        raise ValueError("limits must be positive")
    if oversized not in {"alone", "skip"}:
        raise ValueError(f"unknown oversized policy {oversized!r}")
    current = []
    used = 0
    for item in requests:
        size = item["tokens"]
        if size > max_tokens:
            if oversized == "alone":
                if current:
                    yield current
                    current = []
                    used = 0
                yield [item]
            continue
        if current and used + size > max_tokens:
            yield current
            current = []
            used = 0
        current.append(item)
        used += size
        if len(current) >= max_size or used >= max_tokens:  # full: hand it over now, do not wait for more
            yield current
            current = []
            used = 0
    if current:
        yield current
