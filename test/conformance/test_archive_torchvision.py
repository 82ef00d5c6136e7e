"""Every torchvision classification model torch 1.13 can script (random
weights, eval mode): tsi loads the archive, the attribute tree matches
torch.jit.load's, and every tensor equals torch's bit for bit.

Archives are generated once and cached (TSI_ARCHIVE_CACHE, default
<build>/archive-cache/torchvision). TSI_TORCHVISION selects the models:
"all", "small" (archives under ~60 MB), "tiny" (three models), "none", or
"auto" (the default: small in a normal build, tiny under the sanitizers).
"all" (80 models, ~16 min and ~21 GB of cache on a first run) is the full
acceptance run; the default keeps CI within its time budget.
"""
import os
import shutil
import subprocess

import pytest

from archive_helpers import compare_jit, gen_archive_corpus
from conftest import BUILD, TSI

# Archives under ~60 MB (measured with torchvision 0.14).
SMALL = {
    "densenet121", "efficientnet_b0", "efficientnet_b1", "efficientnet_b2", "efficientnet_b3",
    "googlenet", "mnasnet0_5", "mnasnet0_75", "mnasnet1_0", "mnasnet1_3", "mobilenet_v2",
    "mobilenet_v3_large", "mobilenet_v3_small", "regnet_x_1_6gf", "regnet_x_400mf",
    "regnet_x_800mf", "regnet_y_1_6gf", "regnet_y_400mf", "regnet_y_800mf", "resnet18",
    "shufflenet_v2_x0_5", "shufflenet_v2_x1_0", "shufflenet_v2_x1_5", "shufflenet_v2_x2_0",
    "squeezenet1_0", "squeezenet1_1", "densenet169",
}

MODELS = gen_archive_corpus.torchvision_models()
CACHE = os.environ.get("TSI_ARCHIVE_CACHE") or os.path.join(BUILD, "archive-cache", "torchvision")


def sanitized_build():
    try:
        out = subprocess.run(["ldd", TSI], capture_output=True, text=True).stdout
    except OSError:
        return False
    return "libasan" in out or "libubsan" in out


def selected():
    mode = os.environ.get("TSI_TORCHVISION", "auto")
    if mode == "auto":
        mode = "tiny" if sanitized_build() else "small"
    if mode == "all":
        return set(MODELS)
    if mode == "small":
        return SMALL
    if mode == "tiny":
        return {"resnet18", "mobilenet_v3_small", "squeezenet1_1"}
    return set()


SELECTED = selected()


@pytest.mark.parametrize("name", MODELS)
def test_torchvision_model(tmp_path, name):
    if name not in SELECTED:
        pytest.skip("not selected (TSI_TORCHVISION=all runs every model)")
    path = gen_archive_corpus.generate_torchvision(CACHE, name)
    if path is None:
        pytest.skip(f"torch 1.13 cannot script {name}")
    dump = tmp_path / "dump"
    try:
        info, c = compare_jit(path, dump)
        assert c.tensors > 0
        assert info["parameters"] > 0
    finally:
        shutil.rmtree(dump, ignore_errors=True)  # models are large
