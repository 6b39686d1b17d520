"""JSON as libxl's yajl generator writes it (beautify on, 4-space indent).

Differences from json.dumps(indent=4) that matter for byte equality:
empty maps and arrays still open a line ("{", blank line, "}"), the
document ends with a newline, and "/" is not escaped.
"""

INDENT = "    "


def _string(text):
    out = ['"']
    for c in text:
        if c == '"':
            out.append('\\"')
        elif c == "\\":
            out.append("\\\\")
        elif c == "\n":
            out.append("\\n")
        elif c == "\r":
            out.append("\\r")
        elif c == "\t":
            out.append("\\t")
        elif c == "\b":
            out.append("\\b")
        elif c == "\f":
            out.append("\\f")
        elif ord(c) < 0x20:
            out.append("\\u%04x" % ord(c))
        else:
            out.append(c)
    out.append('"')
    return "".join(out)


def _value(value, depth, out):
    if isinstance(value, dict):
        _container("{", "}", [(k, v) for k, v in value.items()], depth, out)
    elif isinstance(value, list):
        _container("[", "]", [(None, v) for v in value], depth, out)
    elif isinstance(value, bool):
        out.append("true" if value else "false")
    elif value is None:
        out.append("null")
    elif isinstance(value, int):
        out.append(str(value))
    else:
        out.append(_string(str(value)))


def _container(opening, closing, members, depth, out):
    out.append(opening + "\n")
    inner = INDENT * (depth + 1)
    for i, (key, value) in enumerate(members):
        if i:
            out.append(",\n")
        out.append(inner)
        if key is not None:
            out.append(_string(key) + ": ")
        _value(value, depth + 1, out)
    out.append("\n" + INDENT * depth + closing)


def generate(value):
    """The buffer yajl_gen_get_buf returns for one top-level value."""
    out = []
    _value(value, 0, out)
    out.append("\n")
    return "".join(out)
