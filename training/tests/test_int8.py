"""INT8 tooling: the split-skip float32 graph of a space-to-depth student is the same function as the
student, and the shipped `-int8` models are QDQ graphs with float32 ports that track their fp32 peers
(ONNX-dependent: skipped on the light install)."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch

REPO = Path(__file__).resolve().parents[2]
INT8_CARDS = sorted((REPO / "models").glob("*-int8.json"))


def _need_onnx():
    pytest.importorskip("onnx", reason="onnx is not installed (pip install -r training/requirements.txt)")
    pytest.importorskip("onnxruntime", reason="onnxruntime is not installed (pip install -r training/requirements.txt)")


def test_split_skip_export_matches_student(tmp_path):
    _need_onnx()
    import onnx
    from training.models import LumaS2DStudent
    from training.quantize import conv_nodes, export_split_skip
    torch.manual_seed(0)
    m = LumaS2DStudent(channels=6, blocks=1)
    with torch.no_grad():
        for p in m.parameters():
            p.add_(0.05 * torch.randn_like(p))
    ck = tmp_path / "s.pth"
    torch.save({"model": m.state_dict(), "config": {"model": {"arch": "s2d", "channels": 6, "blocks": 1, "scale": 2,
                                                               "skip": "learned", "expand": 2, "fold": 2}}}, ck)
    out = tmp_path / "split.onnx"
    assert export_split_skip(str(ck), str(out)) < 1e-4  # ORT vs the unfolded student, odd sizes included
    convs = conv_nodes(str(out))
    assert sum("skip" in c for c in convs) == 1 and len(convs) == 4
    shapes = sorted(tuple(i.dims) for i in onnx.load(str(out)).graph.initializer if len(i.dims) == 4)
    assert (16, 4, 3, 3) in shapes and (6, 4, 3, 3) in shapes  # skip conv 4 -> 16; no identity channels


@pytest.mark.parametrize("card_path", INT8_CARDS, ids=[p.stem for p in INT8_CARDS])
def test_shipped_int8_model_is_qdq_and_tracks_its_peer(card_path):
    _need_onnx()
    import onnx
    import onnxruntime as ort
    card = json.loads(card_path.read_text())
    peer = REPO / "models" / (card["provenance"]["derivedFrom"] + ".onnx")
    model = onnx.load(str(card_path.with_suffix(".onnx")))
    ops = {n.op_type for n in model.graph.node}
    assert {"QuantizeLinear", "DequantizeLinear", "Conv"} <= ops
    assert card["precision"] in ("int8", "mixed") and card["input"]["dtype"] == card["output"]["dtype"] == "float32"
    # a smooth test image with edges, 8-bit luma: INT8 stays close to the fp32 peer
    yy, xx = np.mgrid[0:37, 0:53].astype(np.float32)
    x = (0.5 + 0.3 * np.sin(xx / 4.0) * np.cos(yy / 5.0) + 0.15 * (xx > 26)).clip(0, 1)
    x = (np.round(x * 255) / 255)[None, None].astype(np.float32)
    run = lambda p: ort.InferenceSession(str(p), providers=["CPUExecutionProvider"]).run(["output"], {"input": x})[0]
    a, b = run(card_path.with_suffix(".onnx")), run(peer)
    assert a.shape == b.shape == (1, 1, 74, 106)
    assert float(np.abs(a - b).mean()) < 0.003 and float(np.abs(a - b).max()) < 0.03  # measured 0.0015, 0.010
