"""Checks shared by the tests of the result tables written as CSV (feedback.csv, reps.csv)."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

MAX_SIGNIFICANT_DIGITS = 6
_INTEGER = re.compile(r"-?\d+")


def significant_digits(field: str) -> int:
    """Significant digits of a number as written (``"-0.0123457"`` -> 6, ``"1.5e-07"`` -> 2, ``"120"`` -> 3)."""
    mantissa = re.split(r"[eE]", field.strip().lstrip("+-"))[0]
    digits = mantissa.replace(".", "").lstrip("0")
    if "." in mantissa:
        return len(digits)
    return len(digits.rstrip("0")) or 1  # trailing zeros of an integer are not counted


def assert_written_compactly(path, table: pd.DataFrame) -> None:
    """``path`` holds ``table``: floats to at most 6 significant digits, integer columns as integers.

    Reads the file twice: as text, to see how each field was written, and as
    numbers, to check that the rounding kept the values (relative error of
    6 significant digits: at most 5e-6).
    """
    text = pd.read_csv(path, dtype=str, keep_default_na=False)
    back = pd.read_csv(path)
    assert list(text.columns) == list(table.columns) and len(text) == len(table)
    n_float_fields = 0
    for c in table.columns:
        dtype = table[c].dtype
        fields = [f for f in text[c] if f not in ("", "nan", "NaN", "inf", "-inf")]
        if pd.api.types.is_bool_dtype(dtype):
            continue
        if pd.api.types.is_integer_dtype(dtype):  # int64 and the nullable Int64 (missing frames)
            assert all(_INTEGER.fullmatch(f) for f in fields), (c, fields[:5])
            if not table[c].isna().any():
                assert pd.api.types.is_integer_dtype(back[c].dtype), (c, back[c].dtype)
                np.testing.assert_array_equal(
                    back[c].to_numpy(), table[c].to_numpy(dtype=np.int64), err_msg=c
                )
        elif pd.api.types.is_float_dtype(dtype):
            too_long = [f for f in fields if significant_digits(f) > MAX_SIGNIFICANT_DIGITS]
            assert not too_long, (c, too_long[:5])
            n_float_fields += len(fields)
            np.testing.assert_allclose(
                back[c].to_numpy(dtype=float),
                table[c].to_numpy(dtype=float),
                rtol=5e-6,
                atol=0,
                equal_nan=True,
                err_msg=c,
            )
    assert n_float_fields > 0  # the check saw floats
