"""Channel-pruning surgery (training/prune.py): removing channels that cannot affect the output leaves
the function unchanged, shapes stay consistent at any keep count, the importance score sees both
sides of a channel, and the pruned network exports to ONNX with parity."""
from __future__ import annotations

import pytest
import torch
import torch.nn as nn

from training.models import LumaStudent, count_params
from training.prune import (channel_importance, plain_layers, plain_macs_per_input_pixel, prune_plain_student,
                            select_keep)


def _plain_student(channels=8, blocks=2, seed=0) -> LumaStudent:
    torch.manual_seed(seed)
    m = LumaStudent(channels=channels, blocks=blocks).double()
    with torch.no_grad():
        for p in m.parameters():
            p.add_(0.05 * torch.randn_like(p))
    return m.eval().reparameterize()


def _with_dead_channels(m: LumaStudent, dead: dict) -> LumaStudent:
    """Zero channel o of hidden layer l: its in-weights and bias (PReLU(0) = 0) for even o, its
    out-weights (the next conv's input column) for odd o; both make the channel inert."""
    layers = plain_layers(m)
    with torch.no_grad():
        for l, chans in dead.items():
            conv, nxt = layers[l][0], layers[l + 1][0]
            for o in chans:
                if o % 2 == 0:
                    conv.weight[o] = 0
                    conv.bias[o] = 0
                else:
                    nxt.weight[:, o] = 0
    return m


def test_pruning_zero_importance_channels_is_exact():
    m = _with_dead_channels(_plain_student(), {0: [1, 4], 1: [0, 5], 2: [2, 7]})
    scores = channel_importance(m)
    for l, chans in {0: [1, 4], 1: [0, 5], 2: [2, 7]}.items():
        assert all(scores[l][o] == 0 for o in chans)
        assert all(scores[l][o] > 0 for o in range(8) if o not in chans)
    keep = select_keep(scores, 6)
    assert [k.tolist() for k in keep] == [[0, 2, 3, 5, 6, 7], [1, 2, 3, 4, 6, 7], [0, 1, 3, 4, 5, 6]]
    pruned = prune_plain_student(m, keep)
    x = torch.rand(2, 1, 13, 17, dtype=torch.float64)
    with torch.no_grad():
        assert (pruned(x) - m(x)).abs().max().item() < 1e-12
    assert pruned.hidden_channels == [6, 6, 6]


@pytest.mark.parametrize("keep", [1, 3, 5, 8, [2, 7, 4]])
def test_shapes_params_and_macs_are_consistent(keep):
    m = _plain_student()
    pruned = prune_plain_student(m, select_keep(channel_importance(m), keep))
    widths = [keep] * 3 if isinstance(keep, int) else keep
    convs = [c for c, _ in plain_layers(pruned)]
    acts = [a for _, a in plain_layers(pruned)]
    assert [c.out_channels for c in convs] == widths + [4]
    assert [c.in_channels for c in convs] == [1] + widths
    assert [a.num_parameters for a in acts[:-1]] == widths and acts[-1] is None
    dims = [1] + widths + [4]
    assert count_params(pruned) == sum(9 * a * b + b for a, b in zip(dims[:-1], dims[1:])) + sum(widths)
    assert plain_macs_per_input_pixel(pruned) == sum(9 * a * b for a, b in zip(dims[:-1], dims[1:]))
    y = pruned(torch.rand(1, 1, 9, 11, dtype=torch.float64))
    assert y.shape == (1, 1, 18, 22)
    assert plain_macs_per_input_pixel(m) == m.conv_macs_per_input_pixel()  # unpruned: the student's own count


def test_keep_all_is_identity_and_source_untouched():
    m = _plain_student()
    before = {k: v.clone() for k, v in m.state_dict().items()}
    pruned = prune_plain_student(m, select_keep(channel_importance(m), 8))
    x = torch.rand(1, 1, 10, 10, dtype=torch.float64)
    with torch.no_grad():
        assert torch.equal(pruned(x), m(x))
    assert all(torch.equal(before[k], v) for k, v in m.state_dict().items())


def test_importance_ranks_weaker_channels_lower_and_rejects_bad_input():
    m = _plain_student()
    with torch.no_grad():
        plain_layers(m)[0][0].weight[3].mul_(1e-3)
        plain_layers(m)[0][0].bias[3].mul_(1e-3)
    s = channel_importance(m)[0]
    assert int(s.argmin()) == 3
    assert 3 not in select_keep([s], 7)[0].tolist()
    with pytest.raises(ValueError):
        select_keep([s], 0)
    with pytest.raises(ValueError):
        prune_plain_student(m, select_keep(channel_importance(m), 4)[:2])
    with pytest.raises(TypeError):
        plain_layers(LumaStudent(channels=4, blocks=1))  # ECB blocks: reparameterize() first


def test_pruned_student_exports_with_parity(tmp_path):
    pytest.importorskip("onnx", reason="onnx is not installed (pip install -r training/requirements.txt)")
    pytest.importorskip("onnxruntime", reason="onnxruntime is not installed (pip install -r training/requirements.txt)")
    from training.export_onnx import export, parity
    m = _plain_student().float()
    pruned = prune_plain_student(m, select_keep(channel_importance(m), [3, 5, 2]))
    path = tmp_path / "pruned.onnx"
    export(pruned, path)
    assert parity(pruned, path) < 1e-4
    import onnx
    shapes = [tuple(i.dims) for i in onnx.load(str(path)).graph.initializer if len(i.dims) == 4]
    assert sorted(shapes) == sorted([(3, 1, 3, 3), (5, 3, 3, 3), (2, 5, 3, 3), (4, 2, 3, 3)])
