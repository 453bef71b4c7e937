"""read_csv: every accepted variant, and malformed files that each raise ValueError with
one short sentence (and nothing else)."""

from __future__ import annotations

import gzip
import io
import pickle
import re
import time

import numpy as np
import pytest

import playground
from playground.data.csv_data import MAX_BYTES, ColumnsError, read_csv, to_csv

ROWS = [(0.5, -1.25, 0), (1.0, 2.0, 1), (-3.0, 0.0, 0), (2.5, 1e-3, 1), (-1.5, -2.0, 0),
        (0.0, 4.0, 1), (3.25, -0.5, 0), (-2.0, 1.5, 1), (1.75, 3.0, 0), (-0.25, -3.5, 1)]
X0 = np.array([r[:2] for r in ROWS])
Y0 = np.array([r[2] for r in ROWS])


def lines(sep=",", header="x1,x2,label", label=lambda v: str(v), end="\n"):
    head = [header.replace(",", sep)] if header else []
    body = [sep.join([repr(a), repr(b), label(c)]) for a, b, c in ROWS]
    return end.join(head + body) + end


GOOD = {
    "header": (lines(), None),
    "no header": (lines(header=""), None),
    "semicolon": (lines(";"), None),
    "tab": (lines("\t"), None),
    "CRLF": (lines(end="\r\n"), None),
    "BOM": ("\ufeff" + lines(), None),
    "quoted fields": ("".join(f'"{a!r}","{b!r}","{c}"\n' for a, b, c in ROWS), None),
    "bytes": (lines().encode(), None),
    "minus one and one": (lines(label=lambda v: "1" if v else "-1"), ("-1", "1")),
    "names": (lines(label=lambda v: "dog" if v else "cat"), ("cat", "dog")),
    "float labels": (lines(label=lambda v: "1.0" if v else "0.0"), ("0", "1")),
    "blank lines": (lines().replace("\n", "\n\n", 3), None),
    "spaces": (lines(sep=" , "), None),
    "target header": (lines(header="x1,x2,target"), None),
    "trailing newline missing": (lines().rstrip("\n"), None),
}


@pytest.mark.parametrize("name", GOOD)
def test_good_files(name):
    text, classes = GOOD[name]
    X, y = table = read_csv(text)
    np.testing.assert_array_equal(X, X0)
    np.testing.assert_array_equal(y, Y0)
    assert y.dtype == np.int64
    assert table.classes == (classes or ("0", "1"))


def test_k_classes_regression_and_columns(tmp_path):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(50, 2))
    y3 = np.arange(50) % 3
    t = read_csv(to_csv(X, y3, ("0", "1", "2")))
    assert t[1].tolist() == y3.tolist() and t.classes == ("0", "1", "2")
    values = rng.normal(size=50)  # more distinct values than classes: regression
    t = read_csv(to_csv(X, values, None, ("a", "b", "v")))
    assert t[1].dtype == np.float64 and t.classes is None and t.columns == ("a", "b", "v")
    np.testing.assert_array_equal(t[1], values)
    wide = "id,a,kind,b\n" + "".join(f"{i},{float(X[i, 0])!r},{'xy'[i % 2]},{float(X[i, 1])!r}\n"
                                     for i in range(50))
    with pytest.raises(ColumnsError) as err:
        read_csv(wide)
    assert err.value.columns == ["id", "a", "kind", "b"]
    for columns in (["a", "b", "kind"], [1, 3, 2]):
        t = read_csv(wide, columns)
        np.testing.assert_array_equal(t[0], X)
        assert t.classes == ("x", "y") and t[1].tolist() == [i % 2 for i in range(50)]
    path = tmp_path / "points.csv"
    path.write_text(lines())
    for source in (path, str(path), io.BytesIO(lines().encode()), io.StringIO(lines())):
        np.testing.assert_array_equal(read_csv(source)[0], X0)


def test_written_points_read_back_unchanged():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(40, 2)) * 1e3
    for y, classes in ((rng.integers(0, 4, 40), ("a b", 'qu"ote', "x,y", "z")),
                       (rng.normal(size=40), None)):
        t = read_csv(to_csv(X, y, classes))
        np.testing.assert_array_equal(t[0], X)
        np.testing.assert_array_equal(t[1], y)
        assert t.classes == classes


def _ok_rows(n=12):
    return "".join(f"{i},{i * 0.5},{i % 2}\n" for i in range(n))


