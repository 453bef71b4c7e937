"""export_gif: an animated GIF of the regions over a run's snapshots."""

import io

import numpy as np
import pytest
from PIL import Image

from playground import Trainer, export_gif
from playground.export.gif import MAX_FRAMES, SIZE, gif_frames


def _frames(data: bytes) -> list[np.ndarray]:
    im = Image.open(io.BytesIO(data))
    assert im.format == "GIF"
    out = []
    for i in range(im.n_frames):
        im.seek(i)
        out.append(np.asarray(im.convert("RGB")))
    return out


def test_default_run_gif_has_a_frame_per_chosen_snapshot_and_they_differ():
    run = Trainer()
    run.step(400)
    before = run.network.params.copy()
    calls = []
    data = export_gif(run, progress=lambda done, total: calls.append((done, total)))
    np.testing.assert_array_equal(run.network.params, before)  # read only
    frames = _frames(data)
    expected = gif_frames(run)
    assert len(frames) == len(expected) == MAX_FRAMES  # 400 snapshots, thinned evenly
    assert expected[0][0] == 0 and expected[-1][0] == 400
    assert calls[-1] == (MAX_FRAMES, MAX_FRAMES) and len(calls) == MAX_FRAMES
    assert frames[0].shape == (SIZE, SIZE, 3)
    assert not np.array_equal(frames[0], frames[-1])
    changed = sum(not np.array_equal(a, b) for a, b in zip(frames, frames[1:], strict=False))
    assert changed >= len(frames) // 2  # the regions (and the epoch label) move
    assert len(data) < 400_000  # a few hundred KB at most


def test_short_run_gets_every_snapshot():
    run = Trainer()
    run.step(5)
    assert len(_frames(export_gif(run))) == 6  # epochs 0..5


@pytest.mark.parametrize("changes", [dict(dataset="blobs", n_classes=4),
                                     dict(dataset="plane"), dict(dataset="spiral")])
def test_every_task_makes_a_gif(changes):
    run = Trainer(**changes)
    run.step(30)
    frames = _frames(export_gif(run, size=120, max_frames=10))
    assert len(frames) == 10 and frames[0].shape == (120, 120, 3)
    assert not np.array_equal(frames[0], frames[-1])


def test_same_run_same_gif():
    a, b = Trainer(), Trainer()
    a.step(50)
    b.step(50)
    assert export_gif(a, max_frames=8) == export_gif(b, max_frames=8)
