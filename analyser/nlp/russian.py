"""Russian lemmas without a tagger: spaCy's pymorphy3 lemmatizer, with a choice where a word form is ambiguous.

A blank spaCy "ru" pipeline has no part-of-speech tags, and without them spaCy's
pymorphy3 lemmatizer keeps a word form unchanged whenever pymorphy3 offers
more than one normal form. That left about 7 % of the tokens of the Russian
corpus unlemmatised ("личной", "личных", "открытого", "данные"). Different
forms of one word then counted as different words, and a clause worded in
another form matched the training clauses less well.

Where the form is ambiguous, this lemmatizer picks a reading:
- first, a noun reading that is not a personal or place name ("данные" is the
  noun "данные", not the participle of "дать"; "учащихся" is the noun "учащийся");
- otherwise, pymorphy3's most probable reading ("личной" is "личный").
Words of up to three letters ("их", "ии", "со") keep spaCy's answer: such a
word is mostly a pronoun, a preposition or an abbreviation, and the guess
would often be wrong ("ИИ" is not the noun "ия").
"""
from __future__ import annotations

from collections.abc import Callable

from spacy.lang.ru import Russian
from spacy.lang.ru.lemmatizer import RussianLemmatizer
from spacy.language import Language
from spacy.tokens import Token
from thinc.api import Model

NAMES = frozenset({"Name", "Surn", "Patr", "Geox", "Orgn", "Trad"})
SHORTEST_GUESSED = 4


class RussianLemmatizerPicking(RussianLemmatizer):
    """spaCy's pymorphy3 lemmatizer that picks a reading where a form is ambiguous (see the module docstring).

    It overrides the method spaCy 3.8 calls for untagged tokens, which is private: a spaCy upgrade that
    renames it shows up in tests/test_nlp.py, whose ambiguous forms would come back unlemmatised.
    """

    def _pymorphy_lookup_lemmatize(self, token: Token) -> list[str]:
        spacy_answer = super()._pymorphy_lookup_lemmatize(token)
        string = token.text
        if len(string) < SHORTEST_GUESSED or spacy_answer != [string]:
            return spacy_answer
        known = [a for a in self._morph.parse(string) if a.is_known and not (NAMES & set(a.tag.grammemes))]
        if not known:
            return spacy_answer
        nouns = [a for a in known if a.tag.POS == "NOUN"]
        return [(nouns or known)[0].normal_form]


@Russian.factory(
    "ru_lemmatizer_picking",
    assigns=["token.lemma"],
    default_config={"model": None, "mode": "pymorphy3", "overwrite": False,
                    "scorer": {"@scorers": "spacy.lemmatizer_scorer.v1"}},
    default_score_weights={"lemma_acc": 1.0},
)
def make_lemmatizer_picking(nlp: Language, model: Model | None, name: str, mode: str, overwrite: bool,
                            scorer: Callable | None) -> RussianLemmatizerPicking:
    return RussianLemmatizerPicking(nlp.vocab, model, name, mode=mode, overwrite=overwrite, scorer=scorer)
