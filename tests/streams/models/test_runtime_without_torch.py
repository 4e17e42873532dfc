"""The server's default models, the gateway and the agents run where torch and its libraries cannot be imported.

The development install has torch (tests compare against it), so its mere absence cannot be relied on here: a child
interpreter refuses those imports outright, then loads and runs every default model and imports every process's
entry point.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

BLOCKED = ("torch", "torchvision", "transformers", "sentence_transformers", "open_clip")

CHILD = textwrap.dedent(
    """
    import importlib.abc, sys

    BLOCKED = {blocked!r}

    class Refuse(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in BLOCKED:
                raise ImportError(f"{{name}} is not part of the runtime install")
            return None

    sys.meta_path.insert(0, Refuse())

    import numpy as np
    from infra.album import photo
    from streams.models import factory

    coffee = photo("coffee")[:, :, ::-1]
    seen = factory.tags().predict([coffee])[0]
    assert seen.tags[0].label == "espresso", seen.tags
    vector = factory.text().predict(["morning coffee"])[0]
    assert len(vector) == 384
    images = factory.visual_images()
    assert images.model_id.startswith("captions"), images.model_id
    assert len(factory.visual_text().predict("a cup of coffee")) == images.size
    factory.faces().load()
    factory.speech().load()
    import gateway.app, infra.worker, streams.app, streams.replay, infra.cli  # every process's entry point
    print("ran without", ", ".join(sorted(BLOCKED)))
    """
)


def test_the_default_models_and_every_entry_point_run_without_torch():
    code = CHILD.format(blocked=frozenset(BLOCKED))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "ran without open_clip, sentence_transformers, torch, torchvision, transformers" in done.stdout


def test_the_blocker_itself_refuses_torch():
    """The check above can fail: the same child refuses an import of torch."""
    code = CHILD.format(blocked=frozenset(BLOCKED)).split("import numpy")[0] + "import torch\n"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode != 0 and "torch is not part of the runtime install" in done.stderr
