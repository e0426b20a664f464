"""Search text: how names are normalised and cut into the two-character grams the index holds.

Full-width and half-width forms, case and white space do not matter: "李四 商贸" finds
"李四商贸有限公司". Every character of a query is literal (no wildcards)."""
import unicodedata

MIN_NAME_QUERY = 2
MAX_QUERY = 100
MAX_TEXT = 400


def normalise(text):
    """NFKC, lower case, without white space or control characters, at most MAX_TEXT long."""
    folded = unicodedata.normalize("NFKC", text or "").lower()
    return "".join(ch for ch in folded if not ch.isspace() and unicodedata.category(ch)[0] != "C")[:MAX_TEXT]


def grams(text):
    """The distinct two-character grams of an already normalised text, in first-seen order."""
    return list(dict.fromkeys(text[i:i + 2] for i in range(len(text) - 1)))