BAD = {
    "empty": "",
    "blank": "\n\n  \n",
    "gzip": gzip.compress(_ok_rows().encode()),
    "png": b"\x89PNG\r\n\x1a\n" + bytes(40),
    "pickle": pickle.dumps({"X": [1, 2]}),
    "zip": b"PK\x03\x04" + bytes(30),
    "pdf": b"%PDF-1.4 ...",
    "npy": b"\x93NUMPY\x01\x00",
    "zero bytes": b"1,2,0\n\x00\x00\x00" + _ok_rows().encode(),
    "latin-1": ("x1,x2,label\n" + _ok_rows() + "1,2,caf\xe9\n").encode("latin-1"),
    "one column": "x\n" + "".join(f"{i}\n" for i in range(12)),
    "two columns": "a,b\n" + "".join(f"{i},{i}\n" for i in range(12)),
    "four columns": "a,b,c,d\n" + "".join(f"{i},{i},{i % 2},1\n" for i in range(12)),
    "nine rows": _ok_rows(9),
    "too many rows": _ok_rows(10_001),
    "far too many rows": "1,2,0\n" * 200_000,
    "ragged long": _ok_rows() + "1,2,0,4\n",
    "ragged short": _ok_rows() + "1,2\n",
    "ragged header": "x1,x2,label,extra\n" + _ok_rows(),
    "nan": _ok_rows() + "nan,1,0\n",
    "NaN": _ok_rows() + "1,NaN,0\n",
    "inf": _ok_rows() + "inf,1,0\n",
    "-inf": _ok_rows() + "1,-inf,0\n",
    "Infinity": _ok_rows() + "Infinity,1,0\n",
    "overflow": _ok_rows() + "1e999,1,0\n",
    "text in x1": _ok_rows() + "abc,1,0\n",
    "text in x2": _ok_rows() + "1,two,0\n",
    "empty x1": _ok_rows() + ",1,0\n",
    "empty label": _ok_rows() + "1,1,\n",
    "quoted empty label": _ok_rows() + '1,1," "\n',
    "nan label": _ok_rows() + "1,1,nan\n",
    "NaN label among names": "".join(f"{i},{i},{('cat', 'dog', 'NaN')[i % 3]}\n"
                                     for i in range(12)),
    "-nan label": _ok_rows() + "1,1,-nan\n",
    "inf label": _ok_rows() + "1,1,inf\n",
    "-Infinity label": _ok_rows() + "1,1,-Infinity\n",
    "overflowing label among names": "".join(f"{i},{i},{('a', 'b', '1e999')[i % 3]}\n"
                                             for i in range(12)),
    "only separators": ",,\n,,\n;;\n",
    "separators and spaces": " , , \n\t,  ,\n" * 12,
    "byte-order mark only": b"\xef\xbb\xbf",
    "byte-order mark and spaces": b"\xef\xbb\xbf \r\n \n",
    "unicode spaces only": "\u00a0\u2003\n\u3000\n",
    "underscore number": _ok_rows() + "1_000,1,0\n",
    "hex": _ok_rows() + "0x10,1,0\n",
    "comma decimal": _ok_rows() + "1.5,\"2,5\",0\n",
    "two dots": _ok_rows() + "1.2.3,1,0\n",
    "lone minus": _ok_rows() + "-,1,0\n",
    "one class": "".join(f"{i},{i},1\n" for i in range(12)),
    "one named class": "".join(f"{i},{i},cat\n" for i in range(12)),
    "six named classes": "".join(f"{i},{i},c{i % 6}\n" for i in range(12)),
    "unclosed quote": _ok_rows() + '1,"2,0\n',
    "quote in field": _ok_rows() + '1,2"3,0\n',
    "no separator": "".join(f"{i}|{i}|0\n" for i in range(12)),
    "spaces only": "".join(f"{i} {i} 0\n" for i in range(12)),
    "over the size limit": b"1,2,0\n" + b" " * MAX_BYTES,
    "huge field": "1,2," + "a" * 200_000 + "\n" + _ok_rows(),
    "header only": "x1,x2,label\n",
    "header and nine": "x1,x2,label\n" + _ok_rows(9),
    "json": '{"x1": [1, 2], "x2": [3, 4], "label": [0, 1]}',
    "html": "<html><body>" + "<p>1,2,0</p>\n" * 12 + "</body></html>",
    "python": "import os\nos.system('rm -rf /')\n" * 6,
    "numpy repr": "[[1. 2. 0.]\n [3. 4. 1.]]\n" * 6,
    "utf-16": ("x1,x2,label\n" + _ok_rows()).encode("utf-16"),
    "mixed separators": "x1,x2,label\n" + _ok_rows().replace(",", ";", 6),
    "60,000 columns": "1," * 60_000 + "0\n" + "1," * 60_000 + "0\n",
    "int": 12345,
    "list": [[1, 2, 0]],
    "no such file": "missing-file.csv",
}


