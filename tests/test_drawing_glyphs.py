from kit.drawing.glyphs import GlyphCache


def test_width_grows_with_text_and_size():
    small, large = GlyphCache(size=8), GlyphCache(size=16)
    assert 0 < small.width("i") < small.width("W")
    assert abs(large.width("Dense") - 2 * small.width("Dense")) < 1e-6


def test_path_places_lines_where_asked():
    cache = GlyphCache(size=10)
    path = cache.path([(1.0, 2.0, "Conv2D"), (5.0, 7.0, "LSTM")])
    xs, ys = path.vertices[:, 0], path.vertices[:, 1]
    assert 1.0 - cache.width("Conv2D") / 2 - 1e-6 <= xs.min() < 1.0
    assert 5.0 < xs.max() <= 5.0 + cache.width("LSTM") / 2 + 1e-6
    assert 1.8 < ys.min() < 2.0 and 6.9 < ys.max() < 7.2
    assert len(path.codes) == len(path.vertices)


def test_spaces_and_empty_text_draw_nothing():
    cache = GlyphCache()
    assert len(cache.path([(0, 0, "   ")]).vertices) == 0
    assert cache.width(" ") > 0
