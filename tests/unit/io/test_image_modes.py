"""Photos in every pixel format Pillow opens come out as the RGB a person would see."""

import numpy as np
import pytest
from PIL import Image

import formlab
from formlab.io.media import read_image


def test_16_bit_grayscale_is_scaled_not_clipped(tmp_path):
    ramp = np.linspace(0, 65535, 64 * 32).reshape(32, 64).astype(np.uint16)
    path = tmp_path / "ramp16.png"
    Image.fromarray(ramp).save(path)
    assert Image.open(path).mode.startswith("I")  # Pillow's 16-bit grayscale
    rgb, _ = read_image(path)
    assert rgb.dtype == np.uint8 and rgb.shape == (32, 64, 3)
    expected = np.round(ramp / 257.0)
    assert np.abs(rgb[..., 0].astype(float) - expected).max() <= 1
    assert (rgb[..., 0] == rgb[..., 2]).all() and 120 <= rgb[
        16, 32, 0
    ] <= 135  # mid-grey, not white


@pytest.mark.media
def test_a_person_on_a_16_bit_grayscale_photo_is_found(tmp_path, sample_path):
    rgb, _ = read_image(sample_path("tfjs-models__pose"))
    gray16 = (rgb.astype(np.float64) @ [0.299, 0.587, 0.114] * 257).round().astype(np.uint16)
    path = tmp_path / "person16.png"
    Image.fromarray(gray16).save(path)
    track = formlab.extract(path, cache=False)
    assert track.detected[0], "no person found on the 16-bit photo"
    nose_px = track.xy_px[0, 0]
    assert np.hypot(*(nose_px - (463, 284))) < 25  # where MediaPipe puts it on the colour photo
