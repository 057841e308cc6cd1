#!/usr/bin/env python3
"""Writes test/fixtures/torch_layers.json: inputs, weights, outputs and input gradients of
PyTorch layers, so genlab's nn layers are checked against an independent implementation.

Run: /usr/bin/python3 scripts/golden_torch.py   (Debian: apt-get install python3-torch)
Layouts are converted to genlab's: NHWC activations, conv filters [k, k, Cin, Cout],
transposed-conv filters [k, k, Cout, Cin], dense kernels [in, out].
"""
import json, torch
import torch.nn as nn

torch.manual_seed(0)
cases = {}

def nhwc(t):
    return t.permute(0, 2, 3, 1).contiguous()

def record(name, layer, x_nchw, weights):
    x = x_nchw.clone().requires_grad_(True)
    y = layer(x)
    # A fixed random cotangent makes the input gradient depend on every output element.
    g = torch.randn_like(y)
    (y * g).sum().backward()
    cases[name] = {
        'x': nhwc(x_nchw).flatten().tolist(), 'x_shape': list(nhwc(x_nchw).shape),
        'y': (nhwc(y) if y.dim() == 4 else y).detach().flatten().tolist(),
        'y_shape': list((nhwc(y) if y.dim() == 4 else y).shape),
        'g': (nhwc(g) if g.dim() == 4 else g).flatten().tolist(),
        'dx': nhwc(x.grad).flatten().tolist(),
        'weights': {k: v.flatten().tolist() for k, v in weights.items()},
        'weight_shapes': {k: list(v.shape) for k, v in weights.items()},
    }

for (cin, cout, k, s, p) in [(3, 5, 3, 1, 1), (4, 6, 3, 2, 1), (2, 3, 4, 2, 1), (3, 4, 1, 1, 0)]:
    conv = nn.Conv2d(cin, cout, k, stride=s, padding=p)
    x = torch.randn(2, cin, 9, 8)
    record(f'conv_{cin}_{cout}_k{k}_s{s}_p{p}', conv, x,
           {'filter': conv.weight.detach().permute(2, 3, 1, 0).contiguous(), 'bias': conv.bias.detach()})

for (cin, cout, k, s, p, op, h) in [(4, 3, 3, 2, 1, 1, 5), (3, 2, 4, 2, 1, 0, 4), (2, 3, 3, 1, 1, 0, 5)]:
    convt = nn.ConvTranspose2d(cin, cout, k, stride=s, padding=p, output_padding=op)
    x = torch.randn(2, cin, h, h + 1)
    # torch weight [Cin, Cout, k, k] -> genlab [k, k, Cout, Cin]
    record(f'convt_{cin}_{cout}_k{k}_s{s}_p{p}_op{op}', convt, x,
           {'filter': convt.weight.detach().permute(2, 3, 1, 0).contiguous(), 'bias': convt.bias.detach()})

gn = nn.GroupNorm(2, 6)
with torch.no_grad():
    gn.weight.copy_(torch.randn(6)); gn.bias.copy_(torch.randn(6))
record('groupnorm_2_6', gn, torch.randn(3, 6, 4, 5) * 2 + 1, {'gamma': gn.weight.detach(), 'beta': gn.bias.detach()})

bn = nn.BatchNorm2d(5)
with torch.no_grad():
    bn.weight.copy_(torch.randn(5)); bn.bias.copy_(torch.randn(5))
record('batchnorm_5', bn, torch.randn(4, 5, 3, 3) * 3 - 1, {'gamma': bn.weight.detach(), 'beta': bn.bias.detach()})
cases['batchnorm_5']['running_mean'] = bn.running_mean.tolist()
cases['batchnorm_5']['running_var'] = bn.running_var.tolist()

lin = nn.Linear(7, 4)
x = torch.randn(5, 7, requires_grad=True)
y = lin(x); g = torch.randn_like(y); (y * g).sum().backward()
cases['dense_7_4'] = {'x': x.detach().flatten().tolist(), 'x_shape': [5, 7], 'y': y.detach().flatten().tolist(),
                      'y_shape': [5, 4], 'g': g.flatten().tolist(), 'dx': x.grad.flatten().tolist(),
                      'weights': {'kernel': lin.weight.detach().t().contiguous().flatten().tolist(), 'bias': lin.bias.detach().tolist()},
                      'weight_shapes': {'kernel': [7, 4], 'bias': [4]}}

out = {'torch': torch.__version__, 'cases': cases}
with open('test/fixtures/torch_layers.json', 'w') as f:
    json.dump(out, f, separators=(',', ':'))
print('wrote', len(cases), 'cases')
