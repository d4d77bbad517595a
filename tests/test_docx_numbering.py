from lxml import etree

from analyser.ingest.docx_numbering import Numbering, W, format_number


def numbering(xml: str) -> Numbering:
    return Numbering.from_xml(etree.fromstring(f'<w:numbering xmlns:w="{W}">{xml}</w:numbering>'))


OUTLINE = (
    '<w:abstractNum w:abstractNumId="1">'
    '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl>'
    '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1.%2."/></w:lvl>'
    '<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="russianLower"/><w:lvlText w:val="%3)"/></w:lvl>'
    "</w:abstractNum>"
)


def test_formats_cover_the_lists_of_agreements():
    assert format_number(3, "decimal") == "3"
    assert format_number(3, "russianLower") == "в"
    assert format_number(10, "russianLower") == "к"  # й is skipped as Word does
    assert format_number(2, "upperLetter") == "B"
    assert format_number(27, "lowerLetter") == "aa"
    assert format_number(14, "upperRoman") == "XIV"
    assert format_number(4, "lowerRoman") == "iv"


def test_multilevel_counters_reset_deeper_levels():
    n = numbering(OUTLINE + '<w:num w:numId="5"><w:abstractNumId w:val="1"/></w:num>')
    labels = [n.next_label("5", lvl) for lvl in (0, 1, 1, 2, 2, 1, 2, 0, 1)]
    assert labels == ["1.", "1.1.", "1.2.", "а)", "б)", "1.3.", "а)", "2.", "2.1."]


def test_instances_of_one_definition_continue_and_start_override_restarts():
    n = numbering(
        OUTLINE
        + '<w:num w:numId="5"><w:abstractNumId w:val="1"/></w:num>'
        + '<w:num w:numId="6"><w:abstractNumId w:val="1"/></w:num>'
        + '<w:num w:numId="7"><w:abstractNumId w:val="1"/>'
        '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>'
    )
    assert [n.next_label("5", 0), n.next_label("6", 0), n.next_label("7", 0), n.next_label("7", 0)] == [
        "1.", "2.", "1.", "2."]


def test_kazakh_article_pattern_and_bullets():
    n = numbering(
        '<w:abstractNum w:abstractNumId="2">'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1-бап."/></w:lvl>'
        '<w:lvl w:ilvl="1"><w:numFmt w:val="bullet"/><w:lvlText w:val="\uf0b7"/></w:lvl>'
        '</w:abstractNum><w:num w:numId="3"><w:abstractNumId w:val="2"/></w:num>'
    )
    assert n.next_label("3", 0) == "1-бап."
    assert n.next_label("3", 1) == "•"
    assert n.next_label("3", 0) == "2-бап."


def test_unknown_instance_and_numid_zero_mean_no_number():
    n = numbering(OUTLINE)
    assert n.next_label("0", 0) == ""
    assert n.next_label("99", 0) == ""
