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
            if current:
                yield current
                current = []
                used = 0
            if oversized == "alone":
                yield [item]
            continue
        if current and (len(current) >= max_size or used + size > max_tokens):
            yield current
            current = []
            used = 0
        current.append(item)
        used += size
    if current:
        yield current
