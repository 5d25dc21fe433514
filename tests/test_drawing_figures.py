import io

from PIL import Image

from kit.drawing.figures import ShownFigure


def test_figure_shows_itself_as_png_with_its_content():
    figure = ShownFigure(figsize=(2, 1), dpi=50, facecolor="black")
    image = Image.open(io.BytesIO(figure._repr_png_()))
    assert image.size == (100, 50)
    assert image.convert("L").getextrema() == (0, 0)


def test_png_saving_uses_light_compression_unless_told(tmp_path):
    figure = ShownFigure(figsize=(8, 8), dpi=100)
    figure.add_axes((0, 0, 1, 1)).plot(range(100))
    fast, small = tmp_path / "fast.png", tmp_path / "small.png"
    figure.savefig(fast)
    figure.savefig(small, pil_kwargs={"compress_level": 9})
    assert fast.stat().st_size > small.stat().st_size
