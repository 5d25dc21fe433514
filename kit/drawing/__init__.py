"""Drawing layer graphs with matplotlib, no Graphviz: layout, boxes, edges, glyphs, figures."""

from kit.drawing.figures import ShownFigure
from kit.drawing.layout import IncrementalLayout, Layout, layered_layout
from kit.drawing.static import GraphFigure, draw

__all__ = ["GraphFigure", "IncrementalLayout", "Layout", "ShownFigure", "draw", "layered_layout"]
