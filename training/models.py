"""Networks: Real-ESRGAN's SRVGGNetCompact (teacher) and the luma x2 real-time student family.

Student: a plain stack of 3x3 convolutions on the Y channel, PixelShuffle output, plus a
bicubic (or nearest) skip of the input, so the network learns the residual over a
conventional upscale. Trained with ECBSR-style (Zhang et al., ACM MM 2021) edge-oriented
convolution blocks whose 3x3, 1x1-3x3, 1x1, Sobel-x/y, Laplacian and identity branches
`reparameterize()` folds into one 3x3 convolution each: training capacity, deploy cost of a
plain conv stack.
"""
from __future__ import annotations

import torch
import torch.nn as nn
import torch.nn.functional as F


class SRVGGNetCompact(nn.Module):
    """Real-ESRGAN compact (xinntao/Real-ESRGAN, BSD-3-Clause) with the official key names
    (body.0 ... body.{2*num_conv+2}); input RGB [0,1] NCHW, output upscale x."""

    def __init__(self, num_in_ch: int = 3, num_out_ch: int = 3, num_feat: int = 64, num_conv: int = 16,
                 upscale: int = 4):
        super().__init__()
        self.upscale = upscale
        self.body = nn.ModuleList([nn.Conv2d(num_in_ch, num_feat, 3, 1, 1), nn.PReLU(num_parameters=num_feat)])
        for _ in range(num_conv):
            self.body.append(nn.Conv2d(num_feat, num_feat, 3, 1, 1))
            self.body.append(nn.PReLU(num_parameters=num_feat))
        self.body.append(nn.Conv2d(num_feat, num_out_ch * upscale * upscale, 3, 1, 1))
        self.upsampler = nn.PixelShuffle(upscale)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = x
        for layer in self.body:
            out = layer(out)
        return self.upsampler(out) + F.interpolate(x, scale_factor=self.upscale, mode="nearest")


def load_realesr_general_x4v3(path: str) -> SRVGGNetCompact:
    """The shared fp16 `realesr-general-x4v3` weights as an fp32 SRVGGNetCompact(64, 32, x4)."""
    state = torch.load(path, map_location="cpu", weights_only=True)
    state = state.get("params_ema", state.get("params", state))
    model = SRVGGNetCompact(num_feat=64, num_conv=32, upscale=4)
    model.load_state_dict({k: v.float() for k, v in state.items()}, strict=True)
    return model.eval()


SOBEL_X = ((1.0, 0.0, -1.0), (2.0, 0.0, -2.0), (1.0, 0.0, -1.0))
SOBEL_Y = ((1.0, 2.0, 1.0), (0.0, 0.0, 0.0), (-1.0, -2.0, -1.0))
LAPLACIAN = ((0.0, 1.0, 0.0), (1.0, -4.0, 1.0), (0.0, 1.0, 0.0))


