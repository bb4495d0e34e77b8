"""Just enough of pytest to import a test module and collect parametrize values."""
COLLECTED = []


class _Param:
    def __init__(self, *values, **kw):
        self.values = values


def param(*values, **kw):
    return _Param(*values, **kw)


class _Mark:
    def parametrize(self, names, values, **kw):
        vals = [v.values if isinstance(v, _Param) else v for v in values]
        COLLECTED.append((names, vals))
        return lambda f: f

    def __getattr__(self, name):
        return lambda *a, **kw: (lambda f: f)


mark = _Mark()


def fixture(*a, **kw):
    if a and callable(a[0]):
        return a[0]
    return lambda f: f


def raises(*a, **kw):
    raise RuntimeError("not available")


def warns(*a, **kw):
    raise RuntimeError("not available")


def importorskip(name, *a, **kw):
    return __import__(name)


def skip(*a, **kw):
    pass