@pytest.mark.parametrize("name", BAD)
def test_malformed_files_raise_one_short_sentence(name):
    with pytest.raises(ValueError) as err:
        read_csv(BAD[name])
    message = str(err.value)
    assert type(err.value) in (ValueError, ColumnsError), name
    assert 10 < len(message) <= 160 and message.endswith("."), message
    assert "Traceback" not in message and "\n" not in message


def test_messages_name_the_row_and_column():
    with pytest.raises(ValueError, match=r"^Row 14, column x2 has 'two', not a number\.$"):
        read_csv("x1,x2,label\n" + _ok_rows() + "1,two,0\n")
    with pytest.raises(ValueError, match=r"^Row 13 has 4 fields, the others 3\.$"):
        read_csv(_ok_rows() + "1,2,0,4\n")
    with pytest.raises(ValueError, match="^Row 13, column column 1: 'nan'|^Row 13, column "
                                         "column 1 has 'nan'"):
        read_csv(_ok_rows() + "nan,1,0\n")


def test_a_missing_or_infinite_label_is_refused_by_name():
    for label in ("nan", "NaN", "-nan", "+NAN"):
        with pytest.raises(ValueError, match=rf"^Row 13, column column 3 has '{re.escape(label)}"
                                             r"', a missing value \(NaN\), not a label\.$"):
            read_csv(_ok_rows() + f"1,1,{label}\n")
    for label in ("inf", "-inf", "Infinity", "1e999"):
        with pytest.raises(ValueError, match=rf"has '{label}', an infinite number, not a label"):
            read_csv("x1,x2,kind\n" + "".join(f"{i},{i},{('a', 'b')[i % 2]}\n"
                                                for i in range(12)) + f"1,1,{label}\n")
    # a name that merely contains one is a name
    table = read_csv("".join(f"{i},{i},{('nano', 'info')[i % 2]}\n" for i in range(12)))
    assert table.classes == ("info", "nano")


def test_a_file_of_only_separators_says_so():
    with pytest.raises(ValueError, match=r"^The file holds only separators, no values"):
        read_csv(",,\n,,\n")
    with pytest.raises(ValueError, match=r"^The file is empty\.$"):
        read_csv(b"\xef\xbb\xbf\n")


def test_a_file_at_the_size_limit_is_refused_quickly():
    big = b"1,2,0\n" * (MAX_BYTES // 6 + 1)
    start = time.perf_counter()
    with pytest.raises(ValueError, match="rows"):
        read_csv(big)
    assert time.perf_counter() - start < 2  # generous: the refusal comes before parsing


def test_read_csv_is_exported():
    assert playground.read_csv is read_csv


def test_a_wide_file_suggests_its_inputs_and_label_skipping_a_row_number():
    rng = np.random.default_rng(3)
    rows = [f"{i + 1},{rng.normal(170, 9):.1f},{rng.normal(70, 12):.1f},{rng.integers(18, 80)},"
            f"{'fm'[i % 2]}\n" for i in range(40)]
    with pytest.raises(ColumnsError) as err:
        read_csv("id,height,weight,age,sex\n" + "".join(rows))
    assert err.value.columns == ["id", "height", "weight", "age", "sex"]
    assert err.value.suggested == (1, 2, 4)  # height, weight; sex (not id, height, weight)
    # a label of few numbers in the middle, a regression target last: the last label-like
    table = "n,a,cls,b,t\n" + "".join(f"{i},{rng.normal():.3f},{i % 3},{rng.normal():.3f},"
                                       f"{rng.normal():.3f}\n" for i in range(40))
    with pytest.raises(ColumnsError) as err:
        read_csv(table)
    assert err.value.suggested == (1, 3, 2)
    # no column looks like a label: the last one is the target
    table = "p,q,r,s\n" + "".join(f"{rng.normal():.3f},{rng.normal():.3f},{rng.normal():.3f},"
                                   f"{rng.normal():.3f}\n" for _ in range(40))
    with pytest.raises(ColumnsError) as err:
        read_csv(table)
    assert err.value.suggested == (0, 1, 3)
