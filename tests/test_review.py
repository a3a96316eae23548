import numpy as np

from fontcomplete.generate.review import Review, confidence_array, least_sure_first


def test_least_sure_first_puts_unreviewed_glyphs_last():
    reviews = {1: Review(0.9, (5,), "whole"), 2: Review(0.4, (6, 7), "left-right@0.50"), 3: Review(0.7, (8,), "whole")}
    assert least_sure_first([4, 3, 2, 1], reviews) == [2, 3, 1, 4]
    assert np.isnan(confidence_array([1, 4], reviews)[1]) and confidence_array([1, 4], reviews)[0] == 0.9


def test_review_provenance_names_each_donor_by_character_and_codepoint():
    record = Review(0.8312, (0x6C38, 0x5B57), "left-right@0.45").provenance()
    assert record == {"confidence": "0.83", "donors": "永 U+6C38, 字 U+5B57", "layout": "left-right@0.45"}