def _pad_with_bias(y: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
    """Pad by 1 with each channel's bias value: the 1x1 conv's output of a zero-padded input,
    which is what makes the 1x1 -> 3x3 composition foldable exactly, borders included."""
    y = F.pad(y, (1, 1, 1, 1))
    b = bias.view(1, -1, 1, 1)
    y[:, :, 0:1, :] = b
    y[:, :, -1:, :] = b
    y[:, :, :, 0:1] = b
    y[:, :, :, -1:] = b
    return y


class EdgeConvBlock(nn.Module):
    """ECB: sum of branches, each equivalent to one 3x3 convolution of the input:
    3x3 | 1x1 | 1x1 -> 3x3 (expanded, `mid` channels) | 1x1 -> scaled Sobel-x, Sobel-y, Laplacian
    (per-channel learnable scale and bias on a fixed mask) | identity (in == out)."""

    def __init__(self, in_ch: int, out_ch: int, expand: int = 2):
        super().__init__()
        self.in_ch, self.out_ch = in_ch, out_ch
        mid = max(out_ch * expand, 1)
        self.conv3 = nn.Conv2d(in_ch, out_ch, 3, 1, 1)
        self.conv1 = nn.Conv2d(in_ch, out_ch, 1)
        self.exp_1x1 = nn.Conv2d(in_ch, mid, 1)
        self.exp_3x3 = nn.Conv2d(mid, out_ch, 3)
        self.edge_1x1 = nn.ModuleList([nn.Conv2d(in_ch, out_ch, 1) for _ in range(3)])
        self.edge_scale = nn.Parameter(torch.randn(3, out_ch) * 1e-3)
        self.edge_bias = nn.Parameter(torch.zeros(3, out_ch))
        self.register_buffer("edge_masks", torch.tensor([SOBEL_X, SOBEL_Y, LAPLACIAN]), persistent=False)
        self.identity = in_ch == out_ch
        self.explicit_branches = False

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """The block's function. By default it is evaluated as one 3x3 convolution with weights
        folded differentiably from the branch parameters (same function, same gradients, far
        fewer ops on CPU); `forward_branches` evaluates every branch explicitly."""
        if self.explicit_branches:
            return self.forward_branches(x)
        w, b = self._fold()
        return F.conv2d(x, w, b, padding=1)

    def forward_branches(self, x: torch.Tensor) -> torch.Tensor:
        out = self.conv3(x) + self.conv1(x)
        out = out + self.exp_3x3(_pad_with_bias(self.exp_1x1(x), self.exp_1x1.bias))
        for i, conv in enumerate(self.edge_1x1):
            k = (self.edge_scale[i].view(-1, 1, 1, 1) * self.edge_masks[i].view(1, 1, 3, 3))
            out = out + F.conv2d(_pad_with_bias(conv(x), conv.bias), k, self.edge_bias[i], groups=self.out_ch)
        if self.identity:
            out = out + x
        return out

    @torch.no_grad()
    def folded(self) -> tuple[torch.Tensor, torch.Tensor]:
        """(weight [out, in, 3, 3], bias [out]) of the single equivalent 3x3 convolution."""
        w, b = self._fold()
        return w.detach().clone(), b.detach().clone()

    def _fold(self) -> tuple[torch.Tensor, torch.Tensor]:
        centre = torch.zeros(3, 3, dtype=self.conv3.weight.dtype, device=self.conv3.weight.device)
        centre[1, 1] = 1.0
        w = self.conv3.weight + self.conv1.weight * centre
        b = self.conv3.bias + self.conv1.bias
        # 1x1 (in -> mid) then 3x3 (mid -> out): W[o,i] = sum_m W3[o,m] W1[m,i]
        w1 = self.exp_1x1.weight[:, :, 0, 0]
        w = w + torch.einsum("omhw,mi->oihw", self.exp_3x3.weight, w1)
        b = b + self.exp_3x3.bias + torch.einsum("omhw,m->o", self.exp_3x3.weight, self.exp_1x1.bias)
        for i, conv in enumerate(self.edge_1x1):
            k = self.edge_scale[i].view(-1, 1, 1) * self.edge_masks[i].view(1, 3, 3)  # [out, 3, 3]
            w = w + k.unsqueeze(1) * conv.weight[:, :, 0, 0].unsqueeze(-1).unsqueeze(-1)
            b = b + self.edge_bias[i] + k.sum(dim=(1, 2)) * conv.bias
        if self.identity:
            eye = torch.eye(self.out_ch, dtype=w.dtype, device=w.device).view(self.out_ch, self.out_ch, 1, 1)
            w = w + eye * centre
        return w, b

    def to_conv(self) -> nn.Conv2d:
        w, b = self.folded()
        conv = nn.Conv2d(self.in_ch, self.out_ch, 3, 1, 1).to(dtype=w.dtype, device=w.device)
        conv.weight.data.copy_(w)
        conv.bias.data.copy_(b)
        return conv


class LumaStudent(nn.Module):
    """x`scale` luma SR: [1,1,H,W] Y in [0,1] -> [1,1,sH,sW]. `blocks` hidden layers of
    `channels` features with PReLU; the last layer outputs scale^2 channels for PixelShuffle;
    `skip` ('bicubic' | 'nearest') adds a conventional upscale of the input."""

    def __init__(self, channels: int = 16, blocks: int = 4, scale: int = 2, skip: str = "bicubic",
                 expand: int = 2):
        super().__init__()
        if skip not in ("bicubic", "nearest"):
            raise ValueError(f"Expected skip 'bicubic' or 'nearest' but received {skip!r}")
        self.scale, self.skip, self.channels, self.blocks = scale, skip, channels, blocks
        layers: list[nn.Module] = [EdgeConvBlock(1, channels, expand), nn.PReLU(channels)]
        for _ in range(blocks):
            layers += [EdgeConvBlock(channels, channels, expand), nn.PReLU(channels)]
        layers.append(EdgeConvBlock(channels, scale * scale, expand))
        self.body = nn.Sequential(*layers)
        self.upsampler = nn.PixelShuffle(scale)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.skip == "bicubic":
            base = F.interpolate(x, scale_factor=self.scale, mode="bicubic", align_corners=False)
        else:
            base = F.interpolate(x, scale_factor=self.scale, mode="nearest")
        return self.upsampler(self.body(x)) + base

    @torch.no_grad()
    def reparameterize(self) -> "LumaStudent":
        """Fold every EdgeConvBlock into a plain 3x3 Conv2d, in place; returns self."""
        for i, layer in enumerate(self.body):
            if isinstance(layer, EdgeConvBlock):
                self.body[i] = layer.to_conv()
        return self

    @property
    def is_plain(self) -> bool:
        return all(not isinstance(m, EdgeConvBlock) for m in self.body)

    def conv_macs_per_input_pixel(self) -> int:
        """Multiply-accumulates per LR input pixel of the deployed (plain 3x3) network, skip
        excluded (bicubic x2 adds 4 output pixels x 16 taps = 64 per input pixel)."""
        dims = [1] + [self.channels] * (self.blocks + 1) + [self.scale * self.scale]
        return sum(9 * a * b for a, b in zip(dims[:-1], dims[1:]))

    def receptive_field(self) -> int:
        """Receptive field in LR pixels of the conv stack (each 3x3 adds 2)."""
        return 1 + 2 * (self.blocks + 2)


def count_params(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


def _cubic(t: float, a: float = -0.75) -> float:
    """Keys cubic convolution kernel (a = -0.75: PyTorch's / OpenCV's bicubic)."""
    t = abs(t)
    if t <= 1:
        return (a + 2) * t ** 3 - (a + 3) * t ** 2 + 1
    if t < 2:
        return a * t ** 3 - 5 * a * t ** 2 + 8 * a * t - 4 * a
    return 0.0


def bicubic_s2d_weights(fold: int = 2, scale: int = 2) -> torch.Tensor:
    """Bicubic x`scale` (half-pixel centres, a = -0.75) as one 3x3 convolution in space-to-depth
    space: [(fold*scale)^2, fold^2, 3, 3], input channel sy*fold+sx = pixel_unshuffle(fold), output
    channel dy*(fold*scale)+dx = pixel_shuffle(fold*scale). Exact away from the image border (a 3x3
    window of fold x fold blocks covers every bicubic tap when fold = scale = 2)."""
    fs = fold * scale
    w = torch.zeros(fs * fs, fold * fold, 3, 3, dtype=torch.float64)

    def w1(d: int, r: int) -> float:
        # output sub-position d of block 0 sits at input coordinate (d + 0.5) / scale - 0.5
        return _cubic((d + 0.5) / scale - 0.5 - r)

    for dy in range(fs):
        for dx in range(fs):
            for sy in range(fold):
                for sx in range(fold):
                    for ky in range(3):
                        for kx in range(3):
                            w[dy * fs + dx, sy * fold + sx, ky, kx] = w1(dy, fold * (ky - 1) + sy) * w1(dx, fold * (kx - 1) + sx)
    return w.float()


class LumaS2DStudent(nn.Module):
    """x`scale` luma SR computed at 1/`fold` resolution (space-to-depth): [1,1,H,W] Y (H, W even)
    -> pixel_unshuffle(fold) (fold^2 channels) -> ECB 3x3 fold^2 -> `channels`, PReLU,
    `blocks` x (ECB channels -> channels, PReLU), ECB -> (fold*scale)^2 -> pixel_shuffle(fold*scale),
    plus a learned linear 3x3 skip fold^2 -> (fold*scale)^2 initialised to bicubic.

    Every 3x3 convolution runs on a quarter of the pixels with 4x the channels, which is what the
    CPU runtimes' convolution kernels want (16 output channels = one AVX-512 register of floats).
    Deployed (`reparameterize`), the skip rides through the stack on fold^2 extra identity channels
    (centre-tap 1, PReLU slope 1), so the graph is a plain chain: unshuffle, conv, PReLU, ..., conv,
    shuffle. With channels = 12 that is 4 -> 16 -> 16 convolutions."""

    def __init__(self, channels: int = 12, blocks: int = 0, scale: int = 2, skip: str = "learned",
                 expand: int = 2, fold: int = 2):
        super().__init__()
        if skip != "learned":
            raise ValueError(f"Expected skip 'learned' but received {skip!r}")
        self.scale, self.skip, self.channels, self.blocks, self.fold = scale, skip, channels, blocks, fold
        cin, cout = fold * fold, (fold * scale) ** 2
        self.cin, self.cout = cin, cout
        layers: list[nn.Module] = [EdgeConvBlock(cin, channels, expand), nn.PReLU(channels)]
        for _ in range(blocks):
            layers += [EdgeConvBlock(channels, channels, expand), nn.PReLU(channels)]
        layers.append(EdgeConvBlock(channels, cout, expand))
        self.body = nn.Sequential(*layers)
        self.skip_conv = nn.Conv2d(cin, cout, 3, 1, 1, bias=False)
        with torch.no_grad():
            self.skip_conv.weight.copy_(bicubic_s2d_weights(fold, scale))
            # start the residual branch near zero: the untrained model is the bicubic skip
            self.body[-1].conv3.weight.mul_(0.1)
        self.folded_skip = False

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        z = F.pixel_unshuffle(x, self.fold)
        r = self.body(z)
        if not self.folded_skip:
            r = r + self.skip_conv(z)
        return F.pixel_shuffle(r, self.fold * self.scale)

    @torch.no_grad()
    def reparameterize(self, residual_scale: float = 1.0) -> "LumaS2DStudent":
        """Fold every EdgeConvBlock into a plain 3x3 Conv2d and the skip into the stack (extra
        identity channels), in place; returns self. The function is unchanged for any input when
        `residual_scale` is 1; otherwise the output is skip + residual_scale * residual (a free
        deploy-time trade of sharpness against noise amplification)."""
        convs = [layer.to_conv() if isinstance(layer, EdgeConvBlock) else layer for layer in self.body]
        convs[-1].weight.data.mul_(residual_scale)
        convs[-1].bias.data.mul_(residual_scale)
        self.residual_scale = residual_scale
        k = self.cin
        out: list[nn.Module] = []
        for i, layer in enumerate(convs):
            if isinstance(layer, nn.PReLU):
                p = nn.PReLU(layer.num_parameters + k).to(layer.weight.dtype)
                p.weight.data[: layer.num_parameters] = layer.weight.data
                p.weight.data[layer.num_parameters:] = 1.0
                out.append(p)
                continue
            first, last = i == 0, i == len(convs) - 1
            cin = layer.in_channels + (0 if first else k)
            cout = layer.out_channels + (0 if last else k)
            c = nn.Conv2d(cin, cout, 3, 1, 1).to(layer.weight.dtype)
            c.weight.data.zero_()
            c.bias.data.zero_()
            c.weight.data[: layer.out_channels, : layer.in_channels] = layer.weight.data
            c.bias.data[: layer.out_channels] = layer.bias.data
            if last:
                src = slice(0, k) if first else slice(layer.in_channels, cin)
                c.weight.data[:, src] += self.skip_conv.weight.data
            else:
                for j in range(k):  # identity channels carry z
                    c.weight.data[layer.out_channels + j, j if first else layer.in_channels + j, 1, 1] = 1.0
            out.append(c)
        self.body = nn.Sequential(*out)
        self.folded_skip = True
        return self

    @property
    def is_plain(self) -> bool:
        return all(not isinstance(m, EdgeConvBlock) for m in self.body)

    def conv_macs_per_input_pixel(self) -> float:
        """MACs per LR input pixel of the deployed network (skip folded in as identity channels)."""
        k = self.cin
        dims = [k] + [self.channels + k] * (self.blocks + 1) + [self.cout]
        return sum(9 * a * b for a, b in zip(dims[:-1], dims[1:])) / (self.fold * self.fold)

    def receptive_field(self) -> int:
        """Receptive field in LR pixels: (blocks + 2) 3x3 convolutions at 1/fold resolution on
        fold x fold blocks (block-aligned, so the window an output pixel sees is at most this)."""
        return self.fold * (1 + 2 * (self.blocks + 2))


def build_student(mc: dict) -> nn.Module:
    """The student a config's `model` section describes (`arch`: 'plain' (default) or 's2d')."""
    if mc.get("arch", "plain") == "s2d":
        return LumaS2DStudent(mc["channels"], mc["blocks"], mc["scale"], mc.get("skip", "learned"), mc.get("expand", 2),
                              mc.get("fold", 2))
    return LumaStudent(mc["channels"], mc["blocks"], mc["scale"], mc["skip"], mc.get("expand", 2))
