import pytest

from analyser.language import detect_language, majority_language


@pytest.mark.parametrize(
    "text,code",
    [
        ("Работодатель обязуется не допускать видеонаблюдения в комнатах отдыха.", "ru"),
        ("Жұмыс беруші демалыс бөлмелерінде бейнебақылау жүргізбеуге міндеттенеді.", "kk"),
        ("The Employer shall not monitor employees outside working hours.", "en"),
        ("Роботодавець зобов'язується інформувати профспілку про зміни.", "uk"),
        ("Наймальнік абавязваецца ўзгадняць з прафсаюзам змены.", "be"),
        ("L'employeur s'engage à informer les représentants du personnel.", "fr"),
        ("La empresa se compromete a informar a la representación legal de los trabajadores.", "es"),
    ],
)
def test_languages_of_agreements(text, code):
    assert detect_language(text) == code


def test_short_text_takes_the_default():
    assert detect_language("1.2.", default="kk") == "kk"
    assert detect_language("Статья", default="ru") == "ru"


def test_majority():
    assert majority_language(["ru", "kk", "ru", ""]) == "ru"
    assert majority_language([]) == ""


def test_a_quoted_kazakh_title_does_not_make_russian_text_kazakh():
    text = ("Педагогам, удостоенным звания «Қазақстанның еңбек сіңірген ұстазы», устанавливается "
            "ежемесячная доплата в размере десяти процентов должностного оклада.")
    assert detect_language(text) == "ru"


def test_a_short_text_in_another_script_does_not_take_the_default():
    assert detect_language("Annual leave is 28 days.", default="ru") == "en"
    assert detect_language("Отпуск 28 дней.", default="en") == "ru"
    assert detect_language("Leave: 28 days", default="fr") == "fr"
