"""Training the right way on a CPU, a course GPU or several machines: ``kit.setup`` and ``kit.train``."""

from kit.training.devices import Setup, setup
from kit.training.trainer import OutOfMemoryError, train

__all__ = ["OutOfMemoryError", "Setup", "setup", "train"]
