#!/usr/bin/env python3
"""What differs between two wasm builds with names (`wasm-opt -Oz -g`), function by function,
summed by name without the hash, raw bytes: `sizes.py WITHOUT.wasm WITH.wasm [ROWS]`.
Twiggy's `diff` does the same; this needs nothing installed.

`sizes.py --sum NAMES.wasm LABEL=REGEX ...`: the raw bytes of the functions whose names match
each regular expression, and of the whole (the first load's main module with names comes from
`bench/without/first-load-names.sh`)."""
import re
import sys


def leb(b, i):
    result = shift = 0
    while True:
        x = b[i]
        i += 1
        result |= (x & 0x7F) << shift
        shift += 7
        if x < 0x80:
            return result, i


def sizes(path):
    """Bytes of each function's body by its name, and of the data section as `<data>`."""
    b = open(path, "rb").read()
    i, imported, bodies, names, data = 8, 0, [], {}, 0
    while i < len(b):
        section = b[i]
        n, i = leb(b, i + 1)
        end = i + n
        if section == 2:  # imports: function indices start after the imported functions
            count, j = leb(b, i)
            for _ in range(count):
                for _ in range(2):
                    length, j = leb(b, j)
                    j += length
                kind = b[j]
                j += 1
                if kind == 0:
                    _, j = leb(b, j)
                    imported += 1
                elif kind in (1, 2):
                    if kind == 1:
                        j += 1
                    flags, j = leb(b, j)
                    _, j = leb(b, j)
                    if flags & 1:
                        _, j = leb(b, j)
                elif kind == 3:
                    j += 2
        elif section == 10:
            count, j = leb(b, i)
            for _ in range(count):
                length, k = leb(b, j)
                bodies.append(k - j + length)
                j = k + length
        elif section == 11:
            data = n
        elif section == 0:
            length, j = leb(b, i)
            if b[j : j + length] == b"name":
                j += length
                while j < end:
                    sub = b[j]
                    size, j = leb(b, j + 1)
                    if sub == 1:
                        count, k = leb(b, j)
                        for _ in range(count):
                            index, k = leb(b, k)
                            length, k = leb(b, k)
                            names[index] = b[k : k + length].decode("utf8", "replace")
                            k += length
                    j += size
        i = end
    out = {"<data>": data}
    for index, size in enumerate(bodies):
        name = re.sub(r"::h[0-9a-f]{16}$", "", names.get(index + imported, f"f{index}"))
        out[name] = out.get(name, 0) + size
    return out


if __name__ == "__main__" and sys.argv[1] == "--sum":
    functions = sizes(sys.argv[2])
    code = {k: v for k, v in functions.items() if k != "<data>"}
    print(f"all functions: {sum(code.values())} bytes in {len(code)} names; data: {functions['<data>']}")
    for labelled in sys.argv[3:]:
        label, pattern = labelled.split("=", 1)
        matched = [v for k, v in code.items() if re.search(pattern, k)]
        print(f"{label}: {sum(matched)} bytes in {len(matched)} names")
elif __name__ == "__main__":
    without, with_ = sizes(sys.argv[1]), sizes(sys.argv[2])
    rows = int(sys.argv[3]) if len(sys.argv) > 3 else 40
    print(f"total {sum(without.values())} without, {sum(with_.values())} with")
    diff = sorted(
        ((with_.get(k, 0) - without.get(k, 0), k) for k in set(without) | set(with_)),
        key=lambda x: -abs(x[0]),
    )
    for change, name in [d for d in diff if d[0]][:rows]:
        print(change, name[:160])
