"""Every malformed input is an InputFileError that names the file, the line and the field."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from groundswell.errors import InputFileError, InvalidInput
from groundswell.network import read_graph


def write(tmp_path: Path, name: str, data: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


# (file name, content, line, field, words in the message)
BAD_TEXT = [
    ("one.txt", "1 2\n3\n", 2, None, "fewer fields"),
    ("one.csv", "source,target\na,b\nc\n", 3, None, "comma-separated"),
    ("one.tsv", "source\ttarget\na,b\n", 2, None, "tab-separated"),
    ("w.csv", "source,target,weight\na,b,1\na,c,lots\n", 3, "weight", "'lots' is not a number"),
    ("w.txt", "1 2 0.5\n2 3 x\n", 2, "column 3", "not a number"),
    ("p.csv", "source,target,p\na,b,1.5\n", 2, "p", "between 0 and 1"),
    ("neg.csv", "source,target,weight\na,b,-1\n", 2, "weight", "greater than 0"),
    ("zero.csv", "source,target,weight\na,b,0\n", 2, "weight", "out of range"),
    ("nan.csv", "source,target,weight\na,b,nan\n", 2, "weight", "not a number"),
    ("inf.csv", "source,target,weight\n1,2,1e999\n", 2, "weight", "out of range"),
    ("nohead.csv", "1,2\n2,3\n", 1, None, "not a header"),
    ("onecol.csv", "source\ttarget\n", 1, None, "one column"),
    ("empty-label.csv", "source,target\n,b\n", 2, "source", "is empty"),
    ("quoted.csv", 'source,target,weight\n"a",b,1\n"c"\n', 3, None, "field"),
    ("quoted-w.csv", 'source,target,weight\n"a",b,x\n', 2, "weight", "not a number"),
    ("latin1.txt", b"ann bob\nbob Z\xfcrich\n", 2, None, "not UTF-8"),
]


@pytest.mark.parametrize(("name", "content", "line", "field", "words"), BAD_TEXT)
def test_malformed_edge_lists(tmp_path, name, content, line, field, words) -> None:
    path = write(tmp_path, name, content)
    with pytest.raises(InputFileError) as info:
        read_graph(path, weight_column=3 if name == "w.txt" else None)
    err = info.value
    assert err.path == str(path) and name in str(err)
    assert err.line == line
    assert err.field == field
    assert words in str(err)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("empty.txt", ""),
        ("comments.txt", "# only a comment\n\n"),
        ("empty.csv", ""),
        ("header.csv", "source,target\n"),
        ("blank.graphml", "  \n"),
    ],
)
def test_empty_inputs_are_errors(tmp_path, name, content) -> None:
    with pytest.raises(InputFileError, match=r"empty|no ties"):
        read_graph(write(tmp_path, name, content))


def test_missing_file_folder_and_unknown_format(tmp_path) -> None:
    with pytest.raises(InputFileError, match="no such file"):
        read_graph(tmp_path / "absent.txt")
    (tmp_path / "dir.csv").mkdir()
    with pytest.raises(InputFileError, match="folder"):
        read_graph(tmp_path / "dir.csv")
    with pytest.raises(InputFileError, match="unknown graph format"):
        read_graph(write(tmp_path, "g.xlsx", "x"))


def test_gzip_problems(tmp_path) -> None:
    with pytest.raises(InputFileError, match="not a gzip file"):
        read_graph(write(tmp_path, "plain.txt.gz", "1 2\n"))
    with pytest.raises(InputFileError, match="damaged gzip"):
        read_graph(write(tmp_path, "cut.txt.gz", gzip.compress(b"1 2\n" * 1000)[:-20]))
    with pytest.raises(InputFileError, match=r"does not end in \.gz"):
        read_graph(write(tmp_path, "packed.txt", gzip.compress(b"1 2\n")))


def test_weight_column_mistakes(tmp_path) -> None:
    csv_path = write(tmp_path, "t.csv", "source,target\na,b\n")
    with pytest.raises(InputFileError) as info:
        read_graph(csv_path, weight_column="strength")
    assert info.value.line == 1 and "columns are source, target" in str(info.value)
    with pytest.raises(InputFileError, match="no column 5"):
        read_graph(csv_path, weight_column=5)
    snap = write(tmp_path, "t.txt", "1 2 3\n")
    with pytest.raises(InvalidInput, match="column number"):
        read_graph(snap, weight_column="weight")
    with pytest.raises(InvalidInput, match="label column"):
        read_graph(snap, weight_column=2)
    with pytest.raises(InputFileError) as info:
        read_graph(write(tmp_path, "short.txt", "1 2 3\n4 5\n"), weight_column=3)
    assert info.value.line == 2


GRAPHML_HEAD = '<?xml version="1.0"?>\n<graphml xmlns="http://graphml.graphdrawing.org/xmlns">\n'


def test_graphml_that_does_not_parse_names_line(tmp_path) -> None:
    text = GRAPHML_HEAD + '<graph edgedefault="undirected">\n<node id="a">\n</graph></graphml>\n'
    with pytest.raises(InputFileError) as info:
        read_graph(write(tmp_path, "bad.graphml", text))
    assert info.value.line == 5 and "not valid XML" in str(info.value)


def test_graphml_edge_to_undeclared_node(tmp_path) -> None:
    text = (
        GRAPHML_HEAD + '<graph edgedefault="undirected">\n<node id="a"/>\n<node id="b"/>\n'
        '<edge source="a" target="b"/>\n<edge source="b" target="c"/>\n</graph>\n</graphml>\n'
    )
    with pytest.raises(InputFileError) as info:
        read_graph(write(tmp_path, "undeclared.graphml", text))
    assert info.value.line == 7 and "'c', which is not declared" in str(info.value)


def test_graphml_bad_weight_names_edge(tmp_path) -> None:
    text = (
        GRAPHML_HEAD + '<key id="w" for="edge" attr.name="p" attr.type="double"/>\n'
        '<graph edgedefault="undirected">\n<node id="a"/>\n<node id="b"/>\n'
        '<edge source="a" target="b"><data key="w">2.5</data></edge>\n</graph>\n</graphml>\n'
    )
    with pytest.raises(InputFileError) as info:
        read_graph(write(tmp_path, "p.graphml", text))
    assert info.value.line == 7 and info.value.field == "p"


def test_graphml_wrong_data_type(tmp_path) -> None:
    text = (
        GRAPHML_HEAD + '<key id="w" for="edge" attr.name="weight" attr.type="double"/>\n'
        '<graph edgedefault="undirected">\n<node id="a"/>\n<node id="b"/>\n'
        '<edge source="a" target="b"><data key="w">heavy</data></edge>\n</graph>\n</graphml>\n'
    )
    with pytest.raises(InputFileError, match="not a readable GRAPHML"):
        read_graph(write(tmp_path, "t.graphml", text))


def test_gexf_errors(tmp_path) -> None:
    head = '<?xml version="1.0"?>\n<gexf xmlns="http://gexf.net/1.3" version="1.3">\n'
    text = (
        head + '<graph defaultedgetype="directed">\n<nodes><node id="0"/></nodes>\n'
        '<edges>\n<edge id="0" source="0" target="9"/>\n</edges>\n</graph>\n</gexf>\n'
    )
    with pytest.raises(InputFileError) as info:
        read_graph(write(tmp_path, "g.gexf", text))
    assert info.value.line == 6
    with pytest.raises(InputFileError) as info:
        read_graph(write(tmp_path, "cut.gexf", text[:-30]))
    assert info.value.line is not None and "not valid XML" in str(info.value)
