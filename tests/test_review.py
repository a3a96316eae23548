import numpy as np

from fontcomplete.generate.review import Review, confidence_array, least_sure_first


def test_least_sure_first_puts_unreviewed_glyphs_last():
    reviews = {1: Review(0.9, (5,), "whole"), 2: Review(0.4, (6, 7), "left-right@0.50"), 3: Review(0.7, (8,), "whole")}
    assert least_sure_first([4, 3, 2, 1], reviews) == [2, 3, 1, 4]
    assert np.isnan(confidence_array([1, 4], reviews)[1]) and confidence_array([1, 4], reviews)[0] == 0.9


def test_review_provenance_names_each_donor_by_character_and_codepoint():
    record = Review(0.8312, (0x6C38, 0x5B57), "left-right@0.45").provenance()
    assert record == {"confidence": "0.83", "rebuilt": "0.83", "donors": "永 U+6C38, 字 U+5B57",
                      "layout": "left-right@0.45"}


def test_confidence_is_the_donor_fit_times_the_steadiness_and_records_both():
    review = Review(0.8, (0x6C38,), "whole", steady=0.5)
    assert review.confidence == 0.4
    assert review.provenance() == {"confidence": "0.40", "rebuilt": "0.80", "steady": "0.50", "donors": "永 U+6C38",
                                   "layout": "whole"}
    assert least_sure_first([1, 2], {1: review, 2: Review(0.6, (5,), "whole")}) == [1, 2]
