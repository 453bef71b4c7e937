"""A run taken out of the app: a standalone NumPy script, an animated GIF."""

from playground.export.gif import export_gif
from playground.export.script import export_script

__all__ = ["export_gif", "export_script"]
