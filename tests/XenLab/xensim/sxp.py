"""S-expressions as xend prints them.

`prettyprint` reproduces xend's PrettyPrint.prettyprint (width 80): an
Oppen-style printer where every list is a block whose breaks all turn into
newlines (indented 4 more than the list's start) once the block does not
fit on the rest of the line. Atoms print like xend's sxp.show under
Python 2: plain when they only hold safe characters, repr() otherwise,
floats as Python 2's str() (12 significant digits).
"""
import string

_SAFE = set(string.ascii_letters + string.digits + ".-_:/~")
_UNSAFE = set("\"'\\(){}[]<>$#&%^")


def py2_float(value):
    """Python 2 str(float): 12 significant digits, always with a point."""
    text = "%.12g" % value
    if "." not in text and "e" not in text and "inf" not in text and "nan" not in text:
        text += ".0"
    return text


def _is_atom(text):
    if text.isalnum() or text == "@":
        return True
    for c in text:
        if c in string.whitespace or c in _UNSAFE or c not in _SAFE:
            return False
    return True


def show(value):
    """One value on one line, as sxp.show writes it."""
    if isinstance(value, (list, tuple)):
        return "(" + " ".join(show(v) for v in value) + ")"
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return py2_float(value)
    text = str(value)
    return text if _is_atom(text) else repr(text)


class _Text:
    def __init__(self, text):
        self.width = len(text)
        self.text = text

    def emit(self, out):
        out.put(self.text)


class _Break:
    def __init__(self, width, indent):
        self.width = width
        self.indent = indent
        self.space = 0

    def emit(self, out):
        if out.block.all_break() or not out.fits(self.space):
            out.newline(self.indent)
        else:
            out.put(" " * self.width)


class _Block:
    def __init__(self, parent):
        self.parent = parent
        self.items = []
        self.indent = 0
        self.broken = False
        self.width = 0

    def close(self):
        """Measure the block and the distance from each break to the next."""
        width = 0
        last_break, last_width = None, 0
        for item in self.items:
            if isinstance(item, _Break):
                if last_break:
                    last_break.space = width - last_width
                last_break, last_width = item, width
            width += item.width
        if last_break:
            last_break.space = width - last_width
        self.width = width

    def all_break(self):
        return self.broken

    def emit(self, out):
        self.indent = out.used
        out.block = self
        if not out.fits(self.width):
            self.broken = True
        for item in self.items:
            item.emit(out)
        out.block = self.parent


class _Output:
    def __init__(self, width):
        self.width = width
        self.used = 0
        self.space = width
        self.block = None
        self.parts = []

    def fits(self, n):
        return self.space - n >= 0

    def newline(self, indent):
        indent += self.block.indent
        self.parts.append("\n" + " " * indent)
        self.used = indent
        self.space = self.width - indent

    def put(self, text):
        self.space = max(self.space - len(text), 0)
        self.used += len(text)
        self.parts.append(text)


def _build(value, parent):
    if not isinstance(value, (list, tuple)):
        parent.items.append(_Text(show(value)))
        return
    block = _Block(parent)
    block.items.append(_Text("("))
    for i, child in enumerate(value):
        if i:
            block.items.append(_Break(1, 4))
        _build(child, block)
    block.items.append(_Break(0, 0))
    block.items.append(_Text(")"))
    block.close()
    parent.items.append(block)


def prettyprint(value, width=80):
    """The text xend's PrettyPrint.prettyprint writes, final newline included."""
    if not isinstance(value, (list, tuple)):
        return show(value) + "\n"
    top = _Block(None)
    _build(value, top)
    block = top.items[0]
    block.parent = None
    out = _Output(width)
    block.emit(out)
    return "".join(out.parts) + "\n"
