"""/etc/xen/xend-config.sxp read the way xend reads it.

`read` follows xend's sxp.Parser (xen/xend/sxp.py) character for character,
quirks included: inside quotes a known escape (\\n \\t \\\\ \\' ...) is
replaced; an unknown one such as \\. keeps the backslash and drops the
character after it; \\x takes exactly two hex digits (a-f count as 0-5,
xend's bug) and fails on anything else; octal above 377 fails. { } < > [ ] ;
end a bare word. An unclosed list is an error unless a bare word or a
comment runs up to the very end of the file. `Options` answers like
XendOptionsFile: the FIRST active element of a name wins (sxp.child), an
element without a value means the default, and bools and ints are checked
only when asked for.
"""
import re
import string

SPACE = " \t\n\v\f\r"
SEPARATORS = "{}()<>[];"
END_OF_TEXT = "\x04"
ESCAPES = {"a": "\a", "b": "\b", "t": "\t", "n": "\n", "v": "\v", "f": "\f", "r": "\r",
           "\\": "\\", "'": "'", '"': '"'}
TRUE = ("yes", "y", "1", "on", "true", "t")
FALSE = ("no", "n", "0", "off", "false", "f")
PY2_INT = re.compile(r"\s*[+-]?[0-9]+\s*\Z", re.ASCII)


class ReadError(Exception):
    """The file is not valid SXP; the message is the one xend prints."""


class OptionError(Exception):
    """A value of the wrong kind; the message is xend's XendError text."""


class _Text:
    def __init__(self, text):
        self.text = text
        self.at = 0

    def next(self):
        """The next character, or ReadError at the end (xend's "unexpected EOF")."""
        if self.at >= len(self.text):
            raise ReadError("unexpected EOF")
        c = self.text[self.at]
        self.at += 1
        return c

    def peek(self):
        return self.text[self.at] if self.at < len(self.text) else None


def _octal(text):
    value, digits = 0, ""
    while len(digits) < 3 and text.peek() is not None and "0" <= text.peek() <= "7":
        digits += text.next()
        value = value * 8 + int(digits[-1])
        if value > 0xff:
            raise ReadError("invalid octal escape: out of range " + digits)
    return chr(value)


def _hex(text):
    value = 0
    for _ in range(2):
        c = text.next()
        if c in string.digits:
            base = "0"
        elif "a" <= c <= "f":
            base = "a"
        elif "A" <= c <= "F":
            base = "A"
        else:
            raise ReadError("global name 'buf' is not defined")
        value = value * 16 + ord(c) - ord(base)
    return chr(value)


def _string(text, quote):
    out = []
    while True:
        c = text.next()
        if c == quote:
            return "".join(out)
        if c != "\\":
            out.append(c)
            continue
        c = text.next()
        if c in ESCAPES:
            out.append(ESCAPES[c])
        elif c == "x":
            out.append(_hex(text))
        elif c in string.octdigits:
            text.at -= 1
            out.append(_octal(text))
        else:
            out.append("\\")


def read(data):
    """The top-level values of the file's bytes: strings and nested lists."""
    text = _Text(data.decode("latin-1"))
    stack = [[]]
    ran_to_end = False
    while text.peek() is not None:
        c = text.next()
        ran_to_end = False
        if c in SPACE:
            continue
        if c == "#":
            while text.peek() not in (None, "\n"):
                text.at += 1
            ran_to_end = text.peek() is None
        elif c == "(":
            stack.append([])
        elif c == ")":
            if len(stack) == 1:
                raise ReadError("syntax error: )")
            done = stack.pop()
            stack[-1].append(done)
        elif c in "\"'":
            stack[-1].append(_string(text, c))
        elif c == END_OF_TEXT:
            if len(stack) > 1:
                raise ReadError("unexpected EOF")
            break
        elif c in string.printable:
            start = text.at - 1
            while text.peek() is not None and text.peek() not in SEPARATORS + SPACE + "#":
                text.at += 1
            stack[-1].append(text.text[start:text.at])
            ran_to_end = text.peek() is None
        else:
            raise ReadError("invalid character: code %d" % ord(c))
    if len(stack) > 1 and not ran_to_end:
        raise ReadError("unexpected EOF")
    return stack[0]


def load(path):
    """The options in the file at path; a missing file means every default, as for xend."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        return Options([])
    except OSError as e:
        raise ReadError(str(e))
    return Options(read(data))


class Options:
    """Typed access to the values, with xend's defaults and error texts."""

    def __init__(self, values):
        self.values = values

    def value(self, name, default=None):
        for element in self.values:
            if isinstance(element, list) and element and element[0] == name:
                return element[1] if len(element) > 1 else default
        return default

    def boolean(self, name, default):
        text = str(self.value(name, default)).lower()
        if text in TRUE:
            return True
        if text in FALSE:
            return False
        raise OptionError("invalid xend config %s: expected bool: %s" % (name, text))

    def integer(self, name, default):
        value = self.value(name, default)
        if isinstance(value, int) or (isinstance(value, str) and PY2_INT.match(value)):
            return int(value)
        raise OptionError("invalid xend config %s: expected int: %s" % (name, str(value)))

    def string(self, name, default):
        return self.value(name, default)
